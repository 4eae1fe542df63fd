import {
  defineRule,
  dottedName,
  getProperty,
  isMap,
  isScalar,
  isSeq,
  mapGet,
  resolveNode,
  scalarString,
  staticName,
  ts,
  unwrap,
  type Fix,
  type RuleContext,
  type YAMLMap,
} from '../../server/src/engine/api';
import { composeServices, serviceEnvironment, type ComposeService } from '../_lib/compose';
import { isInternalService } from '../_lib/datastores';
import { envAliases, envModuleImports, envRead, envStaticImports, isEnvObject } from '../_lib/envReads';
import { isSampleOrLocalPath } from '../_lib/httpApps';
import { containerEnv, k8sObjects, podSpec, workloadContainers } from '../_lib/k8s';
import { runtimeSide } from '../_lib/runtimeSide';

// ---------------------------------------------------------------------------------------------------------
// What a local target looks like

/**
 * A value whose host is the machine itself: `localhost`, `127.x.x.x`, `[::1]`, with or without a scheme, user
 * info, port and path (`redis://:pw@127.0.0.1:6379/0`, `localhost:9092`). `0.0.0.0` only inside a URL with a
 * scheme (as a bare host it is a bind address).
 */
const LOCAL = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(?:[^@/\s]*@)?(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1|0\.0\.0\.0)(?=$|[:/?#,;])/i;

export interface LocalTarget {
  readonly host: string;
  readonly scheme: string | undefined;
  readonly port: string | undefined;
}

export function localTarget(value: string): LocalTarget | undefined {
  const v = value.trim();
  const m = LOCAL.exec(v);
  if (!m) return undefined;
  const scheme = m[1]?.toLowerCase();
  const host = m[2].toLowerCase();
  if (host === '0.0.0.0' && !scheme) return undefined;
  const rest = v.slice(m[0].length);
  const port = /^:(\d{1,5})/.exec(rest)?.[1];
  return { host, scheme, port };
}

/** Names of bind addresses: a server listening on localhost is not a connection target. */
const BIND_NAME = /^(HOST|HOSTNAME|BIND|BIND_(ADDR|ADDRESS|HOST|IP)|LISTEN|LISTEN_(ADDR|ADDRESS|HOST|IP)|ADDRESS|ADDR|IP|INTERFACE|SERVER_(HOST|HOSTNAME|ADDR|ADDRESS|BIND)|APP_HOST|HTTP_(HOST|BIND|ADDR)|WEB_HOST|PUBLIC_HOST|LISTEN_HOST|NITRO_HOST|NUXT_HOST|[A-Z0-9_]*_(BIND|LISTEN)(_[A-Z]+)?)$/i;
/** Allowlists and proxy exclusions: localhost listed is not a target. */
const ALLOWLIST_NAME = /ORIGIN|CORS|ALLOW|TRUSTED|WHITELIST|BLACKLIST|DENYLIST|NO_?PROXY|REDIRECT_(HOSTS|DOMAINS)|CSP|CONNECT_SRC|DOMAINS?$/i;
/** The process's own address, by its name: `BACKEND_INTERNAL_URL` in an all-in-one image, `SELF_URL`, a sidecar's. */
const SELF_NAME = /(^|_)(INTERNAL|SELF|LOOPBACK|SIDECAR|LOCALHOST)(_|$)|ADVERTISED|ANNOUNCE/i;
/** Agents that run next to the process by design (an OTel collector, the Datadog or statsd agent): localhost is their default. */
const AGENT_NAME = /OTEL|OTLP|JAEGER|ZIPKIN|DD_AGENT|DD_TRACE|DATADOG|STATSD|PYROSCOPE|SPOTLIGHT|TELEMETRY_AGENT|FLUENT|VECTOR_/i;
/** Explicitly local or test values: `LOCAL_API_URL`, `devServerUrl`, `TEST_DB_URL`, `EXAMPLE_URL`. */
const LOCAL_NAME = /(^|[^a-z])(local|dev|development|test|testing|example|sample|mock|fake|stub|emulator|e2e|playwright|cypress|storybook|debug|sandbox)([^a-z]|$)|^(local|dev|test|mock|fake|emulator)[A-Z]/i;

/** Names that hold a connection target: `*_URL`, `*Uri`, `endpoint`, `dsn`, `connectionString`, `brokers`. */
function isUrlName(name: string): boolean {
  const n = name.replace(/[^a-z0-9]/gi, '').toLowerCase();
  if (/(url|uri|urls|uris|endpoint|endpoints|dsn|connectionstring|connstring|connectionuri|baseurl|brokers|broker|servers|nodes|seeds|contactpoints|bootstrapservers|destination|issuer|authority|webhook|callback|redirect|proxy)$/.test(n)) return true;
  return false;
}
/** Host names that are datastore or service targets by their prefix: `REDIS_HOST`, `dbHost`, `smtpHostname`. */
const SERVICE_PREFIX = /^(redis|valkey|cache|db|database|pg|postgres|postgresql|psql|mysql|mariadb|mongo|mongodb|sql|mssql|smtp|mail|mailer|email|rabbit|rabbitmq|amqp|mq|broker|kafka|nats|mqtt|elastic|elasticsearch|es|opensearch|meili|meilisearch|typesense|clickhouse|minio|s3|storage|memcache|memcached|queue|bull|temporal|neo4j|cassandra|influx|influxdb|qdrant|weaviate|milvus|chroma|api|backend|upstream|auth|keycloak|vault|consul|etcd|grpc|ws|socket|websocket|proxy|gateway|service|svc|worker|graphql|hasura|supabase|search|loki|tempo|prometheus|grafana)/i;

function isServiceHostName(name: string): boolean {
  const n = name.replace(/[^a-z0-9]/gi, '').toLowerCase();
  if (!/(host|hostname|hosts|server|address|addr)$/.test(n)) return false;
  const prefix = n.replace(/(host|hostname|hosts|server|address|addr)$/, '');
  return prefix.length > 0 && SERVICE_PREFIX.test(prefix);
}

// ---------------------------------------------------------------------------------------------------------
// Code

/** Calls that connect to, or send a request to, their first argument. */
const CONNECT_CALLEES = new Set([
  'connect', 'createClient', 'createConnection', 'createPool', 'createCluster', 'createPoolCluster', 'Redis', 'IORedis', 'Cluster', 'Pool', 'Client', 'MongoClient',
  'Sequelize', 'postgres', 'neon', 'drizzle', 'driver', 'Kafka', 'createTransport', 'fetch', '$fetch', 'ofetch', 'got', 'ky', 'axios', 'request', 'needle', 'superagent',
  'WebSocket', 'EventSource', 'io', 'connectAsync', 'open', 'Memcached', 'Memcache', 'MeiliSearch', 'Meilisearch', 'createRedisClient', 'RedisClient', 'Queue', 'Worker',
  'PrismaClient', 'ApolloClient', 'HttpLink', 'createHttpLink', 'GraphQLClient', 'createTRPCClient', 'httpBatchLink', 'httpLink', 'createApiClient', 'redirect', 'proxy', 'createProxyMiddleware',
]);
const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'stream']);
/** Calls whose options describe a server's own listening address. */
const BIND_CALLEES = /^(listen|serve|createServer|startServer|start|server|Server|startStandaloneServer|run|bind|createAdaptorServer)$/;

