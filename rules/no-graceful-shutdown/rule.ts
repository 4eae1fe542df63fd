import { defineRule, dottedName, isDevGated, stringValue, ts, unwrap, type Fix, type RuleContext } from '../../server/src/engine/api';
import {
  appCreation,
  bareModule,
  bindingOf,
  initializerOf,
  isDevServerModule,
  isSampleOrLocalPath,
  isServerlessPackage,
  moduleBindings,
  moduleTest,
  requireTarget,
  type Framework,
  type ModuleBindings,
} from '../_lib/httpApps';

const FACT = 'shutdown-handler';

/** Packages that install SIGTERM/SIGINT handling (or drain servers on it) once imported. `@nestjs/terminus` is health checks: not here. */
const SHUTDOWN_MODULES = new Set([
  'close-with-grace',
  '@godaddy/terminus',
  'http-terminator',
  'lightship',
  'http-graceful-shutdown',
  '@moebius/http-graceful-shutdown',
  'fastify-graceful-shutdown',
  '@mgcrea/fastify-graceful-exit',
  'exit-hook',
  'async-exit-hook',
  'signal-exit',
  'death',
  'node-graceful',
  'node-graceful-shutdown',
  '@neurocode.io/k8s-graceful-shutdown',
  'nestjs-graceful-shutdown',
  'graceful-shutdown-express',
  '@hono/node-server/graceful',
]);

const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
const SIGNALS = /^SIG(TERM|INT)$/;

/** Names an app or server imported from another module usually has: `import app from './app'; app.listen(…)`. */
const APP_NAME = /^(app|server|httpServer|httpsServer|webServer|apiServer|appServer|application|api|srv|fastify|instance|expressApp|koaApp|nestApp|honoApp|mainApp|service)$/i;

/** Packages whose presence says the package runs an HTTP server (for apps whose creation is in another module). */
const SERVER_DEPS = ['express', 'koa', 'fastify', '@nestjs/core', 'hono', '@hono/node-server', 'polka', 'restify', 'apollo-server', 'apollo-server-express', '@hapi/hapi', 'graphql-yoga', 'h3', 'connect'];
/** Desktop and editor hosts: no orchestrator sends them SIGTERM to drain. */
const DESKTOP_DEPS = ['electron', 'vscode', '@types/vscode', '@tauri-apps/api'];

const QUEUE_MODULES = new Set(['bullmq', '@taskforcesh/bullmq-pro', 'bullmq-pro']);
const BULL_MODULES = new Set(['bull', 'bee-queue']);

type Target = Framework | 'unknown';

/** Code hints: the modules each fact or report needs (compared as `moduleBindings` and `requireTarget` give them). */
const SHUTDOWN_MODULE = moduleTest(SHUTDOWN_MODULES, { dynamic: true });
const PROCESS_MODULE = moduleTest(['process', 'node:process'], { dynamic: true });
const HONO_SERVER = moduleTest(['@hono/node-server'], { dynamic: true });
const BULL_MODULE = moduleTest(BULL_MODULES, { dynamic: true });
const QUEUE_MODULE = moduleTest(QUEUE_MODULES, { dynamic: true });
const LISTENER_NAMES = [...LISTENER_METHODS];
const SIGNAL_TEXT = /SIG(?:TERM|INT)/;

const LIBRARY_DIR = /(^|\/)(packages|libs|internal-packages)\/[^/]+\//;

