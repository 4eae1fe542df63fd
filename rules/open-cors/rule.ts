import {
  calleeMethod,
  defineRule,
  dottedName,
  getProperty,
  hasSpread,
  insertProperty,
  isUseClient,
  someDescendant,
  staticName,
  stringValue,
  ts,
  unwrap,
  type Fix,
  type RuleContext,
} from '../../server/src/engine/api';
import { envAliases, envRead } from '../_lib/envReads';

/** CORS middleware packages whose `origin` option accepts an array (so the allowlist fix is valid). */
const CORS_PACKAGES: Record<string, { arrayOrigin: boolean; defaultOpen: boolean }> = {
  cors: { arrayOrigin: true, defaultOpen: true },
  'hono/cors': { arrayOrigin: true, defaultOpen: true },
  '@koa/cors': { arrayOrigin: false, defaultOpen: true },
  'koa-cors': { arrayOrigin: false, defaultOpen: true },
  '@fastify/cors': { arrayOrigin: true, defaultOpen: true },
  'fastify-cors': { arrayOrigin: true, defaultOpen: true },
  '@elysiajs/cors': { arrayOrigin: true, defaultOpen: true },
};

const ACAO = 'access-control-allow-origin';
const ACAC = 'access-control-allow-credentials';

type Verdict =
  | { kind: 'wildcard' }
  | { kind: 'true' }
  | { kind: 'acceptAll' }
  | { kind: 'fallback'; operand: ts.Expression; value: string; name: string };

