import {
  defineRule,
  dottedName,
  getProperty,
  staticName,
  stringValue,
  ts,
  unwrap,
  type Fix,
  type NginxDirective,
  type RuleContext,
} from '../../server/src/engine/api';
import { expand, headerEntries, includingHttpHeaders, inherit, innerLevels, levelOf, NO_HEADERS, ownHeaders, type EffectiveHeaders, type Level } from '../_lib/nginxHeaders';

/** Protocol names nginx accepts in `ssl_protocols` that are older than TLS 1.2. */
const OLD_NGINX_PROTOCOLS = new Set(['sslv2', 'sslv3', 'tlsv1', 'tlsv1.1']);
/** Node's `minVersion` / `maxVersion` values below TLS 1.2. */
const OLD_NODE_VERSIONS = new Set(['TLSv1', 'TLSv1.1', 'SSLv3']);
/** OpenSSL method names that pin a protocol older than TLS 1.2 (`TLSv1_2_method` and `TLS_method` are fine). */
const OLD_METHOD = /^(SSLv2|SSLv3|TLSv1|TLSv1_1)(_server|_client)?_method$/;

/** The option keys the code check reads. */
const NODE_TLS_KEY = /minVersion|maxVersion|secureProtocol/;

const HSTS = 'strict-transport-security';
/** Host names of this machine and of reserved test domains (RFC 6761 `.test`, `.localhost`, mDNS `.local`). */
const LOCAL_NAME = /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?|\S*\.(localhost|test|local|invalid))$/i;
const HSTS_LINE = 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;';

export default defineRule({
  id: 'weak-tls',
  title: 'Weak TLS configuration',
  summary: 'TLS allows protocol versions older than 1.2, or an HTTPS server sends no Strict-Transport-Security header.',
  severity: 'error',
  kinds: ['nginx', 'code'],
  scope: 'file',
  checklist: '004 §3.4',
  fixable: true,
  hasSuggestions: false,
  messages: {
    oldProtocols: 'ssl_protocols enables {{versions}}, older than TLS 1.2.',
    noHsts: 'The HTTPS server {{server}} sends no Strict-Transport-Security header.',
    hstsDropped: 'The HTTPS server {{server}} loses its Strict-Transport-Security header: a block with add_header directives of its own does not inherit it.',
    minVersion: "{{key}}: '{{value}}' accepts TLS versions older than 1.2.",
    maxVersion: "{{key}}: '{{value}}' caps TLS below version 1.2.",
    secureProtocol: "secureProtocol: '{{value}}' pins the connection to a protocol older than TLS 1.2.",
    defaultVersion: "{{name}} = '{{value}}' lets every TLS connection of the process use a version older than 1.2.",
  },
  textHint: /TLSv1(?![._]?[23])|SSLv[23]|\blisten\b[^;\n]*\b(?:ssl|quic)\b|\bssl[ \t]+on\b/,
  // code: an old protocol's name in the text (every value the checks flag holds `TLSv1` or `SSLv`), and a key the
  // checks read: a name (`minVersion`, `maxVersion`, `secureProtocol`, `tls.DEFAULT_MIN_VERSION`…) or a computed string key
  codeHint: (ids, text) =>
    (text.includes('TLSv1') || text.includes('SSLv')) &&
    (ids.has('minVersion') || ids.has('maxVersion') || ids.has('secureProtocol') || ids.has('DEFAULT_MIN_VERSION') || ids.has('DEFAULT_MAX_VERSION') || NODE_TLS_KEY.test(text)),
  check(ctx) {
    if (ctx.file.kind === 'nginx') return checkNginx(ctx);
    return codeVisitor(ctx);
  },
});

// ---------------------------------------------------------------- nginx

function checkNginx(ctx: RuleContext): void {
  const top = ctx.nginx.directives;
  const visit = (list: readonly NginxDirective[], http: EffectiveHeaders | undefined, inStream: boolean, depth: number): void => {
    for (const d of list) {
      if (d.name === 'ssl_protocols') checkProtocols(ctx, d);
      if (!d.block || depth > 16) continue;
      if (d.name === 'stream' || d.name === 'mail') {
        visit(d.block, undefined, true, depth + 1);
        continue;
      }
      if (d.name === 'http') {
        const { children, unknown } = expand(ctx, d.block);
        const headers = inherit(ownHeaders(children, unknown), NO_HEADERS);
        visit(d.block, headers, inStream, depth + 1);
        continue;
      }
      if (d.name === 'server' && !inStream) {
        checkServer(ctx, d, http);
        // ssl_protocols inside the server
        visit(d.block, http, inStream, depth + 1);
        continue;
      }
      visit(d.block, http, inStream, depth + 1);
    }
  };
  // a file of server blocks (conf.d/*.conf) inherits from the http block of the nginx.conf that includes it
  const parentHttp = top.some((d) => d.name === 'http') ? undefined : includingHttpHeaders(ctx);
  visit(top, parentHttp, false, 0);
}

