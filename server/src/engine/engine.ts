import ts from 'typescript';
import type { FileKind } from '../shared/fileKinds';
import { commentSyntaxOf } from '../shared/fileKinds';
import { isDevGated } from './ast';
import type { Classification } from './classify';
import { defaultConfig, type ResolvedConfig } from './config';
import { fixUntilStable } from './fixes';
import { matchDirective, parseDirectives, type Directive } from './suppressions';
import { detectStyle, type Style } from './style';
import { PackageLookup } from './packages';
import { LineIndex } from './text';
import { fingerprintOf } from './baseline';
import type { CodeNames, CodeVisitor, Finding, Fix, ReportDescriptor, Rule, RuleContext, Severity } from './types';
import { parseYaml, type YamlFile } from './yamlFile';
import { parseDotenv, type DotenvFile } from './dotenvFile';
import { parseDockerfile, type Dockerfile } from './dockerfile';
import { parseNginx, type NginxConf, type NginxDirective } from './nginxConf';
import { parseRedisConf, type RedisConf } from './redisConf';
import { parseSql, type SqlFile } from './sqlFile';
import { NginxIncludes } from './nginxIncludes';
import type { DeferredFinding, ProjectView } from './projectView';
import type { PackageInfo } from './packages';

/** Diagnostics the engine itself produces (not rules of the catalog). */
export const ENGINE_DIAGNOSTICS = {
  'parse-error': { severity: 'info' as Severity, summary: 'The file could not be parsed; rules ran on what the parser recovered and no fixes are offered.' },
  'internal-error': { severity: 'error' as Severity, summary: 'A rule failed on this file; the other rules still ran. Please report it.' },
  'unused-disable-directive': { severity: 'warning' as Severity, summary: 'A prodready-disable directive that suppresses nothing.' },
  'disable-without-reason': { severity: 'warning' as Severity, summary: 'A prodready-disable directive without a `-- reason`.' },
} as const;
export type EngineDiagnosticId = keyof typeof ENGINE_DIAGNOSTICS;

export const CODE_KINDS: ReadonlySet<FileKind> = new Set(['code', 'next.config']);
export const YAML_KINDS: ReadonlySet<FileKind> = new Set(['compose', 'k8s', 'workflow']);

/** The parser of each kind that is not TypeScript or YAML, and what its result is called on the context. */
const TEXT_PARSERS = {
  dotenv: parseDotenv,
  dockerfile: parseDockerfile,
  nginx: parseNginx,
  redis: parseRedisConf,
  sql: parseSql,
} as const;
type TextKind = keyof typeof TEXT_PARSERS;
type Parsed = DotenvFile | Dockerfile | NginxConf | RedisConf | SqlFile;

/** Parse a file of a non-code, non-YAML kind (dotenv, Dockerfile, nginx, redis.conf, SQL). */
export function parseText(kind: FileKind, text: string): Parsed & { readonly errors: readonly { message: string; offset: number }[] } {
  const parser = TEXT_PARSERS[kind as TextKind];
  if (!parser) throw new Error(`no parser for a ${kind} file`);
  return parser(text);
}

export interface LintInput {
  /** path relative to the project root, POSIX separators */
  readonly path: string;
  readonly absPath: string;
  readonly text: string;
  readonly classification: Classification;
  readonly config?: ResolvedConfig;
  /** a SourceFile from a type-checked Program (type-aware runs); otherwise the engine parses */
  readonly sourceFile?: ts.SourceFile;
  readonly checker?: ts.TypeChecker;
  readonly requireReason?: boolean;
  readonly reportUnusedDirectives?: boolean;
  /** only run these rules (fix loops, ESLint parity tests) */
  readonly onlyRules?: ReadonlySet<string>;
  /**
   * The project view: when given, project-level findings held by `unless` are decided at once and stand in
   * `findings` (fix loops, the language server); without it they wait in `deferred`.
   */
  readonly project?: ProjectView;
}

export interface InternalError {
  readonly ruleId: string;
  readonly message: string;
  readonly stack?: string;
}

