import {
  defineRule,
  hasAnyName,
  dottedName,
  removeProperty,
  stringValue,
  ts,
  unwrap,
  type CodeNames,
  type Fix,
  type RuleContext,
  type TextEdit,
} from '../../server/src/engine/api';
import { envAliases, envModuleImports, envRead, envStaticImports, isEnvObject, mayReadEnv, type EnvRead } from '../_lib/envReads';
import { embedsCredentials, isSecretName, nameWords } from '../_lib/secretNames';

/** A fallback value: a string literal, or an identifier bound to one at the top of the file. */
interface Fallback {
  /** where the finding goes: the literal, or the identifier naming it */
  readonly node: ts.Node;
  readonly text: string;
}

/** What the rule needs to know about the file, computed once on first use. */
interface FileFacts {
  readonly aliases: Set<string>;
  readonly statics: Map<string, string>;
  /** `const DEFAULT_SECRET = 'dev'` at the top level */
  readonly constants: Map<string, string>;
  /** the file imports a test framework: a test harness, whatever its path */
  readonly harness: boolean;
}

const TEST_FRAMEWORKS = /^(vitest|@vitest\/.+|jest|@jest\/globals|mocha|node:test|@playwright\/test|ava|uvu|tap|chai|sinon|supertest|@testing-library\/.+)$/;

function fileFacts(sf: ts.SourceFile): FileFacts {
  const constants = new Map<string, string>();
  let harness = false;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && TEST_FRAMEWORKS.test(st.moduleSpecifier.text)) harness = true;
    if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.Const) {
      for (const d of st.declarationList.declarations) {
        const v = d.initializer && ts.isIdentifier(d.name) ? stringValue(d.initializer) : undefined;
        if (v !== undefined && ts.isIdentifier(d.name)) constants.set(d.name.text, v);
      }
    }
  }
  const aliases = envAliases(sf);
  for (const n of envModuleImports(sf)) aliases.add(n);
  return { aliases, statics: envStaticImports(sf), constants, harness };
}

/** Names of test-only variables: `TEST_DATABASE_URL`, `E2E_TOKEN`, `MOCK_API_KEY`. */
const TEST_WORDS = new Set(['test', 'tests', 'testing', 'e2e', 'mock', 'mocked', 'fake', 'dummy', 'stub', 'fixture', 'fixtures']);
function isTestName(name: string): boolean {
  return nameWords(name).some((w) => TEST_WORDS.has(w));
}

function isFallbackOp(k: ts.SyntaxKind): boolean {
  return k === ts.SyntaxKind.BarBarToken || k === ts.SyntaxKind.QuestionQuestionToken;
}

function isFallbackAssignOp(k: ts.SyntaxKind): boolean {
  return k === ts.SyntaxKind.BarBarEqualsToken || k === ts.SyntaxKind.QuestionQuestionEqualsToken;
}

/** Operands of an `a || b || c` / `a ?? b` chain, left to right (mixed || and ?? chains included). */
function chainOperands(node: ts.BinaryExpression): ts.Expression[] {
  const out: ts.Expression[] = [];
  const rec = (e: ts.Expression): void => {
    const u = ts.isParenthesizedExpression(e) ? e.expression : e;
    if (ts.isBinaryExpression(u) && isFallbackOp(u.operatorToken.kind)) {
      rec(u.left);
      rec(u.right);
    } else out.push(e);
  };
  rec(node);
  return out;
}

/** The outermost node of `node` through parentheses. */
function outer(node: ts.Node): ts.Node {
  let n = node;
  while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
  return n;
}

/** `process.env.X?.trim()`, `String(process.env.X)`, `process.env.X.toString()`: the read inside. */
function peel(node: ts.Node): ts.Node {
  const n = unwrap(node);
  if (ts.isCallExpression(n) && n.arguments.length === 0 && ts.isPropertyAccessExpression(n.expression) && /^(trim|toString)$/.test(n.expression.name.text)) {
    return peel(n.expression.expression);
  }
  if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isIdentifier(n.expression) && n.expression.text === 'String') return peel(n.arguments[0]);
  return n;
}

const SCHEMA_ROOTS = /^(z|zod|Joi|joi|yup|Yup)$/;

