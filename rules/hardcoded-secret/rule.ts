import {
  defineRule,
  dottedName,
  isMap,
  isScalar,
  isSeq,
  mapGet,
  resolveNode,
  scalarString,
  staticName,
  ts,
  unwrap,
  type Document,
  type Fix,
  type RuleContext,
  type TextEdit,
  type YAMLMap,
} from '../../server/src/engine/api';
import { composeServices, serviceEnvironment } from '../_lib/compose';
import { envAliases, envModuleImports, envRead, envStaticImports } from '../_lib/envReads';
import { containerEnv, k8sObjects, workloadContainers, type K8sObject } from '../_lib/k8s';
import { runtimeSide } from '../_lib/runtimeSide';
import { isSecretName, nameWords } from '../_lib/secretNames';
import {
  decodeBase64,
  envNameFor,
  findToken,
  guessable,
  isGenericSecretName,
  isPlaceholder,
  isPlaceholderPair,
  isPublicValue,
  isReference,
  isSecretKey,
  isSentryDsn,
  literalUrlPassword,
  looksLikeIdentifier,
  looksRandom,
  secretEntries,
  guessNames,
  userFor,
  type TokenMatch,
} from '../_lib/secretValues';
import { jobSteps, workflowJobs } from '../_lib/workflows';

const TEST_FRAMEWORKS = /^(vitest|@vitest\/.+|jest|@jest\/globals|mocha|node:test|@playwright\/test|ava|uvu|tap|chai|sinon|supertest|nock|msw|msw\/.+|testcontainers|@testcontainers\/.+|@testing-library\/.+)$/;

/** Names of test-only values: `TEST_API_KEY`, `mockToken`, `fakeSecret`, `EXAMPLE_KEY`. */
const TEST_WORDS = new Set(['test', 'tests', 'testing', 'e2e', 'mock', 'mocked', 'fake', 'dummy', 'stub', 'fixture', 'fixtures', 'example', 'sample', 'demo', 'placeholder']);
function isTestName(name: string): boolean {
  return nameWords(name).some((w) => TEST_WORDS.has(w));
}

/** Property names whose values document a setting rather than configure it. */
const DOC_PROPS = /^(default|devDefault|example|examples|placeholder|description|desc|hint|help|label|title|docs|sample|format|pattern)$/;

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Calls that take a secret in a known position, whatever the variable is called. `index` is the argument;
 * `props` are the option-object properties that hold one.
 */
interface SecretCall {
  readonly label: string;
  readonly envName: string;
  readonly index?: number;
  readonly props?: RegExp;
}

function secretCall(callee: string, jwtNames: ReadonlySet<string>): SecretCall | undefined {
  const last = callee.split('.').pop() ?? '';
  const obj = callee.includes('.') ? callee.slice(0, callee.lastIndexOf('.')) : '';
  // jsonwebtoken: jwt.sign(payload, secret), jwt.verify(token, secret); `import { sign } from 'jsonwebtoken'`
  if ((/^(sign|verify)$/.test(last) && /(^|\.)(jwt|jsonwebtoken|JWT|jwtLib)$/.test(obj)) || (!obj && jwtNames.has(callee))) {
    return { label: `${callee}()`, envName: 'JWT_SECRET', index: 1 };
  }
  // @nestjs/jwt: this.jwtService.sign(payload, { secret: '…' })
  if (/^(sign|signAsync|verify|verifyAsync)$/.test(last) && /jwtService$/i.test(obj)) return { label: `${callee}()`, envName: 'JWT_SECRET', props: /^secret$/ };
  // crypto.createHmac('sha256', key), createCipheriv(alg, key, iv)
  if (/^(createHmac|createCipheriv|createDecipheriv)$/.test(last)) return { label: `${last}()`, envName: last === 'createHmac' ? 'HMAC_SECRET' : 'ENCRYPTION_KEY', index: 1 };
  if (last === 'cookieParser' && !obj) return { label: 'cookieParser()', envName: 'COOKIE_SECRET', index: 0 };
  // express-session, cookie-session, koa-session, NextAuth, better-auth, express-jwt, koa-jwt, iron-session, passport-jwt
  if (/^(session|expressSession|cookieSession|koaSession|NextAuth|nextAuth|betterAuth|expressjwt|expressJwt|koaJwt|jwt|getIronSession|ironSession|withIronSession|withIronSessionApiRoute|withIronSessionSsr|sealData|unsealData|fastifySession|fastifyCookie)$/.test(last) && !/^(req|request|ctx|c|res)$/.test(obj)) {
    return { label: `${last}()`, envName: /iron|seal/i.test(last) ? 'SESSION_PASSWORD' : /jwt/i.test(last) ? 'JWT_SECRET' : /auth/i.test(last) ? 'AUTH_SECRET' : 'SESSION_SECRET', props: /^(secret|secrets|keys|password|secretOrKey)$/ };
  }
  // JwtModule.register({ secret }), fastify.register(fastifyJwt, { secret }), PassportStrategy super({ secretOrKey })
  if (/^JwtModule\.(register|forRoot)$/.test(callee)) return { label: `${callee}()`, envName: 'JWT_SECRET', props: /^(secret|privateKey)$/ };
  if (callee === 'super' || /Strategy$/.test(last)) return { label: callee === 'super' ? 'The passport strategy' : `${last}()`, envName: 'JWT_SECRET', props: /^(secretOrKey|secretOrPrivateKey|clientSecret)$/ };
  return undefined;
}

const CONFIG_HINT =
  /secret|pass|pwd|token|key|cred|auth|sign|session|cookie|salt|pepper|dsn|hmac|cipher|strateg|:\/\/|-----BEGIN|eyJ|:AA|dapi|hooks\.slack|webhooks\/|[_.-](?<=(?:gh[pousr]|github_pat|glpat|xox[a-z]|xapp|_live|whsec|npm|SG|sk|gsk|xai|r8|pplx|hf|re|shp[a-z]{2}|lin_api|dp|do[por]_v1|pypi|PMAK|pul|atlasv1|pscale_[a-z]+|glsa|sntry[su]|sb_secret|vercel_blob_rw|fo1|rnd|tr_[a-z]+|[MN][A-Za-z\d]{23,25})[_.-])/i;