export default defineRule({
  id: 'no-graceful-shutdown',
  title: 'Server without graceful shutdown',
  summary: 'A long-running server or worker has no SIGTERM/SIGINT handling, so deploys cut in-flight requests and jobs.',
  severity: 'warning',
  kinds: ['code'],
  scope: 'project',
  checklist: '003 §3.1',
  fixable: true,
  hasSuggestions: false,
  messages: {
    server: 'The server started by {{call}} has no SIGTERM or SIGINT handler in its package.',
    worker: 'The {{lib}} worker{{queue}} has no SIGTERM or SIGINT handler in its package.',
  },
  // facts: a shutdown module loaded, `process.on('SIGTERM' | 'SIGINT', …)` (or `on(sig, …)` in a file naming one),
  // `enableShutdownHooks()`, `Deno.addSignalListener`; reports, outside sample paths: a `.listen(` call,
  // @hono/node-server's `serve`, `Bun.serve`, `queue.process` on a Bull queue, a BullMQ `new Worker`
  codeHint: (ids, text, { path }) =>
    SHUTDOWN_MODULE(ids, text) ||
    ids.has('enableShutdownHooks') ||
    (ids.has('addSignalListener') && ids.has('Deno')) ||
    (LISTENER_NAMES.some((n) => ids.has(n)) && (ids.has('process') || PROCESS_MODULE(ids, text)) && SIGNAL_TEXT.test(text)) ||
    ((ids.has('listen') ||
      (ids.has('serve') && (ids.has('Bun') || HONO_SERVER(ids, text))) ||
      (ids.has('process') && BULL_MODULE(ids, text)) ||
      (ids.has('Worker') && QUEUE_MODULE(ids, text))) &&
      !isSampleOrLocalPath(path)),
  check(ctx) {
    const sf = ctx.sourceFile;
    const b = moduleBindings(sf);
    for (const m of b.modules) if (SHUTDOWN_MODULES.has(m)) ctx.fact(FACT);
    const mentionsSignal = /SIG(TERM|INT)/.test(ctx.file.text);
    const pkg = ctx.packageJson;
    const reportable =
      !ctx.file.roles.script &&
      !pkg?.hasBin &&
      !isSampleOrLocalPath(ctx.file.path) &&
      !isServerlessPackage(pkg) &&
      !DESKTOP_DEPS.some((d) => pkg?.dependencies.has(d));
    const serverPackage = !!pkg && SERVER_DEPS.some((d) => pkg.dependencies.has(d));
    // A shared library of a monorepo (`packages/queue`) runs inside whichever app imports it: any handler of the
    // project counts. An app (`apps/api`, a single-package repo) must handle the signals itself or in a dependency.
    const scope = LIBRARY_DIR.test(ctx.file.path) ? 'project' : 'package';
    const importsHttp = [...b.modules].some((m) => /^(node:)?(http|https|http2)$/.test(m));

    // Held until the end of the file: a fix is offered only when the file starts one server or worker, since one
    // handler that exits after closing one of several would cut the others.
    const pending: { at: ts.Node; messageId: 'server' | 'worker'; data: Record<string, string>; fix: () => Fix | undefined }[] = [];
    function report(at: ts.Node, messageId: 'server' | 'worker', data: Record<string, string>, fix: () => Fix | undefined): void {
      if (isDevGated(at)) return;
      pending.push({ at, messageId, data, fix });
    }

    /** What a `.listen(` receiver is: a framework, 'unknown' (an app from another module), or undefined (not a server we judge). */
    function receiverKind(receiver: ts.Expression): Target | undefined {
      const r = unwrap(receiver);
      if (ts.isCallExpression(r) || ts.isNewExpression(r)) return appCreation(r, b);
      if (!ts.isIdentifier(r)) return undefined;
      const init = initializerOf(r);
      if (init) {
        const fw = appCreation(init, b);
        if (fw) return fw;
        if (fromDevModule(init, b)) return undefined;
        // an http server returned by a listen call: `const server = app.listen(); server.listen()` is rare; judge by name
      } else {
        const bind = bindingOf(r, b);
        if (bind && isDevServerModule(bind.module)) return undefined;
      }
      if (!APP_NAME.test(r.text)) return undefined;
      return serverPackage || importsHttp ? 'unknown' : undefined;
    }

    return {
      CallExpression(node: ts.CallExpression) {
        const callee = unwrap(node.expression);
        // facts: process.on('SIGTERM', …), app.enableShutdownHooks(), require('close-with-grace')
        if (ts.isPropertyAccessExpression(callee)) {
          const method = callee.name.text;
          if (LISTENER_METHODS.has(method) && isProcess(callee.expression, b)) {
            const sig = stringValue(node.arguments[0]);
            if (sig !== undefined ? SIGNALS.test(sig) : mentionsSignal) ctx.fact(FACT);
          } else if (method === 'enableShutdownHooks') ctx.fact(FACT);
          else if (method === 'addSignalListener' && dottedName(callee.expression) === 'Deno') ctx.fact(FACT);
        } else {
          const req = requireTarget(node);
          if (req && SHUTDOWN_MODULES.has(req.module)) ctx.fact(FACT);
        }
        if (!reportable) return;

        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'listen') {
          const receiver = unwrap(callee.expression);
          // `this.server.listen(…)` / `ctx.app.listen(…)`: a component's method, started by whoever calls it
          if (!ts.isIdentifier(receiver) && !ts.isCallExpression(receiver) && !ts.isNewExpression(receiver)) return;
          const kind = receiverKind(receiver);
          if (!kind) return;
          // an ephemeral port is a throwaway server (OAuth callback catchers, probes)
          const first = node.arguments[0] ? unwrap(node.arguments[0]) : undefined;
          if (first && ts.isNumericLiteral(first) && first.text === '0') return;
          const name = ts.isIdentifier(receiver) ? receiver.text : undefined;
          const made = !name && (ts.isCallExpression(receiver) || ts.isNewExpression(receiver)) ? dottedName(receiver.expression) : undefined;
          const label = name ? `${name}.listen()` : made && made.length <= 40 ? `${ts.isNewExpression(receiver) ? 'new ' : ''}${made}(…).listen()` : 'listen()';
          report(callee.name, 'server', { call: label }, () => listenFix(ctx, node, kind, name));
          return;
        }
        // Hono on Node: serve({ fetch: app.fetch, port }) from @hono/node-server; Bun.serve({ fetch })
        if (ts.isIdentifier(callee)) {
          const bind = b.names.get(callee.text);
          if (bind && bareModule(bind.module) === '@hono/node-server' && bind.imported === 'serve') {
            report(callee, 'server', { call: `${callee.text}()` }, () => boundCloseFix(ctx, node, 'node-http'));
          }
          return;
        }
        if (ts.isPropertyAccessExpression(callee) && dottedName(callee) === 'Bun.serve') {
          report(callee.name, 'server', { call: 'Bun.serve()' }, () => undefined);
          return;
        }
        // Bull / Bee-Queue: queue.process(…) on a queue created in this file
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'process' && ts.isIdentifier(unwrap(callee.expression))) {
          const init = initializerOf(callee.expression);
          if (init && isBullQueue(init, b)) {
            const q = init.arguments?.[0];
            const queueName = (callee.expression as ts.Identifier).text;
            report(callee.name, 'worker', { lib: 'Bull', queue: queueLabel(q) }, () => receiverCloseFix(ctx, node, queueName));
          }
        }
      },
      NewExpression(node: ts.NewExpression) {
        if (!reportable) return;
        const callee = unwrap(node.expression);
        const bind = ts.isIdentifier(callee) ? b.names.get(callee.text) : ts.isPropertyAccessExpression(callee) ? bindingOf(callee.expression, b) : undefined;
        if (!bind || !QUEUE_MODULES.has(bind.module)) return;
        const cls = ts.isIdentifier(callee) ? bind.imported : (callee as ts.PropertyAccessExpression).name.text;
        if (cls !== 'Worker') return;
        report(node, 'worker', { lib: 'BullMQ', queue: queueLabel(node.arguments?.[0]) }, () => boundCloseFix(ctx, node, 'worker'));
      },
      end() {
        const single = pending.length === 1;
        for (const p of pending) {
          ctx.report({ node: p.at, messageId: p.messageId, data: p.data, fix: single ? p.fix() : undefined, unless: { fact: FACT, scope } });
        }
      },
    };
  },
});

