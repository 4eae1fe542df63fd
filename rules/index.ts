/** Every rule, sorted by id (a test checks the order). */
import type { Rule } from '../server/src/engine/api';
import consoleInProduction from './console-in-production/rule';
import containerRunsAsRoot from './container-runs-as-root/rule';
import csrfDisabled from './csrf-disabled/rule';
import defaultCredentials from './default-credentials/rule';
import deployWithoutApproval from './deploy-without-approval/rule';
import exposedPort from './exposed-port/rule';
import fallbackSecret from './fallback-secret/rule';
import hardcodedLocalhost from './hardcoded-localhost/rule';
import hardcodedSecret from './hardcoded-secret/rule';
import hardcodedUrlInWorkflow from './hardcoded-url-in-workflow/rule';
import idor from './idor/rule';
import loggedSecret from './logged-secret/rule';
import missingHealthcheck from './missing-healthcheck/rule';
import missingRateLimit from './missing-rate-limit/rule';
import missingResourceLimits from './missing-resource-limits/rule';
import missingSecurityHeaders from './missing-security-headers/rule';
import missingTimeout from './missing-timeout/rule';
import noGracefulShutdown from './no-graceful-shutdown/rule';
import nonblockingSecurityCheck from './nonblocking-security-check/rule';
import openCors from './open-cors/rule';
import redisInsecure from './redis-insecure/rule';
import rlsDisabled from './rls-disabled/rule';
import sqlInjection from './sql-injection/rule';
import tlsVerificationDisabled from './tls-verification-disabled/rule';
import unvalidatedInput from './unvalidated-input/rule';
import weakSecret from './weak-secret/rule';
import weakTls from './weak-tls/rule';
import websocketNoAuth from './websocket-no-auth/rule';

export const rules: readonly Rule[] = [
  consoleInProduction,
  containerRunsAsRoot,
  csrfDisabled,
  defaultCredentials,
  deployWithoutApproval,
  exposedPort,
  fallbackSecret,
  hardcodedLocalhost,
  hardcodedSecret,
  hardcodedUrlInWorkflow,
  idor,
  loggedSecret,
  missingHealthcheck,
  missingRateLimit,
  missingResourceLimits,
  missingSecurityHeaders,
  missingTimeout,
  noGracefulShutdown,
  nonblockingSecurityCheck,
  openCors,
  redisInsecure,
  rlsDisabled,
  sqlInjection,
  tlsVerificationDisabled,
  unvalidatedInput,
  weakSecret,
  weakTls,
  websocketNoAuth,
];
