import { inServerFunction, runtimeSide } from '../_lib/runtimeSide';
import {
  appendArgument,
  calleeMethod,
  defineRule,
  hasAnyName,
  dottedName,
  getProperty,
  getPropertyValue,
  insertProperty,
  isUseClient,
  someDescendant,
  stringValue,
  ts,
  unwrap,
  type Fix,
  type RuleContext,
} from '../../server/src/engine/api';

/** axios method → index of its config argument (`getUri` takes no request). */
const AXIOS_METHODS: Record<string, number> = { get: 1, delete: 1, head: 1, options: 1, post: 2, put: 2, patch: 2, request: 0, postForm: 2, putForm: 2, patchForm: 2 };
const GOT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'stream']);
const SUPERAGENT_METHODS = new Set(['get', 'post', 'put', 'patch', 'del', 'delete', 'head', 'options']);
/** The packages `collectImports` binds a client from (node's http modules apart: only their get/request are checked). */
const CLIENT_PACKAGES = ['axios', 'got', 'superagent', 'node-fetch', 'cross-fetch', 'isomorphic-fetch', 'isomorphic-unfetch', 'undici'];
const HTTP_MODULES = ['http', 'https', 'node:http', 'node:https'];
/** One of those as a module specifier (an `http` name alone may be a property: `this.http.get(…)`). */
const HTTP_SPECIFIER = /['"](?:node:)?https?['"]/;
/** One of them as a string (the argument of `require`). */
const REQUIRED_CLIENT = /['"`](?:node-fetch|undici|cross-fetch|isomorphic-(?:un)?fetch|axios|got|superagent|(?:node:)?https?)['"`]/;
/** Argument/terminal libraries: a module importing one is CLI code. */
const CLI_LIBS = /^(commander|yargs|@oclif\/core|cac|citty|clipanion|meow|sade|inquirer|@inquirer\/prompts|prompts|enquirer|@clack\/prompts|ora)$/;
/** Test infrastructure: a module importing one is test support code, even outside `test/`. */
const TEST_LIBS = /^(testcontainers|@testcontainers\/.+|vitest|@jest\/globals|@playwright\/test|supertest|nock|msw|msw\/node)$/;
/** Server frameworks: a module importing one is server code even in a CLI package or a script. */
const SERVER_LIBS = /^(express|fastify|koa|hono|@hono\/node-server|@nestjs\/core|@nestjs\/common|@hapi\/hapi|restify|polka|h3)$/;
/** Next.js app-router files that are server components unless marked `'use client'`. */
const NEXT_SERVER_FILE = /(^|\/)app\/(.+\/)?(page|layout|template|default|not-found)\.(tsx|jsx|ts|js)$/;

interface Imports {
  /** packages imported or required at the top level */
  packages: string[];
  /** names bound to the axios function (default/namespace import, `require('axios')`) */
  axios: Set<string>;
  got: Set<string>;
  superagent: Set<string>;
  /** names bound to the `http`/`https` modules */
  http: Set<string>;
  /** `get`/`request` imported by name from `http`/`https` (local name → imported name) */
  httpFns: Map<string, string>;
  /** `fetch` from node-fetch/undici/cross-fetch: still HTTP (node-fetch v2 also takes `timeout`) */
  fetchLike: Set<string>;
  /** a top-level binding named `fetch` that is not the global one (a local function, another package's export) */
  shadowsFetch: boolean;
  /** `HttpModule` imported from `@nestjs/axios` (or the old `@nestjs/common`) */
  nestHttpModule: string | undefined;
}

function collectImports(sf: ts.SourceFile): Imports {
  const im: Imports = { packages: [], axios: new Set(), got: new Set(), superagent: new Set(), http: new Set(), httpFns: new Map(), fetchLike: new Set(), shadowsFetch: false, nestHttpModule: undefined };
  /** `whole`: the module object/default export; `named`: [local, imported] pairs */
  const bind = (pkg: string, whole: string[], named: [string, string][]): void => {
    im.packages.push(pkg);
    for (const [local, imported] of named) if (imported === 'default') whole.push(local);
    if (pkg === 'axios') whole.forEach((n) => im.axios.add(n));
    else if (pkg === 'got') whole.forEach((n) => im.got.add(n));
    else if (pkg === 'superagent') whole.forEach((n) => im.superagent.add(n));
    else if (/^(node:)?https?$/.test(pkg)) {
      whole.forEach((n) => im.http.add(n));
      for (const [local, imported] of named) if (imported === 'get' || imported === 'request') im.httpFns.set(local, imported);
    } else if (/^(node-fetch|cross-fetch|isomorphic-fetch|isomorphic-unfetch)$/.test(pkg)) whole.forEach((n) => im.fetchLike.add(n));
    if (pkg === 'undici' || /^(node-fetch|cross-fetch)$/.test(pkg)) {
      for (const [local, imported] of named) if (imported === 'fetch') im.fetchLike.add(local);
    } else if (!/^(node-fetch|cross-fetch|isomorphic-fetch|isomorphic-unfetch)$/.test(pkg) && [...whole, ...named.map(([l]) => l)].includes('fetch')) {
      im.shadowsFetch = true;
    }
    if (/^@nestjs\/(axios|common)$/.test(pkg)) for (const [local, imported] of named) if (imported === 'HttpModule') im.nestHttpModule = local;
  };
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const whole: string[] = [];
      const named: [string, string][] = [];
      const c = st.importClause;
      if (c?.isTypeOnly) continue;
      if (c?.name) whole.push(c.name.text);
      const b = c?.namedBindings;
      if (b && ts.isNamespaceImport(b)) whole.push(b.name.text);
      if (b && ts.isNamedImports(b)) for (const el of b.elements) if (!el.isTypeOnly) named.push([el.name.text, (el.propertyName ?? el.name).text]);
      bind(st.moduleSpecifier.text, whole, named);
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        let init = d.initializer && unwrap(d.initializer);
        let viaDefault = false;
        if (init && ts.isPropertyAccessExpression(init) && init.name.text === 'default') {
          init = unwrap(init.expression);
          viaDefault = true;
        }
        if (init && ts.isCallExpression(init) && dottedName(init.expression) === 'require') {
          const pkg = stringValue(init.arguments[0]);
          if (!pkg) continue;
          if (ts.isIdentifier(d.name)) bind(pkg, [d.name.text], []);
          else if (ts.isObjectBindingPattern(d.name) && !viaDefault) {
            const named: [string, string][] = [];
            for (const e of d.name.elements) {
              if (!ts.isIdentifier(e.name)) continue;
              const imported = e.propertyName ? (ts.isIdentifier(e.propertyName) || ts.isStringLiteral(e.propertyName) ? e.propertyName.text : '') : e.name.text;
              named.push([e.name.text, imported]);
            }
            bind(pkg, [], named);
          }
        } else if (ts.isIdentifier(d.name) && d.name.text === 'fetch') im.shadowsFetch = true;
      }
    } else if (ts.isFunctionDeclaration(st) && st.name?.text === 'fetch') im.shadowsFetch = true;
  }
  return im;
}

