import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, scan } from '../server/src/engine';
import { rules } from '../rules/index';
import {
  copyDir,
  describeFinding,
  engine,
  findingLines,
  listCases,
  listFiles,
  parseAnnotations,
  parseProblem,
  RULES_DIR,
  scanDir,
  tmpDir,
} from './harness';

const cases = listCases();

describe('every rule has fixtures', () => {
  for (const r of rules) {
    it(`${r.id} has at least one case, and a .fixed case when it is fixable`, () => {
      const own = cases.filter((c) => c.ruleId === r.id);
      expect(own.length).toBeGreaterThan(0);
      if (r.fixable) expect(own.some((c) => c.fixedDir)).toBe(true);
    });
  }
});

describe.each(cases.map((c) => [`${c.ruleId}/${c.name}`, c] as const))('fixture %s', (_name, c) => {
  const results = scanDir(c.dir);
  const byRel = new Map(results.map((r) => [r.path, r]));
  const files = listFiles(c.dir).map((abs) => ({ abs, rel: path.relative(c.dir, abs).split(path.sep).join('/') }));

  it('findings are exactly on the annotated lines', () => {
    let annotated = 0;
    for (const f of files) {
      const text = fs.readFileSync(f.abs, 'utf8');
      const anns = parseAnnotations(text);
      annotated += anns.length;
      const ids = new Set([c.ruleId, ...anns.map((a) => a.ruleId)]);
      for (const id of ids) {
        const expected = anns.filter((a) => a.ruleId === id && (a.mark === 'ruleid' || a.mark === 'todook')).map((a) => a.line);
        const quiet = anns.filter((a) => a.ruleId === id && (a.mark === 'ok' || a.mark === 'todoruleid')).map((a) => a.line);
        const actual = findingLines(byRel.get(f.rel), id);
        const msg = `${c.ruleId}/${c.name}/${f.rel} rule ${id}\n${(byRel.get(f.rel)?.findings ?? []).map(describeFinding).join('\n')}`;
        expect(actual, msg).toEqual([...new Set(expected)].sort((a, b) => a - b));
        for (const q of quiet) expect(actual, `${msg}\nline ${q} is annotated ok/todoruleid`).not.toContain(q);
      }
    }
    expect(annotated, 'a case without any annotation tests nothing').toBeGreaterThan(0);
  });

  it('no file of the case crashes a rule or fails to parse', () => {
    for (const r of results) {
      expect(r.internalErrors, r.path).toEqual([]);
      expect(r.parseError, r.path).toBe(false);
    }
  });

  it('messages, columns and fix titles', async () => {
    // One snapshot file per case, so rules never share (or race on) a snapshot file.
    const lines = results.flatMap((r) => r.findings.filter((f) => f.ruleId === c.ruleId).map(describeFinding));
    await expect(lines.join('\n') + '\n').toMatchFileSnapshot(path.join(__dirname, '__snapshots__', 'rules', c.ruleId, `${c.name}.txt`));
  });

  const fixable = results.some((r) => r.findings.some((f) => f.ruleId === c.ruleId && f.fix));
  if (fixable || c.fixedDir) {
    it('fixes reproduce the .fixed case byte for byte, parse, remove the findings, and are idempotent', () => {
      expect(c.fixedDir, `${c.ruleId}/${c.name} has fixable findings but no ${c.name}.fixed/ folder`).toBeDefined();
      const work = tmpDir('fix');
      copyDir(c.dir, work);
      // the project view, so project-level findings are fixed as the CLI fixes them
      const project = scan(engine, { paths: [work], cwd: work, root: work }).project;
      for (const f of files) {
        const abs = path.join(work, f.rel);
        const text = fs.readFileSync(abs, 'utf8');
        const cls = classify(f.rel, () => text);
        if (!cls) continue;
        const input = { path: f.rel, absPath: abs, text, classification: cls, onlyRules: new Set([c.ruleId]), project };
        const { text: fixedText } = engine.fix(input);
        const expectedPath = path.join(c.fixedDir!, f.rel);
        const expected = fs.readFileSync(expectedPath, 'utf8');
        expect(fixedText, `${f.rel} after --fix differs from ${path.relative(RULES_DIR, expectedPath)}`).toBe(expected);
        expect(parseProblem(f.rel, fixedText, cls.kind), `${f.rel} does not parse after the fix`).toBeUndefined();
        if (!/\r\n/.test(text)) expect(fixedText.includes('\r\n'), 'fix introduced CRLF').toBe(false);
        else expect(/[^\r]\n/.test(fixedText), 'fix introduced a bare LF into a CRLF file').toBe(false);
        const after = engine.lint({ ...input, text: fixedText });
        expect(after.findings.filter((x) => x.fix).map(describeFinding), `${f.rel}: fixable findings remain`).toEqual([]);
        const again = engine.fix({ ...input, text: fixedText });
        expect(again.fixed, `${f.rel}: a second --fix changed the file again`).toBe(0);
      }
      fs.rmSync(work, { recursive: true, force: true });
    });

    it('each fix applied alone parses and removes its own finding', () => {
      for (const r of results) {
        const text = fs.readFileSync(r.absPath, 'utf8');
        const cls = classify(r.path, () => text)!;
        for (const f of r.findings.filter((x) => x.ruleId === c.ruleId && x.fix)) {
          let out = text;
          for (const e of [...f.fix!.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
          expect(parseProblem(r.path, out, cls.kind), `${describeFinding(f)} → does not parse`).toBeUndefined();
          const after = engine.lint({ path: r.path, absPath: r.absPath, text: out, classification: cls, onlyRules: new Set([c.ruleId]) });
          // the fixed line no longer carries a finding with the same message
          const same = after.findings.filter((x) => x.message === f.message && x.messageId === f.messageId);
          expect(same.length, `${describeFinding(f)} still reported after its own fix`).toBeLessThan(
            r.findings.filter((x) => x.message === f.message && x.messageId === f.messageId).length,
          );
        }
      }
    });
  }
});
