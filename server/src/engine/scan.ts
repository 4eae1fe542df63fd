import * as fs from 'node:fs';
import * as path from 'node:path';
import { classify } from './classify';
import type { Engine, FileResult, LintInput } from './engine';
import { ProjectResolver, toPosix } from './project';
import { skipReason, walkFiles, type WalkIssue } from './walk';

export interface ScanOptions {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly configPath?: string;
  /** a fixed project root: paths are relative to it and configs are not looked for above it */
  readonly root?: string;
  readonly requireReason?: boolean;
  readonly reportUnusedDirectives?: boolean;
  readonly onlyRules?: ReadonlySet<string>;
}

export interface SkippedFile {
  readonly absPath: string;
  readonly reason: string;
}

export interface ScanResult {
  readonly files: FileResult[];
  readonly skipped: SkippedFile[];
  readonly issues: WalkIssue[];
  /** how many files were looked at (classified and read) */
  readonly scanned: number;
}

/** Read a file as text: UTF-8, or UTF-16 when it has a UTF-16 byte-order mark. */
export function readText(absPath: string): string {
  const buf = fs.readFileSync(absPath);
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return buf.toString('utf8');
}

/**
 * Lint the files under `paths`, one at a time: read, classify, parse once, run every rule in one pass,
 * drop the syntax tree. `onFile` sees each result as it is made (progress, streaming output).
 */
export function scan(engine: Engine, opts: ScanOptions, onFile?: (r: FileResult, input: LintInput) => void): ScanResult {
  const issues: WalkIssue[] = [];
  const files = walkFiles(opts.paths, opts.cwd, issues);
  const resolver = new ProjectResolver(engine.rules, engine.defaultConfig, opts.cwd, opts.configPath, opts.root);
  const results: FileResult[] = [];
  const skipped: SkippedFile[] = [];
  let scanned = 0;
  for (const absPath of files) {
    const project = resolver.forFile(absPath);
    const rel = toPosix(path.relative(project.root, absPath));
    const config = project.config;
    if (config.exclude.some((m) => m.match(rel))) continue;
    if (config.include && !config.include.some((m) => m.match(rel))) continue;
    let text: string | undefined;
    let readError: string | undefined;
    const read = (): string | undefined => {
      if (text === undefined && readError === undefined) {
        try {
          text = readText(absPath);
        } catch (e) {
          readError = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        }
      }
      return text;
    };
    const c = classify(rel, read);
    if (!c) continue;
    scanned++;
    if (!c.production) continue;
    const t = read();
    if (t === undefined) {
      skipped.push({ absPath, reason: `cannot read: ${readError}` });
      continue;
    }
    const why = skipReason(t);
    if (why) {
      skipped.push({ absPath, reason: why });
      continue;
    }
    const input: LintInput = {
      path: rel,
      absPath,
      text: t,
      classification: c,
      config,
      requireReason: opts.requireReason,
      reportUnusedDirectives: opts.reportUnusedDirectives,
      onlyRules: opts.onlyRules,
    };
    const r = engine.lint(input);
    results.push(r);
    onFile?.(r, input);
  }
  return { files: results, skipped, issues, scanned };
}
