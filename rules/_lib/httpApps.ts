/**
 * HTTP apps and long-running entrypoints, by syntax: which module a name comes from, app creation
 * (`express()`, `new Koa()`, `Fastify()`, `new Hono()`, `NestFactory.create(…)`, `http.createServer(…)`),
 * what a `.listen(` call starts, BullMQ workers, and route registrations with their paths. Shared by
 * no-graceful-shutdown, missing-security-headers, missing-rate-limit and hardcoded-localhost; `moduleTest` (the
 * code hints' module test) also by websocket-no-auth and csrf-disabled.
 */
import { dottedName, staticName, stringValue, ts, unwrap, type CodeNames, type PackageInfo } from '../../server/src/engine/api';

export type Framework = 'express' | 'koa' | 'fastify' | 'hono' | 'nest' | 'node-http' | 'polka' | 'restify' | 'smtp' | 'tcp';

export interface Binding {
  /** the module specifier: 'express', 'node:http', './app' */
  readonly module: string;
  /** 'default', '*' (namespace / whole require), or the imported name */
  readonly imported: string;
}

/** Local names bound to imports and top-level requires (`const express = require('express')`, `const { Hono } = require('hono')`). */
export interface ModuleBindings {
  readonly names: ReadonlyMap<string, Binding>;
  /** every module imported or required at the top level */
  readonly modules: ReadonlySet<string>;
  /** the file uses ES `import` declarations */
  readonly esm: boolean;
  /** the last top-level import declaration, or (CommonJS) the last top-level `require` statement */
  readonly lastImport: ts.Statement | undefined;
}

const memo = new WeakMap<ts.SourceFile, ModuleBindings>();

export function moduleBindings(sf: ts.SourceFile): ModuleBindings {
  const cached = memo.get(sf);
  if (cached) return cached;
  const names = new Map<string, Binding>();
  const modules = new Set<string>();
  let esm = false;
  let lastEsm: ts.Statement | undefined;
  let lastRequire: ts.Statement | undefined;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      esm = true;
      lastEsm = st;
      const mod = st.moduleSpecifier.text;
      modules.add(mod);
      const clause = st.importClause;
      if (!clause || clause.isTypeOnly) continue;
      if (clause.name) names.set(clause.name.text, { module: mod, imported: 'default' });
      const b = clause.namedBindings;
      if (b && ts.isNamespaceImport(b)) names.set(b.name.text, { module: mod, imported: '*' });
      if (b && ts.isNamedImports(b)) {
        for (const el of b.elements) if (!el.isTypeOnly) names.set(el.name.text, { module: mod, imported: (el.propertyName ?? el.name).text });
      }
    } else if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference) && ts.isStringLiteral(st.moduleReference.expression)) {
      // import express = require('express')
      const mod = st.moduleReference.expression.text;
      modules.add(mod);
      names.set(st.name.text, { module: mod, imported: '*' });
      lastEsm = st;
      esm = true;
    } else if (ts.isVariableStatement(st)) {
      let any = false;
      for (const d of st.declarationList.declarations) {
        if (!d.initializer) continue;
        const req = requireTarget(d.initializer);
        if (!req) continue;
        any = true;
        modules.add(req.module);
        if (ts.isIdentifier(d.name)) names.set(d.name.text, { module: req.module, imported: req.property ?? '*' });
        else if (ts.isObjectBindingPattern(d.name)) {
          for (const el of d.name.elements) {
            if (ts.isIdentifier(el.name)) names.set(el.name.text, { module: req.module, imported: staticName(el.propertyName ?? el.name) ?? el.name.text });
          }
        }
      }
      if (any) lastRequire = st;
    } else if (ts.isExpressionStatement(st)) {
      // require('dotenv/config'), import side effects written as requires
      const req = requireTarget(st.expression);
      if (req) {
        modules.add(req.module);
        lastRequire = st;
      }
    }
  }
  const out: ModuleBindings = { names, modules, esm, lastImport: esm ? lastEsm : lastRequire };
  memo.set(sf, out);
  return out;
}

