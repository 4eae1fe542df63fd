import {
  defineRule,
  dottedName,
  staticName,
  stringValue,
  ts,
  unwrap,
  type Fix,
  type RuleContext,
} from '../../server/src/engine/api';
import { envAliases, envRead } from '../_lib/envReads';
import { inServerFunction, runtimeSide } from '../_lib/runtimeSide';
import { embedsCredentials, isSecretName, nameWords } from '../_lib/secretNames';

const LOG_METHODS = new Set(['log', 'info', 'debug', 'warn', 'error', 'trace', 'fatal', 'verbose', 'silly', 'http', 'notice', 'critical', 'dir', 'table']);
const LOGGER_RECEIVER = /(^|\.)(console|logger|log|_logger|LOGGER|Logger|appLogger|requestLogger)$/;

/** Last words that make a name a whole record: user, currentUser, account, session, credentials… */
const WHOLE_OBJECT_WORDS = new Set(['user', 'account', 'session', 'credentials', 'creds', 'customer', 'member']);
/** What the fix logs instead of a whole record (the record's id). */
const ID_FIELDS: Record<string, string> = { user: 'userId', account: 'accountId', session: 'sessionId', customer: 'customerId', member: 'memberId' };
/** Calls whose result is a sanitized projection; their arguments are not inspected. */
const SANITIZERS = /^(pick|omit|sanitize\w*|redact\w*|mask\w*|toPublic\w*|toSafe\w*|serialize\w*|toDto|toJSON|mapUser\w*|publicUser|safeUser)$/i;
const CONNECTION_NAMES = /^(DATABASE_URL|DB_URL|DB_URI|DATABASE_URI|MONGO(DB)?_URL|MONGO(DB)?_URI|REDIS_URL|POSTGRES_URL|POSTGRES_PRISMA_URL|PG_URL|MYSQL_URL|CONNECTION_STRING|AMQP_URL|RABBITMQ_URL)$/i;

interface Hit {
  readonly node: ts.Node;
  readonly messageId: 'secretValue' | 'wholeObject' | 'connectionString' | 'typedSecret';
  readonly name: string;
  readonly prop?: string;
  /** the fix, when the whole record can be replaced by its id */
  readonly idField?: string;
}

