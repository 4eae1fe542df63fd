import { inServerFunction, runtimeSide } from '../_lib/runtimeSide';
import {
  appendArgument,
  calleeMethod,
  defineRule,
  dottedName,
  enclosingFunction,
  getProperty,
  insertProperty,
  someDescendant,
  stringValue,
  ts,
  unwrap,
  type Fix,
} from '../../server/src/engine/api';

const AXIOS_METHODS: Record<string, number> = { get: 1, delete: 1, head: 1, options: 1, post: 2, put: 2, patch: 2, request: 0, getUri: -1, postForm: 2, putForm: 2, patchForm: 2 };
const GOT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'stream']);
const SUPERAGENT_METHODS = new Set(['get', 'post', 'put', 'patch', 'del', 'delete', 'head', 'options']);
interface Imports {
  axios: Set<string>;
  got: Set<string>;
  superagent: Set<string>;
  http: Set<string>;
  /** `fetch` bound to node-fetch/undici/cross-fetch (still HTTP) */
  fetchLike: Set<string>;
  /** names shadowing the global fetch (a local function, a param, an unrelated import) */
  shadowsFetch: boolean;
}

function collectImports(sf: ts.SourceFile): Imports {
  const im: Imports = { axios: new Set(), got: new Set(), superagent: new Set(), http: new Set(), fetchLike: new Set(), shadowsFetch: false };
  const bind = (pkg: string, names: string[]): void => {
    if (pkg === 'axios') names.forEach((n) => im.axios.add(n));
    else if (pkg === 'got') names.forEach((n) => im.got.add(n));
    else if (pkg === 'superagent') names.forEach((n) => im.superagent.add(n));
    else if (/^(node:)?(http|https)$/.test(pkg)) names.forEach((n) => im.http.add(n));
    else if (/^(node-fetch|undici|cross-fetch|isomorphic-fetch)$/.test(pkg)) names.forEach((n) => im.fetchLike.add(n));
    else if (names.includes('fetch')) im.shadowsFetch = true;
  };
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const names: string[] = [];
      const c = st.importClause;
      if (c?.name) names.push(c.name.text);
      const b = c?.namedBindings;
      if (b && ts.isNamespaceImport(b)) names.push(b.name.text);
      if (b && ts.isNamedImports(b)) for (const el of b.elements) names.push(el.name.text);
      bind(st.moduleSpecifier.text, names);
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && unwrap(d.initializer);
        if (init && ts.isCallExpression(init) && dottedName(init.expression) === 'require') {
          const pkg = stringValue(init.arguments[0]);
          const names = ts.isIdentifier(d.name) ? [d.name.text] : ts.isObjectBindingPattern(d.name) ? d.name.elements.map((e) => (ts.isIdentifier(e.name) ? e.name.text : '')).filter(Boolean) : [];
          if (pkg) bind(pkg, names);
        } else if (ts.isIdentifier(d.name) && d.name.text === 'fetch') im.shadowsFetch = true;
      }
    } else if (ts.isFunctionDeclaration(st) && st.name?.text === 'fetch') im.shadowsFetch = true;
  }
  return im;
}

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
    fetch: 'fetch() has no signal, so the call has no timeout.',
    axios: '{{call}} has no timeout.',
    axiosInstance: 'The axios instance created here has no timeout, so none of its calls do.',
    got: '{{call}} has no timeout.',
    http: '{{call}} has no timeout.',
    superagent: 'The superagent request has no .timeout().',
    httpModule: 'HttpModule is registered without a timeout, so HttpService calls have none.',
  },
  options: {
    timeoutMs: { type: 'number', default: 30_000, minimum: 1, description: 'The timeout, in milliseconds, that the fix writes.' },
  },
  textHint: /fetch\s*\(|axios|\bgot\b|superagent|https?\.(get|request)\b|HttpModule/,
  check(ctx) {
    const sf = ctx.sourceFile;
    const im = collectImports(sf);
    const side = runtimeSide(sf, ctx.file.path, ctx.packageJson);
    if (side === 'browser') return;
    const ms = Number(ctx.options.timeoutMs ?? 30_000);
    const msText = ms >= 10_000 ? String(ms).replace(/\B(?=(\d{3})+(?!\d))/g, '_') : String(ms);
    const text = sf.text;
    const axiosDefaultsTimeout = /\baxios\.defaults\.timeout\s*=/.test(text);
    /** axios instances created in this file: name → configured with a timeout */
    const instances = new Map<string, boolean>();

    return {
      CallExpression(node: ts.CallExpression) {
        if (side === 'mixed' && !inServerFunction(node)) return;
        const callee = unwrap(node.expression);
        const name = dottedName(callee) ?? '';
        const method = calleeMethod(node);

        // ------------------------------------------------------------------ fetch
        if (name === 'fetch' || name === 'globalThis.fetch' || im.fetchLike.has(name)) {
          if (name === 'fetch' && (im.shadowsFetch || locallyBound(callee as ts.Identifier))) return;
          checkFetch(node, im.fetchLike.has(name));
          return;
        }

        // ------------------------------------------------------------------ axios
        const root = ts.isPropertyAccessExpression(callee) ? dottedName(callee.expression) : undefined;
        if (im.axios.size && (im.axios.has(name) || (root && im.axios.has(root)))) {
          if (axiosDefaultsTimeout) return;
          if (im.axios.has(name)) {
            // axios(config) / axios(url, config)
            const cfg = node.arguments.length >= 2 ? node.arguments[1] : node.arguments[0];
            if (cfg && configHas(cfg, 'timeout')) return;
            // axios({ url, … }) takes the config first; axios(url) / axios(url, config) second
            const at = node.arguments.length === 1 && isObjectLit(node.arguments[0]) ? 0 : 1;
            ctx.report({ node, messageId: 'axios', data: { call: `${name}()` }, fix: configFix(node, at, 'timeout') });
            return;
          }
          if (method === 'create') {
            const cfg = node.arguments[0];
            const decl = node.parent;
            const varName = ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) ? decl.name.text : undefined;
            const ok = (cfg && configHas(cfg, 'timeout')) || (varName !== undefined && new RegExp(`\\b${varName}\\.defaults\\.timeout\\s*=`).test(text));
            if (varName) instances.set(varName, !!ok);
            if (ok) return;
            ctx.report({ node, messageId: 'axiosInstance', fix: configFix(node, 0, 'timeout') });
            return;
          }
          if (method && method in AXIOS_METHODS && AXIOS_METHODS[method] >= 0) {
            const idx = AXIOS_METHODS[method];
            const cfg = node.arguments[idx];
            if (cfg && configHas(cfg, 'timeout')) return;
            if (node.arguments.length < idx) return; // not enough arguments to place a config: unusual call, stay quiet
            ctx.report({ node, messageId: 'axios', data: { call: `${name}()` }, fix: configFix(node, idx, 'timeout') });
          }
          return;
        }

        // ------------------------------------------------------------------ got
        if (im.got.size && (im.got.has(name) || (root && im.got.has(root) && method && GOT_METHODS.has(method)))) {
          const cfg = node.arguments[1];
          if (cfg && configHas(cfg, 'timeout')) return;
          if (cfg && !isObjectLit(cfg)) return;
          if (/\bgot\.extend\([^)]*timeout/.test(text)) return;
          ctx.report({ node, messageId: 'got', data: { call: `${name}()` }, fix: configFixGot(node) });
          return;
        }
        if (im.got.size && root && im.got.has(root) && method === 'extend') {
          const cfg = node.arguments[0];
          if (!cfg || configHas(cfg, 'timeout') || !isObjectLit(cfg)) return;
          ctx.report({ node, messageId: 'got', data: { call: `${name}()` } });
          return;
        }

        // ------------------------------------------------------------------ node http/https
        if (root && im.http.has(root) && (method === 'get' || method === 'request')) {
          const opts = node.arguments.find((a) => isObjectLit(a));
          if (opts && (configHas(opts, 'timeout') || configHas(opts, 'signal'))) return;
          if (setsTimeoutLater(node)) return;
          ctx.report({ node, messageId: 'http', data: { call: `${name}()` } });
          return;
        }

        // ------------------------------------------------------------------ superagent
        if (im.superagent.size && root && im.superagent.has(root) && method && SUPERAGENT_METHODS.has(method)) {
          // the whole chain hanging off this call
          let top: ts.Node = node;
          while (ts.isPropertyAccessExpression(top.parent) && ts.isCallExpression(top.parent.parent)) top = top.parent.parent;
          if (/\.timeout\s*\(/.test(top.getText(sf))) return;
          ctx.report({ node, messageId: 'superagent' });
          return;
        }

        // ------------------------------------------------------------------ Nest HttpModule.register({...})
        if ((name === 'HttpModule.register' || name === 'HttpModule.registerAsync') && !/timeout/.test(node.getText(sf))) {
          ctx.report({ node, messageId: 'httpModule', fix: name === 'HttpModule.register' ? configFix(node, 0, 'timeout') : undefined });
        }
      },
      Identifier(node: ts.Identifier) {
        // imports: [HttpModule] in a Nest module
        if (node.text !== 'HttpModule' || !ts.isArrayLiteralExpression(node.parent)) return;
        const prop = node.parent.parent;
        if (!ts.isPropertyAssignment(prop) || (ts.isIdentifier(prop.name) ? prop.name.text : '') !== 'imports') return;
        ctx.report({ node, messageId: 'httpModule' });
      },
    };

    function isObjectLit(e: ts.Expression): boolean {
      return ts.isObjectLiteralExpression(unwrap(e));
    }

    /** Does a config expression carry `key`? Unknown shapes (variables from elsewhere) count as yes. */
    function configHas(e: ts.Expression, key: string): boolean {
      const u = unwrap(e);
      if (ts.isObjectLiteralExpression(u)) {
        if (getProperty(u, key)) return true;
        // a spread of something we cannot see may carry it
        return u.properties.some((p) => ts.isSpreadAssignment(p) && !spreadIsVisibleWithout(p.expression, key));
      }
      if (ts.isIdentifier(u)) {
        const init = localObjectInit(u);
        return init ? configHas(init, key) : true;
      }
      return true;
    }

    /** A spread whose content we can see (a local const object literal) and that lacks `key`. */
    function spreadIsVisibleWithout(e: ts.Expression, key: string): boolean {
      const u = unwrap(e);
      if (ts.isObjectLiteralExpression(u)) return !getProperty(u, key) && !u.properties.some((p) => ts.isSpreadAssignment(p));
      if (ts.isIdentifier(u)) {
        const init = localObjectInit(u);
        if (init) return spreadIsVisibleWithout(init, key);
        // a local typed variable (`const config: ChatConfig = {…}`) declared in the same function: visible
        return false;
      }
      return false;
    }

    /** The object literal a same-function/file `const x = {…}` was initialised with. */
    function localObjectInit(id: ts.Identifier): ts.ObjectLiteralExpression | undefined {
      const fn = enclosingFunction(id);
      const scopes: ts.Node[] = fn ? [fn, sf] : [sf];
      for (const scope of scopes) {
        let found: ts.ObjectLiteralExpression | undefined;
        someDescendant(scope, (n) => {
          if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === id.text && n.initializer && ts.isObjectLiteralExpression(unwrap(n.initializer))) {
            found = unwrap(n.initializer) as ts.ObjectLiteralExpression;
            return true;
          }
          return false;
        });
        if (found) return found;
      }
      return undefined;
    }

    function checkFetch(node: ts.CallExpression, nodeFetch: boolean): void {
      const url = node.arguments[0];
      if (!url) return;
      // A relative URL only works in a browser.
      const u = stringValue(url);
      if (u !== undefined && u.startsWith('/')) return;
      if (ts.isTemplateExpression(unwrap(url)) && (unwrap(url) as ts.TemplateExpression).head.text.startsWith('/')) return;
      const init = node.arguments[1];
      if (init) {
        if (configHas(init, 'signal')) return;
        if (nodeFetch && configHas(init, 'timeout')) return;
        // an init passed through from the caller may carry the caller's signal
        const ui = unwrap(init);
        if (ts.isIdentifier(ui) && isParameter(ui)) return;
        if (ts.isObjectLiteralExpression(ui) && ui.properties.some((p) => ts.isSpreadAssignment(p) && ts.isIdentifier(unwrap(p.expression)) && isParameter(unwrap(p.expression) as ts.Identifier))) return;
      }
      ctx.report({ node, messageId: 'fetch', fix: fetchFix(node) });
    }

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

    function bindsName(name: ts.BindingName, text: string): boolean {
      if (ts.isIdentifier(name)) return name.text === text;
      return name.elements.some((e) => !ts.isOmittedExpression(e) && bindsName(e.name, text));
    }

    function isParameter(id: ts.Identifier): boolean {
      const fn = enclosingFunction(id);
      return !!fn && fn.parameters.some((p) => (ts.isIdentifier(p.name) && p.name.text === id.text) || (ts.isObjectBindingPattern(p.name) && p.name.elements.some((e) => ts.isIdentifier(e.name) && e.name.text === id.text)));
    }

    function fetchFix(node: ts.CallExpression): Fix | undefined {
      const prop = `signal: AbortSignal.timeout(${msText})`;
      const title = `Add signal: AbortSignal.timeout(${msText})`;
      const init = node.arguments[1];
      if (!init) return { title, edits: appendArgument(sf, node, `{ ${prop} }`) };
      const ui = unwrap(init);
      if (ts.isObjectLiteralExpression(ui)) return { title, edits: insertProperty(sf, ctx.lines, ctx.style, ui, prop) };
      return undefined;
    }

    /** Put `timeout: N` into the config argument at `index` (creating it when it is the next argument). */
    function configFix(node: ts.CallExpression, index: number, key: string): Fix | undefined {
      const title = `Add ${key}: ${msText}`;
      const prop = `${key}: ${msText}`;
      if (index < 0) return undefined;
      const cfg = node.arguments[index];
      if (cfg) {
        const u = unwrap(cfg);
        return ts.isObjectLiteralExpression(u) ? { title, edits: insertProperty(sf, ctx.lines, ctx.style, u, prop) } : undefined;
      }
      if (node.arguments.length !== index) return undefined;
      return { title, edits: appendArgument(sf, node, `{ ${prop} }`) };
    }

    function configFixGot(node: ts.CallExpression): Fix | undefined {
      const prop = `timeout: { request: ${msText} }`;
      const title = `Add timeout: { request: ${msText} }`;
      const cfg = node.arguments[1];
      if (cfg) {
        const u = unwrap(cfg);
        return ts.isObjectLiteralExpression(u) ? { title, edits: insertProperty(sf, ctx.lines, ctx.style, u, prop) } : undefined;
      }
      if (node.arguments.length !== 1) return undefined;
      return { title, edits: appendArgument(sf, node, `{ ${prop} }`) };
    }

    /** `http.get(...).setTimeout(…)`, or `const req = http.request(…); req.setTimeout(…)` in the same function. */
    function setsTimeoutLater(node: ts.CallExpression): boolean {
      if (ts.isPropertyAccessExpression(node.parent) && /^(setTimeout|on)$/.test(node.parent.name.text)) return true;
      const decl = node.parent;
      if (ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name)) {
        const scope = enclosingFunction(node) ?? sf;
        return new RegExp(`\\b${decl.name.text}\\.(setTimeout\\(|on\\(\\s*['"]timeout)`).test(scope.getText(sf));
      }
      return false;
    }
  },
});

