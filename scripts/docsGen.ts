/** Generated parts of the docs: each rule page's meta table and the README's rules table. */
import type { Rule } from '../server/src/engine/api';

export const META_BEGIN = '<!-- begin generated meta -->';
export const META_END = '<!-- end generated meta -->';
export const TABLE_BEGIN = '<!-- begin generated rules table -->';
export const TABLE_END = '<!-- end generated rules table -->';

export function metaTable(r: Rule): string {
  const options = Object.keys(r.options ?? {});
  return [
    META_BEGIN,
    '| | |',
    '|---|---|',
    `| Severity | ${r.severity} |`,
    `| Kinds | ${r.kinds.join(', ')} |`,
    `| Scope | ${r.scope} |`,
    `| Checklist | ${r.checklist} |`,
    `| Fix | ${r.fixable ? 'yes (editor quick fix and `prodready lint --fix`)' : 'none'}${r.hasSuggestions ? '; suggestions in the editor' : ''} |`,
    `| Options | ${options.length ? options.map((o) => `\`${o}\``).join(', ') : 'none'} |`,
    META_END,
  ].join('\n');
}

export function rulesTable(rules: readonly Rule[]): string {
  const rows = rules.map(
    (r) => `| [\`${r.id}\`](rules/${r.id}/README.md) | ${r.summary.replace(/\|/g, '\\|')} | ${r.kinds.join(', ')} | ${r.severity} | ${r.checklist} | ${r.fixable ? '🔧' : ''} |`,
  );
  return [TABLE_BEGIN, '| Rule | What it finds | Kinds | Severity | Checklist | Fix |', '|---|---|---|---|---|:-:|', ...rows, TABLE_END].join('\n');
}

function replaceBetween(text: string, begin: string, end: string, replacement: string): string {
  const s = text.indexOf(begin);
  const e = text.indexOf(end);
  if (s < 0 || e < s) throw new Error(`markers ${begin} … ${end} not found`);
  return text.slice(0, s) + replacement + text.slice(e + end.length);
}

export function withMeta(readme: string, r: Rule): string {
  return replaceBetween(readme, META_BEGIN, META_END, metaTable(r));
}

export function withRulesTable(readme: string, rules: readonly Rule[]): string {
  return replaceBetween(readme, TABLE_BEGIN, TABLE_END, rulesTable(rules));
}
