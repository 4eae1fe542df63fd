import { defineRule, getPropertyValue, stringValue, ts, unwrap, type CodeNames, type CodeVisitor } from '../../server/src/engine/api';
import {
  appCreation,
  bareModule,
  fileRoute,
  initializerOf,
  isAuthPath,
  isSampleOrLocalPath,
  moduleBindings,
  moduleTest,
  requireTarget,
  type FileRoute,
  type ModuleBindings,
} from '../_lib/httpApps';
import { runtimeSide } from '../_lib/runtimeSide';

const FACT = 'rate-limiter';

/** Rate-limiting middleware and libraries: importing one counts for the package. */
const LIMITER_MODULES = new Set([
  'express-rate-limit',
  'rate-limiter-flexible',
  '@fastify/rate-limit',
  'fastify-rate-limit',
  '@nestjs/throttler',
  '@upstash/ratelimit',
  'koa-ratelimit',
  'koa2-ratelimit',
  'hono-rate-limiter',
  'express-slow-down',
  'express-brute',
  'express-limiter',
  'rate-limit-redis',
  'rate-limit-mongo',
  'limiter',
  'ratelimiter',
  'async-ratelimiter',
  '@unkey/ratelimit',
  'next-rate-limit',
  'elysia-rate-limit',
  '@elysiajs/rate-limit',
  '@convex-dev/rate-limiter',
  'nestjs-throttler-storage-redis',
  '@nest-lab/throttler-storage-redis',
  'express-rate-limiter',
  '@koa/ratelimit',
]);
const LIMITER_PREFIXES = /^(@arcjet\/|@hono-rate-limiter\/|@trpc-limiter\/|@upstash\/ratelimit)/;

/** Words of an auth route's path or a Nest controller's: a file without any registers no auth route by call or decorator. */
const AUTH_TEXT = /log-?in|sign-?in|sign_in|sign-?up|sign_up|logon|register|forgot|reset|password|token|otp|2fa|mfa|two-?factor|magic|authenticate|auth/i;

/** A limiter of your own: `rateLimit(…)`, `new RateLimiter(…)`, `checkRateLimit(req)`, `@Throttle()`, `ThrottlerGuard`, `env.RATE_LIMITER.limit()`. */
const LIMITER_NAME = /rate_?limit|throttler/i;
/** Text every limiter module, name or call contains (the check's gate for limiter calls and decorators). */
const LIMITER_TEXT = /rate.?limit|throttl|limiter|slow-down|brute|arcjet/i;

/**
 * Cheap tests before `fileRoute`'s: every file route it knows is an `app/…/route.ts` or under pages/api/,
 * app/routes/, src/routes/, server/api/ or server/routes/, and every path `isAuthPath` accepts has one of these
 * words once lower-cased and stripped of punctuation, as it reads them.
 */
const FILE_ROUTE_PATH = /[\\/]route\.[cm]?[jt]sx?$|(?:^|[\\/])(?:pages[\\/]api|app[\\/]routes|src[\\/]routes|server[\\/](?:api|routes))[\\/]/;
const AUTH_PATH_WORD = /log|sign|auth|magic|otp|twofactor|2fa|mfa|register|token|forgot|reset|recover/;

function isFileAuthRoute(path: string): boolean {
  if (!FILE_ROUTE_PATH.test(path) || !AUTH_PATH_WORD.test(path.toLowerCase().replace(/[^a-z0-9]/g, ''))) return false;
  const route = fileRoute(path);
  return !!route && isAuthPath(route.path);
}

/** Route registration methods that take a body (a login is a POST; `all` and `route().post()` too). */
const WRITE_METHODS = new Set(['post', 'put', 'patch', 'all']);
/** Modules whose files register routes. */
const ROUTER_MODULES = /^(express|express-promise-router|@koa\/router|koa-router|koa|fastify|hono|polka|restify|h3|elysia|itty-router|@hapi\/hapi|hyper-express|ultimate-express)(\/|$)/;
/** HTTP clients: `axios.post('/login', body)` is a request, not a route. */
const CLIENT_NAME = /^(axios|http|https|client|apiClient|httpClient|fetcher|request|superagent|ky|got|\$http|\$fetch|ofetch|agent|supertest|api\$|instance|axiosInstance)$/i;

const NEST_METHODS: Record<string, string> = { Post: 'POST', Put: 'PUT', Patch: 'PATCH', All: 'ALL' };

