/**
 * What counts as data from the request, and how it flows through local variables, within one file (syntax
 * only). Used by unvalidated-input (mass assignment) and sql-injection.
 *
 * Sources: `req.body/query/params/cookies/headers` (Express, Fastify, Next pages/api), `ctx.request.body`,
 * `ctx.params`, `ctx.query` (Koa), `c.req.json()/param()/query()/valid()` (Hono), `await request.json()`,
 * `request.formData()`, `searchParams` (`new URL(req.url)`, `request.nextUrl`, SvelteKit `url`), the
 * `{ params, request, url }` bag of route handlers, loaders and endpoints, Nest `@Body/@Param/@Query/@Headers`
 * (and `@Req()`), tRPC `input` and next-safe-action `parsedInput` (validated), server-action arguments, h3
 * `readBody(event)`/`getQuery(event)`, AWS Lambda `event.body`/`queryStringParameters`.
 *
 * Flow: `const`/`let` bindings (destructuring, rest elements, `+=`), `for…of`, array callbacks
 * (`ids.map((id) => …)`), `.then((body) => …)`, string methods, and the parameters of same-file functions and
 * methods whose call sites pass request data. Number coercion (`Number(x)`, `parseInt`, `+x`) ends the flow.
 * Validation (`schema.parse(x)`, `safeParse(x).data`, joi/yup `validate`, class-transformer, valibot,
 * superstruct, a Fastify route `schema.body`, a validation middleware, Hono `valid()`, a typed Nest DTO) keeps
 * the value but marks it validated.
 */
import { calleeMethod, dottedName, getProperty, hasAnyName, staticName, stringValue, ts, unwrap, type CodeNames } from '../../server/src/engine/api';

export interface Origin {
  /** the request expression the value comes from, as written (`req.body`, `await request.json()`) */
  readonly source: string;
  /** the whole body / query / params object (or all of it minus some keys), not one value taken from it */
  readonly whole: boolean;
  /** passed through a schema, a validation pipe or middleware, a validated route schema, or a typed DTO */
  readonly validated: boolean;
  /** Nest: the name of a `@Body()` parameter whose type validates nothing (`any`, `object`, `Record`, an interface) */
  readonly untypedBody?: string;
  /** the schema expression that validated the value (`Schema` in `Schema.parse(req.body)`), when known */
  readonly schema?: ts.Expression;
  /** keys taken from the validated whole, in order (`const { sort } = Schema.parse(q)` → ['sort']) */
  readonly keys: readonly string[];
}

/** What an expression evaluates to, as far as the request goes. */
type Val =
  | { readonly kind: 'request' } // a request object: req, request, ctx.request, c.req
  | { readonly kind: 'context'; readonly lambda: boolean; readonly input?: boolean } // Koa ctx, SvelteKit event, Remix args, tRPC opts (input: validated), Lambda event
  | { readonly kind: 'url' } // a URL of the request: request.nextUrl, new URL(req.url), event.url
  | { readonly kind: 'data'; readonly origin: Origin; readonly result?: boolean }; // `result`: a safeParse/validate result

/** Keys of a request object that carry client data as an object. */
const REQUEST_OBJECT_KEYS = new Set(['body', 'query', 'params', 'cookies', 'signedCookies', 'headers', 'fields', 'files', 'file']);
/** Keys of a request object that carry one client-controlled string. */
const REQUEST_STRING_KEYS = new Set(['url', 'originalUrl', 'path', 'rawBody']);
/** Request methods that return client data: the whole body, or one value when given a name. */
const REQUEST_BODY_METHODS = new Set(['json', 'formData', 'parseBody']);
const REQUEST_TEXT_METHODS = new Set(['text', 'arrayBuffer', 'blob']);
const REQUEST_VALUE_METHODS = new Set(['param', 'params', 'query', 'queries', 'header', 'cookie', 'get']);

/** Parameter names that hold a request object, and framework request types. */
const REQUEST_NAMES = /^_?(req|request|incomingRequest)$/;
const REQUEST_TYPES = /^(Request|NextRequest|NextApiRequest|FastifyRequest|IncomingMessage|HonoRequest|ExpressRequest|KoaRequest|(express|Express|koa|Koa|http)\.(Request|IncomingMessage))(<.*>)?$/s;
/** Parameter names that hold a context whose members include the request. */
const CONTEXT_NAMES = /^(ctx|context|c|event|evt|args|opts|props)$/;
/** Keys of a handler bag (`({ params, request })`) that carry client data. */
const BAG_KEYS = new Set(['request', 'req', 'params', 'query', 'searchParams', 'url', 'queryStringParameters', 'pathParameters']);