/** `require('x')` → x; `require('x').y` → x with property y; `require('x').default` → x. Also `await import('x')`. */
export function requireTarget(e: ts.Node): { module: string; property?: string } | undefined {
  const u = unwrap(e);
  if (ts.isCallExpression(u)) {
    const callee = unwrap(u.expression);
    if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword) {
      const m = stringValue(u.arguments[0]);
      return m === undefined ? undefined : { module: m };
    }
    return undefined;
  }
  if (ts.isPropertyAccessExpression(u)) {
    const inner = requireTarget(u.expression);
    if (inner && !inner.property) return u.name.text === 'default' ? inner : { module: inner.module, property: u.name.text };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Code hints: which modules a file can load, from its name table (see `RuleDefinition.codeHint`). An import
// declaration's specifier is a name there (`import x from 'ws'` → 'ws'); the string given to `require('ws')` or
// `import('ws')` is not, so for files that call either the text is asked instead. (Nor is a computed key's
// string, `{ ['secure']: false }`: the hints take a property key to be written as a name or a quoted key.)

let lastText: string | undefined;
let lastDynamic = false;

/** Could the file call `import(…)`? (Remembered for the last text: the rules ask about one file in turn.) */
function mayImportDynamically(text: string): boolean {
  if (text !== lastText) {
    lastText = text;
    lastDynamic = callsImport(text);
  }
  return lastDynamic;
}

/**
 * `import(` or `import (`: an `mport` followed by white space (what `\s` matches) and a parenthesis. A loop over
 * `indexOf('mport')` takes half the time of the regular expression (`m` is rarer than `i`).
 */
function callsImport(text: string): boolean {
  for (let i = text.indexOf('mport'); i !== -1; i = text.indexOf('mport', i + 5)) {
    let j = i + 5;
    while (j < text.length && isSpace(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) === 40 /* ( */) return true;
  }
  return false;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^$|()[\]{}\\/]/g, '\\$&');

/**
 * A hint test: could the file load one of `modules`? Imported (the specifier is a name) or, in a file that calls
 * `require` (and, with `dynamic`, `import(…)`, as `requireTarget` reads), quoted in its text (one regex, which also
 * takes a `node:` prefix, as `bareModule` drops it). A name is looked up as given: list `node:x` for a builtin; a
 * package is never imported as `node:package`, so the rules' lists of packages are looked up without it.
 */
export function moduleTest(modules: Iterable<string>, opts: { dynamic?: boolean } = {}): (ids: CodeNames, text: string) => boolean {
  const names = [...modules];
  const quoted = new RegExp(`['"\`](?:node:)?(?:${names.map(escapeRe).join('|')})['"\`]`);
  const dynamic = !!opts.dynamic;
  return (ids, text) => {
    for (const m of names) if (ids.has(m)) return true;
    return (ids.has('require') || (dynamic && mayImportDynamically(text))) && quoted.test(text);
  };
}

/** Drop a `node:` prefix: `node:http` → `http`. */
export function bareModule(m: string): string {
  return m.startsWith('node:') ? m.slice(5) : m;
}

/** The module (and imported name) an expression's root identifier is bound to, when imported. */
export function bindingOf(e: ts.Node, b: ModuleBindings): Binding | undefined {
  const u = unwrap(e);
  if (ts.isIdentifier(u)) return b.names.get(u.text);
  return undefined;
}

const HTTP_MODULES = new Set(['http', 'https', 'http2', 'spdy']);

/**
 * Is this call or `new` an HTTP app / server creation? Returns the framework.
 * `express()`, `new Koa()`, `Fastify()` / `fastify()` / `require('fastify')()`, `new Hono()`, `NestFactory.create(…)`,
 * `http.createServer(…)` / `createServer` from http(s)/http2, `new http.Server(…)`, `polka()`, `restify.createServer()`,
 * `new SMTPServer(…)` (smtp-server), `net.createServer(…)`.
 */
