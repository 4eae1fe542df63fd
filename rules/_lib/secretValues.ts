/**
 * What a value says about itself: vendor token formats, placeholders, references, entropy, guessable and
 * vendor-default passwords, connection strings with credentials. Shared by hardcoded-secret, weak-secret and
 * default-credentials. Everything here is a pure string test, linear in the value's length; entropy is only
 * computed by callers that already know the value sits under a secret-like name or in a secret-taking call.
 */
import { isMap, isScalar, mapGet, resolveNode, scalarString } from '../../server/src/engine/api';
import type { K8sObject } from './k8s';
import { isPublicEnvName, nameWords } from './secretNames';

// ---------------------------------------------------------------------------------------------------------
// Vendor token formats

export interface TokenFormat {
  readonly id: string;
  /** how the message names it: "a GitHub personal access token" */
  readonly label: string;
  /** the conventional variable name, for fixes when the code's own name is generic */
  readonly envName: string;
  readonly re: RegExp;
  /** extra check on the match (checksums, decoded payloads, placeholder bodies) */
  readonly accept?: (match: string, value: string, index: number) => boolean;
}

/** The body of a token after its prefix is not a run of one character or an obvious fake. */
function realBody(body: string): boolean {
  if (isPlaceholder(body)) return false;
  if (/(.)\1{7,}/.test(body)) return false;
  return !lowEntropyReason(body.replace(/[^A-Za-z0-9]/g, ''));
}

function afterPrefix(prefix: RegExp): (m: string) => boolean {
  return (m) => realBody(m.replace(prefix, ''));
}

/** A JWT whose payload says it is a Supabase service-role key (the anon key is public). */
function serviceRoleJwt(m: string): boolean {
  const payload = m.split('.')[1];
  const json = decodeBase64(payload, true);
  // the local-development key every `supabase start` prints (iss "supabase-demo") is public
  return json !== undefined && /"role"\s*:\s*"service_role"/.test(json) && !/"iss"\s*:\s*"supabase-demo"/.test(json);
}