export interface FileResult {
  readonly path: string;
  readonly absPath: string;
  readonly kind: FileKind;
  /** every finding, suppressed ones included (with `suppressed` set) */
  readonly findings: Finding[];
  readonly internalErrors: InternalError[];
  readonly parseError: boolean;
  /** whether a syntax tree was built for this file */
  readonly parsed: boolean;
  /** facts this file provides to the project view */
  readonly facts: readonly string[];
  /** project-level findings waiting for the project view (empty when `LintInput.project` was given) */
  readonly deferred: readonly DeferredFinding[];
  /** the file's package, when it has facts or deferred findings */
  readonly pkg: PackageInfo | undefined;
  /** set when the file was not checked: it exceeded the per-file time budget, or its tree is too deep to walk */
  readonly skipped?: string;
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/** Thrown inside the walk when a file takes longer than the engine's per-file budget. */
class BudgetExceeded extends Error {}

/** Default per-file time budget: checked between syntax nodes and between rules. */
export const DEFAULT_FILE_BUDGET_MS = 10_000;

export interface Engine {
  readonly rules: readonly Rule[];
  /** forget cached package.json reads (the language server calls this when one changes) */
  clearCaches(): void;
  /** The package a file belongs to, as rules see it (`ctx.packageJson`). */
  packageOf(absPath: string, root?: string): PackageInfo | undefined;
  readonly defaultConfig: ResolvedConfig;
  lint(input: LintInput): FileResult;
  /**
   * Apply every safe fix to the input's text, re-linting until stable (ESLint's loop), and lint the result.
   * Suppressed findings are not fixed.
   */
  fix(input: LintInput): { text: string; fixed: number; result: FileResult };
}

const SCRIPT_KIND: Record<string, ts.ScriptKind> = {
  ts: ts.ScriptKind.TS,
  mts: ts.ScriptKind.TS,
  cts: ts.ScriptKind.TS,
  tsx: ts.ScriptKind.TSX,
  js: ts.ScriptKind.JS,
  mjs: ts.ScriptKind.JS,
  cjs: ts.ScriptKind.JS,
  jsx: ts.ScriptKind.JSX,
};

export function scriptKindFor(path: string): ts.ScriptKind {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  // .js files often hold JSX (CRA, Next pages); TS's JSX kind parses plain JS as well.
  if (ext === 'js') return ts.ScriptKind.JSX;
  return SCRIPT_KIND[ext] ?? ts.ScriptKind.TS;
}

/**
 * Parse TypeScript/JavaScript once (ASTs are never cached by the engine) for the rules. TypeScript's own parent pass (`setParentNodes`) is a second walk over the tree;
 * `indexNodes` links the parents in the walk that lists the nodes for the rules' visitors, so a file is walked once.
 */
export function parseCode(path: string, text: string): ts.SourceFile {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, scriptKindFor(path));
  indexNodes(sf);
  return sf;
}

let bindParent: ts.Node | undefined;
let bindList: ts.Node[] | undefined;
let bindKinds: number[] | undefined;
function bindChild(n: ts.Node): void {
  (n as { parent: ts.Node }).parent = bindParent!;
  bindList!.push(n);
  bindKinds!.push(n.kind);
  const saved = bindParent;
  bindParent = n;
  ts.forEachChild(n, bindChild);
  bindParent = saved;
}

/**
 * Every node of the file in document order (pre-order, as `ts.forEachChild` visits them, the file first), with
 * `parent` set on each, and their kinds in a parallel array of small integers: the rules' visitors are dispatched
 * from these instead of a second recursive walk, and the dispatch reads a node only when a visitor wants its kind.
 */
export function indexNodes(sf: ts.SourceFile): { readonly nodes: ts.Node[]; readonly kinds: number[] } {
  const nodes: ts.Node[] = [sf];
  const kinds: number[] = [sf.kind];
  bindList = nodes;
  bindKinds = kinds;
  bindParent = sf;
  try {
    ts.forEachChild(sf, bindChild);
  } finally {
    bindList = undefined;
    bindKinds = undefined;
    bindParent = undefined;
  }
  return { nodes, kinds };
}

