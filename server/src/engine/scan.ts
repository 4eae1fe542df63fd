import * as fs from 'node:fs';
import * as path from 'node:path';
import { classify, type Classification } from './classify';
import type { ResolvedConfig } from './config';
import { CODE_KINDS, compareFindings, hintMatches, type Engine, type FileResult, type LintInput } from './engine';
import { ProjectView } from './projectView';
import { sha1, type ResultCache } from './cache';
import { ProjectResolver, toPosix } from './project';
import { buildProgram, newTypeAwareStats, TsconfigFinder, type TypeAwareStats, type TypedProgram } from './typeAware';
import { sizeSkipReason, skipReason, walkFiles, type WalkIssue } from './walk';

export interface ScanOptions {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly configPath?: string;
  /** a fixed project root: paths are relative to it and configs are not looked for above it */
  readonly root?: string;
  readonly requireReason?: boolean;
  readonly reportUnusedDirectives?: boolean;
  readonly onlyRules?: ReadonlySet<string>;
  /** build type information (one Program per tsconfig) for files that a type-using rule wants */
  readonly typeAware?: boolean;
  /** lint exactly these absolute files instead of walking `paths` (worker threads, --changed-since) */
  readonly files?: readonly string[];
  /**
   * `files` is a subset of what is under `paths` (--changed-since, --staged): the project phase then reads the
   * rest of the project for facts. Without it, `files` is taken to be the whole of `paths`.
   */
  readonly partial?: boolean;
  /**
   * Files that only provide facts for project-level rules (another shard's files): only the project rules run
   * on them and their findings are not reported.
   */
  readonly factsOnly?: (absPath: string) => boolean;
  /** results of unchanged files are taken from here, and new ones stored */
  readonly cache?: ResultCache;
  /** called after each file is done, with the number done and the total */
  readonly onProgress?: (done: number, total: number) => void;
  /** leave held project findings undecided (a worker thread's part of a scan: the main thread decides) */
  readonly deferProject?: boolean;
  /** the text to lint for a file instead of what is on disk (`--staged`: the staged content) */
  readonly textOf?: (absPath: string) => string | undefined;
}

export interface SkippedFile {
  readonly absPath: string;
  readonly reason: string;
}

export interface ScanResult {
  readonly files: FileResult[];
  readonly skipped: SkippedFile[];
  readonly issues: WalkIssue[];
  /** how many files were classified as one of our kinds (production or not) */
  readonly scanned: number;
  readonly typeAware?: TypeAwareStats;
  /** the facts of every file, which decided the project-level findings (fix loops reuse it) */
  readonly project: ProjectView;
  /** files read only for their facts (other shards' files) */
  readonly factResults: readonly FileResult[];
}

export type TextEncoding = 'utf8' | 'utf16le' | 'utf16be';

/** Decode file bytes: UTF-8 (a UTF-8 BOM stays in the text as U+FEFF), or UTF-16 when it has a UTF-16 BOM. */
export function decodeText(buf: Buffer): { text: string; encoding: TextEncoding } {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { text: buf.subarray(2).toString('utf16le'), encoding: 'utf16le' };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2 - (buf.length % 2)));
    swapped.swap16();
    return { text: swapped.toString('utf16le'), encoding: 'utf16be' };
  }
  return { text: buf.toString('utf8'), encoding: 'utf8' };
}

/** Encode text back into the bytes of the encoding it was read in (BOM included for UTF-16). */
export function encodeText(text: string, encoding: TextEncoding): Buffer {
  if (encoding === 'utf8') return Buffer.from(text, 'utf8');
  const body = Buffer.from(text, 'utf16le');
  if (encoding === 'utf16be') body.swap16();
  return Buffer.concat([Buffer.from(encoding === 'utf16le' ? [0xff, 0xfe] : [0xfe, 0xff]), body]);
}

/** Read a file as text (see decodeText). */
export function readText(absPath: string): string {
  return decodeText(fs.readFileSync(absPath)).text;
}

