import {
  defineRule,
  dottedName,
  findAncestor,
  ts,
  unwrap,
  type Fix,
  type RuleContext,
} from '../../server/src/engine/api';
import { envAliases, envRead, type EnvRead } from '../_lib/envReads';
import { embedsCredentials, isSecretName } from '../_lib/secretNames';

type Literal = ts.StringLiteral | ts.NoSubstitutionTemplateLiteral;

function literalOf(node: ts.Node): Literal | undefined {
  const n = unwrap(node);
  return ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) ? n : undefined;
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

function isFallbackOp(k: ts.SyntaxKind): boolean {
  return k === ts.SyntaxKind.BarBarToken || k === ts.SyntaxKind.QuestionQuestionToken;
}

export default defineRule({
  id: 'fallback-secret',
  title: 'Secret with a hard-coded fallback',
  summary: 'A secret read from the environment falls back to a hard-coded value when the variable is missing.',
  severity: 'error',
  kinds: ['code', 'next.config'],
  scope: 'file',
  checklist: '003 §1.2',
  fixable: true,
  hasSuggestions: false,
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
  textHint: /\benv\b|[cC]onfig\w*\s*\.\s*get\b|getEnv|readEnv|\.default\(/,
  check(ctx) {
    const extra = (ctx.options.extraSecretNames as readonly string[] | undefined) ?? [];
    let aliases: Set<string> | undefined;
    const read = (n: ts.Node): EnvRead | undefined => envRead(n, (aliases ??= envAliases(ctx.sourceFile)));
    const secret = (name: string | undefined): boolean => !!name && isSecretName(name, { extraPatterns: extra });

    /** Judge one fallback literal against the env reads before it. */
    function judge(reads: EnvRead[], lit: Literal, fix: () => Fix | undefined): void {
      if (!reads.length || lit.text === '') return;
      const names = reads.map((r) => r.name).filter((n): n is string => !!n);
      const secretName = names.find(secret);
      if (secretName) {
        ctx.report({ node: lit, messageId: 'fallback', data: { name: secretName }, fix: fix() });
      } else if (embedsCredentials(lit.text)) {
        ctx.report({ node: lit, messageId: 'credentials', data: { name: names[0] ?? 'the variable' }, fix: fix() });
      }
    }

    return {
      BinaryExpression(node: ts.BinaryExpression) {
        if (!isFallbackOp(node.operatorToken.kind)) return;
        // only the top of a chain
        let top: ts.Node = node;
        while (ts.isParenthesizedExpression(top.parent)) top = top.parent;
        if (ts.isBinaryExpression(top.parent) && isFallbackOp(top.parent.operatorToken.kind)) return;
        const ops = chainOperands(node);
        const last = ops[ops.length - 1];
        const lit = literalOf(last);
        if (!lit) return;
        const reads = ops.slice(0, -1).map(read).filter((r): r is EnvRead => !!r);
        if (reads.length !== ops.length - 1) {
          // something else sits in the chain (`env.A || computeDefault() || 'x'`): judge only if an env read starts it
          if (!reads.length || !read(ops[0])) return;
        }
        judge(reads, lit, () => declarationFix(ctx, node, ops, reads));
      },
      ConditionalExpression(node: ts.ConditionalExpression) {
        // process.env.X ? process.env.X : 'lit'   /   !process.env.X ? 'lit' : process.env.X
        let cond = unwrap(node.condition);
        let whenSet = node.whenTrue;
        let whenUnset = node.whenFalse;
        if (ts.isPrefixUnaryExpression(cond) && cond.operator === ts.SyntaxKind.ExclamationToken) {
          cond = unwrap(cond.operand);
          [whenSet, whenUnset] = [whenUnset, whenSet];
        }
        const r = read(cond);
        const lit = literalOf(whenUnset);
        if (!r || !lit || !read(whenSet)) return;
        judge([r], lit, () => undefined);
      },
      BindingElement(node: ts.BindingElement) {
        // const { JWT_SECRET = 'dev' } = process.env
        if (!node.initializer || !ts.isObjectBindingPattern(node.parent)) return;
        const lit = literalOf(node.initializer);
        if (!lit) return;
        const decl = node.parent.parent;
        if (!ts.isVariableDeclaration(decl) || !decl.initializer) return;
        const init = unwrap(decl.initializer);
        const aliasSet = (aliases ??= envAliases(ctx.sourceFile));
        const isEnv =
          (ts.isPropertyAccessExpression(init) && init.name.text === 'env' && (dottedName(init.expression) === 'process' || ts.isMetaProperty(unwrap(init.expression)))) ||
          (ts.isIdentifier(init) && aliasSet.has(init.text));
        if (!isEnv) return;
        const key = node.propertyName ? (ts.isIdentifier(node.propertyName) || ts.isStringLiteral(node.propertyName) ? node.propertyName.text : undefined) : ts.isIdentifier(node.name) ? node.name.text : undefined;
        if (!key) return;
        judge([{ name: key, node: init }], lit, () => bindingFix(ctx, node, key));
      },
      CallExpression(node: ts.CallExpression) {
        const callee = unwrap(node.expression);
        // configService.get('JWT_SECRET', 'dev'), getEnv('JWT_SECRET', 'dev')
        if (node.arguments.length >= 2) {
          const r = read(node);
          const lit = literalOf(node.arguments[1]);
          if (r && lit) {
            judge([r], lit, () => undefined);
            return;
          }
        }
        // z.string().default('dev-secret') in an env schema
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'default' && node.arguments.length === 1) {
          const lit = literalOf(node.arguments[0]);
          if (!lit || lit.text === '') return;
          if (!/\bz\s*\.\s*(string|coerce)/.test(callee.expression.getText(ctx.sourceFile))) return;
          const prop = findAncestor(node, (n) => ts.isPropertyAssignment(n) || ts.isBlock(n) || ts.isSourceFile(n));
          if (!prop || !ts.isPropertyAssignment(prop) || unwrap(prop.initializer) !== node) return;
          const key = ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name) ? prop.name.text : undefined;
          if (!key || !/^[A-Z][A-Z0-9_]*$/.test(key)) return; // env schemas use env var names
          if (!isEnvSchema(prop.parent)) return;
          if (secret(key)) {
            ctx.report({
              node: lit,
              messageId: 'schemaDefault',
              data: { name: key },
              fix: { title: 'Remove the default so a missing variable fails validation', edits: [{ start: callee.expression.getEnd(), end: node.getEnd(), text: '' }] },
            });
          } else if (embedsCredentials(lit.text)) {
            ctx.report({ node: lit, messageId: 'credentials', data: { name: key } });
          }
        }
      },
    };
  },
});

