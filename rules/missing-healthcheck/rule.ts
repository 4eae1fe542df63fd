import {
  appendToMap,
  defineRule,
  isMap,
  isSeq,
  mapGet,
  mapPair,
  scalarString,
  type Fix,
  type ProjectCondition,
  type RuleContext,
} from '../../server/src/engine/api';
import { composeServices, type ComposeService } from '../_lib/compose';
import { isInternalService } from '../_lib/datastores';
import {
  chainVariables,
  completedDependencies,
  composeBuild,
  dirOf,
  exposedPorts,
  finalChain,
  fromText,
  imageRepo,
  imageTag,
  insertInstruction,
  insertionPoint,
  inKustomizeBase,
  isDevDockerfile,
  isNodeImage,
  isOneShotService,
  isOverrideFile,
  isServerImage,
  lastOf,
  serviceBuild,
  stageChain,
  startWords,
  type StageChain,
} from '../_lib/dockerfiles';
import { k8sObjects, LONG_RUNNING_KINDS, workloadContainers, type K8sContainer } from '../_lib/k8s';

export default defineRule({
  id: 'missing-healthcheck',
  title: 'Container without a health check',
  summary: 'A deployed container has no health check or probe, so a hung process keeps receiving traffic.',
  severity: 'warning',
  kinds: ['compose', 'k8s', 'dockerfile'],
  scope: 'file',
  checklist: '001 ph.4, 003',
  fixable: false,
  hasSuggestions: true,
  messages: {
    dockerfile: 'The service image\'s final stage (FROM {{from}}) has no HEALTHCHECK.',
    container: 'Container "{{container}}" of {{kind}} "{{name}}" has no liveness or readiness probe.',
    startupOnly: 'Container "{{container}}" of {{kind}} "{{name}}" has a startup probe but no liveness or readiness probe.',
    service: 'Service "{{service}}" has no healthcheck.',
  },
  options: {
    dockerfiles: {
      type: 'boolean',
      default: true,
      description: 'Check Dockerfiles too. Turn off when every image runs on Kubernetes, which ignores HEALTHCHECK and uses probes.',
    },
  },
  textHint: /services|from|kind/i,
  usesFacts: true,
  check(ctx) {
    if (ctx.file.kind === 'dockerfile') checkDockerfile(ctx);
    else if (ctx.file.kind === 'k8s') checkK8s(ctx);
    else if (ctx.file.kind === 'compose') checkCompose(ctx);
  },
});

// ---------------------------------------------------------------- Dockerfile

/** Programs that serve requests when they are what a container starts. */
const SERVER_PROGRAMS = new Set([
  'nginx', 'httpd', 'apache2-foreground', 'apache2ctl', 'caddy', 'traefik', 'haproxy', 'envoy', 'openresty', 'varnishd',
  'gunicorn', 'uvicorn', 'hypercorn', 'daphne', 'waitress-serve', 'granian', 'puma', 'unicorn', 'passenger', 'thin', 'falcon',
  'php-fpm', 'frankenphp', 'pm2-runtime', 'http-server', 'remix-serve', 'catalina.sh', 'next-server',
]);
const ONE_SHOT_PROGRAMS = new Set([
  'migrate', 'migration', 'migrations', 'seed', 'goose', 'flyway', 'liquibase', 'alembic', 'dbmate', 'sqitch', 'atlas',
  'jest', 'vitest', 'mocha', 'pytest', 'playwright', 'cypress', 'eslint', 'tsc', 'true', 'echo', 'backup', 'restore', 'pg_dump', 'mysqldump',
]);
const ONE_SHOT_STAGE = /^(migrat\w*|seed\w*|test\w*|lint\w*|export|artifacts?|backup|job)$/i;

