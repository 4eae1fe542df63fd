import { Minimatch } from 'minimatch';
import { FILE_KINDS, type FileKind, type FileKindEntry } from '../shared/fileKinds';

export interface FileRoles {
  /** tests, specs, fixtures, mocks, e2e and test utilities */
  readonly test: boolean;
  /** `*.example`, `*.sample`, `*.template`: placeholder values by design */
  readonly template: boolean;
  /** docs folders and stories */
  readonly docs: boolean;
  /** tool configs (`vitest.config.ts`, `jest.config.js`, `drizzle.config.ts`…) */
  readonly toolConfig: boolean;
  /** one-off CLIs under `scripts/` */
  readonly script: boolean;
  /** compose, dotenv and Dockerfiles for CI/tests (`docker-compose.ci.yml`, `.env.test`, `Dockerfile.e2e`) */
  readonly ci: boolean;
  /**
   * config for local development (`docker-compose.dev.yml`, `.env.development`, `.env.local`, `Dockerfile.dev`,
   * anything under `.devcontainer/`). Still production material: a local compose file is in scope for
   * exposed ports and credentials; rules about deployed hardening skip it.
   */
  readonly dev: boolean;
  /** compose files of a deployed environment (`docker-compose.prod.yml`, `…staging…`) */
  readonly deployed: boolean;
}

export interface Classification {
  readonly kind: FileKind;
  readonly roles: FileRoles;
  /** false when the file is not production material (tests, templates, docs, tool configs, CI compose) */
  readonly production: boolean;
}

interface CompiledKind {
  entry: FileKindEntry;
  matchers: Minimatch[];
}

const compiled: CompiledKind[] = FILE_KINDS.map((entry) => ({
  entry,
  matchers: entry.globs.map((g) => new Minimatch(g, { dot: true })),
}));

const TEST_DIRS = new Set([
  'test',
  'tests',
  '__tests__',
  '__test__',
  '__mocks__',
  'mocks',
  '__fixtures__',
  'fixtures',
  'e2e',
  'cypress',
  'spec',
  'specs',
  'test-utils',
  'testing',
  'testutils',
  '__snapshots__',
]);
/** `integration-tests/`, `_integration-test/`, `e2e-tests/`, `test-e2e/` */
const TEST_DIR_PATTERN = /^_?((integration|e2e|unit|acceptance|smoke|load|perf)[-_]?tests?|tests?[-_](e2e|integration|utils|helpers|data))$/;
const DOC_DIRS = new Set(['docs', 'doc', 'documentation', '.storybook']);
const TEST_FILE = /\.(test|spec|e2e|e2e-spec|bench|stories|story|cy)\.[a-z]+$/i;
const TEMPLATE_EXT = /\.(example|sample|template|tpl|dist)$/i;
const TEMPLATE_TOKENS = new Set(['example', 'sample', 'template', 'tpl']);
/** Framework configs that ship with the app (`svelte.config.js` holds CSRF settings): not tool configs. */
const APP_CONFIG = /^(svelte|nuxt|astro|remix|ecosystem|app)\.config\./i;
const TOOL_CONFIG =
  /^(\.?[\w-]+\.config|\.eslintrc|\.prettierrc|\.babelrc|\.mocharc|\.lintstagedrc|\.commitlintrc|\.releaserc|\.stylelintrc|gulpfile|gruntfile|karma\.conf|protractor\.conf|jest\.setup|vitest\.setup|setupTests)(\.[\w-]+)*\.(js|ts|mjs|cjs|mts|cts|json)$/i;
const CI_TOKENS = new Set(['test', 'tests', 'testing', 'ci', 'e2e', 'integration', 'it']);
const DEV_TOKENS = new Set(['dev', 'development', 'local', 'devcontainer', 'debug', 'gitpod', 'codesandbox']);
const DEV_DIRS = new Set(['.devcontainer', '.gitpod', '.codesandbox']);
/** kinds whose file names say what environment they are for */
const ENV_NAMED_KINDS: ReadonlySet<FileKind> = new Set(['compose', 'dotenv', 'dockerfile']);
const DEPLOYED_TOKENS = new Set(['prod', 'production', 'staging', 'stage', 'stg', 'prd', 'live']);