/** Last segments of the calls `secretCall` knows (and `encode` for jose keys). */
const SECRET_CALL_NAMES = new Set([
  'sign', 'verify', 'signAsync', 'verifyAsync', 'createHmac', 'createCipheriv', 'createDecipheriv', 'cookieParser', 'session', 'expressSession',
  'cookieSession', 'koaSession', 'NextAuth', 'nextAuth', 'betterAuth', 'expressjwt', 'expressJwt', 'koaJwt', 'jwt', 'getIronSession', 'ironSession',
  'withIronSession', 'withIronSessionApiRoute', 'withIronSessionSsr', 'sealData', 'unsealData', 'fastifySession', 'fastifyCookie', 'register', 'forRoot',
  'super', 'encode',
]);

export default defineRule({
  id: 'hardcoded-secret',
  title: 'Hard-coded secret in code or committed config',
  summary: 'A real-looking credential is written into code or committed config instead of being read from the environment or a secret store.',
  severity: 'error',
  kinds: ['code', 'compose', 'k8s', 'workflow'],
  scope: 'file',
  checklist: '001 ph.1, 004 §3.6',
  fixable: true,
  hasSuggestions: false,
  messages: {
    token: '{{what}} is hard-coded in the source.',
    named: '"{{name}}" is set to a hard-coded secret ({{what}}).',
    call: '{{call}} is given a hard-coded secret.',
    callConstant: '"{{name}}" is a hard-coded secret passed to {{call}}.',
    connectionString: 'The connection string to "{{host}}" has a hard-coded password.',
    composeEnv: 'Service "{{service}}" sets {{name}} to a hard-coded secret ({{what}}).',
    k8sSecret: 'Secret "{{object}}" commits the value of "{{key}}" ({{what}}).',
    k8sEnv: 'Container "{{container}}" sets {{name}} to a hard-coded secret ({{what}}).',
    k8sConfigMap: 'ConfigMap "{{object}}" holds a secret in "{{key}}" ({{what}}).',
    workflowEnv: '{{name}} is set to a hard-coded secret ({{what}}) instead of a repository secret.',
    workflowInput: 'Input "{{name}}" of step "{{step}}" is a hard-coded secret ({{what}}).',
    yamlToken: '{{what}} is hard-coded in this file.',
  },
  options: {
    extraSecretNames: {
      type: 'string[]',
      default: [],
      description: 'Regular expressions (case-insensitive) for more names that hold secrets, e.g. "^LEDGER_SEAL$".',
    },
  },
  // config kinds: secret-like words, URLs with credentials, PEM headers, JWTs, and the separator after a token
  // prefix (checked backwards: one cheap pass). Code: every file, since a token can be in any string; the visitor
  // looks at literals of 12+ characters only, which is far less text than a scan of the whole file.
  textHint: (text, { kind }) => kind === 'code' || CONFIG_HINT.test(text),
  check(ctx) {
    const extra = (ctx.options.extraSecretNames as readonly string[] | undefined) ?? [];
    const secretName = (n: string): boolean => isSecretName(n, { extraPatterns: extra });
    if (ctx.file.kind === 'compose') return checkCompose(ctx, secretName);
    if (ctx.file.kind === 'k8s') return checkK8s(ctx, secretName);
    if (ctx.file.kind === 'workflow') return checkWorkflow(ctx, secretName);
    return codeVisitor(ctx, secretName);
  },
});

// ---------------------------------------------------------------------------------------------------------
// Code

interface CodeFacts {
  readonly aliases: Set<string>;
  readonly statics: Map<string, string>;
  readonly harness: boolean;
  /** top-level `const NAME = 'literal'` */
  readonly constants: Map<string, ts.StringLiteral | ts.NoSubstitutionTemplateLiteral>;
  /** local names bound to jsonwebtoken's / hono's sign and verify */
  readonly jwtNames: Set<string>;
}

function codeFacts(sf: ts.SourceFile): CodeFacts {
  const constants = new Map<string, ts.StringLiteral | ts.NoSubstitutionTemplateLiteral>();
  const jwtNames = new Set<string>();
  let harness = false;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const mod = st.moduleSpecifier.text;
      if (TEST_FRAMEWORKS.test(mod)) harness = true;
      const b = st.importClause?.namedBindings;
      if (/^(jsonwebtoken|hono\/jwt|@tsndr\/cloudflare-worker-jwt)$/.test(mod) && b && ts.isNamedImports(b)) {
        for (const el of b.elements) if (/^(sign|verify)$/.test((el.propertyName ?? el.name).text)) jwtNames.add(el.name.text);
      }
    }
    if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.Const) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && unwrap(d.initializer);
        if (init && ts.isIdentifier(d.name) && (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init))) constants.set(d.name.text, init);
      }
    }
  }
  const aliases = envAliases(sf);
  for (const n of envModuleImports(sf)) aliases.add(n);
  return { aliases, statics: envStaticImports(sf), harness, constants, jwtNames };
}

/** Climb through parentheses, `as`/`satisfies` and `!` from a literal to the expression that uses it. */
function outerOf(node: ts.Node): ts.Node {
  let n = node;
  while (ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent) || ts.isSatisfiesExpression(n.parent) || ts.isNonNullExpression(n.parent) || ts.isTypeAssertionExpression(n.parent)) n = n.parent;
  return n;
}

interface NameSite {
  readonly name: string;
  /** the code can read `process.env.NAME` here (not a JSX attribute, not an env assignment) */
  readonly fixable: boolean;
  /** the declaration the literal initializes, when it is a sole `const`/`let` */
  readonly decl?: ts.VariableDeclaration;
}

/** The name the literal is bound to: variable, property, class field, parameter, assignment target, JSX prop. */
function nameSite(lit: ts.Node): NameSite | undefined {
  const n = outerOf(lit);
  const p = n.parent;
  if (ts.isVariableDeclaration(p) && p.initializer === n && ts.isIdentifier(p.name)) return { name: p.name.text, fixable: true, decl: p };
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.initializer === n) {
    const name = staticName(p.name);
    return name ? { name, fixable: true } : undefined;
  }
  if (ts.isParameter(p) && p.initializer === n && ts.isIdentifier(p.name)) return { name: p.name.text, fixable: true };
  if (ts.isBindingElement(p) && p.initializer === n && ts.isIdentifier(p.name)) return { name: p.name.text, fixable: true };
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === n) {
    const target = unwrap(p.left);
    const name = ts.isIdentifier(target) ? target.text : ts.isPropertyAccessExpression(target) ? target.name.text : ts.isElementAccessExpression(target) ? staticName(target.argumentExpression) : undefined;
    const envTarget = (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) && /(^|\.)env$/.test(dottedName(target.expression) ?? '');
    return name ? { name, fixable: !envTarget } : undefined;
  }
  if (ts.isJsxAttribute(p)) return { name: p.name.getText(), fixable: false };
  return undefined;
}

