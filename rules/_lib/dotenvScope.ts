/**
 * Which dotenv files describe what production runs with. Local development settings are not: files named for it
 * (`.env.local`, `.env.development`: the engine's `dev` role) and files that say so themselves
 * (`NODE_ENV=development`, `APP_ENV=test`…).
 */
import type { RuleContext } from '../../server/src/engine/api';

const DEV_ENV = /^(dev|development|local|test|testing)$/i;
const ENV_NAME_KEYS = ['NODE_ENV', 'APP_ENV', 'ENVIRONMENT', 'ENV', 'RAILS_ENV', 'RACK_ENV', 'FLASK_ENV', 'DJANGO_ENV'];

export function isLocalDotenv(ctx: RuleContext): boolean {
  if (ctx.file.roles.dev) return true;
  const env = ctx.dotenv;
  return ENV_NAME_KEYS.some((k) => DEV_ENV.test(env.get(k)?.value.trim() ?? ''));
}