/** A PEM private key with a body: not a marker string (`startsWith('-----BEGIN PRIVATE KEY-----')`) or `...`. */
function pemBody(_m: string, value: string, index: number): boolean {
  const rest = value.slice(index, index + 400).replace(/-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----/, '');
  // the body as written: newlines, `\n` escapes, header lines (Proc-Type…) and quotes of concatenations
  const body = rest.replace(/\\[nr]|["'`+\s]|^(Proc-Type|DEK-Info|Comment):.*$/gm, '');
  const b64 = /^[A-Za-z0-9+/=]*/.exec(body)![0];
  return b64.length >= 64 && realBody(b64.slice(0, 64));
}

export const TOKEN_FORMATS: readonly TokenFormat[] = [
  { id: 'github-pat', label: 'a GitHub personal access token', envName: 'GITHUB_TOKEN', re: /\bghp_[A-Za-z0-9]{36}\b/, accept: afterPrefix(/^ghp_/) },
  { id: 'github-oauth', label: 'a GitHub OAuth token', envName: 'GITHUB_TOKEN', re: /\bgho_[A-Za-z0-9]{36}\b/, accept: afterPrefix(/^gho_/) },
  { id: 'github-app', label: 'a GitHub App token', envName: 'GITHUB_TOKEN', re: /\bgh[usr]_[A-Za-z0-9]{36}\b/, accept: afterPrefix(/^gh[usr]_/) },
  { id: 'github-fine-grained', label: 'a GitHub fine-grained personal access token', envName: 'GITHUB_TOKEN', re: /\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b/, accept: afterPrefix(/^github_pat_/) },
  { id: 'gitlab', label: 'a GitLab access token', envName: 'GITLAB_TOKEN', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/, accept: afterPrefix(/^glpat-/) },
  { id: 'slack-token', label: 'a Slack token', envName: 'SLACK_TOKEN', re: /\bxox[abposre]-\d{6,}-[A-Za-z0-9-]{10,}/, accept: afterPrefix(/^xox[a-z]-[\d-]+/) },
  { id: 'slack-app-token', label: 'a Slack app-level token', envName: 'SLACK_APP_TOKEN', re: /\bxapp-\d-[A-Z0-9]{9,}-\d{6,}-[a-f0-9]{32,}\b/ },
  { id: 'slack-webhook', label: 'a Slack incoming-webhook URL', envName: 'SLACK_WEBHOOK_URL', re: /(?:\bhttps?:\/\/)?\bhooks\.slack\.com\/(?:services|workflows|triggers)\/T[A-Z0-9]{6,}\/[AB][A-Z0-9]{6,}\/[A-Za-z0-9]{20,}/, accept: (m) => realBody(m.slice(m.lastIndexOf('/') + 1)) },
  { id: 'discord-webhook', label: 'a Discord webhook URL', envName: 'DISCORD_WEBHOOK_URL', re: /(?:\bhttps?:\/\/)?\b(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,}/, accept: (m) => realBody(m.slice(m.lastIndexOf('/') + 1)) },
  { id: 'stripe-secret', label: 'a live Stripe secret key', envName: 'STRIPE_SECRET_KEY', re: /\bsk_live_[A-Za-z0-9]{20,}\b/, accept: afterPrefix(/^sk_live_/) },
  { id: 'stripe-restricted', label: 'a live Stripe restricted key', envName: 'STRIPE_SECRET_KEY', re: /\brk_live_[A-Za-z0-9]{20,}\b/, accept: afterPrefix(/^rk_live_/) },
  { id: 'stripe-webhook', label: 'a Stripe webhook signing secret', envName: 'STRIPE_WEBHOOK_SECRET', re: /\bwhsec_[A-Za-z0-9+/]{32,}/, accept: afterPrefix(/^whsec_/) },
  { id: 'npm', label: 'an npm access token', envName: 'NPM_TOKEN', re: /\bnpm_[A-Za-z0-9]{36}\b/, accept: afterPrefix(/^npm_/) },
  { id: 'pem-private-key', label: 'a PEM private key', envName: 'PRIVATE_KEY', re: /-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY(?: BLOCK)?-----/, accept: pemBody },
  { id: 'sendgrid', label: 'a SendGrid API key', envName: 'SENDGRID_API_KEY', re: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/, accept: afterPrefix(/^SG\.[^.]*\./) },
  { id: 'anthropic', label: 'an Anthropic API key', envName: 'ANTHROPIC_API_KEY', re: /\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,}/, accept: afterPrefix(/^sk-ant-[a-z]+\d+-/) },
  { id: 'openrouter', label: 'an OpenRouter API key', envName: 'OPENROUTER_API_KEY', re: /\bsk-or-v1-[a-f0-9]{64}\b/, accept: afterPrefix(/^sk-or-v1-/) },
  { id: 'openai-project', label: 'an OpenAI API key', envName: 'OPENAI_API_KEY', re: /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}/, accept: afterPrefix(/^sk-[a-z]+-/) },
  { id: 'openai-legacy', label: 'an OpenAI API key', envName: 'OPENAI_API_KEY', re: /\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b/ },
  { id: 'langfuse-secret', label: 'a Langfuse secret key', envName: 'LANGFUSE_SECRET_KEY', re: /\bsk-lf-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}\b/, accept: afterPrefix(/^sk-lf-/) },
  { id: 'sk-generic', label: 'a secret API key (sk-…)', envName: 'API_KEY', re: /\bsk-[A-Za-z0-9]{32,}\b/, accept: afterPrefix(/^sk-/) },
  { id: 'groq', label: 'a Groq API key', envName: 'GROQ_API_KEY', re: /\bgsk_[A-Za-z0-9]{52}\b/, accept: afterPrefix(/^gsk_/) },
  { id: 'xai', label: 'an xAI API key', envName: 'XAI_API_KEY', re: /\bxai-[A-Za-z0-9]{80}\b/, accept: afterPrefix(/^xai-/) },
  { id: 'replicate', label: 'a Replicate API token', envName: 'REPLICATE_API_TOKEN', re: /\br8_[A-Za-z0-9]{37}\b/, accept: afterPrefix(/^r8_/) },
  { id: 'perplexity', label: 'a Perplexity API key', envName: 'PERPLEXITY_API_KEY', re: /\bpplx-[A-Za-z0-9]{48}\b/, accept: afterPrefix(/^pplx-/) },
  { id: 'huggingface', label: 'a Hugging Face access token', envName: 'HF_TOKEN', re: /\bhf_[A-Za-z]{34}\b/, accept: afterPrefix(/^hf_/) },
  { id: 'mailgun', label: 'a Mailgun API key', envName: 'MAILGUN_API_KEY', re: /\bkey-[a-f0-9]{32}\b/, accept: afterPrefix(/^key-/) },
  { id: 'resend', label: 'a Resend API key', envName: 'RESEND_API_KEY', re: /\bre_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}\b/, accept: afterPrefix(/^re_/) },
  { id: 'telegram', label: 'a Telegram bot token', envName: 'TELEGRAM_BOT_TOKEN', re: /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/, accept: (m) => realBody(m.slice(m.indexOf(':') + 3)) },
  { id: 'discord-bot', label: 'a Discord bot token', envName: 'DISCORD_TOKEN', re: /\b[MN][A-Za-z\d]{23,25}\.[\w-]{6}\.[\w-]{27,38}\b/, accept: (m) => realBody(m.split('.')[2]) },
  { id: 'shopify', label: 'a Shopify access token', envName: 'SHOPIFY_ACCESS_TOKEN', re: /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/, accept: afterPrefix(/^shp[a-z]+_/) },
  { id: 'linear', label: 'a Linear API key', envName: 'LINEAR_API_KEY', re: /\blin_api_[A-Za-z0-9]{40}\b/, accept: afterPrefix(/^lin_api_/) },
  { id: 'doppler', label: 'a Doppler token', envName: 'DOPPLER_TOKEN', re: /\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}/, accept: afterPrefix(/^dp\.[a-z]+\./) },
  { id: 'digitalocean', label: 'a DigitalOcean token', envName: 'DIGITALOCEAN_TOKEN', re: /\bdo[por]_v1_[a-f0-9]{64}\b/, accept: afterPrefix(/^do[a-z]_v1_/) },
  { id: 'databricks', label: 'a Databricks token', envName: 'DATABRICKS_TOKEN', re: /\bdapi[a-f0-9]{32}(?:-\d)?\b/, accept: afterPrefix(/^dapi/) },
  { id: 'pypi', label: 'a PyPI upload token', envName: 'PYPI_TOKEN', re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/ },
  { id: 'postman', label: 'a Postman API key', envName: 'POSTMAN_API_KEY', re: /\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/, accept: afterPrefix(/^PMAK-/) },
  { id: 'pulumi', label: 'a Pulumi access token', envName: 'PULUMI_ACCESS_TOKEN', re: /\bpul-[a-f0-9]{40}\b/, accept: afterPrefix(/^pul-/) },
  { id: 'terraform', label: 'a Terraform Cloud token', envName: 'TF_TOKEN', re: /\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,}/ },
  { id: 'planetscale', label: 'a PlanetScale token', envName: 'PLANETSCALE_TOKEN', re: /\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,}/, accept: afterPrefix(/^pscale_[a-z]+_/) },
  { id: 'grafana', label: 'a Grafana service-account token', envName: 'GRAFANA_TOKEN', re: /\bglsa_[A-Za-z0-9]{32}_[a-f0-9]{8}\b/, accept: afterPrefix(/^glsa_/) },
  { id: 'sentry-token', label: 'a Sentry auth token', envName: 'SENTRY_AUTH_TOKEN', re: /\bsntry[su]_[A-Za-z0-9+/=_-]{40,}/, accept: afterPrefix(/^sntry[a-z]_/) },
  { id: 'mapbox-secret', label: 'a Mapbox secret token', envName: 'MAPBOX_SECRET_TOKEN', re: /\bsk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/ },
  { id: 'supabase-secret', label: 'a Supabase secret key', envName: 'SUPABASE_SECRET_KEY', re: /\bsb_secret_[A-Za-z0-9_-]{20,}/, accept: afterPrefix(/^sb_secret_/) },
  { id: 'supabase-service-role', label: 'a Supabase service-role key', envName: 'SUPABASE_SERVICE_ROLE_KEY', re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/, accept: serviceRoleJwt },
  { id: 'vercel-blob', label: 'a Vercel Blob read-write token', envName: 'BLOB_READ_WRITE_TOKEN', re: /\bvercel_blob_rw_[A-Za-z0-9]{16}_[A-Za-z0-9]{30}\b/, accept: afterPrefix(/^vercel_blob_rw_/) },
  { id: 'fly', label: 'a Fly.io token', envName: 'FLY_API_TOKEN', re: /\bfo1_[A-Za-z0-9_-]{43}\b/, accept: afterPrefix(/^fo1_/) },
  { id: 'render', label: 'a Render API key', envName: 'RENDER_API_KEY', re: /\brnd_[A-Za-z0-9]{32}\b/, accept: afterPrefix(/^rnd_/) },
  { id: 'trigger-secret', label: 'a Trigger.dev secret key', envName: 'TRIGGER_SECRET_KEY', re: /\btr_(?:prod|stg|dev|preview)_[A-Za-z0-9]{20,}\b/, accept: afterPrefix(/^tr_[a-z]+_/) },
  { id: 'azure-storage', label: 'an Azure storage account key', envName: 'AZURE_STORAGE_CONNECTION_STRING', re: /\bAccountKey=[A-Za-z0-9+/]{80,}={0,2}/, accept: afterPrefix(/^AccountKey=/) },
  { id: 'age', label: 'an age secret key', envName: 'AGE_SECRET_KEY', re: /\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b/ },
];

