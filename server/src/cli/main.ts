import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import {
  Baseline,
  BASELINE_FILE,
  ConfigError,
  CONFIG_FILE,
  closest,
  createEngine,
  decodeText,
  projectPhase,
  ProjectResolver,
  ResultCache,
  scan,
  walkFiles,
  starterConfig,
  SEVERITY_RANK,
  toPosix,
  type BaselineEntry,
  type Engine,
  type FileResult,
  type LintInput,
  type ScanResult,
  type Severity,
} from '../engine';
import { rules as allRules } from '../../../rules/index';
import { FORMATS, formatReport, summarize, type Format, type Report, type ReportFile } from './formatters';
import { writeFileAtomic } from './atomicWrite';
import { scanInWorkers } from './parallel';
import { createProgress } from './progress';
import { githubBlobBase } from './report';

declare const PRODREADY_VERSION: string;
export const VERSION = typeof PRODREADY_VERSION === 'string' ? PRODREADY_VERSION : '0.0.0-dev';

export interface CliIO {
  readonly cwd: string;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly isTTY: boolean;
  /** stderr is a terminal: a progress bar may be drawn there */
  readonly stderrTTY?: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** the script to start worker threads from (the CLI bundle); --jobs runs in this thread without it */
  readonly workerEntry?: string;
}

class UsageError extends Error {}

const HELP = `prodready ${'{version}'}: the code-level items of production-deployment checklists, in code and config.

Usage:
  prodready lint [paths...] [options]   lint files and folders (default: .)
  prodready baseline [paths...]         record today's findings in ${BASELINE_FILE}; lint then fails only on new ones
  prodready rules [--format text|json]  list the rules
  prodready init [--force]              write a starter ${CONFIG_FILE}
  prodready --version | --help

Lint options:
  -f, --format <text|json|sarif|github|markdown|html>
                                         output format (default: text); markdown and html are the
                                         checklist report (markdown also goes to $GITHUB_STEP_SUMMARY)
  -o, --output <file>                    write the report to a file instead of stdout
      --fix                              apply every safe fix, then report what remains
      --fix-dry-run                      print the fixes as a unified diff; write nothing
      --fail-on <error|warning|info>     exit 1 when a finding is at or above this (default: warning)
  -c, --config <file>                    use this config file for every path (default: nearest ${CONFIG_FILE})
      --require-reason                   report suppressions without a "-- reason"
      --report-unused-disable-directives report suppressions that suppress nothing
      --type-aware                       use type information where a tsconfig.json covers the file (slower;
                                         sharper verdicts for rules that use types)
  -j, --jobs <n>                         worker threads (default: {jobs} on this machine)
      --cache                            reuse results of unchanged files from the last --cache run
      --cache-location <file>            where the cache lives (default: node_modules/.cache/prodready/cache.json)
      --changed-since <git-ref>          only files changed since the ref (committed or not), plus the facts
                                         project-level rules need from the rest
      --shard <i>/<n>                    lint the i-th of n parts of the files (for a CI matrix)
      --staged                           only staged files, as staged (a pre-commit hook)
      --file-budget <ms>                 skip (and report) a file that takes longer than this (default: 10000)
      --no-progress                      no progress bar (it is drawn only when stderr is a terminal)
      --baseline <file>                  the baseline to compare with (default: ${BASELINE_FILE} when present)
      --no-baseline                      ignore the baseline: report every finding
      --prune-baseline                   drop baseline entries whose findings are gone
      --no-color                         no colours in text output (colour is used only on a TTY)

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage, config or internal error.
`;

function fail(msg: string): never {
  throw new UsageError(msg);
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const guess = closest(value, allowed);
  fail(`invalid value "${value}" for ${flag}. Allowed values: ${allowed.join(', ')}.${guess ? ` Did you mean "${guess}"?` : ''}`);
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`prodready: ${e.message}\nRun "prodready --help" for usage.\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.stderr(`prodready: config error: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    io.stderr(`prodready: internal error: ${err?.message ?? String(e)}\n${io.env.PRODREADY_DEBUG ? `${err?.stack}\n` : ''}`);
    return 2;
  }
}

