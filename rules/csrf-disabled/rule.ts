import {
  calleeMethod,
  defineRule,
  dottedName,
  getProperty,
  staticName,
  stringValue,
  ts,
  unwrap,
  type Fix,
  type RuleContext,
} from '../../server/src/engine/api';
import { moduleTest } from '../_lib/httpApps';

/** CSRF middlewares and the option that lists the methods they skip. */
const CSRF_PACKAGES: Record<string, { label: string; option: string }> = {
  csurf: { label: 'csurf', option: 'ignoreMethods' },
  'csrf-csrf': { label: 'csrf-csrf', option: 'ignoredMethods' },
  'csrf-sync': { label: 'csrf-sync', option: 'ignoredMethods' },
  'koa-csrf': { label: 'koa-csrf', option: 'excludedMethods' },
  '@koa/csrf': { label: 'koa-csrf', option: 'excludedMethods' },
  'tiny-csrf': { label: 'tiny-csrf', option: 'ignoreMethods' },
};
/** Session middlewares whose options (or `cookie` options) describe the session cookie. */
const SESSION_PACKAGES = new Set(['express-session', 'cookie-session', 'koa-session', 'koa-generic-session', '@fastify/session', '@fastify/secure-session', 'fastify-session', 'fastify-secure-session', 'iron-session', 'next-iron-session', 'hono-sessions', '@hono/session']);
/** Methods that change state: exempting one of them from CSRF checks disables the protection for it. */
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Words of session and auth cookie names (or of the variables holding the name or the value). */
const AUTH_WORDS = new Set(['session', 'sess', 'sid', 'ssid', 'auth', 'authjs', 'nextauth', 'authentication', 'token', 'tokens', 'jwt', 'refresh', 'login', 'remember', 'identity', 'credential', 'credentials', 'bearer', 'userid', 'uid']);

function isAuthCookieName(name: string): boolean {
  if (/^__(Host|Secure)-/.test(name)) return true;
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return words.some((w) => AUTH_WORDS.has(w)) || /^(user|access)$/.test(words[0] ?? '') && words[1] === 'id';
}
/** lusca, whose `csrf: false` turns the check off (imported, or required anywhere: `pkgOf` reads both). */
const LUSCA = moduleTest(['lusca']);

/** CSRF token cookies: scripts must be able to read them (double submit), so only `secure` matters. */
const CSRF_COOKIE = /csrf|xsrf/i;
/** Keys of express-session / koa-session options. */
const SESSION_CONFIG_KEYS = new Set(['resave', 'saveUninitialized', 'rolling', 'store', 'genid', 'unset', 'proxy']);
/** Keys that make an object a cookie's options. */
const COOKIE_OPTION_KEYS = new Set(['path', 'domain', 'maxAge', 'expires', 'sameSite', 'httpOnly', 'secure', 'signed', 'priority', 'partitioned']);
/** next-auth / Auth.js cookie entries that hold the session. */
const AUTHJS_SESSION_COOKIES = /^(sessionToken|session_token|sessionData|session)$/;