function codeVisitor(ctx: RuleContext, isSecret: (n: string) => boolean) {
  // names repeat across a file: test each once
  const secretMemo = new Map<string, boolean>();
  const secretName = (n: string): boolean => {
    let v = secretMemo.get(n);
    if (v === undefined) secretMemo.set(n, (v = isSecret(n) && !isTestName(n)));
    return v;
  };
  // (a substring test first: the regular expression on every code file's text cost more than the rest of the rule)
  const jwtImported = ctx.file.text.includes('jwt') && /jsonwebtoken|hono\/jwt|cloudflare-worker-jwt/.test(ctx.file.text);
  let facts: CodeFacts | undefined;
  const file = (): CodeFacts => (facts ??= codeFacts(ctx.sourceFile));
  let browser: boolean | undefined;
  const isBrowser = (): boolean => (browser ??= runtimeSide(ctx.sourceFile, ctx.file.path, ctx.packageJson) === 'browser');
  const reported = new Set<ts.Node>();
  // database seeds and dev-data scripts make up their values: only real token formats count there
  // and so do the development/test sections of a config (`config/env/development.js`, `config/local.ts`)
  const seedScript = (): boolean =>
    ctx.file.roles.script || /(^|\/)(seeds?|populate|fixtures?|dev-?data|faker)[\w.-]*\.[cm]?[jt]sx?$/i.test(ctx.file.path) || /(^|\/)(config|configs|env|environments?)\/(development|dev|local|test|testing)\.[cm]?[jt]s$/i.test(ctx.file.path);

  /** The literal is the fallback of an env read (`process.env.X || 'lit'`): fallback-secret's finding. */
  function isEnvFallback(lit: ts.Node): boolean {
    const read = (e: ts.Node): boolean => !!envRead(e, file().aliases, file().statics);
    let n = outerOf(lit);
    for (let i = 0; i < 8; i++) {
      const p = n.parent;
      if (ts.isBinaryExpression(p) && (p.operatorToken.kind === ts.SyntaxKind.BarBarToken || p.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || p.operatorToken.kind === ts.SyntaxKind.BarBarEqualsToken || p.operatorToken.kind === ts.SyntaxKind.QuestionQuestionEqualsToken)) {
        if (p.right === n && (read(p.left) || someRead(p.left))) return true;
        n = outerOf(p);
        continue;
      }
      if (ts.isConditionalExpression(p) && p.condition !== n) {
        if (someRead(p.condition) || read(p.whenTrue) || read(p.whenFalse)) return true;
        n = outerOf(p);
        continue;
      }
      if (ts.isCallExpression(p) && p.arguments.includes(n as ts.Expression)) {
        // configService.get('X', 'lit'), getEnv('X', 'lit'), z.string().default('lit')
        if (read(p) || (ts.isPropertyAccessExpression(p.expression) && p.expression.name.text === 'default')) return true;
      }
      if (ts.isBindingElement(p) && p.initializer === n) {
        const decl = p.parent.parent;
        return ts.isVariableDeclaration(decl) && !!decl.initializer && /env/i.test(decl.initializer.getText(ctx.sourceFile));
      }
      return false;
    }
    return false;
    function someRead(e: ts.Node): boolean {
      if (read(e)) return true;
      let found = false;
      const rec = (x: ts.Node): void => {
        if (found) return;
        if (read(x)) found = true;
        else ts.forEachChild(x, rec);
      };
      ts.forEachChild(e, rec);
      return found;
    }
  }

  /** Literals that cannot be values: module specifiers, literal types, property names, `case` labels of types. */
  function isValuePosition(lit: ts.Node): boolean {
    const p = lit.parent;
    if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isExternalModuleReference(p) || ts.isLiteralTypeNode(p) || ts.isImportTypeNode(p)) return false;
    if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isPropertySignature(p) || ts.isEnumMember(p)) && p.name === lit) return false;
    if (ts.isElementAccessExpression(p) && p.argumentExpression === lit) return false;
    if (ts.isCallExpression(p) && /^(require|import)$/.test(p.expression.getText(ctx.sourceFile))) return false;
    return true;
  }

  function fixFor(lit: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral, envName: string | undefined, site: NameSite | undefined): Fix | undefined {
    if (!envName || !/^[A-Z_][A-Z0-9_]*$/.test(envName) || isBrowser()) return undefined;
    if (ts.isArrayLiteralExpression(outerOf(lit).parent)) return undefined; // several keys: a choice to make
    if (site && !site.fixable) return undefined;
    const read = `process.env.${envName}`;
    const edits: TextEdit[] = [{ start: lit.getStart(ctx.sourceFile), end: lit.getEnd(), text: read }];
    // `const jwtSecret = 'lit'` → `const jwtSecret = process.env.JWT_SECRET` + fail fast when it is missing
    const decl = site?.decl;
    if (decl && !decl.type && decl.initializer && unwrap(decl.initializer) === lit && ts.isIdentifier(decl.name)) {
      const list = decl.parent;
      const st = list.parent;
      if (ts.isVariableDeclarationList(list) && list.declarations.length === 1 && ts.isVariableStatement(st) && (ts.isSourceFile(st.parent) || ts.isBlock(st.parent) || ts.isModuleBlock(st.parent))) {
        if (decl.initializer !== lit) return undefined; // `'lit' as const`: the type would change
        const line = `if (!${decl.name.text}) throw new Error(${ctx.style.str(`${envName} must be set`)})${ctx.style.semicolons ? ';' : ''}`;
        let at = st.getEnd();
        const lineEnd = ctx.lines.lineEnd(ctx.lines.lineOf(at));
        if (/^\s*(\/\/.*)?$/.test(ctx.file.text.slice(at, lineEnd))) at = lineEnd;
        edits.push({ start: at, end: at, text: `${ctx.style.eol}${ctx.style.indentAt(st.getStart(ctx.sourceFile))}${line}` });
      }
    }
    return { title: `Read ${envName} from the environment`, edits };
  }

  /**
   * The env name for a fix: the code's own name; when it is generic (`apiKey`, `password`), the vendor's name for
   * a token format, else the name qualified by its owner (`warehouse.connection.password` → WAREHOUSE_PASSWORD,
   * `class PaymentsClient { apiKey }` → PAYMENTS_API_KEY).
   */
  function envNameOf(site: NameSite | undefined, token: TokenMatch | undefined, lit?: ts.Node): string | undefined {
    const own = site ? envNameFor(site.name) : undefined;
    if (own && !isGenericSecretName(own)) return own;
    if (token) return token.format.envName;
    const owner = lit && own ? ownerName(lit) : undefined;
    return owner ? `${owner}_${own}` : own;
  }

  /** What a value under a secret-like name is, or undefined when it is not a hard-coded secret. */
  function namedWhat(name: string, value: string, lit: ts.Node): string | undefined {
    const v = value.trim();
    if (isPublicValue(v) || isSentryDsn(v) || isReference(v)) return undefined;
    const words = nameWords(name);
    // a Google API key: public in browser code and Firebase/Maps configs, a secret on the server
    if (/^AIza[0-9A-Za-z_-]{35}$/.test(v)) {
      if (isBrowser() || words.some((w) => /^(firebase|maps|map|browser|public|client|web|places|recaptcha)$/.test(w)) || inFirebaseConfig(lit)) return undefined;
      return 'a Google API key';
    }
    // a JWT: the anon key of Supabase and sample tokens are public
    if (/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/.test(v)) {
      const payload = decodeBase64(v.split('.')[1], true) ?? '';
      if (/"role"\s*:\s*"anon"|John Doe|"sub"\s*:\s*"1234567890"/.test(payload)) return undefined;
      return 'a JWT';
    }
    if (words.includes('aws') || (words.includes('secret') && words.includes('access'))) {
      if (/^[A-Za-z0-9/+]{40}$/.test(v) && looksRandom(v, 40)) return 'an AWS secret access key';
    }
    const min = words.some((w) => /^(password|passwd|pass|pwd|passphrase)$/.test(w)) ? 12 : 16;
    return looksRandom(v, min) ? `a random-looking value of ${v.length} characters` : undefined;
  }

  function handleLiteral(lit: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): void {
    const value = lit.text;
    if (value.length < 12 || reported.has(lit)) return;
    const token = findToken(value);
    const creds = !token && value.includes('://') ? literalUrlPassword(value) : undefined;
    const site = nameSite(lit);
    if (!token && !creds && !site) return;
    // a named literal that is not a secret by name, nor in an auth options object: done before any costlier test
    if (!token && !creds && site && !secretName(site.name) && !/^(secret|password|secretOrKey)$/.test(site.name)) return;
    if (!isValuePosition(lit) || file().harness || isEnvFallback(lit)) return;
    if (site && DOC_PROPS.test(site.name)) return;
    if (token) {
      if (site && isTestName(site.name)) return;
      reported.add(lit);
      // a token inside a larger text (an .npmrc line, a header value) gets no fix: the rest is not the secret
      const whole = value.trim() === token.text || (token.format.id === 'pem-private-key' && /^-----BEGIN [A-Z ]+-----[\s\S]*-----END [A-Z ]+-----$/.test(value.trim()));
      ctx.report({ node: lit, messageId: 'token', data: { what: cap(token.format.label) }, fix: whole ? fixFor(lit, envNameOf(site, token), site) : undefined });
      return;
    }
    if (creds) {
      // only a literal that is the URL as a whole (not a sentence mentioning one)
      if (/\s/.test(value.trim()) || isPlaceholder(creds.password) || isPlaceholderPair(creds.user, creds.password)) return;
      if (guessable(creds.password, { user: creds.user })) return; // default-credentials
      if (site && isTestName(site.name)) return;
      reported.add(lit);
      ctx.report({ node: lit, messageId: 'connectionString', data: { host: creds.host || 'localhost' }, fix: site ? fixFor(lit, envNameFor(site.name), site) : undefined });
      return;
    }
    if (site && !file().harness && !seedScript()) {
      const opts = authOptionsOf(lit, site.name);
      if (opts) {
        reported.add(lit);
        ctx.report({ node: lit, messageId: 'named', data: { name: site.name, what: `a literal in ${opts}` }, fix: fixFor(lit, /password/i.test(site.name) ? 'SESSION_PASSWORD' : /jwt/i.test(opts) ? 'JWT_SECRET' : 'AUTH_SECRET', site) });
        return;
      }
    }
    if (!site || !secretName(site.name) || inSample(lit) || seedScript()) return;
    if (nameWords(site.name).some((w) => /^(address|addr|contract|wallet|mint)$/.test(w))) return; // public chain addresses
    const what = namedWhat(site.name, value, lit);
    if (!what) return;
    reported.add(lit);
    const own = envNameOf(site, undefined, lit);
    const envName = what.startsWith('an AWS') && own && !own.startsWith('AWS_') ? 'AWS_SECRET_ACCESS_KEY' : own;
    ctx.report({ node: lit, messageId: 'named', data: { name: site.name, what }, fix: fixFor(lit, envName, site) });
  }

  /** A literal passed where a call takes a secret: any non-empty value is hard-coded. */
  function reportCallSecret(arg: ts.Node, call: SecretCall): void {
    let n = unwrap(arg);
    // Buffer.from('…'), new TextEncoder().encode('…')
    if (ts.isCallExpression(n) && n.arguments.length) {
      const e = unwrap(n.expression);
      if (dottedName(e) === 'Buffer.from' || (ts.isPropertyAccessExpression(e) && e.name.text === 'encode')) n = unwrap(n.arguments[0]);
    }
    let lit: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | undefined;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) lit = n;
    else if (ts.isIdentifier(n)) lit = file().constants.get(n.text);
    if (!lit || reported.has(lit) || lit.text.trim() === '' || file().harness || isEnvFallback(lit)) return;
    const site = nameSite(lit);
    if (site && isTestName(site.name)) return;
    const v = lit.text;
    if (isReference(v) && !/^\//.test(v)) return;
    reported.add(lit);
    const own = site && site.decl ? envNameFor(site.name) : undefined;
    const fix = fixFor(lit, own && !isGenericSecretName(own) ? own : call.envName, site);
    // a constant passed by name: the finding goes on the constant, and says where it is used
    if (ts.isIdentifier(n) && site) ctx.report({ node: lit, messageId: 'callConstant', data: { name: site.name, call: call.label.replace(/^The /, 'the ') }, fix });
    else ctx.report({ node: lit, messageId: 'call', data: { call: call.label }, fix });
  }

  /**
   * jose and WebCrypto keys: `new TextEncoder().encode('…')` passed to `jwtVerify`/`.sign()`/`.encrypt()`, or
   * assigned to a key-like name (`const secret = new TextEncoder().encode('…')`).
   */
  function joseKey(node: ts.CallExpression): void {
    const arg = unwrap(node.arguments[0]);
    if (!ts.isStringLiteral(arg) && !ts.isNoSubstitutionTemplateLiteral(arg)) return;
    const top = outerOf(node);
    const p = top.parent;
    if (ts.isCallExpression(p) && p.arguments.includes(top as ts.Expression)) {
      const e = unwrap(p.expression);
      const name = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : '';
      if (/^(jwtVerify|jwtDecrypt|compactVerify|flattenedVerify|sign|encrypt|verify)$/.test(name)) reportCallSecret(arg, { label: `${name}()`, envName: 'JWT_SECRET' });
      return;
    }
    const varName = ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) ? p.name.text : ts.isPropertyAssignment(p) ? staticName(p.name) : undefined;
    if (varName && (secretName(varName) || /(key|secret)$/i.test(varName)) && !isTestName(varName)) {
      if (reported.has(arg) || file().harness || arg.text.trim() === '') return;
      reported.add(arg);
      ctx.report({ node: arg, messageId: 'named', data: { name: varName, what: 'a key made from a hard-coded string' }, fix: fixFor(arg, envNameFor(varName), { name: varName, fixable: true }) });
    }
  }

  function secretProps(obj: ts.Node, call: SecretCall): void {
    const o = unwrap(obj);
    if (!ts.isObjectLiteralExpression(o) || !call.props) return;
    for (const p of o.properties) {
      if (!ts.isPropertyAssignment(p)) continue;
      const name = staticName(p.name);
      if (!name || !call.props.test(name)) continue;
      const v = unwrap(p.initializer);
      if (ts.isArrayLiteralExpression(v)) for (const el of v.elements) reportCallSecret(el, call);
      else reportCallSecret(v, call);
    }
  }

  return {
    StringLiteral: handleLiteral,
    NoSubstitutionTemplateLiteral: handleLiteral,
    TemplateExpression(node: ts.TemplateExpression) {
      // a token written into a template's text (`Authorization: token ghp_…`): each literal part on its own
      let token = findToken(node.head.text);
      for (const span of node.templateSpans) token ??= findToken(span.literal.text);
      if (!token || file().harness || isEnvFallback(node)) return;
      ctx.report({ node, messageId: 'token', data: { what: cap(token.format.label) } });
    },
    CallExpression(node: ts.CallExpression) {
      // cheap first: the called name's last segment, before any string is built
      const e = node.expression;
      const last = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : e.kind === ts.SyntaxKind.SuperKeyword ? 'super' : '';
      if (!last || (!SECRET_CALL_NAMES.has(last) && !last.endsWith('Strategy') && !(jwtImported && file().jwtNames.has(last)))) return;
      if (last === 'encode') {
        if (isTextEncoderKey(node)) joseKey(node);
        return;
      }
      const callee = e.kind === ts.SyntaxKind.SuperKeyword ? 'super' : dottedName(e);
      if (!callee) return;
      const call = secretCall(callee, jwtImported ? file().jwtNames : new Set());
      if (!call) return;
      if (call.index !== undefined && node.arguments[call.index]) reportCallSecret(node.arguments[call.index], call);
      if (call.props) for (const a of node.arguments) secretProps(a, call);
    },
    NewExpression(node: ts.NewExpression) {
      // new JwtStrategy({ secretOrKey }), new Strategy({ secretOrKey }) (passport-jwt), new Keygrip(['…'])
      const e = node.expression;
      const last = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : '';
      if (!last.endsWith('Strategy') && last !== 'Keygrip') return;
      const callee = dottedName(e) ?? '';
      if (/Strategy$/.test(callee)) {
        const call = secretCall(callee, file().jwtNames);
        if (call) for (const a of node.arguments ?? []) secretProps(a, call);
      } else if (/(^|\.)Keygrip$/.test(callee) && node.arguments?.[0]) {
        const arr = unwrap(node.arguments[0]);
        if (ts.isArrayLiteralExpression(arr)) for (const el of arr.elements) reportCallSecret(el, { label: 'new Keygrip()', envName: 'COOKIE_KEYS' });
      }
    },
    BinaryExpression(node: ts.BinaryExpression) {
      // koa: app.keys = ['…']
      if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isPropertyAccessExpression(node.left) || node.left.name.text !== 'keys') return;
      const target = dottedName(node.left) ?? '';
      const right = unwrap(node.right);
      if (/^(app|this\.app|server)\.keys$/.test(target) && ts.isArrayLiteralExpression(right)) {
        for (const el of right.elements) reportCallSecret(el, { label: 'app.keys', envName: 'APP_KEYS' });
      }
    },
  };
}