export default defineRule({
  id: 'open-cors',
  title: 'CORS open to every origin',
  summary: 'CORS is configured to accept requests from every origin instead of an allowlist.',
  severity: 'error',
  kinds: ['code', 'next.config'],
  scope: 'file',
  checklist: '003 §1.3',
  fixable: true,
  hasSuggestions: false,
  messages: {
    open: '{{what}}, so every origin is allowed.',
    openWithCredentials: '{{what}}, so every origin is allowed with credentials: any site can make authenticated requests.',
    reflectedWithCredentials: "The request's Origin is reflected into Access-Control-Allow-Origin with credentials allowed.",
  },
  textHint: /cors|Access-Control-Allow-Origin/i,
  check(ctx) {
    const sf = ctx.sourceFile;
    if (isUseClient(sf)) return;
    // local name → package, for the CORS middlewares imported in this file
    const corsNames = new Map<string, string>();
    const constInits = new Map<string, ts.Expression>();
    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && CORS_PACKAGES[st.moduleSpecifier.text]) {
        const pkg = st.moduleSpecifier.text;
        const clause = st.importClause;
        if (clause?.name) corsNames.set(clause.name.text, pkg);
        const b = clause?.namedBindings;
        if (b && ts.isNamedImports(b)) for (const el of b.elements) corsNames.set(el.name.text, pkg);
        if (b && ts.isNamespaceImport(b)) corsNames.set(b.name.text, pkg);
      }
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          if (!d.initializer || !ts.isIdentifier(d.name)) continue;
          const init = unwrap(d.initializer);
          // const cors = require('cors')
          if (ts.isCallExpression(init) && dottedName(init.expression) === 'require' && CORS_PACKAGES[stringValue(init.arguments[0]) ?? '']) {
            corsNames.set(d.name.text, stringValue(init.arguments[0])!);
          } else if (st.declarationList.flags & ts.NodeFlags.Const) constInits.set(d.name.text, d.initializer);
        }
      }
    }
    let aliases: Set<string> | undefined;
    const isEnv = (n: ts.Node): string | undefined => {
      const r = envRead(n, (aliases ??= envAliases(sf)));
      return r ? (r.name ?? '') : undefined;
    };

    /** Follow a const identifier to its initializer (one level, same file). */
    const resolve = (e: ts.Expression): ts.Expression => {
      const u = unwrap(e) as ts.Expression;
      if (ts.isIdentifier(u)) {
        const init = constInits.get(u.text);
        if (init) return unwrap(init) as ts.Expression;
      }
      return u;
    };

    function originVerdict(value: ts.Expression): Verdict | undefined {
      const v = resolve(value);
      if (stringValue(v) === '*') return { kind: 'wildcard' };
      if (v.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'true' };
      if (ts.isBinaryExpression(v) && (v.operatorToken.kind === ts.SyntaxKind.BarBarToken || v.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
        const right = unwrap(v.right) as ts.Expression;
        const open = stringValue(right) === '*' ? '*' : right.kind === ts.SyntaxKind.TrueKeyword ? 'true' : undefined;
        if (open) {
          const name = isEnv(v.left) ?? dottedName(v.left) ?? 'the allowlist';
          return { kind: 'fallback', operand: right, value: open, name: name || 'the variable' };
        }
      }
      if (ts.isArrowFunction(v) || ts.isFunctionExpression(v)) return acceptsAll(v) ? { kind: 'acceptAll' } : undefined;
      return undefined;
    }

    const what = (v: Verdict): string => {
      switch (v.kind) {
        case 'wildcard':
          return 'CORS origin is "*"';
        case 'true':
          return 'CORS origin is true (any Origin is reflected)';
        case 'acceptAll':
          return 'The CORS origin callback never rejects an origin';
        case 'fallback':
          return `CORS origin falls back to ${v.value === '*' ? '"*"' : 'true'} when ${v.name} is not set`;
      }
    };

    /** Check an options object of a CORS middleware / socket.io / Nest. */
    function checkOptions(obj: ts.ObjectLiteralExpression, call: ts.Node, callName: string, arrayOrigin: boolean, missingIsOpen: boolean): void {
      const originProp = getProperty(obj, 'origin');
      const credentials = credentialsOn(obj);
      if (!originProp) {
        if (!missingIsOpen || hasSpread(obj)) return;
        ctx.report({
          node: call,
          messageId: credentials ? 'openWithCredentials' : 'open',
          data: { what: `${callName} options have no origin` },
          fix: arrayOrigin ? insertOriginFix(ctx, obj) : undefined,
        });
        return;
      }
      if (!ts.isPropertyAssignment(originProp)) return;
      const v = originVerdict(originProp.initializer);
      if (!v) return;
      ctx.report({
        node: originProp,
        messageId: credentials ? 'openWithCredentials' : 'open',
        data: { what: what(v) },
        fix: arrayOrigin ? originFix(ctx, originProp.initializer, v) : undefined,
      });
    }

    function checkCorsValue(value: ts.Expression, call: ts.Node, callName: string): void {
      // `cors: true` (Nest) or `cors: { origin: '*' }` (socket.io, Nest gateway)
      const v = unwrap(value);
      if (v.kind === ts.SyntaxKind.TrueKeyword) {
        ctx.report({ node: value, messageId: 'open', data: { what: `${callName} has cors: true` } });
      } else if (ts.isObjectLiteralExpression(v)) checkOptions(v, call, callName, true, false);
    }

    return {
      CallExpression(node: ts.CallExpression) {
        const callee = unwrap(node.expression);
        // cors(), cors({...}) for the imported middleware
        if (ts.isIdentifier(callee) && corsNames.has(callee.text)) {
          const pkg = CORS_PACKAGES[corsNames.get(callee.text)!];
          const arg = node.arguments[0] ? resolve(node.arguments[0]) : undefined;
          if (!arg) {
            ctx.report({ node, messageId: 'open', data: { what: `${callee.text}() is called without options` }, fix: pkg.arrayOrigin ? emptyCallFix(ctx, node) : undefined });
          } else if (ts.isObjectLiteralExpression(arg)) checkOptions(arg, node, `${callee.text}()`, pkg.arrayOrigin && arg === unwrap(node.arguments[0]), pkg.defaultOpen);
          return;
        }
        const method = calleeMethod(node);
        // fastify.register(cors, {...})
        if (method === 'register' && node.arguments[0]) {
          const plugin = unwrap(node.arguments[0]);
          const pkgName = ts.isIdentifier(plugin) ? corsNames.get(plugin.text) : ts.isCallExpression(plugin) && dottedName(plugin.expression) === 'require' ? stringValue(plugin.arguments[0]) : undefined;
          if (!pkgName || !CORS_PACKAGES[pkgName]) return;
          const opts = node.arguments[1] ? resolve(node.arguments[1]) : undefined;
          if (!opts) {
            ctx.report({ node, messageId: 'open', data: { what: 'The CORS plugin is registered without options' } });
          } else if (ts.isObjectLiteralExpression(opts)) checkOptions(opts, node, 'The CORS plugin', opts === unwrap(node.arguments[1]), true);
          return;
        }
        // Nest: app.enableCors() / app.enableCors({...})
        if (method === 'enableCors') {
          const opts = node.arguments[0] ? resolve(node.arguments[0]) : undefined;
          if (!opts) ctx.report({ node, messageId: 'open', data: { what: 'enableCors() is called without options' }, fix: emptyCallFix(ctx, node) });
          else if (ts.isObjectLiteralExpression(opts)) checkOptions(opts, node, 'enableCors()', opts === unwrap(node.arguments[0]), true);
          return;
        }
        // NestFactory.create(AppModule, { cors: true })
        if (method === 'create' && /NestFactory/.test(dottedName(node.expression) ?? '') && node.arguments[1]) {
          const opts = resolve(node.arguments[1]);
          if (ts.isObjectLiteralExpression(opts)) {
            const c = getProperty(opts, 'cors');
            if (c && ts.isPropertyAssignment(c)) checkCorsValue(c.initializer, c, 'NestFactory.create()');
          }
          return;
        }
        // WebSocketGateway({ cors: ... }) decorator
        if (ts.isIdentifier(callee) && callee.text === 'WebSocketGateway') {
          const opts = node.arguments.map((a) => resolve(a)).find(ts.isObjectLiteralExpression);
          const c = opts && getProperty(opts, 'cors');
          if (c && ts.isPropertyAssignment(c)) checkCorsValue(c.initializer, c, '@WebSocketGateway()');
          return;
        }
        // res.setHeader('Access-Control-Allow-Origin', value) and friends
        if (method && /^(setHeader|header|set|append|writeHead|appendHeader)$/.test(method) && node.arguments.length >= 2) {
          const name = stringValue(node.arguments[0]);
          if (name?.toLowerCase() !== ACAO) return;
          checkHeaderValue(node.arguments[1], node);
        }
      },
      NewExpression(node: ts.NewExpression) {
        // new Server(httpServer, { cors: { origin: '*' } }) (socket.io)
        const name = dottedName(node.expression);
        if (!name || !/(^|\.)Server$/.test(name) || !node.arguments) return;
        for (const a of node.arguments) {
          const opts = resolve(a);
          if (!ts.isObjectLiteralExpression(opts)) continue;
          const c = getProperty(opts, 'cors');
          if (c && ts.isPropertyAssignment(c)) checkCorsValue(c.initializer, c, 'The socket.io server');
        }
      },
      PropertyAssignment(node: ts.PropertyAssignment) {
        // { 'Access-Control-Allow-Origin': '*' } in a headers object
        if (staticName(node.name)?.toLowerCase() === ACAO) {
          checkHeaderValue(node.initializer, node);
          return;
        }
        // next.config headers(): { key: 'Access-Control-Allow-Origin', value: '*' }
        if (staticName(node.name) === 'key' && stringValue(node.initializer)?.toLowerCase() === ACAO && ts.isObjectLiteralExpression(node.parent)) {
          const value = getProperty(node.parent, 'value');
          if (value && ts.isPropertyAssignment(value)) checkHeaderValue(value.initializer, node.parent);
        }
      },
    };

    function checkHeaderValue(value: ts.Expression, at: ts.Node): void {
      const v = resolve(value);
      if (stringValue(v) === '*') {
        ctx.report({ node: at, messageId: 'open', data: { what: 'Access-Control-Allow-Origin is "*"' } });
        return;
      }
      const verdict = originVerdict(v);
      if (verdict?.kind === 'fallback' && verdict.value === '*') {
        ctx.report({ node: at, messageId: 'open', data: { what: `Access-Control-Allow-Origin falls back to "*" when ${verdict.name} is not set` } });
        return;
      }
      // The request's Origin reflected: a finding only with credentials and without an allowlist check.
      if (isRequestOrigin(v) && !insideAllowlistCheck(at) && setsCredentials(at)) {
        ctx.report({ node: at, messageId: 'reflectedWithCredentials' });
      }
    }
  },
});