const FIX_ARRAY_TITLE = 'Allow localhost only in development';

/** A local address as the text holds it: the files with a local target to report. */
const LOCAL_TEXT = /localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]/;

const TEST_TOOLING = /(^|\/)[^/]*(testcontainers?|test-?utils?|test-?helpers?|testing|e2e|integration-tests?|load-?tests?|perf(ormance)?-?tests?|stress-?tests?|k6|benchmarks?|mocks?|msw|fixtures?|seeds?|seeders?)[^/]*\//i;

export default defineRule({
  id: 'hardcoded-localhost',
  title: 'Hard-coded localhost connection target',
  summary: 'Production code or config connects to localhost, which points at the container itself once deployed.',
  severity: 'warning',
  kinds: ['code', 'next.config', 'compose', 'k8s', 'dotenv'],
  scope: 'file',
  checklist: '003 §5.1',
  fixable: true,
  hasSuggestions: true,
  messages: {
    envFallback: '{{name}} falls back to {{value}} when it is not set.',
    fallback: '{{name}} falls back to {{value}}.',
    target: '{{name}} is hard-coded to {{value}}.',
    nextImages: 'images.{{list}} allows {{value}} in production builds.',
    composeEnv: 'Service "{{service}}" points {{name}} at {{value}}.',
    composeDefault: 'Service "{{service}}" falls back to {{value}} for {{name}}.',
    composePublic: 'Service "{{service}}" sets the public URL {{name}} to {{value}} in a deployed compose file.',
    k8sEnv: 'Container "{{container}}" points {{name}} at {{value}}.',
    dotenv: '{{name}} points at {{value}} in a deployed environment file.',
  },
  textHint: LOCAL_TEXT,
  // code: a local address in the text (only strings hold one), outside the paths codeVisitor skips by their name
  // (samples and local entrypoints, healthchecks, test tooling)
  codeHint: (_ids, text, { path }) => LOCAL_TEXT.test(text) && !skippedCodePath(path),
  check(ctx) {
    switch (ctx.file.kind) {
      case 'code':
      case 'next.config':
        return codeVisitor(ctx);
      case 'compose':
        checkCompose(ctx);
        return;
      case 'k8s':
        checkK8s(ctx);
        return;
      case 'dotenv':
        checkDotenv(ctx);
        return;
      default:
        return;
    }
  },
});

const show = (v: string): string => JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);

/**
 * Code paths with nothing to report, by the path alone: samples and local entrypoints, container healthchecks (they
 * call the container itself), and test tooling that lives outside test folders (`testcontainers/`, `test-utils/`,
 * `e2e-helpers/`).
 */
function skippedCodePath(path: string): boolean {
  const base = path.split('/').pop() ?? '';
  return isSampleOrLocalPath(path) || /health-?check|healthz|probe/i.test(base) || TEST_TOOLING.test(path);
}