/** Properties whose object literals are sample data: webhook payload catalogs, API examples, fixtures. */
const SAMPLE_CONTAINERS = /^(body|payload|payloads|example|examples|sample|samples|samplePayload|examplePayload|fixture|fixtures|mock|mocks|demo|response|event|data|object|form_response)$/;

/** Is the literal inside an object literal that is the value of a sample-data property (up to six levels)? */
function inSample(lit: ts.Node): boolean {
  let n: ts.Node = outerOf(lit).parent;
  for (let i = 0; i < 12 && n && !ts.isSourceFile(n); i++, n = n.parent) {
    if (ts.isPropertyAssignment(n) && n.initializer !== outerOf(lit)) {
      const name = staticName(n.name);
      if (name && SAMPLE_CONTAINERS.test(name)) return true;
    } else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) return isTestName(n.name.text) || /(payload|sample|example|fixture)s?$/i.test(n.name.text);
    else if (!ts.isObjectLiteralExpression(n) && !ts.isArrayLiteralExpression(n) && !ts.isPropertyAssignment(n) && !ts.isAsExpression(n) && !ts.isSatisfiesExpression(n) && !ts.isParenthesizedExpression(n)) return false;
  }
  return false;
}

/** Names of containers that say nothing about what the secret is for. */
const VAGUE_OWNERS = /^(connection|connections|config|configuration|conf|cfg|options|opts|settings|auth|credentials|creds|params|env|default|defaults|module|exports|data|props|init|client|server|app|this)$/i;

