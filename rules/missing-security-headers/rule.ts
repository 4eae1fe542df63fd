import {
  defineRule,
  dottedName,
  type CodeVisitor,
  enclosingFunction,
  getProperty,
  getPropertyValue,
  staticName,
  stringValue,
  ts,
  unwrap,
  type Fix,
  type RuleContext,
} from '../../server/src/engine/api';
import { appCreation, bareModule, isSampleOrLocalPath, moduleBindings, moduleTest, requireTarget, ROUTE_METHODS, type Framework, type ModuleBindings } from '../_lib/httpApps';

const FACT = 'security-headers';

/** Middleware and helpers that set the security headers once imported. */
const HEADER_MODULES = new Set([
  'helmet',
  'koa-helmet',
  '@fastify/helmet',
  'fastify-helmet',
  'hono/secure-headers',
  'elysia-helmet',
  '@elysiajs/helmet',
  'hsts',
  'frameguard',
  'helmet-csp',
  'x-frame-options',
  'dont-sniff-mimetype',
  'nocache',
  'next-secure-headers',
  '@next-safe/middleware',
  'next-safe',
  'nosecone',
  '@nosecone/next',
  '@nosecone/sveltekit',
  '@arcjet/next',
  'sveltekit-security-headers',
]);

/** The headers that count: any one of them set by hand (Express, route handlers, middleware, next.config). */
const SECURITY_HEADERS = new Set(['strict-transport-security', 'x-frame-options', 'x-content-type-options', 'content-security-policy']);

/** lusca's header options and methods. */
const LUSCA_HEADERS = new Set(['xframe', 'hsts', 'nosniff', 'csp']);

const PROBE_PATH = /^\/?(health|healthz|healthcheck|health-check|ready|readyz|readiness|live|livez|liveness|metrics|ping|status)(\/.*)?$/i;
const HEADER_TEXT = /frame-options|content-security-policy|strict-transport-security|content-type-options/i;
const APP_TEXT = /express|koa|fastify|hono|NestFactory|polka/i;
const MODULE_TEXT = /helmet|lusca|secure-headers|nosecone|next-safe|hsts|frameguard|csp|x-frame-options|dont-sniff|nocache/i;

const FRAMEWORK_LABEL: Partial<Record<Framework, string>> = { express: 'Express', koa: 'Koa', fastify: 'Fastify', hono: 'Hono', nest: 'NestJS' };

/** Hono instances that are mounted into another app are routers: only the root app is reported. */
const ENTRY_BASENAME = /^(index|app|server|main|worker|entry|api)\.[a-z]+$/;

/**
 * Code hints: the modules of the app creations this rule reports (`appCreation`: `express()`, `new Koa()`,
 * `fastify()`; `new Hono()` names `Hono`; Nest's is `NestFactory.create`, by name), the header modules, lusca.
 */
