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
  type RuleContext,
  type YAMLMap,
} from '../../server/src/engine/api';
import { composeServices, serviceEnvironment } from '../_lib/compose';
import { envAliases, envModuleImports, envRead, envStaticImports } from '../_lib/envReads';
import { containerEnv, k8sObjects, workloadContainers, type K8sObject } from '../_lib/k8s';
import { runtimeSide } from '../_lib/runtimeSide';
import { isSecretName, nameWords } from '../_lib/secretNames';
import {
  guessable,
  guessNames,
  isPlaceholderPair,
  isNotSet,
  isReference,
  isSecretKey,
  isUnfilledPlaceholder,
  literalUrlPassword,
  secretEntries,
  urlCredentials,
  userFor,
  type GuessContext,
} from '../_lib/secretValues';

const TEST_FRAMEWORKS = /^(vitest|@vitest\/.+|jest|@jest\/globals|mocha|node:test|@playwright\/test|ava|uvu|tap|chai|sinon|supertest|testcontainers|@testcontainers\/.+|@testing-library\/.+)$/;
const TEST_WORDS = new Set(['test', 'tests', 'testing', 'e2e', 'mock', 'mocked', 'fake', 'dummy', 'stub', 'fixture', 'fixtures', 'example', 'sample']);
function isTestName(name: string): boolean {
  return nameWords(name).some((w) => TEST_WORDS.has(w));
}

/** The last word of the key names the secret itself (`DB_PASSWORD`, `NEO4J_AUTH`), not something about it. */
function namesTheSecret(key: string): boolean {
  const words = nameWords(key);
  return /^(password|passwd|pass|pwd|passphrase|secret|secrets|token|key|keys|apikey|auth|credential|credentials|salt)$/.test(words[words.length - 1] ?? '');
}

/** How a value goes into a message: quoted as written, long ones shortened. */
function shown(value: string): string {
  const v = value.trim();
  return v.length > 40 ? `${v.slice(0, 37)}…` : v;
}

type SecretNameTest = (n: string) => boolean;

export default defineRule({
  id: 'default-credentials',
  title: 'Default or guessable credentials',
  summary: 'A service is configured with a vendor default, a guessable password or an unfilled placeholder credential.',
  severity: 'error',
  kinds: ['compose', 'k8s', 'code', 'dotenv'],
  scope: 'file',
  checklist: '003 high §1.1, 004 §5.3',
  fixable: false,
  hasSuggestions: false,
  messages: {
    defaultValue: '{{where}} sets {{name}} to "{{value}}", {{reason}}.',
    fallbackDefault: '{{where}} falls back to "{{value}}" for {{name}} when it is not set, {{reason}}.',
    placeholder: '{{where}} sets {{name}} to the unfilled placeholder "{{value}}".',
    urlCredentials: '{{where}} connects with the default credentials "{{credentials}}" in {{name}}.',
    embeddedPlaceholder: '{{where}} holds the unfilled placeholder "{{value}}".',
    codeUrl: 'The connection string to "{{host}}" uses the default credentials "{{credentials}}".',
    codePassword: 'The connection options use the password "{{value}}", {{reason}}.',
    dotenvUrl: '{{name}} connects with the default credentials "{{credentials}}".',
    dotenvPlaceholder: '{{name}} is the unfilled placeholder "{{value}}".',
  },
  options: {
    extraSecretNames: {
      type: 'string[]',
      default: [],
      description: 'Regular expressions (case-insensitive) for more names that hold secrets, e.g. "^LEDGER_SEAL$".',
    },
  },
  // code: what codeVisitor looks at (a URL with credentials, a password next to connection options, Sequelize)
  textHint: (text, { kind }) => (kind === 'code' ? codeGate(text).any : CONFIG_HINT.test(text)),
  check(ctx) {
    const extra = (ctx.options.extraSecretNames as readonly string[] | undefined) ?? [];
    const secretName: SecretNameTest = (n) => isSecretName(n, { extraPatterns: extra }) || isSecretName(n.replace(/^(NEXT_PUBLIC_|VITE_|PUBLIC_|REACT_APP_|NUXT_PUBLIC_|EXPO_PUBLIC_)/, ''), { extraPatterns: extra });
    switch (ctx.file.kind) {
      case 'compose':
        return checkCompose(ctx, secretName);
      case 'k8s':
        return checkK8s(ctx, secretName);
      case 'dotenv':
        return checkDotenv(ctx);
      default:
        return codeVisitor(ctx);
    }
  },
});

