/**
 * Is a name (env var, property, variable) the name of a secret? Used by fallback-secret, logged-secret and
 * later by hardcoded-secret / weak-secret. Names are split into words (SNAKE_CASE, camelCase, kebab-case)
 * so that `TOKEN_TTL_SECONDS` and `passwordMinLength` are recognised as metadata about a secret, not secrets.
 */

/** Split an identifier into lowercase words: `JWT_SECRET` → [jwt, secret], `apiKeyHeader` → [api, key, header]. */
export function nameWords(name: string): readonly string[] {
  let w = wordsCache.get(name);
  if (!w) {
    w = Object.freeze(name
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .replace(/([0-9])([A-Z][a-z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean));
    if (wordsCache.size > 50_000) wordsCache.clear();
    wordsCache.set(name, w);
  }
  return w;
}
/** Names repeat across files (`token`, `apiKey`, `DATABASE_URL`): their words are worked out once. */
const wordsCache = new Map<string, readonly string[]>();

/** Words that on their own make a name secret. */
const SECRET_WORDS = new Set([
  'secret',
  'secrets',
  'password',
  'passwd',
  'passphrase',
  'pass',
  'pwd',
  'token',
  'tokens',
  'credential',
  'credentials',
  'creds',
  'salt',
  'pepper',
  'apikey',
  'privatekey',
  'dsn',
]);

/** `X KEY` pairs that make a name secret: API key, private key, encryption key… */
const KEY_QUALIFIERS = new Set([
  'api',
  'private',
  'encryption',
  'encrypt',
  'signing',
  'sign',
  'secret',
  'master',
  'access',
  'auth',
  'session',
  'jwt',
  'hmac',
  'cipher',
  'crypto',
  'webhook',
  'service',
  'admin',
  'license',
  'client',
  'app',
  'server',
  'openai',
  'stripe',
  'anthropic',
  'sendgrid',
  'resend',
  'mailgun',
  'twilio',
  'github',
  'slack',
  'account',
  'shared',
  'sdk',
  'deploy',
  'aes',
  'ssh',
  'gpg',
  'pgp',
]);

/**
 * Trailing or inner words that turn a secret-sounding name into metadata about the secret:
 * `TOKEN_TTL_SECONDS`, `API_KEY_HEADER`, `PASSWORD_MIN_LENGTH`, `TLS_KEY_PATH`, `JWT_EXPIRES_IN`,
 * `SESSION_COOKIE_NAME`, `SECRET_MANAGER_REGION`.
 */
const METADATA_WORDS = new Set([
  'ttl',
  'expires',
  'expiry',
  'expiration',
  'exp',
  'lifetime',
  'age',
  'duration',
  'timeout',
  'seconds',
  'secs',
  'ms',
  'minutes',
  'hours',
  'days',
  'length',
  'len',
  'min',
  'max',
  'size',
  'count',
  'limit',
  'rounds',
  'iterations',
  'cost',
  'header',
  'headers',
  'name',
  'names',
  'field',
  'param',
  'prefix',
  'suffix',
  'type',
  'kind',
  'algorithm',
  'algo',
  'alg',
  'path',
  'file',
  'filename',
  'dir',
  'url',
  'uri',
  'endpoint',
  'host',
  'region',
  'manager',
  'arn',
  'id',
  'ids',
  'enabled',
  'enable',
  'disabled',
  'required',
  'policy',
  'pattern',
  'regex',
  'format',
  'version',
  'location',
  'store',
  'provider',
  'mode',
  'strategy',
  'issuer',
  'audience',
  'scope',
  'scopes',
  'reset',
  'hint',
  'label',
  'placeholder',
  'input',
  'link',
  'page',
  'route',
  'expired',
  'refresh',
  'interval',
  'cookie',
  'cutoff',
  'enforcement',
]);

/** Words that say a name is about a secret rather than holding one. */
const NEGATION_WORDS = new Set(['without', 'no', 'redacted', 'masked', 'sanitized', 'safe', 'has', 'is', 'should', 'needs', 'requires', 'valid', 'invalid', 'missing', 'hint']);

/** Verbs before the secret word that make the name a switch: `ALLOW_INSECURE_DEFAULT_SECRETS`, `SKIP_ACCESS_TOKENS`. */
const FLAG_VERBS = new Set(['allow', 'skip', 'use', 'disable', 'enable', 'enforce', 'require', 'force', 'ignore']);

/** Words before "token(s)" that make it a count or a page cursor rather than a credential. */
const COUNT_WORDS = new Set(['max', 'min', 'total', 'prompt', 'completion', 'input', 'output', 'num', 'count', 'used', 'remaining', 'cached', 'reasoning', 'estimated', 'limit', 'next', 'page', 'continuation', 'cursor', 'sync', 'pagination']);

/** Public by design: prefixes that bundlers inline into browser code. */
export function isPublicEnvName(name: string): boolean {
  return /^(NEXT_PUBLIC_|VITE_|PUBLIC_|REACT_APP_|EXPO_PUBLIC_|NUXT_PUBLIC_|GATSBY_|STORYBOOK_)/.test(name);
}

/** Publishable identifiers that look like keys but are public: Stripe publishable keys, Firebase web keys… */
const PUBLIC_KEY_NAMES = /(publishable|public|anon|site[_-]?key|recaptcha[_-]?site|measurement|tracking|firebase[_-]?api)/i;

export interface SecretNameOptions {
  /** extra words or regular expressions (as strings) that make a name secret */
  readonly extraPatterns?: readonly string[];
}

/**
 * Does the name hold a secret? True for JWT_SECRET, DB_PASSWORD, apiKey, STRIPE_SECRET_KEY, privateKey,
 * ENCRYPTION_KEY, AUTH_TOKEN, credentials, PASSWORD_SALT; false for TOKEN_TTL_SECONDS, API_KEY_HEADER,
 * PASSWORD_MIN_LENGTH, TLS_KEY_PATH, JWT_EXPIRES_IN, SESSION_COOKIE_NAME, SECRET_MANAGER_REGION,
 * NEXT_PUBLIC_*, publishableKey, tokenType.
 */
export function isSecretName(name: string, opts: SecretNameOptions = {}): boolean {
  if (opts.extraPatterns?.length && opts.extraPatterns.some((p) => safeRegex(p)?.test(name))) return true;
  let v = verdicts.get(name);
  if (v === undefined) {
    v = judgeName(name);
    if (verdicts.size > 50_000) verdicts.clear();
    verdicts.set(name, v);
  }
  return v;
}
const verdicts = new Map<string, boolean>();

function judgeName(name: string): boolean {
  if (isPublicEnvName(name)) return false;
  if (PUBLIC_KEY_NAMES.test(name)) return false;
  const words = nameWords(name);
  if (!words.length) return false;
  // Find the last secret word; everything after it must not be metadata.
  let secretAt = -1;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (SECRET_WORDS.has(w)) secretAt = i;
    else if ((w === 'key' || w === 'keys') && i > 0 && KEY_QUALIFIERS.has(words[i - 1])) secretAt = i;
    else if (w === 'key' && words.length === 1) secretAt = -1;
    else if (/^(api|private|secret|encryption|signing|access)key$/.test(w)) secretAt = i;
  }
  if (secretAt < 0) return false;
  // `envWithoutSecrets`, `redactedToken`, `maskedPassword`, `hasPassword`, `isTokenValid`: about a secret, not one.
  if (words.some((w) => NEGATION_WORDS.has(w))) return false;
  // `ALLOW_INSECURE_DEFAULT_SECRETS`, `SKIP_ACCESS_TOKENS`, `REQUIRE_API_KEY`: switches about a secret.
  if (words.slice(0, secretAt).some((w) => FLAG_VERBS.has(w))) return false;
  // `MAX_ORGS_PER_PASS`, `COST_PER_TOKEN`: a unit, not a credential.
  if (words[secretAt - 1] === 'per') return false;
  // `credentialKey`, `passwordKey`, `tokenKey`: the name under which a secret is stored, not the secret.
  if (words[secretAt + 1] === 'key' && /^(credentials?|creds|password|pass|pwd|tokens?)$/.test(words[secretAt])) return false;
  // `MAX_TOKENS`, `totalTokens`, `promptTokens`: counts of (LLM) tokens, not credentials.
  if (/^tokens?$/.test(words[secretAt]) && words.slice(0, secretAt).some((w) => COUNT_WORDS.has(w))) return false;
  const after = words.slice(secretAt + 1);
  if (after.some((w) => METADATA_WORDS.has(w))) return false;
  // `TOKEN_TYPE`-like metadata before… `tokenType`: handled above. `SECRET_KEY_BASE` is still secret.
  // Words like "pass" are secret only as a whole word (not "passport", "bypass": nameWords splits those whole).
  return true;
}

function safeRegex(p: string): RegExp | undefined {
  try {
    return new RegExp(p, 'i');
  } catch {
    return undefined;
  }
}

/** Connection strings with credentials: `postgres://user:pass@host`, `redis://:pass@host`, `mongodb+srv://u:p@…`. */
export function embedsCredentials(value: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s:]*):([^/@\s]+)@/i.exec(value.trim());
  if (!m) return false;
  const password = m[2];
  // `${DB_PASSWORD}` and similar references are not literal credentials.
  return !/^\$\{?[A-Z_][A-Z0-9_]*\}?$/.test(password) && !/^<[^>]+>$/.test(password);
}
