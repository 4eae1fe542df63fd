/**
 * Images and service names of datastores and internal services: things that must never be published on
 * every interface of a host. Matched on the image's repository name (registry and tag stripped).
 */
const INTERNAL = [
  // relational
  'postgres', 'postgresql', 'postgis', 'timescaledb', 'pgvector', 'mysql', 'mariadb', 'percona', 'mssql', 'sqlserver', 'cockroach', 'cockroachdb', 'yugabyte',
  // key-value and caches
  'redis', 'redis-stack', 'redis-stack-server', 'valkey', 'keydb', 'dragonfly', 'memcached', 'etcd',
  // document, search, columnar, time series
  'mongo', 'mongodb', 'mongodb-community-server', 'couchdb', 'couchbase', 'cassandra', 'scylla', 'neo4j', 'arangodb', 'rethinkdb',
  'elasticsearch', 'opensearch', 'meilisearch', 'typesense', 'solr', 'clickhouse', 'clickhouse-server', 'influxdb', 'questdb',
  'qdrant', 'weaviate', 'milvus', 'chroma', 'surrealdb',
  // brokers
  'rabbitmq', 'kafka', 'cp-kafka', 'cp-zookeeper', 'zookeeper', 'nats', 'redpanda', 'pulsar', 'activemq', 'emqx', 'mosquitto', 'eclipse-mosquitto',
  // object storage
  'minio',
  // metrics store (its UI and API have no authentication)
  'prometheus',
  // admin UIs
  'adminer', 'pgadmin', 'pgadmin4', 'phpmyadmin', 'mongo-express', 'redis-commander', 'redisinsight', 'kafka-ui', 'kafdrop', 'pgweb',
];
const INTERNAL_SET = new Set(INTERNAL);

/** `docker.io/bitnami/redis:7.2@sha256:…` → `redis`; `postgres:16-alpine` → `postgres`. */
export function imageName(image: string): string {
  let s = image.trim();
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash) s = s.slice(0, colon);
  return s.slice(slash + 1).toLowerCase();
}

/** Is this image (or, without an image, this service name) a datastore or internal service? */
export function isInternalService(image: string | undefined, serviceName: string, extraImages: readonly string[] = []): boolean {
  const extra = extraImages.map((e) => e.toLowerCase());
  if (image !== undefined) {
    // A variable image (`${REDIS_IMAGE:-redis:7}`) is judged by its default.
    const m = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]+)\}$/.exec(image.trim());
    const img = m ? m[1] : image;
    if (/\$\{/.test(img)) return false;
    const name = imageName(img);
    const full = img.toLowerCase().split(/[:@]/)[0];
    if (extra.some((e) => e === name || e === full)) return true;
    return INTERNAL_SET.has(name) || INTERNAL_SET.has(name.replace(/-(alpine|server|community)$/, ''));
  }
  const svc = serviceName.toLowerCase();
  if (extra.includes(svc)) return true;
  return INTERNAL_SET.has(svc) || /^(postgres|postgresql|mysql|mariadb|mongo|mongodb|redis|memcached|elasticsearch|opensearch|rabbitmq|kafka|zookeeper|minio|clickhouse|influxdb)([-_]?\d*|[-_](db|cache|primary|replica|master))?$/.test(svc);
}
