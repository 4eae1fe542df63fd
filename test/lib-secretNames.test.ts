import { describe, expect, it } from 'vitest';
import { embedsCredentials, isSecretName, nameWords } from '../rules/_lib/secretNames';

describe('isSecretName', () => {
  const secret = [
    'JWT_SECRET', 'NEXTAUTH_SECRET', 'SESSION_SECRET', 'DB_PASSWORD', 'POSTGRES_PASS', 'MYSQL_PWD', 'apiKey', 'API_KEY',
    'STRIPE_SECRET_KEY', 'privateKey', 'PRIVATE_KEY', 'ENCRYPTION_KEY', 'SIGNING_KEY', 'AUTH_TOKEN', 'GITHUB_TOKEN',
    'credentials', 'AWS_CREDENTIALS', 'PASSWORD_SALT', 'refreshToken', 'clientSecret', 'SECRET_KEY_BASE', 'passwordResetToken',
    // the catalog's list (RULES.md fallback-secret): SECRET, TOKEN, PASSWORD/PASS/PWD, API/PRIVATE/ENCRYPTION/SIGNING KEY, CREDENTIAL, SALT
    'APP_SECRET', 'ACCESS_TOKEN', 'SMTP_PASS', 'DB_PWD', 'PRIVATE_API_KEY', 'SIGNING_SECRET', 'GOOGLE_CREDENTIAL', 'HASH_SALT',
    'SENTRY_DSN', 'AZURE_ACCOUNT_KEY', 'LAUNCHDARKLY_SDK_KEY', 'DEPLOY_KEY', 'ENCRYPTION_KEYS', 'oauth2Token', 'E2E_TOKEN',
    'FB_VERIFY_TOKEN', 'VERCEL_AUTOMATION_BYPASS_SECRET',
  ];
  const notSecret = [
    'TOKEN_TTL_SECONDS', 'API_KEY_HEADER', 'PASSWORD_MIN_LENGTH', 'TLS_KEY_PATH', 'JWT_EXPIRES_IN', 'SESSION_COOKIE_NAME',
    'SECRET_MANAGER_REGION', 'NEXT_PUBLIC_API_KEY', 'VITE_FIREBASE_API_KEY', 'publishableKey', 'tokenType', 'passport',
    'RESET_PASSWORD_URL', 'GOOGLE_CLIENT_ID', 'CACHE_KEY', 'PORT', 'DATABASE_URL', 'keyword', 'STRIPE_PUBLISHABLE_KEY',
    'envWithoutSecrets', 'credentialKey', 'hasPassword', 'isTokenValid', 'redactedToken',
    'MAX_TOKENS', 'totalTokens', 'promptTokens', 'nextPageToken', 'continuationToken', 'nextToken',
    // switches, units and identifiers seen in real repositories
    'ALLOW_INSECURE_DEFAULT_SECRETS', 'REALTIME_STREAMS_S2_SKIP_ACCESS_TOKENS', 'REQUIRE_API_KEY', 'useAuthToken',
    'TRIGGER_MOLLIFIER_STALE_SWEEP_MAX_ORGS_PER_PASS', 'WORKLOAD_TOKEN_CUTOFF', 'WORKLOAD_TOKEN_ENFORCEMENT',
    'AWS_ACCESS_KEY_ID', 'PASSWORD_RESET_TOKEN_LIFETIME_MINUTES', 'TRIGGER_BOOTSTRAP_WORKER_TOKEN_PATH', 'NEXT_PUBLIC_TRIGGER_PUBLIC_KEY',
    'REACT_APP_SENTRY_DSN', 'RECAPTCHA_SITE_KEY', 'OIDC_SIGNING_ALGORITHM', 'STORAGE_KEY',
  ];
  for (const n of secret) it(`${n} is a secret`, () => expect(isSecretName(n)).toBe(true));
  for (const n of notSecret) it(`${n} is not a secret`, () => expect(isSecretName(n)).toBe(false));
  it('extra patterns', () => {
    expect(isSecretName('LEDGER_SEAL')).toBe(false);
    expect(isSecretName('LEDGER_SEAL', { extraPatterns: ['^ledger_seal$'] })).toBe(true);
    expect(isSecretName('X', { extraPatterns: ['(unclosed'] })).toBe(false);
  });
  it('splits identifiers into words', () => {
    expect(nameWords('apiKeyHeader')).toEqual(['api', 'key', 'header']);
    expect(nameWords('JWT_SECRET')).toEqual(['jwt', 'secret']);
    expect(nameWords('HTTPServerURL')).toEqual(['http', 'server', 'url']);
    expect(nameWords('E2E_TOKEN')).toEqual(['e2e', 'token']);
    expect(nameWords('oauth2Token')).toEqual(['oauth2', 'token']);
    expect(nameWords('base64Key')).toEqual(['base64', 'key']);
  });
});

describe('embedsCredentials', () => {
  it.each([
    ['postgres://user:pass@localhost:5432/db', true],
    ['redis://:fakepassword@localhost:6379', true],
    ['mongodb+srv://u:p@cluster0.example.net/db', true],
    ['postgres://localhost:5432/db', false],
    ['postgres://user@localhost/db', false],
    ['postgres://user:${DB_PASSWORD}@db/app', false],
    ['https://example.com/a:b@c', false],
    ['amqp://guest:guest@rabbitmq:5672', true],
    ['postgresql://postgres:postgres@localhost:5432/app?schema=public', true],
    ['redis://redis:6379', false],
    ['mysql://root:<password>@db/app', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => expect(embedsCredentials(url)).toBe(expected));
});