export function appCreation(node: ts.Node, b: ModuleBindings): Framework | undefined {
  const n = unwrap(node);
  if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) return undefined;
  const callee = unwrap(n.expression);
  const isNew = ts.isNewExpression(n);
  // require('fastify')({ logger: true }), require('express')()
  const req = requireTarget(callee);
  if (req && !req.property && !isNew) return rootCreation(bareModule(req.module), 'default');
  if (ts.isIdentifier(callee)) {
    const bind = b.names.get(callee.text);
    if (!bind) return undefined;
    const mod = bareModule(bind.module);
    if (isNew) {
      if (mod === 'koa' && (bind.imported === 'default' || bind.imported === '*')) return 'koa';
      if (mod === 'hono' && bind.imported === 'Hono') return 'hono';
      if (mod === 'smtp-server' && bind.imported === 'SMTPServer') return 'smtp';
      if (HTTP_MODULES.has(mod) && bind.imported === 'Server') return 'node-http';
      return undefined;
    }
    if (bind.imported === 'createServer' || bind.imported === 'createSecureServer') {
      if (HTTP_MODULES.has(mod)) return 'node-http';
      if (mod === 'net' || mod === 'tls') return 'tcp';
      if (mod === 'restify') return 'restify';
      return undefined;
    }
    return rootCreation(mod, bind.imported);
  }
  if (ts.isPropertyAccessExpression(callee)) {
    const obj = unwrap(callee.expression);
    const method = callee.name.text;
    const bind = ts.isIdentifier(obj) ? b.names.get(obj.text) : undefined;
    const req2 = bind ? undefined : requireTarget(obj);
    const mod = bind ? bareModule(bind.module) : req2 ? bareModule(req2.module) : undefined;
    if (!mod) return undefined;
    if (isNew) {
      if (mod === 'hono' && method === 'Hono') return 'hono';
      if (mod === 'smtp-server' && method === 'SMTPServer') return 'smtp';
      if (HTTP_MODULES.has(mod) && method === 'Server') return 'node-http';
      if (mod === 'koa' && method === 'default') return 'koa';
      return undefined;
    }
    if (method === 'createServer' || method === 'createSecureServer') {
      if (HTTP_MODULES.has(mod)) return 'node-http';
      if (mod === 'net' || mod === 'tls') return 'tcp';
      if (mod === 'restify') return 'restify';
    }
    if (mod === '@nestjs/core' && method === 'create' && (bind?.imported === 'NestFactory' || (ts.isIdentifier(obj) && obj.text === 'NestFactory'))) return 'nest';
    if (mod === 'fastify' && (method === 'fastify' || method === 'default')) return 'fastify';
  }
  // NestFactory.create without a resolvable import (re-exported): the name is distinctive enough
  if (!isNew && dottedName(callee) === 'NestFactory.create') return 'nest';
  return undefined;
}

function rootCreation(mod: string, imported: string): Framework | undefined {
  if (mod === 'express' && (imported === 'default' || imported === '*')) return 'express';
  if (mod === 'fastify' && (imported === 'default' || imported === '*' || imported === 'fastify' || imported === 'Fastify')) return 'fastify';
  if (mod === 'polka' && (imported === 'default' || imported === '*')) return 'polka';
  return undefined;
}

/** Dev servers and tools whose `listen` is not a deployed process. */
const DEV_SERVER_MODULES = /^(vite|webpack-dev-server|@web\/dev-server|browser-sync|live-server|http-server|serve-handler|@vitejs\/|@storybook\/|esbuild|@remix-run\/dev|@react-router\/dev|next\/dist\/|vitest|msw|json-server|nodemon|tsx|ts-node)(\/|$)/;

export function isDevServerModule(mod: string): boolean {
  return DEV_SERVER_MODULES.test(bareModule(mod));
}

/** The declaration of the identifier `id` visible at its use: a `const/let/var` in an enclosing block, or the file's top level. */
export function localDeclaration(id: ts.Identifier): ts.VariableDeclaration | undefined {
  const name = id.text;
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    let statements: readonly ts.Statement[] | undefined;
    if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n)) statements = n.statements;
    else if (ts.isCaseClause(n) || ts.isDefaultClause(n)) statements = n.statements;
    if (statements) {
      for (const st of statements) {
        if (!ts.isVariableStatement(st)) continue;
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name) return d;
      }
    }
    // a parameter of an enclosing function shadows outer names: unknown
    if (ts.isFunctionLike(n) && n.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === name)) return undefined;
  }
  return undefined;
}

/** The value an identifier was initialised with in this file (`const app = express()` → `express()`), unwrapped. */
export function initializerOf(e: ts.Node): ts.Expression | undefined {
  const u = unwrap(e);
  if (!ts.isIdentifier(u)) return undefined;
  const d = localDeclaration(u);
  if (d?.initializer) return unwrap(d.initializer) as ts.Expression;
  // `let server; … server = app.listen()` : the first assignment in the same scope chain
  return undefined;
}

/** Frameworks a package depends on (to judge an app imported from another module). */
const FRAMEWORK_DEPS: readonly [string, Framework][] = [
  ['express', 'express'],
  ['koa', 'koa'],
  ['fastify', 'fastify'],
  ['@nestjs/core', 'nest'],
  ['hono', 'hono'],
  ['polka', 'polka'],
  ['restify', 'restify'],
];

export function packageFrameworks(pkg: PackageInfo | undefined): Set<Framework> {
  const out = new Set<Framework>();
  if (!pkg) return out;
  for (const [dep, fw] of FRAMEWORK_DEPS) if (pkg.dependencies.has(dep)) out.add(fw);
  return out;
}

/** Packages that run an app as serverless functions: their `listen` is the local fallback. */
const SERVERLESS_ADAPTERS = ['serverless-http', '@vendia/serverless-express', '@codegenie/serverless-express', 'aws-serverless-express', '@h4ad/serverless-adapter', 'aws-lambda-fastify', '@fastify/aws-lambda'];

