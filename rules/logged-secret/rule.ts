import {
  defineRule,
  dottedName,
  removeProperty,
  staticName,
  stringValue,
  ts,
  unwrap,
  type Fix,
  type RuleContext,
  type TextEdit,
} from '../../server/src/engine/api';
import { envAliases, envRead, isEnvObject } from '../_lib/envReads';
import { LoggerBindings, logCall, loggerFactory, mayHaveLogCall, redactCovers, redactPaths, redactValue } from '../_lib/loggedSecretLoggers';
import { inServerFunction, runtimeSide } from '../_lib/runtimeSide';
import { embedsCredentials, isSecretName, nameWords } from '../_lib/secretNames';

/** Last words that make a name a whole record. (`credentials`/`creds` are secret names of their own.) */
const RECORD_WORDS = new Set(['user', 'account', 'session']);
/** Words allowed before a record word: `currentUser`, `authSession`, `existingAccount`; not `stripeAccount`, `chatSession`. */
const RECORD_QUALIFIERS = new Set([
  'current', 'auth', 'authed', 'authenticated', 'logged', 'in', 'signed', 'session', 'user', 'db', 'existing', 'new',
  'created', 'updated', 'found', 'target', 'admin', 'me', 'my', 'the', 'req', 'request', 'local', 'full', 'raw', 'app',
  'server', 'active', 'verified', 'login', 'owner', 'this', 'prev', 'previous', 'next', 'old', 'stored', 'saved',
]);
/** What the fix logs instead of a whole record. */
const ID_FIELDS: Record<string, string> = { user: 'userId', account: 'accountId', session: 'sessionId' };
/** Words before a secret word that make it something else: coupon codes, CSRF tokens, parser tokens, page cursors. */
const NOT_A_CREDENTIAL = new Set(['coupon', 'promo', 'promotion', 'discount', 'voucher', 'referral', 'csrf', 'xsrf', 'lexer', 'parser', 'tokenizer', 'syntax', 'page', 'pagination', 'cursor', 'continuation']);
/** Words that make a name a one-way derivative: a token's hash cannot be replayed (a password's can be cracked). */
const HASH_WORDS = new Set(['hash', 'hashed', 'digest', 'fingerprint', 'checksum', 'sha', 'sha1', 'sha256', 'sha512']);
const PASSWORD_WORDS = /^(password|passwd|passphrase|pass|pwd)$/;
/** Words of a value's name that say it was masked: `maskedKey`, `redactedToken`, `tokenPreview`. */
const MASKED_WORDS = new Set(['masked', 'redacted', 'sanitized', 'safe', 'truncated', 'preview', 'obfuscated', 'hint', 'last4']);
/** Words of a value that says it is metadata, not the secret: `{ token: tokens.count }`, `{ apiKey: key.id }`. */
const VALUE_METADATA = new Set(['count', 'length', 'size', 'total', 'id', 'ids', 'type', 'kind', 'status', 'name', 'prefix', 'suffix', 'last4', 'expires', 'expiry', 'at', 'exp', 'scope', 'scopes', 'valid', 'version']);
/** Property keys that hold an identifier: `{ accountId: event.account }` logs an id, whatever the value's name. */
const ID_KEY = /(Id|ID|Ids|IDs|_id|_ids|Email|email|Name|name)$|^(id|ids|email|name|username|handle|slug|login)$/;
/** Words of a name that holds a connection string: `databaseUrl`, `REDIS_URL`, `mongoUri`, `connectionString`. */
const CONNECTION_OWNERS = new Set(['database', 'db', 'mongo', 'mongodb', 'redis', 'postgres', 'postgresql', 'pg', 'mysql', 'amqp', 'rabbitmq', 'rabbit', 'broker', 'kafka', 'nats', 'clickhouse', 'connection', 'prisma']);
/** Request headers that carry credentials. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
/** Calls whose output shows their argument: `JSON.stringify(user)`, `util.inspect(req.headers)`. */
const PASS_THROUGH = /^(JSON\.stringify|util\.inspect|inspect|String|stringify|Object\.fromEntries|Object\.entries|Object\.assign|structuredClone|safeStringify)$/;
/** Calls that mask or reduce a secret: `mask(token)`, `hash(apiKey)`, `token.slice(0, 6)` (checked below). */
const MASKING = /^(mask\w*|redact\w*|sanitize\w*|hash\w*|createHash|digest|truncate\w*|abbreviate\w*|preview\w*|obfuscate\w*|censor\w*|fingerprint\w*|anonymi[sz]e\w*|hide\w*|last4|lastFour)$/i;
/** Names of errors: logging an error is the point of a log. */
const ERROR_NAME = /^(err|error|e|ex|exc|exception|reason|cause)$/i;

type MessageId = 'secretValue' | 'wholeObject' | 'requestData' | 'connectionString' | 'credentialUrl' | 'environment' | 'typedSecret';

