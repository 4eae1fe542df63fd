/**
 * Text edits into YAML that keep the file's layout: comments stay where they are, new keys take the map's own
 * indentation and the file's line ending, nested blocks indent by the file's step.
 */
import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import type { LineIndex } from './text';
import type { TextEdit } from './types';

/** The indentation step a YAML file uses (the smallest positive indent of a key line), default 2. */
export function yamlIndentStep(text: string): number {
  let best = 0;
  const re = /^( +)(?:- )?[\w"'.-][^:\n]*:(?:\s|$)/gm;
  let m: RegExpExecArray | null;
  let count = 0;
  while ((m = re.exec(text)) && count++ < 2000) {
    const n = m[1].length;
    if (n > 0 && (best === 0 || n < best)) best = n;
  }
  return best === 0 ? 2 : Math.min(best, 8);
}

/** The column of a block map's keys, or undefined for a flow map (`{ a: 1 }`) or an empty one. */
export function mapKeyColumn(map: YAMLMap, lines: LineIndex): number | undefined {
  if (map.flow) return undefined;
  const first = map.items[0]?.key;
  const at = isScalar(first) || isMap(first) || isSeq(first) ? first.range?.[0] : undefined;
  if (at === undefined) return undefined;
  return at - lines.lineStart(lines.lineOf(at));
}

/**
 * Insert lines as new entries at the end of a block map. `block` is written relative to the map's keys
 * (`['deploy:', '  resources:', …]`, two-space steps are re-indented to the file's step). Returns undefined
 * for flow maps and maps whose end cannot be placed safely.
 */
export function appendToMap(text: string, lines: LineIndex, map: YAMLMap, block: readonly string[], eol = text.includes('\r\n') ? '\r\n' : '\n'): TextEdit | undefined {
  const col = mapKeyColumn(map, lines);
  if (col === undefined || !map.range) return undefined;
  // the end of the map's last value, before trailing blank lines and comments that belong to what follows
  let end = map.range[1];
  while (end > map.range[0] && /\s/.test(text[end - 1])) end--;
  const line = lines.lineOf(end - 1);
  const at = lines.lineEnd(line);
  // a trailing comment on that line stays on it: we insert after the line's end
  const step = yamlIndentStep(text);
  const pad = ' '.repeat(col);
  const body = block.map((l) => {
    const lead = /^ */.exec(l)![0].length;
    return pad + ' '.repeat((lead / 2) * step) + l.slice(lead);
  });
  return { start: at, end: at, text: eol + body.join(eol) };
}