/** The identifier a call/property chain starts from: `z.string().min(1)` → z. */
function chainRoot(node: ts.Node): ts.Identifier | undefined {
  let n = unwrap(node);
  for (;;) {
    if (ts.isCallExpression(n)) n = unwrap(n.expression);
    else if (ts.isPropertyAccessExpression(n)) n = unwrap(n.expression);
    else return ts.isIdentifier(n) ? n : undefined;
  }
}

/** The whole chain a call sits in: `z.string().default('x').describe('…')` from the `.default(…)` call. */
function chainTop(node: ts.Node): ts.Node {
  let n = node;
  for (;;) {
    const p = n.parent;
    if ((ts.isPropertyAccessExpression(p) || ts.isCallExpression(p)) && p.expression === n) n = p;
    else return n;
  }
}

/** The env-var key of the property whose value is `value`: `JWT_SECRET: z.string()…` → JWT_SECRET. */
function schemaKey(value: ts.Node): { key: string; prop: ts.PropertyAssignment } | undefined {
  const prop = outer(value).parent;
  if (!prop || !ts.isPropertyAssignment(prop) || outer(prop.initializer) !== outer(value)) return undefined;
  const key = ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name) ? prop.name.text : undefined;
  if (!key || !/^[A-Z][A-Z0-9_]*$/.test(key)) return undefined; // env schemas use env var names
  return isEnvSchema(prop.parent) ? { key, prop } : undefined;
}

/**
 * The object literal is an env schema: `z.object({...})` (and `.extend/.merge`), Joi `object/keys`, yup
 * `object/shape`, t3-env `createEnv({ server: {...} })`, envalid `cleanEnv(process.env, {...})`, `envsafe({...})`.
 */
function isEnvSchema(obj: ts.Node): boolean {
  if (!ts.isObjectLiteralExpression(obj)) return false;
  const parent = obj.parent;
  if (ts.isCallExpression(parent)) {
    const name = dottedName(parent.expression) ?? '';
    return /(^|\.)(object|strictObject|looseObject|extend|merge|keys|shape|cleanEnv|envsafe)$/.test(name);
  }
  if (ts.isPropertyAssignment(parent) && ts.isObjectLiteralExpression(parent.parent)) {
    const call = parent.parent.parent;
    return ts.isCallExpression(call) && /(^|\.)createEnv$/.test(dottedName(call.expression) ?? '');
  }
  return false;
}

/**
 * Names a schema default needs (a `codeHint`): `default` (the `.default()` call or envalid's `default:` key), the
 * schema call around the object (`isEnvSchema`), and a zod/Joi/yup root (SCHEMA_ROOTS) or an envalid validator.
 */
function mayHaveSchemaDefault(ids: CodeNames): boolean {
  return ids.has('default') && hasAnyName(ids, SCHEMA_CALLS) && hasAnyName(ids, SCHEMA_VALUES);
}
const SCHEMA_CALLS = ['object', 'strictObject', 'looseObject', 'extend', 'merge', 'keys', 'shape', 'cleanEnv', 'envsafe', 'createEnv'];
const SCHEMA_VALUES = ['z', 'zod', 'Joi', 'joi', 'yup', 'Yup', 'str', 'email', 'host', 'url', 'json'];


const FIX_TITLE = 'Remove the fallback and fail fast when the variable is missing';

