import {
  appendArgument,
  calleeMethod,
  defineRule,
  hasAnyName,
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
  isMap,
  isScalar,
  isSeq,
  mapGet,
  mapPair,
  scalarString,
  type Fix,
  type NginxDirective,
  type RuleContext,
  type Scalar,
} from '../../server/src/engine/api';
import { envAliases, envRead } from '../_lib/envReads';
import { containerEnv, k8sObjects, workloadContainers, type K8sObject } from '../_lib/k8s';
import { expand, type Child } from '../_lib/nginxHeaders';
import { runtimeSide } from '../_lib/runtimeSide';
import { isLocalDotenv } from '../_lib/dotenvScope';

/**
 * CORS middleware packages. `arrayOrigin`: the `origin` option takes an array (so the allowlist fix is valid).
 * `koa`: @koa/cors semantics, where `origin: '*'` (or no origin) with credentials reflects the request's Origin.
 */
interface CorsPackage {
  readonly arrayOrigin: boolean;
  readonly koa: boolean;
}
const CORS_PACKAGES: Record<string, CorsPackage> = {
  cors: { arrayOrigin: true, koa: false },
  'hono/cors': { arrayOrigin: true, koa: false },
  '@koa/cors': { arrayOrigin: false, koa: true },
  kcors: { arrayOrigin: false, koa: true },
  'koa-cors': { arrayOrigin: false, koa: true },
  '@fastify/cors': { arrayOrigin: true, koa: false },
  'fastify-cors': { arrayOrigin: true, koa: false },
  '@elysiajs/cors': { arrayOrigin: true, koa: false },
};
const CORS_PACKAGE_NAMES = Object.keys(CORS_PACKAGES);
/** socket.io and NestJS hand their `cors` options to the `cors` package. */
const CORS_PKG = CORS_PACKAGES.cors;

/** Types that mark an options object as CORS options: `const corsOptions: CorsOptions = { … }`. */
const CORS_OPTIONS_TYPE = /^(CorsOptions|FastifyCorsOptions|CorsConfig)$/;

const ACAO = 'access-control-allow-origin';
const ACAC = 'access-control-allow-credentials';
/** The header name as the code checks compare it (lower-cased). */
const ACAO_TEXT = /access-control-allow-origin/i;

type Verdict =
  | { kind: 'wildcard' }
  | { kind: 'true' }
  | { kind: 'acceptAll' }
  | { kind: 'missing'; what: string }
  | { kind: 'fallback'; operand: ts.Expression; value: '*' | 'true'; name: string };