async function dispatch(argv: readonly string[], io: CliIO): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.stdout(HELP.replace('{version}', VERSION).replace('{jobs}', String(defaultJobs())));
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (cmd === 'lint') return lintCommand(rest, io);
  if (cmd === 'baseline') return lintCommand(rest, io, 'baseline');
  if (cmd === 'rules') return rulesCommand(rest, io);
  if (cmd === 'init') return initCommand(rest, io);
  const guess = closest(cmd, ['lint', 'baseline', 'rules', 'init']);
  fail(`unknown command "${cmd}".${guess ? ` Did you mean "${guess}"?` : ''}`);
}

type ArgOptions = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

function parse(args: readonly string[], options: ArgOptions): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true }) as { values: Record<string, string | boolean | undefined>; positionals: string[] };
  } catch (e) {
    fail((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

function rulesCommand(args: readonly string[], io: CliIO): number {
  const { values } = parse(args, { format: { type: 'string', short: 'f' } });
  const format = oneOf('--format', values.format as string | undefined, ['text', 'json'] as const, 'text');
  if (format === 'json') {
    io.stdout(
      JSON.stringify(
        allRules.map((r) => ({
          id: r.id,
          title: r.title,
          summary: r.summary,
          severity: r.severity,
          kinds: r.kinds,
          scope: r.scope,
          checklist: r.checklist,
          fixable: r.fixable,
          hasSuggestions: r.hasSuggestions,
          docsUrl: r.docsUrl,
          options: r.options ?? {},
        })),
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const rows = allRules.map((r) => [r.id, r.severity, r.kinds.join(','), r.fixable ? 'yes' : 'no', r.summary]);
  const head = ['id', 'severity', 'kinds', 'fixable', 'summary'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]) : c)).join('  ');
  io.stdout([line(head), ...rows.map(line)].join('\n') + '\n');
  return 0;
}

function initCommand(args: readonly string[], io: CliIO): number {
  const { values } = parse(args, { force: { type: 'boolean' } });
  const target = path.join(io.cwd, CONFIG_FILE);
  if (fs.existsSync(target) && !values.force) fail(`${CONFIG_FILE} already exists; use --force to overwrite it.`);
  fs.writeFileSync(target, starterConfig(allRules));
  io.stdout(`wrote ${CONFIG_FILE}\n`);
  return 0;
}

interface LintOptions {
  format: Format;
  output?: string;
  fix: boolean;
  fixDryRun: boolean;
  failOn: Severity;
  config?: string;
  requireReason: boolean;
  reportUnused: boolean;
  color: boolean;
}

/**
 * Worker threads by default: one on machines with up to 3 cores — measured on this project's 2-core machine,
 * where two threads were slower than one (V8's own background threads already use about half a core, and each
 * thread loads TypeScript again) — and cores − 1 (at most 4) above that.
 */
export function defaultJobs(cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length): number {
  return cores <= 3 ? 1 : Math.min(4, cores - 1);
}

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) fail(`invalid value "${v}" for ${flag}: expected a whole number of 1 or more.`);
  return Number(v);
}

/** Files changed since a git ref: committed since it, staged, unstaged, and untracked (not ignored). */
function changedFiles(ref: string, cwd: string): string[] {
  const git = (args: string[]): string => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
      const err = e as { stderr?: string; code?: string };
      if (err.code === 'ENOENT') fail('--changed-since needs git on the PATH.');
      fail(`--changed-since ${ref}: ${String(err.stderr ?? (e as Error).message).trim().split('\n')[0]}`);
    }
  };
  const top = git(['rev-parse', '--show-toplevel']).trim();
  const names = new Set<string>();
  for (const line of git(['diff', '--name-only', '-z', '--diff-filter=ACMRT', ref, '--']).split('\0')) if (line) names.add(line);
  for (const line of git(['ls-files', '--others', '--exclude-standard', '-z']).split('\0')) if (line) names.add(path.relative(top, path.resolve(cwd, line)));
  return [...names].map((n) => path.join(top, n)).filter((f) => fs.existsSync(f));
}