function credentialsOn(obj: ts.ObjectLiteralExpression): boolean {
  const c = getProperty(obj, 'credentials');
  return !!c && ts.isPropertyAssignment(c) && unwrap(c.initializer).kind === ts.SyntaxKind.TrueKeyword;
}

/** `req.headers.origin`, `req.get('origin')`, `request.headers.get('origin')`, `ctx.get('Origin')`, `ctx.request.header.origin`. */
function isRequestOrigin(e: ts.Node): boolean {
  const n = unwrap(e);
  const name = dottedName(n);
  if (name && /\.(headers|header)\.origin$/i.test(name)) return true;
  if (ts.isElementAccessExpression(n) && staticName(n.argumentExpression)?.toLowerCase() === 'origin') return true;
  if (ts.isCallExpression(n) && /^(get|header)$/.test(calleeMethodOf(n)) && stringValue(n.arguments[0])?.toLowerCase() === 'origin') return true;
  return false;
}

function calleeMethodOf(call: ts.CallExpression): string {
  const e = unwrap(call.expression);
  return ts.isPropertyAccessExpression(e) ? e.name.text : ts.isIdentifier(e) ? e.text : '';
}

const CHECK_CALL = /^(includes|has|test|match|some|indexOf|find|endsWith|startsWith|isAllowed\w*|isOriginAllowed|allowed\w*|check\w*|verify\w*|validate\w*)$/;