function tokens(basename: string): string[] {
  return basename.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** Which entry of the table matches the path (without looking at content). */
export function kindEntryForPath(relPath: string): FileKindEntry | undefined {
  const p = relPath.replace(/\\/g, '/');
  if (p.endsWith('.d.ts') || p.endsWith('.d.mts') || p.endsWith('.d.cts')) return undefined;
  for (const c of compiled) {
    if (c.matchers.some((m) => m.match(p))) return c.entry;
  }
  return undefined;
}

/**
 * A YAML text that declares a Kubernetes object: top-level `apiVersion:` and `kind:` keys. Helm charts'
 * templates (`{{ .Values.x }}`, `{{ include … }}`) are not manifests until rendered: they are not ours.
 */
export function looksLikeKubernetes(text: string): boolean {
  // (Go templates embedded in a manifest's data — Alertmanager's {{ .GroupLabels.x }} — do not make it a chart)
  return /^apiVersion:\s*\S/m.test(text) && /^kind:\s*[A-Z]\w*/m.test(text) && !/\{\{[^}]*(\.Values|\.Release|\.Chart|\.Capabilities|\.Files|\binclude\b|\btoYaml\b|\btpl\b|\brequired\b)/.test(text);
}

export function rolesForPath(relPath: string, kind: FileKind): FileRoles {
  const p = relPath.replace(/\\/g, '/');
  const parts = p.split('/');
  const base = parts[parts.length - 1];
  const dirs = parts.slice(0, -1).map((d) => d.toLowerCase());
  const baseTokens = tokens(base);
  // (a workflow named tests.yml runs on the real repository: its name does not make it a test)
  const test = dirs.some((d) => TEST_DIRS.has(d) || TEST_DIR_PATTERN.test(d)) || (kind !== 'workflow' && (TEST_FILE.test(base) || /^(test|tests|spec)[.\-_]/i.test(base)));
  // `email-template.ts` is code; `example.env` and `docker-compose.sample.yml` are templates.
  const template = TEMPLATE_EXT.test(base) || (kind !== 'code' && baseTokens.some((t) => TEMPLATE_TOKENS.has(t)));
  const docs = dirs.some((d) => DOC_DIRS.has(d)) || /\.(stories|story)\.[a-z]+$/i.test(base);
  const toolConfig = kind === 'code' && TOOL_CONFIG.test(base) && !APP_CONFIG.test(base);
  // one-off CLIs, database seeding and data migrations (`scripts/`, `bin/`, `seed.ts`, `migrations/*.ts`)
  const script =
    dirs.some((d) => d === 'scripts' || d === 'script' || d === 'bin' || d === 'seeds' || d === 'seeders' || (kind === 'code' && (d === 'migrations' || d === 'migration'))) ||
    /^seed(s|er)?(\.|-|$)/i.test(base);
  const named = ENV_NAMED_KINDS.has(kind);
  const ci = named && baseTokens.some((t) => CI_TOKENS.has(t));
  const deployed = named && baseTokens.some((t) => DEPLOYED_TOKENS.has(t));
  const dev = named && !deployed && (baseTokens.some((t) => DEV_TOKENS.has(t)) || dirs.some((d) => DEV_DIRS.has(d)));
  return { test, template, docs, toolConfig, script, ci, deployed, dev };
}

/**
 * Classify a repo-relative path. `sniff` is called only when the kind depends on content (YAML that might
 * be a Kubernetes manifest); it returns the text, or undefined when it cannot be read.
 */
export function classify(relPath: string, sniff?: () => string | undefined): Classification | undefined {
  const entry = kindEntryForPath(relPath);
  if (!entry) return undefined;
  if (entry.sniff === 'k8s') {
    const text = sniff?.();
    if (text === undefined || !looksLikeKubernetes(text)) return undefined;
  }
  const roles = rolesForPath(relPath, entry.kind);
  const production = !(roles.test || roles.template || roles.docs || roles.toolConfig || roles.ci);
  return { kind: entry.kind, roles, production };
}