/** Calls that coerce to a number or a boolean: the result carries no text from the request. */
const COERCE = /^(Number|parseInt|parseFloat|BigInt|Boolean|isNaN|isFinite|Math\.\w+|Number\.\w+|Date\.parse)$/;
/** Methods that keep a string's content (and its taint). */
const STRING_METHODS = new Set([
  'trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'toString', 'slice', 'substring',
  'substr', 'replace', 'replaceAll', 'split', 'join', 'concat', 'padStart', 'padEnd', 'normalize', 'at', 'filter', 'flat', 'reverse', 'sort',
  'entries', 'values', 'getAll', 'valueOf',
]);
const STRING_FUNCTIONS = /^(String|decodeURIComponent|decodeURI|unescape|structuredClone|(_|lodash)\.(cloneDeep|clone|toString|trim|toLower|toUpper))$/;
/** Array methods whose callback's first parameter is an element of the receiver. */
const ITER_METHODS = new Set(['map', 'forEach', 'filter', 'find', 'some', 'every', 'flatMap', 'findLast', 'then']);
/** Validation methods / functions: the value passes through, validated. */
const VALIDATE_METHODS = /^(parse|parseAsync|safeParse|safeParseAsync|validate|validateSync|validateAsync|validateOrReject|cast|decode|assert|assertEquals|assertGuard|attempt|mask|create|check|is|guard)$/;
const VALIDATE_FUNCTIONS = /^(parse|safeParse|parseAsync|safeParseAsync|validate\w*|assert\w*|mask|plainToInstance|plainToClass|plainToClassFromExist|attempt|matchedData)$/;
/** The same through a validation library's namespace: `v.parse(Schema, x)`, `typia.assert<T>(x)`, `Joi.attempt(x, s)`. */
const VALIDATE_NAMESPACED = /^(v|valibot|typia|superstruct|s|Joi|joi|yup|z|ss)\.(parse|safeParse|parseAsync|safeParseAsync|validate\w*|assert\w*|is|create|mask|attempt)$/;
/** Validation libraries, and the names of their functions that return (or assert) the validated value. */
const VALIDATION_PACKAGES = /^(superstruct|valibot|yup|joi|@hapi\/joi|zod|class-transformer|class-validator|typia|@sinclair\/typebox(\/.*)?|ajv|io-ts|runtypes|@effect\/schema|effect|arktype)$/;
const VALIDATE_IMPORTED = /^(create|assert|mask|parse|safeParse|parseAsync|safeParseAsync|validate\w*|plainToInstance|plainToClass|decode\w*|is|check|attempt|cast)$/;
/** Receivers whose `parse`/`decode` methods parse text, not validate it. */
const PARSER_RECEIVER = /^(JSON|qs|querystring|url|URL|path|Date|cookie|cookies|Number|BigInt|Buffer|jwt|jsonwebtoken|yaml|YAML|csv|papa|Papa)$/;
/** Members of a validation result that are the validated value / that are not data at all. */
const RESULT_VALUE_KEYS = new Set(['data', 'value', 'output']);
const RESULT_META_KEYS = new Set(['success', 'error', 'errors', 'issues', 'ok', 'valid', 'message']);
/** h3 / Nuxt readers. */
const H3_WHOLE = /^(readBody|readRawBody|getQuery|getRouterParams|readMultipartFormData|readFormData)$/;
const H3_VALUE = /^(getRouterParam|getHeader|getRequestHeader|getCookie)$/;
const H3_VALIDATED = /^(readValidatedBody|getValidatedQuery|getValidatedRouterParams)$/;
/** Route-level validation: a middleware or option that validates the body before the handler runs. */
const VALIDATOR_MIDDLEWARE = /valid|schema|celebrate|joi|zod|yup|checkSchema|sanitize|superstruct|typebox|ajv|\bbody\(|\bcheck\(/i;

/** Nest parameter decorators. */
const NEST_DATA = new Set(['Body', 'Query', 'Param', 'Headers']);
const NEST_REQUEST = new Set(['Req', 'Request']);
/** Types of a `@Body()` parameter that make Nest's ValidationPipe validate nothing. */
const UNTYPED_BODY = /^(any|unknown|object|Object|Record<.*>|\{.*\}|Partial<.*>|Pick<.*>|Omit<.*>|Required<.*>|Readonly<.*>|Array<any>|any\[\])$/s;

// -------------------------------------------------------------------------------------------- code hint
// The names a file must contain before anything in it can be request data, for rules' `codeHint`: every value
// `origin()` returns starts at one of the roots below (a parameter, an h3 reader or a server action), and a
// request object or a context gives data only through one of its members.

/** Sources by themselves: Nest `@Body/@Query/@Param/@Headers`, the h3 readers. */
const SOURCE_NAMES = ['Body', 'Query', 'Param', 'Headers', 'readBody', 'readRawBody', 'getQuery', 'getRouterParams', 'readMultipartFormData', 'readFormData', 'getRouterParam', 'getHeader', 'getRequestHeader', 'getCookie', 'readValidatedBody', 'getValidatedQuery', 'getValidatedRouterParams'];
/** A request object: REQUEST_NAMES, REQUEST_TYPES (and `express.Request`), Nest `@Req()`/`@Request()`, `ctx.request`, `c.req`. */
const REQUEST_ROOTS = ['req', 'request', 'incomingRequest', '_req', '_request', '_incomingRequest', 'Request', 'NextRequest', 'NextApiRequest', 'FastifyRequest', 'IncomingMessage', 'HonoRequest', 'ExpressRequest', 'KoaRequest', 'Req'];
/** What a request object gives data through: its keys, `nextUrl`, its body, text and value methods. */
const REQUEST_MEMBERS = [...REQUEST_OBJECT_KEYS, ...REQUEST_STRING_KEYS, 'nextUrl', ...REQUEST_BODY_METHODS, ...REQUEST_TEXT_METHODS, 'valid', ...REQUEST_VALUE_METHODS];
/** Members that are data on any context, a `{ params, url }` handler bag included (`url` through its parts). */
const CONTEXT_DATA = ['params', 'query', 'searchParams'];
const URL_PARTS = ['pathname', 'search', 'href', 'hash'];
/** A context that has `input`/`parsedInput`: CONTEXT_NAMES, a handler bag (BAG_KEYS, or `body` in a call), a tRPC / next-safe-action procedure. */
const INPUT_CONTEXTS = ['ctx', 'context', 'c', 'event', 'evt', 'args', 'opts', 'props', 'request', 'req', 'url', 'queryStringParameters', 'pathParameters', 'body', 'query', 'mutation', 'subscription', 'action', 'stateAction'];
/** Lambda event members (on `event`/`evt` only). */
const LAMBDA_DATA = ['body', 'queryStringParameters', 'pathParameters', 'multiValueQueryStringParameters'];


/**
 * Can the file hold request data at all (a strict superset of the files where `origin()` finds some)? The names
 * only: a server action's arguments are request data too, and only the text says so (`usesServer`). Remembered
 * for the last file: the hints of several rules ask in a row.
 */
export function requestSourceByName(ids: CodeNames): boolean {
  if (ids !== lastIds) {
    lastIds = ids;
    lastSource = computeSourceByName(ids);
  }
  return lastSource;
}
let lastIds: CodeNames | undefined;
let lastSource = false;

function computeSourceByName(ids: CodeNames): boolean {
  if (hasAnyName(ids, CONTEXT_DATA) || hasAnyName(ids, SOURCE_NAMES)) return true;
  if (hasAnyName(ids, REQUEST_ROOTS) && hasAnyName(ids, REQUEST_MEMBERS)) return true;
  if (ids.has('url') && hasAnyName(ids, URL_PARTS)) return true;
  if ((ids.has('input') || ids.has('parsedInput')) && hasAnyName(ids, INPUT_CONTEXTS)) return true;
  return (ids.has('event') || ids.has('evt')) && hasAnyName(ids, LAMBDA_DATA);
}

/** Can the file hold request data: its names (`requestSourceByName`) or a `'use server'` directive (`usesServer`). */
export function hasRequestSource(ids: CodeNames, text: string): boolean {
  return requestSourceByName(ids) || usesServer(text);
}

/** Can the text have a `'use server'` directive (of the module or of a function)? Remembered for the last text. */
export function usesServer(text: string): boolean {
  if (text !== lastText) {
    lastText = text;
    lastUsesServer = text.includes('use server');
  }
  return lastUsesServer;
}
let lastText: string | undefined;
let lastUsesServer = false;

type FnLike = ts.SignatureDeclaration & { body?: ts.Node };

type Step = { readonly key: string } | { readonly rest: true } | { readonly index: true };

type Binding =
  | { readonly kind: 'var'; readonly init: ts.Expression; readonly path: readonly Step[] }
  | { readonly kind: 'param'; readonly param: ts.ParameterDeclaration; readonly path: readonly Step[] }
  | { readonly kind: 'forOf'; readonly expr: ts.Expression; readonly path: readonly Step[] }
  | { readonly kind: 'assign'; readonly value: ts.Expression }
  | { readonly kind: 'other' };

interface Scope {
  readonly names: Map<string, Binding[]>;
  /** `name.push(...)` arguments, for arrays joined into a string */
  readonly pushes: Map<string, ts.Expression[]>;
}

export class RequestData {
  private readonly sf: ts.SourceFile;
  private readonly scopes = new WeakMap<ts.Node, Scope>();
  private readonly memo = new Map<ts.Node, Val | undefined>();
  private readonly validatedNames = new WeakMap<ts.Node, Set<string>>();
  private callIndex: Map<string, ts.CallExpression[]> | undefined;
  private readonly useServerFile: boolean;
  private depth = 0;

  /** Functions imported from a validation library (`import { create, assert } from 'superstruct'`). */
  private readonly validators = new Set<string>();

  constructor(sf: ts.SourceFile) {
    this.sf = sf;
    this.useServerFile = hasDirective(sf.statements, 'use server');
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !VALIDATION_PACKAGES.test(st.moduleSpecifier.text)) continue;
      const b = st.importClause?.namedBindings;
      if (b && ts.isNamedImports(b)) for (const el of b.elements) if (VALIDATE_IMPORTED.test((el.propertyName ?? el.name).text)) this.validators.add(el.name.text);
    }
  }

  /** Where an expression's value comes from in the request, or undefined when it does not. */
  origin(e: ts.Node): Origin | undefined {
    const v = this.value(e);
    return v?.kind === 'data' ? v.origin : undefined;
  }

  /** Is the expression a request object (`req`, `request`, `ctx.request`, `c.req`)? */
  isRequest(e: ts.Node): boolean {
    return this.value(e)?.kind === 'request';
  }

  /** The expressions assigned to a local identifier: its initializer and later `=`/`+=` assignments. */
  assignedValues(id: ts.Identifier): ts.Expression[] {
    const bs = this.bindings(id);
    if (!bs) return [];
    const out: ts.Expression[] = [];
    for (const b of bs) {
      if (b.kind === 'var' && !b.path.length) out.push(b.init);
      else if (b.kind === 'assign') out.push(b.value);
    }
    return out;
  }

  /** The arguments of `name.push(...)` calls in the function that declares `id`. */
  pushedValues(id: ts.Identifier): ts.Expression[] {
    const scope = this.declaringScope(id);
    return scope?.pushes.get(id.text) ?? [];
  }

  /** Is the identifier a parameter (of any function), directly or by destructuring? */
  isParameter(id: ts.Identifier): boolean {
    return !!this.bindings(id)?.some((b) => b.kind === 'param');
  }

  // ------------------------------------------------------------------------------------------ evaluation

  private value(e: ts.Node): Val | undefined {
    const n = unwrap(e);
    if (this.memo.has(n)) return this.memo.get(n);
    if (this.depth > 40) return undefined;
    this.memo.set(n, undefined); // cycles evaluate to nothing
    this.depth++;
    let v: Val | undefined;
    try {
      v = this.compute(n);
    } finally {
      this.depth--;
    }
    if (v?.kind === 'data' && !v.origin.validated && (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n))) {
      const name = dottedName(n);
      const fn = enclosingFunction(n);
      if (name && fn && this.validatedIn(fn).has(name)) v = { ...v, origin: { ...v.origin, validated: true } };
    }
    this.memo.set(n, v);
    return v;
  }

  private compute(n: ts.Node): Val | undefined {
    if (ts.isIdentifier(n)) return this.identifierValue(n);
    if (ts.isPropertyAccessExpression(n)) return this.member(this.value(n.expression), n.name.text, n);
    if (ts.isElementAccessExpression(n)) {
      const key = staticName(n.argumentExpression);
      const base = this.value(n.expression);
      if (key !== undefined) return this.member(base, key, n);
      return base?.kind === 'data' ? part(base.origin) : undefined;
    }
    if (ts.isCallExpression(n)) return this.callValue(n);
    if (ts.isNewExpression(n)) {
      const ctor = dottedName(n.expression) ?? '';
      const arg = n.arguments?.[0];
      if (ctor === 'URL' && arg) {
        const a = this.value(arg);
        return a && (a.kind === 'data' || a.kind === 'url') ? { kind: 'url' } : undefined;
      }
      if (ctor === 'URLSearchParams' && arg) {
        const a = this.value(arg);
        return a?.kind === 'data' ? { kind: 'data', origin: { ...a.origin, whole: true } } : undefined;
      }
      return undefined;
    }
    if (ts.isTemplateExpression(n)) {
      for (const s of n.templateSpans) {
        const o = this.origin(s.expression);
        if (o) return part(o);
      }
      return undefined;
    }
    if (ts.isBinaryExpression(n)) {
      const op = n.operatorToken.kind;
      if (op === ts.SyntaxKind.PlusToken) {
        // `'a' + x` builds a string; `a + b` of two numbers does not matter: a string from the request stays one
        const o = this.origin(n.left) ?? this.origin(n.right);
        return o ? part(o) : undefined;
      }
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) return this.union(n.left, n.right);
      if (op === ts.SyntaxKind.AmpersandAmpersandToken) return this.value(n.right);
      if (op === ts.SyntaxKind.CommaToken) return this.value(n.right);
      return undefined; // comparisons, arithmetic, bitwise: booleans and numbers
    }
    if (ts.isConditionalExpression(n)) return this.union(n.whenTrue, n.whenFalse);
    return undefined;
  }

  private union(a: ts.Node, b: ts.Node): Val | undefined {
    const va = this.value(a);
    const vb = this.value(b);
    if (va?.kind === 'data' && vb?.kind === 'data') return !va.origin.validated || vb.origin.validated ? va : vb;
    return va ?? vb;
  }

  /** `viaPath`: a destructuring step (`const { key } = base`), `node` being the destructured expression. */
  private member(base: Val | undefined, key: string, node: ts.Node, viaPath = false): Val | undefined {
    if (!base) return undefined;
    const source = viaPath ? `${shortText(node, this.sf)}.${key}` : shortText(node, this.sf);
    switch (base.kind) {
      case 'request':
        if (REQUEST_OBJECT_KEYS.has(key)) return data(source, true, this.routeValidated(node) && key !== 'headers' && key !== 'cookies');
        if (REQUEST_STRING_KEYS.has(key)) return data(source, false, false);
        if (key === 'nextUrl') return { kind: 'url' };
        if (key === 'raw' || key === 'req' || key === 'request') return { kind: 'request' };
        return undefined;
      case 'context':
        if (key === 'request' || key === 'req') return { kind: 'request' };
        if (key === 'params' || key === 'query' || key === 'searchParams') return data(source, true, false);
        if (key === 'url') return { kind: 'url' };
        if (key === 'input' || key === 'parsedInput') return data(source, true, base.input !== false);
        if (base.lambda && (key === 'body' || key === 'queryStringParameters' || key === 'pathParameters' || key === 'multiValueQueryStringParameters')) {
          return data(source, key !== 'body', false);
        }
        return undefined;
      case 'url':
        if (key === 'searchParams') return data(source, true, false);
        if (key === 'pathname' || key === 'search' || key === 'href' || key === 'hash') return data(source, false, false);
        return undefined;
      case 'data': {
        if (key === 'length' || key === 'size') return undefined;
        if (base.result) {
          if (RESULT_VALUE_KEYS.has(key)) return { kind: 'data', origin: base.origin };
          if (RESULT_META_KEYS.has(key)) return undefined;
        }
        // the most specific expression: `req.query.search`, or `req.query.status` for `const { status } = req.query`
        const src = viaPath ? `${base.origin.source}.${key}` : source;
        return { kind: 'data', origin: { ...base.origin, source: src.length <= 48 ? src : base.origin.source, whole: false, keys: [...base.origin.keys, key] } };
      }
    }
  }

  private callValue(call: ts.CallExpression): Val | undefined {
    const callee = unwrap(call.expression);
    const name = dottedName(callee) ?? '';
    const method = calleeMethod(call) ?? '';
    const args = call.arguments;
    if (COERCE.test(name)) return undefined;
    if (STRING_FUNCTIONS.test(name) || name === 'JSON.parse') {
      const o = args[0] && this.origin(args[0]);
      return o ? { kind: 'data', origin: { ...o, whole: name === 'JSON.parse' || /clone/i.test(name) ? true : o.whole } } : undefined;
    }
    if (name === 'Object.fromEntries' || name === 'Object.assign' || name === '_.merge' || name === 'lodash.merge') {
      for (const a of args) {
        const o = this.origin(a);
        if (o) return { kind: 'data', origin: { ...o, whole: o.whole || name === 'Object.fromEntries' } };
      }
      return undefined;
    }
    // Object.keys(req.body): the client's own key names (columns in a built INSERT)
    if (name === 'Object.keys' || name === 'Object.values' || name === 'Object.entries') {
      const o = args[0] && this.origin(args[0]);
      return o ? part(o) : undefined;
    }
    if (/^(_|lodash)\.(pick|omit|pickBy|omitBy)$|^(pick|omit)$/.test(name)) {
      const o = args[0] && this.origin(args[0]);
      return o ? part(o) : undefined;
    }
    if (H3_WHOLE.test(name)) return data(shortText(call, this.sf), true, false);
    if (H3_VALUE.test(name)) return data(shortText(call, this.sf), false, false);
    if (H3_VALIDATED.test(name)) return data(shortText(call, this.sf), true, true);
    if (ts.isIdentifier(callee) ? VALIDATE_FUNCTIONS.test(name) || this.validators.has(name) : VALIDATE_NAMESPACED.test(name)) {
      // parse(Schema, data) (valibot), plainToInstance(Dto, data), create(data, Struct) (superstruct)
      for (let i = 0; i < args.length; i++) {
        const o = this.origin(args[i]);
        if (o) {
          const schema = args.find((a, j) => j !== i && !ts.isObjectLiteralExpression(unwrap(a)));
          return { kind: 'data', origin: { ...o, validated: true, schema: schema && (unwrap(schema) as ts.Expression), keys: [] }, result: /safe/i.test(name) };
        }
      }
      return undefined;
    }
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const recv = this.value(callee.expression);
    if (recv?.kind === 'request') {
      if (REQUEST_BODY_METHODS.has(method)) return data(shortText(call, this.sf), true, this.routeValidated(call));
      if (REQUEST_TEXT_METHODS.has(method)) return data(shortText(call, this.sf), false, false);
      if (method === 'valid') return data(shortText(call, this.sf), true, true);
      if (REQUEST_VALUE_METHODS.has(method)) return data(shortText(call, this.sf), !args.length, false);
      return undefined;
    }
    if (recv?.kind === 'data') {
      if (method === 'get' || method === 'getAll') return { kind: 'data', origin: { ...recv.origin, source: shortText(call, this.sf), whole: false } };
      if (ITER_METHODS.has(method)) {
        if (method === 'then') return recv;
        if (method === 'map' || method === 'flatMap') {
          const fn = args[0] && unwrap(args[0]);
          const ret = fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) ? returnedExpression(fn) : undefined;
          const o = ret && this.origin(ret);
          return o ? part(o) : undefined;
        }
        if (method === 'filter') return recv;
        return undefined;
      }
      if (STRING_METHODS.has(method)) return { kind: 'data', origin: method === 'filter' || method === 'concat' || method === 'valueOf' ? recv.origin : part(recv.origin).origin };
      if (method === 'json' || method === 'formData') return { kind: 'data', origin: { ...recv.origin, whole: true } };
      return undefined;
    }
    // schema.parse(req.body), Schema.safeParse(body), schema.validate(req.body) (joi/yup), Joi.attempt(body, schema)
    if (VALIDATE_METHODS.test(method) && !PARSER_RECEIVER.test(dottedName(callee.expression) ?? '')) {
      // `create`, `check`, `is`, `guard` only as superstruct/validator-style calls: a model's `create(req.body)` is a write
      if (/^(create|check|is|guard)$/.test(method)) return undefined;
      for (const a of args) {
        const o = this.origin(a);
        if (o) return { kind: 'data', origin: { ...o, validated: true, schema: callee.expression, keys: [] }, result: /^(safeParse|safeParseAsync|validate)$/.test(method) };
      }
    }
    return undefined;
  }

  private identifierValue(id: ts.Identifier): Val | undefined {
    const bs = this.bindings(id);
    if (!bs) return undefined;
    let best: Val | undefined;
    for (const b of bs) {
      let v: Val | undefined;
      if (b.kind === 'var') v = this.applyPath(this.value(b.init), b.path, b.init);
      else if (b.kind === 'assign') v = this.value(b.value);
      else if (b.kind === 'forOf') {
        const base = this.value(b.expr);
        v = base?.kind === 'data' ? this.applyPath(part(base.origin), b.path, b.expr) : undefined;
      } else if (b.kind === 'param') v = this.applyPath(this.paramValue(b.param), b.path, b.param);
      if (!v) continue;
      if (!best) best = v;
      else if (v.kind === 'data' && best.kind === 'data' && best.origin.validated && !v.origin.validated) best = v;
    }
    return best;
  }

  private applyPath(v: Val | undefined, path: readonly Step[], at: ts.Node): Val | undefined {
    let cur = v;
    for (const s of path) {
      if (!cur) return undefined;
      if ('key' in s) cur = this.member(cur, s.key, at, true);
      else if ('rest' in s) cur = cur.kind === 'data' ? cur : undefined;
      else cur = cur.kind === 'data' ? part(cur.origin) : undefined;
    }
    return cur;
  }

  // ------------------------------------------------------------------------------------------ parameters

  private paramValue(p: ts.ParameterDeclaration): Val | undefined {
    const fn = p.parent as FnLike;
    const index = fn.parameters.indexOf(p);
    // Nest: @Body() body: CreateDto, @Param('id') id, @Query() q, @Req() req
    const decorators = ts.canHaveDecorators(p) ? ts.getDecorators(p) ?? [] : [];
    for (const d of decorators) {
      const call = ts.isCallExpression(d.expression) ? d.expression : undefined;
      const dname = dottedName(call ? call.expression : d.expression) ?? '';
      if (NEST_REQUEST.has(dname)) return { kind: 'request' };
      if (!NEST_DATA.has(dname)) continue;
      const field = call && stringValue(call.arguments[0]);
      const pipes = call ? call.arguments.filter((a) => stringValue(a) === undefined) : [];
      if (pipes.some((a) => /Parse(Int|Float|Bool|UUID|Enum)Pipe|ParseDatePipe/.test(a.getText(this.sf)))) return undefined;
      const typeText = p.type ? p.type.getText(this.sf).replace(/\s+/g, ' ') : undefined;
      if (typeText && /^(number|boolean|bigint|Date)$/.test(typeText)) return undefined;
      const untyped = dname === 'Body' && !field && !pipes.length && (!typeText || UNTYPED_BODY.test(typeText) || this.isLocalTypeOnly(typeText));
      const validated = pipes.length > 0 || (!!typeText && !untyped && !/^(string|any|unknown)$/.test(typeText) && !this.isLocalTypeOnly(typeText));
      const source = `@${dname}(${field ? this.sf.text.slice(call!.arguments[0].getStart(this.sf), call!.arguments[0].getEnd()) : ''}) ${p.name.getText(this.sf)}`;
      return { kind: 'data', origin: { source, whole: !field, validated, untypedBody: untyped ? p.name.getText(this.sf) : undefined, keys: [] } };
    }
    // tRPC `.input(schema).mutation(({ input }) => …)`, next-safe-action `.action(({ parsedInput }) => …)`
    const proc = procedureCall(fn, this.sf);
    if (proc) {
      if (index !== 0) return undefined;
      return { kind: 'context', lambda: false, input: proc.validated };
    }
    // server actions: every argument comes from the client
    if (this.isServerAction(fn)) return data(`server-action argument ${p.name.getText(this.sf)}`, true, false);
    const name = ts.isIdentifier(p.name) ? p.name.text : undefined;
    const typeName = p.type && ts.isTypeReferenceNode(p.type) ? p.type.getText(this.sf) : undefined;
    if (name && (REQUEST_NAMES.test(name) || (typeName && REQUEST_TYPES.test(typeName)))) return { kind: 'request' };
    if (ts.isObjectBindingPattern(p.name) && index <= 1 && this.isHandlerBag(p.name) && !isIterationCallback(fn)) return { kind: 'context', lambda: false };
    if (name && CONTEXT_NAMES.test(name) && !isIterationCallback(fn) && (/^(ctx|context|event|evt)$/.test(name) || isHandlerShaped(fn))) {
      return { kind: 'context', lambda: name === 'event' || name === 'evt' };
    }
    // an element of request data: ids.map((id) => …), body.items.forEach((item) => …), req.json().then((body) => …)
    const iter = this.iterationReceiver(fn);
    if (iter && index === 0) {
      const base = this.value(iter.receiver);
      if (base?.kind === 'data') return iter.method === 'then' ? base : part(base.origin);
      return undefined;
    }
    // a same-file function: what its call sites pass
    return this.callSiteValue(fn, index);
  }

  /** `({ params, request })`, `({ request, url })`, `({ body, query })` (Elysia), `({ queryStringParameters })`. */
  private isHandlerBag(b: ts.ObjectBindingPattern): boolean {
    const keys = b.elements.map((el) => staticName(el.propertyName ?? el.name) ?? '');
    return keys.some((k) => BAG_KEYS.has(k)) || (keys.includes('body') && ts.isCallExpression(b.parent.parent.parent));
  }

  private iterationReceiver(fn: FnLike): { receiver: ts.Expression; method: string } | undefined {
    const call = fn.parent;
    if (!call || !ts.isCallExpression(call) || !call.arguments.includes(fn as unknown as ts.Expression)) return undefined;
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !ITER_METHODS.has(callee.name.text)) return undefined;
    return { receiver: callee.expression, method: callee.name.text };
  }

  private isServerAction(fn: FnLike): boolean {
    if (fn.body && ts.isBlock(fn.body) && hasDirective(fn.body.statements, 'use server')) return true;
    if (!this.useServerFile) return false;
    // exported functions of a 'use server' module
    if (ts.isFunctionDeclaration(fn)) return !!fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const decl = fn.parent;
    if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(decl)) {
      const st = decl.parent.parent;
      return ts.isVariableStatement(st) && !!st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    }
    return false;
  }

  /** A type written in this file as an interface or a type alias (no class, so no runtime validation). */
  private isLocalTypeOnly(typeText: string): boolean {
    const base = typeText.replace(/<.*$/s, '').replace(/\[\]$/, '');
    for (const st of this.sf.statements) {
      if ((ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name.text === base) return true;
    }
    return false;
  }

  /** Is a handler given route-level validation: a Fastify `schema.body`, a validation middleware, an Elysia body schema? */
  private readonly routeMemo = new WeakMap<ts.Node, boolean>();

  private routeValidated(at: ts.Node): boolean {
    const fn = enclosingFunction(at);
    if (!fn) return false;
    let v = this.routeMemo.get(fn);
    if (v === undefined) this.routeMemo.set(fn, (v = this.computeRouteValidated(fn)));
    return v;
  }

  private computeRouteValidated(fn: FnLike): boolean {
    // express-validator inside the handler
    if (fn.body && /\b(validationResult|matchedData)\s*\(/.test(fn.body.getText(this.sf))) return true;
    let outer: ts.Node = fn;
    // a handler wrapped once: asyncHandler(async (req, res) => …)
    if (ts.isCallExpression(outer.parent) && ts.isCallExpression(outer.parent.parent) && outer.parent.arguments.length === 1) outer = outer.parent;
    const p = outer.parent;
    if (ts.isCallExpression(p)) {
      for (const a of p.arguments) {
        if (a === outer) continue;
        const u = unwrap(a);
        if (ts.isObjectLiteralExpression(u) && routeOptionsValidate(u)) return true;
        if ((ts.isCallExpression(u) || ts.isIdentifier(u) || ts.isPropertyAccessExpression(u) || ts.isArrayLiteralExpression(u)) && VALIDATOR_MIDDLEWARE.test(u.getText(this.sf))) return true;
      }
    }
    // fastify.route({ schema: { body }, handler }), { handler: async (req) => … }
    if (ts.isPropertyAssignment(p) && ts.isObjectLiteralExpression(p.parent) && routeOptionsValidate(p.parent)) return true;
    if (ts.isMethodDeclaration(fn) && ts.isObjectLiteralExpression(fn.parent) && routeOptionsValidate(fn.parent)) return true;
    return false;
  }

  /** Dotted names passed to a validation call in the function (`schema.parse(req.body)` as a statement). */
  private validatedIn(fn: ts.Node): Set<string> {
    let s = this.validatedNames.get(fn);
    if (s) return s;
    s = new Set();
    const set = s;
    const body = (fn as FnLike).body;
    if (body) {
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n)) {
          const m = calleeMethod(n) ?? '';
          const name = dottedName(n.expression) ?? '';
          const callee = unwrap(n.expression);
          const method =
            ts.isPropertyAccessExpression(callee) && VALIDATE_METHODS.test(m) && !/^(create|is|guard|mask)$/.test(m) && !PARSER_RECEIVER.test(dottedName(callee.expression) ?? '');
          if (method || (ts.isIdentifier(callee) ? VALIDATE_FUNCTIONS.test(name) || this.validators.has(name) : VALIDATE_NAMESPACED.test(name) && !/\.create$/.test(name))) {
            // schema.parse(req.body), validateInputs([input, ZInput], [id, ZId])
            for (const a of n.arguments) {
              const u = unwrap(a);
              for (const x of ts.isArrayLiteralExpression(u) ? u.elements : [u]) {
                const d = dottedName(x);
                if (d) set.add(d);
              }
            }
          }
        }
        if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
      };
      ts.forEachChild(body, visit);
    }
    this.validatedNames.set(fn, set);
    return set;
  }

  private callSiteValue(fn: FnLike, index: number): Val | undefined {
    const name = functionName(fn);
    if (!name) return undefined;
    this.callIndex ??= indexCalls(this.sf);
    const calls = this.callIndex.get(name.key);
    if (!calls) return undefined;
    for (const c of calls) {
      if (name.method && !isThisCall(c)) continue;
      if (!name.method && !ts.isIdentifier(unwrap(c.expression))) continue;
      const arg = c.arguments[index];
      if (!arg || ts.isSpreadElement(arg)) continue;
      const v = this.value(arg);
      if (v) return v;
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------------ scopes

  private bindings(id: ts.Identifier): Binding[] | undefined {
    const scope = this.declaringScope(id);
    return scope?.names.get(id.text);
  }

  private declaringScope(id: ts.Identifier): Scope | undefined {
    for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
      if (ts.isFunctionLike(n) || ts.isSourceFile(n)) {
        const s = this.scopeOf(n);
        const bs = s.names.get(id.text);
        if (bs && bs.some((b) => b.kind !== 'assign')) return s;
      }
    }
    return undefined;
  }

  private scopeOf(owner: ts.Node): Scope {
    let s = this.scopes.get(owner);
    if (s) return s;
    s = { names: new Map(), pushes: new Map() };
    const scope = s;
    const add = (name: string, b: Binding): void => {
      const list = scope.names.get(name);
      if (list) list.push(b);
      else scope.names.set(name, [b]);
    };
    const bindPattern = (name: ts.BindingName, make: (path: readonly Step[]) => Binding, path: Step[] = []): void => {
      if (ts.isIdentifier(name)) {
        add(name.text, make(path));
        return;
      }
      if (ts.isObjectBindingPattern(name)) {
        for (const el of name.elements) {
          if (el.dotDotDotToken) bindPattern(el.name, make, [...path, { rest: true }]);
          else {
            const key = staticName(el.propertyName ?? el.name);
            if (key === undefined) bindPattern(el.name, () => ({ kind: 'other' }), path);
            else bindPattern(el.name, make, [...path, { key }]);
          }
        }
        return;
      }
      for (const el of name.elements) {
        if (ts.isOmittedExpression(el)) continue;
        bindPattern(el.name, make, [...path, el.dotDotDotToken ? { rest: true } : { index: true }]);
      }
    };
    if (ts.isFunctionLike(owner)) {
      for (const p of (owner as ts.SignatureDeclaration).parameters) bindPattern(p.name, (path) => ({ kind: 'param', param: p, path }));
    }
    const visit = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n)) {
        const init = n.initializer;
        if (init) bindPattern(n.name, (path) => ({ kind: 'var', init, path }));
        else bindPattern(n.name, () => ({ kind: 'other' }));
      } else if ((ts.isForOfStatement(n) || ts.isForInStatement(n)) && ts.isVariableDeclarationList(n.initializer)) {
        const expr = n.expression;
        const forIn = ts.isForInStatement(n);
        for (const d of n.initializer.declarations) bindPattern(d.name, (path) => (forIn ? { kind: 'other' } : { kind: 'forOf', expr, path }));
        visit(n.expression);
        visit(n.statement);
        return;
      } else if (ts.isBinaryExpression(n) && ts.isIdentifier(n.left)) {
        const op = n.operatorToken.kind;
        if (op === ts.SyntaxKind.EqualsToken || op === ts.SyntaxKind.PlusEqualsToken || op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken) {
          add(n.left.text, { kind: 'assign', value: n.right });
        }
      } else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'push' && ts.isIdentifier(n.expression.expression)) {
        const key = n.expression.expression.text;
        const list = scope.pushes.get(key) ?? [];
        list.push(...n.arguments);
        scope.pushes.set(key, list);
      } else if (ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) {
        if (n.name) add(n.name.text, { kind: 'other' });
        return;
      } else if (ts.isCatchClause(n) && n.variableDeclaration) {
        bindPattern(n.variableDeclaration.name, () => ({ kind: 'other' }));
        visit(n.block);
        return;
      } else if (ts.isImportDeclaration(n)) {
        const c = n.importClause;
        if (c?.name) add(c.name.text, { kind: 'other' });
        const b = c?.namedBindings;
        if (b && ts.isNamespaceImport(b)) add(b.name.text, { kind: 'other' });
        if (b && ts.isNamedImports(b)) for (const el of b.elements) add(el.name.text, { kind: 'other' });
        return;
      }
      if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
      ts.forEachChild(n, visit);
    };
    const body = ts.isFunctionLike(owner) ? (owner as FnLike).body : owner;
    if (body) {
      if (ts.isSourceFile(body) || ts.isBlock(body)) ts.forEachChild(body, visit);
      else visit(body);
    }
    this.scopes.set(owner, s);
    return s;
  }
}