export default defineRule({
  id: 'open-cors',
  title: 'CORS open to every origin',
  summary: 'CORS is configured to accept requests from every origin instead of an allowlist.',
  severity: 'error',
  kinds: ['code', 'next.config', 'dotenv', 'k8s', 'nginx'],
  scope: 'file',
  checklist: '003 §1.3',
  fixable: true,
  hasSuggestions: false,
  messages: {
    open: '{{what}}, so every origin is allowed.',
    openWithCredentials: "{{what}} and credentials are allowed, so any site can call it with the user's cookies and read the response.",
    wildcardWithCredentials: '{{what}} and credentials are allowed: every origin is allowed, and browsers refuse credentialed requests under "*".',
    reflectedWithCredentials:
      "The request's Origin is reflected into Access-Control-Allow-Origin with credentials allowed, so any site can call it with the user's cookies and read the response.",
  },
  textHint: /cors|access-?control-?allow-?origin|allow(?:ed)?_origins?/i,
  // code: a CORS middleware imported (its package name), `enableCors`, a CORS options type, a `cors` key; `cors` in the
  // text next to what reads it without a name (`require('cors')`, a computed `['cors']` key of socket.io/Nest options);
  // or the Access-Control-Allow-Origin header (a string, in any case)
  codeHint: (ids, text) =>
    ids.has('cors') ||
    hasAnyName(ids, CORS_PACKAGE_NAMES) ||
    ids.has('enableCors') ||
    ids.has('CorsOptions') ||
    ids.has('FastifyCorsOptions') ||
    ids.has('CorsConfig') ||
    ((ids.has('require') || ids.has('socket.io') || ids.has('NestFactory') || ids.has('WebSocketGateway') || ids.has('Server')) && text.includes('cors')) ||
    ACAO_TEXT.test(text),
  check(ctx) {
    if (ctx.file.kind === 'dotenv') return checkDotenv(ctx);
    if (ctx.file.kind === 'k8s') return checkK8s(ctx);
    if (ctx.file.kind === 'nginx') return checkNginx(ctx);
    const sf = ctx.sourceFile;
    if (isUseClient(sf)) return;
    // local name → package, for the CORS middlewares imported in this file; names bound to socket.io
    const corsNames = new Map<string, string>();
    const ioNames = new Set<string>();
    let socketIoImported = false;
    const constInits = new Map<string, ts.Expression>();
    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
        const pkg = st.moduleSpecifier.text;
        const clause = st.importClause;
        const b = clause?.namedBindings;
        if (CORS_PACKAGES[pkg]) {
          if (clause?.name) corsNames.set(clause.name.text, pkg);
          if (b && ts.isNamedImports(b)) for (const el of b.elements) corsNames.set(el.name.text, pkg);
          if (b && ts.isNamespaceImport(b)) corsNames.set(b.name.text, pkg);
        } else if (pkg === 'socket.io') {
          socketIoImported = true;
          if (clause?.name) ioNames.add(clause.name.text);
        }
      }
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          if (!d.initializer || !ts.isIdentifier(d.name)) continue;
          const init = unwrap(d.initializer);
          const required = requiredModule(init);
          // const cors = require('cors')
          if (required && CORS_PACKAGES[required]) corsNames.set(d.name.text, required);
          else if (required === 'socket.io') {
            socketIoImported = true;
            ioNames.add(d.name.text);
          }
          else if (st.declarationList.flags & ts.NodeFlags.Const) constInits.set(d.name.text, d.initializer);
        }
      }
    }
    let aliases: Set<string> | undefined;
    const envName = (n: ts.Node): string | undefined => {
      const env = (aliases ??= envAliases(sf));
      let found: string | undefined;
      const test = (c: ts.Node): boolean => {
        const r = envRead(c, env);
        if (r) found = r.name ?? '';
        return !!r;
      };
      if (!test(n)) someDescendant(n, test);
      return found || undefined;
    };
    let side: ReturnType<typeof runtimeSide> | undefined;
    const inBrowser = (): boolean => (side ??= runtimeSide(sf, ctx.file.path, ctx.packageJson)) === 'browser';
    /** origin properties already reported (a typed options constant and the call that uses it share one). */
    const reported = new Set<ts.Node>();

    /** Follow an identifier to its `const` initializer: the file's top level, or a block around the use. */
    const resolve = (e: ts.Expression): ts.Node => {
      const u = unwrap(e) as ts.Expression;
      if (!ts.isIdentifier(u)) return u;
      const local = localConst(u);
      if (local) return ts.isVariableDeclaration(local) && local.initializer ? unwrap(local.initializer) : local;
      const init = constInits.get(u.text);
      return init ? unwrap(init) : u;
    };

    /** `req.headers.origin`, `req.get('origin')`, `const { origin } = req.headers`, or a const holding one. */
    const isRequestOrigin = (e: ts.Node): boolean => {
      const n = ts.isIdentifier(e) ? resolve(e) : e;
      if (ts.isBindingElement(n)) {
        const decl = findDeclaration(n);
        return staticName(n.propertyName ?? n.name)?.toLowerCase() === 'origin' && !!decl?.initializer && /(^|\.)(headers|header)$/i.test(dottedName(decl.initializer) ?? '');
      }
      return isOriginRead(n);
    };

    function originVerdict(value: ts.Node): Verdict | undefined {
      const v = ts.isIdentifier(value) ? resolve(value) : unwrap(value);
      if (stringValue(v) === '*') return { kind: 'wildcard' };
      if (v.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'true' };
      if (ts.isBinaryExpression(v) && isFallbackOperator(v)) {
        const open = openValue(v.right);
        if (open) return { kind: 'fallback', operand: v.right, value: open, name: subjectName(v.left) };
      }
      // `process.env.CORS_ORIGINS ? process.env.CORS_ORIGINS.split(',') : '*'`, `list.length ? list : true`
      if (ts.isConditionalExpression(v)) {
        const t = truthinessSubject(v.condition);
        if (t) {
          const missingBranch = t.negated ? v.whenTrue : v.whenFalse;
          const open = openValue(missingBranch);
          if (open) return { kind: 'fallback', operand: missingBranch, value: open, name: subjectName(t.subject) };
        }
      }
      if (ts.isArrowFunction(v) || ts.isFunctionExpression(v)) return acceptsAll(v) ? { kind: 'acceptAll' } : undefined;
      return undefined;
    }

    function subjectName(node: ts.Node): string {
      // `origins.length` → origins → its initializer, for the env variable's name
      const e = ts.isPropertyAccessExpression(node) && node.name.text === 'length' ? node.expression : node;
      const env = envName(ts.isIdentifier(e) ? resolve(e) : e);
      if (env) return env;
      const d = dottedName(e)?.replace(/\.length$/, '');
      return d ?? 'the allowlist';
    }

    const what = (v: Verdict): string => {
      switch (v.kind) {
        case 'wildcard':
          return 'CORS origin is "*"';
        case 'true':
          return "CORS origin is true (the request's Origin is reflected)";
        case 'acceptAll':
          return 'The CORS origin callback accepts every origin';
        case 'missing':
          return v.what;
        case 'fallback':
          return `CORS origin falls back to ${v.value === '*' ? '"*"' : 'true'} when ${v.name} is not set`;
      }
    };

    /** Does the verdict send back the caller's own Origin (rather than a literal "*")? */
    const reflects = (v: Verdict, pkg: CorsPackage): boolean =>
      v.kind === 'true' || v.kind === 'acceptAll' || (v.kind === 'fallback' && v.value === 'true') || pkg.koa;

    function reportOrigin(node: ts.Node, v: Verdict, pkg: CorsPackage, credentials: boolean, fix: Fix | undefined): void {
      ctx.report({
        node,
        messageId: !credentials ? 'open' : reflects(v, pkg) ? 'openWithCredentials' : 'wildcardWithCredentials',
        data: { what: what(v) },
        fix,
      });
    }

    /** Check an options object of a CORS middleware / socket.io / Nest. `inline`: written in the call itself. */
    function checkOptions(obj: ts.ObjectLiteralExpression, call: ts.Node, callName: string, pkg: CorsPackage, inline: boolean, missingIsOpen: boolean): void {
      const originProp = getProperty(obj, 'origin');
      const credentials = credentialsOn(obj);
      if (!originProp) {
        // an options constant may get its origin by assignment later: only an object written in the call counts
        if (!missingIsOpen || !inline || hasSpread(obj)) return;
        const v: Verdict = { kind: 'missing', what: `${callName} options have no origin` };
        reportOrigin(call, v, pkg, credentials, pkg.arrayOrigin ? insertOriginFix(ctx, obj) : undefined);
        return;
      }
      if (!ts.isPropertyAssignment(originProp) || reported.has(originProp)) return;
      const v = originVerdict(originProp.initializer);
      if (!v) return;
      reported.add(originProp);
      reportOrigin(originProp, v, pkg, credentials, pkg.arrayOrigin && inline ? originFix(ctx, originProp.initializer, v) : undefined);
    }

    /** `cors: true` (Nest, socket.io, gateway) or `cors: { origin: '*' }`; `missingIsOpen`: the `cors` package's defaults apply. */
    function checkCorsValue(prop: ts.PropertyAssignment, callName: string, inline: boolean, missingIsOpen: boolean): void {
      const v = resolve(prop.initializer);
      if (v.kind === ts.SyntaxKind.TrueKeyword) {
        ctx.report({
          node: prop,
          messageId: 'open',
          data: { what: `${callName} has cors: true` },
          fix: inline && v === unwrap(prop.initializer) ? { title: FIX_TITLE, edits: [{ start: v.getStart(), end: v.getEnd(), text: `{ origin: ${allowlistExpr(ctx)} }` }] } : undefined,
        });
      } else if (ts.isObjectLiteralExpression(v)) checkOptions(v, prop, callName, CORS_PKG, inline && v === unwrap(prop.initializer), missingIsOpen);
    }

    function checkCorsProperty(optsArg: ts.Expression | undefined, callName: string, missingIsOpen = true): void {
      if (!optsArg) return;
      const opts = resolve(optsArg);
      if (!ts.isObjectLiteralExpression(opts)) return;
      const c = getProperty(opts, 'cors');
      if (c && ts.isPropertyAssignment(c)) checkCorsValue(c, callName, opts === unwrap(optsArg), missingIsOpen);
    }

    /** The package of a CORS middleware expression: an imported name or `require('cors')`. */
    function corsPackageOf(e: ts.Expression): string | undefined {
      const u = unwrap(e);
      if (ts.isIdentifier(u)) return corsNames.get(u.text);
      const req = requiredModule(u);
      return req && CORS_PACKAGES[req] ? req : undefined;
    }

    return {
      CallExpression(node: ts.CallExpression) {
        // cors(), cors({...}), require('cors')() for the imported middleware
        const pkgName = corsPackageOf(node.expression);
        if (pkgName) {
          const pkg = CORS_PACKAGES[pkgName];
          const label = ts.isIdentifier(unwrap(node.expression)) ? `${(unwrap(node.expression) as ts.Identifier).text}()` : 'cors()';
          const arg = node.arguments[0] ? resolve(node.arguments[0]) : undefined;
          if (!arg) {
            const v: Verdict = { kind: 'missing', what: `${label} is called without options` };
            reportOrigin(node, v, pkg, false, pkg.arrayOrigin ? emptyCallFix(ctx, node) : undefined);
          } else if (ts.isObjectLiteralExpression(arg)) checkOptions(arg, node, label, pkg, arg === unwrap(node.arguments[0]), true);
          return;
        }
        // io(httpServer, { cors: { origin: '*' } }) with socket.io's default export / require
        const callee = unwrap(node.expression);
        if (ts.isIdentifier(callee) && ioNames.has(callee.text)) {
          for (const a of node.arguments) checkCorsProperty(a, 'The socket.io server');
          return;
        }
        const method = calleeMethod(node);
        // fastify.register(cors, {...})
        if (method === 'register' && node.arguments[0]) {
          const plugin = corsPackageOf(node.arguments[0]);
          if (!plugin) return;
          const pkg = CORS_PACKAGES[plugin];
          const opts = node.arguments[1] ? resolve(node.arguments[1]) : undefined;
          if (!opts) {
            const v: Verdict = { kind: 'missing', what: 'The CORS plugin is registered without options' };
            reportOrigin(node, v, pkg, false, pkg.arrayOrigin ? { title: FIX_TITLE, edits: appendArgument(sf, node, `{ origin: ${allowlistExpr(ctx)} }`) } : undefined);
          } else if (ts.isObjectLiteralExpression(opts)) checkOptions(opts, node, 'The CORS plugin', pkg, opts === unwrap(node.arguments[1]), true);
          return;
        }
        // Nest: app.enableCors() / app.enableCors({...})
        if (method === 'enableCors') {
          const opts = node.arguments[0] ? resolve(node.arguments[0]) : undefined;
          if (!opts) {
            const v: Verdict = { kind: 'missing', what: 'enableCors() is called without options' };
            reportOrigin(node, v, CORS_PKG, false, emptyCallFix(ctx, node));
          } else if (ts.isObjectLiteralExpression(opts)) checkOptions(opts, node, 'enableCors()', CORS_PKG, opts === unwrap(node.arguments[0]), true);
          return;
        }
        // NestFactory.create(AppModule, { cors: true })
        if (method === 'create' && /(^|\.)NestFactory\.create$/.test(dottedName(node.expression) ?? '')) {
          checkCorsProperty(node.arguments[1], 'NestFactory.create()');
          return;
        }
        // @WebSocketGateway({ cors: ... }) / @WebSocketGateway(port, { cors: ... })
        if (ts.isIdentifier(callee) && callee.text === 'WebSocketGateway') {
          for (const a of node.arguments) checkCorsProperty(a, '@WebSocketGateway()');
          return;
        }
        // res.setHeader('Access-Control-Allow-Origin', value) and friends
        if (method && /^(setHeader|header|set|append|appendHeader)$/.test(method) && node.arguments.length >= 2) {
          if (stringValue(node.arguments[0])?.toLowerCase() !== ACAO || inBrowser()) return;
          checkHeaderValue(node.arguments[1], node);
        }
      },
      NewExpression(node: ts.NewExpression) {
        // new Server(httpServer, { cors: { origin: '*' } }) (socket.io)
        const name = dottedName(node.expression);
        if (!name || !/(^|\.)Server$/.test(name) || !node.arguments) return;
        // without a socket.io import, only explicit open values count (another library's defaults are unknown)
        for (const a of node.arguments) checkCorsProperty(a, 'The socket.io server', socketIoImported);
      },
      VariableDeclaration(node: ts.VariableDeclaration) {
        // const corsOptions: CorsOptions = { origin: '*' } (used elsewhere, possibly in another file)
        const type = node.type && ts.isTypeReferenceNode(node.type) ? node.type.typeName : undefined;
        const typeName = type && (ts.isIdentifier(type) ? type.text : type.right.text);
        let init = node.initializer;
        let satisfied: string | undefined;
        if (init && ts.isSatisfiesExpression(init) && ts.isTypeReferenceNode(init.type)) {
          const t = init.type.typeName;
          satisfied = ts.isIdentifier(t) ? t.text : t.right.text;
          init = init.expression;
        }
        const tn = typeName ?? satisfied;
        if (!tn || !CORS_OPTIONS_TYPE.test(tn) || !init) return;
        const obj = unwrap(init);
        if (ts.isObjectLiteralExpression(obj)) checkOptions(obj, obj, 'The CORS options', CORS_PKG, true, false);
      },
      PropertyAssignment(node: ts.PropertyAssignment) {
        // { 'Access-Control-Allow-Origin': '*' } in a response headers object
        if (staticName(node.name)?.toLowerCase() === ACAO) {
          if (isRequestHeaders(node.parent) || inBrowser()) return;
          checkHeaderValue(node.initializer, node);
          return;
        }
        // next.config headers(): { key: 'Access-Control-Allow-Origin', value: '*' }
        if (staticName(node.name) === 'key' && stringValue(node.initializer)?.toLowerCase() === ACAO && ts.isObjectLiteralExpression(node.parent)) {
          const value = getProperty(node.parent, 'value');
          if (value && ts.isPropertyAssignment(value) && !isStaticAssetRoute(node.parent)) checkHeaderValue(value.initializer, value);
        }
      },
    };

    function checkHeaderValue(value: ts.Expression, at: ts.Node): void {
      const v = resolve(value);
      const credentials = () => setsCredentials(at);
      if (stringValue(v) === '*') {
        ctx.report({ node: at, messageId: credentials() ? 'wildcardWithCredentials' : 'open', data: { what: 'Access-Control-Allow-Origin is "*"' } });
        return;
      }
      // The request's Origin reflected (`origin`, `origin ?? '*'`): a finding with credentials, or with a '*' fallback.
      const fallback = ts.isBinaryExpression(v) && isFallbackOperator(v) ? v : undefined;
      const reflected = isRequestOrigin(v) || (!!fallback && isRequestOrigin(unwrap(fallback.left)));
      if (reflected) {
        if (insideAllowlistCheck(at)) return;
        if (credentials()) ctx.report({ node: at, messageId: 'reflectedWithCredentials' });
        else if (fallback && stringValue(fallback.right) === '*') {
          ctx.report({ node: at, messageId: 'open', data: { what: `Access-Control-Allow-Origin is the request's Origin, or "*" without one` } });
        }
        return;
      }
      const verdict = originVerdict(v);
      if (verdict?.kind === 'fallback' && verdict.value === '*') {
        ctx.report({
          node: at,
          messageId: credentials() ? 'wildcardWithCredentials' : 'open',
          data: { what: `Access-Control-Allow-Origin falls back to "*" when ${verdict.name} is not set` },
        });
      }
    }

    /** In a condition: a call that checks a list, a map lookup, `in`, or a comparison of the origin with a value. */
    function conditionChecks(cond: ts.Node): boolean {
      const test = (c: ts.Node): boolean => {
        if (ts.isCallExpression(c) && CHECK_CALL.test(calleeMethodOf(c))) return true;
        if (ts.isElementAccessExpression(c) && !stringValue(c.argumentExpression) && !ts.isNumericLiteral(c.argumentExpression)) return true;
        if (ts.isIdentifier(c) && ALLOW_NAME.test(c.text)) return true;
        if (ts.isPropertyAccessExpression(c) && ALLOW_NAME.test(c.name.text)) return true;
        if (ts.isBinaryExpression(c)) {
          const op = c.operatorToken.kind;
          if (op === ts.SyntaxKind.InKeyword) return true;
          if (op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) {
            const mentionsOrigin = (s: ts.Node) => isRequestOrigin(unwrap(s)) || /origin/i.test(dottedName(s) ?? '');
            const isBlank = (s: ts.Node) => {
              const u = unwrap(s);
              return u.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(u) && u.text === 'undefined') || stringValue(u) === '' || ts.isTypeOfExpression(u);
            };
            if ((mentionsOrigin(c.left) && !isBlank(c.right)) || (mentionsOrigin(c.right) && !isBlank(c.left))) return true;
          }
        }
        return false;
      };
      return test(unwrap(cond)) || someDescendant(cond, test);
    }

    /** Is the header set inside a branch that checked the origin, or after an early return on a failed check? */
    function insideAllowlistCheck(node: ts.Node): boolean {
      let child: ts.Node = node;
      for (let n: ts.Node | undefined = node.parent; n && !ts.isSourceFile(n); child = n, n = n.parent) {
        if (ts.isIfStatement(n) && child !== n.expression && conditionChecks(n.expression)) return true;
        if (ts.isConditionalExpression(n) && child !== n.condition && conditionChecks(n.condition)) return true;
        if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && child === n.right && conditionChecks(n.left)) return true;
        if (ts.isBlock(n)) {
          for (const st of n.statements) {
            if (st.getStart() >= node.getStart()) break;
            const exits = (c: ts.Node) => ts.isReturnStatement(c) || ts.isThrowStatement(c);
            if (ts.isIfStatement(st) && conditionChecks(st.expression) && (exits(st.thenStatement) || someDescendant(st.thenStatement, exits))) return true;
          }
        }
        if (ts.isFunctionLike(n)) return false;
      }
      return false;
    }

    /** Are credentials allowed next to this header: in the same headers object or array, or set in the same function? */
    function setsCredentials(at: ts.Node): boolean {
      const isAcac = (n: ts.Node): boolean => {
        if (ts.isCallExpression(n) && stringValue(n.arguments[0])?.toLowerCase() === ACAC && n.arguments[1]) {
          return stringValue(n.arguments[1]) === 'true' || unwrap(n.arguments[1]).kind === ts.SyntaxKind.TrueKeyword;
        }
        if (ts.isPropertyAssignment(n) && staticName(n.name)?.toLowerCase() === ACAC) {
          return stringValue(n.initializer) !== 'false' && unwrap(n.initializer).kind !== ts.SyntaxKind.FalseKeyword;
        }
        // next.config: { key: 'Access-Control-Allow-Credentials', value: 'true' }
        if (ts.isObjectLiteralExpression(n)) {
          const key = getProperty(n, 'key');
          const value = getProperty(n, 'value');
          return !!key && ts.isPropertyAssignment(key) && stringValue(key.initializer)?.toLowerCase() === ACAC && !!value && ts.isPropertyAssignment(value) && stringValue(value.initializer) === 'true';
        }
        return false;
      };
      // the headers object (`{ ACAO: '*', ACAC: 'true' }`) or the next.config headers array around the entry
      const container = ts.isPropertyAssignment(at) ? at.parent : undefined;
      const holder = container && ts.isObjectLiteralExpression(container) && ts.isArrayLiteralExpression(container.parent) && getProperty(container, 'key') ? container.parent : container;
      if (holder && someDescendant(holder, isAcac)) return true;
      let scope: ts.Node | undefined = at.parent;
      while (scope && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
      if (!scope || ts.isSourceFile(scope)) return false;
      return someDescendant(scope, (n) => ts.isCallExpression(n) && isAcac(n) && sameBranch(n, at, scope!));
    }
  },
});