function codeVisitor(ctx: RuleContext) {
  const pkg = ctx.packageJson;
  const path = ctx.file.path;
  // one-off CLIs, local tools, samples, healthchecks, test tooling
  if (ctx.file.roles.script || pkg?.hasBin || skippedCodePath(path)) return undefined;
  // desktop and editor hosts talk to the processes they start on the user's machine
  if (pkg && ['electron', '@tauri-apps/api', 'vscode', '@types/vscode'].some((d) => pkg.dependencies.has(d))) return undefined;
  // a test package (`@acme/testing`)
  if (/(^|[/@-])(test|tests|testing|e2e|mocks?|fixtures?)([/-]|$)/i.test(pkg?.name ?? '')) return undefined;
  const sf = ctx.sourceFile;
  const isNextConfig = ctx.file.kind === 'next.config';
  let aliases: Set<string> | undefined;
  let statics: Map<string, string> | undefined;
  const envNames = (): { aliases: Set<string>; statics: Map<string, string> } => {
    if (!aliases) {
      aliases = envAliases(sf);
      for (const n of envModuleImports(sf)) aliases.add(n);
      statics = envStaticImports(sf);
    }
    return { aliases, statics: statics! };
  };
  let side: ReturnType<typeof runtimeSide> | undefined;
  const browser = (): boolean => !isNextConfig && (side ??= runtimeSide(sf, path, pkg)) === 'browser';

  /** The env variable read somewhere in `e` (`process.env.X`, `env.X`, `configService.get('X')`). */
  const envIn = (e: ts.Node): { name: string } | undefined => {
    const { aliases: a, statics: s } = envNames();
    let found: string | undefined;
    const test = (n: ts.Node): boolean => {
      if (found !== undefined) return true;
      const r = envRead(n, a, s);
      if (r) found = r.name ?? 'the variable';
      return !!r;
    };
    if (!test(e)) {
      const rec = (n: ts.Node): void => {
        if (found !== undefined || ts.isFunctionLike(n)) return;
        if (!test(n)) ts.forEachChild(n, rec);
      };
      ts.forEachChild(e, rec);
    }
    return found !== undefined ? { name: found } : undefined;
  };

  function check(lit: ts.Node, value: string): void {
    const t = localTarget(value);
    if (!t) return;
    if (isNextConfig && nextImages(ctx, lit, value)) return;
    if (locallyGated(lit)) return;
    // climb concatenations and wrappers: 'http://localhost:' + port, `${base}` stays the literal itself
    let expr: ts.Node = lit;
    for (;;) {
      const p = expr.parent;
      if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p) || ts.isNonNullExpression(p)) expr = p;
      else if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.PlusToken && p.left === expr) expr = p;
      else break;
    }
    // const DEFAULT_HOST = 'localhost'; … config.host || DEFAULT_HOST: reported where the constant is the fallback
    const decl = expr.parent;
    if (ts.isVariableDeclaration(decl) && decl.initializer === expr && ts.isIdentifier(decl.name) && ts.isVariableDeclarationList(decl.parent) && decl.parent.flags & ts.NodeFlags.Const) {
      const uses = nameUses(sf).fallbacks.get(decl.name.text);
      if (uses?.length) {
        for (const use of uses) {
          if (locallyGated(use) || quietByEnclosingName(use)) continue;
          const v = fallbackVerdict(use.left, use, t);
          if (!v || (v.kind !== 'envFallback' && browser())) continue;
          ctx.report({ node: use.right, messageId: v.kind, data: { name: v.name, value: show(value) } });
        }
        return;
      }
    }
    const verdict = judge(expr, t);
    if (!verdict || quietByEnclosingName(expr)) return;
    if (verdict.kind !== 'envFallback' && browser()) return;
    ctx.report({
      node: lit,
      messageId: verdict.kind,
      data: { name: verdict.name, value: show(value) },
      suggestions: suggestion(ctx, verdict, expr, lit),
    });
  }

  type Verdict = { kind: 'envFallback' | 'fallback' | 'target'; name: string; envName?: string };

  function judge(expr: ts.Node, t: LocalTarget): Verdict | undefined {
    const p = expr.parent;
    // process.env.X || 'localhost', config.host ?? 'localhost', a || b || 'http://localhost:3000'
    if (ts.isBinaryExpression(p) && p.right === expr && (p.operatorToken.kind === ts.SyntaxKind.BarBarToken || p.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
      return fallbackVerdict(p.left, p, t);
    }
    // process.env.X ? process.env.X : 'localhost'
    if (ts.isConditionalExpression(p) && p.whenFalse === expr) {
      const env = envIn(p.condition);
      if (env) return nameOk(env.name, t) ? { kind: 'envFallback', name: env.name, envName: env.name } : undefined;
    }
    // const { REDIS_HOST = 'localhost' } = process.env
    if (ts.isBindingElement(p) && p.initializer === expr) {
      const decl = p.parent.parent;
      const name = staticName(p.propertyName ?? p.name) ?? '';
      if (ts.isVariableDeclaration(decl) && decl.initializer && isEnvObject(decl.initializer, envNames().aliases)) {
        return nameOk(name, t) ? { kind: 'envFallback', name, envName: name } : undefined;
      }
      return undefined;
    }
    if (ts.isCallExpression(p) || ts.isNewExpression(p)) {
      const args = p.arguments ?? ts.factory.createNodeArray();
      const idx = args.indexOf(expr as ts.Expression);
      if (idx < 0) return undefined;
      // configService.get('REDIS_HOST', 'localhost'), Env.get('DB_HOST', '127.0.0.1')
      if (ts.isCallExpression(p) && idx === 1) {
        const r = envRead(p, envNames().aliases);
        if (r) return nameOk(r.name ?? '', t) ? { kind: 'envFallback', name: r.name ?? 'the variable', envName: r.name } : undefined;
      }
      const callee = unwrap(p.expression);
      const method = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      // z.string().url().default('http://localhost:3000') in an env schema
      if (method === 'default' && idx === 0 && ts.isPropertyAccessExpression(callee)) {
        const key = enclosingKey(p);
        // Joi: .when('NODE_ENV', { is: 'production', then: Joi.required(), otherwise: Joi.string().default(…) })
        if (key === 'otherwise' || key === 'then') return undefined;
        return key && nameOk(key, t) && !LOCAL_NAME.test(key) ? { kind: 'envFallback', name: key, envName: key } : undefined;
      }
      if (idx !== 0) return undefined;
      if (ts.isNewExpression(p) && method === 'URL') return undefined; // new URL('http://localhost/x'): parsing, judged where it is used
      const label = dottedName(callee) ?? method;
      if (CONNECT_CALLEES.has(method)) {
        return { kind: 'target', name: `The first argument of ${ts.isNewExpression(p) ? 'new ' : ''}${label}()`, envName: (t.scheme && SCHEME_ENV[t.scheme]) || CONNECT_ENV[method] };
      }
      if (HTTP_METHODS.has(method) && t.scheme && /^(https?|wss?)$/.test(t.scheme) && ts.isPropertyAccessExpression(callee)) {
        return { kind: 'target', name: `The URL of ${label}()` };
      }
      return undefined;
    }
    // { host: 'localhost' }, { baseURL: 'http://localhost:4000' }
    if (ts.isPropertyAssignment(p) && p.initializer === expr) {
      const key = staticName(p.name);
      if (!key) return undefined;
      return propertyVerdict(key, p.parent as ts.ObjectLiteralExpression, t);
    }
    // brokers: ['localhost:9092']
    if (ts.isArrayLiteralExpression(p)) {
      const holder = p.parent;
      if (ts.isPropertyAssignment(holder) && holder.initializer === p) {
        const key = staticName(holder.name) ?? '';
        const obj = holder.parent as ts.ObjectLiteralExpression;
        if (/^(brokers|servers|nodes|hosts|urls|seeds|contactPoints|bootstrapServers|clusterNodes|rootNodes|startupNodes|sentinels|endpoints)$/.test(key) && !inBindObject(obj)) {
          // no suggestion: a list read from one variable needs a split the suggestion cannot choose
          return { kind: 'target', name: optionLabel(obj, key) };
        }
      }
      return undefined;
    }
    // const API_URL = 'http://localhost:4000'; export const REDIS_HOST = 'localhost'
    if (ts.isVariableDeclaration(p) && p.initializer === expr && ts.isIdentifier(p.name)) {
      const name = p.name.text;
      if (LOCAL_NAME.test(name) || ALLOWLIST_NAME.test(name) || /default/i.test(name) || usedAsUrlBase(p, name)) return undefined;
      if (isUrlName(name) && (t.scheme || /(brokers?|servers|nodes)$/i.test(name))) return { kind: 'target', name, envName: name };
      if (isServiceHostName(name)) return { kind: 'target', name, envName: name };
      return undefined;
    }
    // axios.defaults.baseURL = 'http://localhost:3000'; config.redis.host = 'localhost'
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === expr) {
      const left = unwrap(p.left);
      const key = ts.isPropertyAccessExpression(left) ? left.name.text : ts.isIdentifier(left) ? left.text : undefined;
      if (!key || LOCAL_NAME.test(key) || ALLOWLIST_NAME.test(key)) return undefined;
      if ((isUrlName(key) && t.scheme) || isServiceHostName(key) || (/^(baseURL|baseUrl|url|uri)$/.test(key) && t.scheme)) return { kind: 'target', name: dottedName(left) ?? key };
      return undefined;
    }
    return undefined;
  }

  /** `X || 'localhost'`: an env read on the left, or a host/URL-named value, or a constant that names one. */
  function fallbackVerdict(left: ts.Expression, bin: ts.BinaryExpression, t: LocalTarget): Verdict | undefined {
    const env = envIn(left);
    const holder = holderName(bin);
    if (env) {
      if (!nameOk(env.name, t)) return undefined;
      // `host: process.env.HOST || 'localhost'` binds; `host: process.env.DB_HOST || 'localhost'` connects
      const named = isServiceHostName(env.name) || isUrlName(env.name);
      if (holder && ((!named && BIND_NAME.test(holder)) || ALLOWLIST_NAME.test(holder))) return undefined;
      if (holder && flowsIntoListen(bin, holder)) return undefined;
      return { kind: 'envFallback', name: env.name, envName: env.name };
    }
    // redisConfig.host || 'localhost', options.baseUrl ?? 'http://localhost:3000'
    const l = unwrap(left);
    const leftName = ts.isPropertyAccessExpression(l) ? l.name.text : ts.isIdentifier(l) ? l.text : ts.isElementAccessExpression(l) ? staticName(l.argumentExpression) : undefined;
    const name = leftName ?? holder;
    // a plain `host` is judged by where it goes; `HOST`-like names otherwise bind
    const plainHost = (n: string) => /^(host|hostname)$/i.test(n);
    if (!name || LOCAL_NAME.test(name) || ALLOWLIST_NAME.test(name) || (BIND_NAME.test(name) && !plainHost(name))) return undefined;
    if (holder && (LOCAL_NAME.test(holder) || ALLOWLIST_NAME.test(holder) || (BIND_NAME.test(holder) && !plainHost(holder)) || flowsIntoListen(bin, holder))) return undefined;
    if (inBindContext(bin)) return undefined;
    const hosty = plainHost(name) || isServiceHostName(name);
    const toClient = !!holder && nameUses(bin.getSourceFile()).clientArgs.has(holder);
    if ((isUrlName(name) && t.scheme) || (hosty && (toClient || serviceContext(bin, name)))) return { kind: 'fallback', name: dottedName(l) ?? name };
    return undefined;
  }

  /** A `host:`/`hostname:` fallback is a target when it sits in a client's options or is named after a service. */
  function serviceContext(at: ts.Node, name: string): boolean {
    if (isServiceHostName(name)) return true;
    const obj = at.parent && ts.isPropertyAssignment(at.parent) ? (at.parent.parent as ts.ObjectLiteralExpression) : undefined;
    if (obj) return clientObject(obj);
    const holder = holderName(at);
    return !!holder && isServiceHostName(holder);
  }

  function propertyVerdict(key: string, obj: ts.ObjectLiteralExpression, t: LocalTarget): Verdict | undefined {
    if (LOCAL_NAME.test(key) || ALLOWLIST_NAME.test(key)) return undefined;
    if (inBindObject(obj) || openApiServer(obj)) return undefined;
    const target = (): Verdict => ({ kind: 'target', name: optionLabel(obj, key), envName: optionEnv(obj, key) });
    if (/^(host|hostname)$/i.test(key)) return clientObject(obj) ? target() : undefined;
    if (isServiceHostName(key)) return target();
    if (isUrlName(key) && (t.scheme || /(brokers?|servers|nodes)$/i.test(key))) return target();
    return undefined;
  }

  const literal = (node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): void => {
    if (ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent) || ts.isExternalModuleReference(node.parent) || ts.isLiteralTypeNode(node.parent)) return;
    check(node, node.text);
  };
  return {
    StringLiteral: literal,
    NoSubstitutionTemplateLiteral: literal,
    TemplateExpression(node: ts.TemplateExpression) {
      check(node, node.head.text + (node.templateSpans.length ? '${…}' : ''));
    },
  };
}

