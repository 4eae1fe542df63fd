/**
 * Dockerfiles as images: the final stage and the chain of stages it is built on (`FROM build AS runtime`), the
 * external base image at the root of that chain, the effective USER / CMD / ENTRYPOINT / EXPOSE / HEALTHCHECK,
 * what is known about base images (non-root by default, privilege-dropping entrypoints, servers, OS bases),
 * and where a new instruction goes. Shared by the container hardening rules.
 */
import { isMap, isScalar, isSeq, mapGet, mapPair, scalarString, type DockerInstruction, type DockerStage, type Dockerfile, type RuleContext, type TextEdit } from '../../server/src/engine/api';
import { serviceCommand, type ComposeService } from './compose';

export interface StageChain {
  /** the stages from the root-most (built on an external image) to the one asked for */
  readonly stages: readonly DockerStage[];
  /** the stage asked for (the final one, or a build target) */
  readonly stage: DockerStage;
  /** the external image at the root of the chain as written (global ARGs substituted); '' when unknown */
  readonly base: string;
  /** every instruction of the chain, root-most stage first */
  readonly instructions: readonly DockerInstruction[];
}

/** The chain behind a stage: `FROM <earlier stage name>` is followed back to an external image. */
export function stageChain(df: Dockerfile, stage: DockerStage): StageChain {
  const stages: DockerStage[] = [stage];
  let cur = stage;
  for (let guard = 0; guard < 64; guard++) {
    const at = df.stages.indexOf(cur);
    const ref = cur.image.toLowerCase();
    let parent: DockerStage | undefined;
    for (let i = at - 1; i >= 0; i--) {
      if (df.stages[i].name?.toLowerCase() === ref) {
        parent = df.stages[i];
        break;
      }
    }
    if (!parent || stages.includes(parent)) break;
    stages.unshift(parent);
    cur = parent;
  }
  const root = stages[0];
  // the parser substitutes global ARG defaults; an ARG without one leaves '' (`${BASE_IMAGE}`) or `mysql:`
  const base = root.image.replace(/:$/, '');
  return { stages, stage, base: base.includes('$') ? '' : base, instructions: stages.flatMap((s) => [s.from, ...s.instructions]) };
}

const DEV_STAGE = /^(dev|develop|development|debug|test|tests|testing|local|ci|e2e|lint)$/i;
const PROD_STAGE = /^(prod|production|release|runtime|runner|run|final|deploy|deployed|live|app|server|dist)$/i;

/**
 * The chain of the stage that ships: the final stage, except when the file ends with a development target
 * (`FROM base AS dev` after `FROM base AS prod`); then the last production-named stage, or none when there
 * is no such stage (a development image).
 */
export function finalChain(df: Dockerfile): StageChain | undefined {
  const last = df.stages[df.stages.length - 1];
  if (!last) return undefined;
  if (last.name && DEV_STAGE.test(last.name)) {
    for (let i = df.stages.length - 2; i >= 0; i--) {
      const n = df.stages[i].name;
      if (n && PROD_STAGE.test(n)) return stageChain(df, df.stages[i]);
    }
    return undefined;
  }
  return stageChain(df, last);
}

/** A stage's FROM for messages: the image with global ARGs substituted, and its name (`node:20-alpine AS runtime`). */
export function fromText(df: Dockerfile, stage: DockerStage): string {
  const written = stage.from.args.split(/\s+/).filter((w) => !w.startsWith('--'))[0] ?? '';
  const defaults = new Set<string>();
  const firstFrom = df.stages[0]?.from.start ?? Infinity;
  for (const ins of df.instructions) {
    if (ins.start >= firstFrom) break;
    if (ins.keyword === 'ARG') for (const [k, v] of assignments(ins.args)) if (v !== undefined) defaults.add(k);
  }
  // substituted only when every variable has a default (`nginx:${VERSION}-alpine` stays as written otherwise)
  const known = [...written.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)(:?-[^}]*)?/g)].every((m) => defaults.has(m[1]) || m[2] !== undefined);
  const image = known && stage.image ? stage.image : written;
  return stage.name ? `${image} AS ${stage.name}` : image;
}