interface Hit {
  /** the argument, property or template span expression that leaks */
  readonly node: ts.Node;
  readonly messageId: MessageId;
  readonly name: string;
  readonly prop?: string;
  /** the path in pino's merged object (`{ auth: { token } }` → `auth.token`), when redactable */
  readonly path?: string;
  /** the record word (user/account/session) when a whole record is logged */
  readonly record?: string;
  /** the value is configuration read from the environment (reported even in CLI output) */
  readonly config?: boolean;
}

interface Where {
  /** pino object path of the value being inspected, if inside an object literal argument */
  readonly path?: string;
  /** the value sits under a key naming an identifier (`accountId: …`): records there are ids */
  readonly idKey?: boolean;
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
  hasSuggestions: true,
  messages: {
    secretValue: '{{logger}}() logs "{{name}}", a secret.',
    wholeObject: '{{logger}}() logs the whole "{{name}}" object, which can carry password hashes, tokens and personal data.',
    requestData: '{{logger}}() logs the request {{prop}} ("{{name}}"), which can carry passwords, tokens and session cookies.',
    connectionString: '{{logger}}() logs "{{name}}", a connection string that can carry a password.',
    credentialUrl: '{{logger}}() logs a URL with a password in it.',
    environment: '{{logger}}() logs the whole environment ("{{name}}"), every secret in it included.',
    typedSecret: '{{logger}}() logs "{{name}}", whose type has the secret field "{{prop}}".',
  },
  // a logging method and a logger receiver (the names `logCall` accepts, or a logger factory): every finding is a log call
  codeHint: (ids, text) => mayHaveLogCall(ids, text),
  usesTypes: true,
  check(ctx) {
    const sf = ctx.sourceFile;
    // Logs are a server concern: a browser's console is the user's own.
    const side = runtimeSide(sf, ctx.file.path, ctx.packageJson);
    if (side === 'browser') return;
    // A CLI's or a seed's output is its product (the token it minted, the admin it created): there only
    // configuration read from the environment (a DATABASE_URL echoed into CI logs) is reported.
    const cliOutput =
      ctx.file.roles.script ||
      ctx.file.text.startsWith('#!') ||
      (/(^|\/)(commands|cli)(\/|$)/.test(ctx.file.path) && !/(^|\/)handlers?\/|\.handler\.[a-z]+$/.test(ctx.file.path));
    const loggers = LoggerBindings.ofFile(sf);
    let aliases: Set<string> | undefined;
    let freeRedact: string[] | undefined;
    let primitives: Set<string> | undefined;

    return {
      VariableDeclaration(node: ts.VariableDeclaration) {
        // loggers created inside functions: `const log = pino({ ... })`, `const reqLog = logger.child({ id })`
        if (ts.isIdentifier(node.name) && node.initializer) loggers.add(node.name.text, node.initializer);
      },
      CallExpression(node: ts.CallExpression) {
        const call = logCall(node, loggers);
        if (!call) return;
        if (side === 'mixed' && !inServerFunction(node)) return;
        const hits: Hit[] = [];
        node.arguments.forEach((arg) => inspect(arg, hits, 0, ts.isObjectLiteralExpression(unwrap(arg)) ? { path: '' } : {}));
        const redact = call.isConsole ? [] : redactFor(call.receiver);
        const left = hits.filter((h) => (!cliOutput || h.config) && !(h.path && redact.some((p) => redactCovers(p, h.path!))));
        if (!left.length) return;
        const h = left[0];
        const { fix, suggestions } = left.length === 1 ? remedies(ctx, node, h) : { fix: undefined, suggestions: undefined };
        ctx.report({
          node,
          messageId: h.messageId,
          data: { logger: `${call.receiver}.${call.method}`, name: h.name, prop: h.prop ?? '' },
          fix,
          suggestions,
        });
      },
    };

    /**
     * Redact paths that cover a receiver: a logger created in this file covers its own `redact` list (and its
     * children inherit it); other loggers (`this.logger`, `req.log`, an imported `logger`) are covered by
     * `redact` lists written in this file outside a logger binding (`Fastify({ logger: { redact } })`).
     */
    function redactFor(receiver: string): string[] {
      const own: string[] = [];
      let name: string | undefined = receiver.replace(/\.child\(\)$/, '');
      for (let i = 0; name && i < 5; i++) {
        const creation = loggers.creation(name);
        if (!creation) break;
        own.push(...(redactPaths(creation) ?? []));
        const callee = dottedName(creation.expression) ?? '';
        name = /\.child$/.test(callee) ? callee.slice(0, -'.child'.length) : undefined;
      }
      if (loggers.has(receiver.replace(/\.child\(\)$/, ''))) return own;
      return [...own, ...free()];
    }

    function free(): string[] {
      if (freeRedact) return freeRedact;
      freeRedact = [];
      if (!/\bredact\s*:/.test(sf.text)) return freeRedact;
      const visit = (n: ts.Node): void => {
        if (ts.isPropertyAssignment(n) && staticName(n.name) === 'redact' && !insideLoggerBinding(n)) freeRedact!.push(...redactValue(n.initializer));
        ts.forEachChild(n, visit);
      };
      visit(sf);
      return freeRedact;
    }

    function insideLoggerBinding(n: ts.Node): boolean {
      for (let p = n.parent; p && !ts.isSourceFile(p); p = p.parent) {
        if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && loggerFactory(p)) {
          const d = p.parent;
          return (ts.isVariableDeclaration(d) || ts.isPropertyDeclaration(d)) && d.initializer === p;
        }
      }
      return false;
    }