/** The nearest meaningful owner of a property: the object's variable or property name, or the class name. */
function ownerName(lit: ts.Node): string | undefined {
  for (let n: ts.Node | undefined = outerOf(lit).parent?.parent; n && !ts.isSourceFile(n); n = n.parent) {
    let name: string | undefined;
    if (ts.isClassDeclaration(n) || ts.isClassExpression(n)) name = n.name?.text;
    else if (ts.isObjectLiteralExpression(n)) {
      const p = outerOf(n).parent;
      if (ts.isPropertyAssignment(p) || ts.isVariableDeclaration(p)) name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
    } else if (ts.isFunctionLike(n)) return undefined;
    if (!name || VAGUE_OWNERS.test(name)) continue;
    const env = envNameFor(name).replace(/_(CLIENT|SERVICE|CONFIG|OPTIONS|SETTINGS|PROVIDER|API)$/, '');
    return /^[A-Z][A-Z0-9_]*$/.test(env) ? env : undefined;
  }
  return undefined;
}

/**
 * `secret`/`password` in an options object declared for an auth or session library, whatever its value:
 * `export const authOptions: NextAuthOptions = { secret: '…' }`, `const sessionOptions = { password: '…', cookieName }`.
 */
function authOptionsOf(lit: ts.Node, prop: string): string | undefined {
  if (!/^(secret|password|secretOrKey)$/.test(prop)) return undefined;
  const assignment = outerOf(lit).parent;
  const obj = assignment?.parent;
  if (!assignment || !ts.isPropertyAssignment(assignment) || !obj || !ts.isObjectLiteralExpression(obj)) return undefined;
  let top: ts.Node = obj;
  while (ts.isAsExpression(top.parent) || ts.isSatisfiesExpression(top.parent) || ts.isParenthesizedExpression(top.parent)) top = top.parent;
  const decl = top.parent;
  if (!ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name)) return undefined;
  const typed = decl.type?.getText() ?? (ts.isSatisfiesExpression(top) || ts.isAsExpression(top) ? top.type.getText() : '');
  if (/\b(NextAuthOptions|NextAuthConfig|AuthOptions|BetterAuthOptions|SessionOptions|IronSessionOptions|IronSessionConfig|JwtModuleOptions|SessionConfig)\b/.test(typed)) return `the ${typed.replace(/<.*$/, '')}`;
  if (/^(auth|session|iron|ironSession|jwt|cookie)(Options|Config|Settings)$/i.test(decl.name.text)) return `the ${decl.name.text}`;
  return undefined;
}