/** The last instruction of a keyword in a chain. */
export function lastOf(chain: StageChain, keyword: string): DockerInstruction | undefined {
  for (let i = chain.instructions.length - 1; i >= 0; i--) if (chain.instructions[i].keyword === keyword) return chain.instructions[i];
  return undefined;
}

/** ARG defaults (global and in the chain) and ENV values, for `USER ${APP_USER}` and `EXPOSE $PORT`. */
export function chainVariables(df: Dockerfile, chain: StageChain): Map<string, string> {
  const vars = new Map<string, string>();
  const firstFrom = df.stages[0]?.from.start ?? Infinity;
  const globals = new Map<string, string>();
  for (const ins of df.instructions) {
    if (ins.start >= firstFrom) break;
    if (ins.keyword === 'ARG') for (const [k, v] of assignments(ins.args)) if (v !== undefined) globals.set(k, v);
  }
  for (const ins of chain.instructions) {
    if (ins.keyword === 'ARG') {
      for (const [k, v] of assignments(ins.args)) {
        const value = v ?? globals.get(k);
        if (value !== undefined) vars.set(k, substitute(value, vars) ?? value);
        else vars.delete(k);
      }
    } else if (ins.keyword === 'ENV') {
      for (const [k, v] of envAssignments(ins.args)) if (v !== undefined) vars.set(k, substitute(v, vars) ?? v);
    }
  }
  return vars;
}

function assignments(args: string): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("[^"]*"|'[^']*'|\S*))?/g)) out.push([m[1], m[2] === undefined ? undefined : unquote(m[2])]);
  return out;
}

/** `ENV A=1 B="x y"` or the legacy `ENV A 1`. */
function envAssignments(args: string): [string, string | undefined][] {
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=].*)$/.exec(args.trim());
  if (legacy && !legacy[2].includes('=')) return [[legacy[1], unquote(legacy[2].trim())]];
  return assignments(args);
}

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}

/** Substitute `$X`, `${X}`, `${X:-d}` from known variables; undefined when a variable stays unknown. */
export function substitute(s: string, vars: ReadonlyMap<string, string>): string | undefined {
  let unknown = false;
  const out = s
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}/g, (_m, name: string, op: string | undefined, word: string | undefined) => {
      const v = vars.get(name);
      if (op === '+') return v ? (word ?? '') : '';
      if (v !== undefined && v !== '') return v;
      if (op === '-') return word ?? '';
      unknown = true;
      return '';
    })
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
      const v = vars.get(name);
      if (v === undefined) unknown = true;
      return v ?? '';
    });
  return unknown ? undefined : out;
}

/** `root`, `0`, `0:0`, `root:root`, `root:staff`: the user part is root. */
export function isRootUser(spec: string): boolean {
  const user = spec.trim().split(':')[0].trim();
  return user === 'root' || user === '0';
}

/** The words a container starts with: ENTRYPOINT then CMD (exec or shell form), lower-cased. */
export function startWords(chain: StageChain): { words: string[]; entrypoint?: DockerInstruction; cmd?: DockerInstruction } {
  const entrypoint = lastOf(chain, 'ENTRYPOINT');
  const cmd = lastOf(chain, 'CMD');
  const words = (ins: DockerInstruction | undefined): string[] => (ins ? (ins.json ?? ins.args.split(/\s+/)).join(' ').toLowerCase().split(/\s+/).filter(Boolean) : []);
  return { words: [...words(entrypoint), ...words(cmd)], entrypoint, cmd };
}

/** The repository of an image, normalized: registry host, `library/` and tag/digest dropped, lower-cased. */
export function imageRepo(image: string): string {
  let s = image.trim().toLowerCase();
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash) s = s.slice(0, colon);
  const parts = s.split('/');
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) parts.shift();
  if (parts[0] === 'docker' && parts[1] === 'library') parts.splice(0, 2);
  else if (parts[0] === 'library') parts.shift();
  return parts.join('/');
}

/** The tag of an image (`20-alpine`), '' when none. */
export function imageTag(image: string): string {
  let s = image.trim().toLowerCase();
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  return colon > slash ? s.slice(colon + 1) : '';
}

function registryHost(image: string): string {
  const first = image.trim().toLowerCase().split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : '';
}

