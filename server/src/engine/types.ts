import type ts from 'typescript';
import type { FileKind } from '../shared/fileKinds';
import type { FileRoles } from './classify';
import type { Style } from './style';
import type { PackageInfo } from './packages';
import type { LineIndex } from './text';
import type { YamlFile } from './yamlFile';
import type { DotenvFile } from './dotenvFile';
import type { Dockerfile } from './dockerfile';
import type { NginxConf, NginxDirective } from './nginxConf';
import type { RedisConf } from './redisConf';
import type { SqlFile } from './sqlFile';
import type { ProjectCondition } from './projectView';

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
export const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

/** One replacement in the original text: `[start, end)` becomes `text`. Offsets are UTF-16 code units. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A fix or suggestion is data: a title and edits into the text the finding was made on. */
export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

export interface OptionSpec {
  readonly type: 'string' | 'number' | 'boolean' | 'string[]';
  readonly default: string | number | boolean | readonly string[];
  readonly description: string;
  /** for numbers */
  readonly minimum?: number;
}

export type RuleOptions = Record<string, string | number | boolean | readonly string[]>;

export interface ReportDescriptor {
  readonly messageId: string;
  readonly data?: Record<string, string | number>;
  /** A TypeScript node (its start, without leading trivia, is where the finding goes). */
  readonly node?: ts.Node;
  /** Offsets into the text, when there is no TS node (YAML, dotenv, …). */
  readonly range?: readonly [number, number];
  readonly fix?: Fix | null;
  readonly suggestions?: readonly Fix[];
  /**
   * Project-level findings: the finding stands only when no file in the condition's scope provides the fact
   * (see `RuleContext.fact`). Decided after every file of the project is seen.
   */
  readonly unless?: ProjectCondition | readonly ProjectCondition[];
}

/** Listeners keyed by TypeScript SyntaxKind name, called in one shared pass over the raw AST. */
export type CodeVisitor = {
  [kindName: string]: ((node: any) => void) | undefined;
} & {
  /** called after the walk of the file */
  end?: () => void;
};

export interface RuleFile {
  /** path relative to the project root, POSIX separators */
  readonly path: string;
  readonly absPath: string;
  readonly kind: FileKind;
  readonly roles: FileRoles;
  readonly text: string;
}

export interface RuleContext {
  readonly ruleId: string;
  readonly file: RuleFile;
  readonly options: RuleOptions;
  /** The file's own style: quotes, semicolons, indentation, line ending. Computed on first use. */
  readonly style: Style;
  readonly lines: LineIndex;
  /** The parsed TypeScript file (code and next.config kinds). Parsed once, shared by every rule. */
  readonly sourceFile: ts.SourceFile;
  /** Parsed YAML documents with positions (compose, k8s, workflow kinds). */
  readonly yaml: YamlFile;
  /** The entries of a dotenv file. */
  readonly dotenv: DotenvFile;
  /** Instructions and stages of a Dockerfile. */
  readonly dockerfile: Dockerfile;
  /** The directive tree of an nginx config file. */
  readonly nginx: NginxConf;
  /**
   * The directives of the files an nginx `include` names, where they resolve inside the project (relative to
   * the including file's folder or one of its parents); positions are in those files, so report on the include.
   */
  nginxIncluded(include: NginxDirective): readonly NginxDirective[];
  /** The directives of a redis.conf. */
  readonly redis: RedisConf;
  /** The statements of a SQL migration. */
  readonly sql: SqlFile;
  /** Record a fact this file provides to the project view (project-level rules; see `ReportDescriptor.unless`). */
  fact(key: string): void;
  /** Present only on type-aware runs, for files inside a tsconfig program. */
  readonly checker: ts.TypeChecker | undefined;
  /** The nearest package.json above the file (its dependencies), read once per folder. */
  readonly packageJson: PackageInfo | undefined;
  report(descriptor: ReportDescriptor): void;
}

/** What a function `textHint` is told besides the text: the file's path and kind, and the rule's options for it. */
export interface HintFile {
  readonly path: string;
  readonly kind: FileKind;
  readonly options: Readonly<Record<string, unknown>>;
}

/** The names a code file contains (see `codeHint`). */
export interface CodeNames {
  has(name: string): boolean;
}

export interface RuleDefinition {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly severity: Severity;
  readonly kinds: readonly FileKind[];
  readonly scope: 'file' | 'project';
  /** the RULES.md source, e.g. "003 §1.2" */
  readonly checklist: string;
  readonly fixable: boolean;
  readonly hasSuggestions: boolean;
  readonly messages: Readonly<Record<string, string>>;
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /**
   * Cheap text test: when given and it does not match the file's text, the rule is not run on that file
   * (and a code file no rule wants is not even parsed). Must never exclude a file the rule could flag.
   */
  readonly textHint?: RegExp | ((text: string, file: HintFile) => boolean);
  /**
   * For code files, in place of `textHint`: decided right after the parse from the names the file contains
   * (`ids`: every identifier, property and JSX name, module specifier and quoted property name, exactly as
   * written; not other strings, not comments) and, for what only strings hold, its text. A lookup per name
   * instead of a regular expression over the text. Must never exclude a file the rule could flag.
   */
  readonly codeHint?: (ids: CodeNames, text: string, file: HintFile) => boolean;
  /** The rule reads `ctx.checker` when it is there: on `--type-aware` runs a Program is built for its files. */
  readonly usesTypes?: boolean;
  /**
   * A file-scope rule that records or waits for project facts (`ctx.fact`, `unless`): partial scans and the
   * editor read the rest of the project for its facts too, as for project-scope rules.
   */
  readonly usesFacts?: boolean;
  check(ctx: RuleContext): CodeVisitor | void;
}

export interface Rule extends RuleDefinition {
  readonly docsUrl: string;
}

export interface Suppression {
  readonly kind: 'inSource';
  readonly justification: string;
  /** the directive as written */
  readonly directive: string;
  readonly line: number;
}

export interface Finding {
  readonly ruleId: string;
  readonly messageId: string;
  readonly severity: Severity;
  readonly message: string;
  /** path relative to the project root */
  readonly path: string;
  readonly absPath: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly start: number;
  readonly end: number;
  readonly fix?: Fix;
  readonly suggestions?: readonly Fix[];
  suppressed?: Suppression;
  /** rule, message and normalised code around the finding, no line number (baselines, SARIF partialFingerprints) */
  readonly fingerprint?: string;
  /** set when a baseline is in use: whether the baseline already has this finding */
  baselineState?: 'new' | 'unchanged';
}
