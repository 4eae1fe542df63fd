/**
 * Baselines: adopt prodready on a large codebase without a flag day. `prodready baseline` records today's
 * findings in `.prodready-baseline.json`; later runs fail only on findings that are not in it. A finding is
 * matched by file, rule and a fingerprint of the normalised code around it — never by line number — so edits
 * above a finding do not resurrect it and a finding moved to another line stays matched. Several findings
 * with the same fingerprint in a file are matched as a count. The same matching serves the CLI, SARIF
 * (`baselineState`) and the editor (baselined findings shown as hints).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from './config';
import type { LineIndex } from './text';
import type { Finding } from './types';

export const BASELINE_FILE = '.prodready-baseline.json';

/** Whitespace collapsed and trimmed: indentation and reflowing do not change a fingerprint. */
function normalise(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * The fingerprint of a finding: its rule and message id, the normalised text of the line it starts on, and the
 * normalised text of its own span (at most 200 characters). Line numbers are not part of it.
 */
export function fingerprintOf(text: string, lines: LineIndex, ruleId: string, messageId: string, start: number, end: number): string {
  const line = lines.lineText(lines.lineOf(start));
  const span = text.slice(start, Math.min(end, start + 200));
  return createHash('sha1').update(`${ruleId}\0${messageId}\0${normalise(line)}\0${normalise(span)}`).digest('hex').slice(0, 20);
}

export interface BaselineEntry {
  /** path relative to the baseline file's folder, POSIX separators */
  readonly file: string;
  readonly rule: string;
  readonly fingerprint: string;
  /** where it was when recorded (for reading the file in a review; not used to match) */
  readonly line: number;
  readonly message: string;
}

export type BaselineState = 'new' | 'unchanged';

interface BaselineJson {
  readonly tool: 'prodready';
  readonly version: 1;
  readonly findings: readonly BaselineEntry[];
}

export class Baseline {
  private constructor(
    readonly file: string,
    readonly entries: readonly BaselineEntry[],
  ) {}

  get dir(): string {
    return path.dirname(this.file);
  }

  static empty(file: string): Baseline {
    return new Baseline(path.resolve(file), []);
  }

  /** Read a baseline file; a malformed one is a config error naming the file and what is wrong. */
  static load(file: string): Baseline {
    const abs = path.resolve(file);
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(abs, 'utf8'));
    } catch (e) {
      throw new ConfigError(`cannot read the baseline: ${(e as Error).message}`, abs, '');
    }
    const d = data as Partial<BaselineJson>;
    if (d.tool !== 'prodready' || d.version !== 1 || !Array.isArray(d.findings)) {
      throw new ConfigError('not a prodready baseline (expected { "tool": "prodready", "version": 1, "findings": [...] })', abs, '');
    }
    const entries = d.findings.filter(
      (e): e is BaselineEntry => !!e && typeof e.file === 'string' && typeof e.rule === 'string' && typeof e.fingerprint === 'string',
    );
    return new Baseline(abs, entries);
  }

  /** A baseline of these findings (unsuppressed rule findings only), paths made relative to the file's folder. */
  static of(file: string, findings: readonly Finding[]): Baseline {
    const abs = path.resolve(file);
    const dir = path.dirname(abs);
    const entries = findings
      .filter((f) => !f.suppressed && f.fingerprint && !ENGINE_IDS.has(f.ruleId))
      .map((f) => ({ file: rel(dir, f.absPath), rule: f.ruleId, fingerprint: f.fingerprint!, line: f.line, message: f.message }));
    return new Baseline(abs, sortEntries(entries));
  }

  /** Sorted, one entry per line of JSON: stable and readable in a diff. */
  serialize(): string {
    const lines = this.entries.map((e) => `    ${JSON.stringify({ file: e.file, rule: e.rule, fingerprint: e.fingerprint, line: e.line, message: e.message })}`);
    return `{\n  "tool": "prodready",\n  "version": 1,\n  "findings": [\n${lines.join(',\n')}${lines.length ? '\n' : ''}  ]\n}\n`;
  }

  save(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, this.serialize());
    fs.renameSync(tmp, this.file);
  }

  /** The same baseline without the given entries (fixed findings pruned). */
  without(drop: ReadonlySet<BaselineEntry>): Baseline {
    return new Baseline(this.file, this.entries.filter((e) => !drop.has(e)));
  }

  /**
   * Match the findings of one file. Each entry matches at most one finding with its rule and fingerprint; the
   * findings matched are 'unchanged', the others 'new'. Returns the states and the entries left unmatched.
   */
  matchFile(absPath: string, findings: readonly Finding[]): { states: Map<Finding, BaselineState>; unmatched: BaselineEntry[] } {
    const file = rel(this.dir, absPath);
    const pool = new Map<string, BaselineEntry[]>();
    for (const e of this.byFile().get(file) ?? []) {
      const k = `${e.rule}\0${e.fingerprint}`;
      const list = pool.get(k) ?? [];
      list.push(e);
      pool.set(k, list);
    }
    const states = new Map<Finding, BaselineState>();
    for (const f of findings) {
      if (f.suppressed || ENGINE_IDS.has(f.ruleId) || !f.fingerprint) continue;
      const list = pool.get(`${f.ruleId}\0${f.fingerprint}`);
      if (list?.length) {
        list.shift();
        states.set(f, 'unchanged');
      } else states.set(f, 'new');
    }
    return { states, unmatched: [...pool.values()].flat() };
  }

  private index: Map<string, BaselineEntry[]> | undefined;
  private byFile(): Map<string, BaselineEntry[]> {
    if (!this.index) {
      this.index = new Map();
      for (const e of this.entries) {
        const list = this.index.get(e.file) ?? [];
        list.push(e);
        this.index.set(e.file, list);
      }
    }
    return this.index;
  }

  /** Entries of files under `roots` (absolute) that are not in `seen` (files no longer there or not ours). */
  entriesOfUnseenFiles(seen: ReadonlySet<string>, roots: readonly string[]): BaselineEntry[] {
    const seenRel = new Set([...seen].map((f) => rel(this.dir, f)));
    const prefixes = roots.map((r) => rel(this.dir, r)).map((r) => (r === '' ? '' : `${r}/`));
    return this.entries.filter((e) => !seenRel.has(e.file) && prefixes.some((p) => p === '' || e.file.startsWith(p) || `${e.file}/` === p));
  }
}

const ENGINE_IDS = new Set(['parse-error', 'internal-error', 'unused-disable-directive', 'disable-without-reason']);

function rel(dir: string, abs: string): string {
  return path.relative(dir, abs).split(path.sep).join('/');
}

function sortEntries(entries: BaselineEntry[]): BaselineEntry[] {
  return entries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) || a.line - b.line || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
}