function isCheck(n: ts.Node): boolean {
  if (ts.isIfStatement(n) || ts.isConditionalExpression(n) || ts.isSwitchStatement(n)) return true;
  if (ts.isBinaryExpression(n) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken].includes(n.operatorToken.kind)) {
    return true;
  }
  if (ts.isCallExpression(n) && CHECK_CALL.test(calleeMethodOf(n))) return true;
  return false;
}

/** An origin callback that accepts everything: no check anywhere, and it passes `true` or the origin back. */
function acceptsAll(fn: ts.ArrowFunction | ts.FunctionExpression): boolean {
  if (someDescendant(fn, isCheck)) return false;
  const body = fn.body;
  const first = fn.parameters[0] && ts.isIdentifier(fn.parameters[0].name) ? fn.parameters[0].name.text : undefined;
  const accepts = (n: ts.Node): boolean => {
    if (ts.isReturnStatement(n) && n.expression && unwrap(n.expression).kind === ts.SyntaxKind.TrueKeyword) return true;
    if (ts.isCallExpression(n) && n.arguments.length >= 2 && unwrap(n.arguments[0]).kind === ts.SyntaxKind.NullKeyword) {
      const second = unwrap(n.arguments[1]);
      return second.kind === ts.SyntaxKind.TrueKeyword || stringValue(second) === '*' || (ts.isIdentifier(second) && second.text === first);
    }
    return false;
  };
  if (!ts.isBlock(body)) {
    const b = unwrap(body);
    // `() => true`, `() => '*'`, Koa's `(ctx) => ctx.get('Origin')`, `(o, cb) => cb(null, true)`
    return b.kind === ts.SyntaxKind.TrueKeyword || stringValue(b) === '*' || isRequestOrigin(b) || accepts(b);
  }
  return someDescendant(body, accepts);
}

