import {
  defineRule,
  isMap,
  isScalar,
  isSeq,
  mapGet,
  mapPair,
  resolveNode,
  scalarString,
  type Fix,
  type RuleContext,
  type Scalar,
  type TextEdit,
} from '../../server/src/engine/api';
import { isInternalService } from '../_lib/datastores';

/** Split a short-syntax port spec on ':' outside `${…}` and `[…]`. */
export function splitPortSpec(spec: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let depth = 0;
  let bracket = false;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c === '$' && spec[i + 1] === '{') {
      depth++;
      cur += '${';
      i++;
      continue;
    }
    if (c === '}' && depth > 0) depth--;
    else if (c === '[' && depth === 0) bracket = true;
    else if (c === ']' && depth === 0) bracket = false;
    else if (c === ':' && depth === 0 && !bracket) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts;
}

type Bind = 'loopback' | 'all' | 'unknown';

/** What a host IP (literal or `${VAR:-default}`) binds to. */
export function bindOf(ip: string): Bind {
  let s = ip.trim().replace(/^\[|\]$/g, '');
  const v = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}$/.exec(s);
  if (v) {
    if (v[1] === undefined) return 'unknown';
    s = v[1].trim().replace(/^\[|\]$/g, '');
  }
  if (s === '' || s === '0.0.0.0' || s === '::' || s === '*') return 'all';
  if (/^127\./.test(s) || s === '::1' || s === 'localhost') return 'loopback';
  return 'unknown';
}

export default defineRule({
  id: 'exposed-port',
  title: 'Datastore port published on all interfaces',
  summary: 'A compose service of a datastore or internal tool publishes its port on every interface of the host.',
  severity: 'error',
  kinds: ['compose'],
  scope: 'file',
  checklist: '003 §3.2',
  fixable: true,
  hasSuggestions: false,
  messages: {
    allInterfaces: 'Service "{{service}}" publishes port {{port}} on all interfaces.',
    randomHostPort: 'Service "{{service}}" publishes port {{port}} on a random host port on all interfaces.',
  },
  options: {
    internalImages: {
      type: 'string[]',
      default: [],
      description: 'More images (or service names, for services without an image) to treat as internal, e.g. "acme/ledger-db".',
    },
  },
  textHint: /ports\s*:/,
  check(ctx) {
    const extra = (ctx.options.internalImages as readonly string[] | undefined) ?? [];
    for (const doc of ctx.yaml.documents) {
      const services = mapGet(doc.contents, 'services', doc);
      if (!isMap(services)) continue;
      for (const item of services.items) {
        if (!isScalar(item.key)) continue;
        const service = String(item.key.value);
        const def = resolveNode(item.value, doc);
        const image = scalarString(mapGet(def, 'image', doc), doc);
        if (!isInternalService(image, service, extra)) continue;
        const ports = mapGet(def, 'ports', doc);
        if (!isSeq(ports)) continue;
        for (const entry of ports.items) {
          if (isScalar(entry)) checkShort(ctx, service, entry as Scalar);
          else if (isMap(entry)) checkLong(ctx, service, entry, doc);
        }
      }
    }
  },
});

function checkShort(ctx: RuleContext, service: string, node: Scalar): void {
  const raw = scalarString(node);
  if (raw === undefined || !node.range) return;
  const spec = raw.replace(/\/(tcp|udp|sctp)$/i, '');
  const parts = splitPortSpec(spec);
  let bind: Bind;
  let messageId = 'allInterfaces';
  if (parts.length === 1) {
    bind = 'all';
    messageId = 'randomHostPort';
  } else if (parts.length === 2) bind = 'all';
  else bind = bindOf(parts[0]);
  if (bind !== 'all') return;
  const port = parts[parts.length - 1];
  const [start, end] = node.range;
  ctx.report({ messageId, data: { service, port }, range: [start, end], fix: shortFix(ctx, node, parts) });
}