// -------------------------------------------------------------------------------------------- helpers

function data(source: string, whole: boolean, validated: boolean): Val {
  return { kind: 'data', origin: { source, whole, validated, keys: [] } };
}

function part(o: Origin): { kind: 'data'; origin: Origin } {
  return { kind: 'data', origin: o.whole ? { ...o, whole: false } : o };
}

function shortText(n: ts.Node, sf: ts.SourceFile): string {
  const t = n.getText(sf).replace(/\s+/g, ' ');
  return t.length <= 48 ? t : `${t.slice(0, 45)}…`;
}

function hasDirective(statements: ts.NodeArray<ts.Statement>, directive: string): boolean {
  for (const st of statements) {
    if (ts.isExpressionStatement(st) && ts.isStringLiteral(st.expression)) {
      if (st.expression.text === directive) return true;
      continue;
    }
    break;
  }
  return false;
}

/** The nearest enclosing function-like node. */
export function enclosingFunction(node: ts.Node): FnLike | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n as FnLike;
  return undefined;
}

/** The expression an arrow/function returns, when it has one return (or an expression body). */
export function returnedExpression(fn: ts.ArrowFunction | ts.FunctionExpression): ts.Expression | undefined {
  if (!ts.isBlock(fn.body)) return fn.body;
  const rets = fn.body.statements.filter(ts.isReturnStatement);
  return rets.length === 1 ? rets[0].expression : undefined;
}

