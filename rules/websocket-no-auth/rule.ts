import { calleeMethod, defineRule, dottedName, getProperty, staticName, stringValue, ts, unwrap } from '../../server/src/engine/api';
import { moduleTest } from '../_lib/httpApps';

/** Words in a called name that say it authenticates: `verifyJWT`, `authenticate`, `getSession`, `checkLogin`, `jwtService.verify`. */
const AUTH_WORDS =
  /auth|verif|jwt|token|session|login|logged|passport|api_?key|credential|signature|permission|guard|principal|whoami|bearer|clerk|lucia|supabase\.auth|firebase|validate_?user|is_?allowed|can_?connect/i;
/** Calls that reject a connection. */
const REJECT = /^(disconnect|close|terminate|destroy|end|reject|deny)$/;
/** Conditions about the caller: a failed one followed by a disconnect is an authentication check. */
const CALLER_CHECK = /auth|token|session|user|jwt|api_?key|secret|cookie|handshake|verified|logged|identity|principal/i;
/** Logger receivers: passing the socket to them exposes nothing. */
const LOGGER = /(^|\.)(console|logger|log|Logger|debug|metrics|Metrics|tracer|span)(\.|$)/;

type FnLike = ts.FunctionLikeDeclaration;

/** The modules `importedModules` must find before a connection handler is judged, and express-ws for `app.ws(…)`. */
const SERVER_MODULES = moduleTest(['ws', 'socket.io']);
const EXPRESS_WS = moduleTest(['express-ws']);

interface ServerInfo {
  readonly kind: 'ws' | 'io';
  readonly options: ts.ObjectLiteralExpression | undefined;
}