    function inspect(e: ts.Node, hits: Hit[], depth: number, where: Where): void {
      if (depth > 6) return;
      const n = unwrap(e);
      if (ts.isStringLiteralLike(n) || ts.isNumericLiteral(n)) {
        if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) {
          if (n.text.split(/\s+/).some(embedsCredentials)) hits.push({ node: e, messageId: 'credentialUrl', name: 'the URL' });
        }
        return;
      }
      if (ts.isTemplateExpression(n)) {
        let before = n.head.text;
        for (const span of n.templateSpans) {
          // `postgres://${user}:${password}@host`: whatever sits in the password position is one
          if (/[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:$/i.test(before) && span.literal.text.startsWith('@')) {
            hits.push({ node: span.expression, messageId: 'credentialUrl', name: 'the password' });
          } else inspect(span.expression, hits, depth + 1, {});
          before += `\u0001${span.literal.text}`;
        }
        return;
      }
      if (ts.isBinaryExpression(n)) {
        const op = n.operatorToken.kind;
        if (op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
          inspect(n.left, hits, depth + 1, {});
          inspect(n.right, hits, depth + 1, {});
        }
        return;
      }
      if (ts.isConditionalExpression(n)) {
        inspect(n.whenTrue, hits, depth + 1, where);
        inspect(n.whenFalse, hits, depth + 1, where);
        return;
      }
      if (ts.isObjectLiteralExpression(n)) {
        // `{ ...user, password: undefined }`: the spread record was sanitized on purpose
        const cleared = n.properties.some((p) => ts.isPropertyAssignment(p) && staticName(p.name) !== undefined && isSecretName(staticName(p.name)!) && isMaskedOrMetadata(p.initializer));
        for (const p of n.properties) {
          if (ts.isShorthandPropertyAssignment(p)) {
            inspectName(p.name, p.name.text, hits, { path: join(where.path, p.name.text) }, p);
          } else if (ts.isPropertyAssignment(p)) {
            const key = staticName(p.name);
            const path = key !== undefined && where.path !== undefined ? join(where.path, key) : undefined;
            // `{ password: '***' }`, `{ token: tokens.count }`, `{ hasToken: !!token }`: nothing leaks
            const value = unwrap(p.initializer);
            if (key && (secretName(key, p) || CREDENTIAL_HEADERS.has(key.toLowerCase())) && !isMaskedOrMetadata(p.initializer) && !ts.isObjectLiteralExpression(value) && !ts.isArrayLiteralExpression(value)) {
              hits.push({ node: p, messageId: 'secretValue', name: key, path });
            } else inspect(p.initializer, hits, depth + 1, { path, idKey: !!key && ID_KEY.test(key) });
          } else if (ts.isSpreadAssignment(p)) {
            const before = hits.length;
            inspect(p.expression, hits, depth + 1, { path: where.path });
            if (cleared) hits.splice(before, hits.length - before, ...hits.slice(before).filter((h) => h.messageId !== 'wholeObject' && h.messageId !== 'typedSecret'));
          }
        }
        return;
      }
      if (ts.isArrayLiteralExpression(n)) {
        for (const el of n.elements) inspect(el, hits, depth + 1, {});
        return;
      }
      if (ts.isCallExpression(n)) return inspectCall(n, e, hits, depth, where);
      if (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) {
        if (isEnvObject(n, (aliases ??= envAliases(sf)))) {
          hits.push({ node: e, messageId: 'environment', name: e.getText(sf), path: where.path, config: true });
          return;
        }
        const r = envRead(n, aliases);
        if (r) {
          if (r.name) judgeEnv(r.name, e, hits, where);
          return;
        }
        const name = dottedName(n);
        if (name) inspectName(e, name, hits, where, undefined);
      }
      // `!!token`, `typeof password`, `token.length` (a property access judged by name), literals: metadata
    }