/**
 * Every spelling of the names the check lower-cases (`.post(`, `.POST(`), for the code hint: the lower-case ones
 * first, then upper-case and capitalised, then the rest (a file with none looks every one up).
 */
function spellings(words: Iterable<string>): string[] {
  const all = [...words].flatMap((w) => {
    let out = [''];
    for (const c of w) out = out.flatMap((p) => [p + c, p + c.toUpperCase()]);
    return out;
  });
  const rank = (s: string): number => (s === s.toLowerCase() ? 0 : s === s.toUpperCase() ? 1 : s === s[0].toUpperCase() + s.slice(1).toLowerCase() ? 2 : 3);
  return all.sort((a, b) => rank(a) - rank(b));
}
const WRITE_NAMES = spellings(WRITE_METHODS);
const ROUTE_NAMES = spellings(['route']);
/** What `isRouteRegistration` accepts: a handler's first parameter by name, or a router / app module (`ROUTER_MODULES`, `appCreation`'s). */
const HANDLER_PARAMS = ['req', 'request', 'ctx', 'context', 'c', 'event'];
const ROUTER_MODULE_TEXT = /['"`](?:node:)?(?:express|express-promise-router|@koa\/router|koa-router|koa|fastify|hono|polka|restify|h3|elysia|itty-router|@hapi\/hapi|hyper-express|ultimate-express|https?|http2|spdy|net|tls|smtp-server|@nestjs\/core)[/'"`]/;

/**
 * Could the check report a route registration here? A file with auth words (its own gate) and `x.post(…)`-like
 * calls the check accepts as registrations, `x.route({ method, url, handler })`, or a Nest controller's write
 * decorator (`@Controller()` + `@Post()`, judged when auth or limiter words are in the text).
 */
function mayRegisterRoute(ids: CodeNames, text: string): boolean {
  const calls =
    (WRITE_NAMES.some((n) => ids.has(n)) && (HANDLER_PARAMS.some((n) => ids.has(n)) || (ids.has('NestFactory') && ids.has('create')) || ROUTER_MODULE_TEXT.test(text))) ||
    (ids.has('handler') && ids.has('method') && (ids.has('url') || ids.has('path')) && ROUTE_NAMES.some((n) => ids.has(n)));
  if (calls && AUTH_TEXT.test(text)) return true;
  const nest = ids.has('Controller') && (ids.has('Post') || ids.has('Put') || ids.has('Patch') || ids.has('All'));
  return nest && (AUTH_TEXT.test(text) || LIMITER_TEXT.test(text));
}

/** Limiter modules that name no limit or throttle: their files are found by name, the others by `LIMIT_WORD`. */
const UNNAMED_LIMITERS = moduleTest(['express-slow-down', 'express-brute'], { dynamic: true });
/** Every limiter name and module but those above and `@arcjet/…` has `limit` or `throttl` in it (a cheaper first pass). */
const LIMIT_WORD = /limit|throttl/i;
const LIMITER_NAMED = /rate.?limit|throttl|limiter/i;

/**
 * Could the file record the rate-limiter fact? Its modules (`LIMITER_MODULES`, `LIMITER_PREFIXES`, a `rate-limit`
 * path), names (`LIMITER_NAME`) and decorators (`@Throttle`) all say `rate…limit`, `throttl` or `limiter`, except
 * express-slow-down, express-brute and `@arcjet/…`.
 */
function mayRecordLimiter(ids: CodeNames, text: string): boolean {
  return (LIMIT_WORD.test(text) && LIMITER_NAMED.test(text)) || text.includes('@arcjet/') || UNNAMED_LIMITERS(ids, text);
}

export default defineRule({
  id: 'missing-rate-limit',
  title: 'Auth routes without rate limiting',
  summary: 'An app exposes login, signup, password-reset or token routes with no rate limiter.',
  severity: 'info',
  kinds: ['code'],
  scope: 'project',
  checklist: '001 ph.2, 003 go-live',
  fixable: false,
  hasSuggestions: false,
  messages: {
    route: 'The auth route "{{route}}" has no rate limiter in its package.',
  },
  // facts: a limiter named in the text (its module or a name); reports, outside sample paths: a route
  // registration the check can judge in a file with auth words, a Nest controller's `@Post()`, or a file route
  // whose path is an auth path (`app/api/auth/login/route.ts`)
  codeHint: (ids, text, { path }) => mayRecordLimiter(ids, text) || ((mayRegisterRoute(ids, text) || isFileAuthRoute(path)) && !isSampleOrLocalPath(path)),
  check(ctx) {
    const sf = ctx.sourceFile;
    const b = moduleBindings(sf);
    for (const m of b.modules) {
      const bare = bareModule(m);
      if (LIMITER_MODULES.has(bare) || LIMITER_PREFIXES.test(bare) || /(^|[/.-])rate-?limit(er)?s?($|[/.-])/i.test(bare)) ctx.fact(FACT);
    }
    for (const name of b.names.keys()) if (LIMITER_NAME.test(name)) ctx.fact(FACT);
    const namesLimiter = /rate.?limit|throttl|limiter|arcjet|brute|slow-down/i.test(ctx.file.text);
    const pkg = ctx.packageJson;
    const reportable = !ctx.file.roles.script && !pkg?.hasBin && !isSampleOrLocalPath(ctx.file.path);
    let side: ReturnType<typeof runtimeSide> | undefined;
    const serverSide = (): boolean => (side ??= runtimeSide(sf, ctx.file.path, pkg)) !== 'browser';
    const routerFile = [...b.modules].some((m) => ROUTER_MODULES.test(bareModule(m)));
    const route = reportable ? fileRoute(ctx.file.path) : undefined;
    const routeIsAuth = !!route && isAuthPath(route.path);
    // cheap text tests decide which listeners this file needs
    const authWords = AUTH_TEXT.test(ctx.file.text);
    if (!authWords && !namesLimiter && !routeIsAuth) return undefined;

    const report = (node: ts.Node, label: string): void => {
      ctx.report({ node, messageId: 'route', data: { route: label }, unless: { fact: FACT, scope: 'package' } });
    };

    const limiterCall = (callee: ts.Expression): void => {
      for (let e: ts.Expression = unwrap(callee) as ts.Expression; ; ) {
        if (ts.isIdentifier(e)) {
          if (LIMITER_NAME.test(e.text)) ctx.fact(FACT);
          return;
        }
        if (ts.isPropertyAccessExpression(e)) {
          if (LIMITER_NAME.test(e.name.text)) ctx.fact(FACT);
          e = unwrap(e.expression) as ts.Expression;
          continue;
        }
        if (ts.isCallExpression(e)) {
          e = unwrap(e.expression) as ts.Expression;
          continue;
        }
        return;
      }
    };

    const visitor: CodeVisitor = {
      CallExpression(node: ts.CallExpression) {
        if (namesLimiter) {
          const req = requireTarget(node);
          if (req && (LIMITER_MODULES.has(bareModule(req.module)) || LIMITER_PREFIXES.test(bareModule(req.module)))) ctx.fact(FACT);
          limiterCall(node.expression);
        }
        if (!reportable || !authWords) return;
        const callee = unwrap(node.expression);
        if (!ts.isPropertyAccessExpression(callee)) return;
        const method = callee.name.text.toLowerCase();
        if (method !== 'route' && !WRITE_METHODS.has(method)) return;
        // fastify.route({ method: 'POST', url: '/login', handler })
        if (method === 'route' && node.arguments.length === 1) {
          const opts = unwrap(node.arguments[0]);
          if (!ts.isObjectLiteralExpression(opts)) return;
          const url = stringValue(getPropertyValue(opts, 'url') ?? getPropertyValue(opts, 'path'));
          const methods = routeMethods(getPropertyValue(opts, 'method'));
          const write = methods.find((m) => WRITE_METHODS.has(m.toLowerCase()));
          if (url && write && getPropertyValue(opts, 'handler') && isAuthPath(url) && serverSide()) report(callee.name, `${write.toUpperCase()} ${url}`);
          return;
        }
        if (!WRITE_METHODS.has(method)) return;
        // router.route('/login').post(handler)
        const receiver = unwrap(callee.expression);
        let path: string | undefined;
        let handlers: readonly ts.Expression[];
        // where the finding goes: the method name (`.post(` line, which names the path), not the start of a chain
        let at: ts.Node = callee.name;
        if (ts.isCallExpression(receiver) && ts.isPropertyAccessExpression(unwrap(receiver.expression)) && (unwrap(receiver.expression) as ts.PropertyAccessExpression).name.text === 'route') {
          path = stringValue(receiver.arguments[0]);
          handlers = node.arguments;
          at = (unwrap(receiver.expression) as ts.PropertyAccessExpression).name;
        } else {
          // koa-router named routes: router.post('login', '/login', handler)
          const a0 = stringValue(node.arguments[0]);
          const a1 = stringValue(node.arguments[1]);
          path = a1 !== undefined && a1.startsWith('/') && a0 !== undefined && !a0.startsWith('/') ? a1 : a0;
          handlers = node.arguments.slice(path === a1 && a1 !== a0 ? 2 : 1);
        }
        if (path === undefined || !handlers.length || !isAuthPath(path)) return;
        if (!isRouteRegistration(receiver as ts.Expression, handlers, b, routerFile)) return;
        if (!serverSide()) return;
        report(at, `${method === 'all' ? 'ALL' : method.toUpperCase()} ${path}`);
      },
      NewExpression(node: ts.NewExpression) {
        if (namesLimiter) limiterCall(node.expression);
      },
      Decorator(node: ts.Decorator) {
        const e = unwrap(node.expression);
        const callee = ts.isCallExpression(e) ? unwrap(e.expression) : e;
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
        // @Throttle({ default: { limit: 5, ttl: 60_000 } }), @UseGuards(ThrottlerGuard)
        if (name === 'Throttle' || name === 'SkipThrottle' || LIMITER_NAME.test(name)) ctx.fact(FACT);
        if (namesLimiter && ts.isCallExpression(e)) for (const a of e.arguments) if (ts.isIdentifier(a) && LIMITER_NAME.test(a.text)) ctx.fact(FACT);
        if (!reportable || !ts.isCallExpression(e)) return;
        const httpMethod = NEST_METHODS[name];
        if (!httpMethod || !ts.isMethodDeclaration(node.parent)) return;
        const bind = b.names.get(name);
        if (bind && bind.module !== '@nestjs/common') return;
        const cls = node.parent.parent;
        if (!ts.isClassDeclaration(cls) && !ts.isClassExpression(cls)) return;
        const prefix = controllerPath(cls);
        if (prefix === undefined) return;
        const sub = routeArg(e.arguments[0]);
        if (sub === undefined) return;
        const full = joinPath(prefix, sub);
        if (isAuthPath(full)) report(node, `${httpMethod} ${full}`);
      },
      FunctionDeclaration(node: ts.FunctionDeclaration) {
        if (!routeIsAuth || !route || !isExported(node) || !node.name) return;
        fileRouteExport(route, node.name.text, node.name, isDefaultExport(node));
      },
      VariableStatement(node: ts.VariableStatement) {
        if (!routeIsAuth || !route || !isExported(node)) return;
        for (const d of node.declarationList.declarations) if (ts.isIdentifier(d.name)) fileRouteExport(route, d.name.text, d.name, false);
      },
      ExportAssignment(node: ts.ExportAssignment) {
        if (!routeIsAuth || !route || node.isExportEquals) return;
        fileRouteExport(route, 'default', node, true);
      },
      ExportSpecifier(node: ts.ExportSpecifier) {
        // export { handler as POST }
        if (!routeIsAuth || !route) return;
        fileRouteExport(route, node.name.text, node, false);
      },
    };
    if (!routeIsAuth) {
      delete visitor.FunctionDeclaration;
      delete visitor.VariableStatement;
      delete visitor.ExportAssignment;
      delete visitor.ExportSpecifier;
    }
    if (!authWords && !namesLimiter) {
      delete visitor.CallExpression;
      delete visitor.NewExpression;
      delete visitor.Decorator;
    }
    return visitor;

    function fileRouteExport(r: FileRoute, exported: string, at: ts.Node, isDefault: boolean): void {
      let method: string | undefined;
      switch (r.framework) {
        case 'next-app':
        case 'sveltekit-server':
          method = /^(POST|PUT|PATCH)$/.test(exported) ? exported : undefined;
          break;
        case 'next-pages':
          method = isDefault ? '' : undefined;
          break;
        case 'remix':
          method = exported === 'action' ? 'POST' : undefined;
          break;
        case 'sveltekit-page':
          method = exported === 'actions' ? 'POST' : undefined;
          break;
        case 'nitro':
          method = isDefault && (!r.method || r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH') ? (r.method ?? '') : undefined;
          break;
      }
      if (method === undefined) return;
      report(at, method ? `${method} ${r.path}` : r.path);
    }
  },
});

function routeMethods(e: ts.Expression | undefined): string[] {
  if (!e) return [];
  const u = unwrap(e);
  const s = stringValue(u);
  if (s !== undefined) return [s];
  if (ts.isArrayLiteralExpression(u)) return u.elements.map((x) => stringValue(x)).filter((x): x is string => x !== undefined);
  return [];
}

/**
 * Is `receiver.post(path, …handlers)` a route registration rather than an HTTP client call? The receiver is an
 * app or router created in this file, or the file imports a router framework and the handlers look like
 * handlers (functions, controller methods, middleware), not a request body.
 */
function isRouteRegistration(receiver: ts.Expression, handlers: readonly ts.Expression[], b: ModuleBindings, routerFile: boolean): boolean {
  const r = unwrap(receiver);
  const name = ts.isIdentifier(r) ? r.text : ts.isPropertyAccessExpression(r) ? r.name.text : undefined;
  if (name && CLIENT_NAME.test(name)) return false;
  const init = ts.isIdentifier(r) ? initializerOf(r) : undefined;
  if (init && (appCreation(init, b) || isRouterCreation(init, b))) return true;
  if (init && isClientCreation(init)) return false;
  const last = unwrap(handlers[handlers.length - 1]);
  const fn = ts.isArrowFunction(last) || ts.isFunctionExpression(last);
  if (ts.isObjectLiteralExpression(last) || ts.isStringLiteralLike(last) || ts.isTemplateExpression(last)) return false;
  if (routerFile) return fn || ts.isIdentifier(last) || ts.isPropertyAccessExpression(last) || ts.isCallExpression(last) || ts.isArrayLiteralExpression(last);
  // a router handed in as a parameter (`export default (router) => { router.post('/login', (req, res) => …) }`)
  if (fn) {
    const p0 = (last as ts.ArrowFunction | ts.FunctionExpression).parameters[0];
    return !!p0 && ts.isIdentifier(p0.name) && /^(req|request|ctx|context|c|event)$/.test(p0.name.text);
  }
  return false;
}

function isRouterCreation(init: ts.Expression, b: ModuleBindings): boolean {
  const n = unwrap(init);
  if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) return false;
  const callee = unwrap(n.expression);
  if (ts.isIdentifier(callee)) {
    const bind = b.names.get(callee.text);
    return !!bind && /^(express|express-promise-router|@koa\/router|koa-router|polka|hono)$/.test(bareModule(bind.module)) && /^(Router|default|\*|Hono)$/.test(bind.imported);
  }
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'Router') {
    const bind = ts.isIdentifier(callee.expression) ? b.names.get(callee.expression.text) : undefined;
    return !!bind && bareModule(bind.module) === 'express';
  }
  return false;
}