function checkProtocols(ctx: RuleContext, d: NginxDirective): void {
  const old = d.args.filter((a) => OLD_NGINX_PROTOCOLS.has(a.value.toLowerCase())).map((a) => a.value);
  if (!old.length || !d.args.length) return;
  const versions = old.length === 1 ? old[0] : `${old.slice(0, -1).join(', ')} and ${old[old.length - 1]}`;
  const first = d.args[0];
  const last = d.args[d.args.length - 1];
  ctx.report({
    messageId: 'oldProtocols',
    data: { versions },
    range: [d.start, d.end],
    fix: { title: 'Allow only TLS 1.2 and 1.3', edits: [{ start: first.start, end: last.end, text: 'TLSv1.2 TLSv1.3' }] },
  });
}

/** A `listen` that serves TLS: `listen 443 ssl`, `listen [::]:443 ssl http2`, `listen 443 quic`. */
function isTlsListen(d: NginxDirective): boolean {
  return d.name === 'listen' && d.args.slice(1).some((a) => a.value === 'ssl' || a.value === 'quic');
}

function checkServer(ctx: RuleContext, server: NginxDirective, http: EffectiveHeaders | undefined): void {
  const { children } = expand(ctx, server.block ?? []);
  const directive = (name: string) => children.filter((c) => c.directive.name === name);
  const sslOn = directive('ssl').some((c) => c.directive.args[0]?.value === 'on');
  const listens = directive('listen');
  // with the old `ssl on;` every listen of the server is TLS
  const tls = sslOn ? listens : listens.filter((c) => isTlsListen(c.directive));
  if (!tls.length) return;
  // a catch-all that refuses unknown hosts serves no site: nothing to protect
  if (directive('ssl_reject_handshake').some((c) => c.directive.args[0]?.value === 'on')) return;
  const ret = directive('return')[0]?.directive;
  if (ret && /^(444|4\d\d|5\d\d)$/.test(ret.args[0]?.value ?? '')) return;

  // a server for this machine or a test domain (localhost, *.test, *.local) is not a production site
  const names = directive('server_name').flatMap((c) => c.directive.args.map((a) => a.value)).filter((n) => n && n !== '_' && n !== '""');
  if (names.length && names.every((n) => LOCAL_NAME.test(n))) return;

  const parent = http ?? NO_HEADERS;
  const level = levelOf(ctx, server, parent);
  if (sendsHsts(level, parent, false)) return;

  // report at the first TLS listen written in this file (or the include that brings it)
  const at = tls.find((c) => !c.via) ?? tls[0];
  const anchor = at.via ?? at.directive;
  const port = /(\d+)$/.exec(at.directive.args[0]?.value ?? '')?.[1] ?? '443';
  const label = names.length ? `"${names[0]}"` : `on port ${port}`;
  const written = headerEntries(parent, HSTS).length > 0 || [level, ...innerLevels(level)].some((l) => [...l.own.add, ...l.own.more].some((e) => e.name === HSTS));
  ctx.report({ messageId: written ? 'hstsDropped' : 'noHsts', data: { server: label }, range: [anchor.start, anchor.end], fix: at.via ? undefined : hstsFix(ctx, server, at.directive, level, parent) });
}

/**
 * Does some response of the server carry HSTS? Every location counts, and the server level itself when requests
 * can end there (no catch-all `location /`); `if` blocks are conditional and do not. `extra`: the server level
 * is given an `add_header Strict-Transport-Security` of its own (what the fix writes).
 */
function sendsHsts(level: Level, parent: EffectiveHeaders, extra: boolean): boolean {
  const inParent = (list: EffectiveHeaders['add']) => parent.unknown || list.some((e) => e.name === HSTS);
  return covered(level, inParent(parent.add), inParent(parent.more), parent.mode ?? 'on', extra, true);
}

type Mode = NonNullable<EffectiveHeaders['mode']>;

function covered(level: Level, parentAdd: boolean, parentMore: boolean, parentMode: Mode, extra: boolean, isServer: boolean): boolean {
  const own = level.own;
  const mode = own.mode ?? parentMode;
  const ownAdd = own.add.length > 0 || own.unknown || extra;
  const ownAddHas = extra || own.unknown || own.add.some((e) => e.name === HSTS);
  const addHas = mode === 'merge' ? parentAdd || ownAddHas : mode === 'off' || ownAdd ? ownAddHas : parentAdd;
  const ownMore = own.more.length > 0 || own.unknown;
  const moreHas = ownMore ? own.unknown || own.more.some((e) => e.name === HSTS) : parentMore;
  const here = addHas || moreHas;
  const counts = level.block.name === 'location' || (isServer && !level.nested.some((l) => isCatchAll(l.block)));
  if (here && counts) return true;
  return level.nested.some((l) => covered(l, addHas, moreHas, mode, false, false));
}