/** Public static files (fonts, images, icons, scripts, manifests): `*` is how they are meant to be shared. */
const STATIC_SEGMENT = /(^|[/(|-])(_next\/static|static|assets?|fonts?|images?|img|icons?|favicons?|media|videos?|js|css|bgs?|backgrounds?|csv)(?=[/)|.-]|$)/i;
const STATIC_EXTENSION = /\.(svg|ico|png|jpe?g|gif|webp|avif|woff2?|ttf|otf|eot|css|js|mjs|map|webmanifest|xml|csv|txt|mp4|webm|mp3)\b/i;

/** A next.config `headers()` entry whose route (`source`) serves static files, not an API. */
function isStaticAssetRoute(entry: ts.ObjectLiteralExpression): boolean {
  const list = entry.parent;
  const prop = list && ts.isArrayLiteralExpression(list) ? list.parent : undefined;
  const route = prop && ts.isPropertyAssignment(prop) && staticName(prop.name) === 'headers' ? prop.parent : undefined;
  if (!route || !ts.isObjectLiteralExpression(route)) return false;
  const source = getProperty(route, 'source');
  const path = source && ts.isPropertyAssignment(source) ? stringValue(source.initializer) : undefined;
  if (!path || /(^|[/(|])api([/)|]|$)/i.test(path)) return false;
  return STATIC_SEGMENT.test(path) || STATIC_EXTENSION.test(path);
}

