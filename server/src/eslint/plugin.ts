/**
 * `prodready/eslint-plugin`: prodready's TypeScript/JavaScript rules inside ESLint 9 (flat config), with the rule
 * code unchanged. With @typescript-eslint/parser, the TypeScript syntax tree ESLint already has is taken from the
 * parser services' node map (the ESTree Program → its ts.SourceFile) and handed to the same engine the CLI runs,
 * so findings are the CLI's; without it (espree), the file is parsed once with TypeScript. The engine's fixes
 * become ESLint fixes and suggestions. `prodready-disable` comments, `.prodready.json` rule options (ESLint rule
 * options win), test/fixture paths and generated files mean what they mean to the CLI; project-level rules
 * read the rest of the project for facts once per process, as the CLI does for a partial scan.
 *
 * TypeScript is not bundled: the plugin uses the `typescript` the project has (the one typescript-eslint uses),
 * so syntax kinds always agree.
 */
import * as path from 'node:path';
import {
  classify,
  createEngine,
  parseCode,
  ProjectResolver,
  projectPhase,
  skipReason,
  toPosix,
  type FileResult,
  type Finding,
  type ProjectView,
  type ResolvedConfig,
  type Rule,
  type RuleOptions,
} from '../engine';
import { rules as allRules } from '../../../rules/index';

declare const PRODREADY_VERSION: string;

/** The rules ESLint can run: those that read TypeScript/JavaScript. */
const codeRules: readonly Rule[] = allRules.filter((r) => r.kinds.includes('code') || r.kinds.includes('next.config'));
const engine = createEngine({ rules: codeRules });

// Minimal structural types of what ESLint hands a rule (so the plugin needs no ESLint types at build time).
interface Position {
  line: number;
  column: number;
}
interface Fixer {
  replaceTextRange(range: [number, number], text: string): unknown;
}
interface RuleContext {
  readonly id: string;
  readonly filename: string;
  readonly cwd: string;
  readonly options: readonly unknown[];
  readonly sourceCode: { readonly text: string; readonly ast: object; readonly parserServices?: { esTreeNodeToTSNodeMap?: { get(n: object): unknown } } };
  report(d: { loc: { start: Position; end: Position }; message: string; fix?: (f: Fixer) => unknown; suggest?: { desc: string; fix: (f: Fixer) => unknown }[] }): void;
}

/** The prodready config and project root of a file, as the CLI finds them. */
const resolvers = new Map<string, ProjectResolver>();
function projectOf(filename: string, cwd: string): { root: string; config: ResolvedConfig } {
  let r = resolvers.get(cwd);
  if (!r) resolvers.set(cwd, (r = new ProjectResolver(engine.rules, engine.defaultConfig, cwd, undefined, undefined, [cwd])));
  return r.forFile(filename);
}

/** Facts of the whole project for project-level rules, read once per root per process. */
const views = new Map<string, ProjectView>();
function viewOf(root: string, config: ResolvedConfig, waiting: FileResult): ProjectView {
  let v = views.get(root);
  if (!v) {
    const r = new ProjectResolver(engine.rules, engine.defaultConfig, root, config.path, undefined, []);
    // an empty scan of no folder: projectPhase then reads the whole project for facts
    const held = { ...waiting, deferred: waiting.deferred };
    v = projectPhase(engine, [held], [], r, [], { paths: [root], cwd: root }, []);
    views.set(root, v);
  }
  return v;
}

/** One engine run per file and options set: several ESLint rules without options share it. */
const runs = new WeakMap<object, Map<string, readonly Finding[]>>();