export function isServerlessPackage(pkg: PackageInfo | undefined): boolean {
  return !!pkg && SERVERLESS_ADAPTERS.some((d) => pkg.dependencies.has(d));
}

/** Folders of sample code: examples, playgrounds, demos, sandboxes, benchmarks. */
const SAMPLE_DIRS = new Set(['example', 'examples', 'playground', 'playgrounds', 'demo', 'demos', 'sandbox', 'sandboxes', 'samples', 'sample', 'benchmark', 'benchmarks', 'bench', 'starter', 'starters', 'boilerplate', 'stubs', 'mock-server', 'mock-servers']);
/** File names of local-only entrypoints: `dev-server.ts`, `server.dev.js`, `local.ts`, `mock-api.ts`. */
const LOCAL_TOKENS = new Set(['dev', 'development', 'local', 'mock', 'mocks', 'fake', 'stub', 'sandbox', 'playground', 'example', 'demo', 'devserver', 'hmr', 'livereload']);

/** Sample code or a local-only entrypoint, judged by the path. */
export function isSampleOrLocalPath(path: string): boolean {
  const parts = path.toLowerCase().split('/');
  const base = parts.pop() ?? '';
  if (parts.some((d) => SAMPLE_DIRS.has(d) || d === 'dev-server' || d === 'devserver')) return true;
  const tokens = base.replace(/\.[a-z]+$/, '').split(/[^a-z0-9]+/).filter(Boolean);
  return tokens.some((t) => LOCAL_TOKENS.has(t));
}

/** The string of a path argument: a literal, a template without substitutions, or a template's static prefix. */
export function pathLiteral(e: ts.Node | undefined): string | undefined {
  if (!e) return undefined;
  const s = stringValue(e);
  if (s !== undefined) return s;
  return undefined;
}

/** Is this expression a function (a handler or middleware), or a name / call that could be one? */
export function isHandlerLike(e: ts.Node): boolean {
  const u = unwrap(e);
  return ts.isArrowFunction(u) || ts.isFunctionExpression(u) || ts.isIdentifier(u) || ts.isPropertyAccessExpression(u) || ts.isCallExpression(u) || ts.isArrayLiteralExpression(u);
}

/** Route registration methods of Express, Koa router, Fastify, Hono, polka, restify. */
export const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'options', 'head', 'use', 'on']);

// ---------------------------------------------------------------------------------------------------------
// Route paths: which routes log users in, sign them up, reset passwords or issue tokens.