export default defineRule({
  id: 'fallback-secret',
  title: 'Secret with a hard-coded fallback',
  summary: 'A secret read from the environment falls back to a hard-coded value when the variable is missing.',
  severity: 'error',
  kinds: ['code', 'next.config'],
  scope: 'file',
  checklist: '003 §1.2',
  fixable: true,
  hasSuggestions: true,
  messages: {
    fallback: 'Secret "{{name}}" falls back to a hard-coded value when it is not set.',
    credentials: '"{{name}}" falls back to a connection string with a hard-coded password.',
    schemaDefault: 'Secret "{{name}}" has a hard-coded default in the env schema.',
  },
  options: {
    extraSecretNames: {
      type: 'string[]',
      default: [],
      description: 'Regular expressions (case-insensitive) for more names that hold secrets, e.g. "^LEDGER_SEAL$".',
    },
  },
  // an env read (`mayReadEnv`: every fallback, ternary, destructuring default and `get('X', 'dev')` judged needs one), or
  // a schema default: `.default()` of a zod/Joi/yup chain or an envalid `{ default }`, in a schema object (isEnvSchema's callees)
  codeHint: (ids, text) => mayReadEnv(ids, text) || mayHaveSchemaDefault(ids),
  check(ctx) {
    const extra = (ctx.options.extraSecretNames as readonly string[] | undefined) ?? [];
    let facts: FileFacts | undefined;
    const file = (): FileFacts => (facts ??= fileFacts(ctx.sourceFile));
    const read = (n: ts.Node): EnvRead | undefined => envRead(peel(n), file().aliases, file().statics);
    const secret = (name: string | undefined): boolean => !!name && !isTestName(name) && isSecretName(name, { extraPatterns: extra });

    /** A string literal, or an identifier naming a top-level string constant. */
    function fallbackOf(node: ts.Node): Fallback | undefined {
      const n = unwrap(node);
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return { node: n, text: n.text };
      if (ts.isIdentifier(n)) {
        const v = file().constants.get(n.text);
        if (v !== undefined) return { node: n, text: v };
      }
      return undefined;
    }

    /**
     * Judge one fallback against the env reads before it. An empty (or blank) fallback is not a usable
     * secret: the code fails or checks it, so it stays quiet.
     */
    function judge(reads: readonly EnvRead[], fb: Fallback, fix: () => Fix | undefined, suggestions?: () => Fix[] | undefined): void {
      if (!reads.length || fb.text.trim() === '') return;
      const names = reads.map((r) => r.name).filter((n): n is string => !!n);
      const secretName = names.find(secret);
      if (secretName) {
        ctx.report({ node: fb.node, messageId: 'fallback', data: { name: secretName }, fix: fix(), suggestions: suggestions?.() });
      } else if (embedsCredentials(fb.text) && !(names.length && names.every(isTestName))) {
        ctx.report({ node: fb.node, messageId: 'credentials', data: { name: names[0] ?? 'the variable' }, fix: fix(), suggestions: suggestions?.() });
      }
    }

    /** A schema default on an env key: the secret or the credentials in it. */
    function judgeSchema(key: string, fb: Fallback, fix: () => Fix | undefined): void {
      if (fb.text.trim() === '') return;
      if (secret(key)) ctx.report({ node: fb.node, messageId: 'schemaDefault', data: { name: key }, fix: fix() });
      else if (embedsCredentials(fb.text) && !isTestName(key)) ctx.report({ node: fb.node, messageId: 'credentials', data: { name: key } });
    }

    return {
      BinaryExpression(node: ts.BinaryExpression) {
        const op = node.operatorToken.kind;
        if (isFallbackAssignOp(op)) {
          // process.env.SESSION_SECRET ??= 'dev'
          const r = read(node.left);
          const fb = fallbackOf(node.right);
          if (file().harness || !r || !fb) return;
          judge([r], fb, () => replaceStatementFix(ctx, node, node.left, [r]));
          return;
        }
        if (!isFallbackOp(op)) return;
        // only the top of a chain
        const top = outer(node);
        if (ts.isBinaryExpression(top.parent) && isFallbackOp(top.parent.operatorToken.kind)) return;
        const ops = chainOperands(node);
        const fb = fallbackOf(ops[ops.length - 1]);
        if (!fb || file().harness) return;
        const reads = ops.slice(0, -1).map(read).filter((r): r is EnvRead => !!r);
        // something else sits in the chain (`env.A || computeDefault() || 'x'`): judge only if an env read starts it
        if (reads.length !== ops.length - 1 && !read(ops[0])) return;
        judge(reads, fb, () => chainFix(ctx, node, ops, reads, read));
      },
      ConditionalExpression(node: ts.ConditionalExpression) {
        // process.env.X ? process.env.X : 'lit'  /  !process.env.X ? 'lit' : process.env.X
        // process.env.X !== undefined ? process.env.X : 'lit'  /  typeof process.env.X === 'string' ? … : …
        let cond = unwrap(node.condition);
        let negate = false;
        while (ts.isPrefixUnaryExpression(cond) && cond.operator === ts.SyntaxKind.ExclamationToken) {
          negate = !negate;
          cond = unwrap(cond.operand);
        }
        if (ts.isBinaryExpression(cond)) {
          const k = cond.operatorToken.kind;
          const eq = k === ts.SyntaxKind.EqualsEqualsEqualsToken || k === ts.SyntaxKind.EqualsEqualsToken;
          const ne = k === ts.SyntaxKind.ExclamationEqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsToken;
          if (!eq && !ne) return;
          const sides = [cond.left, cond.right];
          const probe = sides.find((s) => isEmptyProbe(s) === undefined);
          const other = sides.find((s) => s !== probe);
          if (!probe || !other) return;
          const kind = isEmptyProbe(other);
          if (kind === undefined || (kind === 'string' && !ts.isTypeOfExpression(unwrap(probe)))) return;
          // `X !== undefined` / `typeof X !== 'undefined'` / `typeof X === 'string'`: true when set
          const trueWhenSet = kind === 'string' ? eq : ne;
          if (!trueWhenSet) negate = !negate;
          cond = ts.isTypeOfExpression(unwrap(probe)) ? unwrap((unwrap(probe) as ts.TypeOfExpression).expression) : unwrap(probe);
        }
        const whenSet = negate ? node.whenFalse : node.whenTrue;
        const whenUnset = negate ? node.whenTrue : node.whenFalse;
        const r = read(cond);
        const fb = fallbackOf(whenUnset);
        const setRead = read(whenSet);
        if (!r || !fb || !setRead || file().harness) return;
        judge([r], fb, () => ternaryFix(ctx, node, whenSet, [r]));
      },
      BindingElement(node: ts.BindingElement) {
        // const { JWT_SECRET = 'dev' } = process.env
        if (!node.initializer || !ts.isObjectBindingPattern(node.parent)) return;
        const fb = fallbackOf(node.initializer);
        if (!fb) return;
        const decl = node.parent.parent;
        if (!ts.isVariableDeclaration(decl) || !decl.initializer || file().harness) return;
        if (!isEnvObject(decl.initializer, file().aliases)) return;
        const key = node.propertyName ? (ts.isIdentifier(node.propertyName) || ts.isStringLiteral(node.propertyName) ? node.propertyName.text : undefined) : ts.isIdentifier(node.name) ? node.name.text : undefined;
        if (!key) return;
        judge([{ name: key, node: decl.initializer }], fb, () => bindingFix(ctx, node, key));
      },
      CallExpression(node: ts.CallExpression) {
        const callee = unwrap(node.expression);
        // configService.get('JWT_SECRET', 'dev'), Env.get('APP_KEY', 'dev'), getEnv('JWT_SECRET', 'dev')
        if (node.arguments.length >= 2) {
          const fb = fallbackOf(node.arguments[1]);
          const r = fb && read(node);
          if (fb && r) {
            if (!file().harness) judge([r], fb, () => undefined, () => getOrThrowSuggestion(ctx, node));
            return;
          }
        }
        if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'default' || node.arguments.length !== 1) {
          envalidDefault(node);
          return;
        }
        // z.string().default('dev-secret') / Joi.string().default('x') in an env schema
        const fb = fallbackOf(node.arguments[0]);
        if (!fb) return;
        const root = chainRoot(callee.expression);
        if (!root || !SCHEMA_ROOTS.test(root.text)) return;
        const at = schemaKey(chainTop(node));
        if (!at || file().harness) return;
        judgeSchema(at.key, fb, () => schemaDefaultFix(ctx, node, callee, root.text));
      },
    };

    /** envalid / envsafe: `JWT_SECRET: str({ default: 'dev' })` (`devDefault` is development-only: fine). */
    function envalidDefault(node: ts.CallExpression): void {
      if (node.arguments.length !== 1) return;
      const callee = unwrap(node.expression);
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      if (!/^(str|email|host|url|json)$/.test(name)) return;
      const arg = unwrap(node.arguments[0]);
      if (!ts.isObjectLiteralExpression(arg)) return;
      const prop = arg.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === 'default');
      const fb = prop && fallbackOf(prop.initializer);
      if (!prop || !fb) return;
      const at = schemaKey(node);
      if (!at || file().harness) return;
      judgeSchema(at.key, fb, () => ({
        title: 'Remove the default so a missing variable fails validation',
        edits: arg.properties.length === 1 ? [{ start: arg.getStart(ctx.sourceFile), end: arg.getEnd(), text: '' }] : removeProperty(ctx.sourceFile, ctx.lines, prop),
      }));
    }
  },
});