function isProcess(e: ts.Expression, b: ModuleBindings): boolean {
  const name = dottedName(e);
  if (name === 'process' || name === 'globalThis.process' || name === 'global.process') {
    // `import process from 'node:process'` is the same object; any other import named `process` is not
    const bind = b.names.get('process');
    return !bind || /^(node:)?process$/.test(bind.module);
  }
  const bind = bindingOf(e, b);
  return !!bind && /^(node:)?process$/.test(bind.module) && (bind.imported === 'default' || bind.imported === '*');
}

function fromDevModule(init: ts.Expression, b: ModuleBindings): boolean {
  const n = unwrap(init);
  if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) return false;
  let root: ts.Node = unwrap(n.expression);
  while (ts.isPropertyAccessExpression(root)) root = unwrap(root.expression);
  const bind = bindingOf(root, b);
  return !!bind && isDevServerModule(bind.module);
}

function isBullQueue(init: ts.Expression, b: ModuleBindings): init is ts.NewExpression | ts.CallExpression {
  if (!ts.isNewExpression(init) && !ts.isCallExpression(init)) return false;
  const bind = bindingOf(init.expression, b);
  return !!bind && BULL_MODULES.has(bind.module);
}

/** ` for queue "emails"`, ` for queue QUEUE_NAMES.reports`, or nothing. */
function queueLabel(arg: ts.Expression | undefined): string {
  const s = arg ? stringValue(arg) : undefined;
  if (s !== undefined) return ` for queue "${s}"`;
  const name = arg ? dottedName(arg) : undefined;
  return name && name.length <= 40 ? ` for queue ${name}` : '';
}

// ---------------------------------------------------------------------------------------------------------
// Fixes: handlers that close what the statement named, inserted after it in the file's style.