/** `new TextEncoder().encode('…')` */
function isTextEncoderKey(node: ts.CallExpression): boolean {
  const e = unwrap(node.expression);
  if (!ts.isPropertyAccessExpression(e) || e.name.text !== 'encode' || node.arguments.length !== 1) return false;
  const o = unwrap(e.expression);
  return ts.isNewExpression(o) && ts.isIdentifier(o.expression) && o.expression.text === 'TextEncoder';
}

/** Inside `{ apiKey, authDomain, projectId, … }` (a Firebase web config: public by design). */
function inFirebaseConfig(lit: ts.Node): boolean {
  const prop = outerOf(lit).parent;
  const obj = prop?.parent;
  if (!obj || !ts.isObjectLiteralExpression(obj)) return false;
  return obj.properties.some((p) => /^(authDomain|projectId|messagingSenderId|appId|storageBucket|measurementId)$/.test(staticName(p.name) ?? ''));
}

// ---------------------------------------------------------------------------------------------------------
// YAML (compose, k8s, workflows)

type SecretNameTest = (n: string) => boolean;

/** What a literal under a secret-like config key is, or undefined when it is none of ours. */
function configWhat(key: string, value: string, guess: Parameters<typeof guessable>[1], strong: boolean): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  const token = findToken(v);
  if (token) return token.format.label;
  if (isReference(v) || isPlaceholder(v) || isPublicValue(v) || isSentryDsn(v)) return undefined;
  if (v.includes('://')) {
    const c = literalUrlPassword(v);
    if (!c || isPlaceholder(c.password) || isPlaceholderPair(c.user, c.password) || guessable(c.password, { ...guess, user: c.user })) return undefined;
    return 'a password in a connection string';
  }
  if (/\s/.test(v) && !/-----BEGIN/.test(v)) return undefined;
  if (guessable(v, guess)) return undefined; // default-credentials
  if (looksRandom(v, 12)) return `a random-looking value of ${v.length} characters`;
  if (looksLikeIdentifier(v)) return undefined; // a name or a label, not a secret
  return strong ? undefined : 'a literal value';
}

/** A scalar's source range, and the quote it is written with. */
function scalarSource(ctx: RuleContext, node: unknown): { start: number; end: number; quote: string } | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  const [start, end] = node.range;
  const c = ctx.file.text[start];
  const quote = c === '"' || c === "'" ? c : '';
  if (!quote && /^[|>]/.test(ctx.file.text.slice(start, start + 1))) return undefined;
  return { start, end, quote };
}

/** Replace a scalar value with a reference, keeping its quotes. */
function replaceScalar(ctx: RuleContext, node: unknown, text: string, title: string): Fix | undefined {
  const s = scalarSource(ctx, node);
  if (!s) return undefined;
  return { title, edits: [{ start: s.start, end: s.end, text: `${s.quote}${text}${s.quote}` }] };
}

/** Ranges already reported by a specific check of this file: the generic token scan skips them. */
const covered = new WeakMap<RuleContext, [number, number][]>();

function reportConfig(ctx: RuleContext, d: { range: readonly [number, number]; messageId: string; data: Record<string, string>; fix?: Fix }): void {
  let list = covered.get(ctx);
  if (!list) covered.set(ctx, (list = []));
  list.push([d.range[0], d.range[1]]);
  ctx.report(d);
}

/** Token formats in every scalar of every document (commands, embedded configs, run scripts, annotations). */
function scanAllTokens(ctx: RuleContext): void {
  const list = covered.get(ctx) ?? [];
  for (const doc of ctx.yaml.documents) {
    scanTokens(ctx, doc, (what, at) => {
      if (list.some(([s, e]) => at >= s && at <= e)) return;
      ctx.report({ range: lineRange(ctx, at), messageId: 'yamlToken', data: { what: cap(what) } });
    });
  }
}

/** Every scalar string of a document with its node (keys and values), for token formats in any position. */
function scanTokens(ctx: RuleContext, doc: Document, report: (what: string, at: number) => void): void {
  const text = ctx.file.text;
  const visit = (node: unknown, depth: number): void => {
    if (depth > 64 || node === null || node === undefined) return;
    if (isScalar(node)) {
      if (typeof node.value !== 'string' || !node.range) return;
      const value = node.value;
      const token = findToken(value);
      if (!token) return;
      const [s, e] = node.range;
      const at = text.indexOf(token.text.slice(0, 24), s);
      report(token.format.label, at >= s && at < e ? at : s);
      return;
    }
    if (isMap(node)) for (const p of node.items) {
      visit(p.key, depth + 1);
      visit(p.value, depth + 1);
    }
    else if (isSeq(node)) for (const i of node.items) visit(i, depth + 1);
  };
  visit(doc.contents, 0);
}