/** `undefined`, `null`, `void 0`, `''`: what an unset variable compares to. 'string' for `'string'` (typeof). */
function isEmptyProbe(node: ts.Node): 'empty' | 'string' | undefined {
  const n = unwrap(node);
  if (ts.isIdentifier(n) && n.text === 'undefined') return 'empty';
  if (n.kind === ts.SyntaxKind.NullKeyword) return 'empty';
  if (ts.isVoidExpression(n)) return 'empty';
  const s = stringValue(n);
  if (s === '' || s === 'undefined') return 'empty';
  if (s === 'string') return 'string';
  return undefined;
}

/** The statement that declares exactly this one variable, when it sits directly in a block or the file. */
function soleDeclarationStatement(decl: ts.VariableDeclaration): ts.VariableStatement | undefined {
  const list = decl.parent;
  if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1) return undefined;
  const st = list.parent;
  if (!ts.isVariableStatement(st)) return undefined;
  return atStatementLevel(st) ? st : undefined;
}

function atStatementLevel(st: ts.Statement): boolean {
  const c = st.parent;
  return ts.isSourceFile(c) || ts.isBlock(c) || ts.isModuleBlock(c) || ts.isCaseClause(c) || ts.isDefaultClause(c);
}

function throwStatement(ctx: RuleContext, condition: string, envNames: readonly string[], fallbackName: string): string {
  const what = envNames.length ? envNames.join(' or ') : fallbackName;
  return `if (!${condition}) throw new Error(${ctx.style.str(`${what} must be set`)})${ctx.style.semicolons ? ';' : ''}`;
}