/**
 * Inside something named as an allowlist, a local or test setting, or a default table:
 * `LOCAL_DEVELOPMENT_CALLOUT_WHITELIST = { hosts: ['localhost'] }`, `devConfig.redis.host`, `testing: { url }`.
 */
function quietByEnclosingName(node: ts.Node): boolean {
  for (let n: ts.Node = node.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isBlock(n)) return false;
    const name = ts.isPropertyAssignment(n) ? staticName(n.name) : ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) ? n.name.text : undefined;
    if (name && (ALLOWLIST_NAME.test(name) || LOCAL_NAME.test(name) || /^(defaults?|fallbacks?|examples?|placeholders?)$/i.test(name))) return true;
  }
  return false;
}

/**
 * Names that may fall back to localhost: not bind addresses, allowlists, image registries (the Docker daemon
 * resolves those on the host) or explicitly local values. A bare host (`'localhost'`, no scheme) only for names
 * of a service's host or URL (`REDIS_HOST`, `DB_HOST`, `KAFKA_BROKERS`): `METRICS_HOST` is where a server binds.
 */
function nameOk(name: string, t: LocalTarget): boolean {
  if (BIND_NAME.test(name) || ALLOWLIST_NAME.test(name) || LOCAL_NAME.test(name) || REGISTRY_NAME.test(name) || SELF_NAME.test(name) || AGENT_NAME.test(name)) return false;
  if (t.host === '0.0.0.0' && !t.scheme) return false;
  if (!t.scheme) return isServiceHostName(name) || isUrlName(name);
  return true;
}

const REGISTRY_NAME = /REGISTRY/i;