export default defineRule({
  id: 'logged-secret',
  title: 'Secret or whole record written to logs',
  summary: 'A log call writes a password, token, key, connection string or a whole user/session/request object to the logs.',
  severity: 'error',
  kinds: ['code'],
  scope: 'file',
  checklist: '003 §1.5',
  fixable: true,
  hasSuggestions: false,
  messages: {
    secretValue: '{{logger}}() logs "{{name}}", a secret.',
    wholeObject: '{{logger}}() logs the whole "{{name}}" object, which can carry password hashes, tokens and personal data.',
    connectionString: '{{logger}}() logs "{{name}}", a connection string that can carry a password.',
    typedSecret: '{{logger}}() logs "{{name}}", whose type has a "{{prop}}" field.',
  },
  textHint: /console\.|\blog(ger)?\b|Logger|\.log\./,
  usesTypes: true,
  check(ctx) {
    const sf = ctx.sourceFile;
    // Logs are a server concern: a browser's console is the user's own.
    const side = runtimeSide(sf, ctx.file.path, ctx.packageJson);
    if (side === 'browser') return;
    // A CLI's stdout is its output, not a log: console.* in scripts, bin/ and CLI commands is not reported.
    const cliOutput = ctx.file.roles.script || /(^|\/)(commands|cli)(\/|$)/.test(ctx.file.path);
    let aliases: Set<string> | undefined;
    let redacted: string[] | undefined;
    const loggerVars = new Set<string>();
    for (const st of sf.statements) {
      if (!ts.isVariableStatement(st)) continue;
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !d.initializer) continue;
        const init = unwrap(d.initializer);
        const callee = ts.isCallExpression(init) || ts.isNewExpression(init) ? dottedName(init.expression) : undefined;
        if (callee && /(^|\.)(pino|createLogger|bunyan\.createLogger|winston\.createLogger|Logger|getLogger|child)$/.test(callee)) loggerVars.add(d.name.text);
      }
    }

    /** Paths listed in a pino `redact` option in this file (`redact: ['password', 'req.headers.authorization']`). */
    const redactList = (): string[] => {
      if (redacted) return redacted;
      redacted = [];
      const visit = (n: ts.Node): void => {
        if (ts.isPropertyAssignment(n) && staticName(n.name) === 'redact') {
          const v = unwrap(n.initializer);
          const arr = ts.isArrayLiteralExpression(v) ? v : ts.isObjectLiteralExpression(v) ? paths(v) : undefined;
          if (arr) for (const el of arr.elements) {
            const s = stringValue(el);
            if (s) redacted!.push(s);
          }
        }
        ts.forEachChild(n, visit);
      };
      const paths = (o: ts.ObjectLiteralExpression): ts.ArrayLiteralExpression | undefined => {
        for (const p of o.properties) if (ts.isPropertyAssignment(p) && staticName(p.name) === 'paths' && ts.isArrayLiteralExpression(unwrap(p.initializer))) return unwrap(p.initializer) as ts.ArrayLiteralExpression;
        return undefined;
      };
      if (/\bredact\s*:/.test(sf.text)) visit(sf);
      return redacted;
    };

    function loggerName(call: ts.CallExpression): string | undefined {
      const callee = unwrap(call.expression);
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      const method = callee.name.text;
      if (!LOG_METHODS.has(method)) return undefined;
      const recv = dottedName(callee.expression);
      if (!recv) return undefined;
      if (recv === 'console' || LOGGER_RECEIVER.test(recv) || loggerVars.has(recv) || /(^|\.)(req|request|fastify|app|server|ctx|reply)\.log$/.test(recv)) return `${recv}.${method}`;
      return undefined;
    }

    return {
      CallExpression(node: ts.CallExpression) {
        const logger = loggerName(node);
        if (!logger) return;
        const isConsole = logger.startsWith('console.');
        if (isConsole && cliOutput) return;
        if (side === 'mixed' && !inServerFunction(node)) return;
        const hits: Hit[] = [];
        for (const arg of node.arguments) inspect(arg, hits, 0);
        const redact = isConsole ? [] : redactList();
        for (const h of hits) {
          if (redact.some((p) => p === h.name || p.endsWith(`.${h.name}`) || p.endsWith(`.${lastSegment(h.name)}`) || p === lastSegment(h.name))) continue;
          ctx.report({
            node,
            messageId: h.messageId,
            data: { logger, name: h.name, prop: h.prop ?? '' },
            fix: h.idField ? idFix(ctx, h) : undefined,
          });
          return; // one finding per call
        }
      },
    };

    function inspect(e: ts.Node, hits: Hit[], depth: number): void {
      if (depth > 6) return;
      const n = unwrap(e);
      if (ts.isStringLiteralLike(n) || ts.isNumericLiteral(n)) {
        if (ts.isStringLiteral(n) && n.text.split(/\s+/).some(embedsCredentials)) hits.push({ node: n, messageId: 'connectionString', name: 'a URL with a password' });
        return;
      }
      if (ts.isTemplateExpression(n)) {
        for (const span of n.templateSpans) inspect(span.expression, hits, depth + 1);
        return;
      }
      if (ts.isBinaryExpression(n)) {
        if (n.operatorToken.kind === ts.SyntaxKind.PlusToken || n.operatorToken.kind === ts.SyntaxKind.BarBarToken || n.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) {
          inspect(n.left, hits, depth + 1);
          inspect(n.right, hits, depth + 1);
        }
        return;
      }
      if (ts.isConditionalExpression(n)) {
        inspect(n.whenTrue, hits, depth + 1);
        inspect(n.whenFalse, hits, depth + 1);
        return;
      }
      if (ts.isPrefixUnaryExpression(n) || ts.isTypeOfExpression(n) || ts.isVoidExpression(n)) return;
      if (ts.isObjectLiteralExpression(n)) {
        for (const p of n.properties) {
          if (ts.isShorthandPropertyAssignment(p)) inspectName(p.name, p.name.text, hits, p);
          else if (ts.isPropertyAssignment(p)) {
            const key = staticName(p.name);
            // `{ password: '***' }` / `{ token: redacted }` with a literal value: nothing leaks
            if (key && isSecretName(key) && !ts.isStringLiteralLike(unwrap(p.initializer)) && !isMetadataValue(p.initializer)) {
              hits.push({ node: p, messageId: 'secretValue', name: key });
            } else inspect(p.initializer, hits, depth + 1);
          } else if (ts.isSpreadAssignment(p)) inspect(p.expression, hits, depth + 1);
        }
        return;
      }
      if (ts.isArrayLiteralExpression(n)) {
        for (const el of n.elements) inspect(el, hits, depth + 1);
        return;
      }
      if (ts.isCallExpression(n)) {
        const callee = dottedName(n.expression) ?? '';
        const method = callee.split('.').pop() ?? '';
        if (/^(JSON\.stringify|util\.inspect|inspect|String|stringify)$/.test(callee)) {
          if (n.arguments[0]) inspect(n.arguments[0], hits, depth + 1);
          return;
        }
        if (SANITIZERS.test(method)) return;
        // env reads: process.env.DATABASE_URL, configService.get('JWT_SECRET')
        const r = envRead(n, (aliases ??= envAliases(sf)));
        if (r?.name) judgeEnv(r.name, n, hits);
        return;
      }
      if (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) {
        const r = envRead(n, (aliases ??= envAliases(sf)));
        if (r) {
          if (r.name) judgeEnv(r.name, n, hits);
          return;
        }
        const name = dottedName(n);
        if (!name) return;
        inspectName(n, name, hits, undefined);
      }
    }

    function judgeEnv(name: string, n: ts.Node, hits: Hit[]): void {
      if (CONNECTION_NAMES.test(name)) hits.push({ node: n, messageId: 'connectionString', name });
      else if (isSecretName(name)) hits.push({ node: n, messageId: 'secretValue', name });
    }

    /** Judge a logged identifier or property path by its last segment (and by its type when available). */
    function inspectName(n: ts.Node, path: string, hits: Hit[], shorthand: ts.ShorthandPropertyAssignment | undefined): void {
      const last = lastSegment(path);
      if (/^(err|error|e|ex|exception|reason)$/i.test(last)) return;
      if (isSecretName(last)) {
        hits.push({ node: n, messageId: 'secretValue', name: path });
        return;
      }
      const words = nameWords(last);
      const lastWord = words[words.length - 1];
      const parent = path.includes('.') ? lastSegment(path.slice(0, path.lastIndexOf('.'))) : '';
      const requestish = /^(req|request|ctx|context|event)$/.test(parent) || /(^|\.)request$/.test(path.slice(0, path.lastIndexOf('.')));
      if ((last === 'body' || last === 'headers' || last === 'cookies') && (requestish || !path.includes('.'))) {
        if (last === 'body' && !requestish) return; // a local `body` may be anything; only the request's is reported
        hits.push({ node: n, messageId: 'wholeObject', name: path });
        return;
      }
      if (lastWord && WHOLE_OBJECT_WORDS.has(lastWord) && words.length <= 3 && !/s$/.test(last)) {
        const idField = ID_FIELDS[lastWord];
        hits.push({ node: shorthand ?? n, messageId: 'wholeObject', name: path, idField: idField && ts.isIdentifier(unwrap(n)) ? idField : undefined });
        return;
      }
      if (ctx.checker && !ts.isCallExpression(n)) {
        const prop = secretProperty(n);
        if (prop) hits.push({ node: n, messageId: 'typedSecret', name: path, prop });
      }
    }

    /** With type information: a property of the logged value's type whose name is a secret. */
    function secretProperty(n: ts.Node): string | undefined {
      try {
        const type = ctx.checker!.getTypeAtLocation(n);
        if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike)) return undefined;
        for (const p of type.getApparentProperties().slice(0, 200)) if (isSecretName(p.name)) return p.name;
      } catch {
        return undefined;
      }
      return undefined;
    }
  },
});