/**
 * Does `n` run whenever `at` runs, as far as branches go: every if/?:/case branch that holds `n` (below `scope`)
 * also holds `at`? A credentials header set only inside an allowlist branch does not apply to a `*` set outside it.
 */
function sameBranch(n: ts.Node, at: ts.Node, scope: ts.Node): boolean {
  const inside = (outer: ts.Node) => at.pos >= outer.pos && at.end <= outer.end;
  let child = n;
  for (let p = n.parent; p && p !== scope; child = p, p = p.parent) {
    const branch =
      (ts.isIfStatement(p) && child !== p.expression) ||
      (ts.isConditionalExpression(p) && child !== p.condition) ||
      ts.isCaseClause(p) ||
      ts.isDefaultClause(p) ||
      (ts.isBinaryExpression(p) && child === p.right && p.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken);
    if (branch && !inside(child)) return false;
  }
  return true;
}


/** `require('cors')` → 'cors'. */
function requiredModule(e: ts.Node): string | undefined {
  const u = unwrap(e);
  if (ts.isCallExpression(u) && ts.isIdentifier(u.expression) && u.expression.text === 'require') return stringValue(u.arguments[0]);
  return undefined;
}

/** The declaration of a `const` named like `id`, in a block around it, declared before it. */
function localConst(id: ts.Identifier): ts.VariableDeclaration | ts.BindingElement | undefined {
  for (let n: ts.Node | undefined = id.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (!ts.isBlock(n)) continue;
    for (const st of n.statements) {
      if (st.pos > id.pos) break;
      if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) {
          if (d.name.text === id.text) return d;
        } else if (ts.isObjectBindingPattern(d.name)) {
          for (const el of d.name.elements) if (ts.isIdentifier(el.name) && el.name.text === id.text) return el;
        }
      }
    }
  }
  return undefined;
}