    function inspectCall(n: ts.CallExpression, e: ts.Node, hits: Hit[], depth: number, where: Where): void {
      const callee = dottedName(n.expression) ?? '';
      if (PASS_THROUGH.test(callee)) {
        for (const a of n.arguments.slice(0, callee === 'Object.assign' ? undefined : 1)) inspect(a, hits, depth + 1, { idKey: where.idKey });
        return;
      }
      // `token.toString()`, `token.trim()`: the same value
      if (ts.isPropertyAccessExpression(n.expression) && /^(toString|trim|toUpperCase|toLowerCase)$/.test(n.expression.name.text) && !n.arguments.length) {
        inspect(n.expression.expression, hits, depth + 1, where);
        return;
      }
      // `req.headers.get('authorization')`, `req.get('Authorization')`, `req.header('cookie')`
      const header = stringValue(n.arguments[0])?.toLowerCase();
      if (header && CREDENTIAL_HEADERS.has(header) && ts.isPropertyAccessExpression(n.expression) && /^(get|header)$/.test(n.expression.name.text)) {
        hits.push({ node: e, messageId: 'secretValue', name: `${header} header`, path: where.path });
        return;
      }
      // env reads: process.env.DATABASE_URL handled above; configService.get('JWT_SECRET'), Deno.env.get('X')
      const r = envRead(n, (aliases ??= envAliases(sf)));
      if (r?.name) judgeEnv(r.name, e, hits, where);
      // any other call (`omit(user, ['password'])`, `sanitizeUser(user)`, `pick(...)`, `user.toJSON()`): a projection
    }

    function judgeEnv(name: string, e: ts.Node, hits: Hit[], where: Where): void {
      if (isConnectionName(name)) hits.push({ node: e, messageId: 'connectionString', name, path: where.path, config: true });
      else if (isSecretName(name)) hits.push({ node: e, messageId: 'secretValue', name, path: where.path, config: true });
    }

    /** Judge a logged identifier or property path by its last segment (and by its type when available). */
    function inspectName(e: ts.Node, path: string, hits: Hit[], where: Where, shorthand: ts.ShorthandPropertyAssignment | undefined): void {
      const node = shorthand ?? e;
      const segs = path.split('.');
      const last = segs[segs.length - 1];
      const parent = segs.length > 1 ? segs[segs.length - 2] : '';
      if (ERROR_NAME.test(last)) return;
      if (secretName(last, e, parent) || isAuthHeaderValue(last)) {
        hits.push({ node, messageId: 'secretValue', name: path, path: where.path });
        return;
      }
      // `token.plaintext`, `apiKey.value`, `password.raw`: the secret itself
      if (/^(plaintext|plainText|value|raw|rawValue)$/.test(last) && parent && segs.length > 1 && secretName(parent, e, segs[segs.length - 3] ?? '')) {
        hits.push({ node, messageId: 'secretValue', name: path, path: where.path });
        return;
      }
      if (isConnectionName(last)) {
        hits.push({ node, messageId: 'connectionString', name: path, path: where.path });
        return;
      }
      const lower = last.toLowerCase();
      // req.headers.authorization, req.headers['cookie']
      if (CREDENTIAL_HEADERS.has(lower) && parent === 'headers') {
        hits.push({ node, messageId: 'secretValue', name: path, path: where.path });
        return;
      }
      const requestish = segs.length > 1 && isRequestPath(segs.slice(0, -1));
      if ((last === 'headers' || last === 'cookies') && segs.length === 1 && ts.isIdentifier(unwrap(e))) {
        const built = builtHere(unwrap(e) as ts.Identifier);
        if (built) {
          if (built.length) hits.push({ node, messageId: built[0].messageId, name: `${path}.${built[0].name}`, path: where.path });
          return;
        }
      }
      if ((last === 'body' || last === 'headers' || last === 'cookies') && (requestish || (segs.length === 1 && last !== 'body'))) {
        hits.push({ node, messageId: 'requestData', name: path, prop: last === 'body' ? 'body' : last, path: where.path });
        return;
      }
      if (segs.length === 1 && ts.isIdentifier(unwrap(e)) && requestBodyVariable(unwrap(e) as ts.Identifier)) {
        hits.push({ node, messageId: 'requestData', name: path, prop: 'body', path: where.path });
        return;
      }
      const record = recordWord(last);
      if (record && !where.idKey && !isPrimitive(unwrap(e), last)) {
        hits.push({ node, messageId: 'wholeObject', name: path, record, path: where.path });
        return;
      }
      if (ctx.checker) {
        const prop = secretProperty(unwrap(e));
        if (prop) hits.push({ node, messageId: 'typedSecret', name: path, prop, path: where.path });
      }
    }