/** The name the expression is stored under: `const X = …`, `X: …`, `this.X = …`. */
function holderName(node: ts.Node): string | undefined {
  let e: ts.Node = node;
  while (ts.isParenthesizedExpression(e.parent) || ts.isAsExpression(e.parent) || ts.isNonNullExpression(e.parent) || (ts.isBinaryExpression(e.parent) && e.parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken && e.parent.right === e) || ts.isCallExpression(e.parent) && ts.isPropertyAccessExpression(e.parent.expression) && e.parent.expression.expression === e) {
    e = e.parent;
  }
  const p = e.parent;
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (ts.isPropertyAssignment(p)) return staticName(p.name);
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const l = unwrap(p.left);
    return ts.isPropertyAccessExpression(l) ? l.name.text : ts.isIdentifier(l) ? l.text : undefined;
  }
  if (ts.isPropertyDeclaration(p)) return staticName(p.name);
  return undefined;
}

/** The property key a schema call sits under: `REDIS_URL: z.string().default('redis://localhost')`. */
function enclosingKey(node: ts.Node): string | undefined {
  let e: ts.Node = node;
  while (ts.isCallExpression(e.parent) || ts.isPropertyAccessExpression(e.parent)) e = e.parent;
  const p = e.parent;
  if (ts.isPropertyAssignment(p)) return staticName(p.name);
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
}

/** Per file, computed once: names used as `new URL(path, base)` bases, and names handed to listen/serve calls. */
interface NameUses {
  readonly urlBases: ReadonlySet<string>;
  readonly bound: ReadonlySet<string>;
  /** `x || NAME`, `x ?? NAME`: constants used as fallbacks */
  readonly fallbacks: ReadonlyMap<string, ts.BinaryExpression[]>;
  /** names handed to a client: `new Redis(port, host)`, `createClient({ host })` */
  readonly clientArgs: ReadonlySet<string>;
}
const nameUsesMemo = new WeakMap<ts.SourceFile, NameUses>();

function nameUses(sf: ts.SourceFile): NameUses {
  const cached = nameUsesMemo.get(sf);
  if (cached) return cached;
  const urlBases = new Set<string>();
  const bound = new Set<string>();
  const fallbacks = new Map<string, ts.BinaryExpression[]>();
  const clientArgs = new Set<string>();
  const collectInto = (into: Set<string>) => {
    const rec = (x: ts.Node): void => {
      if (ts.isIdentifier(x)) into.add(x.text);
      else if (ts.isShorthandPropertyAssignment(x)) into.add(x.name.text);
      if (!ts.isFunctionLike(x)) ts.forEachChild(x, rec);
    };
    return rec;
  };
  const collect = collectInto(bound);
  const collectClient = collectInto(clientArgs);
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n) && ts.isIdentifier(unwrap(n.expression)) && (unwrap(n.expression) as ts.Identifier).text === 'URL') {
      const base = n.arguments?.[1] ? unwrap(n.arguments[1]) : undefined;
      if (base && ts.isIdentifier(base)) urlBases.add(base.text);
    } else if (ts.isCallExpression(n)) {
      const callee = unwrap(n.expression);
      const method = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      if (BIND_CALLEES.test(method)) for (const a of n.arguments) collect(a);
      else if (CONNECT_CALLEES.has(method)) for (const a of n.arguments) collectClient(a);
    } else if (ts.isNewExpression(n)) {
      const callee = unwrap(n.expression);
      const method = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      if (CONNECT_CALLEES.has(method)) for (const a of n.arguments ?? []) collectClient(a);
    } else if (ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.BarBarToken || n.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) && ts.isIdentifier(n.right)) {
      const list = fallbacks.get(n.right.text);
      if (list) list.push(n);
      else fallbacks.set(n.right.text, [n]);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const out = { urlBases, bound, fallbacks, clientArgs };
  nameUsesMemo.set(sf, out);
  return out;
}

/** `const base = 'http://localhost'; new URL(path, base)`: a parse base, not a target. */
function usedAsUrlBase(at: ts.Node, name: string): boolean {
  return nameUses(at.getSourceFile()).urlBases.has(name);
}

/** Does the variable `name` end up in a `listen(…)` / `serve({ hostname })` call of the file? */
function flowsIntoListen(at: ts.Node, name: string): boolean {
  return nameUses(at.getSourceFile()).bound.has(name);
}

/** Is the object (or an object around it) the options of a server's own listen/serve call, or a `server:`/`listen:` section? */
function inBindObject(obj: ts.ObjectLiteralExpression): boolean {
  for (let n: ts.Node = obj; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isObjectLiteralExpression(n)) {
      const p = n.parent;
      if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && !!p.arguments?.some((a) => a === n)) {
        const callee = unwrap(p.expression);
        const method = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
        return BIND_CALLEES.test(method);
      }
      if (ts.isPropertyAssignment(p) && /^(server|listen|bind|devServer|http|https|hmr|preview|dev)$/i.test(staticName(p.name) ?? '')) return true;
    } else if (!ts.isPropertyAssignment(n) && !ts.isArrayLiteralExpression(n)) return false;
  }
  return false;
}

function inBindContext(node: ts.Node): boolean {
  const p = node.parent;
  if (ts.isPropertyAssignment(p) && ts.isObjectLiteralExpression(p.parent)) return inBindObject(p.parent);
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && !!p.arguments?.some((a) => a === node)) {
    const callee = unwrap(p.expression);
    const method = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    return BIND_CALLEES.test(method);
  }
  return false;
}

/** OpenAPI `servers: [{ url: 'http://localhost:3000', description: 'Local' }]`: documentation of where to try the API. */
function openApiServer(obj: ts.ObjectLiteralExpression): boolean {
  if (getProperty(obj, 'description')) return true;
  const arr = obj.parent;
  const holder = arr && ts.isArrayLiteralExpression(arr) ? arr.parent : undefined;
  return !!holder && ts.isPropertyAssignment(holder) && staticName(holder.name) === 'servers';
}

/**
 * A `host:` in a client's options: the object is an argument of a non-server call (`new Redis({ host })`,
 * `createTransport({ host })`), or it holds credentials / a database, or it is named after a service.
 */