/** Insert a line after the statement (after a trailing `// comment` on its line, if any). */
function throwAfter(ctx: RuleContext, st: ts.Statement, line: string): TextEdit {
  const text = ctx.file.text;
  let at = st.getEnd();
  const lineEnd = ctx.lines.lineEnd(ctx.lines.lineOf(at));
  const rest = text.slice(at, lineEnd);
  if (/^\s*(\/\/.*|\/\*.*\*\/\s*)?$/.test(rest)) at = lineEnd;
  const indent = ctx.style.indentAt(st.getStart(ctx.sourceFile));
  return { start: at, end: at, text: `${ctx.style.eol}${indent}${line}` };
}

function names(reads: readonly EnvRead[]): string[] {
  return reads.map((r) => r.name).filter((n): n is string => !!n);
}

/**
 * `const s = process.env.A || process.env.B || 'lit'` → `const s = process.env.A || process.env.B`
 * followed by `if (!s) throw new Error('A or B must be set')` (the checklist's own fix). Only for a
 * sole, untyped const/let declaration whose initializer is the chain itself. Also
 * `process.env.X = process.env.X || 'lit'` as a statement → `if (!process.env.X) throw …`.
 */
function chainFix(ctx: RuleContext, chain: ts.BinaryExpression, ops: ts.Expression[], reads: EnvRead[], read: (n: ts.Node) => EnvRead | undefined): Fix | undefined {
  if (reads.length !== ops.length - 1) return undefined;
  const top = outer(chain);
  const parent = top.parent;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === top && ops.length === 2) {
    const target = read(parent.left);
    if (target?.name && target.name === reads[0].name) return replaceStatementFix(ctx, parent, parent.left, reads);
    return undefined;
  }
  if (!ts.isVariableDeclaration(parent) || parent.initializer !== top || !ts.isIdentifier(parent.name) || parent.type) return undefined;
  const st = soleDeclarationStatement(parent);
  if (!st) return undefined;
  const prev = ops[ops.length - 2];
  const lit = ops[ops.length - 1];
  return {
    title: FIX_TITLE,
    edits: [{ start: prev.getEnd(), end: lit.getEnd(), text: '' }, throwAfter(ctx, st, throwStatement(ctx, parent.name.text, names(reads), parent.name.text))],
  };
}