/** The statement whose whole expression is `call` (through `await`, parentheses and `.on(…)` chains), directly in a block. */
function ownStatement(call: ts.Expression): { stmt: ts.Statement; bound: string | undefined; awaited: boolean } | undefined {
  let e: ts.Node = call;
  let awaited = false;
  let promised = false;
  for (;;) {
    const p: ts.Node = e.parent;
    if (ts.isAwaitExpression(p)) awaited = true;
    if (ts.isAwaitExpression(p) || ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p)) {
      e = p;
      continue;
    }
    // app.listen(port).on('error', …) returns the server; fastify.listen(…).catch(…) a promise
    if (ts.isPropertyAccessExpression(p) && p.expression === e && /^(on|once|then|catch|finally)$/.test(p.name.text) && ts.isCallExpression(p.parent) && p.parent.expression === p) {
      if (!/^(on|once)$/.test(p.name.text)) promised = true;
      e = p.parent;
      continue;
    }
    break;
  }
  const p = e.parent;
  let stmt: ts.Statement | undefined;
  let bound: string | undefined;
  if (ts.isExpressionStatement(p)) stmt = p;
  else if (ts.isVariableDeclaration(p) && p.initializer === e && ts.isIdentifier(p.name)) {
    const list = p.parent;
    if (ts.isVariableDeclarationList(list) && list.declarations.length === 1 && ts.isVariableStatement(list.parent)) {
      stmt = list.parent;
      bound = p.name.text;
    }
  } else if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === e && ts.isIdentifier(p.left) && ts.isExpressionStatement(p.parent)) {
    stmt = p.parent;
    bound = p.left.text;
  }
  if (!stmt || !(ts.isBlock(stmt.parent) || ts.isSourceFile(stmt.parent))) return undefined;
  // `const x = server.listen().then(…)` binds a promise, not the server
  return { stmt, bound: promised ? undefined : bound, awaited: awaited || promised };
}

const FIX_TITLE = 'Close it on SIGTERM and SIGINT';

function handlersAfter(ctx: RuleContext, stmt: ts.Statement, close: string): Fix {
  const st = ctx.style;
  const indent = st.indentAt(stmt.getStart(ctx.sourceFile));
  const semi = st.semicolons ? ';' : '';
  const line = (sig: string) => `process.on(${st.str(sig)}, () => ${close})${semi}`;
  return { title: FIX_TITLE, edits: [{ start: stmt.getEnd(), end: stmt.getEnd(), text: `${st.eol}${indent}${line('SIGTERM')}${st.eol}${indent}${line('SIGINT')}` }] };
}

const exitAfterCallback = (name: string) => `${name}.close(() => process.exit(0))`;
const exitAfterPromise = (name: string) => `${name}.close().then(() => process.exit(0))`;

function listenFix(ctx: RuleContext, call: ts.CallExpression, kind: Target, receiver: string | undefined): Fix | undefined {
  const own = ownStatement(call);
  if (!own) return undefined;
  if (kind === 'nest') {
    if (!receiver) return undefined;
    const st = ctx.style;
    const at = own.stmt.getStart(ctx.sourceFile);
    return { title: 'Enable Nest shutdown hooks', edits: [{ start: at, end: at, text: `${receiver}.enableShutdownHooks()${st.semicolons ? ';' : ''}${st.eol}${st.indentAt(at)}` }] };
  }
  if (kind === 'fastify') return receiver ? handlersAfter(ctx, own.stmt, exitAfterPromise(receiver)) : undefined;
  // listen() of Express, Koa and Node servers returns the http.Server
  const serverLike = kind === 'express' || kind === 'koa' || kind === 'node-http' || kind === 'tcp' || kind === 'smtp' || kind === 'unknown';
  if (!serverLike) return undefined;
  if (own.bound && !own.awaited) return handlersAfter(ctx, own.stmt, exitAfterCallback(own.bound));
  if ((kind === 'node-http' || kind === 'tcp' || kind === 'smtp') && receiver) return handlersAfter(ctx, own.stmt, exitAfterCallback(receiver));
  return undefined;
}

/** `const server = serve(…)` / `const worker = new Worker(…)`: close the bound name. */
function boundCloseFix(ctx: RuleContext, node: ts.Expression, kind: 'node-http' | 'worker'): Fix | undefined {
  const own = ownStatement(node);
  if (!own?.bound || own.awaited) return undefined;
  return handlersAfter(ctx, own.stmt, kind === 'worker' ? exitAfterPromise(own.bound) : exitAfterCallback(own.bound));
}

/** `queue.process(…)`: close the queue it runs on. */
function receiverCloseFix(ctx: RuleContext, node: ts.Expression, receiver: string): Fix | undefined {
  const own = ownStatement(node);
  return own ? handlersAfter(ctx, own.stmt, exitAfterPromise(receiver)) : undefined;
}
