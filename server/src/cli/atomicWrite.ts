import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeText, encodeText } from '../engine';

export type WriteOutcome = 'written' | 'changed on disk since it was read' | `cannot write: ${string}`;

/**
 * Replace a file's content atomically: write a temporary file beside it with the same mode, then rename it
 * over the original. Refuses when the file on disk no longer holds `expected` (it changed after we read it),
 * so a fix never overwrites someone's newer work. A process killed at any point leaves the old or the new file.
 */
export function writeFileAtomic(file: string, text: string, expected: string): WriteOutcome {
  let mode: number;
  let bytes: Buffer;
  try {
    const st = fs.statSync(file);
    mode = st.mode & 0o7777;
    const current = decodeText(fs.readFileSync(file));
    if (current.text !== expected) return 'changed on disk since it was read';
    bytes = encodeText(text, current.encoding);
  } catch (e) {
    return `cannot write: ${(e as Error).message}`;
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.prodready-${process.pid}-${Date.now()}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'w', mode);
    try {
      fs.writeFileSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
    return 'written';
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    return `cannot write: ${(e as Error).message}`;
  }
}