function clientObject(obj: ts.ObjectLiteralExpression): boolean {
  const keys = new Set<string>();
  for (const p of obj.properties) {
    const k = p.name ? staticName(p.name)?.toLowerCase() : undefined;
    if (!k) continue;
    // `db: 0` is a Redis index; `db: 'mongodb://…'` in an app config is not a client option
    if (k === 'db' && !(ts.isPropertyAssignment(p) && ts.isNumericLiteral(unwrap(p.initializer)))) continue;
    keys.add(k);
  }
  const creds = ['user', 'username', 'password', 'database', 'dbname', 'db', 'auth', 'keyprefix', 'maxretriesperrequest', 'family', 'requiretls'].some((k) => keys.has(k));
  if (creds && (keys.has('port') || (keys.has('user') || keys.has('username')) && keys.has('password'))) return true;
  const p = obj.parent;
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && !!p.arguments?.some((a) => a === obj)) {
    const callee = unwrap(p.expression);
    const method = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    return !BIND_CALLEES.test(method) && method !== 'defineConfig';
  }
  const holder = ts.isPropertyAssignment(p) ? staticName(p.name) : ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) ? p.name.text : undefined;
  return !!holder && SERVICE_PREFIX.test(holder) && !LOCAL_NAME.test(holder);
}

/**
 * Gated on something local that the engine's dev/test gating does not know by name:
 * `isLocal ? 'http://localhost:3000' : …`, `if (useEmulator) …`, the else branch of `isProduction ? … : …`.
 */
function locallyGated(node: ts.Node): boolean {
  const LOCALISH = /local|dev|test|debug|emulat|offline|selfhost|standalone|docker|cypress|playwright|e2e|mock|isCI|^CI$/i;
  const PRODISH = /prod|production|vercel|netlify|cloud|remote|lambda|deployed|isLive/i;
  let child: ts.Node = node;
  for (let n: ts.Node | undefined = node.parent; n && !ts.isSourceFile(n); child = n, n = n.parent) {
    let cond: ts.Node | undefined;
    let branch: 'then' | 'else' | undefined;
    if (ts.isConditionalExpression(n) && child !== n.condition) {
      cond = n.condition;
      branch = child === n.whenTrue ? 'then' : 'else';
    } else if (ts.isIfStatement(n) && child !== n.expression) {
      cond = n.expression;
      branch = child === n.thenStatement ? 'then' : 'else';
    } else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && child === n.right) {
      cond = n.left;
      branch = 'then';
    }
    if (!cond || !branch) continue;
    const text = condText(cond);
    const negated = /^!/.test(text.trim()) || /!==?\s*['"`](development|dev|local|test)/.test(text);
    const local = LOCALISH.test(text);
    const prod = PRODISH.test(text);
    const thenIsLocal = local && !prod ? !negated : prod && !local ? negated : undefined;
    if (thenIsLocal === undefined) continue;
    if ((branch === 'then') === thenIsLocal) return true;
  }
  return false;
}

function condText(cond: ts.Node): string {
  const names: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) names.push(n.text);
    else if (ts.isStringLiteral(n)) names.push(`'${n.text}'`);
    ts.forEachChild(n, visit);
  };
  const u = unwrap(cond);
  if (ts.isPrefixUnaryExpression(u) && u.operator === ts.SyntaxKind.ExclamationToken) return `!${condText(u.operand)}`;
  visit(u);
  if (ts.isIdentifier(u)) return u.text;
  if (ts.isBinaryExpression(u)) {
    const op = u.operatorToken.kind;
    const ne = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    return `${names.filter((x) => !x.startsWith("'")).join(' ')} ${ne ? '!==' : '==='} ${names.filter((x) => x.startsWith("'")).join(' ')}`;
  }
  return names.join(' ');
}

// ---------------------------------------------------------------------------------------------------------
// next.config: images.domains / images.remotePatterns

function nextImages(ctx: RuleContext, lit: ts.Node, value: string): boolean {
  // images.domains: ['localhost', …]
  const arr = lit.parent;
  if (ts.isArrayLiteralExpression(arr) && arrayKey(arr) === 'domains' && underImages(arr)) {
    ctx.report({ node: lit, messageId: 'nextImages', data: { list: 'domains', value: show(value) }, fix: wrapElementFix(ctx, lit as ts.Expression) });
    return true;
  }
  // images.remotePatterns: [{ protocol: 'http', hostname: 'localhost', port: '3000' }, …]
  const prop = lit.parent;
  if (ts.isPropertyAssignment(prop) && staticName(prop.name) === 'hostname' && ts.isObjectLiteralExpression(prop.parent)) {
    const obj = prop.parent;
    const list = obj.parent;
    if (ts.isArrayLiteralExpression(list) && arrayKey(list) === 'remotePatterns' && underImages(list)) {
      ctx.report({ node: lit, messageId: 'nextImages', data: { list: 'remotePatterns', value: show(value) }, fix: wrapElementFix(ctx, obj) });
      return true;
    }
  }
  return false;
}

function arrayKey(arr: ts.ArrayLiteralExpression): string | undefined {
  return ts.isPropertyAssignment(arr.parent) ? staticName(arr.parent.name) : undefined;
}

function underImages(arr: ts.ArrayLiteralExpression): boolean {
  const obj = arr.parent.parent;
  return ts.isObjectLiteralExpression(obj) && ts.isPropertyAssignment(obj.parent) && staticName(obj.parent.name) === 'images';
}

