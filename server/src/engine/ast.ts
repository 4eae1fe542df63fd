import ts from 'typescript';
import type { CodeNames } from './types';

/** Strip parentheses, type assertions, `satisfies`, non-null `!` and `await`. */
export function unwrap(node: ts.Node): ts.Node {
  let n = node;
  // one switch on the kind (this runs for most nodes rules look at)
  for (;;) {
    switch (n.kind) {
      case ts.SyntaxKind.ParenthesizedExpression:
      case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.SatisfiesExpression:
      case ts.SyntaxKind.NonNullExpression:
      case ts.SyntaxKind.TypeAssertionExpression:
      case ts.SyntaxKind.AwaitExpression:
        n = (n as ts.ParenthesizedExpression).expression;
        continue;
      default:
        return n;
    }
  }
}

/** The text of a property name or element access key when it is static. */
export function staticName(name: ts.Node | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) return staticName(unwrap(name.expression));
  return undefined;
}

/** A string literal or a template without substitutions: its value. */
export function stringValue(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  return undefined;
}

/** `a.b.c` for identifiers, property accesses, `this`, element accesses with static keys; else undefined. */
export function dottedName(node: ts.Node): string | undefined {
  const n = unwrap(node);
  if (ts.isIdentifier(n)) return n.text;
  if (n.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isPropertyAccessExpression(n)) {
    const left = dottedName(n.expression);
    return left === undefined ? undefined : `${left}.${n.name.text}`;
  }
  if (ts.isElementAccessExpression(n)) {
    const key = staticName(n.argumentExpression);
    const left = dottedName(n.expression);
    return left === undefined || key === undefined ? undefined : `${left}.${key}`;
  }
  if (ts.isCallExpression(n)) {
    const left = dottedName(n.expression);
    return left === undefined ? undefined : `${left}()`;
  }
  return undefined;
}

/** The called name of a call: `axios.get(...)` → `axios.get`, `fetch(...)` → `fetch`. */
export function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  return dottedName(call.expression);
}

/** The last segment of a callee: `this.http.get` → `get`. */
export function calleeMethod(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const e = unwrap(call.expression);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isElementAccessExpression(e)) return staticName(e.argumentExpression);
  return undefined;
}

/** The property assignment (or shorthand) named `name` in an object literal. */
export function getProperty(
  obj: ts.ObjectLiteralExpression,
  name: string,
): ts.PropertyAssignment | ts.ShorthandPropertyAssignment | ts.MethodDeclaration | undefined {
  for (const p of obj.properties) {
    if (
      (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) || ts.isMethodDeclaration(p)) &&
      staticName(p.name) === name
    ) {
      return p;
    }
  }
  return undefined;
}

/** The value expression of a property named `name` (the identifier itself for shorthand). */
export function getPropertyValue(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  const p = getProperty(obj, name);
  if (!p) return undefined;
  if (ts.isPropertyAssignment(p)) return p.initializer;
  if (ts.isShorthandPropertyAssignment(p)) return p.name;
  return undefined;
}

export function hasSpread(obj: ts.ObjectLiteralExpression): boolean {
  return obj.properties.some((p) => ts.isSpreadAssignment(p));
}

export function findAncestor<T extends ts.Node>(node: ts.Node, test: (n: ts.Node) => n is T): T | undefined;
export function findAncestor(node: ts.Node, test: (n: ts.Node) => boolean): ts.Node | undefined;
export function findAncestor(node: ts.Node, test: (n: ts.Node) => boolean): ts.Node | undefined {
  let n: ts.Node | undefined = node.parent;
  while (n) {
    if (test(n)) return n;
    n = n.parent;
  }
  return undefined;
}

/** The nearest enclosing function-like node. */
export function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  return findAncestor(node, (n): n is ts.SignatureDeclaration => ts.isFunctionLike(n)) as ts.SignatureDeclaration | undefined;
}

/** Walk every descendant (raw nodes, no wrappers). Return `true` from `visit` to skip a subtree. */
export function walk(node: ts.Node, visit: (n: ts.Node) => boolean | void): void {
  const rec = (n: ts.Node): void => {
    if (visit(n) === true) return;
    ts.forEachChild(n, rec);
  };
  ts.forEachChild(node, rec);
}

/** Does any descendant satisfy `test`? */
export function someDescendant(node: ts.Node, test: (n: ts.Node) => boolean): boolean {
  let found = false;
  const rec = (n: ts.Node): void => {
    if (found) return;
    if (test(n)) {
      found = true;
      return;
    }
    ts.forEachChild(n, rec);
  };
  ts.forEachChild(node, rec);
  return found;
}