/** Route options that validate the request: Fastify `schema: { body | querystring | params }`, Elysia `body: t.Object(…)`. */
function routeOptionsValidate(o: ts.ObjectLiteralExpression): boolean {
  const schema = getProperty(o, 'schema');
  if (schema && ts.isPropertyAssignment(schema)) {
    const v = unwrap(schema.initializer);
    if (!ts.isObjectLiteralExpression(v)) return true; // a shared route schema constant
    return ['body', 'querystring', 'query', 'params'].some((k) => getProperty(v, k));
  }
  const body = getProperty(o, 'body');
  return !!body && ts.isPropertyAssignment(body) && ts.isCallExpression(unwrap(body.initializer));
}

/**
 * A tRPC procedure / next-safe-action callback with an input schema. `validated` is false for schemas that
 * accept anything (`z.any()`, `z.record(…)`, `.passthrough()`).
 */
function procedureCall(fn: FnLike, sf: ts.SourceFile): { validated: boolean } | undefined {
  const call = fn.parent;
  if (!call || !ts.isCallExpression(call) || call.arguments[0] !== (fn as unknown as ts.Expression)) return undefined;
  const method = calleeMethod(call);
  if (method !== 'query' && method !== 'mutation' && method !== 'subscription' && method !== 'action' && method !== 'stateAction') return undefined;
  const text = call.expression.getText(sf);
  const m = /\.(input|schema|inputSchema)\s*\(/.exec(text);
  if (!m) return undefined;
  const schemaText = text.slice(m.index);
  return { validated: !/^\.\w+\s*\(\s*(z\.(any|unknown|record)\s*\(|[^)]*\.passthrough\s*\(\))/.test(schemaText) };
}

/** A callback of an array method or a promise (`items.map((c) => …)`), not a handler. */
function isIterationCallback(fn: FnLike): boolean {
  const call = fn.parent;
  if (!call || !ts.isCallExpression(call) || !call.arguments.includes(fn as unknown as ts.Expression)) return false;
  const m = calleeMethod(call) ?? '';
  return ITER_METHODS.has(m) || m === 'reduce' || m === 'sort' || m === 'catch' || m === 'finally';
}

/** Given to a call (a route, a wrapper, `defineEventHandler`), exported, a class method or an object's handler property. */
function isHandlerShaped(fn: FnLike): boolean {
  const p = fn.parent;
  if (ts.isCallExpression(p)) return true;
  if (ts.isMethodDeclaration(fn) || ts.isPropertyAssignment(p) || ts.isExportAssignment(p)) return true;
  if (ts.isFunctionDeclaration(fn)) return !!fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  if (ts.isVariableDeclaration(p)) {
    const st = p.parent.parent;
    return ts.isVariableStatement(st) && !!st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  }
  return false;
}

function functionName(fn: FnLike): { key: string; method: boolean } | undefined {
  if (ts.isFunctionDeclaration(fn) && fn.name) return { key: fn.name.text, method: false };
  if (ts.isMethodDeclaration(fn) && ts.isIdentifier(fn.name)) return { key: `this.${fn.name.text}`, method: true };
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) {
    return { key: fn.parent.name.text, method: false };
  }
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isPropertyDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) {
    return { key: `this.${fn.parent.name.text}`, method: true };
  }
  return undefined;
}

function isThisCall(c: ts.CallExpression): boolean {
  const e = unwrap(c.expression);
  return ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword;
}

/** Calls of the file by callee: `f(…)` → 'f', `this.m(…)` → 'this.m'. One walk, done lazily. */
function indexCalls(sf: ts.SourceFile): Map<string, ts.CallExpression[]> {
  const out = new Map<string, ts.CallExpression[]>();
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const e = unwrap(n.expression);
      const key = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword ? `this.${e.name.text}` : undefined;
      if (key) {
        const list = out.get(key);
        if (list) list.push(n);
        else out.set(key, [n]);
      }
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(sf, visit);
  return out;
}

/** The request data of one file, created once per file and shared by the rule's visitors. */
export function requestData(sf: ts.SourceFile): RequestData {
  let r = cache.get(sf);
  if (!r) cache.set(sf, (r = new RequestData(sf)));
  return r;
}
const cache = new WeakMap<ts.SourceFile, RequestData>();