// ---------------------------------------------------------------------------------------------------------
// Config values: one judgement for compose, k8s and kustomize

interface Verdict {
  readonly messageId: 'defaultValue' | 'fallbackDefault' | 'placeholder' | 'urlCredentials';
  readonly data: Record<string, string>;
}

/** `${VAR:-default}` / `${VAR-default}` as a whole value: the default, when it is a literal. */
function composeDefault(value: string): string | undefined {
  const m = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(.*)\}$/.exec(value.trim());
  if (!m || m[1].includes('${') || m[1].includes('$')) return undefined;
  return m[1];
}

/** A URL with `${VAR:-default}` parts expanded to their defaults (what runs when nothing is set). */
function expandDefaults(value: string): string {
  return value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^${}]*)\}/g, '$1');
}

/** Judge one config entry. `where` names the owner (`Service "db"`, `Secret "api"`). */
function judgeEntry(key: string, value: string, where: string, guess: GuessContext, secretName: SecretNameTest, placeholders = true): Verdict | undefined {
  const v = value.trim();
  if (!v) return undefined;
  // connection strings in any key: `DATABASE_URL: postgres://postgres:postgres@db/app`
  if (v.includes('://')) {
    const c = literalUrlPassword(expandDefaults(v));
    if (c) {
      const g = isPlaceholderPair(c.user, c.password) ? { reason: 'a placeholder' } : guessable(c.password, { ...guess, user: c.user });
      if (g) return { messageId: 'urlCredentials', data: { where, name: key, credentials: `${c.user}:${shown(c.password)}` } };
    }
      if (placeholders && /hooks\.slack\.com\/services\//.test(v)) {
      const d = composeDefault(v);
      if (d !== undefined && isUnfilledPlaceholder(d)) return { messageId: 'fallbackDefault', data: { where, name: key, value: shown(d), reason: 'an unfilled placeholder' } };
      if (d === undefined && isUnfilledPlaceholder(v)) return { messageId: 'placeholder', data: { where, name: key, value: shown(v) } };
    }
    return undefined;
  }
  const secret = isSecretKey(key, secretName) || /^NEO4J_AUTH$/.test(key);
  if (!secret) return undefined;
  // NEO4J_AUTH=neo4j/password
  const val = key === 'NEO4J_AUTH' && v.includes('/') ? v.slice(v.indexOf('/') + 1) : v;
  if (isNotSet(val)) return undefined; // `NEO4J_AUTH: none` turns auth off: not a password
  const fallback = composeDefault(val);
  if (fallback !== undefined) {
    if (!fallback.trim() || isNotSet(fallback)) return undefined;
    const g = guessable(fallback, guess);
    return g && (namesTheSecret(key) || !/^only|^made/.test(g.reason)) ? { messageId: 'fallbackDefault', data: { where, name: key, value: shown(fallback), reason: g.reason } } : undefined;
  }
  if (isReference(val)) return undefined;
  const g = guessable(val, guess);
  // `changeme` is a well-known password before it is a placeholder; `<app-password>` is only a placeholder
  if (placeholders && isUnfilledPlaceholder(val) && !(g && /default password|the same as/.test(g.reason))) return { messageId: 'placeholder', data: { where, name: key, value: shown(val) } };
  // short or dictionary values count only under a key that names the secret (`PASSWORD_HASHING: argon2` is a mode)
  if (!g || (!namesTheSecret(key) && !/default password|the same as/.test(g.reason))) return undefined;
  return { messageId: 'defaultValue', data: { where, name: key, value: shown(val), reason: g.reason } };
}