/** `'localhost'` → `...(process.env.NODE_ENV === 'development' ? ['localhost'] : [])` (the checklist's own fix). */
function wrapElementFix(ctx: RuleContext, element: ts.Expression): Fix | undefined {
  if (!ts.isArrayLiteralExpression(element.parent)) return undefined;
  const sf = ctx.sourceFile;
  const start = element.getStart(sf);
  const text = sf.text.slice(start, element.getEnd());
  return {
    title: FIX_ARRAY_TITLE,
    edits: [{ start, end: element.getEnd(), text: `...(process.env.NODE_ENV === ${ctx.style.str('development')} ? [${text}] : [])` }],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Suggestions: read the URL from the environment (the variable's name is a choice, so never a fix)

function suggestion(ctx: RuleContext, verdict: { kind: string; name: string; envName?: string }, expr: ts.Node, lit: ts.Node): Fix[] | undefined {
  const sf = ctx.sourceFile;
  if (verdict.kind === 'envFallback' || verdict.kind === 'fallback') {
    // drop `|| 'http://localhost:3000'` and fail at startup when the variable is missing
    const bin = expr.parent;
    if (ts.isBinaryExpression(bin) && bin.right === expr) {
      return [{ title: 'Remove the localhost fallback', edits: [{ start: bin.left.getEnd(), end: expr.getEnd(), text: '' }] }];
    }
    return undefined;
  }
  if (expr !== lit || !verdict.envName) return undefined;
  const envVar = envVarName(verdict.envName);
  if (!envVar) return undefined;
  return [{ title: `Read it from process.env.${envVar}`, edits: [{ start: lit.getStart(sf), end: lit.getEnd(), text: `process.env.${envVar}` }] }];
}

/** The environment variable a connection string usually comes from, by its scheme. */
const SCHEME_ENV: Record<string, string> = {
  redis: 'REDIS_URL', rediss: 'REDIS_URL', mongodb: 'MONGODB_URI', 'mongodb+srv': 'MONGODB_URI', postgres: 'DATABASE_URL', postgresql: 'DATABASE_URL', mysql: 'DATABASE_URL',
  mariadb: 'DATABASE_URL', amqp: 'AMQP_URL', amqps: 'AMQP_URL', nats: 'NATS_URL', mqtt: 'MQTT_URL', smtp: 'SMTP_URL', smtps: 'SMTP_URL', neo4j: 'NEO4J_URI', bolt: 'NEO4J_URI',
};

/** The environment variable a connection string usually comes from, by the client that takes it. */
const CONNECT_ENV: Record<string, string> = {
  Redis: 'REDIS_URL', IORedis: 'REDIS_URL', createClient: 'REDIS_URL', Cluster: 'REDIS_URL', Queue: 'REDIS_URL', Worker: 'REDIS_URL',
  connect: 'DATABASE_URL', createConnection: 'DATABASE_URL', createPool: 'DATABASE_URL', Pool: 'DATABASE_URL', Client: 'DATABASE_URL', Sequelize: 'DATABASE_URL', postgres: 'DATABASE_URL', neon: 'DATABASE_URL', drizzle: 'DATABASE_URL', PrismaClient: 'DATABASE_URL',
  MongoClient: 'MONGODB_URI', Kafka: 'KAFKA_BROKERS', createTransport: 'SMTP_URL', driver: 'NEO4J_URI', Memcached: 'MEMCACHED_SERVERS', MeiliSearch: 'MEILI_HOST', Meilisearch: 'MEILI_HOST',
};

/** `new Redis({ host })` → "The host option of new Redis()", `db.host`, `config.redis.url`. */
function optionLabel(obj: ts.ObjectLiteralExpression, key: string): string {
  const owner = ownerOf(obj);
  if (owner?.call) return `The ${key} option of ${owner.call}`;
  return owner?.path ? `${owner.path}.${key}` : key;
}

/** The variable a suggestion reads: `const cache = new Redis({ host })` → CACHE_HOST; `INVENTORY_URL` as written. */
function optionEnv(obj: ts.ObjectLiteralExpression, key: string): string | undefined {
  const generic = /^(host|hostname|url|uri|baseURL|baseUrl|endpoint|brokers|servers|nodes|hosts|urls|dsn|connectionString|address)$/i.test(key);
  if (!generic) return key;
  const owner = ownerOf(obj);
  const holder = owner?.holder;
  return holder ? `${holder}_${key.replace(/^base/i, 'base_')}` : undefined;
}

function ownerOf(obj: ts.ObjectLiteralExpression): { call?: string; path?: string; holder?: string } | undefined {
  const p = obj.parent;
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.arguments?.some((a) => a === obj)) {
    const name = dottedName(p.expression);
    const call = name && name.length <= 40 ? `${ts.isNewExpression(p) ? 'new ' : ''}${name}()` : undefined;
    let e: ts.Node = p;
    while (ts.isAwaitExpression(e.parent) || ts.isParenthesizedExpression(e.parent)) e = e.parent;
    const holder = ts.isVariableDeclaration(e.parent) && ts.isIdentifier(e.parent.name) ? e.parent.name.text : undefined;
    return { call, holder };
  }
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return { path: p.name.text, holder: p.name.text };
  if (ts.isPropertyAssignment(p) && ts.isObjectLiteralExpression(p.parent)) {
    const key = staticName(p.name);
    const up = ownerOf(p.parent);
    if (!key) return up;
    if (up?.call) return { call: up.call, holder: key };
    return { path: up?.path ? `${up.path}.${key}` : key, holder: key };
  }
  return undefined;
}

/** `baseURL` → BASE_URL, `redisHost` → REDIS_HOST, `API_URL` → API_URL; undefined for generated labels. */
function envVarName(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  if (/^[A-Z0-9_]+$/.test(name)) return name;
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}

// ---------------------------------------------------------------------------------------------------------
// Compose, Kubernetes, dotenv

/** `${DATABASE_URL:-postgres://localhost/app}` → the default; a plain value → itself; `${X}` → undefined. */
function composeValue(value: string): { value: string; defaulted: boolean } | undefined {
  const m = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(.*)\}$/.exec(value.trim());
  if (m) return { value: m[1], defaulted: true };
  if (/^\$\{[^}]*\}$|^\$[A-Za-z_][A-Za-z0-9_]*$/.test(value.trim())) return undefined;
  return { value, defaulted: false };
}

/** Browser-facing URLs: on a developer's machine localhost is right for them; only a deployed file is wrong. */
const PUBLIC_NAME = /^(NEXT_PUBLIC_|VITE_|REACT_APP_|PUBLIC_|NUXT_PUBLIC_|EXPO_PUBLIC_|GATSBY_)|(^|_)(PUBLIC|EXTERNAL|WEBAPP|WEB|APP|SITE|FRONTEND|CLIENT|DASHBOARD|BASE|CALLBACK|REDIRECT|NEXTAUTH|AUTH|CANONICAL|ROOT|HOST|MAIN)_?(URL|URI|ORIGIN|DOMAIN|ENDPOINT|HOST)$|^(NEXTAUTH_URL|AUTH_URL|BETTER_AUTH_URL|APP_URL|BASE_URL|SITE_URL|PUBLIC_URL|ORIGIN)$/;
/** Datastore connections: never reached through the host, whatever port is published. */
const DATASTORE_NAME = /(^|_)(DATABASE|DB|PG|POSTGRES|POSTGRESQL|MYSQL|MARIADB|MONGO|MONGODB|REDIS|VALKEY|AMQP|RABBIT|RABBITMQ|KAFKA|ELASTIC|ELASTICSEARCH|OPENSEARCH|CLICKHOUSE|MEMCACHED?|NATS|CASSANDRA|NEO4J|SQL)(_|$)/i;