/** Does the file's directive prologue contain `directive` (`'use client'`, `'use server'`, `'use strict'`)? */
export function hasDirective(sf: ts.SourceFile, directive: string): boolean {
  for (const st of sf.statements) {
    if (ts.isExpressionStatement(st) && ts.isStringLiteral(st.expression)) {
      if (st.expression.text === directive) return true;
      continue;
    }
    break;
  }
  return false;
}

/** Is the file a client component / browser module (`'use client'` directive)? */
export function isUseClient(sf: ts.SourceFile): boolean {
  return hasDirective(sf, 'use client');
}

/** The binding name introduced by a variable declaration with a plain identifier. */
export function declaredName(node: ts.Node): string | undefined {
  if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) return node.name.text;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Development / test gating: code that only runs outside production is out of scope for every rule.

const NON_PROD_ENVS = new Set(['development', 'dev', 'test', 'testing', 'local']);

/** For a condition, which environments make it true: 'nonprod' (dev/test only), 'prod', or unknown. */
function conditionEnv(cond: ts.Node): 'nonprod' | 'prod' | undefined {
  const c = unwrap(cond);
  if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = conditionEnv(c.operand);
    return inner === 'nonprod' ? 'prod' : inner === 'prod' ? 'nonprod' : undefined;
  }
  if (ts.isBinaryExpression(c)) {
    const op = c.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) {
      // a && b is true only when both are: if either side is non-prod only, so is the whole.
      const l = conditionEnv(c.left);
      const r = conditionEnv(c.right);
      if (l === 'nonprod' || r === 'nonprod') return 'nonprod';
      return undefined;
    }
    if (op === ts.SyntaxKind.BarBarToken) {
      const l = conditionEnv(c.left);
      const r = conditionEnv(c.right);
      return l === 'nonprod' && r === 'nonprod' ? 'nonprod' : undefined;
    }
    const eq = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
    const ne = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    if (!eq && !ne) return undefined;
    const envSide = isNodeEnvRead(c.left) ? c.right : isNodeEnvRead(c.right) ? c.left : undefined;
    if (!envSide) return undefined;
    const value = stringValue(envSide);
    if (value === undefined) return undefined;
    const nonprod = NON_PROD_ENVS.has(value.toLowerCase());
    const prod = value.toLowerCase() === 'production' || value.toLowerCase() === 'prod';
    if (eq) return nonprod ? 'nonprod' : prod ? 'prod' : undefined;
    return prod ? 'nonprod' : undefined;
  }
  // isDev / isDevelopment / __DEV__ / import.meta.env.DEV
  const name = dottedName(c);
  if (name && /(^|\.)(__DEV__|isDev|isDevelopment|IS_DEV|isTest|IS_TEST|DEV)$/.test(name)) return 'nonprod';
  if (name && /(^|\.)(isProd|isProduction|IS_PROD|IS_PRODUCTION|PROD)$/.test(name)) return 'prod';
  return undefined;
}

function isNodeEnvRead(node: ts.Node): boolean {
  const name = dottedName(node);
  return !!name && /(^|\.)(NODE_ENV|APP_ENV|ENVIRONMENT|VERCEL_ENV|MODE|ENV)$/.test(name) && /env\./i.test(name);
}

/**
 * Is the node inside a branch that only runs in development or test?
 * `if (process.env.NODE_ENV === 'development') {…}`, the else-branch of `!== 'development'`,
 * `isDev ? x : y` (x), `NODE_ENV !== 'production' && x`.
 */
export function isDevGated(node: ts.Node): boolean {
  let child: ts.Node = node;
  let n: ts.Node | undefined = node.parent;
  while (n) {
    if (ts.isIfStatement(n) && child !== n.expression) {
      const env = conditionEnv(n.expression);
      if (child === n.thenStatement && env === 'nonprod') return true;
      if (child === n.elseStatement && env === 'prod') return true;
    } else if (ts.isConditionalExpression(n) && child !== n.condition) {
      const env = conditionEnv(n.condition);
      if (child === n.whenTrue && env === 'nonprod') return true;
      if (child === n.whenFalse && env === 'prod') return true;
    } else if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken &&
      child === n.right &&
      conditionEnv(n.left) === 'nonprod'
    ) {
      return true;
    }
    if (ts.isSourceFile(n)) return false;
    child = n;
    n = n.parent;
  }
  return false;
}

/** Does the file's name table (a `codeHint`'s `ids`) hold any of these names? */
export function hasAnyName(ids: CodeNames, names: Iterable<string>): boolean {
  for (const n of names) if (ids.has(n)) return true;
  return false;
}