function findDeclaration(el: ts.BindingElement): ts.VariableDeclaration | undefined {
  const p = el.parent.parent;
  return ts.isVariableDeclaration(p) ? p : undefined;
}

/** `req.headers.origin`, `req.headers['origin']`, `req.get('origin')`, `request.headers.get('origin')`, `ctx.get('Origin')`. */
function isOriginRead(n: ts.Node): boolean {
  const name = dottedName(n);
  if (name && /\.(headers|header)\.origin$/i.test(name)) return true;
  if (ts.isElementAccessExpression(n) && stringValue(n.argumentExpression)?.toLowerCase() === 'origin' && /(^|\.)(headers|header)$/i.test(dottedName(n.expression) ?? '')) return true;
  if (ts.isCallExpression(n) && /^(get|header)$/.test(calleeMethodOf(n)) && stringValue(n.arguments[0])?.toLowerCase() === 'origin') return true;
  return false;
}

function isFallbackOperator(b: ts.BinaryExpression): boolean {
  return b.operatorToken.kind === ts.SyntaxKind.BarBarToken || b.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken;
}

function openValue(e: ts.Node): '*' | 'true' | undefined {
  const u = unwrap(e);
  return stringValue(u) === '*' ? '*' : u.kind === ts.SyntaxKind.TrueKeyword ? 'true' : undefined;
}

/** A truthiness test of a value (`X`, `!X`, `X.length`, `X.length > 0`), not a comparison with a literal like NODE_ENV. */
function truthinessSubject(cond: ts.Node): { subject: ts.Node; negated: boolean } | undefined {
  const c = unwrap(cond);
  if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = truthinessSubject(c.operand);
    return inner && { subject: inner.subject, negated: !inner.negated };
  }
  if (ts.isBinaryExpression(c) && c.operatorToken.kind === ts.SyntaxKind.GreaterThanToken && ts.isNumericLiteral(unwrap(c.right)) && (unwrap(c.right) as ts.NumericLiteral).text === '0') {
    return truthinessSubject(c.left);
  }
  if (ts.isIdentifier(c) || ts.isPropertyAccessExpression(c) || ts.isElementAccessExpression(c)) {
    if (/(^|\.)(NODE_ENV|isDev\w*|isProd\w*|__DEV__|DEV|PROD)$/.test(dottedName(c) ?? '')) return undefined;
    return { subject: c, negated: false };
  }
  return undefined;
}