function isClientCreation(init: ts.Expression): boolean {
  const n = unwrap(init);
  if (!ts.isCallExpression(n)) return false;
  const callee = unwrap(n.expression);
  return ts.isPropertyAccessExpression(callee) && /^(create|extend)$/.test(callee.name.text) && ts.isIdentifier(callee.expression) && /^(axios|ky|got|ofetch)$/i.test(callee.expression.text);
}

/** `@Controller('auth')`, `@Controller({ path: 'auth' })`, `@Controller(['auth', 'v1/auth'])` → the first path; '' for `@Controller()`. */
function controllerPath(cls: ts.ClassLikeDeclaration): string | undefined {
  for (const d of ts.getDecorators(cls) ?? []) {
    const e = unwrap(d.expression);
    if (!ts.isCallExpression(e)) continue;
    const callee = unwrap(e.expression);
    if (!ts.isIdentifier(callee) || callee.text !== 'Controller') continue;
    const a = e.arguments[0] ? unwrap(e.arguments[0]) : undefined;
    if (!a) return '';
    if (ts.isObjectLiteralExpression(a)) return routeArg(getPropertyValue(a, 'path')) ?? '';
    return routeArg(a as ts.Expression);
  }
  return undefined;
}

function routeArg(e: ts.Expression | undefined): string | undefined {
  if (!e) return '';
  const u = unwrap(e);
  if (ts.isArrayLiteralExpression(u)) return u.elements.length ? routeArg(u.elements[0]) : '';
  const s = stringValue(u);
  if (s !== undefined) return s;
  // @Post(ROUTES.login) and friends: the name says it
  const name = ts.isPropertyAccessExpression(u) ? u.name.text : ts.isIdentifier(u) ? u.text : undefined;
  return name ?? undefined;
}

function joinPath(prefix: string, sub: string): string {
  const parts = [prefix, sub].map((s) => s.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  return '/' + parts.join('/');
}

function isExported(node: ts.Node): boolean {
  return !!(ts.getCombinedModifierFlags(node as ts.Declaration) & ts.ModifierFlags.Export) || (ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword));
}

function isDefaultExport(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
}

