import {
  defineRule,
  dottedName,
  isMap,
  isScalar,
  isSeq,
  mapGet,
  removeProperty,
  resolveNode,
  scalarString,
  staticName,
  stringValue,
  ts,
  unwrap,
  type RuleContext,
} from '../../server/src/engine/api';
import { isLocalDotenv } from '../_lib/dotenvScope';

/** The query parameters `disablesTlsToRemoteHost` looks for. */
const TLS_OFF_PARAM = /sslmode=disable|ssl=false|tls=false/i;

/** `sslmode=disable` (or `ssl=false`) in a connection URL whose host is a remote, fully qualified one. */
export function disablesTlsToRemoteHost(value: string): boolean {
  if (!/[?&](sslmode=disable|ssl=false|tls=false)\b/i.test(value)) return false;
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?]+)/i.exec(value.trim());
  if (!m) return false;
  const host = m[1].toLowerCase();
  // this machine, a variable, or a single-label name (a compose service or a cluster-local service on a private network)
  return !(host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '0.0.0.0' || host.startsWith('$') || !host.includes('.'));
}

export default defineRule({
  id: 'tls-verification-disabled',
  title: 'TLS certificate verification turned off',
  summary: 'TLS certificate verification is turned off, so connections accept any certificate and can be intercepted.',
  severity: 'error',
  kinds: ['code', 'compose', 'dotenv'],
  scope: 'file',
  checklist: '004 §3.4, 001 ph.3',
  fixable: true,
  hasSuggestions: false,
  messages: {
    rejectUnauthorized: '{{key}}: false accepts any TLS certificate.',
    envVar: 'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate checks for the whole process.',
    sslmodeDisable: 'The connection string to {{host}} turns TLS off ({{param}}).',
    pgsslmodeDisable: 'PGSSLMODE=disable turns TLS off for the connection to {{host}}.',
  },
  textHint: /rejectUnauthorized|strictSSL|NODE_TLS_REJECT_UNAUTHORIZED|sslmode=disable|ssl=false|tls=false|PGSSLMODE/i,
  // code: the names the checks read (`rejectUnauthorized`/`strictSSL` keys and members, `env.NODE_TLS_REJECT_UNAUTHORIZED`),
  // the two keys written as computed strings (`['strictSSL']: false`, not names), and a URL (`://`, or `:\/` escaped) that turns TLS off
  codeHint: (ids, text) =>
    ids.has('rejectUnauthorized') ||
    ids.has('strictSSL') ||
    ids.has('NODE_TLS_REJECT_UNAUTHORIZED') ||
    (text.includes('Unauthorized') && text.includes('rejectUnauthorized')) ||
    (text.includes('SSL') && text.includes('strictSSL')) ||
    ((text.includes('://') || text.includes(':\\/')) && TLS_OFF_PARAM.test(text)),
  check(ctx) {
    if (ctx.file.kind === 'compose') return checkCompose(ctx);
    if (ctx.file.kind === 'dotenv') return checkDotenv(ctx);
    const sf = ctx.sourceFile;
    return {
      PropertyAssignment(node: ts.PropertyAssignment) {
        const key = staticName(node.name);
        if ((key === 'rejectUnauthorized' || key === 'strictSSL') && unwrap(node.initializer).kind === ts.SyntaxKind.FalseKeyword) {
          ctx.report({ node, messageId: 'rejectUnauthorized', data: { key }, fix: { title: `Remove ${key}: false`, edits: removeProperty(sf, ctx.lines, node) } });
        }
      },
      BinaryExpression(node: ts.BinaryExpression) {
        if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
        const target = dottedName(node.left) ?? '';
        const value = unwrap(node.right);
        // process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'
        if (/(^|\.)env\.NODE_TLS_REJECT_UNAUTHORIZED$/.test(target) && (stringValue(value) === '0' || (ts.isNumericLiteral(value) && value.text === '0'))) {
          const st = node.parent;
          const fix = ts.isExpressionStatement(st) ? { title: 'Remove the override', edits: [lineRemoval(ctx, st)] } : undefined;
          ctx.report({ node, messageId: 'envVar', fix });
          return;
        }
        // https.globalAgent.options.rejectUnauthorized = false
        if (/\.(rejectUnauthorized|strictSSL)$/.test(target) && value.kind === ts.SyntaxKind.FalseKeyword) {
          ctx.report({ node, messageId: 'rejectUnauthorized', data: { key: target.split('.').pop()! } });
        }
      },
      StringLiteral(node: ts.StringLiteral) {
        reportUrl(ctx, node.text, [node.getStart(sf), node.getEnd()]);
      },
      NoSubstitutionTemplateLiteral(node: ts.NoSubstitutionTemplateLiteral) {
        reportUrl(ctx, node.text, [node.getStart(sf), node.getEnd()]);
      },
    };
  },
});