function checkCompose(ctx: RuleContext, secretName: SecretNameTest): void {
  for (const svc of composeServices(ctx)) {
    const env = serviceEnvironment(svc);
    const byKey = new Map(env.map((e) => [e.key.toUpperCase(), e.value]));
    const names = guessNames(byKey);
    for (const e of env) {
      if (e.value === undefined) continue;
      const guess: GuessContext = { user: userFor(e.key, (k) => byKey.get(k)), image: svc.image, service: svc.name, names: names.filter((n) => n.key !== e.key) };
      const verdict = judgeEntry(e.key, e.value, `Service "${svc.name}"`, guess, secretName);
      if (verdict) ctx.report({ range: e.range, messageId: verdict.messageId, data: verdict.data });
    }
  }
}

function checkK8s(ctx: RuleContext, secretName: SecretNameTest): void {
  for (const obj of k8sObjects(ctx)) {
    if (/^(SealedSecret|ExternalSecret|SecretProviderClass|ClusterExternalSecret)$/.test(obj.kind)) continue;
    if (obj.kind === 'Secret' && mapGet(obj.root, 'sops', obj.doc) === undefined) {
      const entries = secretEntries(obj);
      const byKey = new Map(entries.map((e) => [e.key.toUpperCase().replace(/[-.]/g, '_'), e.value]));
      const names = guessNames(byKey);
      for (const e of entries) {
        if (e.value === undefined || /^ENC\[/.test(e.raw)) continue;
        const norm = e.key.toUpperCase().replace(/[-.]/g, '_');
        const verdict = judgeEntry(e.key, e.value, `Secret "${obj.name ?? 'secret'}"`, { user: userFor(norm, (k) => byKey.get(k)), names: names.filter((n) => n.key !== norm) }, secretName);
        if (verdict) ctx.report({ range: e.range, messageId: verdict.messageId, data: verdict.data });
      }
    } else if (obj.kind === 'ConfigMap') checkConfigMap(ctx, obj, secretName);
    else if (obj.kind === 'Kustomization') checkKustomization(ctx, obj, secretName);
    for (const c of workloadContainers(obj)) {
      const env = containerEnv(c);
      const byName = new Map(env.map((e) => [e.name.toUpperCase(), e.value]));
      const names = guessNames(byName);
      const image = scalarString(mapGet(c.container, 'image', obj.doc));
      for (const e of env) {
        if (e.value === undefined || e.fromSecret) continue;
        const verdict = judgeEntry(e.name, e.value, `Container "${c.name ?? 'container'}"`, { user: userFor(e.name, (k) => byName.get(k)), image, service: c.name, names: names.filter((n) => n.key !== e.name) }, secretName);
        if (verdict) ctx.report({ range: e.range, messageId: verdict.messageId, data: verdict.data });
      }
    }
  }
}

/** Keys in embedded config files (alertmanager.yml, …) that hold a credential. */
const EMBEDDED_KEY = /\b[\w.-]*?(key|url|token|password|passwd|pass|secret)\s*[:=]\s*['"]?([^'"\s#,}]+)/gi;

function checkConfigMap(ctx: RuleContext, obj: K8sObject, secretName: SecretNameTest): void {
  const data = mapGet(obj.root, 'data', obj.doc);
  if (!isMap(data)) return;
  const text = ctx.file.text;
  for (const p of (data as YAMLMap).items) {
    if (!isScalar(p.key) || !p.key.range) continue;
    const key = String(p.key.value);
    const v = resolveNode(p.value, obj.doc);
    const value = scalarString(v);
    if (value === undefined || !isScalar(v) || !v.range) continue;
    if (!value.includes('\n')) {
      const verdict = judgeEntry(key, value, `ConfigMap "${obj.name ?? 'configmap'}"`, {}, secretName);
      if (verdict) ctx.report({ range: [p.key.range[0], v.range[1]], messageId: verdict.messageId, data: verdict.data });
      continue;
    }
    // an embedded config file: placeholders and default credentials on its own lines
    const [start, end] = v.range;
    EMBEDDED_KEY.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = EMBEDDED_KEY.exec(value))) {
      const found = m[2];
      const bad = isUnfilledPlaceholder(found) && !/^(<[^>]*>)$/.test(found) ? found : /:\/\//.test(found) && literalUrlPassword(found) && guessable(literalUrlPassword(found)!.password, { user: literalUrlPassword(found)!.user }) ? found : undefined;
      if (!bad) continue;
      const at = text.indexOf(found, start);
      if (at < 0 || at > end) continue;
      const lineStart = ctx.lines.lineStart(ctx.lines.lineOf(at));
      const first = lineStart + (text.slice(lineStart, at).length - text.slice(lineStart, at).trimStart().length);
      ctx.report({ range: [first, at + found.length], messageId: 'embeddedPlaceholder', data: { where: `ConfigMap "${obj.name ?? 'configmap'}"`, value: shown(found) } });
    }
  }
}