function lineRange(ctx: RuleContext, at: number): [number, number] {
  return [at, Math.max(at, ctx.lines.lineEnd(ctx.lines.lineOf(at)))];
}

function checkCompose(ctx: RuleContext, secretName: SecretNameTest): void {
  for (const svc of composeServices(ctx)) {
    const env = serviceEnvironment(svc);
    const byKey = new Map(env.map((e) => [e.key.toUpperCase(), e.value]));
    for (const e of env) {
      if (e.value === undefined) continue;
      const tokenOrUrl = findToken(e.value) || literalUrlPassword(e.value);
      if (!tokenOrUrl && !isSecretKey(e.key, secretName)) continue;
      const what = configWhat(e.key, e.value, { user: userFor(e.key, (k) => byKey.get(k)), image: svc.image, service: svc.name, names: guessNames(byKey) }, false);
      if (!what) continue;
      reportConfig(ctx, { range: e.range, messageId: 'composeEnv', data: { service: svc.name, name: e.key, what }, fix: composeFix(ctx, e) });
    }
  }
  scanAllTokens(ctx);
}

/** `JWT_SECRET: abc…` → `JWT_SECRET: ${JWT_SECRET}`; `- JWT_SECRET=abc…` → `- JWT_SECRET=${JWT_SECRET}`. */
function composeFix(ctx: RuleContext, e: ReturnType<typeof serviceEnvironment>[number]): Fix | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.key)) return undefined;
  const title = `Read ${e.key} from the environment`;
  const ref = `\${${e.key}}`;
  const text = ctx.file.text;
  if (e.valueRange) {
    const [s, end] = e.valueRange;
    const c = text[s];
    if (c === '|' || c === '>') return undefined;
    const q = c === '"' || c === "'" ? c : '';
    return { title, edits: [{ start: s, end, text: `${q}${ref}${q}` }] };
  }
  // list form: the scalar is `KEY=value`, possibly quoted
  const [s, end] = e.range;
  const src = text.slice(s, end);
  const q = src[0] === '"' || src[0] === "'" ? src[0] : '';
  const body = q ? src.slice(1, -1) : src;
  if (body !== `${e.key}=${e.value}`) return undefined;
  const from = s + (q ? 1 : 0) + e.key.length + 1;
  return { title, edits: [{ start: from, end: from + (e.value ?? '').length, text: ref }] };
}

/** Keys of a Secret/ConfigMap that hold configuration, not secrets. */
const NON_SECRET_KEY = /^(user(name)?|login|host(name)?|port|database|db(name)?|name|email|region|bucket|endpoint|url|uri|ca\.crt|tls\.crt|.*\.(crt|cert|pem|pub)|namespace|cluster|account(name)?|.*(_|-|\.)(user(name)?|host|port|url|region|name|id))$/i;

function checkK8s(ctx: RuleContext, secretName: SecretNameTest): void {
  for (const obj of k8sObjects(ctx)) {
    if (/^(SealedSecret|ExternalSecret|SecretProviderClass|ClusterExternalSecret|SecretStore|ClusterSecretStore)$/.test(obj.kind)) continue;
    if (obj.kind === 'Secret') checkSecretManifest(ctx, obj, secretName);
    else if (obj.kind === 'ConfigMap') checkConfigMap(ctx, obj, secretName);
    else if (obj.kind === 'Kustomization') checkKustomization(ctx, obj, secretName);
    for (const c of workloadContainers(obj)) {
      const env = containerEnv(c);
      const byName = new Map(env.map((e) => [e.name.toUpperCase(), e.value]));
      const image = scalarString(mapGet(c.container, 'image', obj.doc));
      for (const e of env) {
        if (e.value === undefined || e.fromSecret) continue;
        if (!findToken(e.value) && !literalUrlPassword(e.value) && !isSecretKey(e.name, secretName)) continue;
        const what = configWhat(e.name, e.value, { user: userFor(e.name, (k) => byName.get(k)), image, service: c.name, names: guessNames(byName) }, false);
        if (!what) continue;
        reportConfig(ctx, { range: e.range, messageId: 'k8sEnv', data: { container: c.name ?? 'container', name: e.name, what } });
      }
    }
  }
  scanAllTokens(ctx);
}

