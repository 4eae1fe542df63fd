import {
  calleeMethod,
  defineRule,
  dottedName,
  getProperty,
  hasDirective,
  insertProperty,
  someDescendant,
  staticName,
  stringValue,
  ts,
  unwrap,
  type CodeNames,
  type Fix,
} from '../../server/src/engine/api';
import { usesServer } from '../_lib/requestData';

// ---------------------------------------------------------------------------------------------------------
// Vocabulary

/** Owner and tenant columns / relations, tested on the key without leading underscores and table prefix. */
const OWNER_KEY =
  /(user|owner|organi[sz]ation|org|tenant|team|account|workspace|environment|project|author|creator|created_?by|member|customer|company)s?(Id|ID|Ids|_id|_ids)?$/i;
/** Keys that name a record by id: its own id (`id`, `_id`, `uuid`) or a foreign/alternate id (`friendlyId`, `invoice_id`). */
const ID_KEY = /^(_?id|uuid|guid|[a-zA-Z]+(Id|ID|Uuid)|[a-z]+_id)$/;
/** Its own id only: what a `findMany`/`deleteMany` must be keyed by to count. */
const OWN_ID_KEY = /^(_?id|uuid|guid|ids)$/;
/** Flags that make a record public by design. */
const PUBLIC_KEY = /^(published|isPublished|isPublic|public|listed|isListed|shared|isShared)$/;
const PUBLIC_VALUE_KEY = /^(status|visibility|state)$/;
const PUBLIC_VALUE = /^(published|public|live|listed)$/i;

/** Admin-only handlers: a role check, an admin flag, an admin guard. */
const ADMIN_TEXT =
  /\bisAdmin\b|\bisSuperAdmin\b|\bisStaff\b|\.(admin|superAdmin|isStaff|staff|superuser|isSuperuser)\b|role\s*[!=]==?\s*['"`](admin|superadmin|super_admin|staff)['"`]|['"`](admin|superadmin|super_admin|ADMIN|SUPER_ADMIN)['"`]\s*[!=]==?\s*\w+(\.\w+)*\.role\b|\brequire(Super)?Admin\w*|\bassert(Super)?Admin\w*|\bensure(Super)?Admin\w*|\bRole\.(ADMIN|SUPER_ADMIN|Admin)\b|\badminProcedure\b|\bwithAdmin\w*/;