function isCatchAll(block: NginxDirective): boolean {
  if (block.name !== 'location') return false;
  const a = block.args.map((x) => x.value);
  return (a.length === 1 && a[0] === '/') || (a.length === 2 && a[0] === '^~' && a[1] === '/');
}

function hstsFix(ctx: RuleContext, server: NginxDirective, listen: NginxDirective, level: Level, parent: EffectiveHeaders): Fix | undefined {
  // adding a server-level add_header drops the add_headers the server inherits from http: not a safe edit then
  const mode = level.own.mode ?? parent.mode ?? 'on';
  if (mode === 'on' && level.own.add.length === 0 && (parent.add.length > 0 || parent.unknown)) return undefined;
  if (!sendsHsts(level, parent, true)) return undefined;
  const text = ctx.file.text;
  const line = ctx.lines.lineOf(listen.end - 1);
  const lineEnd = ctx.lines.lineEnd(line);
  // only when the listen directive ends its line (a comment may follow) and the server closes on a later line
  if (!/^[ \t]*(#.*)?$/.test(text.slice(listen.end, lineEnd)) || lineEnd >= server.end - 1) return undefined;
  const indent = /^[ \t]*/.exec(ctx.lines.lineText(ctx.lines.lineOf(listen.start)))![0];
  return { title: 'Send Strict-Transport-Security from this server', edits: [{ start: lineEnd, end: lineEnd, text: `${ctx.style.eol}${indent}${HSTS_LINE}` }] };
}

// ---------------------------------------------------------------- Node TLS options

function codeVisitor(ctx: RuleContext) {
  const replaceLiteral = (lit: ts.Node, value: string): Fix['edits'] => {
    const src = ctx.file.text.slice(lit.getStart(ctx.sourceFile), lit.getEnd());
    const q = src[0] === '"' || src[0] === '`' ? src[0] : "'";
    return [{ start: lit.getStart(ctx.sourceFile), end: lit.getEnd(), text: `${q}${value}${q}` }];
  };
  const check = (key: string, valueNode: ts.Expression, at: ts.Node, wholeProperty: ts.Node | undefined, name?: string) => {
    const lit = unwrap(valueNode);
    const value = stringValue(lit);
    if (value === undefined) return;
    if (name && OLD_NODE_VERSIONS.has(value)) {
      const min = key === 'DEFAULT_MIN_VERSION';
      ctx.report({
        node: at,
        messageId: 'defaultVersion',
        data: { name, value },
        fix: min ? { title: 'Require TLS 1.2 or later', edits: replaceLiteral(lit, 'TLSv1.2') } : { title: 'Allow TLS up to 1.3', edits: replaceLiteral(lit, 'TLSv1.3') },
      });
    } else if (key === 'minVersion' && OLD_NODE_VERSIONS.has(value)) {
      ctx.report({ node: at, messageId: 'minVersion', data: { key, value }, fix: { title: 'Require TLS 1.2 or later', edits: replaceLiteral(lit, 'TLSv1.2') } });
    } else if (key === 'maxVersion' && OLD_NODE_VERSIONS.has(value)) {
      ctx.report({ node: at, messageId: 'maxVersion', data: { key, value }, fix: { title: 'Allow TLS up to 1.3', edits: replaceLiteral(lit, 'TLSv1.3') } });
    } else if (key === 'secureProtocol' && OLD_METHOD.test(value)) {
      // `secureProtocol` and `minVersion` exclude each other: the property is replaced as a whole
      const q = ctx.file.text[lit.getStart(ctx.sourceFile)] === '"' ? '"' : "'";
      const obj = wholeProperty?.parent;
      const hasMin = !!obj && ts.isObjectLiteralExpression(obj) && !!getProperty(obj, 'minVersion');
      const fix: Fix | undefined = wholeProperty && !hasMin
        ? { title: 'Require TLS 1.2 or later', edits: [{ start: wholeProperty.getStart(ctx.sourceFile), end: wholeProperty.getEnd(), text: `minVersion: ${q}TLSv1.2${q}` }] }
        : undefined;
      ctx.report({ node: at, messageId: 'secureProtocol', data: { value }, fix });
    }
  };
  return {
    PropertyAssignment(node: ts.PropertyAssignment) {
      const key = staticName(node.name);
      if (key === 'minVersion' || key === 'maxVersion' || key === 'secureProtocol') check(key, node.initializer, node, node);
    },
    BinaryExpression(node: ts.BinaryExpression) {
      // tls.DEFAULT_MIN_VERSION = 'TLSv1'
      if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
      const name = dottedName(node.left) ?? '';
      const m = /(?:^|\.)(DEFAULT_MIN_VERSION|DEFAULT_MAX_VERSION)$/.exec(name);
      if (m) check(m[1], node.right, node, undefined, name);
    },
  };
}