/** The official Node.js image (`node:20-alpine`, `docker.io/library/node`, a mirror's `…/library/node`): it has a `node` user. */
export function isNodeImage(image: string): boolean {
  return imageRepo(image) === 'node';
}

/** Bitnami images that are runtimes or OS bases and run as root. */
const BITNAMI_ROOT = new Set(['minideb', 'node', 'python', 'ruby', 'golang', 'java', 'php-fpm', 'dotnet', 'dotnet-sdk', 'aspnet-core', 'git', 'jenkins-agent']);

/** Images whose own USER is not root. */
const NON_ROOT_REPOS = new Set([
  'grafana/grafana', 'grafana/grafana-oss', 'grafana/grafana-enterprise', 'grafana/loki', 'grafana/tempo', 'grafana/promtail', 'grafana/agent', 'grafana/alloy',
  'prom/prometheus', 'prom/alertmanager', 'prom/node-exporter', 'prom/blackbox-exporter', 'prom/pushgateway', 'prom/statsd-exporter',
  'prometheus/prometheus', 'prometheus/alertmanager', 'prometheus/node-exporter', 'prometheus/blackbox-exporter',
  'jenkins/jenkins', 'jenkins/inbound-agent', 'jenkins/agent', 'sonarqube', 'jupyter/base-notebook', 'jupyter/minimal-notebook', 'jupyter/scipy-notebook',
  'apache/airflow', 'keycloak/keycloak', 'n8nio/n8n', 'nodered/node-red', 'memcached', 'haproxy', 'solr', 'sonatype/nexus3',
  'elasticsearch/elasticsearch', 'kibana/kibana', 'logstash/logstash', 'beats/filebeat', 'beats/metricbeat', 'opensearchproject/opensearch', 'opensearchproject/opensearch-dashboards',
  'temporalio/server', 'temporalio/auto-setup', 'temporalio/admin-tools', 'temporalio/ui', 'nginxinc/nginx-unprivileged', 'openpolicyagent/opa',
  'gitea/act_runner', 'hashicorp/terraform', 'mcr.microsoft.com/mssql/server', 'mssql/server', 'neo4j',
]);

/** Official images whose entrypoint starts as root and drops to a service user (gosu/su-exec/setpriv). */
const PRIVILEGE_DROPPING = new Set([
  'postgres', 'postgis/postgis', 'timescale/timescaledb', 'timescale/timescaledb-ha', 'pgvector/pgvector', 'mysql', 'mariadb', 'percona', 'percona/percona-server',
  'mongo', 'redis', 'redis/redis-stack', 'redis/redis-stack-server', 'valkey/valkey', 'rabbitmq', 'couchdb', 'cassandra', 'clickhouse/clickhouse-server',
  'yandex/clickhouse-server', 'clickhouse', 'influxdb', 'eclipse-mosquitto', 'elasticsearch', 'kibana', 'zookeeper', 'hashicorp/vault', 'hashicorp/consul', 'vault', 'consul',
  'ghost', 'redmine', 'bitnami/postgresql', 'nextcloud', 'odoo', 'rethinkdb', 'arangodb', 'neo4j', 'couchbase', 'docker.elastic.co/elasticsearch/elasticsearch',
]);

export type DefaultUser = 'nonroot' | 'drops' | 'root' | 'unknown';