    /**
     * A secret by name, minus what this rule knows is not one when logged: hashes of tokens and keys, coupon codes
     * and CSRF/parser tokens, the error body of a failed token request, and a key used to look a secret up.
     */
    function secretName(name: string, at: ts.Node, parent = ''): boolean {
      if (!isSecretName(name)) return false;
      const words = nameWords(name);
      const secretAt = words.findIndex((w) => /^(secrets?|password|passwd|passphrase|pass|pwd|tokens?|credentials?|creds|salt|pepper|apikey|privatekey|dsn|key|keys)$/.test(w));
      if (words.some((w) => HASH_WORDS.has(w)) && !words.some((w) => PASSWORD_WORDS.test(w))) return false;
      // `passwordChangedAt`, `tokenCreatedAt`, `secretVersion`: facts about the secret
      if (secretAt >= 0 && words.slice(secretAt + 1).some((w) => VALUE_METADATA.has(w) || /^(changed|created|updated|rotated|issued|used|set|date|time)$/.test(w))) return false;
      if (words.slice(0, Math.max(secretAt, 0)).some((w) => NOT_A_CREDENTIAL.has(w)) || nameWords(parent).some((w) => NOT_A_CREDENTIAL.has(w))) return false;
      const id = unwrap(at);
      if (ts.isIdentifier(id) && failedResponseBody(id)) return false;
      if ((ts.isPropertyAccessExpression(id) || ts.isIdentifier(id)) && usedAsSecretLookupKey(id)) return false;
      return true;
    }

    /** `databaseUrl`, `DATABASE_URL`, `redisUri`, `connectionString` */
    function isConnectionName(name: string): boolean {
      const w = nameWords(name);
      if (w.length < 2) return false;
      if (w[w.length - 2] === 'connection' && /^(string|str|uri|url)$/.test(w[w.length - 1])) return true;
      return /^(url|uri)$/.test(w[w.length - 1]) && CONNECTION_OWNERS.has(w[w.length - 2]);
    }

    /** Record word of a name: `user`, `currentUser`, `authSession`, `userAccount`; not `stripeAccount`, `users`. */
    function recordWord(name: string): string | undefined {
      const words = nameWords(name);
      const lastWord = words[words.length - 1];
      if (!lastWord || !RECORD_WORDS.has(lastWord) || /s$/.test(name)) return undefined;
      if (!words.slice(0, -1).every((w) => RECORD_QUALIFIERS.has(w))) return undefined;
      return lastWord;
    }

    /** Is the logged identifier declared as a primitive (`user: string`, `stripeAccount: z.string()`)? */
    function isPrimitive(n: ts.Node, name: string): boolean {
      if (ts.isIdentifier(n)) {
        const d = declarationOf(n);
        if (d && (ts.isParameter(d) || ts.isVariableDeclaration(d)) && d.type) return isPrimitiveType(d.type);
        if (d && ts.isVariableDeclaration(d) && d.initializer) {
          const init = unwrap(d.initializer);
          if (ts.isStringLiteralLike(init) || ts.isTemplateExpression(init) || ts.isNumericLiteral(init)) return true;
          // `const account = event.accountId`
          const src = dottedName(init);
          if (src && ID_KEY.test(src.split('.').pop()!)) return true;
        }
      }
      return primitiveNames().has(name);
    }