/**
 * Code that is not a long-running server even though nothing marks it as browser code: one-off scripts and
 * seeds, CLI commands, test infrastructure.
 */
function notServerCode(ctx: RuleContext, im: Imports): boolean {
  const sf = ctx.sourceFile;
  if (im.packages.some((p) => TEST_LIBS.test(p))) return true;
  if (ctx.file.roles.script || sf.text.startsWith('#!')) return true;
  // CLI commands (a `dev` command may start a local server: still a CLI): a package that declares
  // executables, in a commands/cli folder or using an argv/prompt library
  if (ctx.packageJson?.hasBin) {
    const dirs = ctx.file.path.split('/').slice(0, -1);
    if (dirs.some((d) => /^(commands?|cli)$/i.test(d)) || im.packages.some((p) => CLI_LIBS.test(p))) return true;
  }
  if (im.packages.some((p) => SERVER_LIBS.test(p)) || /\.listen\s*\(/.test(sf.text)) return false;
  // a one-shot script: `main()` / `main().catch(…)` / `void main()` / `await main()` at the top level
  return sf.statements.some((st) => {
    if (!ts.isExpressionStatement(st)) return false;
    let e: ts.Node = st.expression;
    for (;;) {
      e = unwrap(e);
      if (ts.isVoidExpression(e)) e = e.expression;
      else if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && /^(catch|then|finally)$/.test(e.expression.name.text)) e = e.expression.expression;
      else break;
    }
    return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'main';
  });
}