function calleeMethodOf(call: ts.CallExpression): string {
  const e = unwrap(call.expression);
  return ts.isPropertyAccessExpression(e) ? e.name.text : ts.isIdentifier(e) ? e.text : '';
}

const CHECK_CALL = /^(includes|has|test|match|some|indexOf|find|endsWith|startsWith|isAllowed\w*|isOriginAllowed|allowed\w*|check\w*|verify\w*|validate\w*)$/;
/** Names of a verdict computed earlier: `if (isAllowed)`, `if (originAllowed)`. */
const ALLOW_NAME = /^(is|has)?(origin)?(allowed|valid|trusted|permitted|whitelisted|allowlisted)(origin)?$/i;

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
  const isFirst = (n: ts.Node) => ts.isIdentifier(n) && n.text === first;
  const accepts = (n: ts.Node): boolean => {
    if (ts.isReturnStatement(n) && n.expression) {
      const r = unwrap(n.expression);
      return r.kind === ts.SyntaxKind.TrueKeyword || stringValue(r) === '*' || isFirst(r) || isOriginRead(r);
    }
    if (ts.isCallExpression(n) && n.arguments.length >= 2 && unwrap(n.arguments[0]).kind === ts.SyntaxKind.NullKeyword) {
      const second = unwrap(n.arguments[1]);
      return second.kind === ts.SyntaxKind.TrueKeyword || stringValue(second) === '*' || isFirst(second);
    }
    return false;
  };
  if (!ts.isBlock(body)) {
    const b = unwrap(body);
    // `() => true`, `() => '*'`, Hono's `(origin) => origin`, Koa's `(ctx) => ctx.get('Origin')`, `(o, cb) => cb(null, true)`
    return b.kind === ts.SyntaxKind.TrueKeyword || stringValue(b) === '*' || isFirst(b) || isOriginRead(b) || accepts(b);
  }
  return someDescendant(body, accepts);
}

/** Request headers (`fetch(url, { headers })`, `axios.create({ headers })`, `new Request(…)`), not a response's. */
function isRequestHeaders(obj: ts.Node): boolean {
  const prop = obj.parent;
  if (!prop || !ts.isPropertyAssignment(prop) || staticName(prop.name) !== 'headers') return false;
  const options = prop.parent;
  const call = options.parent;
  if (!call || !(ts.isCallExpression(call) || ts.isNewExpression(call))) return false;
  const name = dottedName(call.expression) ?? '';
  return /(^|\.)(fetch|\$fetch|ofetch|ky|got|axios|request|Request|get|post|put|patch|delete|head|create|extend)$/.test(name);
}

function credentialsOn(obj: ts.ObjectLiteralExpression): boolean {
  const c = getProperty(obj, 'credentials');
  return !!c && ts.isPropertyAssignment(c) && unwrap(c.initializer).kind === ts.SyntaxKind.TrueKeyword;
}

function allowlistExpr(ctx: RuleContext): string {
  return `process.env.ALLOWED_ORIGINS?.split(${ctx.style.str(',')}) ?? []`;
}

const FIX_TITLE = 'Allow only the origins listed in ALLOWED_ORIGINS';

/** `cors()` → `cors({ origin: process.env.ALLOWED_ORIGINS?.split(',') ?? [] })` */
function emptyCallFix(ctx: RuleContext, call: ts.CallExpression): Fix | undefined {
  if (call.arguments.length) return undefined;
  return { title: FIX_TITLE, edits: [{ start: call.arguments.pos, end: call.arguments.end, text: `{ origin: ${allowlistExpr(ctx)} }` }] };
}

function originFix(ctx: RuleContext, value: ts.Expression, v: Verdict): Fix | undefined {
  if (v.kind === 'fallback') {
    // `allowed ?? true` / `env.X || '*'`: fail closed instead of open (only when written here, not in a shared constant)
    if (v.operand.getStart() < value.getStart() || v.operand.getEnd() > value.getEnd()) return undefined;
    return { title: 'Fall back to no origin instead of every origin', edits: [{ start: v.operand.getStart(), end: v.operand.getEnd(), text: '[]' }] };
  }
  // Replace only literals and inline callbacks; a shared constant may be used elsewhere.
  if (ts.isIdentifier(unwrap(value))) return undefined;
  return { title: FIX_TITLE, edits: [{ start: value.getStart(), end: value.getEnd(), text: allowlistExpr(ctx) }] };
}

/** Add `origin: …` as the first property of an options object, in the object's own layout. */
function insertOriginFix(ctx: RuleContext, obj: ts.ObjectLiteralExpression): Fix {
  return { title: FIX_TITLE, edits: insertProperty(ctx.sourceFile, ctx.lines, ctx.style, obj, `origin: ${allowlistExpr(ctx)}`, 'first') };
}

// ---------------------------------------------------------------- config files: dotenv, Kubernetes, nginx

/**
 * Settings that hold a server's CORS allowlist: `ALLOWED_ORIGINS`, `CORS_ORIGIN(S)`, `CORS_ALLOWED_ORIGINS`,
 * `API_CORS_ORIGIN`, `ACCESS_CONTROL_ALLOW_ORIGIN`… (not CSRF's `TRUSTED_ORIGINS`, not the app's own `ORIGIN`).
 */
const CORS_SETTING = /^(?:[A-Z0-9]+_)*?(?:CORS_(?:ALLOWED_|ALLOW_)?ORIGINS?|CORS_(?:DOMAINS?|WHITELIST|ALLOWLIST)|ALLOWED_(?:[A-Z0-9]+_)?ORIGINS?|ALLOW_ORIGINS?|ACCESS_CONTROL_ALLOW_ORIGIN)$/i;
/** django-cors-headers and friends: a switch that allows every origin. */
const CORS_ALLOW_ALL = /^(?:[A-Z0-9]+_)*?CORS_(?:ALLOW_ALL_ORIGINS|ORIGIN_ALLOW_ALL|ALLOW_ALL)$/i;
const CORS_CREDENTIALS = /^(?:[A-Z0-9]+_)*?CORS_(?:ALLOW_)?CREDENTIALS$/i;
/** Variables a bundler inlines into browser code: not a server setting. */
const BROWSER_VAR = /^(NEXT_PUBLIC_|VITE_|REACT_APP_|EXPO_PUBLIC_|PUBLIC_|NUXT_PUBLIC_|GATSBY_)/;