interface Candidate {
  readonly absPath: string;
  readonly root: string;
  /** size and mtime, for the cache */
  readonly meta?: string;
  readonly rel: string;
  readonly config: ResolvedConfig;
  readonly classification: Classification;
  readonly text: string;
}

/**
 * Lint the files under `paths`, one at a time: read, classify, parse once, run every rule in one pass,
 * drop the syntax tree. `onFile` sees each result as it is made, with the input it was linted from (built on
 * demand: a result taken from the cache has none ready).
 */
export function scan(engine: Engine, opts: ScanOptions, onFile?: (r: FileResult, input: () => LintInput) => void): ScanResult {
  const issues: WalkIssue[] = [];
  const files = opts.files ?? walkFiles(opts.paths, opts.cwd, issues);
  const scanRoots = opts.paths
    .map((p) => path.resolve(opts.cwd, p))
    .filter((p) => {
      try {
        return fs.statSync(p).isDirectory();
      } catch {
        return false;
      }
    });
  const resolver = new ProjectResolver(engine.rules, engine.defaultConfig, opts.cwd, opts.configPath, opts.root, scanRoots);
  const results: FileResult[] = [];
  const skipped: SkippedFile[] = [];
  let scanned = 0;

  const projectRules = new Set(engine.rules.filter((r) => (r.scope === 'project' || r.usesFacts)).map((r) => r.id));
  const configKeys = new Map<string, string>();
  const configKey = (c: ResolvedConfig): string => {
    if (!c.path) return 'default';
    let k = configKeys.get(c.path);
    if (k === undefined) {
      try {
        k = sha1(fs.readFileSync(c.path, 'utf8'));
      } catch {
        k = 'unreadable';
      }
      configKeys.set(c.path, k);
    }
    return k;
  };
  /** what a file's results depend on besides its text: its config, what rules see of its package, its path */
  const pkgKeys = new Map<object, string>();
  const cacheEnv = (absPath: string, rel: string, root: string, config: ResolvedConfig): string => {
    const pkg = engine.packageOf(absPath, root);
    let pkgKey = pkg ? pkgKeys.get(pkg) : '-';
    if (pkgKey === undefined && pkg) pkgKeys.set(pkg, (pkgKey = sha1(`${pkg.dir}|${pkg.name ?? ''}|${pkg.hasBin}|${[...pkg.dependencies].sort().join(',')}`)));
    return `${configKey(config)}\0${pkgKey}\0${rel}`;
  };
  const metaOf = (absPath: string): string => {
    try {
      const st = fs.statSync(absPath);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return '';
    }
  };
  let done = 0;
  const progress = (): void => opts.onProgress?.(++done, files.length);

  const lintOne = (c: Candidate, typed?: TypedProgram): void => {
    const factsOnly = !!opts.factsOnly?.(c.absPath);
    // nginx results also depend on the included files: not cached
    const cached = opts.cache && !factsOnly && c.classification.kind !== 'nginx' && c.meta ? { env: cacheEnv(c.absPath, c.rel, c.root, c.config), hash: sha1(c.text) } : undefined;
    const hit = cached ? opts.cache!.get(c.absPath, c.rel, cached.env, cached.hash, c.meta!) : undefined;
    if (hit) {
      results.push(hit);
      onFile?.(hit, () => ({ path: c.rel, absPath: c.absPath, text: c.text, classification: c.classification, config: c.config, requireReason: opts.requireReason, reportUnusedDirectives: opts.reportUnusedDirectives, onlyRules: opts.onlyRules }));
      return;
    }
    const sourceFile = factsOnly ? undefined : typed?.program.getSourceFile(c.absPath);
    const input: LintInput = {
      path: c.rel,
      absPath: c.absPath,
      text: sourceFile ? sourceFile.text : c.text,
      classification: c.classification,
      config: c.config,
      requireReason: opts.requireReason,
      reportUnusedDirectives: opts.reportUnusedDirectives,
      onlyRules: factsOnly ? (opts.onlyRules ? new Set([...projectRules].filter((id) => opts.onlyRules!.has(id))) : projectRules) : opts.onlyRules,
      ...(sourceFile && typed ? { sourceFile, checker: typed.checker } : {}),
    };
    let r: FileResult;
    try {
      r = engine.lint(input);
    } catch (e) {
      // never lose the scan to one file: the engine's own failure is reported as the file being skipped
      skipped.push({ absPath: c.absPath, reason: `internal error: ${(e as Error)?.message ?? String(e)}` });
      return;
    }
    if (r.skipped) {
      skipped.push({ absPath: c.absPath, reason: r.skipped });
      return;
    }
    if (factsOnly) {
      if (r.facts.length) factResults.push(r);
      return;
    }
    if (cached) opts.cache!.set(c.absPath, c.meta!, cached.env, cached.hash, r);
    results.push(r);
    onFile?.(r, () => input);
  };
  /** facts of files that are not this scan's to report (other shards) */
  const factResults: FileResult[] = [];

  const typeRules = opts.typeAware ? engine.rules.filter((r) => r.usesTypes) : [];
  const stats = opts.typeAware ? newTypeAwareStats() : undefined;
  const finder = opts.typeAware ? new TsconfigFinder(opts.root ?? '/') : undefined;
  const groups = new Map<string, Candidate[]>();

  for (const absPath of files) {
    consider(absPath);
    progress();
  }

  function consider(absPath: string): void {
    const project = resolver.forFile(absPath);
    const rel = toPosix(path.relative(project.root, absPath));
    const config = project.config;
    if (config.exclude.some((m) => m.match(rel))) return;
    if (config.include && !config.include.some((m) => m.match(rel))) return;
    const meta = opts.cache ? metaOf(absPath) : undefined;
    if (meta && !opts.factsOnly?.(absPath)) {
      const hit = opts.cache!.peek(absPath, rel, meta, cacheEnv(absPath, rel, project.root, config));
      if (hit) {
        scanned++;
        results.push(hit);
        onFile?.(hit, () => {
          const text = readText(absPath);
          return { path: rel, absPath, text, classification: classify(rel, () => text)!, config, requireReason: opts.requireReason, reportUnusedDirectives: opts.reportUnusedDirectives, onlyRules: opts.onlyRules };
        });
        return;
      }
    }
    let text: string | undefined;
    let readError: string | undefined;
    const given = opts.textOf?.(absPath);
    if (given !== undefined) text = given;
    const tooLarge = given === undefined ? sizeSkipReason(absPath) : undefined;
    const read = (): string | undefined => {
      if (text === undefined && readError === undefined) {
        if (tooLarge) {
          readError = tooLarge;
          return undefined;
        }
        try {
          text = readText(absPath);
        } catch (e) {
          readError = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        }
      }
      return text;
    };
    const c = classify(rel, read);
    if (!c) return;
    scanned++;
    if (!c.production) return;
    const t = read();
    if (t === undefined) {
      skipped.push({ absPath, reason: tooLarge ?? `cannot read: ${readError}` });
      return;
    }
    const why = skipReason(t);
    if (why) {
      skipped.push({ absPath, reason: why });
      return;
    }
    const cand: Candidate = { absPath, root: project.root, meta, rel, config, classification: c, text: t };
    if (finder && CODE_KINDS.has(c.kind) && typeRules.some((r) => r.kinds.includes(c.kind) && hintMatches(r, t, rel, c.kind, config.rules.get(r.id)?.options))) {
      const tsconfig = finder.find(absPath);
      if (tsconfig) {
        let g = groups.get(tsconfig);
        if (!g) groups.set(tsconfig, (g = []));
        g.push(cand);
        return;
      }
      stats!.untypedFiles++;
    }
    lintOne(cand);
  }

  // Type-aware groups: one Program at a time, released before the next.
  for (const [tsconfig, group] of groups) {
    let typed: TypedProgram | undefined;
    try {
      typed = buildProgram(tsconfig);
      stats!.programs++;
      stats!.programFiles += typed.fileCount;
      stats!.buildMs += typed.buildMs;
    } catch (e) {
      stats!.failures.push(`${tsconfig}: ${(e as Error).message}`);
    }
    for (const c of group) {
      const inProgram = !!typed?.program.getSourceFile(c.absPath);
      if (inProgram) stats!.typedFiles++;
      else stats!.untypedFiles++;
      lintOne(c, inProgram ? typed : undefined);
    }
    typed = undefined;
  }
  if (groups.size) results.sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));

  const project = opts.deferProject ? viewOf([...results, ...factResults]) : projectPhase(engine, results, factResults, resolver, opts.partial ? [] : scanRoots, opts, issues);
  return { files: results, skipped, issues, scanned, ...(stats ? { typeAware: stats } : {}), project, factResults };
}