/**
 * Next.js server-side modules that the generic side check takes for browser code: app-router pages and layouts
 * (server components unless they say 'use client'), modules importing `server-only`, and data modules whose only
 * React import is `cache` (a server-components API) and that render nothing.
 */
function serverComponentModule(ctx: RuleContext): boolean {
  const sf = ctx.sourceFile;
  if (isUseClient(sf)) return false;
  const imports = sf.statements.filter(ts.isImportDeclaration);
  const from = (d: ts.ImportDeclaration): string => (ts.isStringLiteral(d.moduleSpecifier) ? d.moduleSpecifier.text : '');
  if (imports.some((d) => from(d) === 'server-only')) return true;
  if (!ctx.packageJson?.dependencies.has('next')) return false;
  if (NEXT_SERVER_FILE.test(ctx.file.path)) return true;
  // `import { cache } from 'react'` and nothing else from a UI package, no JSX, no DOM
  const ui = imports.filter((d) => /^(react|react-dom|next\/navigation|next\/router|swr|@tanstack\/react-query)$/.test(from(d)) && !d.importClause?.isTypeOnly);
  if (ui.length !== 1 || from(ui[0]) !== 'react') return false;
  const c = ui[0].importClause;
  const b = c?.namedBindings;
  if (!c || c.name || !b || !ts.isNamedImports(b) || !b.elements.every((e) => e.isTypeOnly || (e.propertyName ?? e.name).text === 'cache')) return false;
  if (/\b(window|document|localStorage|sessionStorage|navigator)\s*\./.test(sf.text)) return false;
  return !/\.(tsx|jsx)$/.test(ctx.file.path) || !someDescendant(sf, (n) => ts.isJsxElement(n) || ts.isJsxSelfClosingElement(n) || ts.isJsxFragment(n));
}

type Has = 'yes' | 'no' | 'unknown';

