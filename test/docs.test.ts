import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index';
import { withMeta, withRulesTable } from '../scripts/docsGen';
import { findingLines, RULES_DIR, scanDir, tmpDir } from './harness';

interface Example {
  readonly verdict: 'incorrect' | 'correct';
  readonly file: string;
  readonly code: string;
}

/** The titled code blocks under `### ❌ …` and `### ✅ …` headings of a rule page. */
export function examplesOf(readme: string): Example[] {
  const out: Example[] = [];
  let verdict: Example['verdict'] | undefined;
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^#{1,3} /.test(l)) verdict = l.includes('❌') ? 'incorrect' : l.includes('✅') ? 'correct' : undefined;
    const fence = /^```(\w+)?\s+title="([^"]+)"/.exec(l);
    if (fence && verdict) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
      out.push({ verdict, file: fence[2], code: body.join('\n') + '\n' });
    }
  }
  return out;
}

const SECTIONS = ['## Why it matters', '## Examples', '## Quick fix', '## Options', '## When not to use it', '## References'];

describe.each(rules.map((r) => [r.id, r] as const))('doc page of %s', (id, rule) => {
  const file = path.join(RULES_DIR, id, 'README.md');
  const readme = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';

  it('has the title, the summary, a current meta table and every section in order', () => {
    expect(readme, `${file} is missing`).not.toBe('');
    const lines = readme.split('\n');
    expect(lines[0]).toBe(`# ${id}`);
    expect(lines[2]).toBe(rule.summary);
    expect(withMeta(readme, rule), 'meta table is stale: run npm run docs').toBe(readme);
    let at = -1;
    for (const s of SECTIONS) {
      const idx = readme.indexOf(`\n${s}\n`);
      expect(idx, `section "${s}"`).toBeGreaterThan(at);
      at = idx;
    }
    expect(readme).toContain(rule.checklist);
  });

  it('every ❌ example fires and every ✅ example stays quiet', () => {
    const examples = examplesOf(readme);
    expect(examples.some((e) => e.verdict === 'incorrect')).toBe(true);
    expect(examples.some((e) => e.verdict === 'correct')).toBe(true);
    for (const ex of examples) {
      const dir = tmpDir('doc');
      const abs = path.join(dir, ex.file);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, ex.code);
      const result = scanDir(dir).find((r) => r.path === ex.file);
      const lines = findingLines(result, id);
      if (ex.verdict === 'incorrect') expect(lines.length, `❌ ${ex.file} in ${id}/README.md does not fire`).toBeGreaterThan(0);
      else expect(lines, `✅ ${ex.file} in ${id}/README.md fires`).toEqual([]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('README', () => {
  it('has the current rules table (npm run docs)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(withRulesTable(readme, rules)).toBe(readme);
  });
});