/** Signature verification of a webhook payload. */
const WEBHOOK_TEXT =
  /constructEvent\w*\(|createHash\(|\bverify\w*(Signature|Webhook)\w*\(|\bvalidate\w*(Signature|Webhook)\w*\(|timingSafeEqual|createHmac|new Webhook\(|\bwebhooks?\.verify\(|\bwh\.verify\(|\bReceiver\(|verifySignatureAppRouter/;
/** Calls that check access to a record, by the words of their name: `canEdit`, `verifyFolderAccess`, `throwIfNoPermission`. */
const ACCESS_VERB = /^(can|cannot|authorize|enforce)$/;
const CHECK_VERB = /^(has|check|verify|ensure|assert|require|throw|validate|is|must|user|guard)$/;
/** A name whose first word may be an ACCESS_VERB or a CHECK_VERB (after leading underscores and blanks, in any case). */
const ACCESS_START = /^[_\s]*(can|authorize|enforce|has|check|verify|ensure|assert|require|throw|validate|is|must|user|guard)/i;
const ACCESS_WORD = /^(access|permission|permissions|owner|ownership|owns|member|membership|authorized|allowed|role|roles|policy|policies)$/;
/** Calls whose result is the caller's identity. */
const AUTH_CALL =
  /^(auth|getAuth|currentUser|getServerSession|getServerAuthSession|authenticate\w*|validateRequest|whoami|getToken|verifyToken|verifyJwt|jwtVerify|requireLogin|ensureLoggedIn|(get|require|ensure|verify|validate|check|fetch|load|assert|with)(Current|Auth(enticated)?|LoggedIn|Session|Signed)?(User|Session|Auth|Viewer|Member|Account|Principal|Identity|Claims|Org|Organization|Workspace|Tenant|Team)\w*)$/i;
/** `if (!verifyPlainRequest(request)) return 401`: a request verified by a shared secret or signature. */
const MACHINE_CHECK = /^(verify|validate|authenticate|check|is)\w*(Request|Signature|Webhook|Secret|Hmac|Cron|Signed)\w*$/i;
/** Names that hold the caller's identity when nothing from the request was assigned to them. */
const IDENTITY_ROOT =
  /^(user|session|currentUser|authUser|sessionUser|loggedInUser|me|viewer|auth|principal|actor|caller|identity|claims|currentUserId|userId|orgId|organizationId|tenantId|workspaceId|teamId|accountId|authentication|authResult|authenticationResult|authContext|authCtx|locals|jwtPayload)$/;
/** `req.user`, `ctx.session`, `ctx.state.user`, `event.locals`, `res.locals`. */
const IDENTITY_MEMBER =
  /^(user|session|auth|userId|orgId|organizationId|tenantId|workspaceId|teamId|accountId|currentUser|state|locals|authentication|principal|identity|claims|tenant|organization|workspace|jwtPayload|ctx)$/;
const CONTEXT_ROOT = /^(ctx|context|event|res|response|c|opts|options|req|request)$/;
/** Keys of a request object that carry client data. */
const REQUEST_DATA_KEY = /^(params|query|body|searchParams|nextUrl|url|input|rawBody|parsedInput)$/;
/** Calls that pass request data through (parsing, coercion, validation). */
const PASS_THROUGH = /^(Number|parseInt|parseFloat|String|BigInt|decodeURIComponent|ObjectId|ObjectID|toString|trim|toLowerCase|toUpperCase|parse\w*|safeParse\w*|validate\w*|fromEntries|getRouterParams?|getQuery|readBody|readValidatedBody|getValidatedQuery|getValidatedRouterParams|createFromHexString)$/;
/** Calls that end the request when a check fails. */
const EXIT_CALL = /^(notFound|redirect|forbidden|unauthorized|error|abort|deny|sendStatus|permanentRedirect|throwError|fail)$/;

const HTTP_VERBS = /^(GET|POST|PUT|PATCH|DELETE)$/;
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all']);
const NEST_ROUTES = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All']);
const NEST_DATA = new Set(['Param', 'Params', 'Query', 'Body']);
const NEST_IDENTITY = /^(UserSession|CurrentUser|User|AuthUser|Session|Auth|CurrentOrganization|CurrentTenant|CurrentWorkspace|Principal|Claims)$/;
const GUARD_DECORATOR = /Roles|Admin|Permission|Polic(y|ies)|Abilit|Owner|Member|Access|\bCan\(|CheckAbilities/;

const PRISMA_ONE = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'update', 'delete', 'upsert']);
const PRISMA_MANY = new Set(['findMany', 'updateMany', 'deleteMany']);
const PRISMA_CLIENT = /^(\w*prisma\w*|db|tx|trx|client|database|transaction)$/i;
const BY_ID = new Set(['findById', 'findByIdAndUpdate', 'findByIdAndDelete', 'findByIdAndRemove', 'findByPk']);
const FILTER_ONE = new Set(['findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndRemove', 'findOneAndReplace', 'updateOne', 'deleteOne', 'replaceOne', 'destroy']);
const FILTER_MANY = new Set(['find', 'findBy', 'findAll', 'updateMany', 'deleteMany']);
const REPO_WRITE = new Set(['update', 'delete', 'softDelete', 'restore', 'remove']);
const DB_ROOT = /^(db|tx|trx|knex|database|conn|connection|drizzle|orm|qb|kysely|pg|sql)$|(Db|DB|Knex)$/;
const SUPABASE_USER_CLIENT = /^(createServerClient|createRouteHandlerClient|createServerComponentClient|createServerActionClient|createBrowserClient|createPagesServerClient|createPagesBrowserClient|createMiddlewareClient|createClientComponentClient)$/;
const WRITE_METHOD = /^(update\w*|delete\w*|destroy|remove|softDelete|upsert|replaceOne|findByIdAndUpdate|findByIdAndDelete|findByIdAndRemove|findOneAnd\w+|restore)$/;

/** Every query method `queryInfo` accepts (Prisma and drizzle need a `where` key, supabase an `eq`/`in`/`match`). */
const QUERY_NAMES = [...new Set(['where', 'andWhere', 'whereIn', ...BY_ID, ...FILTER_ONE, ...FILTER_MANY, ...REPO_WRITE])];

function hasQuery(ids: CodeNames): boolean {
  for (const m of QUERY_NAMES) if (ids.has(m)) return true;
  return ids.has('from') && (ids.has('eq') || ids.has('in') || ids.has('match'));
}

/**
 * Can the file have a handler the visitors run: a tRPC / next-safe-action procedure, a Nest route method,
 * `fastify.route({ url, handler })`, an exported handler of a file-routed module, a pages/api default export,
 * `app.get('/path', …)` / `router.route('/path').get(…)`, a server action?
 */
function hasHandler(ids: CodeNames, text: string, path: string): boolean {
  if ((ids.has('query') || ids.has('mutation') || ids.has('action')) && (ids.has('input') || ids.has('schema') || ids.has('inputSchema'))) return true;
  for (const d of NEST_ROUTES) if (ids.has(d)) return true;
  if (ids.has('route') && ids.has('url') && ids.has('handler')) return true;
  if (path.includes('pages/api/')) return true;
  if (/(^|\/)(route\.(ts|js|mts|mjs)|\+server\.(ts|js))$/.test(path) && FILE_VERBS.some((v) => ids.has(v))) return true;
  if (/(^|\/)\+(page|layout)\.server\.(ts|js)$/.test(path) && (ids.has('load') || ids.has('actions'))) return true;
  if (/(^|\/)routes\//.test(path) && (ids.has('loader') || ids.has('action'))) return true;
  // a route path is a string: '/x/:id' (or `router.route('/x')`)
  for (const m of ROUTE_METHODS) {
    if (!ids.has(m)) continue;
    if (ids.has('route') || text.includes("'/") || text.includes('"/') || text.includes('`/') || text.includes('\\/')) return true;
    break;
  }
  return usesServer(text);
}
const FILE_VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Preferred owner columns for the fix, tenant first. `user`-like columns map to the caller's id. */
const FIX_TENANT_COLUMNS = ['organizationId', 'orgId', 'tenantId', 'teamId', 'workspaceId', 'accountId', 'companyId'];
const FIX_USER_COLUMNS = ['userId', 'ownerId', 'authorId', 'createdById', 'creatorId'];

type FnLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

interface Handler {
  readonly fn: FnLike;
  /** identifiers whose whole value is request data */
  readonly tainted: Set<string>;
  /** request objects (`req`, `request`, `c`, Koa `ctx`): their params/query/body are request data */
  readonly requests: Set<string>;
  /** identifiers holding the caller's identity, with the offset from which they are bound */
  readonly identities: Map<string, number>;
  /** request values already tied to the caller (an owner-scoped query or an access check used them) */
  readonly verified: Set<string>;
  /** local variable initializers (to tell a Supabase service-role client from a user-scoped one) */
  readonly locals: Map<string, ts.Expression>;
  /** locals bound to something else (a query result): not the caller even when named `user` */
  readonly plain: Set<string>;
  readonly depth: number;
  /** where the handler first establishes who the caller is (an auth call, `req.user`, a session parameter) */
  callerAt?: number;
}

interface Candidate {
  readonly node: ts.CallExpression;
  /** the query, or the call in the handler that leads to it */
  readonly site: ts.Node;
  readonly messageId: 'unscoped' | 'unscopedWrite';
  readonly data: Record<string, string>;
  readonly fix?: Fix;
}

interface Filter {
  lookup?: string;
  lookupExpr?: ts.Expression;
  scoped: boolean;
  isPublic: boolean;
  /** request values that appear in the filter: verified when the filter is owner-scoped */
  values: ts.Expression[];
}

interface Query extends Filter {
  readonly what: string;
  readonly write: boolean;
  readonly fix?: () => Fix | undefined;
}

export default defineRule({
  id: 'idor',
  title: 'Record fetched by a request id without an ownership check',
  summary: 'A request handler reads, updates or deletes a record by an id taken from the request without tying the record to the caller.',
  severity: 'error',
  kinds: ['code'],
  scope: 'file',
  checklist: '003 §2.2',
  fixable: true,
  hasSuggestions: false,
  messages: {
    unscoped: '{{what}} reads a record by "{{id}}" from the request without checking that it belongs to the caller.',
    unscopedWrite: '{{what}} changes or deletes a record by "{{id}}" from the request without checking that it belongs to the caller.',
  },
  options: {
    ownerColumns: {
      type: 'string[]',
      default: [],
      description: 'More column names that tie a record to its owner or tenant, e.g. "clinicId".',
    },
  },
  // a handler (hasHandler) and a query by name (hasQuery) in the same file
  codeHint: (ids, text, file) => hasQuery(ids) && hasHandler(ids, text, file.path),
  check(ctx) {
    const sf = ctx.sourceFile;
    const text = sf.text;
    const path = ctx.file.path;
    const extraOwners = new Set(((ctx.options.ownerColumns as readonly string[] | undefined) ?? []).map((c) => c.toLowerCase()));
    const isOwnerKey = (key: string): boolean => {
      const k = key.replace(/^.*\./, '').replace(/^_+/, '');
      return OWNER_KEY.test(k) || extraOwners.has(k.toLowerCase());
    };
    const useServerFile = hasDirective(sf, 'use server');
    const nextRoute = /(^|\/)route\.(ts|js|mts|mjs)$/.test(path);
    const svelteEndpoint = /(^|\/)\+server\.(ts|js)$/.test(path);
    const sveltePage = /(^|\/)\+(page|layout)\.server\.(ts|js)$/.test(path);
    const remixRoute = /(^|\/)routes\//.test(path) && !svelteEndpoint && !sveltePage;
    const pagesApi = /(^|\/)pages\/api\//.test(path);
    // file-based routes under an admin segment, or public/share/embed areas, are out of scope by design
    const routeByFile = nextRoute || svelteEndpoint || sveltePage || remixRoute || pagesApi;
    const adminOrPublicFile = (routeByFile || useServerFile) && /(^|[/.(\[_])(admin|public|share|shared|embed|cron|crons)([/.)\]_]|$)/i.test(path.replace(/\.\w+$/, ''));
    const done = new Set<ts.Node>();
    const reported = new Set<ts.Node>();
    let topFunctions: Map<string, FnLike> | undefined;
    let routerGuarded: boolean | undefined;
    let columnsCache: Map<string, Set<string>> | undefined;

    // ---------------------------------------------------------------------------------------- analysis

    function run(h: Handler, needsCaller = false): void {
      if (done.has(h.fn)) return;
      done.add(h.fn);
      // no request object or request value to start from: nothing in the handler (or the helpers it calls) is request data
      if (!h.tainted.size && !h.requests.size) return;
      // file-routed handlers, server actions and tRPC procedures that have not established a caller before the
      // query are public by design (share pages, sign-up flows) or unauthenticated: not an ownership question
      for (const c of analyze(h, [])) {
        if (needsCaller && (h.callerAt === undefined || h.callerAt > c.site.getStart(sf))) continue;
        if (reported.has(c.node)) continue;
        reported.add(c.node);
        ctx.report({ node: c.node, messageId: c.messageId, data: c.data, fix: c.fix });
      }
    }

    /** The unscoped queries of one handler (or of a same-file helper it calls with request data). */
    function analyze(h: Handler, stack: readonly FnLike[]): Candidate[] {
      const body = h.fn.body;
      if (!body || stack.includes(h.fn)) return [];
      const bodyText = body.getText(sf);
      if (ADMIN_TEXT.test(bodyText) || WEBHOOK_TEXT.test(bodyText) || testOnly(body) || machineVerified(body)) return [];
      // an explicit access check anywhere in the handler (`await assertCanAccess(user, doc)`, `ability.can(...)`)
      if (someDescendant(body, (n) => ts.isCallExpression(n) && isAccessCall(n))) return [];
      const out: Candidate[] = [];
      const visit = (n: ts.Node): void => {
        if (ts.isVariableDeclaration(n) && n.initializer) bindDeclaration(h, n.name, n.initializer, n.getEnd());
        else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left)) {
          if (isRequestData(h, n.right)) h.tainted.add(n.left.text);
        } else if (ts.isForOfStatement(n) && isRequestData(h, n.expression) && ts.isVariableDeclarationList(n.initializer)) {
          for (const d of n.initializer.declarations) bindNames(d.name, h.tainted);
        }
        if (h.callerAt === undefined && isCallerEvidence(h, n)) h.callerAt = n.getStart(sf);
        if (ts.isCallExpression(n)) {
          bindCallbackParams(h, n);
          if (isChainTop(n)) {
            const q = queryInfo(h, n);
            if (q) onQuery(h, n, q, out);
            else onCall(h, n, out, stack);
          }
        }
        ts.forEachChild(n, visit);
      };
      // one walk of the body in source order: bindings are known before the queries that use them
      visit(body);
      return out;
    }

    function onQuery(h: Handler, call: ts.CallExpression, q: Query, out: Candidate[]): void {
      if (q.scoped) {
        for (const v of q.values) verify(h, v);
        return;
      }
      if (q.isPublic || !q.lookup || !q.lookupExpr || callerScopedClient(h, call)) return;
      if (checkedAfter(h, call, resultNames(call))) {
        verify(h, q.lookupExpr);
        return;
      }
      out.push({
        node: call,
        site: call,
        messageId: q.write ? 'unscopedWrite' : 'unscoped',
        data: { what: q.what, id: shortText(q.lookupExpr) ?? q.lookup },
        fix: h.depth === 0 ? q.fix?.() : undefined,
      });
    }

    /**
     * A client built for the caller: `const db = getTenantDb(session.user.orgId)`, `prisma.$extends(forUser(user.id))`,
     * `req.tenantDb`. Its queries are scoped where we cannot see it.
     */
    function callerScopedClient(h: Handler, call: ts.CallExpression): boolean {
      let n: ts.Node = call;
      while (ts.isCallExpression(n) || ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isAwaitExpression(n) || ts.isParenthesizedExpression(n) || ts.isNonNullExpression(n)) {
        n = ts.isCallExpression(n) ? n.expression : (n as ts.PropertyAccessExpression).expression;
      }
      if (!ts.isIdentifier(n)) return false;
      const chainText = call.expression.getText(sf);
      if (/tenant|scoped|\brls\b|forUser|forOrg|asUser|withUser/i.test(chainText.split('(')[0])) return true;
      const init = h.locals.get(n.text) ?? topLevelInit(n.text);
      const v = init && unwrap(init);
      return !!v && ts.isCallExpression(v) && v.arguments.some((a) => mentionsIdentity(h, a));
    }

    /** A call that is not a query: a same-file helper given request data, or a check that uses request data. */
    function onCall(h: Handler, call: ts.CallExpression, out: Candidate[], stack: readonly FnLike[]): void {
      const taintedArgs = call.arguments.flatMap((a) => requestValuesIn(h, a));
      if (!taintedArgs.some((a) => !isVerified(h, a))) return;
      const helper = h.depth < 2 ? resolveHelper(call) : undefined;
      if (helper) {
        const sub = helperHandler(h, helper, call);
        const found = analyze(sub, [...stack, h.fn]);
        if (found.length && !checkedAfter(h, call, resultNames(call))) out.push(...found.map((c) => ({ ...c, site: call })));
      }
      // getProjectForUser(projectId, user.id), assertMember(orgId, session): the request value is checked
      const name = calleeMethod(call) ?? '';
      const usedAsCheck = /^(find|get|load|fetch|require|assert|check|verify|ensure|validate|resolve|lookup|authori)/i.test(name);
      if (usedAsCheck && call.arguments.some((a) => mentionsIdentity(h, a))) {
        for (const a of taintedArgs) verify(h, a);
      }
    }

    // ---------------------------------------------------------------------------------------- request data

    function isRequestObject(h: Handler, e: ts.Node): boolean {
      const n = unwrap(e);
      if (ts.isIdentifier(n)) return h.requests.has(n.text);
      if (ts.isPropertyAccessExpression(n)) return /^(req|request|raw)$/.test(n.name.text) && isRequestObject(h, n.expression);
      return false;
    }

    function isRequestData(h: Handler, e: ts.Node): boolean {
      const n = unwrap(e);
      if (ts.isIdentifier(n)) return h.tainted.has(n.text);
      if (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) {
        const key = ts.isPropertyAccessExpression(n) ? n.name.text : staticName(n.argumentExpression);
        if (key && REQUEST_DATA_KEY.test(key) && isRequestObject(h, n.expression)) return true;
        return isRequestData(h, n.expression);
      }
      if (ts.isCallExpression(n)) {
        const method = calleeMethod(n) ?? '';
        const callee = unwrap(n.expression);
        if (ts.isPropertyAccessExpression(callee)) {
          const recv = callee.expression;
          // await req.json(), request.formData(), c.req.param('id'), c.req.query(), c.req.valid('param'), req.param('id')
          if (/^(json|formData|text|param|query|valid|queries)$/.test(method) && isRequestObject(h, recv)) return true;
          // searchParams.get('id'), formData.get('id'), x.toString()
          if (/^(get|getAll|toString|trim|toLowerCase|toUpperCase)$/.test(method) && isRequestData(h, recv)) return true;
        }
        if (AUTH_CALL.test(method)) return false; // validateRequest(req), authenticate(request): the caller, not data
        if (PASS_THROUGH.test(method) && n.arguments.some((a) => isRequestData(h, a) || isRequestObject(h, a))) return true;
        return false;
      }
      if (ts.isNewExpression(n)) {
        const ctor = dottedName(n.expression) ?? '';
        const arg = n.arguments?.[0];
        if (!arg) return false;
        // new URL(req.url).searchParams, new ObjectId(id)
        if (ctor === 'URL') return isRequestData(h, arg);
        if (/(^|\.)ObjectId$/i.test(ctor)) return isRequestData(h, arg);
        return false;
      }
      if (ts.isBinaryExpression(n) && /^(\?\?|\|\|)$/.test(n.operatorToken.getText(sf))) return isRequestData(h, n.left) || isRequestData(h, n.right);
      if (ts.isConditionalExpression(n)) return isRequestData(h, n.whenTrue) || isRequestData(h, n.whenFalse);
      if (ts.isTemplateExpression(n)) return n.templateSpans.some((s) => isRequestData(h, s.expression));
      return false;
    }

    function isIdentity(h: Handler, e: ts.Node): boolean {
      const n = unwrap(e);
      if (ts.isCallExpression(n)) {
        // Hono c.get('user'), c.var.user
        const key = stringValue(n.arguments[0]) ?? '';
        return calleeMethod(n) === 'get' && /^(user|session|auth|userId|tenant\w*|org\w*|workspace\w*|jwtPayload|claims)$/.test(key) && !isRequestData(h, n);
      }
      const name = dottedName(n);
      if (!name || isRequestData(h, n)) return false;
      const segs = name.replace(/\(\)/g, '').split('.');
      const root = segs[0];
      if (h.tainted.has(root)) return false;
      if (h.identities.has(root)) return true;
      if (h.plain.has(root)) return false;
      if (IDENTITY_ROOT.test(root)) return true;
      if (segs.length > 1 && (CONTEXT_ROOT.test(root) || h.requests.has(root)) && IDENTITY_MEMBER.test(segs[1])) return true;
      if (segs.length > 2 && root === 'this' && /^(req|request)$/.test(segs[1]) && IDENTITY_MEMBER.test(segs[2])) return true;
      return false;
    }

    /** Identity that the fix may rely on: bound from an auth call, a decorator, the wrapper, or `req.user`. */
    function isStrictIdentity(h: Handler, e: ts.Node, before: number): boolean {
      const name = dottedName(unwrap(e));
      if (!name || isRequestData(h, e)) return false;
      const segs = name.split('.');
      const at = h.identities.get(segs[0]);
      if (at !== undefined) return at <= before;
      return segs.length > 1 && (h.requests.has(segs[0]) || /^(ctx|event|locals)$/.test(segs[0])) && /^(user|session|state|locals|auth)$/.test(segs[1]);
    }

    function isVerified(h: Handler, e: ts.Node): boolean {
      const name = dottedName(unwrap(e));
      return !!name && h.verified.has(name);
    }

    function verify(h: Handler, e: ts.Node): void {
      const name = dottedName(unwrap(e));
      if (name) h.verified.add(name);
    }

    /** An auth call, `req.user`, `ctx.session`, `locals.user`: the handler knows who calls it from here on. */
    function isCallerEvidence(h: Handler, n: ts.Node): boolean {
      if (ts.isCallExpression(n)) {
        const m = calleeMethod(n) ?? '';
        const callee = dottedName(n.expression) ?? '';
        return (AUTH_CALL.test(m) || /\.auth\.(getUser|getSession)$/.test(callee)) && !n.arguments.some((a) => hasRequestData(h, a));
      }
      if (ts.isPropertyAccessExpression(n) && !ts.isPropertyAccessExpression(n.parent)) {
        const segs = (dottedName(n) ?? '').split('.');
        return segs.length > 1 && (h.requests.has(segs[0]) || /^(ctx|event|locals|res)$/.test(segs[0])) && /^(user|session|auth|state|locals|userId)$/.test(segs[1]);
      }
      return false;
    }

    function bindDeclaration(h: Handler, name: ts.BindingName, init: ts.Expression, at: number): void {
      const v = unwrap(init);
      if (ts.isIdentifier(name)) h.locals.set(name.text, init);
      if (isRequestData(h, v)) {
        const names = new Set<string>();
        bindNames(name, names);
        for (const n of names) {
          h.tainted.add(n);
          h.identities.delete(n);
        }
        // const { environmentId } = submission.value, after submission.value.environmentId was checked
        const base = dottedName(v);
        if (base && ts.isIdentifier(name) && h.verified.has(base)) h.verified.add(name.text);
        if (base && ts.isObjectBindingPattern(name)) {
          for (const el of name.elements) {
            const key = staticName(el.propertyName ?? el.name);
            if (key && ts.isIdentifier(el.name) && (h.verified.has(`${base}.${key}`) || h.verified.has(base))) h.verified.add(el.name.text);
          }
        }
        return;
      }
      const names = new Set<string>();
      bindNames(name, names);
      const identity = isIdentitySource(h, v);
      for (const n of names) {
        h.tainted.delete(n);
        if (identity) {
          h.identities.set(n, at);
          h.plain.delete(n);
        } else {
          h.identities.delete(n);
          h.plain.add(n);
        }
      }
    }

    function isIdentitySource(h: Handler, v: ts.Node): boolean {
      if (ts.isCallExpression(v)) {
        const method = calleeMethod(v) ?? '';
        const callee = dottedName(v.expression) ?? '';
        if ((AUTH_CALL.test(method) || /(^|\.)(jwt|jose)\.verify$/.test(callee)) && !v.arguments.some((a) => isRequestData(h, a))) return true;
        // const { data: { user } } = await supabase.auth.getUser()
        if (/\.auth\.getUser$|\.auth\.getSession$/.test(callee)) return true;
        // derived from the caller: getDefaultProgramIdOrThrow(workspace), getTeamId(session.user)
        return v.arguments.length > 0 && !v.arguments.some((a) => hasRequestData(h, a)) && v.arguments.some((a) => mentionsIdentity(h, a));
      }
      return isIdentity(h, v);
    }

    /** Request data anywhere in an expression (object literals, nested filters). */
    function requestValuesIn(h: Handler, e: ts.Node, out: ts.Expression[] = []): ts.Expression[] {
      const u = unwrap(e);
      if (isRequestData(h, u)) out.push(u as ts.Expression);
      else if (!ts.isFunctionLike(u)) ts.forEachChild(u, (c) => void requestValuesIn(h, c, out));
      return out;
    }

    function hasRequestData(h: Handler, e: ts.Node): boolean {
      return requestValuesIn(h, e).length > 0;
    }

    function mentionsIdentity(h: Handler, e: ts.Node): boolean {
      const u = unwrap(e);
      if ((ts.isIdentifier(u) || ts.isPropertyAccessExpression(u) || ts.isCallExpression(u)) && isIdentity(h, u)) return true;
      return !ts.isFunctionLike(u) && !!ts.forEachChild(u, (c) => (mentionsIdentity(h, c) ? true : undefined));
    }

    /** `ids.map((id) => …)`, `body.items.forEach((item) => …)`: the callback's parameter is request data. */
    function bindCallbackParams(h: Handler, call: ts.CallExpression): void {
      const m = calleeMethod(call) ?? '';
      if (!/^(map|forEach|flatMap|filter|some|every|find|reduce)$/.test(m)) return;
      const callee = unwrap(call.expression);
      if (!ts.isPropertyAccessExpression(callee) || !isRequestData(h, callee.expression)) return;
      const fn = call.arguments[0] && unwrap(call.arguments[0]);
      if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return;
      const p = fn.parameters[m === 'reduce' ? 1 : 0];
      if (p) bindNames(p.name, h.tainted);
    }

    // ---------------------------------------------------------------------------------------- filters

    /** A filter value that carries request data: `id`, `{ in: ids }`, `{ $in: ids }`, `{ equals: id }`. */
    function requestValue(h: Handler, value: ts.Node): ts.Expression | undefined {
      const v = unwrap(value) as ts.Expression;
      if (isRequestData(h, v)) return v;
      if (ts.isObjectLiteralExpression(v)) {
        for (const k of ['in', 'equals', '$in', '$eq', 'eq']) {
          const inner = getProperty(v, k);
          if (inner && ts.isPropertyAssignment(inner) && isRequestData(h, inner.initializer)) return unwrap(inner.initializer) as ts.Expression;
          if (inner && ts.isShorthandPropertyAssignment(inner) && isRequestData(h, inner.name)) return inner.name;
        }
      }
      return undefined;
    }

    function isLiteral(v: ts.Node): boolean {
      const n = unwrap(v);
      return (
        n.kind === ts.SyntaxKind.NullKeyword ||
        n.kind === ts.SyntaxKind.TrueKeyword ||
        n.kind === ts.SyntaxKind.FalseKeyword ||
        n.kind === ts.SyntaxKind.UndefinedKeyword ||
        (ts.isIdentifier(n) && n.text === 'undefined') ||
        ts.isStringLiteralLike(n) ||
        ts.isNumericLiteral(n)
      );
    }

    function isPublicFlag(key: string, value: ts.Node): boolean {
      const v = unwrap(value);
      if (PUBLIC_KEY.test(key)) return v.kind === ts.SyntaxKind.TrueKeyword;
      if (PUBLIC_VALUE_KEY.test(key)) {
        const s = stringValue(v) ?? (ts.isPropertyAccessExpression(v) ? v.name.text : undefined);
        return !!s && PUBLIC_VALUE.test(s);
      }
      return false;
    }

    /** Judge an object filter: Prisma/TypeORM/Sequelize `where`, a Mongo filter, knex `where({...})`. */
    function judgeObject(h: Handler, obj: ts.ObjectLiteralExpression, ownOnly: boolean): Filter {
      const f: Filter = { scoped: false, isPublic: false, values: [] };
      const visit = (o: ts.ObjectLiteralExpression, depth: number, inOwner: boolean): void => {
        for (const p of o.properties) {
          if (ts.isSpreadAssignment(p)) {
            // a spread we cannot see may carry the owner condition
            f.scoped = true;
            continue;
          }
          const key = ts.isShorthandPropertyAssignment(p) ? p.name.text : ts.isPropertyAssignment(p) ? staticName(p.name) : undefined;
          const value = ts.isShorthandPropertyAssignment(p) ? p.name : ts.isPropertyAssignment(p) ? p.initializer : undefined;
          if (!key || !value) continue;
          const v = unwrap(value);
          const req = requestValue(h, v);
          if (req) f.values.push(req);
          if (req && isVerified(h, req)) {
            // a value already checked against the caller (a project id after a membership query) scopes the record
            f.scoped = true;
            continue;
          }
          if (ts.isObjectLiteralExpression(v) && !req) {
            // relation filters (`organization: { members: { some: { userId } } }`), AND/OR, compound keys (`id_userId`)
            if (depth < 6) visit(v, depth + 1, inOwner || isOwnerKey(key));
            continue;
          }
          if (ts.isArrayLiteralExpression(v) && /^(AND|OR|\$and|\$or)$/.test(key)) {
            for (const el of v.elements) if (ts.isObjectLiteralExpression(unwrap(el))) visit(unwrap(el) as ts.ObjectLiteralExpression, depth + 1, inOwner);
            continue;
          }
          if (isPublicFlag(key, v)) {
            f.isPublic = true;
            continue;
          }
          if (!req) {
            // a condition not from the request: an owner column, anything inside an owner relation, or the caller's identity
            if (!isLiteral(v) && (inOwner || isOwnerKey(key) || isIdentity(h, v))) f.scoped = true;
            continue;
          }
          const k = key.replace(/^.*\./, '');
          if (!inOwner && !isOwnerKey(k) && (ownOnly ? OWN_ID_KEY : ID_KEY).test(k) && depth < 3) {
            f.lookup ??= k;
            f.lookupExpr ??= req;
          }
        }
      };
      visit(obj, 0, false);
      return f;
    }

    /** Judge a drizzle condition (`eq(t.id, id)`, `and(...)`, a `(t, { eq }) => …` callback) or knex/supabase filter calls. */
    function judgeCondition(h: Handler, e: ts.Node, ownOnly: boolean): Filter & { eqCall?: ts.CallExpression; table?: string } {
      const f: Filter & { eqCall?: ts.CallExpression; table?: string } = { scoped: false, isPublic: false, values: [] };
      const visit = (n: ts.Node): void => {
        if (ts.isObjectLiteralExpression(n)) {
          const r = judgeObject(h, n, ownOnly);
          merge(f, r);
          return;
        }
        if (ts.isCallExpression(n) && n.arguments.length >= 2) {
          const colNode = unwrap(n.arguments[0]);
          const col = ts.isPropertyAccessExpression(colNode) ? colNode.name.text : stringValue(colNode);
          if (col) {
            const value = n.arguments[n.arguments.length - 1];
            const req = requestValue(h, value);
            if (req) f.values.push(req);
            const k = col.replace(/^.*\./, '');
            if (req && isVerified(h, req)) f.scoped = true;
            else if (isPublicFlag(k, value)) f.isPublic = true;
            else if (!req) {
              if (!isLiteral(value) && (isOwnerKey(k) || isIdentity(h, value))) f.scoped = true;
            } else if (!isOwnerKey(k) && (ownOnly ? OWN_ID_KEY : ID_KEY).test(k) && !f.lookup) {
              f.lookup = k;
              f.lookupExpr = req;
              if (ts.isPropertyAccessExpression(colNode) && calleeMethod(n) === 'eq') {
                f.eqCall = n;
                f.table = dottedName(colNode.expression);
              }
            }
            return;
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(e);
      return f;
    }

    function merge(into: Filter, r: Filter): void {
      into.lookup ??= r.lookup;
      into.lookupExpr ??= r.lookupExpr;
      into.scoped ||= r.scoped;
      into.isPublic ||= r.isPublic;
      into.values.push(...r.values);
    }

    // ---------------------------------------------------------------------------------------- queries

    function queryInfo(h: Handler, top: ts.CallExpression): Query | undefined {
      const chain = chainCalls(top);
      const first = chain[0];
      const method = calleeMethod(first) ?? '';
      const callee = unwrap(first.expression);
      const recv = ts.isPropertyAccessExpression(callee) ? unwrap(callee.expression) : undefined;
      const recvName = recv ? (dottedName(recv) ?? '') : '';
      const segs = recvName.split('.');
      const arg0 = first.arguments[0] && unwrap(first.arguments[0]);
      const called = `${(dottedName(first.expression) ?? method).replace(/^this\./, '')}()`;

      // Prisma: prisma.conversation.findUnique({ where: { id } })
      if ((PRISMA_ONE.has(method) || PRISMA_MANY.has(method)) && segs.length >= 2 && PRISMA_CLIENT.test(segs[segs.length - 2].replace(/^\$/, '')) && /^[a-z]\w*$/.test(segs[segs.length - 1]) && segs[segs.length - 1] !== 'query') {
        const where = arg0 && ts.isObjectLiteralExpression(arg0) ? getProperty(arg0, 'where') : undefined;
        if (!where || !ts.isPropertyAssignment(where)) return undefined;
        const w = unwrap(where.initializer);
        if (!ts.isObjectLiteralExpression(w)) return undefined;
        const model = segs[segs.length - 1];
        return { what: called, write: WRITE_METHOD.test(method), ...judgeObject(h, w, PRISMA_MANY.has(method)), fix: () => prismaFix(h, first, w, model) };
      }
      // drizzle relational: db.query.conversations.findFirst({ where: eq(conversations.id, id) })
      if ((method === 'findFirst' || method === 'findMany') && segs.length >= 2 && segs[segs.length - 2] === 'query') {
        const where = arg0 && ts.isObjectLiteralExpression(arg0) ? getProperty(arg0, 'where') : undefined;
        if (!where || !ts.isPropertyAssignment(where)) return undefined;
        const r = judgeCondition(h, where.initializer, method === 'findMany');
        return { what: called, write: false, ...r, fix: () => drizzleFix(h, first, r.eqCall, r.table) };
      }
      // query builders: drizzle db.select().from(t).where(...), db.update(t).set(...).where(...); knex('t').where({ id }); kysely
      const wheres = chain.filter((c) => /^(where|andWhere|whereIn)$/.test(calleeMethod(c) ?? ''));
      if (wheres.length) {
        const firstCallee = unwrap(first.expression);
        const root = ts.isIdentifier(firstCallee) ? firstCallee.text : recvName;
        const rootLast = root.split('.').pop() ?? '';
        const knexTable = ts.isIdentifier(firstCallee) && stringValue(first.arguments[0]) !== undefined;
        const builder = chain.some((c) => /^(select|selectDistinct|from|update|delete|selectFrom|updateTable|deleteFrom|table|into)$/.test(calleeMethod(c) ?? ''));
        if (DB_ROOT.test(rootLast) && (knexTable || builder)) {
          const f: Filter & { eqCall?: ts.CallExpression; table?: string } = { scoped: false, isPublic: false, values: [] };
          for (const c of wheres) {
            const r = judgeCondition(h, c, false);
            merge(f, r);
            f.eqCall ??= r.eqCall;
            f.table ??= r.table;
          }
          const write = chain.some((c) => /^(update|delete|del|updateTable|deleteFrom)$/.test(calleeMethod(c) ?? ''));
          const drizzle = chain.some((c) => /^(from|update|delete)$/.test(calleeMethod(c) ?? '') && c.arguments[0] && !stringValue(c.arguments[0]));
          const tableArg = chain.map((c) => (/^(from|update|delete|selectFrom|updateTable|deleteFrom|table|into)$/.test(calleeMethod(c) ?? '') || c === first) && c.arguments[0]).find((a) => a && (stringValue(a) !== undefined || !!dottedName(a)));
          const table = tableArg ? (stringValue(tableArg) ?? dottedName(tableArg)) : undefined;
          const what = `The ${drizzle ? 'drizzle' : /knex/i.test(root) || knexTable ? 'knex' : 'query builder'} query${table ? ` on ${table}` : ''}`;
          return { what, write, ...f, fix: drizzle ? () => drizzleFix(h, top, f.eqCall, f.table) : undefined };
        }
        return undefined;
      }
      // supabase-js: supabase.from('t').select().eq('id', id)
      const from = chain.find((c) => calleeMethod(c) === 'from' && stringValue(c.arguments[0]) !== undefined);
      if (from && chain.some((c) => /^(select|update|delete|upsert)$/.test(calleeMethod(c) ?? '')) && chain[0] === from) {
        const client = recv ? supabaseClient(h, recv) : 'user';
        if (client !== 'service') return undefined; // the user-scoped client is governed by RLS
        const f: Filter = { scoped: false, isPublic: false, values: [] };
        for (const c of chain) {
          const m = calleeMethod(c) ?? '';
          if (/^(eq|in|match)$/.test(m)) merge(f, judgeCondition(h, c, false));
        }
        const write = chain.some((c) => /^(update|delete|upsert)$/.test(calleeMethod(c) ?? ''));
        return { what: `The service-role Supabase query on ${stringValue(from.arguments[0])}`, write, ...f };
      }
      // models and repositories: the first call of the chain on a model-like receiver (`getRepository(X).findOne()`)
      const ormCall = chain.find((c) => {
        const m = calleeMethod(c) ?? '';
        const ce = unwrap(c.expression);
        return (BY_ID.has(m) || FILTER_ONE.has(m) || FILTER_MANY.has(m) || REPO_WRITE.has(m)) && ts.isPropertyAccessExpression(ce) && !!receiverKind(unwrap(ce.expression));
      });
      if (!ormCall) return undefined;
      return ormQuery(h, ormCall);
    }

    function ormQuery(h: Handler, first: ts.CallExpression): Query | undefined {
      const method = calleeMethod(first) ?? '';
      const recv = unwrap((unwrap(first.expression) as ts.PropertyAccessExpression).expression);
      const kind = receiverKind(recv)!;
      const called = `${(dottedName(first.expression) ?? method).replace(/^this\./, '')}()`;
      let args = first.arguments.map((a) => unwrap(a) as ts.Expression);
      // TypeORM EntityManager: manager.findOne(Invoice, { where: { id } })
      if (kind === 'manager') {
        if (!args[0] || !ts.isIdentifier(args[0])) return undefined;
        args = args.slice(1);
      }
      const what = called;
      const write = WRITE_METHOD.test(method);
      // Mongoose / Sequelize: Invoice.findById(id), Model.findByPk(id)
      if (BY_ID.has(method) && args[0]) {
        const req = isRequestData(h, args[0]) && !isVerified(h, args[0]) ? args[0] : undefined;
        return { what, write, lookup: req ? 'id' : undefined, lookupExpr: req, scoped: false, isPublic: false, values: req ? [req] : [] };
      }
      const many = FILTER_MANY.has(method);
      if (FILTER_ONE.has(method) || many || (REPO_WRITE.has(method) && kind !== 'model') || (method === 'update' && kind === 'model' && args.length >= 2)) {
        // Sequelize Model.update(values, { where }); TypeORM repo.update(criteria, values)
        const criteria = method === 'update' && kind === 'model' ? args[1] : args[0];
        if (!criteria) return undefined;
        if (ts.isObjectLiteralExpression(criteria)) {
          const where = getProperty(criteria, 'where');
          const w = where && ts.isPropertyAssignment(where) ? unwrap(where.initializer) : undefined;
          if (where && !w) return undefined;
          if (w && ts.isArrayLiteralExpression(w)) {
            // TypeORM where: [{ id, userId }, { id, isPublic: true }]: every branch must be scoped
            const parts = w.elements.map((el) => unwrap(el)).filter(ts.isObjectLiteralExpression).map((o) => judgeObject(h, o, many));
            if (parts.length !== w.elements.length || !parts.length) return undefined;
            const f: Filter = { scoped: parts.every((p) => p.scoped || p.isPublic), isPublic: false, values: parts.flatMap((p) => p.values) };
            const lk = parts.find((p) => p.lookup);
            return { what, write, ...f, lookup: lk?.lookup, lookupExpr: lk?.lookupExpr };
          }
          if (w && !ts.isObjectLiteralExpression(w)) return undefined;
          if (!w && !(kind !== 'manager' || /^findOneBy|^findBy/.test(method))) return undefined;
          return { what, write, ...judgeObject(h, (w ?? criteria) as ts.ObjectLiteralExpression, many) };
        }
        // TypeORM repo.delete(id), repo.findOne(id) (0.2), Mongo findOne(id)
        if (!many && kind !== 'model' && isRequestData(h, criteria) && !isVerified(h, criteria)) {
          return { what, write, lookup: 'id', lookupExpr: criteria, scoped: false, isPublic: false, values: [criteria] };
        }
      }
      return undefined;
    }

    /** What a query method hangs off: a model (`Invoice`), a repository (`this.invoiceRepository`), an EntityManager. */
    function receiverKind(recv: ts.Node): 'model' | 'repo' | 'manager' | undefined {
      const name = (dottedName(recv) ?? '').replace(/\(\)/g, '');
      const last = name.split('.').pop() ?? '';
      if (/^(manager|em|entityManager|transactionalEntityManager)$/.test(last)) return 'manager';
      if (ts.isCallExpression(recv)) {
        // getRepository(Invoice), dataSource.getRepository(Invoice), db.collection('invoices'), mongoose.model('Invoice')
        return /^(getRepository|getCustomRepository|getMongoRepository|getTreeRepository|collection|model)$/.test(calleeMethod(recv) ?? '') ? 'repo' : undefined;
      }
      if (/(repo|repository|collection)$/i.test(last)) return 'repo';
      if (/model$/i.test(last) && last.length > 5) return 'repo';
      if (/^[A-Z][a-z]\w*$/.test(last) && !/^(Promise|Array|Object|Math|JSON|Date|Reflect|Buffer|URL|Map|Set|Number|String|Symbol|Intl|Response|Request|Headers|Error)$/.test(last)) {
        return name === last || /^(models?|db|schema|entities)$/i.test(name.split('.').slice(-2, -1)[0] ?? '') ? 'model' : undefined;
      }
      return undefined;
    }

    /** A Supabase client: created with the service-role key (bypasses RLS) or user-scoped. */
    function supabaseClient(h: Handler, recv: ts.Node): 'service' | 'user' {
      const name = dottedName(recv) ?? '';
      const root = name.split('.')[0];
      const init = h.locals.get(root) ?? topLevelInit(root);
      const judge = (e: ts.Expression | undefined): 'service' | 'user' | undefined => {
        if (!e) return undefined;
        const v = unwrap(e);
        if (!ts.isCallExpression(v)) return undefined;
        const m = calleeMethod(v) ?? '';
        if (SUPABASE_USER_CLIENT.test(m)) return 'user';
        if (m === 'createClient' && v.arguments.length >= 2) return /service_?role|serviceRole|SERVICE_KEY|SECRET/i.test(v.arguments[1].getText(sf)) ? 'service' : 'user';
        if (/admin|service/i.test(m)) return 'service';
        return 'user';
      };
      return judge(init) ?? (/admin|service/i.test(name) ? 'service' : 'user');
    }

    function topLevelInit(name: string): ts.Expression | undefined {
      for (const st of sf.statements) {
        if (!ts.isVariableStatement(st)) continue;
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name) return d.initializer;
      }
      return undefined;
    }

    // ---------------------------------------------------------------------------------------- later checks

    /** Names the query's result is bound to: `const doc = await …`, `const [row] = await …`, `doc = await …`. */
    function resultNames(call: ts.Node): Set<string> {
      const out = new Set<string>();
      let n: ts.Node = call;
      while (n.parent && (ts.isAwaitExpression(n.parent) || ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent) || ts.isNonNullExpression(n.parent) || ts.isArrayLiteralExpression(n.parent) || (ts.isCallExpression(n.parent) && /^(all|allSettled|\$transaction)$/.test(calleeMethod(n.parent) ?? '')))) n = n.parent;
      const p = n.parent;
      if (p && ts.isVariableDeclaration(p) && p.initializer === n) bindNames(p.name, out);
      else if (p && ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === n && ts.isIdentifier(p.left)) out.add(p.left.text);
      return out;
    }

    /**
     * After the query, a check of the result against the caller that returns or throws, or a comparison of
     * one of its secrets (a share password, a token) with what the request supplied.
     */
    function checkedAfter(h: Handler, query: ts.Node, bound: Set<string>): boolean {
      if (!bound.size || !h.fn.body) return false;
      const start = query.getEnd();
      const names = new Set(bound);
      // names computed by an ownership test over the result: const foreign = rows.filter((r) => r.orgId !== orgId)
      const checks = new Set<string>();
      return someDescendant(h.fn.body, (n) => {
        if (n.getEnd() <= start || n.getStart(sf) < start) return false;
        // const { password: realPassword } = link
        if (ts.isVariableDeclaration(n) && n.initializer && refersTo(n.initializer, names)) {
          if (ownershipCondition(h, n.initializer, names)) bindNames(n.name, checks);
          bindNames(n.name, names);
        }
        if (ts.isIfStatement(n) && checks.size && refersTo(n.expression, checks) && (exits(n.thenStatement) || (!!n.elseStatement && exits(n.elseStatement)))) return true;
        if (ts.isBinaryExpression(n) && /^[!=]==?$/.test(n.operatorToken.getText(sf))) {
          const secret = (e: ts.Node): boolean => {
            const name = dottedName(unwrap(e)) ?? '';
            return names.has(name.split('.')[0]) && /(password|passcode|passphrase|secret|token|pin|otp|code|hash)\w*$/i.test(name.split('.').pop() ?? '');
          };
          if ((secret(n.left) && isRequestData(h, n.right)) || (secret(n.right) && isRequestData(h, n.left))) return true;
        }
        if (ts.isIfStatement(n)) {
          return ownershipCondition(h, n.expression, names) && (exits(n.thenStatement) || (!!n.elseStatement && exits(n.elseStatement)));
        }
        if (ts.isExpressionStatement(n)) {
          const c = unwrap(n.expression);
          if (ts.isCallExpression(c) && /^(assert|invariant|ensure|expect|check|verify|require)/i.test(calleeMethod(c) ?? '')) {
            return c.arguments.some((a) => ownershipCondition(h, a, names)) || (isAccessCall(c) && c.arguments.some((a) => refersTo(a, names)));
          }
        }
        return false;
      });
    }

    /** Does a condition tie a bound record to the caller? `doc.ownerId !== user.id`, `!canEdit(user, doc)`. */
    function ownershipCondition(h: Handler, cond: ts.Node, names: Set<string>): boolean {
      if (!refersTo(cond, names)) return false;
      let owner = false;
      let identity = false;
      let access = false;
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n) && isAccessCall(n)) access = true;
        if (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) {
          const name = dottedName(n);
          if (name) {
            const segs = name.split('.');
            if (names.has(segs[0]) && segs.slice(1).some((s) => isOwnerKey(s) || s === 'members')) owner = true;
          }
          if (isIdentity(h, n)) identity = true;
        }
        if (ts.isIdentifier(n) && !names.has(n.text) && isIdentity(h, n)) identity = true;
        ts.forEachChild(n, visit);
      };
      visit(cond);
      return owner || identity || access;
    }

    function refersTo(n: ts.Node, names: Set<string>): boolean {
      if (ts.isIdentifier(n) && names.has(n.text)) return true;
      return someDescendant(n, (d) => ts.isIdentifier(d) && names.has(d.text) && !(ts.isPropertyAccessExpression(d.parent) && d.parent.name === d));
    }

    function exits(stmt: ts.Node): boolean {
      const isExit = (n: ts.Node): boolean => {
        if (ts.isReturnStatement(n) || ts.isThrowStatement(n)) return true;
        if (ts.isCallExpression(n)) {
          const m = calleeMethod(n) ?? '';
          // notFound(), redirect('/'), SvelteKit error(403), res.sendStatus(403); not console.error(…)
          if (EXIT_CALL.test(m) && (ts.isIdentifier(unwrap(n.expression)) || /^(sendStatus|redirect|notFound|forbidden|unauthorized|deny)$/.test(m))) return true;
          if (m === 'status' && /^4\d\d$/.test(n.arguments[0]?.getText(sf) ?? '')) return true;
        }
        return false;
      };
      return isExit(stmt) || someDescendant(stmt, isExit);
    }

    function isAccessCall(n: ts.CallExpression): boolean {
      const name = dottedName(n.expression) ?? '';
      const m = calleeMethod(n) ?? '';
      if (!n.arguments.length) return false;
      if (/^(can|cannot)$/.test(m) && name.includes('.')) return true; // CASL ability.can('read', doc)
      return isAccessName(m);
    }

    // ---------------------------------------------------------------------------------------- guards

    /** A handler that only runs in tests: `if (process.env.NODE_ENV !== 'test') throw …` as its first statement. */
    function testOnly(body: ts.Node): boolean {
      if (!ts.isBlock(body)) return false;
      return body.statements.slice(0, 3).some((s) => ts.isIfStatement(s) && exits(s.thenStatement) && /NODE_ENV\s*!==?\s*['"`](test|development|dev)['"`]|['"`](test|development)['"`]\s*!==?\s*process\.env\.NODE_ENV|NODE_ENV\s*===?\s*['"`]production['"`]|!\s*(isTest|IS_TEST|isDev|IS_DEV)\b/.test(s.expression.getText(sf)));
    }

    function machineVerified(body: ts.Node): boolean {
      return someDescendant(
        body,
        (n) =>
          ts.isIfStatement(n) &&
          startsWithNot(n.expression) &&
          someDescendant(n.expression, (c) => ts.isCallExpression(c) && MACHINE_CHECK.test(calleeMethod(c) ?? '') && c.arguments.length > 0) &&
          exits(n.thenStatement),
      );
    }

    /** `if (!…)`: the condition's text starts with `!` (its first token, without copying the text). */
    function startsWithNot(e: ts.Expression): boolean {
      return e.pos !== e.end && text.charCodeAt(e.getStart(sf)) === 33;
    }

    function hasGuardDecorator(n: ts.Node): boolean {
      const decos = ts.canHaveDecorators(n) ? (ts.getDecorators(n) ?? []) : [];
      return decos.some((d) => {
        const t = d.expression.getText(sf);
        const name = ts.isCallExpression(d.expression) ? (dottedName(d.expression.expression) ?? '') : (dottedName(d.expression) ?? '');
        if (/^(Get|Post|Put|Patch|Delete|All|Controller|HttpCode|Header|ApiOperation|ApiResponse|ApiParam)$/.test(name)) return false;
        return GUARD_DECORATOR.test(t) || ADMIN_TEXT.test(t);
      });
    }

    /** `router.use(requireAdmin)`: every route of the file is admin-only. */
    function fileRouterGuarded(): boolean {
      routerGuarded ??= /\.use\(\s*(['"`][^'"`]*['"`]\s*,\s*)?[\w.]*(requireAdmin|isAdmin|adminOnly|ensureAdmin|checkAdmin|adminGuard|requireRole|checkRole|hasRole|authorize|requirePermission|checkPermission)/i.test(text);
      return routerGuarded;
    }

    // ---------------------------------------------------------------------------------------- helpers in the same file

    function resolveHelper(call: ts.CallExpression): FnLike | undefined {
      const callee = unwrap(call.expression);
      if (ts.isIdentifier(callee)) {
        topFunctions ??= collectTopFunctions();
        return topFunctions.get(callee.text);
      }
      // this.findDocument(id) inside the same class
      if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword) {
        let cls: ts.Node | undefined = call.parent;
        while (cls && !ts.isClassDeclaration(cls) && !ts.isClassExpression(cls)) cls = cls.parent;
        if (!cls) return undefined;
        for (const m of (cls as ts.ClassLikeDeclaration).members) {
          if (ts.isMethodDeclaration(m) && m.body && staticName(m.name) === callee.name.text) return m;
          if (ts.isPropertyDeclaration(m) && staticName(m.name) === callee.name.text && m.initializer) {
            const init = unwrap(m.initializer);
            if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
          }
        }
      }
      return undefined;
    }

    function collectTopFunctions(): Map<string, FnLike> {
      const map = new Map<string, FnLike>();
      for (const st of sf.statements) {
        if (ts.isFunctionDeclaration(st) && st.name && st.body) map.set(st.name.text, st);
        if (ts.isVariableStatement(st)) {
          for (const d of st.declarationList.declarations) {
            if (!ts.isIdentifier(d.name) || !d.initializer) continue;
            const init = unwrap(d.initializer);
            if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) map.set(d.name.text, init);
          }
        }
      }
      return map;
    }

    /** The helper's parameters that receive request data (or the caller's identity) at this call. */
    function helperHandler(caller: Handler, fn: FnLike, call: ts.CallExpression): Handler {
      const h = newHandler(fn, caller.depth + 1);
      fn.parameters.forEach((p, i) => {
        const a = call.arguments[i];
        if (!a) return;
        const arg = unwrap(a);
        if (isRequestData(caller, arg) && !isVerified(caller, arg)) bindNames(p.name, h.tainted);
        else if (isIdentity(caller, arg)) bindNames(p.name, h.identities);
        else if (ts.isObjectLiteralExpression(arg) && ts.isObjectBindingPattern(p.name)) {
          // helper({ id: params.id, userId: user.id }) with ({ id, userId }) => …
          for (const el of p.name.elements) {
            const key = staticName(el.propertyName ?? el.name);
            const v = key ? getProperty(arg, key) : undefined;
            const val = v && ts.isPropertyAssignment(v) ? v.initializer : v && ts.isShorthandPropertyAssignment(v) ? v.name : undefined;
            if (!val) continue;
            if (isRequestData(caller, val) && !isVerified(caller, val)) bindNames(el.name, h.tainted);
            else if (isIdentity(caller, val)) bindNames(el.name, h.identities);
          }
        }
      });
      return h;
    }

    // ---------------------------------------------------------------------------------------- fixes

    /** The caller's identity for an owner column, spelled as in the handler: `user.organizationId`, `session.user.id`. */
    function identityFor(h: Handler, column: string, before: number): string | undefined {
      const body = h.fn.body;
      if (!body) return undefined;
      const userColumn = FIX_USER_COLUMNS.includes(column);
      let found: string | undefined;
      const check = (n: ts.Node): void => {
        if (found) return;
        if (ts.isPropertyAccessExpression(n) && !ts.isPropertyAccessExpression(n.parent)) {
          const prop = n.name.text;
          const objName = dottedName(n.expression) ?? '';
          const userLike = /(^|\.)(user|currentUser|me|viewer|sessionUser|authUser)$/.test(objName);
          // never an optional chain: `userId: session?.user?.id` would drop the condition when it is undefined
          const plain = !/[?!]/.test(n.getText(sf));
          if (plain && (prop === column || (userColumn && ((prop === 'id' && userLike) || prop === 'userId'))) && isStrictIdentity(h, n.expression, before)) {
            found = n.getText(sf);
            return;
          }
        }
        if (ts.isIdentifier(n) && (n.text === column || (userColumn && n.text === 'userId')) && h.identities.has(n.text) && h.identities.get(n.text)! <= before) {
          found = n.text;
          return;
        }
        ts.forEachChild(n, check);
      };
      check(body);
      return found;
    }

    function ownerFixColumns(): string[] {
      return [...((ctx.options.ownerColumns as readonly string[] | undefined) ?? []), ...FIX_TENANT_COLUMNS, ...FIX_USER_COLUMNS];
    }

    /** Columns the file shows a drizzle table has: `conversations.organizationId`, `insert(conversations).values({ userId })`. */
    function drizzleColumns(table: string): Set<string> {
      const cols = new Set<string>();
      const esc = table.replace(/[.$]/g, (c) => `\\${c}`);
      for (const m of text.matchAll(new RegExp(`(?<![\\w.$])${esc}\\.(\\w+)`, 'g'))) cols.add(m[1]);
      for (const k of fileColumns().get(`drizzle:${table}`) ?? []) cols.add(k);
      return cols;
    }

    /** Columns the file shows a Prisma model has: the own keys of its calls' `where`/`data`/`create`/`update`/`select`. */
    function prismaColumns(model: string): Set<string> {
      return fileColumns().get(`prisma:${model}`) ?? new Set();
    }

    /** One lazy walk over the file (only when a fix is computed): the columns each table/model is used with. */
    function fileColumns(): Map<string, Set<string>> {
      if (columnsCache) return columnsCache;
      const map = new Map<string, Set<string>>();
      const add = (key: string, obj: ts.Node | undefined): void => {
        const o = obj && unwrap(obj);
        if (!o || !ts.isObjectLiteralExpression(o)) return;
        const set = map.get(key) ?? new Set<string>();
        for (const p of o.properties) {
          const k = ts.isShorthandPropertyAssignment(p) ? p.name.text : ts.isPropertyAssignment(p) ? staticName(p.name) : undefined;
          if (k) set.add(k);
        }
        map.set(key, set);
      };
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n)) {
          const callee = unwrap(n.expression);
          const arg = n.arguments[0] && unwrap(n.arguments[0]);
          // prisma.invoice.create({ data: { userId } }), prisma.invoice.findMany({ where: { userId } })
          if (ts.isPropertyAccessExpression(callee) && ts.isPropertyAccessExpression(unwrap(callee.expression)) && arg && ts.isObjectLiteralExpression(arg)) {
            const model = (unwrap(callee.expression) as ts.PropertyAccessExpression).name.text;
            for (const k of ['where', 'data', 'create', 'update', 'select']) {
              const v = getProperty(arg, k);
              if (v && ts.isPropertyAssignment(v)) add(`prisma:${model}`, v.initializer);
            }
          }
          // db.insert(conversations).values({ organizationId, … })
          if (calleeMethod(n) === 'values' && ts.isPropertyAccessExpression(callee)) {
            const inner = unwrap(callee.expression);
            if (ts.isCallExpression(inner) && calleeMethod(inner) === 'insert' && inner.arguments[0]) {
              const table = dottedName(inner.arguments[0]);
              const v = arg && ts.isArrayLiteralExpression(arg) ? arg.elements[0] : arg;
              if (table) add(`drizzle:${table}`, v);
            }
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
      columnsCache = map;
      return map;
    }

    function pickOwner(h: Handler, known: Set<string>, before: number): { col: string; who: string } | undefined {
      for (const col of ownerFixColumns()) {
        if (!known.has(col)) continue;
        const who = identityFor(h, col, before);
        if (who) return { col, who };
      }
      return undefined;
    }

    function prismaFix(h: Handler, call: ts.CallExpression, where: ts.ObjectLiteralExpression, model: string): Fix | undefined {
      const owner = pickOwner(h, prismaColumns(model), call.getStart(sf));
      if (!owner) return undefined;
      return { title: `Scope the query by ${owner.col} = ${owner.who}`, edits: insertProperty(sf, ctx.lines, ctx.style, where, `${owner.col}: ${owner.who}`) };
    }

    function drizzleFix(h: Handler, call: ts.CallExpression, eqCall: ts.CallExpression | undefined, table: string | undefined): Fix | undefined {
      if (!eqCall || !table) return undefined;
      // wrap the lookup's eq(...) in and(...) only when it is the whole condition
      const parent = eqCall.parent;
      const whole = (ts.isPropertyAssignment(parent) && staticName(parent.name) === 'where') || (ts.isCallExpression(parent) && calleeMethod(parent) === 'where' && parent.arguments.length === 1);
      if (!whole || dottedName(eqCall.expression) !== 'eq') return undefined;
      const imp = drizzleImport();
      if (!imp || !imp.names.has('eq')) return undefined;
      const owner = pickOwner(h, drizzleColumns(table), call.getStart(sf));
      if (!owner) return undefined;
      const extra = `eq(${table}.${owner.col}, ${owner.who})`;
      const own = ts.isPropertyAssignment(parent) && ctx.lines.lineOf(parent.getStart(sf)) !== ctx.lines.lineOf(parent.parent.getStart(sf));
      const edits = [];
      if (own) {
        // where: and(
        //   eq(conversations.id, conversationId),
        //   eq(conversations.organizationId, user.organizationId)
        // ),
        const outer = ctx.style.indentAt(parent.getStart(sf));
        const inner = outer + ctx.style.indent;
        const eol = ctx.style.eol;
        edits.push({ start: eqCall.getStart(sf), end: eqCall.getEnd(), text: `and(${eol}${inner}${eqCall.getText(sf)},${eol}${inner}${extra}${eol}${outer})` });
      } else {
        edits.push({ start: eqCall.getStart(sf), end: eqCall.getStart(sf), text: 'and(' }, { start: eqCall.getEnd(), end: eqCall.getEnd(), text: `, ${extra})` });
      }
      if (!imp.names.has('and')) edits.push({ start: imp.first.getStart(sf), end: imp.first.getStart(sf), text: 'and, ' });
      return { title: `Scope the query by ${owner.col} = ${owner.who}`, edits };
    }

    function drizzleImport(): { names: Set<string>; first: ts.ImportSpecifier } | undefined {
      for (const st of sf.statements) {
        if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== 'drizzle-orm') continue;
        const b = st.importClause?.namedBindings;
        if (!b || !ts.isNamedImports(b) || !b.elements.length || st.importClause?.isTypeOnly) continue;
        const names = new Set(b.elements.filter((e) => !e.propertyName && !e.isTypeOnly).map((e) => e.name.text));
        return { names, first: b.elements[0] };
      }
      return undefined;
    }

    function shortText(e: ts.Node): string | undefined {
      const t = e.getText(sf).replace(/\s+/g, ' ');
      return t.length <= 40 ? t : undefined;
    }

    // ---------------------------------------------------------------------------------------- handlers

    function newHandler(fn: FnLike, depth = 0): Handler {
      return { fn, tainted: new Set(), requests: new Set(), identities: new Map(), verified: new Set(), locals: new Map(), plain: new Set(), depth };
    }

    /**
     * A handler whose parameter `reqIdx` is the request (or a `{ params, request }` bag) and `ctxIdx` the Next.js
     * route context. `wrapped`: the function is given to an auth wrapper, so other bag members (`session`,
     * `workspace`, `user`) are the caller's identity.
     */
    function handler(fn: FnLike, reqIdx: number, ctxIdx: number, wrapped = false): Handler {
      const h = newHandler(fn);
      fn.parameters.forEach((p, i) => {
        if (i !== reqIdx && i !== ctxIdx) {
          if (wrapped && ts.isIdentifier(p.name) && IDENTITY_ROOT.test(p.name.text)) h.identities.set(p.name.text, fn.pos);
          return;
        }
        if (ts.isIdentifier(p.name)) h.requests.add(p.name.text);
        else if (ts.isObjectBindingPattern(p.name)) seedBag(h, p.name, wrapped);
      });
      if (h.identities.size) h.callerAt = fn.getStart(sf);
      return h;
    }

    /** `{ params, request }`, `{ input, ctx }`, `{ params, locals }`, `{ parsedInput, ctx }`. */
    function seedBag(h: Handler, b: ts.ObjectBindingPattern, wrapped: boolean): void {
      for (const el of b.elements) {
        const key = staticName(el.propertyName ?? el.name) ?? '';
        if (/^(params|query|body|input|searchParams|parsedInput|formData)$/.test(key)) bindNames(el.name, h.tainted);
        else if (ts.isIdentifier(el.name) && /^(request|req|url|event|nextUrl)$/.test(key)) h.requests.add(el.name.text);
        else if (/^(locals|ctx|session|user|auth)$/.test(key) || wrapped) bindNames(el.name, h.identities);
      }
    }

    function allParams(fn: FnLike): Handler {
      const h = newHandler(fn);
      for (const p of fn.parameters) bindNames(p.name, h.tainted);
      return h;
    }

    function isFn(n: ts.Node): n is ts.ArrowFunction | ts.FunctionExpression {
      return ts.isArrowFunction(n) || ts.isFunctionExpression(n);
    }

    /** The function a wrapper call is given: `withAuth(async (req) => …)`, `withWorkspace(handler, opts)`. */
    function wrappedFunction(call: ts.CallExpression): FnLike | undefined {
      // withAdmin(…), withCron(…), verifySignature(…), withWorkspace(handler, { requiredRole: 'admin' })
      if (ADMIN_TEXT.test(call.expression.getText(sf)) || /cron|qstash|webhook|signature|verif/i.test(call.expression.getText(sf))) return undefined;
      if (call.arguments.some((a) => !isFn(unwrap(a)) && /admin/i.test(a.getText(sf)))) return undefined;
      for (const a of call.arguments) {
        const u = unwrap(a);
        if (isFn(u)) return u;
        if (ts.isCallExpression(u)) return wrappedFunction(u);
        if (ts.isIdentifier(u)) {
          topFunctions ??= collectTopFunctions();
          const f = topFunctions.get(u.text);
          if (f) return f;
        }
      }
      return undefined;
    }

    function hasFunctionDirective(fn: FnLike, directive: string): boolean {
      const body = fn.body;
      if (!body || !ts.isBlock(body)) return false;
      for (const st of body.statements) {
        if (ts.isExpressionStatement(st) && ts.isStringLiteral(st.expression)) {
          if (st.expression.text === directive) return true;
          continue;
        }
        break;
      }
      return false;
    }

    /** An exported handler by name in a file-routed module (Next route, SvelteKit, Remix, pages/api, server action). */
    function exportedHandler(name: string, fn: FnLike | undefined, call: ts.CallExpression | undefined): void {
      if (adminOrPublicFile) return;
      const wrapped = !!call;
      const f = fn ?? (call ? wrappedFunction(call) : undefined);
      if (!f) return;
      if (HTTP_VERBS.test(name) && nextRoute) run(handler(f, 0, 1, wrapped), true);
      else if (HTTP_VERBS.test(name) && svelteEndpoint) run(handler(f, 0, -1, wrapped), true);
      else if (name === 'load' && sveltePage) run(handler(f, 0, -1, wrapped), true);
      else if ((name === 'loader' || name === 'action') && remixRoute) run(handler(f, 0, -1, wrapped), true);
      else if (useServerFile && !wrapped) run(allParams(f), true);
    }

    return {
      FunctionDeclaration(fn: ts.FunctionDeclaration) {
        if (!fn.body) return;
        if (hasFunctionDirective(fn, 'use server')) return run(allParams(fn), true);
        const mods = fn.modifiers ?? [];
        if (!mods.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
        if (pagesApi && mods.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) {
          if (!adminOrPublicFile) run(handler(fn, 0, -1), true);
          return;
        }
        exportedHandler(fn.name?.text ?? '', fn, undefined);
      },
      VariableDeclaration(d: ts.VariableDeclaration) {
        if (!ts.isIdentifier(d.name) || !d.initializer) return;
        const init = unwrap(d.initializer);
        const st = d.parent.parent;
        if (isFn(init) && hasFunctionDirective(init, 'use server')) return run(allParams(init), true);
        const exported = ts.isVariableStatement(st) && !!st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
        if (!exported) return;
        const name = d.name.text;
        // SvelteKit form actions: export const actions = { default: async ({ request, params }) => … }
        if (name === 'actions' && sveltePage && ts.isObjectLiteralExpression(init) && !adminOrPublicFile) {
          for (const p of init.properties) {
            const f = ts.isPropertyAssignment(p) ? unwrap(p.initializer) : ts.isMethodDeclaration(p) ? p : undefined;
            if (f && (isFn(f) || ts.isMethodDeclaration(f))) run(handler(f, 0, -1), true);
          }
          return;
        }
        if (isFn(init)) exportedHandler(name, init, undefined);
        else if (ts.isCallExpression(init) && (HTTP_VERBS.test(name) || /^(loader|action|load)$/.test(name))) exportedHandler(name, undefined, init);
      },
      ExportAssignment(e: ts.ExportAssignment) {
        // pages/api: export default handler / export default withAuth(handler)
        if (!pagesApi || adminOrPublicFile) return;
        const v = unwrap(e.expression);
        if (isFn(v)) return run(handler(v, 0, -1), true);
        if (ts.isIdentifier(v)) {
          topFunctions ??= collectTopFunctions();
          const f = topFunctions.get(v.text);
          if (f) run(handler(f, 0, -1), true);
        } else if (ts.isCallExpression(v)) {
          const f = wrappedFunction(v);
          if (f) run(handler(f, 0, -1, true), true);
        }
      },
      CallExpression(call: ts.CallExpression) {
        const method = calleeMethod(call) ?? '';
        // app.get('/conversations/:id', handler), router.delete(...), fastify.get(path, opts, handler), hono, koa-router
        if (ROUTE_METHODS.has(method) && call.arguments.length >= 1) {
          const path0 = stringValue(call.arguments[0]);
          const routed = path0 !== undefined ? /^\//.test(path0) && call.arguments.length >= 2 : isRouteChain(call);
          if (!routed) return;
          const fromRoute = path0 !== undefined;
          if (fileRouterGuarded() || (fromRoute && /(^|\/)(admin|public|share|shared|embed)(\/|$)/i.test(path0!))) return;
          const args = fromRoute ? call.arguments.slice(1) : call.arguments;
          const fns = args.map((a) => unwrap(a));
          // middlewares before the handler: requireAdmin, checkOwnership, verifyWebhookSignature
          const middlewares = fns.slice(0, -1).map((a) => a.getText(sf));
          // an authentication middleware (passport.authenticate, verifyToken) does not tie records to the caller: keep going
          if (middlewares.some((t) => ADMIN_TEXT.test(t) || /admin|role|owner|permission|authoriz|signature|webhook|hmac/i.test(t) || isAccessName(t.replace(/\(.*$/s, '').split('.').pop() ?? ''))) return;
          const last = fns[fns.length - 1];
          let fn: FnLike | undefined = isFn(last) ? last : undefined;
          if (!fn && ts.isIdentifier(last)) {
            topFunctions ??= collectTopFunctions();
            fn = topFunctions.get(last.text);
          }
          if (fn) run(handler(fn, 0, -1));
          return;
        }
        // fastify.route({ method: 'GET', url: '/x/:id', handler })
        if (method === 'route' && call.arguments.length === 1 && ts.isObjectLiteralExpression(unwrap(call.arguments[0]))) {
          const o = unwrap(call.arguments[0]) as ts.ObjectLiteralExpression;
          const url = getProperty(o, 'url');
          const h = getProperty(o, 'handler');
          if (!url || !h || getProperty(o, 'preHandler') || getProperty(o, 'onRequest')) return;
          const fn = ts.isPropertyAssignment(h) ? unwrap(h.initializer) : ts.isMethodDeclaration(h) ? h : undefined;
          if (fn && (isFn(fn) || ts.isMethodDeclaration(fn))) run(handler(fn, 0, -1));
          return;
        }
        // tRPC: .input(schema).query(({ ctx, input }) => …); next-safe-action: .schema(s).action(({ parsedInput }) => …)
        if ((method === 'query' || method === 'mutation' || method === 'action') && call.arguments.length === 1) {
          const calleeText = unwrap(call.expression).getText(sf);
          const isProc = method === 'action' ? /\.(schema|inputSchema)\s*\(/.test(calleeText) : /\.input\s*\(/.test(calleeText);
          // adminProcedure / staffActionClient are admin-only; publicProcedure is public by design
          if (!isProc || ADMIN_TEXT.test(calleeText) || /(^|\W)(admin|staff|superAdmin|public)\w*(Procedure|ActionClient|Client)\b/i.test(calleeText)) return;
          const fn = unwrap(call.arguments[0]);
          if (!isFn(fn)) return;
          const h = handler(fn, 0, -1);
          if (method !== 'action') h.callerAt ??= fn.getStart(sf); // a tRPC procedure's context carries the session
          run(h, true);
        }
      },
      MethodDeclaration(m: ts.MethodDeclaration) {
        // Nest: @Get(':id') find(@Param('id') id: string)
        const decos = ts.getDecorators(m) ?? [];
        if (!decos.some((d) => ts.isCallExpression(d.expression) && NEST_ROUTES.has(dottedName(d.expression.expression) ?? ''))) return;
        if (hasGuardDecorator(m)) return;
        const cls = m.parent;
        if ((ts.isClassDeclaration(cls) || ts.isClassExpression(cls)) && hasGuardDecorator(cls)) return;
        const h = newHandler(m);
        for (const p of m.parameters) {
          const names = (ts.getDecorators(p) ?? []).map((d) => (ts.isCallExpression(d.expression) ? dottedName(d.expression.expression) : dottedName(d.expression)) ?? '');
          if (names.some((n) => NEST_DATA.has(n))) bindNames(p.name, h.tainted);
          else if (names.some((n) => n === 'Req' || n === 'Request') && ts.isIdentifier(p.name)) h.requests.add(p.name.text);
          else if (names.some((n) => NEST_IDENTITY.test(n))) bindNames(p.name, h.identities);
        }
        if (h.identities.size) h.callerAt = m.getStart(sf);
        run(h);
      },
    };

    /** `router.route('/x/:id').get(handler)`. */
    function isRouteChain(call: ts.CallExpression): boolean {
      let n: ts.Node = unwrap(call.expression);
      while (ts.isPropertyAccessExpression(n)) {
        const inner = unwrap(n.expression);
        if (ts.isCallExpression(inner)) {
          if (calleeMethod(inner) === 'route' && /^\//.test(stringValue(inner.arguments[0]) ?? '')) return true;
          n = unwrap(inner.expression);
        } else return false;
      }
      return false;
    }
  },
});

function isAccessName(name: string): boolean {
  // the first word is where the name starts: most names start with no verb at all
  if (!ACCESS_START.test(name)) return false;
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return false;
  if (ACCESS_VERB.test(words[0])) return true;
  return CHECK_VERB.test(words[0]) && words.slice(1).some((w) => ACCESS_WORD.test(w));
}

function bindNames(b: ts.BindingName, into: Set<string> | Map<string, number>): void {
  if (ts.isIdentifier(b)) {
    if (into instanceof Map) into.set(b.text, b.pos);
    else into.add(b.text);
  } else for (const el of b.elements) if (!ts.isOmittedExpression(el)) bindNames(el.name, into);
}

/** The outermost call of a method chain (`db.select().from(t).where(...)` → the `.where(...)` call). */
function isChainTop(call: ts.CallExpression): boolean {
  const p = call.parent;
  return !(ts.isPropertyAccessExpression(p) && ts.isCallExpression(p.parent) && p.parent.expression === p);
}

/** The calls of a chain, innermost first. */
function chainCalls(top: ts.CallExpression): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  let n: ts.Expression = top;
  for (;;) {
    const u = unwrap(n) as ts.Expression;
    if (ts.isCallExpression(u)) {
      out.unshift(u);
      const callee = unwrap(u.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        n = callee.expression;
        continue;
      }
    } else if (ts.isPropertyAccessExpression(u)) {
      n = u.expression;
      continue;
    }
    break;
  }
  return out;
}