const APP_MODULE = moduleTest(['express', 'koa', 'fastify'], { dynamic: true });
const HONO_MODULE = moduleTest(['hono'], { dynamic: true });
const HEADER_MODULE = moduleTest(HEADER_MODULES, { dynamic: true });
const LUSCA = moduleTest(['lusca'], { dynamic: true });
/** A security header written as a string (any case); every one of them contains `-options` or `-security`. */
const HEADER_PREFILTER = /-(?:options|security)/i;
const HEADER_LITERAL = /['"`](?:x-frame-options|x-content-type-options|strict-transport-security|content-security-policy)['"`]/i;

export default defineRule({
  id: 'missing-security-headers',
  title: 'App without security headers',
  summary: 'An HTTP app sets no security headers (helmet or an equivalent).',
  severity: 'warning',
  kinds: ['code', 'next.config'],
  scope: 'project',
  checklist: '001 ph.6, 004 §3.4',
  fixable: true,
  hasSuggestions: false,
  messages: {
    app: 'The {{framework}} app {{name}}has no helmet or other security-header middleware in its package.',
    nextConfig: 'This Next.js config sets no security headers (Strict-Transport-Security, X-Frame-Options, X-Content-Type-Options or Content-Security-Policy), and no middleware of its package does.',
    nextHeaders: 'headers() sets none of Strict-Transport-Security, X-Frame-Options, X-Content-Type-Options or Content-Security-Policy, and no middleware of its package does.',
  },
  // next.config files always run (their config object is judged). Other files: an app that can be reported (its
  // framework loaded, or `NestFactory.create`, outside sample paths), or a fact: a header module loaded, lusca's
  // header options, a security header's name written as a string
  codeHint: (ids, text, { path, kind }) =>
    kind === 'next.config' ||
    (((ids.has('NestFactory') && ids.has('create')) || APP_MODULE(ids, text) || (ids.has('Hono') && HONO_MODULE(ids, text))) && !isSampleOrLocalPath(path)) ||
    HEADER_MODULE(ids, text) ||
    ((ids.has('xframe') || ids.has('hsts') || ids.has('nosniff') || ids.has('csp')) && LUSCA(ids, text)) ||
    (HEADER_PREFILTER.test(text) && HEADER_LITERAL.test(text)),
  check(ctx) {
    const sf = ctx.sourceFile;
    const b = moduleBindings(sf);
    for (const m of b.modules) if (HEADER_MODULES.has(bareModule(m))) ctx.fact(FACT);
    const luscaNames = new Set([...b.names].filter(([, v]) => v.module === 'lusca').map(([k]) => k));
    const isNextConfig = ctx.file.kind === 'next.config';
    const pkg = ctx.packageJson;
    // an app creation is server code whatever the package's front-end dependencies say
    const reportable = !ctx.file.roles.script && !pkg?.hasBin && !isSampleOrLocalPath(ctx.file.path);

    // cheap text tests decide which listeners this file needs (next.config files always get the end check)
    const text = ctx.file.text;
    const headerNames = HEADER_TEXT.test(text);
    const apps = !isNextConfig && reportable && APP_TEXT.test(text);
    const modules = MODULE_TEXT.test(text);
    if (!isNextConfig && !headerNames && !apps && !modules) return undefined;

    let first: { node: ts.CallExpression | ts.NewExpression; framework: Framework } | undefined;
    /** Hono instances by bound name, and the evidence that one is a root app. */
    const honos: { node: ts.NewExpression; name: string | undefined }[] = [];
    const rootHints = new Set<string>();
    /** per app name: for each registration, whether it only serves probes (health, metrics) */
    const registrations = new Map<string, boolean[]>();

    const headerLiteral = (node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): void => {
      if (SECURITY_HEADERS.has(node.text.toLowerCase())) ctx.fact(FACT);
    };

    const visitor: CodeVisitor = {
      StringLiteral: headerLiteral,
      NoSubstitutionTemplateLiteral: headerLiteral,
      CallExpression(node: ts.CallExpression) {
        const callee = unwrap(node.expression);
        const req = requireTarget(node);
        if (req && HEADER_MODULES.has(bareModule(req.module))) ctx.fact(FACT);
        // lusca({ xframe: 'SAMEORIGIN', hsts: {…} }) / lusca.xframe('DENY')
        if (luscaNames.size) {
          if (ts.isIdentifier(callee) && luscaNames.has(callee.text)) {
            const opts = node.arguments[0] && unwrap(node.arguments[0]);
            if (opts && ts.isObjectLiteralExpression(opts) && opts.properties.some((p) => LUSCA_HEADERS.has(staticName(p.name) ?? ''))) ctx.fact(FACT);
          } else if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && luscaNames.has(callee.expression.text) && LUSCA_HEADERS.has(callee.name.text)) {
            ctx.fact(FACT);
          }
        }
        // evidence that a Hono instance is the root app: serve(app), handle(app), app.fire() (a sub-app mounted with
        // `app.route(…)` or returned from a function is a router)
        const calleeName = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
        if (/^(serve|handle|createServer|toNodeListener|getRequestListener|createAdaptorServer|handler|serverless)$/.test(calleeName)) {
          for (const a of node.arguments) {
            const u = unwrap(a);
            if (ts.isIdentifier(u)) rootHints.add(u.text);
          }
        }
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'fire' && ts.isIdentifier(callee.expression)) {
          rootHints.add(callee.expression.text);
        }
        // what the app serves: `app.get('/metrics', …)`, `app.use(router)`
        if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && ROUTE_METHODS.has(callee.name.text)) {
          const path = stringValue(node.arguments[0]);
          // middleware without a path (`app.use(express.json())`) says nothing about what is served
          const neutral = path === undefined && callee.name.text === 'use' && node.arguments.every((a) => ts.isCallExpression(unwrap(a)));
          if (!neutral) {
            const probe = path !== undefined && PROBE_PATH.test(path);
            (registrations.get(callee.expression.text) ?? registrations.set(callee.expression.text, []).get(callee.expression.text)!).push(probe);
          }
        }
        if (!reportable || isNextConfig || first) return;
        const fw = appCreation(node, b);
        if (fw === 'express' || fw === 'koa' || fw === 'fastify' || fw === 'nest') first = { node, framework: fw };
      },
      NewExpression(node: ts.NewExpression) {
        if (!reportable || isNextConfig) return;
        const fw = appCreation(node, b);
        if (fw === 'koa') {
          first ??= { node, framework: fw };
        } else if (fw === 'hono') {
          honos.push({ node, name: boundName(node) });
        }
      },
      PropertyAccessExpression(node: ts.PropertyAccessExpression) {
        // `app.fetch` handed to a runtime: `serve({ fetch: app.fetch })`, `export default { fetch: app.fetch }`
        if (node.name.text === 'fetch' && ts.isIdentifier(node.expression)) rootHints.add(node.expression.text);
      },
      ExportAssignment(node: ts.ExportAssignment) {
        const e = unwrap(node.expression);
        if (ts.isIdentifier(e) && ENTRY_BASENAME.test(ctx.file.path.split('/').pop() ?? '')) rootHints.add(e.text);
      },
      end() {
        if (!reportable) return;
        if (isNextConfig) {
          nextConfigReport(ctx);
          return;
        }
        if (!first) {
          const root = honos.find((h) => h.name !== undefined && rootHints.has(h.name));
          if (root) first = { node: root.node, framework: 'hono' };
        }
        if (!first) return;
        const name = boundName(first.node);
        // an app that only answers probes (`/healthz`, `/metrics`) to an orchestrator serves no browser
        const regs = name ? registrations.get(name) : undefined;
        if (regs && regs.length && regs.every(Boolean)) return;
        ctx.report({
          node: first.node,
          messageId: 'app',
          data: { framework: FRAMEWORK_LABEL[first.framework] ?? first.framework, name: name ? `"${name}" ` : '' },
          fix: headersFix(ctx, b, first.node, first.framework, name),
          unless: { fact: FACT, scope: 'package' },
        });
      },
    };
    if (!headerNames) {
      delete visitor.StringLiteral;
      delete visitor.NoSubstitutionTemplateLiteral;
    }
    if (!apps) {
      delete visitor.NewExpression;
      delete visitor.PropertyAccessExpression;
      delete visitor.ExportAssignment;
      if (!modules) delete visitor.CallExpression;
    } else if (!/hono/i.test(text)) {
      delete visitor.PropertyAccessExpression;
      delete visitor.ExportAssignment;
    }
    return visitor;
  },
});