function parseDiagnosticsOf(sf: ts.SourceFile): readonly ts.DiagnosticWithLocation[] {
  return (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}

function format(template: string, data: Record<string, string | number> | undefined): string {
  if (!data) return template;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}

/** Map of SyntaxKind name → number, so visitors can be written with readable keys. */
const KIND_BY_NAME = new Map<string, number>();
for (const name of Object.keys(ts.SyntaxKind)) {
  const v = (ts.SyntaxKind as unknown as Record<string, number>)[name];
  if (typeof v === 'number' && !/^(First|Last)/.test(name) && !KIND_BY_NAME.has(name)) KIND_BY_NAME.set(name, v);
}

const KIND_SLOTS = Math.max(...KIND_BY_NAME.values()) + 1;

export function syntaxKindOf(name: string): number | undefined {
  return KIND_BY_NAME.get(name);
}

interface Listener {
  readonly rule: Rule;
  readonly fn: (node: ts.Node) => void;
}

/** What every rule's context of one file shares: the file, its lazily parsed forms, facts and the report sink. */
interface FileState {
  readonly file: RuleContext['file'];
  readonly checker: ts.TypeChecker | undefined;
  style(): Style;
  lines(): LineIndex;
  sourceFile(): ts.SourceFile;
  yaml(): YamlFile;
  text<T extends Parsed>(want: TextKind): T;
  included(d: NginxDirective): readonly NginxDirective[];
  fact(key: string): void;
  pkg(): PackageInfo | undefined;
  report(rule: Rule, severity: Severity, d: ReportDescriptor): void;
}

/** A rule's view of a file (RuleContext). */
class Ctx implements RuleContext {
  readonly ruleId: string;
  constructor(
    private readonly s: FileState,
    private readonly rule: Rule,
    private readonly severity: Severity,
    readonly options: RuleContext['options'],
  ) {
    this.ruleId = rule.id;
  }
  get file(): RuleContext['file'] {
    return this.s.file;
  }
  get checker(): ts.TypeChecker | undefined {
    return this.s.checker;
  }
  get style(): Style {
    return this.s.style();
  }
  get lines(): LineIndex {
    return this.s.lines();
  }
  get sourceFile(): ts.SourceFile {
    return this.s.sourceFile();
  }
  get yaml(): YamlFile {
    return this.s.yaml();
  }
  get dotenv(): DotenvFile {
    return this.s.text<DotenvFile>('dotenv');
  }
  get dockerfile(): Dockerfile {
    return this.s.text<Dockerfile>('dockerfile');
  }
  get nginx(): NginxConf {
    return this.s.text<NginxConf>('nginx');
  }
  get redis(): RedisConf {
    return this.s.text<RedisConf>('redis');
  }
  get sql(): SqlFile {
    return this.s.text<SqlFile>('sql');
  }
  get packageJson(): PackageInfo | undefined {
    return this.s.pkg();
  }
  nginxIncluded(d: NginxDirective): readonly NginxDirective[] {
    return this.s.included(d);
  }
  fact(key: string): void {
    this.s.fact(key);
  }
  report(d: ReportDescriptor): void {
    this.s.report(this.rule, this.severity, d);
  }
}

export function createEngine(opts: { rules: readonly Rule[]; fileBudgetMs?: number }): Engine {
  const budgetMs = opts.fileBudgetMs ?? DEFAULT_FILE_BUDGET_MS;
  const rules = [...opts.rules].sort((a, b) => a.id.localeCompare(b.id));
  const fallback = defaultConfig(rules);
  const packages = new PackageLookup();
  const includes = new NginxIncludes();

  function lint(input: LintInput): FileResult {
    try {
      return lintUnguarded(input);
    } catch (e) {
      // The walk is recursive, as TypeScript's parser is: a tree nested thousands deep can exhaust the stack.
      const reason = e instanceof BudgetExceeded ? e.message : isStackOverflow(e) ? 'too deeply nested to check' : undefined;
      if (!reason) throw e;
      return { path: input.path, absPath: input.absPath, kind: input.classification.kind, findings: [], internalErrors: [], parseError: false, parsed: true, facts: [], deferred: [], pkg: undefined, skipped: reason };
    }
  }

  function lintUnguarded(input: LintInput): FileResult {
    const started = Date.now();
    const deadline = started + budgetMs;
    const overBudget = (): void => {
      if (Date.now() > deadline) throw new BudgetExceeded(`took longer than the per-file budget of ${Math.round(budgetMs / 1000)} s`);
    };
    const { text, classification } = input;
    const kind = classification.kind;
    const config = input.config ?? fallback;
    const findings: Finding[] = [];
    const internalErrors: InternalError[] = [];
    const failed = new Set<string>();
    const base = { path: input.path, absPath: input.absPath, kind };
    const facts: string[] = [];
    const deferred: DeferredFinding[] = [];
    if (!classification.production) {
      return { ...base, findings, internalErrors, parseError: false, parsed: false, facts, deferred, pkg: undefined };
    }

    type Active = { rule: Rule; severity: Severity; options: Record<string, unknown>; afterParse?: boolean };
    let active: Active[] = [];
    const codeFile = CODE_KINDS.has(kind);
    let afterParse = false;
    for (const rule of rules) {
      if (!rule.kinds.includes(kind)) continue;
      if (input.onlyRules && !input.onlyRules.has(rule.id)) continue;
      const setting = config.rules.get(rule.id);
      const severity = setting ? setting.severity : rule.severity;
      if (severity === 'off') continue;
      const options = setting?.options ?? NO_OPTIONS;
      if (codeFile && rule.codeHint) {
        active.push({ rule, severity, options, afterParse: (afterParse = true) });
        continue;
      }
      let wanted: boolean;
      try {
        wanted = hintMatches(rule, text, input.path, kind, options);
      } catch (err) {
        // a hint is rule code: its failure is the rule's (reported, other rules unaffected)
        fail(rule.id, err);
        continue;
      }
      if (wanted) active.push({ rule, severity, options });
    }

    // Built on first use: most files have no finding and no directive.
    let lineIndex: LineIndex | undefined;
    const lineIdx = (): LineIndex => (lineIndex ??= new LineIndex(text));
    const directives = text.includes('prodready-disable') ? parseDirectives(text, lineIdx(), commentSyntaxOf(kind)) : [];
    let sourceFile = input.sourceFile;
    let parsed = !!sourceFile;
    let nodes: { readonly nodes: ts.Node[]; readonly kinds: number[] } | undefined;
    let yamlFile: YamlFile | undefined;
    let textFile: Parsed | undefined;
    let style: Style | undefined;
    const seen = new Set<string>();

    const getSourceFile = (): ts.SourceFile => {
      if (!sourceFile) {
        if (!CODE_KINDS.has(kind)) throw new Error(`no TypeScript syntax tree for a ${kind} file`);
        sourceFile = ts.createSourceFile(input.absPath || input.path, text, ts.ScriptTarget.Latest, false, scriptKindFor(input.absPath || input.path));
        nodes = indexNodes(sourceFile);
        parsed = true;
      }
      return sourceFile;
    };
    const getYaml = (): YamlFile => {
      if (!yamlFile) {
        if (!YAML_KINDS.has(kind)) throw new Error(`no YAML documents for a ${kind} file`);
        yamlFile = parseYaml(text);
        parsed = true;
      }
      return yamlFile;
    };
    const getText = <T extends Parsed>(want: TextKind): T => {
      if (kind !== want) throw new Error(`a ${kind} file has no ${want} view`);
      if (!textFile) {
        textFile = parseText(kind, text);
        parsed = true;
      }
      return textFile as T;
    };
    // code hints are decided on the parsed file's names (one parse either way: every rule shares it)
    if (afterParse) {
      const ids = namesOf(getSourceFile());
      active = active.filter((a) => {
        if (!a.afterParse) return true;
        try {
          return a.rule.codeHint!(ids, text, { path: input.path, kind, options: a.options });
        } catch (err) {
          fail(a.rule.id, err);
          return false;
        }
      });
    }

    // the project root, for package lookups and nginx includes: the file's path is relative to it
    const absPosix = input.absPath.split('\\').join('/');
    const projectRoot = absPosix.endsWith(`/${input.path}`) ? absPosix.slice(0, absPosix.length - input.path.length - 1) : undefined;
    let pkgInfo: PackageInfo | undefined | null = null;
    const packageOf = (): PackageInfo | undefined => (pkgInfo === null ? (pkgInfo = packages.forFile(input.absPath, projectRoot)) : pkgInfo);

    function finding(ruleId: string, messageId: string, severity: Severity, message: string, start: number, end: number, fix?: Fix, suggestions?: readonly Fix[]): Finding {
      const s = lineIdx().position(start);
      const e = lineIdx().position(Math.max(start, end));
      return {
        ruleId,
        messageId,
        severity,
        message,
        path: input.path,
        absPath: input.absPath,
        line: s.line,
        column: s.column,
        endLine: e.line,
        endColumn: e.column,
        start,
        end: Math.max(start, end),
        ...(fix ? { fix } : {}),
        ...(suggestions && suggestions.length ? { suggestions } : {}),
        fingerprint: fingerprintOf(text, lineIdx(), ruleId, messageId, start, Math.max(start, end)),
      };
    }

    function push(ruleId: string, messageId: string, severity: Severity, message: string, start: number, end: number, fix?: Fix, suggestions?: readonly Fix[], unless?: ReportDescriptor['unless']): void {
      const f = finding(ruleId, messageId, severity, message, start, end, fix, suggestions);
      const key = `${ruleId}:${f.line}`;
      if (seen.has(key)) return; // one finding per rule per line
      seen.add(key);
      if (unless) deferred.push({ finding: f, unless });
      else findings.push(f);
    }

    // one slot per SyntaxKind, filled up front: a sparse array would fall back to a dictionary lookup per node
    const listeners: (Listener[] | undefined)[] = new Array<Listener[] | undefined>(KIND_SLOTS).fill(undefined);
    let listening = false;
    const endHooks: { rule: Rule; fn: () => void }[] = [];

    // One state object per file, one light context per rule (getters on the class prototype, not per object).
    const state: FileState = {
      file: { path: input.path, absPath: input.absPath, kind, roles: classification.roles, text },
      checker: input.checker,
      style: () => (style ??= detectStyle(text)),
      lines: lineIdx,
      sourceFile: getSourceFile,
      yaml: getYaml,
      text: getText,
      included: (d: NginxDirective) => includes.resolve(d, input.absPath, projectRoot),
      fact(key: string) {
        if (!facts.includes(key)) facts.push(key);
      },
      pkg: packageOf,
      report(rule: Rule, severity: Severity, d: ReportDescriptor) {
        const template = rule.messages[d.messageId];
        if (template === undefined) throw new Error(`rule ${rule.id} reported unknown messageId "${d.messageId}"`);
        let start: number;
        let end: number;
        if (d.node) {
          if (isDevGated(d.node)) return;
          start = d.node.getStart(getSourceFile());
          end = d.node.getEnd();
        } else if (d.range) {
          [start, end] = d.range;
        } else throw new Error(`rule ${rule.id} reported without node or range`);
        push(rule.id, d.messageId, severity, format(template, d.data), start, end, d.fix ?? undefined, d.suggestions, d.unless);
      },
    };

    for (const a of active) {
      const rule = a.rule;
      const ctx: RuleContext = new Ctx(state, rule, a.severity, a.options as RuleContext['options']);
      try {
        const visitor = rule.check(ctx) as CodeVisitor | void;
        if (visitor) {
          for (const [name, fn] of Object.entries(visitor)) {
            if (!fn) continue;
            if (name === 'end') {
              endHooks.push({ rule, fn: fn as () => void });
              continue;
            }
            const k = KIND_BY_NAME.get(name);
            if (k === undefined) throw new Error(`unknown SyntaxKind "${name}" in visitor`);
            (listeners[k] ??= []).push({ rule, fn: fn as (n: ts.Node) => void });
            listening = true;
          }
        }
      } catch (err) {
        if (err instanceof BudgetExceeded || isStackOverflow(err)) throw err;
        fail(rule.id, err);
      }
      overBudget();
    }

    function fail(ruleId: string, err: unknown): void {
      if (failed.has(ruleId)) return;
      failed.add(ruleId);
      const e = err instanceof Error ? err : new Error(String(err));
      internalErrors.push({ ruleId, message: e.message, stack: e.stack });
    }

    if (listening || endHooks.length) {
      const sf = getSourceFile();
      overBudget();
      // the file's nodes in document order: listed (and parents linked) when it was parsed, or now for a given tree
      const index = (nodes ??= indexNodes(sf));
      const all = index.nodes;
      const kinds = index.kinds;
      for (let i = 0; i < kinds.length; i++) {
        if ((i & 4095) === 4095) overBudget();
        const ls = listeners[kinds[i]];
        if (ls === undefined) continue;
        const node = all[i];
        for (let j = 0; j < ls.length; j++) {
          const l = ls[j];
          if (failed.size && failed.has(l.rule.id)) continue;
          try {
            l.fn(node);
          } catch (err) {
            if (isStackOverflow(err)) throw err;
            fail(l.rule.id, err);
          }
        }
      }
      for (const h of endHooks) {
        if (failed.has(h.rule.id)) continue;
        try {
          h.fn();
        } catch (err) {
          if (isStackOverflow(err)) throw err;
          fail(h.rule.id, err);
        }
      }
    }

    // Project-level findings: decided now when the view is given, else held for the caller's view.
    const pkg = facts.length || deferred.length ? packageOf() : undefined;
    let held = failed.size ? deferred.filter((d) => !failed.has(d.finding.ruleId)) : deferred;
    if (input.project && held.length) {
      findings.push(...input.project.resolve({ path: input.path, absPath: input.absPath, facts, deferred: held, pkg }));
      held = [];
    }

    // Findings of a rule that failed are dropped: a half-run rule's output cannot be trusted.
    let result = failed.size ? findings.filter((f) => !failed.has(f.ruleId)) : findings;
    for (const e of internalErrors) {
      result.push(
        mkFinding('internal-error', 'internalError', `Rule "${e.ruleId}" failed on this file: ${e.message}`, 0, 0),
      );
    }

    // Parse errors: one info finding at the first error; no fixes on a file that does not parse.
    let parseError = false;
    let firstError: { offset: number; message: string } | undefined;
    // (a file parsed only to decide code hints, that no rule then wanted, is not reported either)
    if (sourceFile && active.length) {
      const diags = parseDiagnosticsOf(sourceFile);
      if (diags.length) firstError = { offset: diags[0].start, message: ts.flattenDiagnosticMessageText(diags[0].messageText, ' ') };
    } else if (yamlFile && yamlFile.errors.length) {
      firstError = yamlFile.errors[0];
    } else if (textFile && textFile.errors.length) {
      firstError = textFile.errors[0];
    }
    if (firstError) {
      parseError = true;
      result = result.map((f) => (f.fix ? { ...f, fix: undefined, suggestions: undefined } : f));
      held = held.map((d) => (d.finding.fix ? { ...d, finding: { ...d.finding, fix: undefined, suggestions: undefined } } : d));
      result.push(mkFinding('parse-error', 'parseError', `The file could not be parsed: ${firstError.message}`, firstError.offset, firstError.offset));
    }

    // Suppressions (held findings carry theirs, so the view never has to read the file again).
    for (const f of [...result, ...held.map((d) => d.finding)]) {
      if (f.ruleId === 'parse-error' || f.ruleId === 'internal-error') continue;
      const d = matchDirective(directives, f.ruleId, f.line);
      if (d) f.suppressed = { kind: 'inSource', justification: d.reason, directive: d.text, line: d.line };
    }
    if (input.requireReason) {
      for (const d of directives) {
        if (!d.reason) {
          result.push(mkFinding('disable-without-reason', 'noReason', `The directive "${d.text}" gives no reason; write one after " -- ".`, d.start, d.end));
        }
      }
    }
    if (input.reportUnusedDirectives) {
      for (const d of directives) {
        const unused = d.ruleIds.length ? d.ruleIds.filter((id) => !d.used.has(id)) : d.used.size ? [] : ['(all rules)'];
        for (const id of unused) {
          // A directive for a rule that is off or does not apply to this kind suppresses nothing: reported too.
          result.push(
            mkFinding(
              'unused-disable-directive',
              'unused',
              id === '(all rules)' ? `Unused "${d.text}": no finding on its target.` : `Unused "${d.text}": no "${id}" finding to suppress.`,
              d.start,
              d.end,
            ),
          );
        }
      }
    }

    result.sort(compareFindings);
    return { ...base, findings: result, internalErrors, parseError, parsed, facts, deferred: held, pkg };

    function mkFinding(ruleId: EngineDiagnosticId, messageId: string, message: string, start: number, end: number): Finding {
      return finding(ruleId, messageId, ENGINE_DIAGNOSTICS[ruleId].severity, message, start, end);
    }
  }

  function fix(input: LintInput): { text: string; fixed: number; result: FileResult } {
    const { text, fixed } = fixUntilStable(input.text, (t) => lint({ ...input, text: t, sourceFile: undefined, checker: undefined }).findings);
    const result = fixed ? lint({ ...input, text, sourceFile: undefined, checker: undefined }) : lint(input);
    return { text, fixed, result };
  }

  return { rules, defaultConfig: fallback, lint, fix, packageOf: (absPath, root) => packages.forFile(absPath, root), clearCaches: () => {
      packages.clear();
      includes.clear();
    } };
}

const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({});
const EVERY_NAME: CodeNames = { has: () => true };

/** The names of a parsed file: TypeScript's own table of the identifiers it interned (every name but plain strings). */
export function namesOf(sf: ts.SourceFile): CodeNames {
  const ids = (sf as unknown as { identifiers?: ReadonlyMap<string, string> }).identifiers;
  return ids && typeof ids.has === 'function' ? ids : EVERY_NAME;
}

/**
 * Does the rule's cheap text test let it run on this file (a regex on the text, or a test of text, path, kind and
 * options)? For a rule with a `codeHint` on a code file, true: that is decided after the parse.
 */
export function hintMatches(rule: Rule, text: string, path: string, kind: FileKind, options: Readonly<Record<string, unknown>> = NO_OPTIONS): boolean {
  if (rule.codeHint && CODE_KINDS.has(kind)) return true;
  const h = rule.textHint;
  return !h || (typeof h === 'function' ? h(text, { path, kind, options }) : h.test(text));
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}

export type { Directive };