/** What user a base image runs as when the Dockerfile sets none. */
export function defaultUser(image: string, extraNonRoot: readonly string[] = []): DefaultUser {
  const img = image.trim().toLowerCase();
  if (!img || img.includes('$')) return 'unknown';
  const repo = imageRepo(img);
  const tag = imageTag(img);
  const host = registryHost(img);
  const extra = extraNonRoot.map((e) => e.toLowerCase());
  const full = host ? `${host}/${repo}` : repo;
  if (extra.some((e) => (e.endsWith('*') ? repo.startsWith(e.slice(0, -1)) || full.startsWith(e.slice(0, -1)) : e === repo || e === full))) return 'nonroot';
  if (/(^|[-_.])nonroot([-_.]|$)/.test(tag) || /(^|[-/])nonroot$/.test(repo)) return 'nonroot';
  if (host === 'cgr.dev') return 'nonroot';
  if (/chisel/.test(tag) || /chisel/.test(repo)) return 'nonroot';
  if (/unprivileged|rootless/.test(repo) || /(^|[-_.])rootless([-_.]|$)/.test(tag)) return 'nonroot';
  if (repo.startsWith('bitnami/') && !BITNAMI_ROOT.has(repo.slice('bitnami/'.length))) return 'nonroot';
  if (/^(ubi\d*|rhel\d*|rhscl|ubi\d+-minimal)\/(nodejs|python|php|ruby|perl|go-toolset|openjdk|httpd|nginx)-/.test(repo) || /^(ubi\d*|rhel\d*)\/(nodejs|python|php|ruby|perl|httpd|nginx)-\d/.test(repo)) return 'nonroot';
  if (repo.startsWith('gitpod/workspace-') || repo.startsWith('jupyter/') || repo.startsWith('quay.io/jupyter/') || repo.startsWith('confluentinc/')) return 'nonroot';
  if (NON_ROOT_REPOS.has(repo) || NON_ROOT_REPOS.has(`${host}/${repo}`)) return 'nonroot';
  if (PRIVILEGE_DROPPING.has(repo) || PRIVILEGE_DROPPING.has(`${host}/${repo}`)) return 'drops';
  if (/^(windows|windows\/.+|dotnet\/framework\/.+)$|nanoserver|servercore/.test(repo)) return 'unknown';
  // official images (`node`, `python`, `nginx`, `alpine`…) and well-known namespaced runtimes run as root;
  // what another vendor's or the team's own base image runs as is not known here
  if (!repo.includes('/') || KNOWN_ROOT.test(repo)) return 'root';
  return 'unknown';
}

/** Namespaced images known to run as root by default. */
const KNOWN_ROOT =
  /^(distroless\/.+|dotnet\/(aspnet|runtime|runtime-deps|sdk)|oven\/bun|denoland\/deno|tiangolo\/.+|webdevops\/.+|phusion\/.+|playwright(\/.+)?|ubi\d*\/ubi(-minimal|-micro|-init)?|redhat\/ubi\d+(-minimal|-micro)?|rockylinux\/rockylinux|opensuse\/.+|azul\/zulu-openjdk[\w-]*|bellsoft\/liberica-[\w-]+|ibm-semeru-runtimes|amazoncorretto|sapmachine|eclipse-temurin|openjdk\/.+|python\/.+|nodejs\/.+|golang\/.+|rust\/.+|php\/.+|nginx\/.+|httpd\/.+|ruby\/.+|elixir\/.+|hexpm\/[\w-]+|bitnami\/minideb|alpine\/[\w-]+|debian\/[\w-]+|ubuntu\/[\w-]+|busybox\/[\w-]+)$/;