    /** Names declared in this file as primitive properties: `name: string` in a type, `name: z.string()` in a schema. */
    function primitiveNames(): Set<string> {
      if (primitives) return primitives;
      primitives = new Set();
      const visit = (n: ts.Node): void => {
        if (ts.isPropertySignature(n) && n.type && isPrimitiveType(n.type)) {
          const k = staticName(n.name);
          if (k && recordWord(k)) primitives!.add(k);
        } else if (ts.isPropertyAssignment(n)) {
          const k = staticName(n.name);
          if (k && recordWord(k) && isPrimitiveSchema(n.initializer)) primitives!.add(k);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
      return primitives;
    }

    /**
     * A local `headers` built here as an object literal (outgoing headers): reported only when it carries a
     * credential (`Authorization`, a token). Any other `headers` (a parameter, `req.headers`) is the request's.
     */
    function builtHere(id: ts.Identifier): Hit[] | undefined {
      const d = declarationOf(id);
      if (!d || !ts.isVariableDeclaration(d) || !d.initializer || !ts.isObjectLiteralExpression(unwrap(d.initializer))) return undefined;
      const inner: Hit[] = [];
      inspect(d.initializer, inner, 1, {});
      return inner;
    }

    /** `const x = await req.json()`, `const body = req.body`, `const { ...data } = await request.formData()` */
    function requestBodyVariable(id: ts.Identifier): boolean {
      const d = declarationOf(id);
      if (!d || !ts.isVariableDeclaration(d) || !d.initializer || !ts.isIdentifier(d.name)) return false;
      const init = unwrap(d.initializer);
      if (ts.isCallExpression(init) && ts.isPropertyAccessExpression(init.expression) && /^(json|formData)$/.test(init.expression.name.text)) {
        const recv = dottedName(init.expression.expression);
        return !!recv && isRequestPath(recv.split('.'));
      }
      const src = dottedName(init);
      if (!src) return false;
      const segs = src.split('.');
      return segs.length > 1 && segs[segs.length - 1] === 'body' && isRequestPath(segs.slice(0, -1));
    }

    /**
     * `const tokenResponse = await response.json(); if (!response.ok) console.error(..., tokenResponse)`:
     * in the failure branch of a response the body is an error, not a token.
     */
    function failedResponseBody(id: ts.Identifier): boolean {
      const d = declarationOf(id);
      if (!d || !ts.isVariableDeclaration(d) || !d.initializer) return false;
      const init = unwrap(d.initializer);
      if (!ts.isCallExpression(init) || !ts.isPropertyAccessExpression(init.expression) || !/^(json|text)$/.test(init.expression.name.text)) return false;
      const res = dottedName(init.expression.expression);
      if (!res) return false;
      for (let c: ts.Node = id, p = id.parent; p && !ts.isFunctionLike(p); c = p, p = p.parent) {
        if (ts.isIfStatement(p) && c === p.thenStatement) {
          const cond = unwrap(p.expression);
          if (ts.isPrefixUnaryExpression(cond) && cond.operator === ts.SyntaxKind.ExclamationToken && dottedName(cond.operand) === `${res}.ok`) return true;
        }
      }
      return false;
    }

    /** `secretStore.getSecret(schema, cfg.secretKey)` in the same function: the value names a secret, it is not one. */
    function usedAsSecretLookupKey(e: ts.Expression): boolean {
      const text = e.getText(sf);
      const fn = enclosingBody(e);
      if (!fn) return false;
      let found = false;
      const visit = (n: ts.Node): void => {
        if (found) return;
        if (ts.isCallExpression(n) && !n.arguments.some((a) => a.pos <= e.pos && e.end <= a.end)) {
          const callee = dottedName(n.expression) ?? '';
          if (/secret|vault|ssm|parameter/i.test(callee) && /(^|\.)(get|read|fetch|load|retrieve|lookup|resolve|find|delete|remove|rotate|describe)\w*$/.test(callee)) {
            const args = n.arguments.flatMap((a) => {
              const u = unwrap(a);
              return ts.isObjectLiteralExpression(u) ? u.properties.map((p) => (ts.isPropertyAssignment(p) ? p.initializer : p)) : [a];
            });
            if (args.some((a) => unwrap(a).getText(sf) === text)) found = true;
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(fn);
      return found;
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

function join(base: string | undefined, key: string): string | undefined {
  if (base === undefined) return undefined;
  return base ? `${base}.${key}` : key;
}

/** The value of an Authorization or Cookie header by name: `authorization`, `authHeader`, `authorizationValue`, `cookieHeader`. */
function isAuthHeaderValue(name: string): boolean {
  const w = nameWords(name).filter((x) => x !== 'raw');
  if (!w.length || !w.slice(1).every((x) => /^(header|value|string)$/.test(x))) return false;
  if (w[0] === 'authorization' || w[0] === 'bearer') return true;
  // `authHeader`; `cookieHeader` (every cookie of the request) but not `cookieValue` (one cookie, often a UI preference)
  return (w[0] === 'auth' && w.length > 1) || (w[0] === 'cookie' && w[1] === 'header');
}

/** `req`, `request`, `ctx.request`, `event`, `c.req`, `req.raw`: the incoming request. */
function isRequestPath(segs: readonly string[]): boolean {
  const last = segs[segs.length - 1];
  if (/^(req|request|event|incomingRequest|rawRequest)$/.test(last)) return true;
  if (last === 'raw' && segs.length > 1) return isRequestPath(segs.slice(0, -1));
  return false;
}

/**
 * The value of a secret-named field that is not the secret: `'[redacted]'`, `!!token`, `typeof token`,
 * `tokens.count`, `mask(token)`, `token.slice(0, 6) + '…'`, `token.slice(-4)`.
 */
function isMaskedOrMetadata(e: ts.Expression): boolean {
  const n = unwrap(e);
  if (ts.isStringLiteralLike(n) || ts.isNumericLiteral(n) || ts.isPrefixUnaryExpression(n) || ts.isTypeOfExpression(n) || ts.isVoidExpression(n)) return true;
  if (ts.isIdentifier(n) && n.text === 'undefined') return true;
  if (n.kind === ts.SyntaxKind.TrueKeyword || n.kind === ts.SyntaxKind.FalseKeyword || n.kind === ts.SyntaxKind.NullKeyword || n.kind === ts.SyntaxKind.UndefinedKeyword) return true;
  if (ts.isConditionalExpression(n)) return isMaskedOrMetadata(n.whenTrue) && isMaskedOrMetadata(n.whenFalse);
  if (ts.isBinaryExpression(n)) {
    const op = n.operatorToken.kind;
    if (op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) return isMaskedOrMetadata(n.left) && isMaskedOrMetadata(n.right);
    return true; // comparisons, arithmetic
  }
  if (ts.isTemplateExpression(n)) return n.templateSpans.every((s) => isMaskedOrMetadata(s.expression));
  // `{ authorization: hashedAuthorization }`, `{ apiKey: maskedKey }`, `{ token: tokenPreview }`
  if (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n)) {
    const words = nameWords(ts.isIdentifier(n) ? n.text : n.name.text);
    if (words.some((w) => MASKED_WORDS.has(w))) return true;
    // a token's hash cannot be replayed; a password's hash can be cracked
    if (words.some((w) => HASH_WORDS.has(w)) && !words.some((w) => PASSWORD_WORDS.test(w))) return true;
  }
  if (ts.isPropertyAccessExpression(n)) return nameWords(n.name.text).some((w) => VALUE_METADATA.has(w));
  if (ts.isCallExpression(n)) {
    const method = ts.isPropertyAccessExpression(n.expression) ? n.expression.name.text : ts.isIdentifier(n.expression) ? n.expression.text : '';
    if (MASKING.test(method)) return true;
    // a short prefix or suffix: slice(0, 6), substring(0, 8), substr(0, 4), slice(-4)
    const nums = n.arguments.map((a) => {
      const u = unwrap(a);
      if (ts.isNumericLiteral(u)) return Number(u.text);
      if (ts.isPrefixUnaryExpression(u) && u.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(u.operand)) return -Number(u.operand.text);
      return NaN;
    });
    if (/^(slice|substring|substr)$/.test(method)) {
      if (nums.length === 2 && nums[0] === 0 && nums[1] > 0 && nums[1] <= 12) return true;
      if (method === 'slice' && nums.length === 1 && nums[0] < 0 && nums[0] >= -8) return true;
    }
    return false;
  }
  return false;
}

function isPrimitiveType(t: ts.TypeNode): boolean {
  if (ts.isUnionTypeNode(t)) return t.types.every(isPrimitiveType);
  if (ts.isLiteralTypeNode(t)) return true;
  return [ts.SyntaxKind.StringKeyword, ts.SyntaxKind.NumberKeyword, ts.SyntaxKind.BooleanKeyword, ts.SyntaxKind.BigIntKeyword, ts.SyntaxKind.UndefinedKeyword].includes(t.kind);
}

/** `z.string()`, `z.string().optional()`, `Joi.string()`, `t.String()`, `v.string()`, `yup.number()` */
function isPrimitiveSchema(e: ts.Expression): boolean {
  let n = unwrap(e);
  while (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
    const inner = unwrap(n.expression.expression);
    if (ts.isIdentifier(inner) && /^(z|Joi|joi|t|Type|v|yup|s)$/.test(inner.text)) return /^(string|number|bigint|boolean|String|Number|Boolean|email|uuid|cuid|enum|literal|nativeEnum)$/.test(n.expression.name.text);
    n = inner;
  }
  return false;
}

/** The declaration (variable, parameter, binding element) a name refers to, found in the enclosing scopes. */
function declarationOf(id: ts.Identifier): ts.VariableDeclaration | ts.ParameterDeclaration | ts.BindingElement | undefined {
  const name = id.text;
  const inBinding = (b: ts.BindingName): ts.BindingElement | ts.Identifier | undefined => {
    if (ts.isIdentifier(b)) return b.text === name ? b : undefined;
    for (const el of b.elements) {
      if (ts.isOmittedExpression(el)) continue;
      const found = inBinding(el.name);
      if (found) return ts.isIdentifier(found) && found.parent === el ? el : found;
    }
    return undefined;
  };
  const match = <T extends ts.VariableDeclaration | ts.ParameterDeclaration>(d: T): T | ts.BindingElement | undefined => {
    const f = inBinding(d.name);
    if (!f) return undefined;
    return ts.isBindingElement(f) ? f : d;
  };
  for (let p: ts.Node | undefined = id.parent; p; p = p.parent) {
    if (ts.isBlock(p) || ts.isSourceFile(p) || ts.isModuleBlock(p) || ts.isCaseClause(p) || ts.isDefaultClause(p)) {
      for (const st of p.statements) {
        if (!ts.isVariableStatement(st)) continue;
        for (const d of st.declarationList.declarations) {
          const m = match(d);
          if (m) return m;
        }
      }
    }
    if (ts.isFunctionLike(p)) {
      for (const prm of p.parameters) {
        const m = match(prm);
        if (m) return m;
      }
    }
    if ((ts.isForOfStatement(p) || ts.isForInStatement(p) || ts.isForStatement(p)) && p.initializer && ts.isVariableDeclarationList(p.initializer)) {
      for (const d of p.initializer.declarations) {
        const m = match(d);
        if (m) return m;
      }
    }
  }
  return undefined;
}

function enclosingBody(n: ts.Node): ts.Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (ts.isFunctionLike(p) || ts.isSourceFile(p)) return p;
  return undefined;
}

/**
 * The quick fix and suggestions for a call's only leaking value.
 * - a whole user/account: log its id, `{ userId: user?.id }` (optional chaining: a missing record must not make
 *   the log line throw where logging it did not) — the fix;
 * - a session: `{ sessionId: session?.id }` — a suggestion (many session objects have no `id`);
 * - a field of a logged object literal that keeps other fields: drop the field — the fix;
 * - anything else (a secret argument, a template span): remove the argument or write `[redacted]` — suggestions.
 */
function remedies(ctx: RuleContext, call: ts.CallExpression, h: Hit): { fix?: Fix; suggestions?: Fix[] } {
  const sf = ctx.sourceFile;
  const node = h.node;
  const idField = h.record ? ID_FIELDS[h.record] : undefined;
  if (idField) {
    const edit = idEdit(sf, node, idField);
    if (edit) {
      const f: Fix = { title: `Log ${idField} instead of the whole object`, edits: [edit] };
      return h.record === 'session' ? { suggestions: [f] } : { fix: f };
    }
  }
  const prop = ts.isShorthandPropertyAssignment(node) || ts.isPropertyAssignment(node) ? node : ts.isPropertyAssignment(node.parent) && node.parent.initializer === node ? node.parent : undefined;
  if (prop) {
    const obj = prop.parent;
    const title = `Remove the "${staticName(prop.name) ?? h.name}" field from the logged object`;
    if (obj.properties.length > 1) return { fix: { title, edits: removeProperty(sf, ctx.lines, prop) } };
    // the only field: removing it would log `{}`; write a placeholder instead
    const key = ts.isShorthandPropertyAssignment(prop) ? prop.name.text : prop.name.getText(sf);
    return { suggestions: [{ title: `Log "[redacted]" instead of "${h.name}"`, edits: [{ start: prop.getStart(sf), end: prop.getEnd(), text: `${key}: ${ctx.style.str('[redacted]')}` }] }] };
  }
  const args = call.arguments;
  const i = args.indexOf(node as ts.Expression);
  if (i > 0) {
    const text = node.getText(sf);
    return { suggestions: [{ title: `Remove "${text.length <= 40 ? text : h.name}" from the log call`, edits: [{ start: args[i - 1].getEnd(), end: node.getEnd(), text: '' }] }] };
  }
  const span = node.parent && ts.isTemplateSpan(node.parent) && node.parent.expression === node ? node.parent : undefined;
  if (span && idField && /^[\w$]+(\.[\w$]+)*$/.test(node.getText(sf))) {
    return { suggestions: [{ title: `Log ${idField} instead of the whole object`, edits: [{ start: node.getStart(sf), end: node.getEnd(), text: `${node.getText(sf)}?.id` }] }] };
  }
  if (span) {
    const tpl = span.parent;
    const k = tpl.templateSpans.indexOf(span);
    const prevLiteral = k === 0 ? tpl.head : tpl.templateSpans[k - 1].literal;
    return { suggestions: [{ title: `Write "[redacted]" instead of "${h.name}" in the message`, edits: [{ start: prevLiteral.getEnd() - 2, end: span.literal.getStart(sf) + 1, text: '[redacted]' }] }] };
  }
  // an operand of a concatenation: `'token: ' + token`
  if (i < 0 && ts.isBinaryExpression(node.parent) && ts.isExpression(node)) {
    return { suggestions: [{ title: `Log "[redacted]" instead of "${h.name}"`, edits: [{ start: node.getStart(sf), end: node.getEnd(), text: ctx.style.str('[redacted]') }] }] };
  }
  // the message itself (`logger.debug(req.headers)`): what to log instead is a choice
  return {};
}

/** `user` → `{ userId: user?.id }` (an argument), `{ user }` / `{ user: req.user }` → `{ userId: …?.id }`. */
function idEdit(sf: ts.SourceFile, node: ts.Node, idField: string): TextEdit | undefined {
  if (ts.isShorthandPropertyAssignment(node)) {
    return { start: node.getStart(sf), end: node.getEnd(), text: `${idField}: ${node.name.text}?.id` };
  }
  const n = unwrap(node);
  // a plain name or property path as written (`user`, `req.user`); not `a?.user` or `req['user']`
  const expr = ts.isIdentifier(n) || ts.isPropertyAccessExpression(n) ? n.getText(sf) : undefined;
  if (!expr || !/^[\w$]+(\.[\w$]+)*$/.test(expr)) return undefined;
  const parent = node.parent;
  if (ts.isPropertyAssignment(parent) && parent.initializer === node) {
    return { start: parent.getStart(sf), end: parent.getEnd(), text: `${idField}: ${expr}?.id` };
  }
  // only a direct argument: inside a template or a concatenation an object would print badly either way
  if (!ts.isCallExpression(parent) || !parent.arguments.includes(node as ts.Expression)) return undefined;
  return { start: node.getStart(sf), end: node.getEnd(), text: `{ ${idField}: ${expr}?.id }` };
}