/**
 * Cheap pre-test: only a string that contains one of these can hold a token format. Keep in sync with the
 * prefixes above (a test checks that every format's examples match it).
 */
export const TOKEN_HINT =
  /gh[pousr]_|github_pat_|glpat-|xox[abposre]-|xapp-|hooks\.slack\.com|discord(?:app)?\.com\/api\/webhooks|[sr]k_live_|whsec_|npm_|-----BEGIN|SG\.|sk-|gsk_|xai-|r8_|pplx-|hf_|key-|re_|:AA|[MN][A-Za-z\d]{23,25}\.|shp(?:at|ca|pa|ss)_|lin_api_|dp\.|do[por]_v1_|dapi|pypi-|PMAK-|pul-|atlasv1|pscale_|glsa_|sntry|sk\.eyJ|sb_secret_|eyJ|vercel_blob_rw_|fo1_|rnd_|tr_|AccountKey=|AGE-SECRET-KEY-/;

export interface TokenMatch {
  readonly format: TokenFormat;
  /** offset of the token in the value */
  readonly index: number;
  readonly text: string;
}

/** The first vendor token in a value, if any. */
export function findToken(value: string): TokenMatch | undefined {
  if (value.length < 20 || !TOKEN_HINT.test(value)) return undefined;
  for (const format of TOKEN_FORMATS) {
    const m = format.re.exec(value);
    if (!m) continue;
    if (format.accept && !format.accept(m[0], value, m.index)) continue;
    return { format, index: m.index, text: m[0] };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Public identifiers: look like keys, are public by design

/**
 * Values that are public by design whatever they are called: Stripe/Clerk publishable keys and object ids,
 * PostHog project keys, Google Analytics ids, CSP/SRI hashes, PEM public keys and certificates, SSH public keys,
 * Mapbox public tokens, Supabase publishable keys.
 */
export function isPublicValue(value: string): boolean {
  const v = value.trim();
  if (/^(pk_(live|test)_|price_|prod_|plan_|acct_|cus_|sub_|phc_|pk\.eyJ|sb_publishable_|pk-lf-|G-[A-Z0-9]{6,}$|UA-\d|GTM-|ca-pub-)/.test(v)) return true;
  if (/^'?(sha(256|384|512)-[A-Za-z0-9+/=]+|nonce-)/.test(v)) return true;
  if (/^0x[a-fA-F0-9]{40}$/.test(v)) return true; // an Ethereum address
  if (/-----BEGIN (RSA |EC |PGP )?(PUBLIC KEY|CERTIFICATE)( BLOCK)?-----/.test(v) && !/PRIVATE KEY/.test(v)) return true;
  if (/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-\S+) AAAA/.test(v)) return true;
  return false;
}

/** A Sentry DSN (`https://<public key>@o1.ingest.sentry.io/1`): public, sent by every browser. */
export function isSentryDsn(value: string): boolean {
  return /^https?:\/\/[a-f0-9]{32}(:[a-f0-9]{32})?@[\w.-]*(sentry\.io|ingest\.[\w.-]+|sentry\.[\w.-]+)\//.test(value.trim());
}

// ---------------------------------------------------------------------------------------------------------
// References, placeholders

/**
 * A value that refers to something else rather than being the secret: `${VAR}`, `$VAR`, `${{ secrets.X }}`,
 * `{{ .Values.x }}`, `%(x)s`, `#{x}`, `<%= x %>`, `$(cat …)`, `file://…`, `/run/secrets/…`, `vault:…`, `op://…`,
 * `arn:aws:secretsmanager:…`, `projects/…/secrets/…`.
 */
export function isReference(value: string): boolean {
  const v = value.trim();
  if (/\$\{|\$\(|\{\{|\{%|%\(|#\{|<%/.test(v)) return true;
  if (/^\$[A-Za-z_]/.test(v)) return true;
  if (/^(file|vault|op|awssm|azurekv|gcpsm|doppler|infisical|sops|secret|env|ref|k8s|sm):\/?\/?/i.test(v)) return true;
  if (/^(arn:aws:(secretsmanager|ssm|kms):|projects\/[^/]+\/secrets\/)/.test(v)) return true;
  if (/^(\/|\.{1,2}\/|~\/)[\w./-]*$/.test(v)) return true; // a path
  return false;
}

/** Words and shapes that mark a value as a placeholder to be filled in. */
const PLACEHOLDER_RE = new RegExp(
  [
    '^<[^<>]*>$', // <token>
    '<[A-Za-z][\\w .-]*>', // Bearer <token>
    '^\\[[^\\]]*\\]$', // [your key]
    'x{4,}|X{4,}',
    '\\*{3,}',
    '\\.{3}|…',
    '(^|[^a-z])your[-_ ]?',
    'change[-_ ]?(me|it|this)',
    'replace[-_ ]?(me|this|with|it)',
    '(^|[^a-z])(insert|enter|put|paste|add)[-_ ]?(your|the|a|here)',
    'fill[-_ ]?(me|in|this)',
    'to[-_ ]?be[-_ ]?(set|filled|replaced|changed)',
    '(^|[^a-z])(tbd|todo|fixme|placeholder|redacted|n/a)([^a-z]|$)',
    'example|sample|dummy|(^|[^a-z])(fake|test|testing|e2e|mock)([^a-z]|$)|not[-_ ]?(a[-_ ]?)?real',
    '(secret|key|token|password)[-_ ]?(goes[-_ ]?)?here',
  ].join('|'),
  'i',
);

/** Values that mean "not set" rather than a secret. */
const NOT_SET = /^(none|null|nil|undefined|empty|unset|disabled|invalid|false|true|off|no|0|-)$/i;

/** A value that means "not set" or "off" (`none`, `disabled`, `false`…): not a credential. */
export function isNotSet(value: string): boolean {
  return NOT_SET.test(value.trim());
}

/** Placeholders written as constants: `INSERT_ETCD_TOKEN`, `REPLACE_WITH_KEY`, `GOOGLE_API_KEY_VAL`, `API_KEY_HERE`. */
const CONSTANT_PLACEHOLDER = /^(INSERT|REPLACE|CHANGE|ENTER|SET|PUT|ADD|FILL|YOUR|MY|PLACEHOLDER|TODO|TBD|UPDATE|PROVIDE)_[A-Z0-9_]+$|^[A-Z][A-Z0-9_]*_(VAL|VALUE|HERE|PLACEHOLDER|CHANGEME|TODO|TBD)$/;

/** Documented sample credentials (AWS docs). */
const SAMPLE_VALUES = /AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI\/K7MDENG\/bPxRfiCYEXAMPLEKEY/;

/** `xxx`, `<token>`, `your-api-key`, `changeme`, `replace-me`, `TODO`, `example`, `***`, `...`. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (!v) return true;
  return NOT_SET.test(v) || PLACEHOLDER_RE.test(v) || CONSTANT_PLACEHOLDER.test(v) || SAMPLE_VALUES.test(v);
}

/**
 * An unfilled placeholder of a credential in config: `YOUR_PAGERDUTY_KEY`, `<strong-random-password>`,
 * `your-api-key-here`, `replace-me`, `xxxxxxxx`, a Slack webhook URL with `YOUR`/`XXX` in it. Narrower than
 * `isPlaceholder`: the empty value, `none`/`false` and the like are "not set", not placeholders.
 */
export function isUnfilledPlaceholder(value: string): boolean {
  const v = value.trim();
  if (!v || NOT_SET.test(v)) return false;
  // a Slack webhook URL whose ids are not filled in: `/services/YOUR/SLACK/WEBHOOK`, `/services/T000/B000/XXXX`, `/services/...`
  if (/hooks\.slack\.com\/services\//.test(v)) return !findToken(v) && /\/services\/(.*(YOUR|XXX|xxx|\.\.\.|<|T0{4,})|[^/]*$)/.test(v);
  return PLACEHOLDER_RE.test(v) || CONSTANT_PLACEHOLDER.test(v);
}

// ---------------------------------------------------------------------------------------------------------
// Entropy and guessability

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (!value) return 0;
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  const n = value.length;
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

const SEQUENCES = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', '9876543210', 'zyxwvutsrqponmlkjihgfedcba'];

/**
 * Why a value is easy to guess, or undefined: one character repeated, a run of a keyboard or alphabet
 * sequence, a short pattern repeated, very few distinct characters, or only dictionary words.
 */
export function lowEntropyReason(value: string): string | undefined {
  const v = value;
  if (v.length < 4) return undefined;
  if (/^(.)\1+$/.test(v)) return 'one character repeated';
  // a pattern of up to 8 characters repeated to fill the value
  const rep = /^(.{1,8}?)\1+(.{0,8})$/.exec(v);
  if (rep && rep[1].length * 2 <= v.length && rep[1].startsWith(rep[2])) return 'a short pattern repeated';
  const lower = v.toLowerCase();
  // most of the value is one sequence (0123456789abcdef…, abcdefgh…, qwerty…)
  let seq = 0;
  for (const s of SEQUENCES) {
    let best = 0;
    let run = 0;
    for (let i = 1; i < lower.length; i++) {
      const a = s.indexOf(lower[i - 1]);
      const b = s.indexOf(lower[i]);
      // hex counting 0…9a…f continues the sequence across the digits/letters seam
      if ((a >= 0 && b === a + 1) || (lower[i - 1] === '9' && lower[i] === 'a')) run++;
      else run = 0;
      best = Math.max(best, run + 1);
    }
    seq = Math.max(seq, best);
  }
  if (seq >= 6 && seq * 2 >= v.length) return 'a sequence of characters';
  if (sequenceCoverage(lower) >= 0.8 && v.length >= 8) return 'a sequence of characters';
  const distinct = new Set(v).size;
  if (v.length >= 16 && distinct <= 5) return `only ${distinct} distinct characters`;
  if (madeOfWords(lower)) return 'made of dictionary words';
  return undefined;
}

/** How much of the value is covered by ascending runs of length ≥ 4 (`0123456789abcdef0123…`). */
function sequenceCoverage(lower: string): number {
  let covered = 0;
  let run = 1;
  const step = (a: string, b: string): boolean => b.charCodeAt(0) === a.charCodeAt(0) + 1 || (a === '9' && b === 'a');
  for (let i = 1; i <= lower.length; i++) {
    if (i < lower.length && step(lower[i - 1], lower[i])) run++;
    else {
      if (run >= 4) covered += run;
      run = 1;
    }
  }
  return covered / lower.length;
}

/** A small dictionary of what people write when they make a secret up. */
const WORDS = new Set(
  (
    'my your our the this that is a an very so super ultra mega top long longer strong stronger secure insecure unsafe safe ' +
    'secret secrets password passwords passwd pass pw pwd passphrase key keys token tokens jwt session cookie auth ' +
    'signing sign encryption encrypt crypt private public master admin administrator root user username guest default ' +
    'dev develop development local localhost prod production staging stage test testing demo example sample changeme change ' +
    'me it here value string random some not real fake dummy please replace do never share keep hidden hide ' +
    'app application api service server client web site db database data postgres postgresql mysql mongo mongodb redis ' +
    'minio rabbit rabbitmq elastic grafana keycloak clickhouse next nextauth auth0 salt hash pepper with at least chars ' +
    'characters char bytes bit bits and of for to in on be must should generate generated used use only more than ' +
    'qwerty letmein welcome hello world foo bar baz qux abc xyz lorem ipsum open sesame love god monkey dragon ' +
    'shadow sunshine princess football baseball iloveyou trustno batman superman access login logon enter ' +
    'new old temp tmp default defaults one two three four five six seven eight nine ten hunter ' +
    'docker compose kube cluster local dev staging prod project company acme cat keyboard horse battery staple correct'
  ).split(' '),
);

/** Runs that add no entropy: ascending digits or letters, the shifted digit row, one character repeated. */
const FILLER_RUNS = /0?123(?:4(?:5(?:6(?:7(?:8(?:90?)?)?)?)?)?)?|abc(?:d(?:e(?:f(?:gh?)?)?)?)?|[!@#$%^&*()]{3,}|(.)\1{2,}/g;

/**
 * Is the value made of dictionary words (at least three quarters of its letters), once filler runs
 * (`1234567890`, `!@#$%^&*()`, `aaa`) and separators are set aside? `mysecretpassword`, `dev_password_123`,
 * `wger-docker-supersecret-key-1234567890!@#$%^&*(-_)`.
 */
function madeOfWords(lower: string, extra?: ReadonlySet<string>): boolean {
  const rest = lower.replace(FILLER_RUNS, ' ');
  const letters = rest.replace(/[^a-z]/g, '');
  if (letters.length < 4) return false;
  if (rest.replace(/[a-z]/g, '').replace(/[-_.!@#$ +=/:]/g, '').length > 6) return false;
  let covered = 0;
  for (const run of rest.split(/[^a-z]+/).filter(Boolean)) covered += coverage(run, extra);
  // short values must be words through and through; long ones may hold a project name the dictionary lacks
  return letters.length <= 10 ? covered === letters.length : covered / letters.length >= 0.75;
}

/** The most letters of a run that dictionary words of two letters or more cover (dynamic programming). */
function coverage(run: string, extra?: ReadonlySet<string>): number {
  if (run.length > 96) return 0;
  const best: number[] = new Array(run.length + 1).fill(0);
  for (let i = 1; i <= run.length; i++) {
    best[i] = best[i - 1];
    for (let j = Math.max(0, i - 14); j <= i - 2; j++) {
      const w = run.slice(j, i);
      if (WORDS.has(w) || extra?.has(w)) best[i] = Math.max(best[i], best[j] + (i - j));
    }
  }
  return best[run.length];
}

/**
 * Looks like an identifier or a label rather than a secret: `userPassword`, `api-key`, `SECRET_NAME`,
 * `x-trigger-worker-managed-secret`, `--color-customDashboards`, `credentials.serviceAccount`: words (lower,
 * Capitalised, camelCase or UPPER, each optionally followed by digits) joined by `-_.:/`.
 */
export function looksLikeIdentifier(value: string): boolean {
  const parts = value.replace(/^[-_.]+/, '').split(/[-_.:/,;]+/).filter(Boolean);
  if (!parts.length) return false;
  const word = /^(?:[A-Za-z][a-z]+(?:[A-Z][a-z]+)*|[A-Z]{2,}|[a-z]{2,}|[A-Za-z])\d{0,4}$/;
  if (!parts.every((p) => word.test(p))) return false;
  // one part: camelCase / PascalCase words only (a lone lowercase or capitalised run may be a password)
  return parts.length > 1 || /^[a-z]{2,}(?:[A-Z][a-z]+)+\d*$|^(?:[A-Z][a-z]+){2,}\d*$/.test(parts[0]);
}

/**
 * Does a value look like a generated secret (used only together with a secret-like name or a secret-taking
 * call)? At least 16 characters, no blanks, not an identifier, a URL, an email or a date, high entropy,
 * and not a sequence, a repetition or dictionary words.
 */
export function looksRandom(value: string, minLength = 16): boolean {
  const v = value;
  if (v.length < minLength || v.length > 4096 || /\s/.test(v)) return false;
  if (isPlaceholder(v) || isReference(v) || isPublicValue(v) || looksLikeIdentifier(v)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(v)) return false;
  if (/^\d{4}-\d{2}-\d{2}/.test(v) || /^[\d.,:\s-]+$/.test(v)) return false;
  if (lowEntropyReason(v)) return false;
  const h = shannonEntropy(v);
  if (/^[a-f0-9]+$/i.test(v)) return v.length >= 20 && h >= 3.0 && /[a-f]/i.test(v) && /\d/.test(v);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(v)).length;
  return classes >= 2 && h >= 3.5;
}

// ---------------------------------------------------------------------------------------------------------
// Default and guessable passwords

/** Vendor defaults by image: the password a fresh container or its documentation uses. */
const VENDOR_DEFAULTS: readonly { image: RegExp; vendor: string; passwords: readonly string[] }[] = [
  { image: /(^|\/)(postgres|postgis|timescaledb|pgvector|supabase\/postgres)/, vendor: 'PostgreSQL', passwords: ['postgres', 'mysecretpassword', 'example'] },
  { image: /(^|\/)(mysql|mariadb|percona)/, vendor: 'MySQL', passwords: ['root', 'my-secret-pw', 'example', 'mysql'] },
  { image: /(^|\/)mongo/, vendor: 'MongoDB', passwords: ['example', 'mongo', 'root'] },
  { image: /(^|\/)rabbitmq/, vendor: 'RabbitMQ', passwords: ['guest'] },
  { image: /(^|\/)(minio|bitnami\/minio)/, vendor: 'MinIO', passwords: ['minioadmin', 'minio123'] },
  { image: /(^|\/)grafana/, vendor: 'Grafana', passwords: ['admin'] },
  { image: /(^|\/)(elasticsearch|kibana|elastic)/, vendor: 'Elasticsearch', passwords: ['changeme', 'elastic'] },
  { image: /(^|\/)keycloak/, vendor: 'Keycloak', passwords: ['admin'] },
  { image: /(^|\/)pgadmin/, vendor: 'pgAdmin', passwords: ['admin', 'root'] },
  { image: /(^|\/)neo4j/, vendor: 'Neo4j', passwords: ['neo4j', 'password'] },
  { image: /(^|\/)(mssql|sql-server|azure-sql-edge)/, vendor: 'SQL Server', passwords: ['yourStrong(!)Password', 'YourStrong@Passw0rd', 'YourStrong!Passw0rd', 'Passw0rd'] },
  { image: /(^|\/)couchdb/, vendor: 'CouchDB', passwords: ['admin', 'password'] },
  { image: /(^|\/)clickhouse/, vendor: 'ClickHouse', passwords: ['default', 'clickhouse', 'password'] },
  { image: /(^|\/)influxdb/, vendor: 'InfluxDB', passwords: ['admin', 'adminpassword', 'password'] },
  { image: /(^|\/)airflow/, vendor: 'Airflow', passwords: ['airflow'] },
  { image: /(^|\/)(redis|valkey|keydb)/, vendor: 'Redis', passwords: ['redis', 'password'] },
];

/** Passwords every scanner tries first. */
const COMMON_PASSWORDS = new Set(
  (
    'password passw0rd p@ssw0rd p@ssword pass pass123 pass1234 password1 password123 password! secret secret123 secrets ' +
    'supersecret mysecret topsecret s3cr3t changeme change_me change-me changeit admin admin123 admin1234 administrator ' +
    'root root123 toor guest test test123 testing demo example default qwerty qwerty123 letmein welcome 123456 1234567 ' +
    '12345678 123456789 1234567890 1234 12345 0000 00000000 111111 abc123 iloveyou mypassword mysecretpassword ' +
    'postgres postgrespassword postgres123 mysql mysql123 mongo mongodb mongo123 redis redis123 rabbitmq minioadmin ' +
    'minio minio123 elastic kibana grafana keycloak user user123 temp temp123 trustno1 dragon monkey master ' +
    'my-secret-pw yourstrong(!)password yourstrong@passw0rd yourstrong!passw0rd'
  )
    .split(' ')
    .concat(['keyboard cat']),
);

export interface Guess {
  /** how the message says it: "PostgreSQL's default password", "a common password", "the same as the user" */
  readonly reason: string;
}

export interface GuessContext {
  /** the user name configured next to the password */
  readonly user?: string;
  /** the service's image (compose) or container image (k8s) */
  readonly image?: string;
  /** the service or container name */
  readonly service?: string;
  /** other settings next to it that a guesser knows: `{ key: 'MARIADB_USER', value: 'hedgedoc' }` */
  readonly names?: readonly { readonly key: string; readonly value: string }[];
}

/**
 * Is a password (or secret) guessable: a vendor default for the image, a common password, equal to the user,
 * the service or the image name, shorter than 8 characters, or low in entropy?
 */
export function guessable(value: string, ctx: GuessContext = {}): Guess | undefined {
  const v = value.trim();
  if (!v) return undefined;
  const lower = v.toLowerCase();
  const image = ctx.image?.toLowerCase().replace(/^docker\.io\//, '').replace(/[:@].*$/, '');
  if (image) {
    for (const d of VENDOR_DEFAULTS) {
      if (d.image.test(image) && d.passwords.some((p) => p.toLowerCase() === lower)) return { reason: `${d.vendor}'s default password` };
    }
  }
  if (ctx.user && lower === ctx.user.trim().toLowerCase()) return { reason: 'the same as the user name' };
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(lower.replace(/[!.]+$/, ''))) return { reason: 'a well-known default password' };
  if (ctx.service && lower === ctx.service.toLowerCase()) return { reason: 'the same as the service name' };
  const imageName = image?.split('/').pop();
  if (imageName && lower === imageName) return { reason: 'the same as the image name' };
  const same = ctx.names?.find((n) => n.value.trim() && n.value.trim().toLowerCase() === lower);
  if (same) return { reason: `the same as ${same.key}` };
  if (v.length < 8) return { reason: `only ${v.length} characters long` };
  const low = lowEntropyReason(v);
  if (low) return { reason: low };
  // words a guesser knows from the file itself: `devrustfs123` next to image rustfs, `hedgedoc-db` next to user hedgedoc
  const extra = new Set<string>();
  for (const w of [ctx.user, ctx.service, imageName, ...(ctx.names ?? []).map((n) => n.value)]) {
    for (const part of (w ?? '').toLowerCase().split(/[^a-z]+/)) if (part.length >= 3) extra.add(part);
  }
  if (extra.size && madeOfWords(lower, extra)) return { reason: 'made of the service\'s names and common words' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Connection strings

export interface UrlCredentials {
  readonly scheme: string;
  readonly user: string;
  readonly password: string;
  readonly host: string;
  /** offsets of the password in the value */
  readonly passwordStart: number;
  readonly passwordEnd: number;
}

/** `postgres://user:pass@host/db`, `redis://:pass@host`, `amqp://guest:guest@rabbitmq`: the credentials in a URL. */
export function urlCredentials(value: string): UrlCredentials | undefined {
  const m = /^(\s*)([a-z][a-z0-9+.-]*):\/\/([^/@\s:?#]*):([^/@\s?#]*)@([^/?#\s:]*)/i.exec(value);
  if (!m) return undefined;
  const passwordStart = m[1].length + m[2].length + 3 + m[3].length + 1;
  return { scheme: m[2].toLowerCase(), user: safeDecode(m[3]), password: safeDecode(m[4]), host: m[5], passwordStart, passwordEnd: passwordStart + m[4].length };
}

/** The password of a URL in a value that is a URL as a whole, when it is a literal (not `${X}` or `<pass>`). */
export function literalUrlPassword(value: string): UrlCredentials | undefined {
  const c = urlCredentials(value);
  if (!c || !c.password || isReference(c.password) || /^\$/.test(c.password)) return undefined;
  return c;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Placeholder user/password pairs of documentation (`user:password@`, `username:pass@`). */
export function isPlaceholderPair(user: string, password: string): boolean {
  return /^(user|username|usr|login|myuser|db_?user|your_?user(name)?|name)$/i.test(user) && /^(pass|password|pwd|passwd|secret|mypassword|your_?password|pw)$/i.test(password);
}

// ---------------------------------------------------------------------------------------------------------
// Names

/** `jwtSecret` → JWT_SECRET, `this.apiKey` → API_KEY, `stripe-key` → STRIPE_KEY. */
export function envNameFor(name: string): string {
  return nameWords(name).join('_').toUpperCase();
}

/** Names too generic to become a variable name on their own: the vendor's conventional name is better. */
export function isGenericSecretName(envName: string): boolean {
  return /^(API_?KEY|KEY|TOKEN|SECRET|SECRET_KEY|ACCESS_TOKEN|AUTH_TOKEN|AUTH|PASSWORD|BEARER|APIKEY|PRIVATE_KEY|CLIENT_SECRET|WEBHOOK_URL|URL)$/.test(envName);
}

// ---------------------------------------------------------------------------------------------------------
// base64

/** Decode base64 (or base64url) text to a string; undefined when it is not valid base64 or not text. */
export function decodeBase64(s: string | undefined, url = false): string | undefined {
  if (!s) return undefined;
  const t = s.replace(/\s+/g, '');
  if (!(url ? /^[A-Za-z0-9_-]+={0,2}$/ : /^[A-Za-z0-9+/]+={0,2}$/).test(t)) return undefined;
  try {
    const out = Buffer.from(url ? t.replace(/-/g, '+').replace(/_/g, '/') : t, 'base64').toString('utf8');
    // binary keys decode to replacement characters: keep them as not-text
    return /\uFFFD/.test(out) ? undefined : out;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Config keys

/**
 * A config key (env variable, Secret/ConfigMap key, action input) that holds a secret: `isSecretName`, plus
 * the glued forms images read (`PGPASSWORD`, `DBPASSWORD`, `ADMINPASS`) and dotted/kebab keys
 * (`node.session.auth.password`, `postgres-password`).
 */
export function isSecretKey(key: string, isSecretName: (name: string) => boolean): boolean {
  // S3-compatible stores call the user an access key (`MINIO_ACCESS_KEY`); the secret key is the password
  const words = nameWords(key);
  // settings about a secret: `PASSWORD_SCHEME`, `PASSWORD_HASHING`, `SECRET_ROTATION_DAYS`
  if (words.length > 1 && KEY_METADATA.test(words[words.length - 1])) return false;
  if (words[words.length - 2] === 'access' && /^keys?$/.test(words[words.length - 1]) && !words.includes('secret')) return false;
  if (isSecretName(key)) return true;
  // `_APP_OPENSSL_KEY_V1`: a version suffix; `TRACKING_SECRET`: "secret" as the last word outweighs "tracking"
  const unversioned = key.replace(/[_-]v?\d+$/i, '');
  if (unversioned !== key && isSecretName(unversioned)) return true;
  if (/(^|_)(OPENSSL|CIPHER|CRYPTO|CRYPT|AES|HMAC)_KEY$/i.test(unversioned)) return true;
  if (/^(secret|secrets|password|passwd|pwd|passphrase)$/.test(words[words.length - 1] ?? '') && !words.some((w) => /^(public|publishable|anon|site)$/.test(w)) && !isPublicEnvName(key)) return true;
  const last = key.split(/[.\/]/).pop() ?? key;
  if (last !== key && isSecretName(last)) return true;
  return /^[A-Za-z0-9]*(password|passwd)$/i.test(last) || /^(PGPASS|MYSQL_PWD)$/.test(key);
}

/** Last words that make a secret-sounding config key a setting about the secret. */
const KEY_METADATA = /^(scheme|schemes|hashing|hasher|hash|strength|complexity|rules|encoding|charset|method|backend|storage|generator|rotation|version|provider|store|source|mode|enabled|disabled|required|length|ttl|expiry|path|file|dir|url|uri|host|port|name|user|username|id)$/;

/** Words that name a password in a key, and what the matching user key is called. */
const USER_KEYS = ['USER', 'USERNAME', 'USR', 'LOGIN', 'ADMIN', 'EMAIL', 'ADMIN_USER', 'ACCESS_KEY', 'ACCESS_KEY_ID', 'KEY', 'KEY_ID', 'ID', 'CLIENT_ID'];

/** Settings a guesser reads next to a password: users, database and service names. */
export function guessNames(entries: Iterable<readonly [string, string | undefined]>): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const [key, value] of entries) {
    if (value && value.length <= 64 && /(USER|USERNAME|LOGIN|DATABASE|DB|DB_NAME|DBNAME|NAME|ACCESS_KEY|ADMIN|EMAIL)$/i.test(key) && !/\$\{|:\/\//.test(value)) out.push({ key, value });
  }
  return out;
}

/**
 * The user configured next to a password key: `POSTGRES_PASSWORD` ↔ `POSTGRES_USER` (the image's `postgres`
 * when unset), `MYSQL_ROOT_PASSWORD` → root, `RABBITMQ_DEFAULT_PASS` ↔ `RABBITMQ_DEFAULT_USER`,
 * `MINIO_SECRET_KEY` ↔ `MINIO_ACCESS_KEY`, `KEYCLOAK_ADMIN_PASSWORD` ↔ `KEYCLOAK_ADMIN`.
 */
export function userFor(key: string, get: (key: string) => string | undefined): string | undefined {
  const k = key.toUpperCase();
  if (/(^|_)ROOT_PASSWORD$/.test(k) && !get(k.replace(/PASSWORD$/, 'USERNAME')) && !get(k.replace(/PASSWORD$/, 'USER'))) return 'root';
  const m = /^(.*?)(PASSWORD|PASSWD|PASS|PWD|SECRET_ACCESS_KEY|SECRET_KEY|SECRET)$/.exec(k);
  if (!m) return undefined;
  const prefix = m[1];
  for (const u of USER_KEYS) {
    const v = get(prefix + u) ?? (prefix.endsWith('_') ? get(prefix.slice(0, -1)) : undefined);
    if (v !== undefined && v !== '') return v;
  }
  if (k === 'POSTGRES_PASSWORD') return 'postgres';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes Secret manifests

export interface SecretEntry {
  readonly key: string;
  /** decoded for `data:` (undefined when it is binary) */
  readonly value: string | undefined;
  readonly raw: string;
  readonly range: readonly [number, number];
}

/** The entries of a Secret's `data:` (base64-decoded) and `stringData:`, with the key-to-value range. */
export function secretEntries(obj: K8sObject): SecretEntry[] {
  const out: SecretEntry[] = [];
  for (const [field, b64] of [['data', true], ['stringData', false]] as const) {
    const m = mapGet(obj.root, field, obj.doc);
    if (!isMap(m)) continue;
    for (const p of m.items) {
      if (!isScalar(p.key) || !p.key.range) continue;
      const raw = scalarString(resolveNode(p.value, obj.doc));
      if (raw === undefined) continue;
      const v = resolveNode(p.value, obj.doc);
      const end = isScalar(v) && v.range ? v.range[1] : p.key.range[1];
      out.push({ key: String(p.key.value), value: b64 ? decodeBase64(raw) : raw, raw, range: [p.key.range[0], end] });
    }
  }
  return out;
}