export default defineRule({
  id: 'missing-timeout',
  title: 'Outbound HTTP call without a timeout',
  summary: 'A server-side outbound HTTP call has no timeout, so a slow dependency can hang requests until the process runs out of sockets or memory.',
  severity: 'warning',
  kinds: ['code'],
  scope: 'file',
  checklist: '003 §5.2',
  fixable: true,
  hasSuggestions: false,
  messages: {
    fetch: '{{call}}() has no signal, so the call has no timeout.',
    axios: '{{call}}() has no timeout.',
    axiosInstance: 'The axios instance created here has no timeout, so none of its calls do.',
    got: '{{call}}() has no timeout.',
    gotInstance: 'The got instance created here has no timeout, so none of its calls do.',
    http: '{{call}}() has no timeout and the request never calls .setTimeout().',
    superagent: 'The superagent request has no .timeout().',
    httpModule: 'HttpModule is registered without a timeout, so HttpService calls have none.',
  },
  options: {
    timeoutMs: { type: 'number', default: 30_000, minimum: 1, description: 'The timeout, in milliseconds, that the fix writes.' },
  },
  // the global fetch is called by name; every other client is imported by its package name (a name; for node's http
  // modules, which `this.http` or a JSDoc `@see https://…` name too, with a `get`/`request` to call and the module's
  // specifier in the text), or required (a string: `require('axios')`); not in an executable script (`#!`, which check() skips)
  codeHint: (ids, text) =>
    !text.startsWith('#!') &&
    (ids.has('fetch') ||
      ids.has('HttpModule') ||
      hasAnyName(ids, CLIENT_PACKAGES) ||
      ((ids.has('get') || ids.has('request')) && hasAnyName(ids, HTTP_MODULES) && HTTP_SPECIFIER.test(text)) ||
      (ids.has('require') && REQUIRED_CLIENT.test(text))),
  check(ctx) {
    const sf = ctx.sourceFile;
    const text = sf.text;
    let side = runtimeSide(sf, ctx.file.path, ctx.packageJson);
    if (side === 'browser' && serverComponentModule(ctx)) side = 'server';
    if (side === 'browser') return;
    const im = collectImports(sf);
    if (notServerCode(ctx, im)) return;

    const ms = Math.max(1, Math.round(Number(ctx.options.timeoutMs ?? 30_000)) || 30_000);
    const msText = ms >= 10_000 ? String(ms).replace(/\B(?=(\d{3})+(?!\d))/g, '_') : String(ms);
    const axiosDefaultsTimeout = [...im.axios].some((n) => new RegExp(`(?<![\\w$.])${escapeRe(n)}\\.defaults\\.timeout\\s*=`).test(text));

    const visitor: Record<string, (node: any) => void> = {
      CallExpression(node: ts.CallExpression) {
        if (side === 'mixed' && !inServerFunction(node)) return;
        const callee = unwrap(node.expression);
        const name = dottedName(callee) ?? '';
        const method = calleeMethod(node);
        const root = ts.isPropertyAccessExpression(callee) ? dottedName(callee.expression) : undefined;

        // ------------------------------------------------------------------ fetch
        if (name === 'fetch' || name === 'globalThis.fetch' || name === 'global.fetch' || im.fetchLike.has(name)) {
          if (name === 'fetch' && !im.fetchLike.has(name) && (im.shadowsFetch || locallyBound(callee as ts.Identifier))) return;
          checkFetch(node, name, im.fetchLike.has(name));
          return;
        }

        // ------------------------------------------------------------------ axios
        if (im.axios.has(name)) {
          if (axiosDefaultsTimeout) return;
          // axios(config) or axios(url[, config])
          const first = node.arguments[0];
          const at = first && node.arguments.length === 1 && !isUrlLike(first) ? 0 : 1;
          if (!lacksTimeout(node.arguments[at])) return;
          ctx.report({ node, messageId: 'axios', data: { call: name }, fix: configFix(node, at, `timeout: ${msText}`) });
          return;
        }
        if (root && im.axios.has(root) && method) {
          if (method === 'create') {
            checkAxiosCreate(node);
            return;
          }
          if (axiosDefaultsTimeout || !(method in AXIOS_METHODS)) return;
          const idx = AXIOS_METHODS[method];
          if (!node.arguments.length || !lacksTimeout(node.arguments[idx])) return;
          // `axios.post(url)`: no data argument to put the config after, so no fix
          const fix = node.arguments.length >= idx ? configFix(node, idx, `timeout: ${msText}`) : undefined;
          ctx.report({ node, messageId: 'axios', data: { call: name }, fix });
          return;
        }

        // ------------------------------------------------------------------ got
        if (im.got.has(name) || (root && im.got.has(root) && method && GOT_METHODS.has(method))) {
          // got(url[, options]) or got(options)
          const first = node.arguments[0];
          if (!first) return;
          const at = node.arguments.length === 1 && !isUrlLike(first) ? 0 : 1;
          if (!lacksTimeout(node.arguments[at])) return;
          ctx.report({ node, messageId: 'got', data: { call: name }, fix: configFix(node, at, `timeout: { request: ${msText} }`) });
          return;
        }
        if (root && im.got.has(root) && method === 'extend') {
          if (!node.arguments.length || node.arguments.some((a) => !lacksTimeout(a))) return;
          ctx.report({ node, messageId: 'gotInstance', fix: configFix(node, 0, `timeout: { request: ${msText} }`) });
          return;
        }

        // ------------------------------------------------------------------ node http/https
        const httpFn = ts.isIdentifier(callee) ? im.httpFns.get(callee.text) : undefined;
        if (httpFn || (root && im.http.has(root) && (method === 'get' || method === 'request'))) {
          checkHttp(node, name);
          return;
        }

        // ------------------------------------------------------------------ superagent
        if ((root && im.superagent.has(root) && method && SUPERAGENT_METHODS.has(method)) || im.superagent.has(name)) {
          checkSuperagent(node);
          return;
        }

        // ------------------------------------------------------------------ Nest HttpModule.register(…) / registerAsync(…)
        if (im.nestHttpModule && root === im.nestHttpModule && (method === 'register' || method === 'registerAsync')) {
          if (method === 'register') {
            if (configHas(node.arguments[0], 'timeout') !== 'no') return;
            ctx.report({ node, messageId: 'httpModule', fix: configFix(node, 0, `timeout: ${msText}`) });
            return;
          }
          const returned = factoryResult(node.arguments[0]);
          if (!returned || configHas(returned, 'timeout') !== 'no') return;
          const lit = unwrap(returned);
          ctx.report({ node, messageId: 'httpModule', fix: ts.isObjectLiteralExpression(lit) ? propFix(lit, `timeout: ${msText}`) : undefined });
        }
      },
    };
    if (im.nestHttpModule) {
      // `imports: [HttpModule]` in a Nest module: the bare module has no timeout
      visitor.Identifier = (node: ts.Identifier) => {
        if (node.text !== im.nestHttpModule || !ts.isArrayLiteralExpression(node.parent)) return;
        const prop = node.parent.parent;
        if (!ts.isPropertyAssignment(prop) || !ts.isIdentifier(prop.name) || prop.name.text !== 'imports') return;
        const title = `Use ${node.text}.register({ timeout: ${msText} })`;
        ctx.report({ node, messageId: 'httpModule', fix: { title, edits: [{ start: node.getStart(sf), end: node.getEnd(), text: `${node.text}.register({ timeout: ${msText} })` }] } });
      };
    }
    return visitor;

    // ---------------------------------------------------------------------------------------------- checks

    function checkFetch(node: ts.CallExpression, name: string, nodeFetch: boolean): void {
      const url = node.arguments[0];
      if (!url) return;
      // A relative URL only works in a browser.
      const u = unwrap(url);
      const s = stringValue(u);
      if (s !== undefined && s.startsWith('/')) return;
      if (ts.isTemplateExpression(u) && u.head.text.startsWith('/')) return;
      // fetch(new Request(url, { signal }))
      if (ts.isNewExpression(u) && dottedName(u.expression) === 'Request' && configHas(u.arguments?.[1], 'signal') !== 'no') return;
      const init = node.arguments[1];
      const signal = configHas(init, 'signal');
      if (signal !== 'no') return;
      if (nodeFetch && configHas(init, 'timeout') !== 'no') return;
      ctx.report({ node, messageId: 'fetch', data: { call: name }, fix: configFix(node, 1, `signal: AbortSignal.timeout(${msText})`) });
    }

    function checkAxiosCreate(node: ts.CallExpression): void {
      if (!lacksTimeout(node.arguments[0])) return;
      // axios.create().post(url, body, { timeout }): the one call carries it
      const p = node.parent;
      if (ts.isPropertyAccessExpression(p) && ts.isCallExpression(p.parent) && p.parent.expression === p) {
        const idx = AXIOS_METHODS[p.name.text];
        if (idx !== undefined && !lacksTimeout(p.parent.arguments[idx])) return;
      }
      // instance.defaults.timeout = … / this.instance.defaults.timeout = …
      const target = assignedName(node);
      if (target && new RegExp(`\\b${escapeRe(target)}\\.defaults\\.timeout\\s*=`).test(text)) return;
      ctx.report({ node, messageId: 'axiosInstance', fix: configFix(node, 0, `timeout: ${msText}`) });
    }

    function checkHttp(node: ts.CallExpression, name: string): void {
      // options anywhere in the arguments: (url, options, cb) or (options, cb)
      for (const a of node.arguments) {
        const u = unwrap(a);
        if (ts.isFunctionLike(u) || isUrlLike(u)) continue;
        if (ts.isIdentifier(u) && /(url|uri|href|endpoint|link|address)$/i.test(u.text)) continue;
        if (!lacksTimeout(u)) return;
      }
      // http.get(…).setTimeout(…) somewhere in the chain
      for (let top: ts.Node = node; ts.isPropertyAccessExpression(top.parent) && ts.isCallExpression(top.parent.parent); top = top.parent.parent) {
        if (top.parent.name.text === 'setTimeout') return;
      }
      // const req = http.request(…); … req.setTimeout(…) / socket.setTimeout(…) / setTimeout(() => req.destroy())
      const target = assignedName(node);
      if (target) {
        const scopeText = enclosingScope(node).getText(sf);
        if (/\.setTimeout\s*\(/.test(scopeText)) return;
        if (new RegExp(`\\bsetTimeout\\s*\\([^]*\\b${escapeRe(target)}\\.(destroy|abort)\\s*\\(`).test(scopeText)) return;
      }
      ctx.report({ node, messageId: 'http', data: { call: name } });
    }

    function checkSuperagent(node: ts.CallExpression): void {
      let top: ts.Node = node;
      for (; ts.isPropertyAccessExpression(top.parent) && ts.isCallExpression(top.parent.parent); top = top.parent.parent) {
        if (top.parent.name.text === 'timeout') return;
      }
      const target = assignedName(top);
      if (target && new RegExp(`\\b${escapeRe(target)}\\s*\\.\\s*timeout\\s*\\(`).test(enclosingScope(node).getText(sf))) return;
      const title = `Add .timeout(${msText})`;
      ctx.report({ node, messageId: 'superagent', fix: { title, edits: [{ start: node.getEnd(), end: node.getEnd(), text: `.timeout(${msText})` }] } });
    }

    // ---------------------------------------------------------------------------------------------- config shapes

    /**
     * Does a config expression carry `key`? 'no' only when every part of it is visible: object literals,
     * local `const x = {…}` objects, spreads of those. Parameters, calls and anything else are 'unknown'.
     */
    function configHas(e: ts.Node | undefined, key: string, depth = 0): Has {
      if (!e) return 'no';
      if (depth > 5) return 'unknown';
      const u = unwrap(e);
      if (isNothing(u)) return 'no';
      if (ts.isObjectLiteralExpression(u)) {
        const prop = getProperty(u, key);
        // `signal: undefined` (a RequestInit spelled out in full) is no signal
        if (prop && !(ts.isPropertyAssignment(prop) && isNothing(prop.initializer))) return 'yes';
        let out: Has = 'no';
        for (const p of u.properties) {
          if (!ts.isSpreadAssignment(p)) continue;
          const h = configHas(p.expression, key, depth + 1);
          if (h === 'yes') return 'yes';
          if (h === 'unknown') out = 'unknown';
        }
        return out;
      }
      if (ts.isConditionalExpression(u)) {
        const a = configHas(u.whenTrue, key, depth + 1);
        const b = configHas(u.whenFalse, key, depth + 1);
        return a === 'no' && b === 'no' ? 'no' : a === 'yes' || b === 'yes' ? 'yes' : 'unknown';
      }
      if (ts.isBinaryExpression(u) && (u.operatorToken.kind === ts.SyntaxKind.BarBarToken || u.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
        const a = configHas(u.left, key, depth + 1);
        const b = configHas(u.right, key, depth + 1);
        return a === 'no' && b === 'no' ? 'no' : 'unknown';
      }
      if (ts.isIdentifier(u)) {
        const local = localObject(u, key);
        return local ? configHas(local, key, depth + 1) : 'unknown';
      }
      return 'unknown';
    }

    /** A config (axios, got, http options) with neither `timeout` nor `signal`, as far as we can see. */
    function lacksTimeout(e: ts.Node | undefined): boolean {
      return configHas(e, 'timeout') === 'no' && configHas(e, 'signal') === 'no';
    }

    /**
     * The object literal a local variable was initialised with, when nothing else in its scope can add `key`
     * (`x.key = …`, `Object.assign(x, …)`, a reassignment). Parameters and other shapes: undefined.
     */
    function localObject(id: ts.Identifier, key: string): ts.ObjectLiteralExpression | undefined {
      for (let n: ts.Node = id; n.parent; n = n.parent) {
        const scope = n.parent;
        if (ts.isFunctionLike(scope) && scope.parameters.some((p) => bindsName(p.name, id.text))) return undefined;
        const statements = ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope) ? scope.statements : undefined;
        if (!statements) continue;
        for (const st of statements) {
          if (!ts.isVariableStatement(st)) continue;
          for (const d of st.declarationList.declarations) {
            if (!bindsName(d.name, id.text)) continue;
            if (!ts.isIdentifier(d.name) || !d.initializer) return undefined;
            const init = unwrap(d.initializer);
            if (!ts.isObjectLiteralExpression(init)) return undefined;
            const rest = text.slice(scope.getStart(sf), d.getStart(sf)) + text.slice(d.getEnd(), scope.getEnd());
            const n = escapeRe(id.text);
            if (new RegExp(`(?<![\\w$.])${n}\\s*(\\.\\s*${escapeRe(key)}\\b|\\[)|Object\\.assign\\(\\s*${n}\\b|(?<![\\w$.])${n}\\s*=(?![=>])`).test(rest)) return undefined;
            return init;
          }
        }
      }
      return undefined;
    }

    /** `useFactory: () => ({…})` / `useFactory: () => { return {…} }` of a registerAsync call. */
    function factoryResult(arg: ts.Node | undefined): ts.Expression | undefined {
      if (!arg) return undefined;
      const opts = unwrap(arg);
      if (!ts.isObjectLiteralExpression(opts)) return undefined;
      const f = getPropertyValue(opts, 'useFactory') ?? (getProperty(opts, 'useFactory') as ts.MethodDeclaration | undefined);
      if (!f) return undefined;
      const fn = unwrap(f);
      if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn) && !ts.isMethodDeclaration(fn)) return undefined;
      const body = fn.body;
      if (!body) return undefined;
      if (!ts.isBlock(body)) return body;
      const returns = body.statements.filter(ts.isReturnStatement);
      return returns.length === 1 ? returns[0].expression : undefined;
    }

    function isNothing(e: ts.Node): boolean {
      const u = unwrap(e);
      return (ts.isIdentifier(u) && u.text === 'undefined') || u.kind === ts.SyntaxKind.NullKeyword || u.kind === ts.SyntaxKind.UndefinedKeyword;
    }

    function isUrlLike(e: ts.Node): boolean {
      const u = unwrap(e);
      return ts.isStringLiteralLike(u) || ts.isTemplateExpression(u) || (ts.isNewExpression(u) && dottedName(u.expression) === 'URL') || (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.PlusToken) || (ts.isCallExpression(u) && /(url|uri|href)/i.test(calleeMethod(u) ?? '')) || (ts.isPropertyAccessExpression(u) && /(url|uri|href)$/i.test(u.name.text)) || (ts.isIdentifier(u) && /(url|uri|href|endpoint)$/i.test(u.text));
    }

    // ---------------------------------------------------------------------------------------------- names and scopes

    /** Is the identifier bound by an enclosing function's parameters or a declaration in an enclosing block? */
    function locallyBound(id: ts.Identifier): boolean {
      for (let n: ts.Node | undefined = id.parent; n && !ts.isSourceFile(n); n = n.parent) {
        if (ts.isFunctionLike(n) && n.parameters.some((p) => bindsName(p.name, id.text))) return true;
        if (ts.isBlock(n)) {
          for (const st of n.statements) {
            if (ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => bindsName(d.name, id.text))) return true;
            if (ts.isFunctionDeclaration(st) && st.name?.text === id.text) return true;
          }
        }
      }
      return false;
    }

    function bindsName(name: ts.BindingName, t: string): boolean {
      if (ts.isIdentifier(name)) return name.text === t;
      return name.elements.some((e) => !ts.isOmittedExpression(e) && bindsName(e.name, t));
    }

    /** The variable/property a call's result is stored in: `const x = …`, `x = …`, `this.x = …`, `private x = …`. */
    function assignedName(node: ts.Node): string | undefined {
      let n = node;
      while (ts.isAwaitExpression(n.parent) || ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent)) n = n.parent;
      const p = n.parent;
      if ((ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p)) && p.initializer === n && (ts.isIdentifier(p.name) || ts.isPrivateIdentifier(p.name))) return p.name.text;
      if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === n) {
        const left = unwrap(p.left);
        if (ts.isIdentifier(left)) return left.text;
        if (ts.isPropertyAccessExpression(left)) return left.name.text;
      }
      return undefined;
    }

    /** The enclosing function body (or the file). */
    function enclosingScope(node: ts.Node): ts.Node {
      for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
        if (ts.isFunctionLike(n) || ts.isSourceFile(n)) return n;
      }
      return sf;
    }

    // ---------------------------------------------------------------------------------------------- fixes

    function propFix(obj: ts.ObjectLiteralExpression, prop: string): Fix {
      return { title: `Add ${prop}`, edits: insertProperty(sf, ctx.lines, ctx.style, obj, prop) };
    }

    /**
     * Put `prop` into the config argument at `index`: into an object literal, around a visible local object
     * (`init` → `{ ...init, prop }`), or as a new argument when it is the next one.
     */
    function configFix(node: ts.CallExpression, index: number, prop: string): Fix | undefined {
      const title = `Add ${prop}`;
      const cfg = node.arguments[index];
      if (cfg) {
        const u = unwrap(cfg);
        if (ts.isObjectLiteralExpression(u)) return propFix(u, prop);
        if (ts.isIdentifier(u)) {
          const obj = u.text === 'undefined' ? `{ ${prop} }` : `{ ...${u.text}, ${prop} }`;
          return { title, edits: [{ start: u.getStart(sf), end: u.getEnd(), text: obj }] };
        }
        return undefined;
      }
      if (node.arguments.length !== index) return undefined;
      const args = node.arguments;
      const last = args[args.length - 1];
      if (last && args.hasTrailingComma && ctx.lines.lineOf(last.getStart(sf)) !== ctx.lines.lineOf(node.expression.getEnd())) {
        // f(\n  a,\n) → f(\n  a,\n  { prop },\n)
        const comma = text.indexOf(',', last.getEnd()) + 1;
        return { title, edits: [{ start: comma, end: comma, text: `${ctx.style.eol}${ctx.style.indentAt(last.getStart(sf))}{ ${prop} },` }] };
      }
      return { title, edits: appendArgument(sf, node, `{ ${prop} }`) };
    }
  },
});


function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