/** `data:` (base64) and `stringData:` of a Secret manifest; SOPS-encrypted manifests are meant to be committed. */
function checkSecretManifest(ctx: RuleContext, obj: K8sObject, secretName: SecretNameTest): void {
  if (mapGet(obj.root, 'sops', obj.doc) !== undefined) return;
  const entries = secretEntries(obj);
  const byKey = new Map(entries.map((e) => [e.key.toUpperCase().replace(/[-.]/g, '_'), e.value]));
  for (const e of entries) {
    if (e.value === undefined || /^ENC\[/.test(e.raw)) continue;
    let what: string | undefined;
    if (/^\.docker(configjson|cfg)$/.test(e.key)) what = registryAuth(e.value) ? 'registry credentials' : undefined;
    else {
      const token = findToken(e.value);
      if (token) what = token.format.label;
      else if (NON_SECRET_KEY.test(e.key) && !literalUrlPassword(e.value)) continue;
      else {
        const named = isSecretKey(e.key, secretName);
        what = configWhat(e.key, e.value, { user: userFor(e.key.toUpperCase().replace(/[-.]/g, '_'), (k) => byKey.get(k)), names: guessNames(byKey) }, !named);
      }
    }
    if (what) reportConfig(ctx, { range: e.range, messageId: 'k8sSecret', data: { object: obj.name ?? 'secret', key: e.key, what } });
  }
}

/** A docker config JSON with an `auth` (base64 user:password) or a `password` that is not a placeholder. */
function registryAuth(json: string): boolean {
  try {
    const cfg = JSON.parse(json) as { auths?: Record<string, { auth?: string; password?: string }> };
    for (const a of Object.values(cfg.auths ?? cfg ?? {})) {
      const auth = a && typeof a === 'object' ? (a.auth ? decodeBase64(a.auth) : undefined) : undefined;
      const password = a?.password ?? (auth?.includes(':') ? auth.slice(auth.indexOf(':') + 1) : undefined);
      if (password && !isPlaceholder(password) && !isReference(password)) return true;
    }
  } catch {
    return false;
  }
  return false;
}

function checkConfigMap(ctx: RuleContext, obj: K8sObject, secretName: SecretNameTest): void {
  const data = mapGet(obj.root, 'data', obj.doc);
  if (!isMap(data)) return;
  for (const p of (data as YAMLMap).items) {
    if (!isScalar(p.key) || !p.key.range) continue;
    const key = String(p.key.value);
    const v = resolveNode(p.value, obj.doc);
    const value = scalarString(v);
    if (value === undefined || value.includes('\n')) continue; // embedded files: token formats only (scanTokens)
    if (!findToken(value) && !literalUrlPassword(value) && !isSecretKey(key, secretName)) continue;
    const what = configWhat(key, value, {}, false);
    if (!what) continue;
    const end = isScalar(v) && v.range ? v.range[1] : p.key.range[1];
    reportConfig(ctx, { range: [p.key.range[0], end], messageId: 'k8sConfigMap', data: { object: obj.name ?? 'configmap', key, what } });
  }
}

/** kustomize `secretGenerator: - literals: [KEY=value]`. */
function checkKustomization(ctx: RuleContext, obj: K8sObject, secretName: SecretNameTest): void {
  const gens = mapGet(obj.root, 'secretGenerator', obj.doc);
  if (!isSeq(gens)) return;
  for (const g of gens.items) {
    const name = scalarString(mapGet(g, 'name', obj.doc)) ?? 'secret';
    const lits = mapGet(g, 'literals', obj.doc);
    if (!isSeq(lits)) continue;
    for (const l of lits.items) {
      const s = scalarString(l);
      if (!s || !isScalar(l) || !l.range) continue;
      const eq = s.indexOf('=');
      if (eq < 0) continue;
      const key = s.slice(0, eq);
      const value = s.slice(eq + 1);
      if (!findToken(value) && !isSecretKey(key, secretName)) continue;
      const what = configWhat(key, value, {}, false);
      if (what) reportConfig(ctx, { range: [l.range[0], l.range[1]], messageId: 'k8sSecret', data: { object: name, key, what } });
    }
  }
}

/** Secret names GitHub accepts: no `GITHUB_` prefix except the built-in token. */
function workflowSecretName(key: string): string | undefined {
  const k = key.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) return undefined;
  if (k.startsWith('GITHUB_') && k !== 'GITHUB_TOKEN') return `GH_${k.slice(7)}`;
  return k;
}

/** CI words in a workflow file name or a job id: their env values are made up for the test run. */
const TEST_WORKFLOW = /(^|[^a-z])(tests?|testing|ci|e2e|integration|lint|checks?|unit|pr|pull[-_]request|specs?)([^a-z]|$)/i;

/** An env map that sets up a test run: `NODE_ENV: test`, `RAILS_ENV: test`, `CI: true`. */
function testEnv(env: unknown): boolean {
  if (!isMap(env)) return false;
  return env.items.some((p) => isScalar(p.key) && /^(NODE_ENV|APP_ENV|RAILS_ENV|ENV|ENVIRONMENT|MIX_ENV|CI)$/.test(String(p.key.value)) && /^(test|testing|ci|true)$/i.test(scalarString(p.value) ?? ''));
}

function checkWorkflow(ctx: RuleContext, secretName: SecretNameTest): void {
  const envMaps: { map: YAMLMap; test: boolean }[] = [];
  const fileTest = TEST_WORKFLOW.test(ctx.file.path.split('/').pop()!.replace(/\.ya?ml$/, ''));
  for (const doc of ctx.yaml.documents) {
    const e = mapGet(doc.contents, 'env', doc);
    if (isMap(e)) envMaps.push({ map: e as YAMLMap, test: fileTest || testEnv(e) });
  }
  const jobs = workflowJobs(ctx);
  for (const job of jobs) {
    const e = mapGet(job.def, 'env', job.doc);
    // a job that runs tests: CI-ish id or name, service containers (databases for the tests), a test env
    const jobTest = fileTest || TEST_WORKFLOW.test(job.id) || TEST_WORKFLOW.test(scalarString(mapGet(job.def, 'name', job.doc)) ?? '') || mapGet(job.def, 'services', job.doc) !== undefined || testEnv(e);
    if (isMap(e)) envMaps.push({ map: e as YAMLMap, test: jobTest });
    for (const step of jobSteps(job)) {
      const se = mapGet(step.step, 'env', job.doc);
      if (isMap(se)) envMaps.push({ map: se as YAMLMap, test: jobTest || testEnv(se) });
      if (step.with) {
        for (const p of step.with.items) {
          if (!isScalar(p.key)) continue;
          const key = String(p.key.value);
          const value = scalarString(p.value);
          if (value === undefined || !p.key.range) continue;
          const token = findToken(value);
          if (!token && !isSecretKey(key.replace(/-/g, '_'), secretName)) continue;
          const what = token ? token.format.label : looksRandom(value.trim(), 16) && !isReference(value) ? `a random-looking value of ${value.trim().length} characters` : undefined;
          if (!what) continue;
          const end = isScalar(p.value) && p.value.range ? p.value.range[1] : p.key.range[1];
          reportConfig(ctx, { range: [p.key.range[0], end], messageId: 'workflowInput', data: { name: key, step: step.name ?? step.uses ?? `#${step.index + 1}`, what } });
        }
      }
    }
  }
  for (const { map: env, test } of envMaps) {
    for (const p of env.items) {
      if (!isScalar(p.key) || !p.key.range) continue;
      const key = String(p.key.value);
      const value = scalarString(p.value);
      if (value === undefined) continue;
      const token = findToken(value);
      if (!token && !isSecretKey(key, secretName)) continue;
      // CI test values are made up: only real token formats count there; elsewhere random-looking values too
      const what = token ? token.format.label : !test && !isReference(value) && !isPlaceholder(value) && looksRandom(value.trim(), 16) ? `a random-looking value of ${value.trim().length} characters` : undefined;
      if (!what) continue;
      const name = workflowSecretName(key);
      const end = isScalar(p.value) && p.value.range ? p.value.range[1] : p.key.range[1];
      reportConfig(ctx, {
        range: [p.key.range[0], end],
        messageId: 'workflowEnv',
        data: { name: key, what },
        fix: name ? replaceScalar(ctx, p.value, `\${{ secrets.${name} }}`, `Use the repository secret ${name}`) : undefined,
      });
    }
  }
  scanAllTokens(ctx);
}
