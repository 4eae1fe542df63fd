/**
 * The production-readiness checklist as the release owner reads it: each rule is one checklist item, grouped in
 * the areas of checklist 003 (security and secrets, API security, infrastructure, CI/CD, production
 * configuration), phrased as the requirement that passes when the rule finds nothing. A test checks that every
 * rule has its item here.
 */
export interface ChecklistItem {
  /** the area's number in checklist 003 */
  readonly area: number;
  /** the item's label in the report: "§1.2" for items of 003, the source otherwise */
  readonly section: string;
  readonly title: string;
}

export const AREAS: Readonly<Record<number, string>> = {
  1: 'Security and secrets',
  2: 'API security',
  3: 'Infrastructure',
  4: 'CI/CD',
  5: 'Production configuration',
};

export const CHECKLIST: Readonly<Record<string, ChecklistItem>> = {
  'rls-disabled': { area: 1, section: '§1.1', title: 'Row level security on every public table' },
  'fallback-secret': { area: 1, section: '§1.2', title: 'Secrets without hard-coded fallbacks' },
  'open-cors': { area: 1, section: '§1.3', title: 'CORS limited to allowed origins' },
  'weak-secret': { area: 1, section: '§1.4', title: 'Strong secrets and encryption keys' },
  'logged-secret': { area: 1, section: '§1.5', title: 'No passwords, tokens or records in logs' },
  'csrf-disabled': { area: 1, section: '§1.6', title: 'CSRF protection and secure session cookies' },
  'hardcoded-secret': { area: 1, section: '001 ph.1', title: 'No credentials committed to code or config' },
  'default-credentials': { area: 1, section: '003 high §1.1', title: 'No default or guessable credentials' },
  'tls-verification-disabled': { area: 1, section: '004 §3.4', title: 'TLS certificates verified' },
  'weak-tls': { area: 1, section: '004 §3.4', title: 'TLS 1.2 or newer, with HSTS' },
  'websocket-no-auth': { area: 2, section: '§2.1', title: 'WebSocket connections authenticated' },
  idor: { area: 2, section: '§2.2', title: 'Records checked against the caller (no IDOR)' },
  'unvalidated-input': { area: 2, section: '§2.3', title: 'Request bodies validated before they are stored' },
  'sql-injection': { area: 2, section: '001 ph.6', title: 'No SQL built from request data' },
  'missing-security-headers': { area: 2, section: '001 ph.6', title: 'Security headers on every app' },
  'missing-rate-limit': { area: 2, section: '001 ph.2', title: 'Rate limits on login, signup and reset routes' },
  'no-graceful-shutdown': { area: 3, section: '§3.1', title: 'Graceful shutdown on SIGTERM' },
  'exposed-port': { area: 3, section: '§3.2', title: 'Datastores not published on every interface' },
  'missing-resource-limits': { area: 3, section: '§3.3', title: 'CPU and memory limits for containers' },
  'container-runs-as-root': { area: 3, section: '§3', title: 'Containers not running as root' },
  'missing-healthcheck': { area: 3, section: '001 ph.4', title: 'Health checks and probes for services' },
  'redis-insecure': { area: 3, section: '001 ph.3', title: 'Redis protected, password-guarded and persistent' },
  'hardcoded-url-in-workflow': { area: 4, section: '§4.1', title: 'No hard-coded environment URLs in workflows' },
  'deploy-without-approval': { area: 4, section: '§4.2', title: 'Approval gates (environments) for deploy jobs' },
  'nonblocking-security-check': { area: 4, section: '§4.3', title: 'Security checks that fail the build' },
  'hardcoded-localhost': { area: 5, section: '§5.1', title: 'No hard-coded localhost in production config' },
  'missing-timeout': { area: 5, section: '§5.2', title: 'Timeouts on outbound HTTP calls' },
  'console-in-production': { area: 5, section: '§5.3', title: 'The logger, not console, in server code' },
};

/** The item of a rule (rules without one are listed under their own title, in the last area). */
export function itemOf(rule: { id: string; title: string; checklist: string }): ChecklistItem {
  return CHECKLIST[rule.id] ?? { area: 5, section: rule.checklist, title: rule.title };
}