function checkKustomization(ctx: RuleContext, obj: K8sObject, secretName: SecretNameTest): void {
  const gens = mapGet(obj.root, 'secretGenerator', obj.doc);
  if (!isSeq(gens)) return;
  for (const g of gens.items) {
    const name = scalarString(mapGet(g, 'name', obj.doc)) ?? 'secret';
    const lits = mapGet(g, 'literals', obj.doc);
    if (!isSeq(lits)) continue;
    const pairs = lits.items.map((l) => scalarString(l) ?? '').map((s) => [s.slice(0, Math.max(0, s.indexOf('='))).toUpperCase(), s.slice(s.indexOf('=') + 1)] as const);
    const byKey = new Map(pairs);
    for (const l of lits.items) {
      const s = scalarString(l);
      if (!s || !isScalar(l) || !l.range || !s.includes('=')) continue;
      const key = s.slice(0, s.indexOf('='));
      const verdict = judgeEntry(key, s.slice(s.indexOf('=') + 1), `Secret generator "${name}"`, { user: userFor(key, (k) => byKey.get(k)), names: guessNames(byKey).filter((n) => n.key !== key.toUpperCase()) }, secretName);
      if (verdict) ctx.report({ range: [l.range[0], l.range[1]], messageId: verdict.messageId, data: verdict.data });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// dotenv: connection strings and webhook URLs (a short or placeholder secret-named value is weak-secret's)

function checkDotenv(ctx: RuleContext): void {
  // local-only files (`.env.local`, `.env.development`) never reach a server
  // `defaults.env` files hold defaults to be overridden, like a template
  if (ctx.file.roles.dev || /(^|\/|\.)defaults?\.env$/i.test(ctx.file.path)) return;
  for (const e of ctx.dotenv.entries) {
    const v = e.value.trim();
    if (!v.includes('://')) continue;
    const c = literalUrlPassword(expandDefaults(v));
    if (c) {
      const g = isPlaceholderPair(c.user, c.password) ? { reason: 'a placeholder' } : guessable(c.password, { user: c.user });
      if (g) ctx.report({ range: [e.keyStart, e.valueEnd], messageId: 'dotenvUrl', data: { name: e.key, credentials: `${c.user}:${shown(c.password)}` } });
      continue;
    }
    if (/hooks\.slack\.com\/services\//.test(v) && isUnfilledPlaceholder(v)) ctx.report({ range: [e.keyStart, e.valueEnd], messageId: 'dotenvPlaceholder', data: { name: e.key, value: shown(v) } });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Code: connection strings and DB client options with default passwords

/** Keys of a connection options object besides the password. */
const CONNECTION_KEYS = /^(host|hostname|server|port|database|db|dbName|dialect|connectionString|uri|url|client|driver|authSource|ssl|socketPath)$/;
const USER_KEYS = /^(user|username|userName|login)$/;
const PASSWORD_KEYS = /^(password|pass|passwd|pwd|dbPassword)$/;
/** Every property name the options check looks at (a Set lookup before any regex). */
const CONNECTION_PROPS = new Set(['host', 'hostname', 'server', 'port', 'database', 'db', 'dbName', 'dialect', 'connectionString', 'uri', 'url', 'client', 'driver', 'authSource', 'ssl', 'socketPath', 'user', 'username', 'userName', 'login', 'password', 'pass', 'passwd', 'pwd', 'dbPassword']);

const PASSWORD_LITERAL_TEXT = /\b(?:password|pass|passwd|pwd|dbPassword)['"]?\s*:\s*\(?\s*['"`]/;
const CONNECTION_KEY_TEXT = /\b(?:host|hostname|server|port|database|db|dbName|dialect|connectionString|uri|url|client|driver|authSource|ssl|socketPath)['"]?\s*:/;

/** Config kinds: secret-like keys, URLs with a user, placeholders. */
const CONFIG_HINT = /pass|pwd|secret|token|key|auth|cred|salt|pepper|dsn|:\/\/[^/\s:@]*:|YOUR|hooks\.slack|<[A-Za-z]|xxx|change|replace|insert|Sequelize/i;

/** Cheap per-file gates for code: no URL with credentials, no password next to a host, no Sequelize → no walk at all. */
function codeGate(text: string): { mayHaveUrls: boolean; mayHaveOptions: boolean; any: boolean } {
  const mayHaveUrls = text.includes('://') && /:\/\/[^/\s:@'"`]*:[^@\s'"`]+@/.test(text);
  // `password: 'literal'` and a connection property (`host:`, `port:`…) written as `key: value`, as the check wants
  const mayHaveOptions = PASSWORD_LITERAL_TEXT.test(text) && CONNECTION_KEY_TEXT.test(text);
  return { mayHaveUrls, mayHaveOptions, any: mayHaveUrls || mayHaveOptions || text.includes('Sequelize') };
}

function codeVisitor(ctx: RuleContext) {
  const { mayHaveUrls, mayHaveOptions, any } = codeGate(ctx.file.text);
  if (!any) return undefined;
  let facts: { aliases: Set<string>; statics: Map<string, string>; harness: boolean } | undefined;
  const file = () => {
    if (!facts) {
      const sf = ctx.sourceFile;
      const aliases = envAliases(sf);
      for (const n of envModuleImports(sf)) aliases.add(n);
      const harness = sf.statements.some((st) => ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && TEST_FRAMEWORKS.test(st.moduleSpecifier.text));
      facts = { aliases, statics: envStaticImports(sf), harness };
    }
    return facts;
  };
  const browser = (): boolean => runtimeSide(ctx.sourceFile, ctx.file.path, ctx.packageJson) === 'browser';

  /** Fallbacks of env reads are fallback-secret's: `process.env.DATABASE_URL || 'postgres://…'`. */
  function isEnvFallback(lit: ts.Node): boolean {
    let n: ts.Node = lit;
    while (ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent)) n = n.parent;
    const p = n.parent;
    const read = (e: ts.Node) => !!envRead(e, file().aliases, file().statics);
    if (ts.isBinaryExpression(p) && /^(\|\||\?\?|\|\|=|\?\?=)$/.test(p.operatorToken.getText(ctx.sourceFile)) && p.right === n) return true;
    if (ts.isConditionalExpression(p) && p.condition !== n) return true;
    if (ts.isCallExpression(p) && (read(p) || (ts.isPropertyAccessExpression(p.expression) && p.expression.name.text === 'default'))) return true;
    if (ts.isBindingElement(p) && p.initializer === n) return true;
    if (ts.isPropertyAssignment(p) && /^(default|devDefault|example|examples|placeholder|description)$/.test(staticName(p.name) ?? '')) return true;
    return false;
  }

  function nameOf(lit: ts.Node): string | undefined {
    const p = lit.parent;
    if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
    if (ts.isPropertyAssignment(p)) return staticName(p.name);
    return undefined;
  }

  function handleLiteral(lit: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): void {
    const value = lit.text;
    if (!mayHaveUrls || value.length < 10 || !value.includes('://') || /\s/.test(value.trim())) return;
    const c = urlCredentials(value);
    if (!c || !c.password || isReference(c.password)) return;
    if (file().harness || isEnvFallback(lit)) return;
    const name = nameOf(lit);
    if (name && isTestName(name)) return;
    // `user:password@` is documentation's placeholder pair; in code it is not configured, just written down
    if (isPlaceholderPair(c.user, c.password)) return;
    const g = guessable(c.password, { user: c.user });
    if (!g) return;
    ctx.report({ node: lit, messageId: 'codeUrl', data: { host: c.host || 'localhost', credentials: `${c.user}:${shown(c.password)}` } });
  }

  return {
    StringLiteral: handleLiteral,
    NoSubstitutionTemplateLiteral: handleLiteral,
    ObjectLiteralExpression(node: ts.ObjectLiteralExpression) {
      // { host, user: 'postgres', password: 'postgres' } passed to a DB client
      if (!mayHaveOptions) return;
      let pw: ts.PropertyAssignment | undefined;
      let user: string | undefined;
      let connection = false;
      for (const p of node.properties) {
        if (!ts.isPropertyAssignment(p)) continue;
        const k = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : undefined;
        if (!k || !CONNECTION_PROPS.has(k)) continue;
        if (PASSWORD_KEYS.test(k)) pw = p;
        else if (CONNECTION_KEYS.test(k)) connection = true;
        else if (USER_KEYS.test(k)) user = stringOf(p.initializer);
      }
      if (!pw || !connection) return;
      // SQLite has no users: its options carry whatever the template had
      if (node.properties.some((p) => ts.isPropertyAssignment(p) && /^(dialect|client|type)$/.test(staticName(p.name) ?? '') && /sqlite/i.test(stringOf(p.initializer) ?? ''))) return;
      const lit = unwrap(pw.initializer);
      if (!ts.isStringLiteral(lit) && !ts.isNoSubstitutionTemplateLiteral(lit)) return;
      if (!lit.text.trim() || file().harness || isEnvFallback(lit) || browser()) return;
      const g = guessable(lit.text, { user });
      if (!g) return;
      ctx.report({ node: lit, messageId: 'codePassword', data: { value: shown(lit.text), reason: g.reason } });
    },
    NewExpression(node: ts.NewExpression) {
      // new Sequelize('db', 'root', 'root', { dialect: 'mysql' })
      if (!/(^|\.)Sequelize$/.test(dottedName(node.expression) ?? '') || (node.arguments?.length ?? 0) < 3) return;
      const lit = unwrap(node.arguments![2]);
      if (!ts.isStringLiteral(lit) || !lit.text.trim() || file().harness) return;
      const user = stringOf(node.arguments![1]);
      const opts = node.arguments![3] ? unwrap(node.arguments![3]) : undefined;
      if ((user && isPlaceholderPair(user, lit.text)) || (opts && /sqlite/i.test(opts.getText(ctx.sourceFile)))) return;
      const g = guessable(lit.text, { user });
      if (g) ctx.report({ node: lit, messageId: 'codePassword', data: { value: shown(lit.text), reason: g.reason } });
    },
  };
}

function stringOf(node: ts.Node): string | undefined {
  const n = unwrap(node);
  return ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) ? n.text : undefined;
}