/** Path segments of a route, lower-cased, without parameters (`:id`, `[id]`, `$id`, `{id}`, `*`) or empty parts. */
export function routeSegments(path: string): string[] {
  return path
    .split(/[/?#]/)
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s && !/^[:$*{[(]/.test(s) && !/^\.\.\./.test(s));
}

const norm = (s: string) => s.replace(/[^a-z0-9]/g, '');

/** Actions that are brute-forced or abused at scale: credential checks, account creation, reset mails, one-time codes. */
const STRONG_AUTH = new Set([
  'login', 'signin', 'logon', 'signup', 'authenticate',
  'forgotpassword', 'forgottenpassword', 'resetpassword', 'passwordreset', 'requestpasswordreset', 'recoverpassword', 'passwordrecovery', 'sendresetpasswordemail',
  'magiclink', 'sendmagiclink', 'verifyotp', 'sendotp',
]);
/** One-time-code steps: auth endpoints under an auth parent or with a verify step (`/auth/otp/verify`), settings otherwise. */
const CODE_STEPS = new Set(['otp', 'totp', 'twofactor', '2fa', 'mfa']);
/** Steps after the action: `/login/verify`, `/password-reset/request`. */
const TRAILING = new Set(['verify', 'confirm', 'request', 'email', 'code', 'password', 'local', 'credentials']);
/** Parents under which `register` means an account, and `token` an OAuth/auth token endpoint. */
const ACCOUNT_PARENTS = new Set(['', 'auth', 'user', 'users', 'account', 'accounts', 'api', 'public', 'customer', 'customers', 'member', 'members', 'identity', 'iam']);
const TOKEN_PARENTS = new Set(['', 'oauth', 'oauth2', 'auth', 'api', 'connect', 'openid', 'oidc', 'sso', 'identity']);

/** Is this route path a login / signup / password-reset / token endpoint? */
export function isAuthPath(path: string): boolean {
  const raw = path.split(/[/?#]/).filter(Boolean);
  const tail = raw[raw.length - 1] ?? '';
  // a catch-all (`[...nextauth]`, `*`, `:path*`, Remix `$`) belongs to an auth library or a proxy
  if (/^\[{1,2}\.\.\.|^\*|\*$|^\$$/.test(tail)) return false;
  const endsInParam = /^[:$[{]/.test(tail);
  const segs = routeSegments(path).map(norm).filter((s) => s && !/^v\d+$/.test(s));
  if (!segs.length) return false;
  let i = segs.length - 1;
  const step = i > 0 && TRAILING.has(segs[i]);
  if (step) i--;
  const last = segs[i];
  const parent = i > 0 ? segs[i - 1] : '';
  if (STRONG_AUTH.has(last)) return true;
  if (CODE_STEPS.has(last)) return step || /^(auth|login|signin|authentication)$/.test(parent);
  if (last === 'register') return ACCOUNT_PARENTS.has(parent);
  // POST /api/users/auth, POST /auth: a login; `/pusher/auth` and `/webhooks/auth` authorise something else
  if (last === 'auth') return !endsInParam && !step && (i === 0 || (ACCOUNT_PARENTS.has(parent) && parent !== 'auth'));
  if (last === 'token') return TOKEN_PARENTS.has(parent);
  // /password/forgot, /password/reset, /forgot
  if (last === 'forgot' || last === 'reset' || last === 'recover') return parent === 'password' || (last === 'forgot' && ACCOUNT_PARENTS.has(parent));
  return false;
}

/**
 * The URL path of a file-routed endpoint, and how it is exported:
 * Next.js App Router `app/**​/route.ts` (methods), Pages Router `pages/api/**` (default export),
 * Remix / React Router `app/routes/**` (`action`), SvelteKit `src/routes/**​/+server.ts` (methods) and
 * `+page.server.ts` (`actions`), Nuxt / Nitro `server/api/**` (default export, `.post.ts` suffix).
 */
export interface FileRoute {
  readonly path: string;
  readonly framework: 'next-app' | 'next-pages' | 'remix' | 'sveltekit-server' | 'sveltekit-page' | 'nitro';
  /** the HTTP method fixed by the file name (Nitro `login.post.ts`) */
  readonly method?: string;
}

export function fileRoute(relPath: string): FileRoute | undefined {
  const p = relPath.replace(/\\/g, '/');
  const dropGroups = (segs: string[]) => segs.filter((s) => !/^\(.*\)$/.test(s) && !s.startsWith('@') && !s.startsWith('_'));
  let m = /(?:^|\/)app\/((?:[^/]+\/)*?)route\.(?:ts|js|mjs|tsx|jsx)$/.exec(p);
  if (m && !/(?:^|\/)app\/routes\//.test(p)) return { path: '/' + dropGroups(m[1].split('/').filter(Boolean)).join('/'), framework: 'next-app' };
  m = /(?:^|\/)pages\/(api\/(?:[^/]+\/)*[^/]+?)\.(?:ts|js|mjs|tsx|jsx)$/.exec(p);
  if (m) return { path: '/' + m[1].replace(/\/index$/, ''), framework: 'next-pages' };
  m = /(?:^|\/)app\/routes\/(.+?)(?:\/route)?\.(?:ts|js|tsx|jsx)$/.exec(p);
  if (m) {
    // flat routes: `auth.login.tsx`, `_auth+/login.tsx`, `login._index.tsx`; `[.]` escapes a dot
    const segs = m[1]
      .replace(/\[\.\]/g, '\u0000')
      .split(/[/.]/)
      .map((s) => s.replace(/\u0000/g, '.').replace(/\+$/, ''))
      .filter((s) => s && s !== '_index' && s !== 'index' && s !== 'route' && !s.startsWith('_') && !/^\(.*\)$/.test(s));
    return { path: '/' + segs.join('/'), framework: 'remix' };
  }
  m = /(?:^|\/)src\/routes\/((?:[^/]+\/)*?)\+(server|page\.server)\.(?:ts|js)$/.exec(p);
  if (m) return { path: '/' + dropGroups(m[1].split('/').filter(Boolean)).join('/'), framework: m[2] === 'server' ? 'sveltekit-server' : 'sveltekit-page' };
  m = /(?:^|\/)server\/(api|routes)\/((?:[^/]+\/)*[^/.]+?)(?:\.(get|post|put|patch|delete))?\.(?:ts|js|mjs)$/.exec(p);
  if (m) return { path: (m[1] === 'api' ? '/api/' : '/') + m[2].replace(/\/index$/, ''), framework: 'nitro', ...(m[3] ? { method: m[3].toUpperCase() } : {}) };
  return undefined;
}