/** The name a creation is bound to: `const app = express()`, `const app = await NestFactory.create(…)`. */
function boundName(node: ts.Expression): string | undefined {
  let e: ts.Node = node;
  while (ts.isAwaitExpression(e.parent) || ts.isParenthesizedExpression(e.parent) || ts.isAsExpression(e.parent) || ts.isNonNullExpression(e.parent)) e = e.parent;
  const p = e.parent;
  if (ts.isVariableDeclaration(p) && p.initializer === e && ts.isIdentifier(p.name)) return p.name.text;
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === e && ts.isIdentifier(p.left)) return p.left.text;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// next.config: a `headers()` that sets the headers, or the config object without one.

function nextConfigReport(ctx: RuleContext): void {
  const config = nextConfigObject(ctx.sourceFile);
  if (!config) return;
  // a static export has no server to send headers: they belong to the host
  const output = getPropertyValue(config, 'output');
  if (output && stringValue(output) === 'export') return;
  const headers = getProperty(config, 'headers');
  ctx.report({
    node: headers ? headers.name : config,
    messageId: headers ? 'nextHeaders' : 'nextConfig',
    unless: { fact: FACT, scope: 'package' },
  });
}

const NEXT_KEYS = new Set(['reactStrictMode', 'images', 'experimental', 'output', 'headers', 'rewrites', 'redirects', 'webpack', 'env', 'transpilePackages', 'i18n', 'basePath', 'poweredByHeader', 'swcMinify', 'typescript', 'eslint', 'compiler', 'serverExternalPackages', 'serverComponentsExternalPackages', 'trailingSlash', 'assetPrefix', 'distDir', 'pageExtensions', 'productionBrowserSourceMaps', 'turbopack', 'logging', 'modularizeImports', 'compress', 'generateBuildId', 'cacheComponents', 'reactCompiler', 'skipTrailingSlashRedirect', 'outputFileTracingRoot']);