/** The object literal is the shape of `z.object({...})`, t3 `createEnv({ server: {...} })`, or similar. */
function isEnvSchema(obj: ts.Node): boolean {
  if (!ts.isObjectLiteralExpression(obj)) return false;
  const parent = obj.parent;
  if (ts.isCallExpression(parent)) {
    const name = dottedName(parent.expression) ?? '';
    return /(^|\.)(object|strictObject|looseObject|extend|merge)$/.test(name);
  }
  if (ts.isPropertyAssignment(parent) && ts.isObjectLiteralExpression(parent.parent)) {
    const call = parent.parent.parent;
    return ts.isCallExpression(call) && /(^|\.)createEnv$/.test(dottedName(call.expression) ?? '');
  }
  return false;
}

/** The statement that declares exactly this one variable, when it sits directly in a block or the file. */
function soleDeclarationStatement(decl: ts.VariableDeclaration): ts.VariableStatement | undefined {
  const list = decl.parent;
  if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1) return undefined;
  const st = list.parent;
  if (!ts.isVariableStatement(st)) return undefined;
  const container = st.parent;
  if (!(ts.isSourceFile(container) || ts.isBlock(container) || ts.isModuleBlock(container) || ts.isCaseClause(container) || ts.isDefaultClause(container))) return undefined;
  return st;
}

function throwLine(ctx: RuleContext, st: ts.Statement, variable: string, envNames: string[]): { start: number; end: number; text: string } {
  const { style } = ctx;
  const indent = style.indentAt(st.getStart(ctx.sourceFile));
  const what = envNames.length ? envNames.join(' or ') : variable;
  const line = `if (!${variable}) throw new Error(${style.str(`${what} must be set`)})${style.semicolons ? ';' : ''}`;
  const at = st.getEnd();
  return { start: at, end: at, text: `${style.eol}${indent}${line}` };
}

/**
 * `const s = process.env.A || process.env.B || 'lit'` → `const s = process.env.A || process.env.B`
 * followed by `if (!s) throw new Error('A or B must be set')` (the checklist's own fix). Only for a
 * sole, untyped const/let declaration whose initializer is the chain itself.
 */
function declarationFix(ctx: RuleContext, chain: ts.BinaryExpression, ops: ts.Expression[], reads: EnvRead[]): Fix | undefined {
  let top: ts.Node = chain;
  while (ts.isParenthesizedExpression(top.parent)) top = top.parent;
  const decl = top.parent;
  if (!ts.isVariableDeclaration(decl) || decl.initializer !== top || !ts.isIdentifier(decl.name) || decl.type) return undefined;
  if (reads.length !== ops.length - 1) return undefined;
  const st = soleDeclarationStatement(decl);
  if (!st) return undefined;
  const prev = ops[ops.length - 2];
  const lit = ops[ops.length - 1];
  const names = reads.map((r) => r.name).filter((n): n is string => !!n);
  return {
    title: 'Remove the fallback and fail fast when the variable is missing',
    edits: [{ start: prev.getEnd(), end: lit.getEnd(), text: '' }, throwLine(ctx, st, decl.name.text, names)],
  };
}

/** `const { JWT_SECRET = 'dev' } = process.env` → drop the default, throw when missing. */
function bindingFix(ctx: RuleContext, el: ts.BindingElement, key: string): Fix | undefined {
  const decl = el.parent.parent;
  if (!ts.isVariableDeclaration(decl) || !ts.isIdentifier(el.name) || decl.type) return undefined;
  const st = soleDeclarationStatement(decl);
  if (!st || !el.initializer) return undefined;
  return {
    title: 'Remove the fallback and fail fast when the variable is missing',
    edits: [{ start: el.name.getEnd(), end: el.initializer.getEnd(), text: '' }, throwLine(ctx, st, el.name.text, [key])],
  };
}