function portsOf(svc: ComposeService): Set<string> {
  const out = new Set<string>();
  const ports = mapGet(svc.def, 'ports', svc.doc);
  if (isSeq(ports)) {
    for (const item of ports.items) {
      const r = resolveNode(item, svc.doc);
      if (isScalar(r)) {
        for (const part of String(r.value).split(/[:/]/)) if (/^\d+$/.test(part)) out.add(part);
      } else if (isMap(r)) {
        for (const k of ['target', 'published']) {
          const v = scalarString(mapGet(r, k, svc.doc));
          if (v) out.add(v);
        }
      }
    }
  }
  const expose = mapGet(svc.def, 'expose', svc.doc);
  if (isSeq(expose)) for (const item of expose.items) out.add(String(scalarString(item) ?? '').split('/')[0]);
  return out;
}

/** The host side of a service's published ports (`"9090:9000"` → 9090, `"127.0.0.1:5432:5432"` → 5432, long syntax `published`). */
function hostPorts(svc: ComposeService): string[] {
  const out: string[] = [];
  const ports = mapGet(svc.def, 'ports', svc.doc);
  if (!isSeq(ports)) return out;
  for (const item of ports.items) {
    const r = resolveNode(item, svc.doc);
    if (isScalar(r)) {
      const parts = String(r.value).replace(/\/\w+$/, '').split(':');
      if (parts.length >= 2) out.push(parts[parts.length - 2].replace(/^\$\{[^}]*:-(\d+)\}$/, '$1'));
      else out.push(parts[0]);
    } else if (isMap(r)) {
      const v = scalarString(mapGet(r, 'published', svc.doc));
      if (v) out.push(v);
    }
  }
  return out;
}

function checkCompose(ctx: RuleContext): void {
  const roles = ctx.file.roles;
  if (roles.dev || roles.ci) return;
  const services = composeServices(ctx);
  // ports published to the host by any service: on the developer's machine `localhost:<port>` reaches them
  const published = new Set<string>();
  for (const svc of services) for (const p of hostPorts(svc)) published.add(p);
  for (const svc of services) {
    if (!svc.def) continue;
    // a datastore's or broker's own settings (KAFKA_ADVERTISED_LISTENERS, a single-node quorum) describe itself
    if (isInternalService(svc.image, svc.name)) continue;
    const mode = scalarString(mapGet(svc.def, 'network_mode', svc.doc)) ?? '';
    // the host's network, or another container's: localhost is that machine or that container
    if (/^(host|service:|container:)/.test(mode)) continue;
    const env = serviceEnvironment(svc);
    // a service that declares itself a development one (NODE_ENV=development) runs on a developer's machine
    if (env.some((e) => /^(NODE_ENV|APP_ENV|RAILS_ENV|ENVIRONMENT|ENV|FLASK_ENV|MIX_ENV)$/.test(e.key) && /^(dev|development|local|test)$/i.test(e.value ?? ''))) continue;
    let own: Set<string> | undefined;
    for (const e of env) {
      if (e.value === undefined) continue;
      const cv = composeValue(e.value);
      if (!cv) continue;
      const t = localTarget(cv.value);
      if (!t || !envEntryIsTarget(e.key, t)) continue;
      own ??= new Set([...portsOf(svc), ...env.filter((x) => /^(PORT|[A-Z_]*_PORT)$/.test(x.key) && x.value).map((x) => x.value!)]);
      // the service calling itself (its own published or exposed port)
      if (t.port && own.has(t.port)) continue;
      const browserFacing = PUBLIC_NAME.test(e.key) || (!!t.port && published.has(t.port) && !DATASTORE_NAME.test(e.key));
      if (browserFacing && !roles.deployed) continue;
      const messageId = browserFacing ? 'composePublic' : cv.defaulted ? 'composeDefault' : 'composeEnv';
      ctx.report({ range: e.range, messageId, data: { service: svc.name, name: e.key, value: show(cv.value) } });
    }
  }
}

/** An environment entry of compose / Kubernetes / dotenv: 0.0.0.0 is always a bind address there, a bare host needs a service's name. */
function envEntryIsTarget(key: string, t: LocalTarget): boolean {
  if (BIND_NAME.test(key) || /LISTENERS?|QUORUM/i.test(key) || ALLOWLIST_NAME.test(key) || REGISTRY_NAME.test(key) || SELF_NAME.test(key) || AGENT_NAME.test(key)) return false;
  if (t.host === '0.0.0.0') return false;
  if (!t.scheme) return isServiceHostName(key) || isUrlName(key) || DATASTORE_NAME.test(key);
  return true;
}

function checkK8s(ctx: RuleContext): void {
  for (const obj of k8sObjects(ctx)) {
    const pod = podSpec(obj);
    if (!pod) continue;
    if (scalarString(mapGet(pod, 'hostNetwork', obj.doc)) === 'true' || mapGet(pod, 'hostNetwork', obj.doc)?.toString() === 'true') continue;
    const containers = workloadContainers(obj);
    // sidecars (a Cloud SQL proxy, an OTel collector, an Envoy) answer on the pod's localhost
    const sidecars = containers.filter((c) => !c.init || scalarString(mapGet(c.container, 'restartPolicy', obj.doc)) === 'Always');
    if (sidecars.length > 1) continue;
    for (const c of containers) {
      if (c.init) continue;
      const ports = new Set<string>();
      const list = mapGet(c.container, 'ports', obj.doc);
      if (isSeq(list)) for (const p of list.items) {
        const r = resolveNode(p, obj.doc);
        if (isMap(r)) {
          const v = scalarString(mapGet(r as YAMLMap, 'containerPort', obj.doc));
          if (v) ports.add(v);
        }
      }
      for (const e of containerEnv(c)) {
        if (e.value === undefined) continue;
        const t = localTarget(e.value);
        if (!t || !envEntryIsTarget(e.name, t)) continue;
        if (t.port && ports.has(t.port)) continue;
        ctx.report({ range: e.range, messageId: 'k8sEnv', data: { container: c.name ?? obj.name ?? obj.kind, name: e.name, value: show(e.value) } });
      }
    }
  }
}

function checkDotenv(ctx: RuleContext): void {
  if (!ctx.file.roles.deployed) return;
  for (const e of ctx.dotenv.entries) {
    const t = localTarget(e.value);
    if (!t || !envEntryIsTarget(e.key, t)) continue;
    ctx.report({ range: [e.keyStart, e.valueEnd], messageId: 'dotenv', data: { name: e.key, value: show(e.value) } });
  }
}