export default defineRule({
  id: 'csrf-disabled',
  title: 'CSRF protection turned off',
  summary: 'CSRF protection is turned off, POST is exempted from it, or a session cookie is sent without Secure or HttpOnly.',
  severity: 'error',
  kinds: ['code'],
  scope: 'file',
  checklist: '003 §1.6',
  fixable: true,
  hasSuggestions: false,
  messages: {
    csrfOff: 'CSRF protection is turned off ({{what}}).',
    methodExempt: '{{pkg}} skips its CSRF check for {{method}} requests ({{option}}).',
    insecureCookie: 'The {{cookie}} cookie is set with secure: false, so browsers also send it over plain HTTP.',
    scriptReadableCookie: 'The {{cookie}} cookie is set with httpOnly: false, so page scripts (and any XSS) can read it.',
    secureCookiesOff: '{{what}} is false, so session cookies are not marked Secure and are also sent over plain HTTP.',
  },
  // the keys a finding is on: `secure` / `httpOnly` / `useSecureCookies` / `checkOrigin` set to false (or 'false'),
  // `skipCSRFCheck`, `trustedOrigins` under `csrf`, a CSRF package's method-exemption option, lusca's `csrf: false`
  codeHint: (ids, text) =>
    ((ids.has('secure') || ids.has('httpOnly') || ids.has('useSecureCookies') || (ids.has('checkOrigin') && ids.has('csrf'))) && text.includes('false')) ||
    ids.has('skipCSRFCheck') ||
    (ids.has('trustedOrigins') && ids.has('csrf')) ||
    ids.has('ignoreMethods') ||
    ids.has('ignoredMethods') ||
    ids.has('excludedMethods') ||
    (ids.has('csrf') && text.includes('false') && LUSCA(ids, text)),
  check(ctx) {
    const sf = ctx.sourceFile;
    const imports = importedNames(sf);
    const reported = new Set<ts.Node>();
    // `sess.cookie.secure = true` in production (express-session's README pattern) overrides a literal false
    const text = sf.text;
    const assignsSecure = /\.secure\s*=[^=]/.test(text);
    const assignsHttpOnly = /\.httpOnly\s*=[^=]/.test(text);
    const svelteDev = /from\s+['"]\$app\/environment['"]/.test(text) && /\bimport\s*\{[^}]*\bdev\b[^}]*\}\s*from\s+['"]\$app\/environment['"]/.test(text);

    const pkgOf = (callee: ts.Expression): string | undefined => {
      const u = unwrap(callee);
      if (ts.isIdentifier(u)) return imports.get(u.text);
      if (ts.isPropertyAccessExpression(u) && ts.isIdentifier(u.expression)) return imports.get(u.expression.text);
      const req = requiredModule(u);
      return req;
    };

    /** Follow an identifier to a `const` object literal of the file. */
    const objectOf = (e: ts.Node | undefined): ts.ObjectLiteralExpression | undefined => {
      if (!e) return undefined;
      const u = unwrap(e);
      if (ts.isObjectLiteralExpression(u)) return u;
      if (ts.isIdentifier(u)) {
        const init = constInit(u);
        const v = init && unwrap(init);
        return v && ts.isObjectLiteralExpression(v) ? v : undefined;
      }
      return undefined;
    };

    function falseProp(obj: ts.ObjectLiteralExpression, name: string): ts.PropertyAssignment | undefined {
      const p = getProperty(obj, name);
      if (!p || !ts.isPropertyAssignment(p)) return undefined;
      const v = unwrap(p.initializer);
      return v.kind === ts.SyntaxKind.FalseKeyword || stringValue(v) === 'false' ? p : undefined;
    }

    function report(node: ts.Node, messageId: string, data: Record<string, string>, fix?: Fix): void {
      if (reported.has(node)) return;
      reported.add(node);
      ctx.report({ node, messageId, data, fix });
    }

    /** Report `secure: false` / `httpOnly: false` in a cookie's options. `csrf`: a CSRF token cookie (scripts may read it). */
    function checkCookieOptions(obj: ts.ObjectLiteralExpression | undefined, cookie: string, csrf = false): void {
      if (!obj) return;
      const secure = falseProp(obj, 'secure');
      if (secure && !assignsSecure) report(secure, 'insecureCookie', { cookie }, secureFix(ctx, secure, svelteDev));
      const httpOnly = falseProp(obj, 'httpOnly');
      if (httpOnly && !csrf && !assignsHttpOnly) report(httpOnly, 'scriptReadableCookie', { cookie }, valueFix(httpOnly, 'true', 'Set httpOnly: true'));
    }

    /** `ignoreMethods: ['GET', 'HEAD', 'OPTIONS', 'POST']`: one finding per exempted state-changing method's line. */
    function checkMethods(obj: ts.ObjectLiteralExpression | undefined, label: string, option: string): void {
      const p = obj && getProperty(obj, option);
      if (!p || !ts.isPropertyAssignment(p)) return;
      const list = unwrap(p.initializer);
      if (!ts.isArrayLiteralExpression(list)) return;
      // one finding per line, naming every exempted method on it
      const byLine = new Map<number, { node: ts.Node; methods: string[] }>();
      for (const el of list.elements) {
        const m = stringValue(el)?.toUpperCase();
        if (!m || !UNSAFE_METHODS.has(m)) continue;
        const line = ctx.lines.lineOf(el.getStart(sf));
        const entry = byLine.get(line);
        if (entry) entry.methods.push(m);
        else byLine.set(line, { node: el, methods: [m] });
      }
      for (const { node, methods } of byLine.values()) {
        const method = methods.length > 1 ? `${methods.slice(0, -1).join(', ')} and ${methods[methods.length - 1]}` : methods[0];
        report(node, 'methodExempt', { pkg: label, method, option });
      }
    }

    /** The name a cookie setter is given, and whether it is a session / auth cookie. */
    function cookieName(nameArg: ts.Expression | undefined, valueArg: ts.Expression | undefined): { label: string; auth: boolean; csrf: boolean } | undefined {
      if (!nameArg) return undefined;
      const u = unwrap(nameArg);
      const lit = stringValue(u);
      const init = ts.isIdentifier(u) ? constInit(u) : undefined;
      const name = lit ?? (init && stringValue(init)) ?? (dottedName(u) ?? '');
      const label = lit ?? (init && stringValue(init)) ?? dottedName(u) ?? 'session';
      if (CSRF_COOKIE.test(name)) return { label: `"${label}"`, auth: true, csrf: true };
      // a structured value (`JSON.stringify(teams)`) is data for the page's scripts, not a credential
      const valueInit = valueArg && ts.isIdentifier(unwrap(valueArg)) ? constInit(unwrap(valueArg) as ts.Identifier) : undefined;
      if (valueArg && /\bJSON\.stringify\s*\(/.test((valueInit ?? valueArg).getText(sf))) return { label: `"${label}"`, auth: false, csrf: false };
      const valueName = valueArg ? dottedName(unwrap(valueArg)) ?? '' : '';
      const auth = isAuthCookieName(name) || isAuthCookieName(valueName.split('.').pop() ?? '');
      return { label: lit || (init && stringValue(init)) ? `"${label}"` : label, auth, csrf: false };
    }

    function onCall(call: ts.CallExpression | ts.NewExpression): void {
      const pkg = pkgOf(call.expression);
      const args = call.arguments ?? ts.factory.createNodeArray<ts.Expression>();
      if (ts.isNewExpression(call)) {
        // new CSRF({ excludedMethods }) (koa-csrf 3+)
        if (pkg && CSRF_PACKAGES[pkg]) checkMethods(objectOf(args[0]), CSRF_PACKAGES[pkg].label, CSRF_PACKAGES[pkg].option);
        return;
      }
      const method = calleeMethod(call) ?? '';
      // lusca({ csrf: false }) / lusca.csrf() is fine
      if (pkg === 'lusca' && ts.isIdentifier(unwrap(call.expression))) {
        const o = objectOf(args[0]);
        const off = o && falseProp(o, 'csrf');
        if (off) report(off, 'csrfOff', { what: 'lusca csrf: false' }, valueFix(off, 'true', 'Set csrf: true'));
        return;
      }
      if (pkg && CSRF_PACKAGES[pkg]) {
        const { label, option } = CSRF_PACKAGES[pkg];
        const o = objectOf(args[0]);
        checkMethods(o, label, option);
        // csurf({ cookie: { secure: false } }), doubleCsrf({ cookieOptions: { secure: false } })
        if (o) {
          for (const key of ['cookie', 'cookieOptions']) {
            const c = getProperty(o, key);
            if (c && ts.isPropertyAssignment(c)) checkCookieOptions(objectOf(c.initializer), `${label} token`, true);
          }
        }
        return;
      }
      if (pkg && SESSION_PACKAGES.has(pkg)) {
        // express-session({ cookie }), cookieSession({ secure }), koa session(opts, app), getIronSession(req, res, { cookieOptions })
        for (const a of args) checkSessionOptions(objectOf(a));
        return;
      }
      // fastify.register(fastifySession, { cookie: { secure: false } })
      if (method === 'register' && args[0]) {
        const plugin = pkgOf(args[0]) ?? (ts.isIdentifier(unwrap(args[0])) ? imports.get((unwrap(args[0]) as ts.Identifier).text) : undefined);
        if (plugin && SESSION_PACKAGES.has(plugin)) checkSessionOptions(objectOf(args[1]));
        if (plugin === '@fastify/csrf-protection') {
          const o = objectOf(args[1]);
          const c = o && getProperty(o, 'cookieOpts');
          if (c && ts.isPropertyAssignment(c)) checkCookieOptions(objectOf(c.initializer), 'CSRF token', true);
        }
        return;
      }
      // res.cookie(name, value, opts), reply.setCookie(name, value, opts), ctx.cookies.set(name, value, opts),
      // cookies().set(name, value, opts), response.cookies.set({ name, value, ...opts }), serialize(name, value, opts),
      // setCookie(c, name, value, opts) (Hono, h3)
      const setter = cookieSetter(call);
      if (!setter) return;
      if (setter.object) {
        const o = setter.object;
        const nameProp = getProperty(o, 'name');
        const valueProp = getProperty(o, 'value');
        const n = cookieName(nameProp && ts.isPropertyAssignment(nameProp) ? nameProp.initializer : undefined, valueProp && ts.isPropertyAssignment(valueProp) ? valueProp.initializer : undefined);
        if (n?.auth) checkCookieOptions(o, n.label, n.csrf);
        return;
      }
      const n = cookieName(setter.name, setter.value);
      if (n?.auth) checkCookieOptions(objectOf(setter.options), n.label, n.csrf);
    }

    /** Session middleware options: the cookie's own options, or the options themselves (cookie-session, koa-session). */
    function checkSessionOptions(o: ts.ObjectLiteralExpression | undefined): void {
      if (!o) return;
      for (const key of ['cookie', 'cookieOptions']) {
        const c = getProperty(o, key);
        if (c && ts.isPropertyAssignment(c)) checkCookieOptions(objectOf(c.initializer), 'session');
      }
      checkCookieOptions(o, 'session');
    }

    function cookieSetter(call: ts.CallExpression): { name?: ts.Expression; value?: ts.Expression; options?: ts.Expression; object?: ts.ObjectLiteralExpression } | undefined {
      const callee = unwrap(call.expression);
      const method = calleeMethod(call) ?? '';
      const args = call.arguments;
      const recv = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
      const recvText = recv ? recv.getText(sf) : '';
      if (method === 'cookie' && recv && args.length >= 2) return { name: args[0], value: args[1], options: args[2] };
      if ((method === 'setCookie' || method === 'setSignedCookie') && recv && args.length >= 2) return { name: args[0], value: args[1], options: args[2] };
      if (method === 'set' && recv && (/cookie/i.test(recvText) || isCookieStore(recv))) {
        if (args.length === 1) {
          const o = objectOf(args[0]);
          return o ? { object: o } : undefined;
        }
        return { name: args[0], value: args[1], options: args[2] };
      }
      if (method === 'serialize' && (imports.get(ts.isIdentifier(callee) ? callee.text : recv && ts.isIdentifier(recv) ? recv.text : '') === 'cookie' || /^cookie$/i.test(recvText))) {
        return { name: args[0], value: args[1], options: args[2] };
      }
      // Hono setCookie(c, name, value, opts), h3 setCookie(event, name, value, opts)
      if ((method === 'setCookie' || method === 'setSignedCookie') && !recv && args.length >= 3) {
        const signed = method === 'setSignedCookie';
        return { name: args[1], value: args[2], options: args[signed ? 4 : 3] };
      }
      return undefined;
    }

    /** `const store = await cookies()` (next/headers). */
    function isCookieStore(recv: ts.Expression): boolean {
      const u = unwrap(recv);
      if (!ts.isIdentifier(u)) return false;
      const init = constInit(u);
      const v = init && unwrap(init);
      return !!v && ts.isCallExpression(v) && /(^|\.)cookies$/.test(dottedName(v.expression) ?? '');
    }

    function onProperty(p: ts.PropertyAssignment): void {
      const name = staticName(p.name) ?? '';
      const obj = p.parent;
      if (!ts.isObjectLiteralExpression(obj)) return;
      const holder = obj.parent && ts.isPropertyAssignment(obj.parent) ? (staticName(obj.parent.name) ?? '') : '';
      const v = unwrap(p.initializer);
      const isFalse = v.kind === ts.SyntaxKind.FalseKeyword;
      switch (name) {
        case 'checkOrigin':
          // SvelteKit: kit.csrf.checkOrigin: false
          if (isFalse && holder === 'csrf') report(p, 'csrfOff', { what: 'SvelteKit csrf.checkOrigin: false' }, valueFix(p, 'true', 'Set checkOrigin: true'));
          return;
        case 'trustedOrigins':
          if (holder === 'csrf' && ts.isArrayLiteralExpression(v) && v.elements.some((e) => stringValue(e) === '*')) {
            report(p, 'csrfOff', { what: "SvelteKit csrf.trustedOrigins includes '*'" });
          }
          return;
        case 'skipCSRFCheck':
          // Auth.js: skipCSRFCheck: skipCSRFCheck (the symbol exported by @auth/core)
          if (ts.isIdentifier(v) || ts.isShorthandPropertyAssignment(p)) report(p, 'csrfOff', { what: 'Auth.js skipCSRFCheck' });
          return;
        case 'useSecureCookies':
          if (isFalse && !assignsSecure) report(p, 'secureCookiesOff', { what: 'useSecureCookies' }, valueFix(p, prodCondition(ctx, svelteDev), 'Use secure cookies in production'));
          return;
        case 'cookieOptions':
          // iron-session options: { password, cookieName, cookieOptions: { secure: false } }
          if (getProperty(obj, 'password') || getProperty(obj, 'cookieName')) checkCookieOptions(objectOf(p.initializer), 'session');
          return;
        case 'options':
          // next-auth: cookies: { sessionToken: { name, options: { httpOnly: false } } }
          if (AUTHJS_SESSION_COOKIES.test(holder) && inCookiesConfig(obj)) checkCookieOptions(objectOf(p.initializer), 'session');
          return;
        case 'attributes':
          // lucia: sessionCookie: { attributes: { secure: false } }; better-auth: cookies: { session_token: { attributes } }
          if (holder === 'sessionCookie' || (AUTHJS_SESSION_COOKIES.test(holder) && inCookiesConfig(obj))) checkCookieOptions(objectOf(p.initializer), 'session');
          return;
        case 'defaultCookieAttributes':
          // better-auth: advanced: { defaultCookieAttributes: { secure: false } }
          if (holder === 'advanced') checkCookieOptions(objectOf(p.initializer), 'session');
          return;
        case 'cookie':
          // express-session options written apart from the call: { secret, resave, saveUninitialized, cookie: { secure: false } }
          if (obj.properties.some((q) => SESSION_CONFIG_KEYS.has(staticName(q.name) ?? '')) && getProperty(obj, 'secret')) checkCookieOptions(objectOf(p.initializer), 'session');
          return;
        case 'secure':
        case 'httpOnly': {
          // a cookie-options constant named for the session: const sessionCookieOptions = { httpOnly: false, … }
          const decl = obj.parent;
          if (!isFalse || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name)) return;
          const keys = obj.properties.map((q) => staticName(q.name) ?? '');
          if (!keys.every((k) => COOKIE_OPTION_KEYS.has(k))) return;
          const varName = decl.name.text;
          const typeName = decl.type ? decl.type.getText(sf) : '';
          if (CSRF_COOKIE.test(varName)) checkCookieOptions(obj, varName, true);
          else if (isAuthCookieName(varName) || /Session/.test(typeName)) checkCookieOptions(obj, varName);
          return;
        }
      }
    }

    return {
      CallExpression(call: ts.CallExpression) {
        onCall(call);
      },
      NewExpression(call: ts.NewExpression) {
        onCall(call);
      },
      PropertyAssignment(p: ts.PropertyAssignment) {
        onProperty(p);
      },
      ShorthandPropertyAssignment(p: ts.ShorthandPropertyAssignment) {
        if (p.name.text === 'skipCSRFCheck') report(p, 'csrfOff', { what: 'Auth.js skipCSRFCheck' });
      },
    };
  },
});

/** Is the object an entry of an auth library's `cookies: { … }` map? */
function inCookiesConfig(entry: ts.ObjectLiteralExpression): boolean {
  const prop = entry.parent;
  const map = prop && ts.isPropertyAssignment(prop) ? prop.parent : undefined;
  const holder = map && ts.isObjectLiteralExpression(map) && ts.isPropertyAssignment(map.parent) ? staticName(map.parent.name) : undefined;
  return holder === 'cookies';
}

/** `process.env.NODE_ENV === 'production'` (SvelteKit modules that import `dev`: `!dev`). */
function prodCondition(ctx: RuleContext, svelteDev: boolean): string {
  return svelteDev ? '!dev' : `process.env.NODE_ENV === ${ctx.style.str('production')}`;
}

function secureFix(ctx: RuleContext, p: ts.PropertyAssignment, svelteDev: boolean): Fix {
  return valueFix(p, prodCondition(ctx, svelteDev), 'Set secure in production');
}

function valueFix(p: ts.PropertyAssignment, value: string, title: string): Fix {
  const v = p.initializer;
  return { title, edits: [{ start: v.getStart(), end: v.getEnd(), text: value }] };
}

/** Local names bound to the packages this rule knows: `import session from 'express-session'`, `const csrf = require('csurf')`. */
function importedNames(sf: ts.SourceFile): Map<string, string> {
  const out = new Map<string, string>();
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const mod = st.moduleSpecifier.text;
      const c = st.importClause;
      if (c?.name) out.set(c.name.text, mod);
      const b = c?.namedBindings;
      if (b && ts.isNamespaceImport(b)) out.set(b.name.text, mod);
      if (b && ts.isNamedImports(b)) for (const el of b.elements) out.set(el.name.text, mod);
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const mod = d.initializer && requiredModule(d.initializer);
        if (!mod) continue;
        if (ts.isIdentifier(d.name)) out.set(d.name.text, mod);
        else if (ts.isObjectBindingPattern(d.name)) for (const el of d.name.elements) if (ts.isIdentifier(el.name)) out.set(el.name.text, mod);
      }
    }
  }
  return out;
}

/** `require('csurf')`, `require('csurf')(opts)` → 'csurf'. */
function requiredModule(e: ts.Node): string | undefined {
  let u = unwrap(e);
  if (ts.isPropertyAccessExpression(u)) u = unwrap(u.expression); // require('x').default
  if (ts.isCallExpression(u) && ts.isIdentifier(u.expression) && u.expression.text === 'require') return stringValue(u.arguments[0]);
  return undefined;
}

/** The initializer of a top-level or enclosing-block `const` named like the identifier. */
function constInit(id: ts.Identifier): ts.Expression | undefined {
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    const statements = ts.isSourceFile(n) || ts.isBlock(n) ? n.statements : undefined;
    if (!statements) continue;
    for (const st of statements) {
      if (!ts.isVariableStatement(st)) continue;
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === id.text && d.initializer) return d.initializer;
      }
    }
    if (ts.isSourceFile(n)) break;
  }
  return undefined;
}
