import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import {
  ConfigError,
  CONFIG_FILE,
  closest,
  createEngine,
  scan,
  starterConfig,
  SEVERITY_RANK,
  toPosix,
  type Engine,
  type FileResult,
  type LintInput,
  type Severity,
} from '../engine';
import { rules as allRules } from '../../../rules/index';
import { FORMATS, formatReport, summarize, type Format, type Report, type ReportFile } from './formatters';
import { writeFileAtomic } from './atomicWrite';

declare const PRODREADY_VERSION: string;
export const VERSION = typeof PRODREADY_VERSION === 'string' ? PRODREADY_VERSION : '0.0.0-dev';

export interface CliIO {
  readonly cwd: string;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

const HELP = `prodready ${'{version}'}: the code-level items of production-deployment checklists, in code and config.

Usage:
  prodready lint [paths...] [options]   lint files and folders (default: .)
  prodready rules [--format text|json]  list the rules
  prodready init [--force]              write a starter ${CONFIG_FILE}
  prodready --version | --help

Lint options:
  -f, --format <text|json|sarif|github>  output format (default: text)
  -o, --output <file>                    write the report to a file instead of stdout
      --fix                              apply every safe fix, then report what remains
      --fix-dry-run                      print the fixes as a unified diff; write nothing
      --fail-on <error|warning|info>     exit 1 when a finding is at or above this (default: warning)
  -c, --config <file>                    use this config file for every path (default: nearest ${CONFIG_FILE})
      --require-reason                   report suppressions without a "-- reason"
      --report-unused-disable-directives report suppressions that suppress nothing
      --type-aware                       use type information where a tsconfig.json covers the file (slower;
                                         sharper verdicts for rules that use types)
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
    io.stdout(HELP.replace('{version}', VERSION));
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (cmd === 'lint') return lintCommand(rest, io);
  if (cmd === 'rules') return rulesCommand(rest, io);
  if (cmd === 'init') return initCommand(rest, io);
  const guess = closest(cmd, ['lint', 'rules', 'init']);
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

async function lintCommand(args: readonly string[], io: CliIO): Promise<number> {
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
  });
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

  const engine = createEngine({ rules: allRules });
  const paths = positionals.length ? positionals : ['.'];
  const fixInputs = new Map<string, LintInput>();
  const wantFix = opts.fix || opts.fixDryRun;
  const result = scan(
    engine,
    {
      paths,
      cwd: io.cwd,
      configPath: opts.config ? path.resolve(io.cwd, opts.config) : undefined,
      requireReason: opts.requireReason,
      reportUnusedDirectives: opts.reportUnused,
      typeAware: !!values['type-aware'],
    },
    (r, input) => {
      if (wantFix && (r.findings.some((f) => f.fix && !f.suppressed) || r.deferred.some((d) => d.finding.fix && !d.finding.suppressed))) fixInputs.set(r.absPath, input);
    },
  );
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
    files = files.map((r) => {
      const input = fixInputs.get(r.absPath);
      if (!input) return r;
      if (!r.findings.some((f) => f.fix && !f.suppressed)) return r;
      const outcome = fixFile(engine, { ...input, project: result.project }, opts, io);
      fixedCount += outcome.fixed;
      if (outcome.diff) diffs.push(outcome.diff);
      return outcome.result;
    });
    if (opts.fixDryRun) {
      io.stdout(diffs.join(''));
      if (!diffs.length) io.stderr('prodready: nothing to fix\n');
      return exitCode(files, opts.failOn);
    }
  }

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
  };
  const text = formatReport(opts.format, report, opts.color);
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

function exitCode(files: readonly FileResult[], failOn: Severity): number {
  if (files.some((f) => f.internalErrors.length)) return 2;
  const threshold = SEVERITY_RANK[failOn];
  return files.some((f) => f.findings.some((x) => !x.suppressed && SEVERITY_RANK[x.severity] >= threshold)) ? 1 : 0;
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