const isTrue = (v: string | undefined) => /^(true|1|yes|on)$/i.test((v ?? '').trim());
/** `*`, or a list (`,` / blank / `;` separated) with `*` among its items. */
const listAllowsAll = (v: string) => v.split(/[\s,;]+/).some((x) => x.replace(/^["']|["']$/g, '') === '*');

/** A setting that opens CORS: its name and what it says, or undefined. */
function openSetting(key: string, value: string | undefined): string | undefined {
  if (value === undefined || BROWSER_VAR.test(key)) return undefined;
  if (CORS_SETTING.test(key) && listAllowsAll(value)) return value.trim().replace(/^["']|["']$/g, '') === '*' ? `${key} is "*"` : `${key} includes "*"`;
  if (CORS_ALLOW_ALL.test(key) && isTrue(value)) return `${key} is ${value.trim()}`;
  return undefined;
}

function checkDotenv(ctx: RuleContext): void {
  if (isLocalDotenv(ctx)) return;
  const env = ctx.dotenv;
  const credentials = env.entries.some((e) => CORS_CREDENTIALS.test(e.key) && isTrue(e.value));
  for (const e of env.entries) {
    const what = openSetting(e.key, e.value);
    if (!what) continue;
    ctx.report({ messageId: credentials ? 'wildcardWithCredentials' : 'open', data: { what }, range: [e.keyStart, Math.max(e.keyEnd, e.valueEnd)] });
  }
}

const INGRESS_NGINX = 'nginx.ingress.kubernetes.io/';

function checkK8s(ctx: RuleContext): void {
  for (const obj of k8sObjects(ctx)) {
    if (obj.kind === 'Ingress') checkIngress(ctx, obj);
    else if (obj.kind === 'Middleware' && /^traefik\./.test(obj.apiVersion)) checkTraefik(ctx, obj);
    else if (obj.kind === 'ConfigMap') {
      const data = mapGet(obj.root, 'data', obj.doc);
      if (!isMap(data)) continue;
      const credentials = data.items.some((p) => isScalar(p.key) && CORS_CREDENTIALS.test(String(p.key.value)) && isTrue(scalarString(p.value)));
      for (const p of data.items) {
        if (!isScalar(p.key) || !p.key.range) continue;
        const what = openSetting(String(p.key.value), scalarString(p.value));
        const end = (p.value as Scalar | null)?.range?.[1] ?? p.key.range[1];
        if (what) ctx.report({ messageId: credentials ? 'wildcardWithCredentials' : 'open', data: { what }, range: [p.key.range[0], end] });
      }
    } else {
      for (const c of workloadContainers(obj)) {
        const env = containerEnv(c);
        const credentials = env.some((e) => CORS_CREDENTIALS.test(e.name) && isTrue(e.value));
        for (const e of env) {
          const what = openSetting(e.name, e.value);
          if (what) ctx.report({ messageId: credentials ? 'wildcardWithCredentials' : 'open', data: { what }, range: [e.range[0], e.range[1]] });
        }
      }
    }
  }
}

/** ingress-nginx: `enable-cors: "true"` answers with `cors-allow-origin` (default `*`) and credentials (default true). */
function checkIngress(ctx: RuleContext, obj: K8sObject): void {
  const ann = mapGet(mapGet(obj.root, 'metadata', obj.doc), 'annotations', obj.doc);
  if (!isMap(ann)) return;
  const get = (name: string) => mapPair(ann, INGRESS_NGINX + name, obj.doc);
  const value = (name: string) => scalarString(get(name)?.value);
  const name = obj.name ? `Ingress "${obj.name}"` : 'The Ingress';
  const credentials = (value('cors-allow-credentials') ?? 'true').trim().toLowerCase() !== 'false';
  const pairRange = (p: NonNullable<ReturnType<typeof get>>): [number, number] | undefined => {
    const k = p.key as Scalar;
    if (!k.range) return undefined;
    return [k.range[0], (p.value as Scalar | null)?.range?.[1] ?? k.range[1]];
  };
  if (isTrue(value('enable-cors'))) {
    const originPair = get('cors-allow-origin');
    const origin = value('cors-allow-origin');
    let what: string | undefined;
    let at = get('enable-cors');
    if (origin === undefined || origin.trim() === '') what = `${name} enables CORS with the default cors-allow-origin "*"`;
    else if (listAllowsAll(origin)) {
      what = `${name} sets cors-allow-origin to "*"`;
      at = originPair;
    }
    const range = at && pairRange(at);
    if (what && range) ctx.report({ messageId: credentials ? 'wildcardWithCredentials' : 'open', data: { what }, range });
  }
  // add_header in a configuration or server snippet
  for (const snippet of ['configuration-snippet', 'server-snippet']) {
    const p = get(snippet);
    const v = scalarString(p?.value);
    if (!p || !v || !/Access-Control-Allow-Origin['"]?\s*:?\s*['"]?\*/i.test(v)) continue;
    const range = pairRange(p);
    const cred = /Access-Control-Allow-Credentials['"]?\s*:?\s*['"]?true/i.test(v);
    if (range) ctx.report({ messageId: cred ? 'wildcardWithCredentials' : 'open', data: { what: `The ${snippet} of ${name.replace(/^The /, 'the ')} sets Access-Control-Allow-Origin to "*"` }, range });
  }
}

/** Traefik: `headers.accessControlAllowOriginList: ["*"]` (or a regex list that matches everything). */
function checkTraefik(ctx: RuleContext, obj: K8sObject): void {
  const headers = mapGet(mapGet(obj.root, 'spec', obj.doc), 'headers', obj.doc);
  if (!isMap(headers)) return;
  const credentials = isTrue(scalarString(mapGet(headers, 'accessControlAllowCredentials', obj.doc)));
  const name = obj.name ? `Middleware "${obj.name}"` : 'The Middleware';
  for (const [key, test] of [
    ['accessControlAllowOriginList', (v: string) => v.trim() === '*'],
    ['accessControlAllowOriginListRegex', (v: string) => /^\^?\(?\.[*+]\)?\$?$/.test(v.trim())],
  ] as const) {
    const list = mapGet(headers, key, obj.doc);
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      const v = scalarString(item);
      if (v === undefined || !test(v) || !isScalar(item) || !item.range) continue;
      ctx.report({ messageId: credentials ? 'wildcardWithCredentials' : 'open', data: { what: `${name} allows the origin "${v}"` }, range: [item.range[0], item.range[1]] });
    }
  }
}

/** Directives that hand the request to an application: responses that can hold private data. */
const PASS = /^(proxy_pass|fastcgi_pass|uwsgi_pass|scgi_pass|grpc_pass|memcached_pass|js_content|content_by_lua_block|content_by_lua_file|content_by_lua)$/;
/** A location that serves static files by name (fonts, images, scripts…): `*` is how they are meant to be shared. */
const STATIC_LOCATION = /\.\(?[a-z0-9|?]*(woff2?|ttf|otf|eot|svg|png|jpe?g|gif|webp|avif|ico|css|js|mjs|map|json|geojson|pbf|mp4|webm|mp3)\b|(^|\/)(static|assets?|fonts?|images?|img|icons?|media|public|tiles?)(\/|$)/i;
/** An `if` condition that matches the Origin against something other than "anything". */
const OPEN_REGEX = /^["']?\^?(https?:?\/\/|\(https?:?\/\/\)\??)?\(?\.[*+]\)?\$?["']?$/;

function checkNginx(ctx: RuleContext): void {
  const seen = new Set<NginxDirective>();
  const visit = (list: readonly NginxDirective[], ancestors: readonly NginxDirective[]): void => {
    const { children } = expand(ctx, list);
    for (const c of children) {
      const d = c.directive;
      if (d.block) {
        if (!c.via) visit(d.block, [...ancestors, d]);
        continue;
      }
      if (c.via || seen.has(d)) continue;
      const header = aclHeader(d);
      if (!header || header.name !== 'access-control-allow-origin') continue;
      seen.add(d);
      checkNginxOrigin(ctx, d, header.value, children, ancestors);
    }
  };
  visit(ctx.nginx.directives, []);
}

/** `add_header Name value` / `more_set_headers 'Name: value'` → lower-cased name and value. */
function aclHeader(d: NginxDirective): { name: string; value: string } | undefined {
  if (d.name === 'add_header' && d.args.length >= 2) return { name: d.args[0].value.toLowerCase(), value: d.args[1].value };
  if (d.name === 'more_set_headers') {
    for (const a of d.args) {
      const m = /^\s*(Access-Control-Allow-Origin)\s*:\s*(.*)$/i.exec(a.value);
      if (m) return { name: m[1].toLowerCase(), value: m[2].trim() };
    }
  }
  return undefined;
}

function checkNginxOrigin(ctx: RuleContext, d: NginxDirective, value: string, siblings: readonly Child[], ancestors: readonly NginxDirective[]): void {
  const v = value.trim();
  const wildcard = v === '*';
  const reflected = /^\$http_origin$/i.test(v);
  if (!wildcard && !reflected) return;
  const credentials = siblings.some((s) => {
    const h = aclHeader(s.directive) ?? (s.directive.name === 'more_set_headers' ? moreHeader(s.directive, 'access-control-allow-credentials') : undefined);
    return h?.name === 'access-control-allow-credentials' && h.value.trim().toLowerCase() === 'true';
  });
  // an `if` around it that matches the Origin against an allowlist
  const checked = ancestors.some((a) => a.name === 'if' && originChecked(a));
  if (checked) return;
  if (reflected && !credentials) return;
  // the responses it applies to: the nearest location (or server); static files are shared on purpose
  const scope = [...ancestors].reverse().find((a) => a.name === 'location' || a.name === 'server');
  const location = [...ancestors].reverse().find((a) => a.name === 'location');
  if (location && STATIC_LOCATION.test(location.args.map((a) => a.value).join(' ')) && !/(^|\/)api(\/|$)/i.test(location.args.map((a) => a.value).join(' '))) return;
  if (!scope || !passesToApp(ctx, scope)) return;
  const what = wildcard ? 'Access-Control-Allow-Origin is "*"' : '';
  ctx.report({
    messageId: reflected ? 'reflectedWithCredentials' : credentials ? 'wildcardWithCredentials' : 'open',
    ...(what ? { data: { what } } : {}),
    range: [d.start, d.end],
  });
}

function moreHeader(d: NginxDirective, name: string): { name: string; value: string } | undefined {
  for (const a of d.args) {
    const colon = a.value.indexOf(':');
    if (colon > 0 && a.value.slice(0, colon).trim().toLowerCase() === name) return { name, value: a.value.slice(colon + 1).trim() };
  }
  return undefined;
}

/** `if ($http_origin ~* "^https://(www\.)?example\.com$")`, `if ($http_origin = https://app.example.com)`. */
function originChecked(ifBlock: NginxDirective): boolean {
  const args = ifBlock.args.map((a) => a.value.replace(/^\(|\)$/g, '')).filter(Boolean);
  const i = args.findIndex((a) => /^\(?\$http_origin\)?$/i.test(a));
  if (i < 0) return false;
  const op = args[i + 1];
  const pattern = args.slice(i + 2).join(' ').replace(/\)$/, '');
  if (!op || !/^(=|!=|~|~\*|!~|!~\*)$/.test(op) || !pattern) return false;
  return !OPEN_REGEX.test(pattern);
}

/** Does the block (or a block inside it) hand requests to an application? */
function passesToApp(ctx: RuleContext, block: NginxDirective, depth = 0): boolean {
  if (depth > 8) return false;
  const { children } = expand(ctx, block.block ?? []);
  for (const c of children) {
    if (PASS.test(c.directive.name)) return true;
    if (c.directive.block && passesToApp(ctx, c.directive, depth + 1)) return true;
  }
  return false;
}
