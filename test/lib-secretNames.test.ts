import { describe, expect, it } from 'vitest';
import { embedsCredentials, isSecretName, nameWords } from '../rules/_lib/secretNames';

describe('isSecretName', () => {
  const secret = [
    'JWT_SECRET', 'NEXTAUTH_SECRET', 'SESSION_SECRET', 'DB_PASSWORD', 'POSTGRES_PASS', 'MYSQL_PWD', 'apiKey', 'API_KEY',
    'STRIPE_SECRET_KEY', 'privateKey', 'PRIVATE_KEY', 'ENCRYPTION_KEY', 'SIGNING_KEY', 'AUTH_TOKEN', 'GITHUB_TOKEN',
    'credentials', 'AWS_CREDENTIALS', 'PASSWORD_SALT', 'refreshToken', 'clientSecret', 'SECRET_KEY_BASE', 'passwordResetToken',
  ];
  const notSecret = [
    'TOKEN_TTL_SECONDS', 'API_KEY_HEADER', 'PASSWORD_MIN_LENGTH', 'TLS_KEY_PATH', 'JWT_EXPIRES_IN', 'SESSION_COOKIE_NAME',
    'SECRET_MANAGER_REGION', 'NEXT_PUBLIC_API_KEY', 'VITE_FIREBASE_API_KEY', 'publishableKey', 'tokenType', 'passport',
    'RESET_PASSWORD_URL', 'GOOGLE_CLIENT_ID', 'CACHE_KEY', 'PORT', 'DATABASE_URL', 'keyword', 'STRIPE_PUBLISHABLE_KEY',
    'envWithoutSecrets', 'credentialKey', 'hasPassword', 'isTokenValid', 'redactedToken',
    'MAX_TOKENS', 'totalTokens', 'promptTokens', 'nextPageToken', 'continuationToken', 'nextToken',
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
  ])('%s → %s', (url, expected) => expect(embedsCredentials(url)).toBe(expected));
});