/**
 * Decide the held project-level findings. When the scan did not cover the whole project of a file with held
 * findings (`prodready lint src/server.ts`), the rest of that project is read for facts only: just the
 * project-level rules run there, and only on files their text hints select.
 */
function viewOf(results: readonly FileResult[]): ProjectView {
  const view = new ProjectView();
  for (const r of results) if (r.facts.length) view.update({ path: r.path, absPath: r.absPath, facts: r.facts, pkg: r.pkg });
  return view;
}

/**
 * Decide the held project findings of a scan's results (the main thread does this for worker threads' parts,
 * with every part's facts). `factResults` are files seen for their facts only.
 */
export function projectPhase(
  engine: Engine,
  results: FileResult[],
  factResults: readonly FileResult[],
  resolver: ProjectResolver,
  scanRoots: readonly string[],
  opts: ScanOptions,
  issues: WalkIssue[],
): ProjectView {
  const view = viewOf([...results, ...factResults]);
  const waiting = results.filter((r) => r.deferred.length);
  if (!waiting.length) return view;

  const covered = (dir: string): boolean =>
    scanRoots.some((s) => {
      const rel = path.relative(s, dir);
      return !rel.startsWith('..') && !path.isAbsolute(rel);
    });
  const extraRoots = new Set<string>();
  for (const r of waiting) {
    const root = resolver.forFile(r.absPath).root;
    if (!covered(root)) extraRoots.add(root);
  }
  if (extraRoots.size) {
    const seen = new Set([...results, ...factResults].map((r) => r.absPath));
    const projectRules = new Set(engine.rules.filter((r) => (r.scope === 'project' || r.usesFacts)).map((r) => r.id));
    const onlyRules = opts.onlyRules ? new Set([...projectRules].filter((id) => opts.onlyRules!.has(id))) : projectRules;
    for (const absPath of walkFiles([...extraRoots], opts.cwd, issues)) {
      if (seen.has(absPath)) continue;
      const p = resolver.forFile(absPath);
      const rel = toPosix(path.relative(p.root, absPath));
      if (p.config.exclude.some((m) => m.match(rel))) continue;
      let text: string | undefined;
      const read = (): string | undefined => {
        if (text === undefined) {
          try {
            text = readText(absPath);
          } catch {
            text = undefined;
          }
        }
        return text;
      };
      const c = classify(rel, read);
      if (!c || !c.production) continue;
      const t = read();
      if (t === undefined || skipReason(t)) continue;
      const r = engine.lint({ path: rel, absPath, text: t, classification: c, config: p.config, onlyRules });
      if (r.facts.length) view.update({ path: r.path, absPath: r.absPath, facts: r.facts, pkg: r.pkg });
    }
  }

  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (!r.deferred.length) continue;
    const standing = view.resolve(r);
    results[i] = { ...r, findings: standing.length ? [...r.findings, ...standing].sort(compareFindings) : r.findings, deferred: [] };
  }
  return view;
}
