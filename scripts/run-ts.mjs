// Run a TypeScript script of this repository: bundle it with esbuild to a temporary file, then execute it.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'prodready-script-'));
const out = join(dir, 'script.cjs');
await build({ entryPoints: [resolve(entry)], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], logLevel: 'warning' });
process.argv = [process.argv[0], out, ...args];
try {
  await import(pathToFileURL(out).href);
} finally {
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}