/** `const s = process.env.X ? process.env.X : 'lit'` → `const s = process.env.X` + the throw. */
function ternaryFix(ctx: RuleContext, node: ts.ConditionalExpression, whenSet: ts.Expression, reads: EnvRead[]): Fix | undefined {
  const top = outer(node);
  const decl = top.parent;
  if (!ts.isVariableDeclaration(decl) || decl.initializer !== top || !ts.isIdentifier(decl.name) || decl.type) return undefined;
  const st = soleDeclarationStatement(decl);
  if (!st) return undefined;
  return {
    title: FIX_TITLE,
    edits: [
      { start: top.getStart(ctx.sourceFile), end: top.getEnd(), text: whenSet.getText(ctx.sourceFile) },
      throwAfter(ctx, st, throwStatement(ctx, decl.name.text, names(reads), decl.name.text)),
    ],
  };
}

/** `process.env.X ??= 'lit';` (a statement of its own) → `if (!process.env.X) throw new Error('X must be set');`. */
function replaceStatementFix(ctx: RuleContext, expr: ts.BinaryExpression, target: ts.Expression, reads: EnvRead[]): Fix | undefined {
  const st = outer(expr).parent;
  if (!ts.isExpressionStatement(st) || !atStatementLevel(st)) return undefined;
  const targetText = target.getText(ctx.sourceFile);
  return {
    title: FIX_TITLE,
    edits: [{ start: st.getStart(ctx.sourceFile), end: st.getEnd(), text: throwStatement(ctx, targetText, names(reads), targetText) }],
  };
}

/** `const { JWT_SECRET = 'dev' } = process.env` → drop the default, throw when missing. */
function bindingFix(ctx: RuleContext, el: ts.BindingElement, key: string): Fix | undefined {
  const decl = el.parent.parent;
  if (!ts.isVariableDeclaration(decl) || !ts.isIdentifier(el.name) || decl.type) return undefined;
  const st = soleDeclarationStatement(decl);
  if (!st || !el.initializer) return undefined;
  return {
    title: FIX_TITLE,
    edits: [{ start: el.name.getEnd(), end: el.initializer.getEnd(), text: '' }, throwAfter(ctx, st, throwStatement(ctx, el.name.text, [key], key))],
  };
}

/**
 * A schema default on a secret: zod fields are required unless marked, so removing `.default(…)` makes a
 * missing variable fail validation at start; Joi and yup fields are optional, so `.default(…)` becomes
 * `.required()`. No fix when the chain is `.optional()`/`.nullish()`/`.nullable()` (removing the default would
 * leave the secret undefined instead of failing).
 */
function schemaDefaultFix(ctx: RuleContext, call: ts.CallExpression, callee: ts.PropertyAccessExpression, root: string): Fix | undefined {
  const chain = chainTop(call).getText(ctx.sourceFile);
  if (/\.\s*(optional|nullish|nullable)\s*\(/.test(chain)) return undefined;
  const zod = /^(z|zod)$/.test(root);
  const required = zod || /\.\s*required\s*\(/.test(chain) ? '' : '.required()';
  return {
    title: 'Remove the default so a missing variable fails validation',
    edits: [{ start: callee.expression.getEnd(), end: call.getEnd(), text: required }],
  };
}

/** NestJS: `configService.get('JWT_SECRET', 'dev')` → `configService.getOrThrow('JWT_SECRET')` (throws where it is read). */
function getOrThrowSuggestion(ctx: RuleContext, call: ts.CallExpression): Fix[] | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'get' || call.arguments.length !== 2) return undefined;
  if (!/config/i.test(dottedName(callee.expression) ?? '')) return undefined;
  return [
    {
      title: 'Use getOrThrow() so a missing variable fails instead of falling back',
      edits: [
        { start: callee.name.getStart(ctx.sourceFile), end: callee.name.getEnd(), text: 'getOrThrow' },
        { start: call.arguments[0].getEnd(), end: call.arguments[1].getEnd(), text: '' },
      ],
    },
  ];
}