function base(word: string): string {
  const w = word.replace(/^["']|["']$/g, '');
  const b = w.slice(w.lastIndexOf('/') + 1);
  return b.replace(/\.(js|mjs|cjs|ts|py|rb|sh|php|dll|jar)$/, '');
}

/** Does the final stage of a Dockerfile start a long-running network service? */
function isServiceImage(chain: StageChain): boolean {
  const { words } = startWords(chain);
  if (chain.stage.name && ONE_SHOT_STAGE.test(chain.stage.name)) return false;
  const progs = words.map(base);
  const server =
    progs.some((p) => SERVER_PROGRAMS.has(p) || /server$|^serve$/.test(p)) ||
    /\b(npm|yarn|pnpm|bun)( run)? start\b|\b(next|nuxt|astro|remix|nest|react-router-serve) start\b|\brails (s|server)\b|\bmanage(\.py)? runserver\b|\bartisan (serve|octane:start)\b|\bflask run\b|\bnode\b.*\b(server|app|www|api)(\.[cm]?js)?\b/.test(
      words.join(' '),
    );
  const oneShot = progs.some((p) => ONE_SHOT_PROGRAMS.has(p)) || /\b(npm|yarn|pnpm|bun)( run)? (build|test|lint|migrate\S*|seed\S*|db:\S+)\b/.test(words.join(' '));
  if (oneShot && !server) return false;
  if (server) return true;
  if (chain.instructions.some((i) => i.keyword === 'EXPOSE')) return true;
  // no command of its own: the base image's command runs; web servers count (datastore images customised with
  // a config or an extension get their checks where they are run: compose, Kubernetes)
  if (!words.length) return isServerImage(chain.base);
  return false;
}

/** Fact: some compose service running a project image, or some Kubernetes container, has its health checked there. */
const HEALTH_CONFIGURED = 'container-health-configured';

function checkDockerfile(ctx: RuleContext): void {
  const df = ctx.dockerfile;
  // facts for compose services that build this file: which stages (as targets) carry a HEALTHCHECK
  for (const st of df.stages) {
    const ch = stageChain(df, st);
    if (!lastOf(ch, 'HEALTHCHECK')) continue;
    if (st === df.stages[df.stages.length - 1]) ctx.fact(`dockerfile-healthcheck:${ctx.file.path}`);
    if (st.name) ctx.fact(`dockerfile-healthcheck:${ctx.file.path}#${st.name.toLowerCase()}`);
  }
  if (ctx.options.dockerfiles === false || isDevDockerfile(ctx)) return;
  const chain = finalChain(df);
  if (!chain || lastOf(chain, 'HEALTHCHECK')) return; // HEALTHCHECK NONE is an explicit choice too
  const vars = chainVariables(df, chain);
  if (!isServiceImage(chain)) return;
  const from = chain.stage.from;
  const line = ctx.lines.lineOf(from.start);
  const suggestion = dockerfileSuggestion(ctx, chain, vars);
  ctx.report({
    messageId: 'dockerfile',
    data: { from: fromText(ctx.dockerfile, chain.stage) },
    range: [from.start, Math.min(from.end, ctx.lines.lineEnd(line))],
    suggestions: suggestion ? [suggestion] : [],
    // a project whose compose services or Kubernetes containers get their health checks there (Kubernetes
    // ignores HEALTHCHECK; a compose healthcheck replaces it) has made its choice
    unless: { fact: HEALTH_CONFIGURED, scope: 'project' },
  });
}

function dockerfileSuggestion(ctx: RuleContext, chain: StageChain, vars: ReadonlyMap<string, string>): Fix | undefined {
  const img = chain.base;
  const repo = imageRepo(img);
  const tag = imageTag(img);
  // no shell and no client in these: a HEALTHCHECK needs a binary of the app's own
  if (!img || repo === 'scratch' || img.toLowerCase() === 'scratch' || /distroless|chisel/.test(repo + tag) || img.toLowerCase().startsWith('cgr.dev/')) return undefined;
  let test: string | undefined;
  let title: string;
  const datastore = datastoreCheck(img);
  if (datastore) {
    test = datastore.shell;
    title = `Add a HEALTHCHECK (${datastore.label ?? datastore.exec.slice(1, 3).join(' ')})`;
  } else {
    const port = exposedPorts(chain, vars)[0] ?? (isServerImage(img) ? 80 : undefined);
    if (port === undefined) return undefined;
    const path = isServerImage(img) ? '/' : '/health';
    const url = `http://localhost${port === 80 ? '' : `:${port}`}${path}`;
    if (isNodeImage(img)) test = `node -e "require('http').get('${url}', (r) => process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => process.exit(1))"`;
    else if (/alpine/.test(tag) || repo === 'alpine' || repo === 'busybox') test = `wget -qO- ${url} > /dev/null || exit 1`;
    else test = `curl -fsS ${url} > /dev/null || exit 1`;
    title = `Add a HEALTHCHECK that requests ${url} (check the path)`;
  }
  const at = insertionPoint(ctx, ctx.dockerfile, chain.stage, chain.stage.from.start, false);
  return {
    title,
    edits: [insertInstruction(ctx, at, `HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ${test}`)],
  };
}

/** Health commands of datastore images that ship a client. */
function datastoreCheck(image: string): { exec: string[]; shell: string; label?: string } | undefined {
  const repo = imageRepo(image);
  const name = repo.slice(repo.lastIndexOf('/') + 1);
  if (/^(postgres|postgresql|postgis|timescaledb|timescaledb-ha|pgvector)$/.test(name)) return { exec: ['CMD-SHELL', 'pg_isready -U $${POSTGRES_USER:-postgres}'], shell: 'pg_isready -U "${POSTGRES_USER:-postgres}" || exit 1', label: 'pg_isready' };
  if (/^(redis|redis-stack|redis-stack-server|valkey)$/.test(name)) return { exec: ['CMD', name === 'valkey' ? 'valkey-cli' : 'redis-cli', 'ping'], shell: `${name === 'valkey' ? 'valkey-cli' : 'redis-cli'} ping || exit 1` };
  if (/^(mysql|percona|percona-server)$/.test(name)) return { exec: ['CMD', 'mysqladmin', 'ping', '-h', 'localhost'], shell: 'mysqladmin ping -h localhost || exit 1' };
  if (name === 'mariadb') return { exec: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'], shell: 'healthcheck.sh --connect --innodb_initialized || exit 1' };
  if (name === 'mongo' || name === 'mongodb-community-server') return { exec: ['CMD', 'mongosh', '--quiet', '--eval', "db.adminCommand('ping')"], shell: `mongosh --quiet --eval "db.adminCommand('ping')" || exit 1` };
  if (name === 'rabbitmq') return { exec: ['CMD', 'rabbitmq-diagnostics', '-q', 'ping'], shell: 'rabbitmq-diagnostics -q ping || exit 1' };
  return undefined;
}

// ---------------------------------------------------------------- Kubernetes

function hasProbe(c: K8sContainer, key: string): boolean {
  return isMap(mapGet(c.container, key, c.object.doc));
}

function checkK8s(ctx: RuleContext): void {
  for (const obj of k8sObjects(ctx)) {
    if (!LONG_RUNNING_KINDS.has(obj.kind)) continue;
    for (const c of workloadContainers(obj)) {
      // init containers run to completion (native sidecars included: they sit in initContainers too)
      if (c.init) continue;
      const key = `k8s-probes:${obj.kind}/${obj.name ?? ''}/${c.name ?? ''}`;
      if (hasProbe(c, 'livenessProbe') || hasProbe(c, 'readinessProbe')) {
        ctx.fact(key);
        ctx.fact(HEALTH_CONFIGURED);
        continue;
      }
      // a container without an image is a patch (kustomize strategic merge), not a container of its own
      if (scalarString(mapGet(c.container, 'image', obj.doc)) === undefined) continue;
      const range = c.anchor.range;
      if (!range) continue;
      const suggestion = k8sSuggestion(ctx, c);
      ctx.report({
        messageId: hasProbe(c, 'startupProbe') ? 'startupOnly' : 'container',
        data: { container: c.name ?? '(unnamed)', kind: obj.kind, name: obj.name ?? '(unnamed)' },
        range: [range[0], range[1]],
        suggestions: suggestion ? [suggestion] : [],
        ...(inKustomizeBase(ctx.file.path) ? { unless: { fact: key, scope: 'project' } satisfies ProjectCondition } : {}),
      });
    }
  }
}

function k8sSuggestion(ctx: RuleContext, c: K8sContainer): Fix | undefined {
  const ports = mapGet(c.container, 'ports', c.object.doc);
  let port: string | undefined;
  if (isSeq(ports)) {
    for (const p of ports.items) {
      const proto = scalarString(mapGet(p, 'protocol', c.object.doc));
      const n = scalarString(mapGet(p, 'containerPort', c.object.doc));
      if (n && /^\d+$/.test(n) && (!proto || proto.toUpperCase() === 'TCP')) {
        port = n;
        break;
      }
    }
  }
  if (!port) return undefined;
  const image = scalarString(mapGet(c.container, 'image', c.object.doc)) ?? '';
  const tcp = isInternalService(image, c.name ?? '');
  const check = tcp ? ['  tcpSocket:', `    port: ${port}`] : ['  httpGet:', '    path: /health', `    port: ${port}`];
  const block = [
    'readinessProbe:',
    ...check,
    '  initialDelaySeconds: 5',
    '  periodSeconds: 5',
    'livenessProbe:',
    ...check,
    '  initialDelaySeconds: 30',
    '  periodSeconds: 10',
  ];
  const edit = appendToMap(ctx.file.text, ctx.lines, c.container, block, ctx.style.eol);
  return edit ? { title: tcp ? `Add TCP readiness and liveness probes on port ${port}` : `Add readiness and liveness probes on :${port}/health (check the path)`, edits: [edit] } : undefined;
}

// ---------------------------------------------------------------- compose

/** A healthcheck entry of any kind (`disable: true` and `test: ["NONE"]` are explicit choices). */
function healthcheckOf(svc: ComposeService): 'set' | 'disabled' | undefined {
  const pair = mapPair(svc.def, 'healthcheck', svc.doc);
  if (!pair) return undefined;
  const h = mapGet(svc.def, 'healthcheck', svc.doc);
  if (isMap(h)) {
    if (scalarString(mapGet(h, 'disable', svc.doc)) === 'true') return 'disabled';
    const t = mapGet(h, 'test', svc.doc);
    const first = isSeq(t) ? scalarString(t.items[0]) : scalarString(t);
    if (first?.toUpperCase() === 'NONE') return 'disabled';
  }
  return 'set';
}

/** Images whose own image already defines a HEALTHCHECK. */
const IMAGES_WITH_HEALTHCHECK = /^(vaultwarden\/server|gitlab\/gitlab-(ce|ee)|louislam\/uptime-kuma|pihole\/pihole|jellyfin\/jellyfin|mailserver\/docker-mailserver|docker-mailserver\/docker-mailserver)$/;
function checkCompose(ctx: RuleContext): void {
  const services = composeServices(ctx);
  const dir = dirOf(ctx.file.path);
  // facts: what this file (any compose file, deployed or not) says about its services
  for (const svc of services) {
    const h = svc.def ? healthcheckOf(svc) : undefined;
    if (!h) continue;
    ctx.fact(`compose-healthcheck:${dir}:${svc.name}`);
    // the project's own images (built here, or not a public datastore/server image) get their checks in compose
    if (h === 'set' && (serviceBuild(svc) || (svc.image && !isInternalService(svc.image, svc.name) && !isServerImage(svc.image)))) ctx.fact(HEALTH_CONFIGURED);
  }
  if (!ctx.file.roles.deployed) return;
  const completed = completedDependencies(services);
  const override = isOverrideFile(services);
  for (const svc of services) {
    if (!svc.def || healthcheckOf(svc)) continue;
    if (mapPair(svc.def, 'extends', svc.doc)) continue; // the extended service decides
    if (isOneShotService(svc, completed)) continue;
    if (svc.image && IMAGES_WITH_HEALTHCHECK.test(imageRepo(svc.image))) continue;
    const b = serviceBuild(svc);
    let unless: ProjectCondition | undefined;
    if (b && !b.partial) {
      // the image built here may carry its own HEALTHCHECK
      const place = composeBuild(b.spec, ctx.file.path);
      if (!place) continue;
      unless = { fact: `dockerfile-healthcheck:${place.dockerfile}${place.target ? `#${place.target}` : ''}`, scope: 'project' };
    } else if (override) {
      // an override of a sibling compose file (`-f docker-compose.yml -f docker-compose.prod.yml`): merged with its service
      unless = { fact: `compose-healthcheck:${dir}:${svc.name}`, scope: 'project' };
    }
    const range = svc.key.range;
    if (!range) continue;
    const suggestion = composeSuggestion(ctx, svc);
    ctx.report({
      messageId: 'service',
      data: { service: svc.name },
      range: [range[0], range[1]],
      suggestions: suggestion ? [suggestion] : [],
      ...(unless ? { unless } : {}),
    });
  }
}

/** The container port a service listens on: the target of its first published port, or its first `expose`. */
function servicePort(svc: ComposeService): string | undefined {
  const ports = mapGet(svc.def, 'ports', svc.doc);
  if (isSeq(ports)) {
    for (const p of ports.items) {
      if (isMap(p)) {
        const t = scalarString(mapGet(p, 'target', svc.doc));
        if (t && /^\d+$/.test(t)) return t;
        continue;
      }
      const s = scalarString(p);
      if (!s || /\/udp$/i.test(s)) continue;
      const last = s.replace(/\/tcp$/i, '').split(':').pop() ?? '';
      const m = /^(\d+)(-\d+)?$/.exec(last);
      if (m) return m[1];
    }
  }
  const expose = mapGet(svc.def, 'expose', svc.doc);
  if (isSeq(expose)) {
    for (const e of expose.items) {
      const m = /^(\d+)/.exec(scalarString(e) ?? '');
      if (m) return m[1];
    }
  }
  return undefined;
}

function composeSuggestion(ctx: RuleContext, svc: ComposeService): Fix | undefined {
  if (!svc.def || svc.def.flow) return undefined;
  const list = (xs: string[]) => `[${xs.map((x) => `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(', ')}]`;
  let test: string | undefined;
  let title: string;
  const ds = svc.image ? datastoreCheck(svc.image) : undefined;
  if (ds) {
    test = list(ds.exec);
    title = `Add a healthcheck (${ds.label ?? ds.exec.slice(1, 3).join(' ')})`;
  } else {
    const port = servicePort(svc) ?? (svc.image && isServerImage(svc.image) ? '80' : undefined);
    if (!port) return undefined;
    const path = svc.image && isServerImage(svc.image) ? '/' : '/health';
    const url = `http://localhost${port === '80' ? '' : `:${port}`}${path}`;
    test = list(['CMD-SHELL', `curl -fsS ${url} || wget -qO- ${url} || exit 1`]);
    title = `Add a healthcheck on ${url} (check the path)`;
  }
  const block = ['healthcheck:', `  test: ${test}`, '  interval: 30s', '  timeout: 5s', '  retries: 3', '  start_period: 30s'];
  const edit = appendToMap(ctx.file.text, ctx.lines, svc.def, block, ctx.style.eol);
  return edit ? { title, edits: [edit] } : undefined;
}