function reportUrl(ctx: RuleContext, value: string, range: [number, number]): void {
  if (!disablesTlsToRemoteHost(value)) return;
  const host = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?]+)/i.exec(value.trim())![1];
  const param = /(sslmode=disable|ssl=false|tls=false)/i.exec(value)![1];
  ctx.report({ range, messageId: 'sslmodeDisable', data: { host, param } });
}

/** The statement's whole line when it is alone on it, else just the statement. */
function lineRemoval(ctx: RuleContext, st: ts.Statement): { start: number; end: number; text: string } {
  const sf = ctx.sourceFile;
  const start = st.getStart(sf);
  const line = ctx.lines.lineOf(start);
  const lineStart = ctx.lines.lineStart(line);
  const endLine = ctx.lines.lineOf(st.getEnd());
  if (/^[ \t]*$/.test(sf.text.slice(lineStart, start)) && /^[ \t]*$/.test(sf.text.slice(st.getEnd(), ctx.lines.lineEnd(endLine)))) {
    const to = endLine < ctx.lines.lineCount ? ctx.lines.lineStart(endLine + 1) : sf.text.length;
    return { start: lineStart, end: to, text: '' };
  }
  return { start, end: st.getEnd(), text: '' };
}

function checkCompose(ctx: RuleContext): void {
  for (const doc of ctx.yaml.documents) {
    const services = mapGet(doc.contents, 'services', doc);
    if (!isMap(services)) continue;
    for (const item of services.items) {
      const env = mapGet(resolveNode(item.value, doc), 'environment', doc);
      const entries: { key: string; value: string | undefined; node: { range?: [number, number, number] | null } }[] = [];
      if (isMap(env)) {
        for (const p of env.items) if (isScalar(p.key)) entries.push({ key: String(p.key.value), value: scalarString(p.value), node: p.key as never });
      } else if (isSeq(env)) {
        for (const el of env.items) {
          const s = scalarString(el);
          if (s === undefined) continue;
          const eq = s.indexOf('=');
          entries.push({ key: eq < 0 ? s : s.slice(0, eq), value: eq < 0 ? undefined : s.slice(eq + 1), node: el as never });
        }
      }
      for (const e of entries) {
        const range = e.node.range;
        if (!range || e.value === undefined) continue;
        if (e.key === 'NODE_TLS_REJECT_UNAUTHORIZED' && e.value.trim() === '0') {
          ctx.report({ range: [range[0], range[1]], messageId: 'envVar' });
        } else reportUrl(ctx, e.value, [range[0], range[1]]);
      }
    }
  }
}

/** A remote, fully qualified host (not this machine, a variable or a single-label service name). */
function remoteHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  return !(h === '' || h === 'localhost' || h.startsWith('127.') || h === '::1' || h === '[::1]' || h === '0.0.0.0' || h.startsWith('$') || h.startsWith('/') || !h.includes('.'));
}

function checkDotenv(ctx: RuleContext): void {
  if (isLocalDotenv(ctx)) return;
  const env = ctx.dotenv;
  for (const e of env.entries) {
    const range: [number, number] = [e.keyStart, Math.max(e.keyEnd, e.valueEnd)];
    if (e.key === 'NODE_TLS_REJECT_UNAUTHORIZED' && e.value.trim() === '0') {
      ctx.report({ range, messageId: 'envVar', fix: { title: 'Remove the override', edits: [entryLineRemoval(ctx, e.keyStart, e.valueEnd)] } });
      continue;
    }
    if (e.key === 'PGSSLMODE' && e.value.trim().toLowerCase() === 'disable') {
      const host = env.get('PGHOST')?.value ?? '';
      if (remoteHost(host)) ctx.report({ range, messageId: 'pgsslmodeDisable', data: { host: host.trim() } });
      continue;
    }
    if (disablesTlsToRemoteHost(e.value)) reportUrl(ctx, e.value, range);
  }
}

/** The entry's whole line (an `export ` prefix included) when nothing else is on it; else just the entry. */
function entryLineRemoval(ctx: RuleContext, start: number, end: number): { start: number; end: number; text: string } {
  const text = ctx.file.text;
  const line = ctx.lines.lineOf(start);
  const lineStart = ctx.lines.lineStart(line);
  const endLine = ctx.lines.lineOf(Math.max(start, end - 1));
  const lineEnd = ctx.lines.lineEnd(endLine);
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd);
  if (/^[ \t]*(export[ \t]+)?$/.test(before) && /^[ \t]*(#.*)?$/.test(after)) {
    const to = endLine < ctx.lines.lineCount ? ctx.lines.lineStart(endLine + 1) : text.length;
    // the last line of a file without a trailing newline: take the line break before it instead
    if (to === text.length && lineStart > 0 && !/\n$/.test(text.slice(lineStart, to))) {
      const prevBreak = text[lineStart - 2] === '\r' ? lineStart - 2 : lineStart - 1;
      return { start: prevBreak, end: to, text: '' };
    }
    return { start: lineStart, end: to, text: '' };
  }
  return { start, end, text: '' };
}
