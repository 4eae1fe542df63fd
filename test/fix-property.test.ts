/**
 * A property of every fix, over every file of every rule's fixtures (all rules on, not just the case's own) and
 * over files made of many fixtures at once: each fix applied alone yields a file that parses and no longer has
 * that finding; fix-all never produces overlapping or corrupting edits, leaves no fixable finding behind, and is
 * idempotent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits, classify, parseText, type Classification, type Finding } from '../server/src/engine';
import { CODE_KINDS, YAML_KINDS } from '../server/src/engine';
import { describeFinding, engine, listCases, listFiles, parseProblem } from './harness';

interface Sample {
  readonly rel: string;
  readonly text: string;
  readonly cls: Classification;
}

/** Does the text parse in its kind (every kind, not only code and YAML)? */
function problem(rel: string, text: string, kind: string): string | undefined {
  if (CODE_KINDS.has(kind as never) || YAML_KINDS.has(kind as never)) return parseProblem(rel, text, kind);
  const errors = parseText(kind as never, text).errors;
  return errors.length ? `${errors[0].message} at ${errors[0].offset}` : undefined;
}

const samples: Sample[] = [];
for (const c of listCases()) {
  for (const abs of listFiles(c.dir)) {
    const rel = path.relative(c.dir, abs).split(path.sep).join('/');
    const text = fs.readFileSync(abs, 'utf8');
    const cls = classify(rel, () => text);
    if (cls?.production) samples.push({ rel, text, cls });
  }
}

const lint = (s: Sample, text = s.text) => engine.lint({ path: s.rel, absPath: '', text, classification: s.cls });

describe('every fix of every rule, on every fixture file', () => {
  it('applied alone, parses and removes its own finding', () => {
    let fixes = 0;
    for (const s of samples) {
      const before = lint(s);
      if (before.parseError) continue;
      for (const f of before.findings.filter((x) => x.fix && !x.suppressed)) {
        fixes++;
        const out = applyEdits(s.text, f.fix!.edits);
        expect(problem(s.rel, out, s.cls.kind), `${s.rel}: ${describeFinding(f)} → does not parse`).toBeUndefined();
        const same = (xs: readonly Finding[]) => xs.filter((x) => x.ruleId === f.ruleId && x.messageId === f.messageId && x.message === f.message).length;
        expect(same(lint(s, out).findings), `${s.rel}: ${describeFinding(f)} still reported after its own fix`).toBeLessThan(same(before.findings));
      }
    }
    expect(fixes).toBeGreaterThan(20);
  });

  it('fix-all: parses, leaves nothing fixable, is idempotent', () => {
    for (const s of samples) {
      const { text } = engine.fix({ path: s.rel, absPath: '', text: s.text, classification: s.cls });
      if (text === s.text) continue;
      expect(problem(s.rel, text, s.cls.kind), `${s.rel} does not parse after fix-all`).toBeUndefined();
      expect(lint(s, text).findings.filter((x) => x.fix && !x.suppressed).map(describeFinding), `${s.rel}: fixable findings remain`).toEqual([]);
      expect(engine.fix({ path: s.rel, absPath: '', text, classification: s.cls }).fixed, `${s.rel}: a second fix-all changed it again`).toBe(0);
    }
  });
});

describe('fix-all on files with many findings', () => {
  // One file per kind made of every fixture file of that kind (YAML as one document each), so fixes of many
  // rules and many findings meet in one text. Kinds whose combined file has nothing to fix are not tested here.
  const byKind = new Map<string, Sample[]>();
  for (const s of samples) {
    if (lint(s).parseError) continue;
    const list = byKind.get(s.cls.kind) ?? [];
    list.push(s);
    byKind.set(s.cls.kind, list);
  }
  const combined: { kind: string; count: number; input: { path: string; absPath: string; text: string; classification: Classification }; fixable: number }[] = [];
  for (const [kind, list] of byKind) {
    const first = list[0];
    const sep = YAML_KINDS.has(kind as never) ? '\n---\n' : '\n';
    // code: each file in its own block, so declarations of different files do not collide; files with
    // imports/exports must stay at the top level, and a combined module that does not parse is left out
    const parts = list.map((s) => (CODE_KINDS.has(kind as never) && !/^\s*(import|export)\b/m.test(s.text) ? `{\n${s.text}\n}` : s.text.replace(/\r\n/g, '\n')));
    const input = { path: first.rel, absPath: '', text: parts.join(sep), classification: first.cls };
    const before = engine.lint(input);
    if (before.parseError) continue;
    const fixable = before.findings.filter((f) => f.fix && !f.suppressed).length;
    if (fixable) combined.push({ kind, count: list.length, input, fixable });
  }
  it('covers several kinds', () => {
    expect(combined.length).toBeGreaterThanOrEqual(2);
  });
  for (const c of combined) {
    it(`${c.kind}: ${c.count} files in one, ${c.fixable} fixable findings`, () => {
      const { text: out } = engine.fix(c.input);
      expect(problem(c.input.path, out, c.kind), `${c.kind}: the combined file does not parse after fix-all`).toBeUndefined();
      const after = engine.lint({ ...c.input, text: out });
      expect(after.findings.filter((f) => f.fix && !f.suppressed).map(describeFinding)).toEqual([]);
      expect(after.findings.filter((f) => f.ruleId === 'internal-error')).toEqual([]);
    });
  }
});