function findingsFor(context: RuleContext, ruleId: string): readonly Finding[] {
  const sc = context.sourceCode;
  const own = context.options[0] as Record<string, unknown> | undefined;
  const key = own && Object.keys(own).length ? `${ruleId}:${JSON.stringify(own)}` : '*';
  let perFile = runs.get(sc.ast);
  if (!perFile) runs.set(sc.ast, (perFile = new Map()));
  const hit = perFile.get(key);
  if (hit) return hit.filter((f) => f.ruleId === ruleId);

  const absPath = path.resolve(context.cwd, context.filename);
  const { root, config } = projectOf(absPath, context.cwd);
  const rel = toPosix(path.relative(root, absPath));
  const classification = classify(rel);
  let findings: readonly Finding[] = [];
  if (classification && classification.production && !skipReason(sc.text)) {
    const ts = sc.parserServices?.esTreeNodeToTSNodeMap?.get(sc.ast) as import('typescript').SourceFile | undefined;
    const sourceFile = ts && typeof ts.kind === 'number' && ts.text === sc.text ? ts : parseCode(absPath, sc.text);
    // ESLint decides which rules run (a rule off in .prodready.json but on in ESLint runs); ESLint rule options
    // win over .prodready.json's for the rule that has them
    const rulesCfg = new Map(config.rules);
    for (const r of engine.rules) {
      const set = rulesCfg.get(r.id);
      if (!set || set.severity === 'off') rulesCfg.set(r.id, { severity: r.severity, options: set?.options ?? {} });
    }
    if (key !== '*') rulesCfg.set(ruleId, { severity: rulesCfg.get(ruleId)?.severity ?? 'error', options: { ...(rulesCfg.get(ruleId)?.options ?? {}), ...(own as RuleOptions) } });
    const input = { path: rel, absPath, text: sc.text, classification, config: { ...config, rules: rulesCfg }, sourceFile, ...(key !== '*' ? { onlyRules: new Set([ruleId]) } : {}) };
    const r = engine.lint(input);
    findings = r.deferred.length ? [...r.findings, ...viewOf(root, config, r).resolve(r)] : r.findings;
  }
  findings = findings.filter((f) => !f.suppressed && engine.rules.some((r) => r.id === f.ruleId));
  perFile.set(key, findings);
  return findings.filter((f) => f.ruleId === ruleId);
}

function eslintRule(rule: Rule): object {
  const props: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(rule.options ?? {})) {
    props[name] = spec.type === 'string[]' ? { type: 'array', items: { type: 'string' } } : { type: spec.type, ...(spec.minimum !== undefined ? { minimum: spec.minimum } : {}) };
  }
  return {
    meta: {
      type: rule.severity === 'info' ? 'suggestion' : 'problem',
      docs: { description: rule.summary, url: rule.docsUrl, recommended: true },
      ...(rule.fixable ? { fixable: 'code' } : {}),
      ...(rule.hasSuggestions ? { hasSuggestions: true } : {}),
      schema: [{ type: 'object', properties: props, additionalProperties: false }],
      messages: {},
    },
    create(context: RuleContext) {
      return {
        'Program:exit'() {
          for (const f of findingsFor(context, rule.id)) {
            const edits = (fix: { edits: readonly { start: number; end: number; text: string }[] }) => (fixer: Fixer) => fix.edits.map((e) => fixer.replaceTextRange([e.start, e.end], e.text));
            context.report({
              loc: { start: { line: f.line, column: f.column - 1 }, end: { line: f.endLine, column: f.endColumn - 1 } },
              message: f.message,
              ...(f.fix ? { fix: edits(f.fix) } : {}),
              ...(f.suggestions?.length ? { suggest: f.suggestions.map((s) => ({ desc: s.title, fix: edits(s) })) } : {}),
            });
          }
        },
      };
    },
  };
}

const SEVERITY = { error: 'error', warning: 'warn', info: 'warn' } as const;

const plugin: {
  meta: { name: string; version: string };
  rules: Record<string, object>;
  configs: Record<string, unknown>;
} = {
  meta: { name: 'prodready', version: typeof PRODREADY_VERSION === 'string' ? PRODREADY_VERSION : '0.0.0-dev' },
  rules: Object.fromEntries(codeRules.map((r) => [r.id, eslintRule(r)])),
  configs: {},
};

function recommendedParser(): unknown {
  try {
    // the project's typescript-eslint parser, when it has one
    return require('@typescript-eslint/parser');
  } catch {
    return undefined;
  }
}

plugin.configs.recommended = {
  name: 'prodready/recommended',
  files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
  plugins: { prodready: plugin },
  ...(recommendedParser() ? { languageOptions: { parser: recommendedParser() } } : {}),
  rules: Object.fromEntries(codeRules.map((r) => [`prodready/${r.id}`, SEVERITY[r.severity]])),
};

// CommonJS export, so `require('prodready/eslint-plugin')` and `import prodready from …` both give the plugin
module.exports = plugin;