function shortFix(ctx: RuleContext, node: Scalar, parts: string[]): Fix | undefined {
  const [start, end] = node.range!;
  const src = ctx.file.text.slice(start, end);
  const quoted = src.startsWith('"') || src.startsWith("'");
  const valueStart = quoted ? start + 1 : start;
  const text = quoted ? src.slice(1, -1) : src;
  const edits: TextEdit[] = [];
  if (parts.length === 1) edits.push({ start: valueStart, end: valueStart, text: '127.0.0.1::' });
  else if (parts.length === 2) edits.push({ start: valueStart, end: valueStart, text: '127.0.0.1:' });
  else {
    // replace the bind address (first segment) as written in the source
    const first = text.indexOf(parts[0] + ':');
    if (first !== 0) return undefined;
    edits.push({ start: valueStart, end: valueStart + parts[0].length, text: '127.0.0.1' });
  }
  return { title: 'Bind the port to 127.0.0.1', edits };
}

function checkLong(ctx: RuleContext, service: string, entry: import('yaml').YAMLMap, doc: import('yaml').Document): void {
  const target = scalarString(mapGet(entry, 'target', doc));
  if (target === undefined) return;
  const mode = scalarString(mapGet(entry, 'mode', doc));
  if (mode === 'host' && mapGet(entry, 'published', doc) === undefined) return;
  const hostIpPair = mapPair(entry, 'host_ip', doc);
  const hostIp = hostIpPair ? scalarString(hostIpPair.value) : undefined;
  if (hostIpPair && (hostIp === undefined || bindOf(hostIp) !== 'all')) return;
  const published = scalarString(mapGet(entry, 'published', doc));
  const range = entry.range;
  if (!range) return;
  const messageId = published === undefined ? 'randomHostPort' : 'allInterfaces';
  // The finding goes on the entry's first line.
  const firstKey = entry.items[0]?.key as Scalar | undefined;
  const start = firstKey?.range?.[0] ?? range[0];
  const lineEnd = ctx.lines.lineEnd(ctx.lines.lineOf(start));
  ctx.report({ messageId, data: { service, port: target }, range: [start, Math.min(lineEnd, range[1])], fix: longFix(ctx, entry, hostIpPair) });
}

function longFix(ctx: RuleContext, entry: import('yaml').YAMLMap, hostIpPair: ReturnType<typeof mapPair>): Fix | undefined {
  const title = 'Bind the port to 127.0.0.1';
  if (hostIpPair) {
    const v = hostIpPair.value as Scalar | null;
    if (!v?.range) return undefined;
    const src = ctx.file.text.slice(v.range[0], v.range[1]);
    const q = src.startsWith('"') ? '"' : src.startsWith("'") ? "'" : '';
    return { title, edits: [{ start: v.range[0], end: v.range[1], text: `${q}127.0.0.1${q}` }] };
  }
  if (entry.flow) {
    // `{ target: 6379, published: 6379 }` → add `, host_ip: 127.0.0.1` after the last item
    const last = entry.items[entry.items.length - 1];
    const end = (last.value as Scalar | null)?.range?.[1] ?? (last.key as Scalar).range?.[1];
    if (end === undefined) return undefined;
    return { title, edits: [{ start: end, end, text: ', host_ip: 127.0.0.1' }] };
  }
  // Block map: a new line after the entry's first item, at the indentation of its keys.
  const firstKey = entry.items[0]?.key as Scalar | undefined;
  if (!firstKey?.range) return undefined;
  const keyStart = firstKey.range[0];
  const line = ctx.lines.lineOf(keyStart);
  const col = keyStart - ctx.lines.lineStart(line);
  const firstValue = entry.items[0].value as Scalar | null;
  const afterFirst = firstValue?.range ? firstValue.range[1] : firstKey.range[1];
  const valueLine = ctx.lines.lineOf(afterFirst);
  const insertAt = ctx.lines.lineEnd(valueLine);
  return { title, edits: [{ start: insertAt, end: insertAt, text: `${ctx.style.eol}${' '.repeat(col)}host_ip: 127.0.0.1` }] };
}