/** The config object a next.config exports: through a const, wrapper plugins, and config functions. */
export function nextConfigObject(sf: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  const consts = new Map<string, ts.Expression>();
  const functions = new Map<string, ts.FunctionLikeDeclaration>();
  let exported: ts.Expression | undefined;
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) consts.set(d.name.text, d.initializer);
    } else if (ts.isFunctionDeclaration(st) && st.name) {
      functions.set(st.name.text, st);
    } else if (ts.isExportAssignment(st)) exported = st.expression;
    else if (ts.isExpressionStatement(st) && ts.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = dottedName(st.expression.left);
      if (left === 'module.exports') exported = st.expression.right;
    }
  }
  const seen = new Set<ts.Node>();
  const resolve = (e: ts.Expression | undefined, depth: number): ts.ObjectLiteralExpression | undefined => {
    if (!e || depth > 6) return undefined;
    const u = unwrap(e) as ts.Expression;
    if (seen.has(u)) return undefined;
    seen.add(u);
    if (ts.isObjectLiteralExpression(u)) return u;
    if (ts.isIdentifier(u)) {
      const c = consts.get(u.text);
      if (c) return resolve(c, depth + 1);
      const f = functions.get(u.text);
      return f ? fromFunction(f, depth) : undefined;
    }
    if (ts.isArrowFunction(u) || ts.isFunctionExpression(u)) return fromFunction(u, depth);
    if (ts.isCallExpression(u)) {
      // withBundleAnalyzer(nextConfig), withSentryConfig(nextConfig, {…}), withPlugins([…], nextConfig), compose(a, b)(config)
      const candidates = u.arguments.map((a) => resolve(a, depth + 1)).filter((o): o is ts.ObjectLiteralExpression => !!o);
      const nexty = candidates.find((o) => o.properties.some((p) => NEXT_KEYS.has(staticName(p.name) ?? '')));
      return nexty ?? candidates[0];
    }
    return undefined;
  };
  const fromFunction = (f: ts.FunctionLikeDeclaration, depth: number): ts.ObjectLiteralExpression | undefined => {
    const body = f.body;
    if (!body) return undefined;
    if (!ts.isBlock(body)) return resolve(body as ts.Expression, depth + 1);
    let last: ts.ObjectLiteralExpression | undefined;
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionLike(n)) return;
      if (ts.isReturnStatement(n) && n.expression) last = resolve(n.expression, depth + 1) ?? last;
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(body, visit);
    return last;
  };
  if (exported) return resolve(exported, 0);
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) return fromFunction(st, 0);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Fix: register helmet (or the framework's equivalent) right after the app is created.

interface Plan {
  readonly dependency: string;
  readonly local: string;
  /** import clause text: `helmet` (default) or `{ secureHeaders }` */
  readonly clause: string;
  readonly named: boolean;
  readonly register: (app: string, awaitOk: boolean) => string;
}

function planFor(framework: Framework, node: ts.Expression, pkgDeps: ReadonlySet<string>): Plan | undefined {
  const use = (local: string, call: boolean) => (app: string) => `${app}.use(${local}${call ? '()' : ''})`;
  const fastify = (app: string, awaitOk: boolean) => `${awaitOk ? 'await ' : ''}${app}.register(helmet)`;
  switch (framework) {
    case 'express':
      return pkgDeps.has('helmet') ? { dependency: 'helmet', local: 'helmet', clause: 'helmet', named: false, register: use('helmet', true) } : undefined;
    case 'koa':
      return pkgDeps.has('koa-helmet') ? { dependency: 'koa-helmet', local: 'helmet', clause: 'helmet', named: false, register: use('helmet', true) } : undefined;
    case 'fastify':
      return pkgDeps.has('@fastify/helmet') ? { dependency: '@fastify/helmet', local: 'helmet', clause: 'helmet', named: false, register: fastify } : undefined;
    case 'hono':
      return { dependency: 'hono/secure-headers', local: 'secureHeaders', clause: '{ secureHeaders }', named: true, register: use('secureHeaders', true) };
    case 'nest': {
      const adapter = ts.isCallExpression(node) ? node.arguments[1] : undefined;
      const onFastify = !!adapter && /FastifyAdapter/.test(adapter.getText());
      if (onFastify) return pkgDeps.has('@fastify/helmet') ? { dependency: '@fastify/helmet', local: 'helmet', clause: 'helmet', named: false, register: fastify } : undefined;
      return pkgDeps.has('helmet') ? { dependency: 'helmet', local: 'helmet', clause: 'helmet', named: false, register: use('helmet', true) } : undefined;
    }
    default:
      return undefined;
  }
}

function headersFix(ctx: RuleContext, b: ModuleBindings, node: ts.CallExpression | ts.NewExpression, framework: Framework, name: string | undefined): Fix | undefined {
  if (!name) return undefined;
  const plan = planFor(framework, node, ctx.packageJson?.dependencies ?? new Set());
  if (!plan) return undefined;
  const sf = ctx.sourceFile;
  // the creation must be the whole initializer of a statement in a block: `const app = express();`
  let e: ts.Node = node;
  while (ts.isAwaitExpression(e.parent) || ts.isParenthesizedExpression(e.parent) || ts.isAsExpression(e.parent)) e = e.parent;
  const decl = e.parent;
  if (!ts.isVariableDeclaration(decl) || decl.initializer !== e) return undefined;
  const list = decl.parent;
  if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1 || !ts.isVariableStatement(list.parent)) return undefined;
  const stmt = list.parent;
  if (!ts.isBlock(stmt.parent) && !ts.isSourceFile(stmt.parent)) return undefined;
  // the local name must be free, and there must be an import style to follow
  if (b.names.has(plan.local) || new RegExp(`\\b${plan.local}\\b`).test(sf.text)) return undefined;
  if (!b.lastImport) return undefined;
  const st = ctx.style;
  const semi = st.semicolons ? ';' : '';
  const fn = enclosingFunction(stmt);
  const awaitOk = !!fn && !!ts.getCombinedModifierFlags(fn as ts.Declaration) && (ts.getCombinedModifierFlags(fn as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
  const importText = b.esm
    ? `import ${plan.clause} from ${st.str(plan.dependency)}${semi}`
    : plan.named
      ? `const ${plan.clause} = require(${st.str(plan.dependency)})${semi}`
      : `const ${plan.local} = require(${st.str(plan.dependency)})${semi}`;
  const importAt = b.lastImport.getEnd();
  const indent = st.indentAt(stmt.getStart(sf));
  const useText = `${st.eol}${indent}${plan.register(name, awaitOk)}${semi}`;
  const label = plan.dependency === 'hono/secure-headers' ? 'secureHeaders()' : plan.dependency === '@fastify/helmet' ? '@fastify/helmet' : 'helmet()';
  return {
    title: `Register ${label} on the app`,
    edits: [
      { start: importAt, end: importAt, text: `${st.eol}${importText}` },
      { start: stmt.getEnd(), end: stmt.getEnd(), text: useText },
    ],
  };
}