export default defineRule({
  id: 'websocket-no-auth',
  title: 'WebSocket connections without authentication',
  summary: 'A WebSocket server accepts connections without authenticating them first.',
  severity: 'error',
  kinds: ['code'],
  scope: 'file',
  checklist: '003 §2.1',
  fixable: false,
  hasSuggestions: false,
  messages: {
    wsConnection: 'The WebSocket server "{{server}}" accepts connections without verifyClient, an authenticating upgrade handler, or a check in its connection handler.',
    ioConnection: 'The socket.io server "{{server}}" accepts connections without an auth middleware ({{server}}.use) or a check in its connection handler.',
    ioNamespace: 'The socket.io namespace {{namespace}} accepts connections without its own auth middleware ({{server}}.use covers only the main namespace).',
    ioNamespaceOpen: 'The socket.io namespace {{namespace}} accepts connections without an auth middleware or a check in its connection handler.',
    gateway: 'The WebSocket gateway {{name}} accepts connections without a guard or a check in handleConnection.',
    route: 'The WebSocket route {{route}} accepts connections without an auth hook, middleware, or a check in its handler.',
  },
  // what each check starts from: a `.on/.once/.addListener('connection' | 'connect', …)` call in a file that loads
  // ws or socket.io, a `@WebSocketGateway()` class, express-ws `app.ws(…)`, a Fastify route with a `websocket`
  // option, Hono's `upgradeWebSocket(…)`
  codeHint: (ids, text) =>
    ((ids.has('on') || ids.has('once') || ids.has('addListener')) && SERVER_MODULES(ids, text) && text.includes('connect')) ||
    ids.has('WebSocketGateway') ||
    (ids.has('ws') && EXPRESS_WS(ids, text)) ||
    ((ids.has('get') || ids.has('all') || ids.has('route')) && (ids.has('websocket') || ids.has('upgradeWebSocket'))),
  check(ctx) {
    const sf = ctx.sourceFile;
    const imports = importedModules(sf);
    const has = (mod: string): boolean => [...imports.values()].includes(mod);
    const importsWs = has('ws');
    const importsIo = has('socket.io');
    const servers = new Map<string, ServerInfo>();
    /** `const admin = io.of('/admin')`: namespace variable → [server, namespace text] */
    const namespaces = new Map<string, { server: string; ns: string }>();
    const functions = topFunctions(sf);
    const text = sf.text;

    // --- servers created in the file (a first pass over the top-level and class bodies is cheap)
    const visitDecl = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && n.initializer) bind(dottedName(n.name) ?? '', n.initializer);
      else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) bind(dottedName(n.left) ?? '', n.right);
      else if (ts.isPropertyDeclaration(n) && n.initializer && ts.isIdentifier(n.name)) bind(`this.${n.name.text}`, n.initializer);
      ts.forEachChild(n, visitDecl);
    };
    function bind(name: string, init: ts.Expression): void {
      if (!name) return;
      const v = unwrap(init);
      const info = serverOf(v);
      if (info) servers.set(name, info);
      // const admin = io.of('/admin')
      if (ts.isCallExpression(v) && calleeMethod(v) === 'of' && ts.isPropertyAccessExpression(unwrap(v.expression))) {
        const srv = dottedName((unwrap(v.expression) as ts.PropertyAccessExpression).expression) ?? '';
        if (isIoName(srv)) namespaces.set(name, { server: srv, ns: v.arguments[0] ? v.arguments[0].getText(sf) : "'/'" });
      }
    }
    /** `new WebSocketServer(opts)`, `new WebSocket.Server(opts)`, `new Server(http, opts)` (socket.io), `require('socket.io')(http, opts)`. */
    function serverOf(v: ts.Node): ServerInfo | undefined {
      if (ts.isNewExpression(v)) {
        const callee = unwrap(v.expression);
        const args = v.arguments ?? [];
        const root = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression.text : '';
        const mod = imports.get(root);
        const last = ts.isPropertyAccessExpression(callee) ? callee.name.text : root;
        if (mod === 'ws' && /^(WebSocketServer|Server|WSServer)$/.test(last)) return { kind: 'ws', options: objectArg(args[0]) };
        if (mod === 'socket.io') return { kind: 'io', options: objectArg(args[1]) ?? objectArg(args[0]) };
        return undefined;
      }
      if (ts.isCallExpression(v)) {
        const callee = unwrap(v.expression);
        // require('socket.io')(server), socketIO(server, opts)
        const mod = ts.isIdentifier(callee) ? imports.get(callee.text) : requiredModule(callee);
        if (mod === 'socket.io') return { kind: 'io', options: objectArg(v.arguments[1]) ?? objectArg(v.arguments[0]) };
      }
      return undefined;
    }
    visitDecl(sf);

    function isIoName(name: string): boolean {
      const info = servers.get(name);
      if (info) return info.kind === 'io';
      return importsIo && /(^|\.)(io|socketServer|socketIo|socketIO|ioServer|realtime)$/.test(name);
    }

    function objectArg(a: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
      if (!a) return undefined;
      const u = unwrap(a);
      return ts.isObjectLiteralExpression(u) ? u : undefined;
    }

    // --- authentication evidence

    /**
     * Does the function (or a same-file function or method it calls, three levels deep) authenticate: call something
     * that does by its name, or reject the connection when a check on the caller fails
     * (`if (!socket.request.session?.userId) return socket.disconnect(true)`)?
     */
    function authenticates(node: ts.Node | undefined, depth = 0, seen = new Set<ts.Node>()): boolean {
      if (!node || seen.has(node) || depth > 3) return false;
      seen.add(node);
      let found = false;
      const visit = (n: ts.Node): void => {
        if (found) return;
        if (ts.isIfStatement(n) && CALLER_CHECK.test(n.expression.getText(sf)) && someCall(n.thenStatement, (c) => REJECT.test(calleeMethod(c) ?? ''))) {
          found = true;
          return;
        }
        if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
          const name = dottedName(n.expression) ?? '';
          if (name && !LOGGER.test(name) && AUTH_WORDS.test(name)) {
            found = true;
            return;
          }
          // next(new Error('unauthorized')) in a middleware
          if (ts.isCallExpression(n) && name === 'next' && n.arguments[0] && ts.isNewExpression(unwrap(n.arguments[0]))) {
            found = true;
            return;
          }
          const target = ts.isCallExpression(n) ? calledFunction(n) : undefined;
          if (target && authenticates(target, depth + 1, seen)) {
            found = true;
            return;
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(node);
      return found;
    }

    /** The same-file function a call reaches: `check(socket)`, `this.processConnection(client)`. */
    function calledFunction(call: ts.CallExpression): ts.Node | undefined {
      const callee = unwrap(call.expression);
      if (ts.isIdentifier(callee)) return functions.get(callee.text);
      if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const cls = findClass(call);
        const m = cls?.members.find((x) => (ts.isMethodDeclaration(x) || ts.isPropertyDeclaration(x)) && staticName(x.name) === callee.name.text);
        return m && ts.isPropertyDeclaration(m) ? m.initializer : m;
      }
      return undefined;
    }

    function resolveFn(e: ts.Expression | undefined): ts.Node | undefined {
      if (!e) return undefined;
      const u = unwrap(e);
      if (ts.isArrowFunction(u) || ts.isFunctionExpression(u)) return u;
      if (ts.isIdentifier(u)) return functions.get(u.text);
      if (ts.isPropertyAccessExpression(u) && u.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const cls = findClass(u);
        return cls?.members.find((x) => ts.isMethodDeclaration(x) && staticName(x.name) === u.name.text);
      }
      // this.handle.bind(this)
      if (ts.isCallExpression(u) && calleeMethod(u) === 'bind' && ts.isPropertyAccessExpression(unwrap(u.expression))) {
        return resolveFn((unwrap(u.expression) as ts.PropertyAccessExpression).expression);
      }
      return undefined;
    }

    /** A middleware that authenticates: written here and checking, or imported with an auth-sounding name. */
    function authMiddleware(mw: ts.Expression): boolean {
      const fn = resolveFn(mw);
      if (fn) return authenticates(fn) || someCall(fn, (c) => REJECT.test(calleeMethod(c) ?? ''));
      return AUTH_WORDS.test(mw.getText(sf)) || /protect|secur|require|ensure|wrap|user|member|access/i.test(mw.getText(sf));
    }

    /** A connection handler that registers nothing, joins nothing, sends nothing: only logs. */
    function trivialHandler(fn: ts.Node): boolean {
      const params = (fn as FnLike).parameters;
      const p = params?.[0];
      if (!p || !ts.isIdentifier(p.name)) return false;
      const sock = p.name.text;
      let uses = false;
      const visit = (n: ts.Node): void => {
        if (uses) return;
        if (ts.isCallExpression(n)) {
          const callee = dottedName(n.expression) ?? '';
          if (callee.startsWith(`${sock}.`)) uses = true;
          else if (!LOGGER.test(callee) && n.arguments.some((a) => ts.isIdentifier(unwrap(a)) && (unwrap(a) as ts.Identifier).text === sock)) uses = true;
        }
        ts.forEachChild(n, visit);
      };
      visit(fn);
      return !uses;
    }

    // --- checks

    function checkWs(server: string, info: ServerInfo | undefined, on: ts.CallExpression, handler: ts.Node | undefined): void {
      if (info?.options && (getProperty(info.options, 'verifyClient') || getProperty(info.options, 'handleProtocols'))) return;
      if (handler && authenticates(handler)) return;
      const noServerProp = info?.options && getProperty(info.options, 'noServer');
      const noServer = !!noServerProp && ts.isPropertyAssignment(noServerProp) && unwrap(noServerProp.initializer).kind === ts.SyntaxKind.TrueKeyword;
      if (noServer || !info) {
        // `noServer`: the app's upgrade handler hands sockets over with `<server>.handleUpgrade`
        const mine = upgradeHandlers().filter((u) => new RegExp(`(^|[^\\w.])${escapeRe(server)}\\.handleUpgrade\\s*\\(`).test(u.getText(sf)));
        // the upgrade is handled in another file: what it checks cannot be seen here
        if (!mine.length) return;
        // (a path check that destroys the socket is not authentication; a 401/403 answer is)
        if (mine.some((u) => authenticates(u) || /\b40[13]\b|unauthori[sz]ed|forbidden/i.test(u.getText(sf)))) return;
      }
      if (handler && trivialHandler(handler)) return;
      ctx.report({ node: on, messageId: 'wsConnection', data: { server } });
    }

    let upgradeCache: ts.Node[] | undefined;
    /** Functions given to `server.on('upgrade', …)` that call `handleUpgrade`. */
    function upgradeHandlers(): ts.Node[] {
      if (upgradeCache) return upgradeCache;
      const out: ts.Node[] = [];
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n) && calleeMethod(n) === 'on' && stringValue(n.arguments[0]) === 'upgrade') {
          const fn = resolveFn(n.arguments[1]);
          if (fn) out.push(fn);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
      return (upgradeCache = out);
    }

    /** `io.use(…)` / `ns.use(…)` calls of the file, by receiver; `io.engine.use(…)` covers every namespace. */
    let useCache: Map<string, ts.CallExpression[]> | undefined;
    function uses(): Map<string, ts.CallExpression[]> {
      if (useCache) return useCache;
      const out = new Map<string, ts.CallExpression[]>();
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n) && calleeMethod(n) === 'use' && ts.isPropertyAccessExpression(unwrap(n.expression))) {
          const recv = chainKey((unwrap(n.expression) as ts.PropertyAccessExpression).expression);
          if (recv) out.set(recv, [...(out.get(recv) ?? []), n]);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
      return (useCache = out);
    }

    function guardedBy(key: string): boolean {
      return (uses().get(key) ?? []).some((c) => c.arguments.some((a) => authMiddleware(a)));
    }

    function checkIo(recv: ts.Expression, on: ts.CallExpression, handler: ts.Node | undefined): void {
      const key = chainKey(recv) ?? '';
      // io.of('/admin').use(auth).on('connection', …) or .on('connection', …).use(auth): the middleware is in the chain
      if (chainHasAuthUse(recv) || chainContinuesWithAuthUse(on)) return;
      let server = key;
      let ns: string | undefined;
      const nsVar = namespaces.get(key);
      if (nsVar) {
        server = nsVar.server;
        ns = nsVar.ns;
      } else {
        const u = unwrap(recv);
        if (ts.isCallExpression(u) && calleeMethod(u) === 'of') {
          server = chainKey((unwrap(u.expression) as ts.PropertyAccessExpression).expression) ?? key;
          ns = u.arguments[0] ? u.arguments[0].getText(sf) : undefined;
        } else if (/\.sockets$/.test(key)) server = key.replace(/\.sockets$/, '');
      }
      if (ns && /^['"`]\/['"`]$/.test(ns)) ns = undefined;
      if (ns && /^['"`][^'"`]*['"`]$/.test(ns)) ns = `"${ns.slice(1, -1)}"`;
      const info = servers.get(server);
      if (info?.options && getProperty(info.options, 'allowRequest')) return;
      if (new RegExp(`${escapeRe(server)}\\.engine\\.use\\s*\\(`).test(text)) return;
      if (ns ? guardedBy(key) : guardedBy(server) || guardedBy(`${server}.sockets`)) return;
      if (handler && authenticates(handler)) return;
      // a handler that only logs, on a server that broadcasts nothing (in the function that sets it up)
      const scope = enclosingFn(on) ?? sf;
      if (handler && trivialHandler(handler) && !new RegExp(`${escapeRe(server)}\\.(emit|to|in|local|sockets\\.emit)\\s*\\(`).test(scope.getText(sf))) return;
      // a namespace of a server whose main namespace is guarded: `io.use` does not reach it
      const messageId = !ns ? 'ioConnection' : guardedBy(server) ? 'ioNamespace' : 'ioNamespaceOpen';
      ctx.report({ node: on, messageId, data: { namespace: ns ?? '"/"', server } });
    }

    /** `.on('connection', h).use(auth)`: `on` returns the namespace, so a `use` after it still guards it. */
    function chainContinuesWithAuthUse(on: ts.CallExpression): boolean {
      let n: ts.Node = on;
      for (let i = 0; i < 10; i++) {
        const p = n.parent;
        if (!p || !ts.isPropertyAccessExpression(p) || !p.parent || !ts.isCallExpression(p.parent) || p.parent.expression !== p) return false;
        if (p.name.text === 'use' && p.parent.arguments.some((a) => authMiddleware(a))) return true;
        n = p.parent;
      }
      return false;
    }

    function chainHasAuthUse(recv: ts.Expression): boolean {
      let n: ts.Node = unwrap(recv);
      for (let i = 0; i < 10 && ts.isCallExpression(n); i++) {
        if (calleeMethod(n) === 'use' && n.arguments.some((a) => authMiddleware(a))) return true;
        const callee = unwrap(n.expression);
        if (!ts.isPropertyAccessExpression(callee)) break;
        n = unwrap(callee.expression);
      }
      return false;
    }

    function onConnection(call: ts.CallExpression): void {
      const method = calleeMethod(call);
      if (method !== 'on' && method !== 'addListener' && method !== 'once') return;
      const ev = stringValue(call.arguments[0]);
      if (ev !== 'connection' && ev !== 'connect') return;
      const callee = unwrap(call.expression);
      if (!ts.isPropertyAccessExpression(callee)) return;
      const recv = callee.expression;
      const key = chainKey(recv) ?? '';
      const handler = resolveFn(call.arguments[1]);
      const info = servers.get(key);
      if (info?.kind === 'ws' || (!info && importsWs && !importsIo && /(^|\.)(wss|wsServer|webSocketServer|socketServer|server)$/i.test(key) && wsParam(handler))) {
        checkWs(key, info, call, handler);
        return;
      }
      if (info?.kind === 'io' || namespaces.has(key) || isIoChain(recv)) checkIo(recv, call, handler);
    }

    /** The connection handler's first parameter is typed as a ws `WebSocket`. */
    function wsParam(fn: ts.Node | undefined): boolean {
      const p = fn && (fn as FnLike).parameters?.[0];
      return !!p?.type && /WebSocket/.test(p.type.getText(sf));
    }

    function isIoChain(recv: ts.Expression): boolean {
      const u = unwrap(recv) as ts.Expression;
      const key = chainKey(u) ?? '';
      if (isIoName(key) || isIoName(key.replace(/\.sockets$/, ''))) return true;
      if (ts.isCallExpression(u)) {
        const callee = unwrap(u.expression);
        if (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'of' || callee.name.text === 'use')) return isIoChain(callee.expression);
      }
      return false;
    }

    /** Nest: @WebSocketGateway() class without a guard, an init middleware, or a check in handleConnection. */
    function checkGateway(cls: ts.ClassDeclaration): void {
      const deco = (ts.getDecorators(cls) ?? []).find((d) => ts.isCallExpression(d.expression) && dottedName(d.expression.expression) === 'WebSocketGateway');
      if (!deco) return;
      const call = deco.expression as ts.CallExpression;
      const opts = call.arguments.map((a) => objectArg(a)).find(Boolean);
      if (opts && (getProperty(opts, 'verifyClient') || getProperty(opts, 'allowRequest'))) return;
      const decorated = (n: ts.Node, name: RegExp): boolean => (ts.canHaveDecorators(n) ? ts.getDecorators(n) ?? [] : []).some((d) => name.test(d.expression.getText(sf)));
      if (decorated(cls, /^(UseGuards|Auth|Authorized|Roles)\b/) || cls.members.some((m) => decorated(m, /^(UseGuards|Auth|Authorized)\b/))) return;
      const method = (name: string) => cls.members.find((m) => ts.isMethodDeclaration(m) && staticName(m.name) === name);
      const init = method('afterInit');
      if (init && someCall(init, (c) => calleeMethod(c) === 'use')) return;
      const conn = method('handleConnection');
      if (conn && (authenticates(conn) || someCall(conn, (c) => REJECT.test(calleeMethod(c) ?? '')))) return;
      ctx.report({ node: deco, messageId: 'gateway', data: { name: cls.name?.text ?? 'class' } });
    }

    /** @fastify/websocket `{ websocket: true }` routes, express-ws `app.ws(…)`, Hono `upgradeWebSocket(…)`. */
    function checkRoute(call: ts.CallExpression): void {
      const method = calleeMethod(call) ?? '';
      const args = call.arguments;
      const path = stringValue(args[0]);
      // express-ws: app.ws('/path', ...middlewares, handler)
      if (method === 'ws' && path !== undefined && has('express-ws') && args.length >= 2) {
        const mws = args.slice(1, -1);
        if (mws.some((m) => authMiddleware(m))) return;
        if (authenticates(resolveFn(args[args.length - 1]))) return;
        ctx.report({ node: call, messageId: 'route', data: { route: path } });
        return;
      }
      if (!/^(get|all|route)$/.test(method)) return;
      // fastify.get('/ws', { websocket: true, preValidation }, handler) / fastify.route({ url, websocket: true, handler })
      const opts = method === 'route' ? objectArg(args[0]) : objectArg(args[1]);
      const ws = opts && getProperty(opts, 'websocket');
      if (opts && ws && ts.isPropertyAssignment(ws) && unwrap(ws.initializer).kind === ts.SyntaxKind.TrueKeyword) {
        if (['preValidation', 'onRequest', 'preHandler', 'preParsing'].some((k) => getProperty(opts, k))) return;
        if (/\.addHook\s*\(\s*['"](onRequest|preValidation|preHandler|preParsing)['"]/.test(text) || /\.register\s*\(\s*\w*(auth|jwt|session|passport)\w*/i.test(text)) return;
        const handler = method === 'route' ? propFn(opts, 'wsHandler') ?? propFn(opts, 'handler') : resolveFn(args[2]);
        if (authenticates(handler)) return;
        const url = method === 'route' ? stringValue((getProperty(opts, 'url') as ts.PropertyAssignment | undefined)?.initializer) : path;
        ctx.report({ node: call, messageId: 'route', data: { route: url ?? 'route' } });
        return;
      }
      // Hono: app.get('/ws', ...middlewares, upgradeWebSocket((c) => ({ … })))
      const last = args[args.length - 1] && unwrap(args[args.length - 1]);
      if (path !== undefined && last && ts.isCallExpression(last) && /(^|\.)upgradeWebSocket$/.test(dottedName(last.expression) ?? '')) {
        const mws = args.slice(1, -1);
        if (mws.some((m) => authMiddleware(m))) return;
        if (authenticates(last)) return;
        ctx.report({ node: call, messageId: 'route', data: { route: path } });
      }
    }

    function propFn(o: ts.ObjectLiteralExpression, key: string): ts.Node | undefined {
      const p = getProperty(o, key);
      if (!p) return undefined;
      if (ts.isMethodDeclaration(p)) return p;
      if (ts.isPropertyAssignment(p)) return resolveFn(p.initializer);
      return undefined;
    }

    return {
      CallExpression(call: ts.CallExpression) {
        onConnection(call);
        checkRoute(call);
      },
      ClassDeclaration(cls: ts.ClassDeclaration) {
        checkGateway(cls);
      },
    };
  },
});

/** `io`, `this.io`, `io.sockets`, `io.of('/x')` → a key; a chain with calls other than `of` has none. */
function chainKey(e: ts.Expression): string | undefined {
  const u = unwrap(e);
  const d = dottedName(u);
  if (d && !d.includes('()')) return d;
  if (ts.isCallExpression(u) && calleeMethod(u) === 'of') {
    const callee = unwrap(u.expression) as ts.PropertyAccessExpression;
    const base = chainKey(callee.expression);
    return base ? `${base}.of(${u.arguments[0]?.getText() ?? ''})` : undefined;
  }
  return undefined;
}

function enclosingFn(n: ts.Node): ts.Node | undefined {
  for (let p: ts.Node | undefined = n.parent; p; p = p.parent) if (ts.isFunctionLike(p)) return p;
  return undefined;
}

function someCall(node: ts.Node, test: (c: ts.CallExpression) => boolean): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && test(n)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function findClass(n: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let p: ts.Node | undefined = n.parent; p; p = p.parent) if (ts.isClassLike(p)) return p;
  return undefined;
}

/** Top-level functions by name: declarations and `const f = () => …`. */
function topFunctions(sf: ts.SourceFile): Map<string, ts.Node> {
  const out = new Map<string, ts.Node>();
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name) out.set(st.name.text, st);
    else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && unwrap(d.initializer);
        if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) out.set(d.name.text, init);
      }
    } else if (ts.isExportAssignment(st)) continue;
  }
  return out;
}

/** Local name → module, for imports and requires. */
function importedModules(sf: ts.SourceFile): Map<string, string> {
  const out = new Map<string, string>();
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const mod = st.moduleSpecifier.text;
      const c = st.importClause;
      if (!c) {
        out.set(`\0${mod}`, mod);
        continue;
      }
      if (c.name) out.set(c.name.text, mod);
      const b = c.namedBindings;
      if (b && ts.isNamespaceImport(b)) out.set(b.name.text, mod);
      if (b && ts.isNamedImports(b)) for (const el of b.elements) out.set(el.name.text, mod);
      if (!c.name && !b) out.set(`\0${mod}`, mod);
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const mod = d.initializer && requiredModule(d.initializer);
        if (!mod) continue;
        if (ts.isIdentifier(d.name)) out.set(d.name.text, mod);
        else if (ts.isObjectBindingPattern(d.name)) for (const el of d.name.elements) if (ts.isIdentifier(el.name)) out.set(el.name.text, mod);
      }
    } else if (ts.isExpressionStatement(st)) {
      // require('express-ws')(app)
      const e = unwrap(st.expression);
      if (ts.isCallExpression(e)) {
        const mod = requiredModule(e.expression) ?? requiredModule(e);
        if (mod) out.set(`\0${mod}`, mod);
      }
    }
  }
  return out;
}

function requiredModule(e: ts.Node): string | undefined {
  let u = unwrap(e);
  if (ts.isCallExpression(u) && ts.isCallExpression(unwrap(u.expression))) u = unwrap(u.expression); // require('x')(app)
  if (ts.isPropertyAccessExpression(u)) u = unwrap(u.expression);
  if (ts.isCallExpression(u) && ts.isIdentifier(u.expression) && u.expression.text === 'require') return stringValue(u.arguments[0]);
  return undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