function lastSegment(path: string): string {
  const i = path.lastIndexOf('.');
  return i >= 0 ? path.slice(i + 1) : path;
}

/** `token.length`, `!!token`, `typeof token` style values are metadata. */
function isMetadataValue(e: ts.Expression): boolean {
  const n = unwrap(e);
  if (ts.isPrefixUnaryExpression(n) || ts.isTypeOfExpression(n)) return true;
  if (ts.isPropertyAccessExpression(n) && /^(length|size|type|expiresAt|expiresIn|exp)$/.test(n.name.text)) return true;
  if (ts.isBinaryExpression(n) || n.kind === ts.SyntaxKind.TrueKeyword || n.kind === ts.SyntaxKind.FalseKeyword || ts.isNumericLiteral(n)) return true;
  return false;
}

/** `log('User data:', user)` → `log('User data:', { userId: user?.id })`; `{ user }` → `{ userId: user?.id }`. */
function idFix(ctx: RuleContext, h: Hit): Fix | undefined {
  const title = `Log ${h.idField} instead of the whole object`;
  const node = h.node;
  if (ts.isShorthandPropertyAssignment(node)) {
    return { title, edits: [{ start: node.getStart(ctx.sourceFile), end: node.getEnd(), text: `${h.idField}: ${node.name.text}?.id` }] };
  }
  const n = unwrap(node);
  // only a direct argument of the log call: inside a template or a concatenation an object would print badly
  if (!ts.isIdentifier(n) || !ts.isCallExpression(node.parent)) return undefined;
  return { title, edits: [{ start: node.getStart(ctx.sourceFile), end: node.getEnd(), text: `{ ${h.idField}: ${n.text}?.id }` }] };
}