function insideAllowlistCheck(node: ts.Node): boolean {
  let n: ts.Node | undefined = node.parent;
  while (n && !ts.isSourceFile(n)) {
    if (ts.isIfStatement(n) && someDescendant(n.expression, (c) => ts.isCallExpression(c) && CHECK_CALL.test(calleeMethodOf(c)))) return true;
    if (ts.isIfStatement(n) && ts.isCallExpression(unwrap(n.expression)) && CHECK_CALL.test(calleeMethodOf(unwrap(n.expression) as ts.CallExpression))) return true;
    if (ts.isConditionalExpression(n) && someDescendant(n.condition, (c) => ts.isCallExpression(c) && CHECK_CALL.test(calleeMethodOf(c)))) return true;
    if (ts.isFunctionLike(n)) {
      // an early return on a failed check earlier in the same function also counts
      const body = (n as ts.FunctionLikeDeclaration).body;
      if (body && ts.isBlock(body)) {
        for (const st of body.statements) {
          if (st.getStart() >= node.getStart()) break;
          if (ts.isIfStatement(st) && someDescendant(st.expression, (c) => ts.isCallExpression(c) && CHECK_CALL.test(calleeMethodOf(c))) && someDescendant(st.thenStatement, (c) => ts.isReturnStatement(c) || ts.isThrowStatement(c))) {
            return true;
          }
        }
      }
      return false;
    }
    n = n.parent;
  }
  return false;
}

/** Does the enclosing function (or headers object) also allow credentials? */
function setsCredentials(node: ts.Node): boolean {
  let scope: ts.Node = node;
  while (scope.parent && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  return someDescendant(scope, (n) => {
    if (ts.isCallExpression(n) && stringValue(n.arguments[0])?.toLowerCase() === ACAC) return stringValue(n.arguments[1]) === 'true' || unwrap(n.arguments[1] ?? n).kind === ts.SyntaxKind.TrueKeyword;
    if (ts.isPropertyAssignment(n) && staticName(n.name)?.toLowerCase() === ACAC) return true;
    return false;
  });
}

function allowlistExpr(ctx: RuleContext): string {
  return `process.env.ALLOWED_ORIGINS?.split(${ctx.style.str(',')}) ?? []`;
}

const FIX_TITLE = 'Allow only the origins listed in ALLOWED_ORIGINS';

/** `cors()` → `cors({ origin: process.env.ALLOWED_ORIGINS?.split(',') ?? [] })` */
function emptyCallFix(ctx: RuleContext, call: ts.CallExpression): Fix | undefined {
  if (call.arguments.length) return undefined;
  const open = call.arguments.pos;
  return { title: FIX_TITLE, edits: [{ start: open, end: call.arguments.end, text: `{ origin: ${allowlistExpr(ctx)} }` }] };
}

function originFix(ctx: RuleContext, value: ts.Expression, v: Verdict): Fix | undefined {
  if (v.kind === 'fallback') {
    // `allowed ?? true` / `env.X || '*'`: fail closed instead of open
    return { title: 'Fall back to no origin instead of every origin', edits: [{ start: v.operand.getStart(), end: v.operand.getEnd(), text: '[]' }] };
  }
  // Replace only literals and inline callbacks; a shared constant may be used elsewhere.
  const u = unwrap(value);
  if (ts.isIdentifier(u)) return undefined;
  return { title: FIX_TITLE, edits: [{ start: value.getStart(), end: value.getEnd(), text: allowlistExpr(ctx) }] };
}

/** Add `origin: …` as the first property of an options object, in the object's own layout. */
function insertOriginFix(ctx: RuleContext, obj: ts.ObjectLiteralExpression): Fix {
  return { title: FIX_TITLE, edits: insertProperty(ctx.sourceFile, ctx.lines, ctx.style, obj, `origin: ${allowlistExpr(ctx)}`, 'first') };
}
