/**
 * The annotated-fixture harness (semgrep-rules style). A case is a folder under rules/<id>/fixtures/ that
 * is scanned as a project root. Intent is written in the file's own comment syntax on the line(s) before
 * the target line:
 *
 *   ruleid: <id>      a finding of <id> must be on the next line
 *   ok: <id>          no finding of <id> on the next line (documents intent; any unannotated finding fails)
 *   todoruleid: <id>  known miss: no finding today; the test fails when it starts firing (promote it)
 *   todook: <id>      known noise: a finding today; the test fails when it stops (promote it to ok)
 *
 * Several annotation lines may stack above one target line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine, parseCode, parseYaml, scan, YAML_KINDS, CODE_KINDS, type FileResult, type Finding } from '../server/src/engine';
import { rules } from '../rules/index';

export const engine = createEngine({ rules });
export const RULES_DIR = path.join(__dirname, '..', 'rules');

export type Mark = 'ruleid' | 'ok' | 'todoruleid' | 'todook';

export interface Annotation {
  readonly mark: Mark;
  readonly ruleId: string;
  /** the annotated target line */
  readonly line: number;
  /** where the annotation itself is written */
  readonly at: number;
}

const ANNOTATION = /(?:\/\/|#|--|\/\*|\{\s*\/\*|<!--)\s*(ruleid|ok|todoruleid|todook)\s*:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/;

export function parseAnnotations(text: string): Annotation[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: Annotation[] = [];
  let pending: { mark: Mark; ids: string[]; at: number }[] = [];
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    const onlyAnnotation = m && line.slice(0, m.index).trim() === '' ;
    if (m && onlyAnnotation) {
      pending.push({ mark: m[1] as Mark, ids: m[2].split(/\s*,\s*/), at: i + 1 });
      return;
    }
    if (pending.length) {
      for (const p of pending) for (const id of p.ids) out.push({ mark: p.mark, ruleId: id, line: i + 1, at: p.at });
      pending = [];
    }
  });
  return out;
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const rec = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) rec(p);
      else out.push(p);
    }
  };
  rec(dir);
  return out.sort();
}

export interface CaseDir {
  readonly ruleId: string;
  readonly name: string;
  readonly dir: string;
  readonly fixedDir?: string;
}

export function listCases(): CaseDir[] {
  const out: CaseDir[] = [];
  for (const r of rules) {
    const fx = path.join(RULES_DIR, r.id, 'fixtures');
    if (!fs.existsSync(fx)) continue;
    for (const e of fs.readdirSync(fx, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.endsWith('.fixed')) continue;
      const fixed = path.join(fx, `${e.name}.fixed`);
      out.push({ ruleId: r.id, name: e.name, dir: path.join(fx, e.name), fixedDir: fs.existsSync(fixed) ? fixed : undefined });
    }
  }
  return out;
}

export function scanDir(dir: string): FileResult[] {
  return scan(engine, { paths: [dir], cwd: dir, root: dir }).files;
}

/** Lines (sorted) of unsuppressed findings of one rule in one file result. */
export function findingLines(r: FileResult | undefined, ruleId: string): number[] {
  if (!r) return [];
  return [...new Set(r.findings.filter((f) => f.ruleId === ruleId && !f.suppressed).map((f) => f.line))].sort((a, b) => a - b);
}

/** Does the text parse in its kind? Returns the first error, or undefined. */
export function parseProblem(file: string, text: string, kind: string): string | undefined {
  if (CODE_KINDS.has(kind as never)) {
    const sf = parseCode(file, text);
    const d = (sf as unknown as { parseDiagnostics: { messageText: unknown; start: number }[] }).parseDiagnostics;
    return d.length ? `${String(typeof d[0].messageText === 'string' ? d[0].messageText : JSON.stringify(d[0].messageText))} at ${d[0].start}` : undefined;
  }
  if (YAML_KINDS.has(kind as never)) {
    const y = parseYaml(text);
    return y.errors.length ? `${y.errors[0].message} at ${y.errors[0].offset}` : undefined;
  }
  return undefined;
}

export function copyDir(src: string, dest: string): void {
  fs.mkdirSync(dest, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, e.name);
    const d = path.join(dest, e.name);
    if (e.isDirectory()) copyDir(s, d);
    else fs.copyFileSync(s, d);
  }
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `prodready-${prefix}-`));
}

export function describeFinding(f: Finding): string {
  return `${f.path}:${f.line}:${f.column} ${f.severity} ${f.ruleId}/${f.messageId}: ${f.message}${f.fix ? ` [fix: ${f.fix.title}]` : ''}${
    f.suggestions ? ` [suggestions: ${f.suggestions.map((s) => s.title).join(' | ')}]` : ''
  }${f.suppressed ? ` [suppressed: ${f.suppressed.justification}]` : ''}`;
}