/** A start command that names a packaged artefact, not a program (`ENTRYPOINT ["/app.apk"]` in `FROM scratch`). */
export function startsArtefact(words: readonly string[]): boolean {
  return words.length > 0 && /\.(apk|aab|ipa|zip|tar|tgz|gz|xz|whl|deb|rpm|war|msi|dmg|pdf|html?)["']?$/.test(words[0]);
}

/** OS and empty bases: a final stage on one of these with no CMD/ENTRYPOINT is a base or artefact image. */
export function isBareBase(image: string): boolean {
  const repo = imageRepo(image);
  if (image.trim().toLowerCase() === 'scratch') return true;
  return /^(scratch|alpine|busybox|debian|ubuntu|centos|fedora|rockylinux|rockylinux\/rockylinux|almalinux|amazonlinux|oraclelinux|archlinux|photon|clearlinux|opensuse\/.+|redhat\/ubi\d+(-minimal|-micro)?|ubi\d+(\/ubi(-minimal|-micro)?)?|distroless\/(static|base|cc)(-debian\d+)?|bitnami\/minideb|chainguard\/(static|wolfi-base)|wolfi-base)$/.test(
    repo,
  );
}

/** Language toolchains and runtimes: their own command is a shell or a REPL, never a service. */
export function isToolchainImage(image: string): boolean {
  const repo = imageRepo(image);
  return /^(node|python|pypy|golang|rust|ruby|php|perl|openjdk|eclipse-temurin|amazoncorretto|ibm-semeru-runtimes|sapmachine|maven|gradle|gcc|buildpack-deps|elixir|erlang|haskell|swift|dart|julia|r-base|clojure|groovy|kotlin|mono|oven\/bun|denoland\/deno|dotnet\/sdk|azul\/zulu-openjdk[\w-]*|bellsoft\/liberica-[\w-]+)$/.test(repo) && !/apache|fpm/.test(imageTag(image));
}

/** Images that run a network server by default (their CMD is the server). */
export function isServerImage(image: string): boolean {
  const repo = imageRepo(image);
  const tag = imageTag(image);
  if (/^(nginx|nginxinc\/nginx-unprivileged|openresty\/openresty|httpd|caddy|traefik|haproxy|envoyproxy\/envoy|varnish|tomcat|jetty|wordpress|ghost|drupal|joomla|nextcloud|grafana\/grafana(-oss)?|kong|apache\/superset|metabase\/metabase)$/.test(repo)) return true;
  if (repo === 'php' && /apache|fpm/.test(tag)) return true;
  return false;
}

const DEV_TOKENS = new Set(['debug', 'gitpod', 'devcontainer', 'devbox', 'codesandbox', 'workspace']);
const DEV_DIRS = new Set(['.devcontainer', '.gitpod', '.codesandbox', '.idx', '.coder', '.daytona']);
/** Base and builder images other Dockerfiles start from (`Dockerfile.base`, `builder.Dockerfile`). */
const BASE_TOKENS = new Set(['base', 'builder', 'build', 'buildenv', 'toolchain']);

/**
 * Is a Dockerfile outside what these rules judge by its name: a development environment (`.gitpod.Dockerfile`,
 * `Dockerfile.debug`, `.codesandbox/Dockerfile`, beyond `roles.dev`), or a base/builder image that other
 * images are built from (`Dockerfile.base`)?
 */
export function isDevDockerfile(ctx: RuleContext): boolean {
  if (ctx.file.roles.dev) return true;
  const parts = ctx.file.path.toLowerCase().split('/');
  const base = parts.pop()!;
  if (parts.some((d) => DEV_DIRS.has(d))) return true;
  const tokens = base.split(/[^a-z0-9]+/).filter((t) => t && t !== 'dockerfile' && t !== 'containerfile');
  return tokens.some((t) => DEV_TOKENS.has(t) || BASE_TOKENS.has(t));
}

/** The 1-based port numbers a chain EXPOSEs (variables resolved where known). */
export function exposedPorts(chain: StageChain, vars: ReadonlyMap<string, string>): number[] {
  const out: number[] = [];
  for (const ins of chain.instructions) {
    if (ins.keyword !== 'EXPOSE') continue;
    for (const w of ins.args.split(/\s+/)) {
      const s = substitute(w, vars);
      const m = s === undefined ? null : /^(\d{1,5})(?:-\d+)?(?:\/(tcp|udp))?$/i.exec(s);
      if (m && m[2]?.toLowerCase() !== 'udp') out.push(Number(m[1]));
    }
  }
  return out;
}

/** Where a new instruction goes: at the start of a line (before it), after a line's end, or at the end of the file. */
export interface InsertionPoint {
  readonly at: number;
  readonly mode: 'beforeLine' | 'afterLine' | 'eof';
}

/**
 * Where a new instruction goes in a stage: before its first CMD/ENTRYPOINT that comes after `after` (when no
 * RUN follows that point, so build steps keep running as they did), else after the stage's last instruction.
 */
export function insertionPoint(ctx: RuleContext, df: Dockerfile, stage: DockerStage, after = stage.from.start, avoidRunAfter = true): InsertionPoint {
  const ins = stage.instructions;
  const k = ins.findIndex((i) => i.start > after && (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT'));
  if (k >= 0 && !(avoidRunAfter && ins.slice(k).some((i) => i.keyword === 'RUN'))) {
    return { at: ctx.lines.lineStart(ctx.lines.lineOf(ins[k].start)), mode: 'beforeLine' };
  }
  if (df.stages[df.stages.length - 1] === stage) return { at: ctx.file.text.length, mode: 'eof' };
  const last = ins.length ? ins[ins.length - 1] : stage.from;
  return { at: ctx.lines.lineEnd(ctx.lines.lineOf(last.end)), mode: 'afterLine' };
}

/** Does the file write its instruction keywords in lower case (`from node:20`, `cmd ["node"]`)? */
function lowerCaseKeywords(ctx: RuleContext, df: Dockerfile): boolean {
  let lower = 0;
  for (const ins of df.instructions) {
    const written = ctx.file.text.slice(ins.start, ins.start + ins.keyword.length);
    if (written === written.toLowerCase()) lower++;
  }
  return lower * 2 > df.instructions.length;
}

/** An edit inserting one instruction line (`USER node`) at an insertion point, in the file's line ending and keyword case. */
export function insertInstruction(ctx: RuleContext, point: InsertionPoint, line: string): TextEdit {
  const eol = ctx.style.eol;
  const text = ctx.file.text;
  const sp = line.indexOf(' ');
  const instruction = lowerCaseKeywords(ctx, ctx.dockerfile) ? line.slice(0, sp).toLowerCase() + line.slice(sp) : line;
  if (point.mode === 'beforeLine') {
    const lead = /^[ \t]*/.exec(text.slice(point.at, point.at + 40))![0];
    return { start: point.at, end: point.at, text: `${lead}${instruction}${eol}` };
  }
  if (point.mode === 'afterLine') return { start: point.at, end: point.at, text: `${eol}${instruction}` };
  const endsWithBreak = text.endsWith('\n') || text.endsWith('\r');
  return { start: text.length, end: text.length, text: endsWithBreak ? `${instruction}${eol}` : `${eol}${instruction}${eol}` };
}

/** Does a stage chain hold ONBUILD triggers (a base image for other builds)? */
export function hasOnbuild(chain: StageChain): boolean {
  return chain.instructions.some((i) => i.keyword === 'ONBUILD');
}

// ---- compose services as containers (shared by the compose side of the hardening rules) ----

/** Folder of a repo-relative path ('' at the root). */
export function dirOf(path: string): string {
  const k = path.lastIndexOf('/');
  return k < 0 ? '' : path.slice(0, k);
}

/** `a/./b/../c` → `a/c`; undefined when the path climbs out of the project. */
export function normalizePath(p: string): string | undefined {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/**
 * The Dockerfile a compose service builds (`build: ./api`, `build: { context, dockerfile, target }`), as a
 * repo-relative path, with its target stage; undefined when it builds nothing we can place (remote contexts,
 * variables, inline `dockerfile_inline`).
 */
export function composeBuild(
  build: { context?: string; dockerfile?: string; target?: string; inline?: boolean } | undefined,
  composePath: string,
): { dockerfile: string; target?: string } | undefined {
  if (!build || build.inline) return undefined;
  const context = build.context ?? '.';
  if (/^[a-z]+:\/\/|^git@|\$/.test(context) || (build.dockerfile && /\$/.test(build.dockerfile))) return undefined;
  const df = build.dockerfile ?? 'Dockerfile';
  if (df.startsWith('/') || context.startsWith('/')) return undefined;
  const path = normalizePath(`${dirOf(composePath)}/${context}/${df}`);
  return path === undefined ? undefined : { dockerfile: path, ...(build.target ? { target: build.target.toLowerCase() } : {}) };
}

export interface BuildSpec {
  context?: string;
  dockerfile?: string;
  target?: string;
  inline?: boolean;
}

/** `build: ./dir` or `build: { context, dockerfile, target }`; `partial` when it only overrides a target or args. */
export function serviceBuild(svc: ComposeService): { spec: BuildSpec; partial: boolean } | undefined {
  const b = mapGet(svc.def, 'build', svc.doc);
  if (isScalar(b)) {
    const s = scalarString(b);
    return s === undefined ? undefined : { spec: { context: s }, partial: false };
  }
  if (!isMap(b)) return undefined;
  const get = (k: string) => scalarString(mapGet(b, k, svc.doc));
  const spec: BuildSpec = { context: get('context'), dockerfile: get('dockerfile'), target: get('target'), inline: mapPair(b, 'dockerfile_inline', svc.doc) !== undefined };
  return { spec, partial: spec.context === undefined && spec.dockerfile === undefined && !spec.inline };
}

// ---- one-shot compose services ----

/** Images that run a task and exit. */
const ONE_SHOT_IMAGES = /^(flyway\/flyway|flyway|migrate\/migrate|liquibase\/liquibase|liquibase|amacneil\/dbmate|arigaio\/atlas|certbot\/certbot|certbot\/dns-[\w-]+|amazon\/aws-cli|google\/cloud-sdk|curlimages\/curl|busybox)$/;
const ONE_SHOT_WORDS = /(^|[\s/:"'-])(migrate|migrations?|db:migrate|db:seed|db:push|seed|seeds|seeder|prisma\s+migrate|prisma\s+db\s+push|typeorm\s+migration:run|knex\s+migrate|sequelize\s+db:migrate|alembic\s+upgrade|goose|flyway|backup|restore|pg_dump|mysqldump|certonly|renew|init-db|setup|bootstrap)(\s|$|[:"'])/i;

/** A service that runs a task and exits (a migration, a seed, a certificate request): not a long-running container. */
export function isOneShotService(svc: ComposeService, completed: ReadonlySet<string>): boolean {
  if (completed.has(svc.name)) return true;
  if (svc.image && ONE_SHOT_IMAGES.test(imageRepo(svc.image))) return true;
  const restart = scalarString(mapGet(svc.def, 'restart', svc.doc));
  const policy = scalarString(mapGet(mapGet(mapGet(svc.def, 'deploy', svc.doc), 'restart_policy', svc.doc), 'condition', svc.doc));
  if (restart === 'no' || restart === 'false' || policy === 'none') return true;
  const cmd = serviceCommand(svc)?.words.join(' ') ?? '';
  const ep = mapGet(svc.def, 'entrypoint', svc.doc);
  const epWords = isSeq(ep) ? ep.items.map((i) => scalarString(i) ?? '').join(' ') : (scalarString(ep) ?? '');
  const words = `${epWords} ${cmd}`.trim();
  if (!words) return false;
  // `prisma migrate deploy && node server.js` still ends in a server
  const server = /\b(node|npm|yarn|pnpm|bun|gunicorn|uvicorn|nginx|rails|puma|java|dotnet|php-fpm|caddy|serve|server|start|run\b.*\bserver)\b/i.test(words.replace(ONE_SHOT_WORDS, ' '));
  return ONE_SHOT_WORDS.test(words) && !(/&&|;/.test(words) && server);
}

/** Names of services other services wait for with `condition: service_completed_successfully`. */
export function completedDependencies(services: readonly ComposeService[]): Set<string> {
  const out = new Set<string>();
  for (const s of services) {
    const deps = mapGet(s.def, 'depends_on', s.doc);
    if (!isMap(deps)) continue;
    for (const p of deps.items) {
      if (!isScalar(p.key)) continue;
      if (scalarString(mapGet(p.value, 'condition', s.doc)) === 'service_completed_successfully') out.add(String(p.key.value));
    }
  }
  return out;
}


/** A service that only overrides one of a sibling file: no image, no build context, no `extends`. */
export function isPartialService(svc: ComposeService): boolean {
  if (!svc.def || svc.image || mapPair(svc.def, 'extends', svc.doc)) return false;
  const b = serviceBuild(svc);
  return !b || b.partial;
}

/**
 * Is a compose file an override of a sibling (`docker compose -f docker-compose.yml -f docker-compose.prod.yml`)?
 * Some service in it is partial; then every service of the file merges with the sibling's definition.
 */
export function isOverrideFile(services: readonly ComposeService[]): boolean {
  return services.some(isPartialService);
}

// ---- Kubernetes ----

/**
 * Is a manifest in a kustomize base (a `base/` or `bases/` folder)? Overlays patch bases, so a finding about
 * something missing there waits for the rest of the project (an overlay's patch may provide it).
 */
export function inKustomizeBase(path: string): boolean {
  return path.split('/').slice(0, -1).some((d) => /^(base|bases)$/i.test(d));
}
