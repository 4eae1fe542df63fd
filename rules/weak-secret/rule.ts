import { defineRule } from '../../server/src/engine/api';
import { isSecretName, nameWords } from '../_lib/secretNames';
import {
  decodeBase64,
  findToken,
  guessable,
  guessNames,
  isNotSet,
  isPlaceholder,
  isPublicValue,
  isReference,
  isSecretKey,
  isSentryDsn,
  isUnfilledPlaceholder,
  looksRandom,
  lowEntropyReason,
  userFor,
} from '../_lib/secretValues';

/**
 * Secrets a team generates itself (`openssl rand -hex 32`): signing, session, cookie and encryption keys, salts,
 * app secrets and the passwords of its own databases. They have no excuse to be short. Keys issued by a vendor
 * (`PUSHER_APP_SECRET`, `VERCEL_TOKEN`, `GITHUB_CLIENT_SECRET`) have the vendor's length: only placeholders and
 * guessable values count for them.
 */
const SELF_WORDS = /^(jwt|session|sessions|cookie|cookies|nextauth|encryption|encrypt|signing|hmac|salt|pepper|passphrase|master|csrf|cipher|aes|crypto)$/;
const SELF_FIRST = /^(app|secret|auth|db|database|postgres|postgresql|pg|mysql|mariadb|mongo|mongodb|redis|valkey|rabbitmq|amqp|admin|root|django|rails|flask|laravel|symfony|internal|cron|webhook|magic|server|backend|cookie|session)$/;
const ISSUED_WORDS = /^(client|access|account|license|sdk|consumer|oauth|bot|integration|api|publishable)$/;

/** `defaults.env`, `service.defaults.env`: defaults to be overridden, like a template. */
const DEFAULTS_FILE = /(^|\/|\.)defaults?\.env$/i;

function selfGenerated(key: string): boolean {
  const words = nameWords(key).filter((w) => !/^(prod|production|staging|stage|live|prd|stg)$/.test(w));
  if (!words.length) return false;
  if (words.some((w) => ISSUED_WORDS.test(w))) return false;
  return words.some((w) => SELF_WORDS.test(w)) || SELF_FIRST.test(words[0]) || (words.length === 1 && /^(secret|password|pass|pwd|salt)$/.test(words[0]));
}

/** A key of at least 32 bytes: 64 hex characters, or base64 of 32 bytes or more. */
function is32ByteKey(value: string): boolean {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return true;
  if (!/^[A-Za-z0-9+/_-]{43,}={0,2}$/.test(value)) return false;
  const b = value.replace(/-/g, '+').replace(/_/g, '/');
  try {
    return Buffer.from(b, 'base64').length >= 32 && decodeBase64(b) === undefined; // binary, not text
  } catch {
    return false;
  }
}

export default defineRule({
  id: 'weak-secret',
  title: 'Weak secret in a dotenv file',
  summary: 'A secret in a deployed dotenv file is short, a placeholder or easy to guess.',
  severity: 'warning',
  kinds: ['dotenv'],
  scope: 'file',
  checklist: '000/002 (32+ chars), 003 §1.4',
  fixable: false,
  hasSuggestions: false,
  messages: {
    placeholder: '{{name}} is set to the placeholder "{{value}}".',
    commonValue: '{{name}} is set to "{{value}}", {{reason}}.',
    short: '{{name}} is only {{length}} characters long.',
    lowEntropy: '{{name}} is easy to guess: {{reason}}.',
    encryptionKey: '{{name}} is not a 32-byte key (64 hex characters).',
  },
  options: {
    minLength: {
      type: 'number',
      default: 32,
      minimum: 1,
      description: 'The shortest acceptable length of a secret the team generates itself (signing, session and encryption keys, salts, app secrets, database passwords).',
    },
    encryptionKeyNames: {
      type: 'string[]',
      default: ['ENCRYPTION_KEY'],
      description: 'Variables that must hold a 32-byte key written as 64 hex characters (or base64 of 32 bytes); [] turns the check off.',
    },
    extraSecretNames: {
      type: 'string[]',
      default: [],
      description: 'Regular expressions (case-insensitive) for more names that hold secrets, e.g. "^LEDGER_SEAL$".',
    },
  },
  check(ctx) {
    // `.env.local`, `.env.development`, `.devcontainer/.env`: local-only, never deployed (see README)
    if (ctx.file.roles.dev || DEFAULTS_FILE.test(ctx.file.path)) return;
    const minLength = typeof ctx.options.minLength === 'number' ? ctx.options.minLength : 32;
    const encryptionKeys = new Set((ctx.options.encryptionKeyNames as readonly string[] | undefined) ?? ['ENCRYPTION_KEY']);
    const extra = (ctx.options.extraSecretNames as readonly string[] | undefined) ?? [];
    const secretName = (n: string): boolean => isSecretName(n, { extraPatterns: extra });
    const entries = ctx.dotenv.entries;
    const byKey = new Map(entries.map((e) => [e.key.toUpperCase(), e.value]));
    const names = guessNames(byKey);
    for (const e of entries) {
      const v = e.value.trim();
      // empty means unset; references, URLs (default-credentials reads those), public keys and vendor tokens are not weak secrets
      if (!v || isNotSet(v) || isReference(v) || v.includes('://') || isPublicValue(v) || isSentryDsn(v) || findToken(v)) continue;
      if (!isSecretKey(e.key, secretName)) continue;
      const range: [number, number] = [e.keyStart, e.valueEnd];
      const guess = guessable(v, { user: userFor(e.key, (k) => byKey.get(k)), names: names.filter((n) => n.key !== e.key.toUpperCase()) });
      if (guess && /default password|the same as/.test(guess.reason)) {
        ctx.report({ range, messageId: 'commonValue', data: { name: e.key, value: v, reason: guess.reason } });
        continue;
      }
      if (isUnfilledPlaceholder(v) || isPlaceholder(v)) {
        ctx.report({ range, messageId: 'placeholder', data: { name: e.key, value: v.length > 40 ? `${v.slice(0, 37)}…` : v } });
        continue;
      }
      if (encryptionKeys.has(e.key)) {
        const low = lowEntropyReason(v);
        if (low) ctx.report({ range, messageId: 'lowEntropy', data: { name: e.key, reason: low } });
        else if (!is32ByteKey(v)) ctx.report({ range, messageId: 'encryptionKey', data: { name: e.key } });
        continue;
      }
      const low = lowEntropyReason(v);
      if (low) {
        ctx.report({ range, messageId: 'lowEntropy', data: { name: e.key, reason: low } });
        continue;
      }
      if (v.length < minLength) {
        // a vendor-issued key has the vendor's length; a random one of 16+ characters is what they issue
        if (!selfGenerated(e.key) && (looksRandom(v, 16) || v.length >= 16)) continue;
        ctx.report({ range, messageId: 'short', data: { name: e.key, length: v.length } });
        continue;
      }
      if (guess) ctx.report({ range, messageId: 'lowEntropy', data: { name: e.key, reason: guess.reason } });
    }
  },
});