/** Staged files (added, copied, modified, renamed) and their staged content, by absolute path. */
function stagedFiles(cwd: string): Map<string, string> {
  const git = (args: string[]): Buffer => {
    try {
      return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
    } catch (e) {
      const err = e as { stderr?: Buffer; code?: string };
      if (err.code === 'ENOENT') fail('--staged needs git on the PATH.');
      fail(`--staged: ${String(err.stderr ?? (e as Error).message).trim().split('\n')[0]}`);
    }
  };
  const top = git(['rev-parse', '--show-toplevel']).toString('utf8').trim();
  const out = new Map<string, string>();
  for (const name of git(['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR']).toString('utf8').split('\0')) {
    if (!name) continue;
    out.set(path.join(top, name), decodeText(git(['show', `:${name}`])).text);
  }
  return out;
}

function shardOf(relPath: string, n: number): number {
  return createHash('sha1').update(relPath).digest().readUInt32BE(0) % n;
}

async function lintCommand(args: readonly string[], io: CliIO, mode: 'lint' | 'baseline' = 'lint'): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    fix: { type: 'boolean' },
    'fix-dry-run': { type: 'boolean' },
    'fail-on': { type: 'string' },
    config: { type: 'string', short: 'c' },
    'require-reason': { type: 'boolean' },
    'report-unused-disable-directives': { type: 'boolean' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    'type-aware': { type: 'boolean' },
    jobs: { type: 'string', short: 'j' },
    cache: { type: 'boolean' },
    'cache-location': { type: 'string' },
    'changed-since': { type: 'string' },
    shard: { type: 'string' },
    'file-budget': { type: 'string' },
    progress: { type: 'boolean' },
    'no-progress': { type: 'boolean' },
    baseline: { type: 'string' },
    staged: { type: 'boolean' },
    'no-baseline': { type: 'boolean' },
    'prune-baseline': { type: 'boolean' },
  });
  if (mode === 'baseline') {
    for (const f of ['fix', 'fix-dry-run', 'prune-baseline', 'no-baseline', 'changed-since', 'shard'] as const) {
      if (values[f]) fail(`prodready baseline records the whole scan: --${f} does not apply.`);
    }
  }
  const baselinePath = path.resolve(io.cwd, (values.baseline as string | undefined) ?? BASELINE_FILE);
  if (values.baseline !== undefined && values['no-baseline']) fail('--baseline and --no-baseline cannot be used together.');
  if (values.baseline !== undefined && mode === 'lint' && !fs.existsSync(baselinePath)) fail(`baseline file not found: ${values.baseline}`);
  const opts: LintOptions = {
    format: oneOf('--format', values.format as string | undefined, FORMATS, 'text'),
    output: values.output as string | undefined,
    fix: !!values.fix,
    fixDryRun: !!values['fix-dry-run'],
    failOn: oneOf('--fail-on', values['fail-on'] as string | undefined, ['error', 'warning', 'info'] as const, 'warning'),
    config: values.config as string | undefined,
    requireReason: !!values['require-reason'],
    reportUnused: !!values['report-unused-disable-directives'],
    color: false,
  };
  if (opts.fix && opts.fixDryRun) fail('--fix and --fix-dry-run cannot be used together.');
  // no-color.org: NO_COLOR present and not empty disables colour; FORCE_COLOR likewise forces it.
  const noColor = values['no-color'] || !!io.env.NO_COLOR;
  opts.color = !noColor && (!!values.color || !!io.env.FORCE_COLOR || (io.isTTY && !opts.output));
  if (opts.config && !fs.existsSync(path.resolve(io.cwd, opts.config))) fail(`config file not found: ${opts.config}`);

  const typeAware = !!values['type-aware'];
  const fileBudgetMs = positiveInt('--file-budget', values['file-budget'] as string | undefined);
  const jobsFlag = positiveInt('--jobs', values.jobs as string | undefined);
  const wantFix = opts.fix || opts.fixDryRun;
  // --fix, --type-aware and --cache run in this thread: fixes need the inputs, Programs and the cache live here
  const jobs = wantFix || typeAware || values.cache || values.staged || !io.workerEntry ? 1 : (jobsFlag ?? defaultJobs());
  let shard: { i: number; n: number } | undefined;
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(String(values.shard));
    if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) fail(`invalid value "${values.shard}" for --shard: expected i/n with 1 ≤ i ≤ n, e.g. 2/4.`);
    shard = { i: Number(m[1]), n: Number(m[2]) };
  }

  const engine = createEngine({ rules: allRules, fileBudgetMs });
  const paths = positionals.length ? positionals : ['.'];
  const fixInputs = new Map<string, LintInput>();
  const walkIssues: import('../engine/walk').WalkIssue[] = [];
  let targets = walkFiles(paths, io.cwd, walkIssues);
  if (values['changed-since'] !== undefined) {
    const changed = new Set(changedFiles(String(values['changed-since']), io.cwd));
    targets = targets.filter((f) => changed.has(f));
  }
  // --staged (pre-commit): the staged files, as staged
  let staged: Map<string, string> | undefined;
  if (values.staged) {
    if (wantFix) fail('--staged checks what is staged; fix the working tree with --fix (without --staged), then stage it.');
    if (values['changed-since'] !== undefined) fail('--staged and --changed-since cannot be used together.');
    staged = stagedFiles(io.cwd);
    // staged files under the given paths (also those deleted from the working tree since they were staged)
    const roots = paths.map((p) => path.resolve(io.cwd, p));
    const under = (f: string): boolean => roots.some((r) => f === r || f.startsWith(r + path.sep));
    targets = [...staged.keys()].filter(under).filter((f) => !/(^|[\\/])(node_modules|\.git)[\\/]/.test(f)).sort();
  }
  let factsOnly: ((f: string) => boolean) | undefined;
  let factsOnlyFiles: string[] | undefined;
  if (shard) {
    const mine = (f: string): boolean => shardOf(toPosix(path.relative(io.cwd, f)), shard!.n) === shard!.i - 1;
    factsOnlyFiles = targets.filter((f) => !mine(f));
    const others = new Set(factsOnlyFiles);
    factsOnly = (f) => others.has(f);
  }
  const cache = values.cache
    ? new ResultCache(
        path.resolve(io.cwd, (values['cache-location'] as string | undefined) ?? path.join('node_modules', '.cache', 'prodready', 'cache.json')),
        io.cwd,
        cacheSalt({ requireReason: opts.requireReason, reportUnused: opts.reportUnused, typeAware, fileBudgetMs }),
      ).load()
    : undefined;
  if (cache?.discarded) io.stderr(`prodready: the cache at ${path.relative(io.cwd, cache.file)} was discarded (${cache.discarded}).\n`);
  const progress = values['no-progress'] ? undefined : createProgress(io);
  const scanOpts = {
    paths,
    cwd: io.cwd,
    configPath: opts.config ? path.resolve(io.cwd, opts.config) : undefined,
    requireReason: opts.requireReason,
    reportUnusedDirectives: opts.reportUnused,
    typeAware,
  };
  let result: ScanResult;
  if (jobs > 1 && targets.length > 1) {
    const part = await scanInWorkers(io.workerEntry!, { ...scanOpts, ...(factsOnlyFiles ? { factsOnlyFiles } : {}) }, targets, jobs, {
      onProgress: progress?.update,
      hangMs: Math.max(30_000, (fileBudgetMs ?? 10_000) * 3),
      fileBudgetMs,
    });
    const scanRoots = paths.map((p) => path.resolve(io.cwd, p)).filter((p) => fs.existsSync(p) && fs.statSync(p).isDirectory());
    const resolver = new ProjectResolver(engine.rules, engine.defaultConfig, io.cwd, scanOpts.configPath, undefined, scanRoots);
    const project = projectPhase(engine, part.files, part.factResults, resolver, values['changed-since'] !== undefined || values.staged ? [] : scanRoots, scanOpts, part.issues);
    result = { files: part.files, skipped: part.skipped, issues: [...walkIssues, ...part.issues], scanned: part.scanned, project, factResults: part.factResults };
  } else {
    const partial = values['changed-since'] !== undefined || !!values.staged;
    const r = scan(engine, { ...scanOpts, files: targets, partial, ...(staged ? { textOf: (f: string) => staged!.get(f) } : {}), ...(factsOnly ? { factsOnly } : {}), ...(cache ? { cache } : {}), ...(progress ? { onProgress: progress.update } : {}) }, (r, input) => {
      if (wantFix && (r.findings.some((f) => f.fix && !f.suppressed) || r.deferred.some((d) => d.finding.fix && !d.finding.suppressed))) fixInputs.set(r.absPath, input());
    });
    // --changed-since/--staged lint a part: the project phase then reads the rest of the project for facts
    result = { ...r, issues: [...walkIssues, ...r.issues] };
  }
  progress?.done();
  if (cache) {
    cache.prune(new Set(targets), paths.map((p) => path.resolve(io.cwd, p)));
    try {
      cache.save();
    } catch (e) {
      io.stderr(`prodready: could not write the cache: ${(e as Error).message}\n`);
    }
  }
  for (const issue of result.issues) io.stderr(`prodready: ${issue.path}: ${issue.message}\n`);
  if (result.typeAware) {
    const t = result.typeAware;
    io.stderr(
      `prodready: type-aware: ${t.programs} program(s) over ${t.programFiles} files built in ${(t.buildMs / 1000).toFixed(1)} s; ${t.typedFiles} file(s) checked with types, ${t.untypedFiles} from syntax alone\n`,
    );
    for (const f of t.failures) io.stderr(`prodready: type-aware: ${f} (its files were checked from syntax alone)\n`);
  }
  if (result.issues.some((i) => i.message === 'no such file or directory' && paths.includes(i.path))) {
    fail(`no such file or directory: ${result.issues.filter((i) => paths.includes(i.path)).map((i) => i.path).join(', ')}`);
  }

  let fixedCount = 0;
  let files: FileResult[] = result.files;
  if (opts.fix || opts.fixDryRun) {
    const diffs: string[] = [];
    // SIGINT/SIGTERM during --fix: the file being written is finished (each write is atomic anyway), no other
    // file is touched, and the process then dies of the same signal. Between files the event loop turns, so the
    // signal is seen.
    let stopping: NodeJS.Signals | undefined;
    const onSignal = (sig: NodeJS.Signals): void => {
      stopping = sig;
    };
    if (opts.fix) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    const out: FileResult[] = [];
    try {
      for (const r of files) {
        const input = fixInputs.get(r.absPath);
        if (stopping || !input || !r.findings.some((f) => f.fix && !f.suppressed)) {
          out.push(r);
          continue;
        }
        const outcome = fixFile(engine, { ...input, project: result.project }, opts, io);
        fixedCount += outcome.fixed;
        if (outcome.diff) diffs.push(outcome.diff);
        out.push(outcome.result);
        if (opts.fix) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    if (stopping) {
      io.stderr(`prodready: ${stopping}: stopped after fixing ${fixedCount} problem(s); every file is either as it was or wholly fixed.\n`);
      process.kill(process.pid, stopping);
      return 2;
    }
    files = out;
    if (opts.fixDryRun) {
      io.stdout(diffs.join(''));
      if (!diffs.length) io.stderr('prodready: nothing to fix\n');
      return exitCode(files, opts.failOn);
    }
  }

  if (mode === 'baseline') {
    const baseline = Baseline.of(baselinePath, files.flatMap((f) => f.findings));
    baseline.save();
    io.stdout(`wrote ${baseline.entries.length} finding(s) to ${toPosix(path.relative(io.cwd, baselinePath)) || BASELINE_FILE}; prodready lint now fails only on findings that are not in it.\n`);
    return files.some((f) => f.internalErrors.length) ? 2 : 0;
  }

  // The baseline: findings it already has are 'unchanged' (shown, not failing); entries whose finding is gone
  // are reported as removable (and dropped with --prune-baseline).
  let baselineInfo: Report['baseline'];
  if (!values['no-baseline'] && fs.existsSync(baselinePath)) {
    const baseline = Baseline.load(baselinePath);
    const absent: BaselineEntry[] = [];
    for (const f of files) {
      const { states, unmatched } = baseline.matchFile(f.absPath, f.findings);
      for (const [finding, state] of states) finding.baselineState = state;
      absent.push(...unmatched);
    }
    // files that are gone (a partial scan cannot tell gone from not looked at)
    if (values['changed-since'] === undefined && !shard) {
      absent.push(...baseline.entriesOfUnseenFiles(new Set(files.map((f) => f.absPath)), paths.map((p) => path.resolve(io.cwd, p))));
    }
    if (values['prune-baseline'] && absent.length) {
      baseline.without(new Set(absent)).save();
      io.stderr(`prodready: removed ${absent.length} fixed finding(s) from ${toPosix(path.relative(io.cwd, baselinePath))}\n`);
    }
    const all = files.flatMap((f) => f.findings);
    baselineInfo = {
      file: toPosix(path.relative(io.cwd, baselinePath)),
      unchanged: all.filter((x) => x.baselineState === 'unchanged').length,
      new: all.filter((x) => x.baselineState === 'new').length,
      absent: values['prune-baseline'] ? [] : absent.map((e) => ({ ...e, file: toPosix(path.relative(io.cwd, path.resolve(baseline.dir, e.file))) })),
      pruned: values['prune-baseline'] ? absent.length : 0,
    };
  } else if (values['prune-baseline']) fail(`--prune-baseline: no baseline at ${toPosix(path.relative(io.cwd, baselinePath))}`);

  const report: Report = {
    toolVersion: VERSION,
    cwd: io.cwd,
    rules: allRules,
    files: files.map(
      (r): ReportFile => ({ path: toPosix(path.relative(io.cwd, r.absPath)), kind: r.kind, findings: r.findings }),
    ),
    skipped: result.skipped.map((s) => ({ path: toPosix(path.relative(io.cwd, s.absPath)), reason: s.reason })),
    scanned: result.scanned,
    fixedCount,
    ...(shard ? { automationId: `prodready/shard-${shard.i}-of-${shard.n}/` } : {}),
    ...(baselineInfo ? { baseline: baselineInfo } : {}),
  };
  const links = { blobBase: githubBlobBase(io.env), outDir: opts.output ? path.dirname(path.resolve(io.cwd, opts.output)) : undefined };
  const text = formatReport(opts.format, report, opts.color, links);
  // In GitHub Actions the checklist also goes to the job summary
  if (opts.format === 'markdown' && io.env.GITHUB_STEP_SUMMARY) {
    try {
      fs.appendFileSync(io.env.GITHUB_STEP_SUMMARY, text + '\n');
    } catch (e) {
      io.stderr(`prodready: could not write the job summary: ${(e as Error).message}\n`);
    }
  }
  if (opts.output) {
    const out = path.resolve(io.cwd, opts.output);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
    if (opts.format !== 'text') {
      const s = summarize(report);
      io.stderr(`prodready: ${s.findings} problem(s) written to ${opts.output}\n`);
    }
  } else io.stdout(text);
  return exitCode(files, opts.failOn);
}

declare const PRODREADY_BUILD_ID: string;

/** What makes cached results of one run invalid for another: prodready's code (its rules) and the options. */
function cacheSalt(options: Record<string, unknown>): string {
  const build = typeof PRODREADY_BUILD_ID === 'string' ? PRODREADY_BUILD_ID : allRules.map((r) => `${r.id}:${r.severity}:${Object.keys(r.messages).join(',')}`).join(';');
  return createHash('sha1').update(VERSION).update(build).update(JSON.stringify(options)).digest('hex');
}

function exitCode(files: readonly FileResult[], failOn: Severity): number {
  if (files.some((f) => f.internalErrors.length)) return 2;
  const threshold = SEVERITY_RANK[failOn];
  return files.some((f) => f.findings.some((x) => !x.suppressed && x.baselineState !== 'unchanged' && SEVERITY_RANK[x.severity] >= threshold)) ? 1 : 0;
}

function fixFile(engine: Engine, input: LintInput, opts: LintOptions, io: CliIO): { result: FileResult; fixed: number; diff?: string } {
  const { text, fixed, result } = engine.fix(input);
  if (!fixed || text === input.text) return { result, fixed: 0 };
  const shown = toPosix(path.relative(io.cwd, input.absPath));
  if (opts.fixDryRun) {
    return { result, fixed, diff: createTwoFilesPatch(`a/${shown}`, `b/${shown}`, input.text, text, '', '', { context: 3 }) };
  }
  const outcome = writeFileAtomic(input.absPath, text, input.text);
  if (outcome !== 'written') {
    io.stderr(`prodready: ${shown}: not fixed: ${outcome}\n`);
    return { result: engine.lint(input), fixed: 0 };
  }
  return { result, fixed };
}
