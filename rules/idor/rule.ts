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
  type Fix,
} from '../../server/src/engine/api';

/** Columns and relations that tie a record to its owner or tenant. */
const OWNER_KEYS = [
  'userId', 'ownerId', 'organizationId', 'orgId', 'organisationId', 'tenantId', 'teamId', 'accountId', 'workspaceId',
  'authorId', 'createdBy', 'createdById', 'creatorId', 'memberId', 'customerId', 'companyId', 'environmentId',
  'user', 'owner', 'organization', 'organisation', 'tenant', 'team', 'account', 'workspace', 'author', 'members', 'member',
  'user_id', 'owner_id', 'organization_id', 'org_id', 'tenant_id', 'team_id', 'account_id', 'workspace_id', 'author_id', 'created_by',
];
const ID_KEY = /^(_?id|uuid|[a-zA-Z]+Id|[a-z]+_id)$/;
const HTTP_VERBS = /^(GET|POST|PUT|PATCH|DELETE)$/;
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all']);
const NEST_ROUTE_DECORATORS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All']);
const PRISMA_METHODS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'update', 'delete', 'upsert']);
const WHERE_METHODS = new Set(['findOne', 'findOneOrFail', 'findOneBy', 'findOneByOrFail', 'findBy', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndRemove', 'updateOne', 'deleteOne', 'destroy', 'findAll', 'count']);
const BY_ID_METHODS = new Set(['findById', 'findByIdAndUpdate', 'findByIdAndDelete', 'findByIdAndRemove', 'findByPk']);
const GUARD_TEXT = /isAdmin|isSuperAdmin|\b\w+\.(admin|superAdmin|isStaff|staff)\b|role\s*[!=]==?\s*['"`](admin|superadmin|owner)|requireAdmin|assertAdmin|Role\.ADMIN|@Roles\(|AdminGuard|RolesGuard|superuser/i;
const WEBHOOK_TEXT = /constructEvent|verifySignature|verifyWebhook|validateSignature|timingSafeEqual|createHmac|createHash|new Webhook\(|svix|jwt\.verify|jwtVerify/;
const ACCESS_CALL = /authoriz|permission|canAccess|hasAccess|checkAccess|assert\w*(Access|Owner|Member)|ensure\w*(Access|Owner|Member)|verify\w*(Access|Owner|Member)|isOwner|isMember|requireMember|ability\.can|\.can\(/i;
const PUBLIC_KEYS = /^(published|isPublished|isPublic|public|visibility|status)$/;

interface Handler {
  readonly fn: ts.SignatureDeclaration & { body?: ts.ConciseBody };
  /** names whose whole value is request data */
  readonly tainted: Set<string>;
  /** names of request objects (`req`, `request`, `c`, `ctx`): their params/query/body are request data */
  readonly requests: Set<string>;
  /** request values already checked against the caller by an earlier, owner-scoped query */
  readonly verified?: Set<string>;
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
    unscoped: 'The {{what}} looks up a record by "{{id}}" from the request without checking that it belongs to the caller.',
  },
  options: {
    ownerColumns: { type: 'string[]', default: [], description: 'More column names that tie a record to its owner, e.g. "clinicId".' },
  },
  textHint: /params|query|body|json\(|input|searchParams|@Param|'use server'|"use server"/,
  check(ctx) {
    const sf = ctx.sourceFile;
    const path = ctx.file.path;
    const text = sf.text;
    const owners = new Set([...OWNER_KEYS, ...((ctx.options.ownerColumns as readonly string[] | undefined) ?? [])]);
    const isOwnerKey = (k: string): boolean => owners.has(k) || owners.has(k.replace(/^_+/, ''));
    const useServer = hasDirective(sf, 'use server');
    const nextRoute = /(^|\/)route\.(ts|js|tsx|jsx|mjs)$/.test(path);
    const svelteServer = /(^|\/)\+(server|page\.server|layout\.server)\.(ts|js)$/.test(path);
    const remixRoute = /(^|\/)routes\//.test(path);
    const pagesApi = /(^|\/)pages\/api\//.test(path);
    const serviceRoleClient = /SERVICE_ROLE/.test(text);
    const done = new Set<ts.Node>();

    function analyze(h: Handler): void {
      if (!h.fn.body || done.has(h.fn)) return;
      done.add(h.fn);
      const bodyText = h.fn.body.getText(sf);
      if (GUARD_TEXT.test(bodyText) || WEBHOOK_TEXT.test(bodyText) || hasGuardDecorator(h.fn)) return;
      // taint propagation through declarations, in source order
      walkIn(h.fn.body, (n) => {
        if (ts.isVariableDeclaration(n) && n.initializer && isTainted(h, n.initializer)) bindNames(n.name, h.tainted);
      });
      walkIn(h.fn.body, (n) => {
        if (!ts.isCallExpression(n) || !isChainTop(n)) return;
        const q = queryInfo(h, n);
        if (!q || !q.lookup) return;
        // `project.findFirst({ where: { id: projectId, organization: { members: … } } })` verifies projectId
        if (q.scoped && q.lookupExpr) {
          const name = dottedName(q.lookupExpr);
          if (name) (h.verified as Set<string> | undefined)?.add(name);
        }
        if (q.scoped || q.isPublic) return;
        if (checkedLater(h, n) || accessCheckedWith(h)) return;
        ctx.report({ node: n, messageId: 'unscoped', data: { what: q.what, id: q.lookup }, fix: q.fix?.() });
      });
    }

    // ---------------------------------------------------------------------------------------- taint

    function isRequestData(h: Handler, e: ts.Node): boolean {
      const n = unwrap(e);
      if (ts.isIdentifier(n)) return h.tainted.has(n.text);
      if (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) {
        const obj = unwrap(n.expression);
        const key = ts.isPropertyAccessExpression(n) ? n.name.text : staticName(n.argumentExpression);
        if (ts.isIdentifier(obj) && h.requests.has(obj.text) && key && /^(params|query|body|searchParams|nextUrl|request|req)$/.test(key)) return true;
        return isRequestData(h, obj);
      }
      if (ts.isCallExpression(n)) {
        const callee = unwrap(n.expression);
        const method = calleeMethod(n) ?? '';
        if (ts.isPropertyAccessExpression(callee)) {
          const recv = unwrap(callee.expression);
          // await req.json(), request.formData(), c.req.param('id'), c.req.query(), c.req.valid('json')
          if (/^(json|formData|text|param|query|valid)$/.test(method) && isRequestObject(h, recv)) return true;
          // searchParams.get('id'), formData.get('id'), params.get('id')
          if (/^(get|getAll)$/.test(method) && isRequestData(h, recv)) return true;
        }
        // Number(id), parseInt(id), String(id), z.parse(body)
        if (/^(Number|parseInt|parseFloat|String|BigInt|decodeURIComponent|parse|safeParse)$/.test(method) && n.arguments.some((a) => isRequestData(h, a))) return true;
        return false;
      }
      if (ts.isNewExpression(n) && dottedName(n.expression) === 'URL' && n.arguments?.[0]) {
        return isRequestObject(h, unwrap(n.arguments[0]).kind === ts.SyntaxKind.PropertyAccessExpression ? (unwrap(n.arguments[0]) as ts.PropertyAccessExpression).expression : n.arguments[0]);
      }
      if (ts.isTemplateExpression(n)) return n.templateSpans.some((s) => isRequestData(h, s.expression));
      return false;
    }

    function isRequestObject(h: Handler, e: ts.Node): boolean {
      const n = unwrap(e);
      if (ts.isIdentifier(n)) return h.requests.has(n.text);
      if (ts.isPropertyAccessExpression(n)) return /^(req|request)$/.test(n.name.text) && isRequestObject(h, n.expression);
      return false;
    }

    function isTainted(h: Handler, e: ts.Node): boolean {
      return isRequestData(h, e);
    }

    function isVerified(h: Handler, e: ts.Node): boolean {
      const name = dottedName(unwrap(e));
      return !!name && !!h.verified?.has(name);
    }

    // ---------------------------------------------------------------------------------------- queries

    interface Query {
      readonly what: string;
      readonly lookupExpr?: ts.Node;
      readonly lookup?: string | undefined;
      readonly scoped: boolean;
      readonly isPublic: boolean;
      readonly fix?: () => Fix | undefined;
    }

    /** Judge a filter object (`{ id, userId }`, Prisma where, Mongo filter). */
    function judgeObject(h: Handler, obj: ts.ObjectLiteralExpression): { lookup?: string; lookupExpr?: ts.Node; scoped: boolean; isPublic: boolean } {
      let lookup: string | undefined;
      let lookupExpr: ts.Node | undefined;
      let scoped = false;
      let isPublic = false;
      const visit = (o: ts.ObjectLiteralExpression, depth: number): void => {
        for (const p of o.properties) {
          if (ts.isSpreadAssignment(p)) {
            // a spread we cannot see may carry the owner condition
            scoped = true;
            continue;
          }
          const key = ts.isShorthandPropertyAssignment(p) ? p.name.text : ts.isPropertyAssignment(p) ? staticName(p.name) : undefined;
          if (!key) continue;
          const value = ts.isShorthandPropertyAssignment(p) ? p.name : ts.isPropertyAssignment(p) ? p.initializer : undefined;
          if (!value) continue;
          if (isVerified(h, value)) {
            // a parent already checked against the caller (`projectId` after a membership query) scopes the record
            scoped = true;
            continue;
          }
          if (isOwnerKey(key)) {
            // an owner condition fed from the request does not tie the record to the caller (unless verified)
            if (!isTainted(h, value) || isVerified(h, value)) scoped = true;
            continue;
          }
          if (PUBLIC_KEYS.test(key)) {
            isPublic = true;
            continue;
          }
          if (/^(AND|OR|NOT|\$and|\$or|where)$/.test(key)) {
            const v = unwrap(value);
            if (ts.isObjectLiteralExpression(v)) visit(v, depth + 1);
            if (ts.isArrayLiteralExpression(v)) for (const el of v.elements) if (ts.isObjectLiteralExpression(unwrap(el))) visit(unwrap(el) as ts.ObjectLiteralExpression, depth + 1);
            continue;
          }
          if (ID_KEY.test(key) && depth < 3 && isTainted(h, unwrap(value))) {
            lookup ??= key;
            lookupExpr ??= unwrap(value);
          }
          else if (ts.isObjectLiteralExpression(unwrap(value)) && depth < 6) {
            // relation filters (`project: { organization: { members: { some: { userId } } } }`) and compound
            // unique keys (`id_userId: { id, userId }`)
            visit(unwrap(value) as ts.ObjectLiteralExpression, depth + 1);
          }
        }
      };
      visit(obj, 0);
      return { lookup, lookupExpr, scoped, isPublic };
    }

    /** Judge a drizzle condition (`eq(t.id, id)`, `and(...)`) or any expression: a tainted lookup and owner references. */
    function judgeExpression(h: Handler, e: ts.Node): { lookup?: string; scoped: boolean; isPublic: boolean; table?: string; eqCall?: ts.CallExpression } {
      let lookup: string | undefined;
      let scoped = false;
      let isPublic = false;
      let table: string | undefined;
      let eqCall: ts.CallExpression | undefined;
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n) && n.arguments.length >= 2) {
          const col = unwrap(n.arguments[0]);
          const colName = ts.isPropertyAccessExpression(col) ? col.name.text : stringValue(col);
          if (colName) {
            if (isOwnerKey(colName) && (!isTainted(h, n.arguments[1]) || isVerified(h, n.arguments[1]))) scoped = true;
            else if (PUBLIC_KEYS.test(colName)) isPublic = true;
            else if (ID_KEY.test(colName) && isTainted(h, n.arguments[1]) && !lookup) {
              lookup = colName;
              eqCall = n;
              if (ts.isPropertyAccessExpression(col)) table = dottedName(col.expression);
            }
          }
        }
        if (ts.isObjectLiteralExpression(n)) {
          const r = judgeObject(h, n);
          lookup ??= r.lookup;
          scoped ||= r.scoped;
          isPublic ||= r.isPublic;
          return;
        }
        ts.forEachChild(n, visit);
      };
      visit(e);
      return { lookup, scoped, isPublic, table, eqCall };
    }

    function queryInfo(h: Handler, top: ts.CallExpression): Query | undefined {
      const chain = chainCalls(top);
      const first = chain[0];
      const firstCallee = unwrap(first.expression);
      // what the chain hangs off: `db` in db.select(), `this.db` in this.db.select(), `knex` in knex('t')
      const rootName = (ts.isPropertyAccessExpression(firstCallee) ? dottedName(firstCallee.expression) : dottedName(firstCallee)) ?? '';
      const method = calleeMethod(first) ?? '';
      const recvName = dottedName(unwrap(first.expression) as ts.Expression) ?? '';
      // the object the method is called on: `this.conversationModel` in this.conversationModel.findById(id)
      const receiver = ts.isPropertyAccessExpression(firstCallee) ? (dottedName(firstCallee.expression) ?? '') : '';

      // Prisma: prisma.conversation.findUnique({ where: { id } })
      if (PRISMA_METHODS.has(method) && /(^|\.)(prisma|db|tx|client|prismaClient|\$transaction)\.\w+\.\w+$/i.test(recvName)) {
        const arg = first.arguments[0] && unwrap(first.arguments[0]);
        const where = arg && ts.isObjectLiteralExpression(arg) ? getProperty(arg, 'where') : undefined;
        if (!where || !ts.isPropertyAssignment(where)) return undefined;
        const w = unwrap(where.initializer);
        if (!ts.isObjectLiteralExpression(w)) return undefined;
        const r = judgeObject(h, w);
        return { what: `Prisma ${method}()`, ...r, fix: () => prismaFix(h, w) };
      }
      // drizzle relational: db.query.t.findFirst({ where: eq(t.id, id) })
      if ((method === 'findFirst' || method === 'findMany') && /(^|\.)query\.\w+\.\w+$/.test(recvName)) {
        const arg = first.arguments[0] && unwrap(first.arguments[0]);
        const where = arg && ts.isObjectLiteralExpression(arg) ? getProperty(arg, 'where') : undefined;
        if (!where || !ts.isPropertyAssignment(where) || method === 'findMany') return undefined;
        const r = judgeExpression(h, where.initializer);
        return { what: `drizzle ${method}()`, ...r, fix: () => drizzleFix(h, r.eqCall, r.table) };
      }
      // drizzle query builder / knex: db.select().from(t).where(eq(t.id, id)), knex('t').where({ id })
      const whereCall = chain.find((c) => /^(where|andWhere)$/.test(calleeMethod(c) ?? ''));
      if (whereCall && /^(db|tx|trx|knex|database|this\.db|this\.knex|ctx\.db)$/.test(rootName)) {
        let r = { lookup: undefined as string | undefined, scoped: false, isPublic: false, table: undefined as string | undefined, eqCall: undefined as ts.CallExpression | undefined };
        for (const c of chain.filter((c) => /^(where|andWhere|whereIn)$/.test(calleeMethod(c) ?? ''))) {
          const args = c.arguments;
          let part;
          if (args.length >= 2 && stringValue(args[0])) {
            const col = stringValue(args[0])!;
            const v = args[args.length - 1];
            part = { lookup: ID_KEY.test(col) && !isOwnerKey(col) && isTainted(h, v) ? col : undefined, scoped: isOwnerKey(col) && !isTainted(h, v), isPublic: PUBLIC_KEYS.test(col), table: undefined, eqCall: undefined };
          } else part = judgeExpression(h, c);
          r = { lookup: r.lookup ?? part.lookup, scoped: r.scoped || part.scoped, isPublic: r.isPublic || part.isPublic, table: r.table ?? part.table, eqCall: r.eqCall ?? part.eqCall };
        }
        const isDrizzle = chain.some((c) => /^(select|from|update|delete|set)$/.test(calleeMethod(c) ?? ''));
        return { what: isDrizzle ? 'drizzle query' : 'knex query', ...r, fix: isDrizzle ? () => drizzleFix(h, r.eqCall, r.table) : undefined };
      }
      // supabase-js: supabase.from('t').select().eq('id', id)
      const from = chain.find((c) => calleeMethod(c) === 'from' && stringValue(c.arguments[0]) !== undefined);
      if (from && /supabase|admin|client/i.test(rootName)) {
        if (!serviceRoleClient) return undefined; // the user-scoped client is governed by RLS
        let lookup: string | undefined;
        let scoped = false;
        for (const c of chain) {
          const m = calleeMethod(c);
          const col = stringValue(c.arguments[0]);
          if (m === 'eq' && col && c.arguments[1]) {
            if (isOwnerKey(col) && !isTainted(h, c.arguments[1])) scoped = true;
            else if (ID_KEY.test(col) && isTainted(h, c.arguments[1])) lookup ??= col;
          }
          if (m === 'match' && c.arguments[0] && ts.isObjectLiteralExpression(unwrap(c.arguments[0]))) {
            const r = judgeObject(h, unwrap(c.arguments[0]) as ts.ObjectLiteralExpression);
            lookup ??= r.lookup;
            scoped ||= r.scoped;
          }
        }
        return { what: 'Supabase query with the service-role client', lookup, scoped, isPublic: false };
      }
      // Mongoose / Sequelize by id: Conversation.findById(id), Model.findByPk(id)
      if (BY_ID_METHODS.has(method) && first.arguments[0] && looksLikeModel(receiver)) {
        const tainted = isTainted(h, first.arguments[0]);
        return { what: `${method}()`, lookup: tainted ? 'id' : undefined, scoped: false, isPublic: false };
      }
      // TypeORM / Mongoose / Sequelize filters: repo.findOneBy({ id }), Model.findOne({ _id: id }), destroy({ where: { id } })
      if (WHERE_METHODS.has(method) && first.arguments[0] && looksLikeModel(receiver)) {
        const arg = unwrap(first.arguments[0]);
        if (!ts.isObjectLiteralExpression(arg)) return undefined;
        const where = getProperty(arg, 'where');
        const obj = where && ts.isPropertyAssignment(where) && ts.isObjectLiteralExpression(unwrap(where.initializer)) ? (unwrap(where.initializer) as ts.ObjectLiteralExpression) : arg;
        return { what: `${method}()`, ...judgeObject(h, obj) };
      }
      // TypeORM repo.delete(id) / repo.update(id, …)
      if ((method === 'delete' || method === 'update' || method === 'softDelete' || method === 'remove') && /repo(sitory)?$/i.test(receiver) && first.arguments[0]) {
        const arg = unwrap(first.arguments[0]);
        if (ts.isObjectLiteralExpression(arg)) return { what: `${method}()`, ...judgeObject(h, arg) };
        return { what: `${method}()`, lookup: isTainted(h, arg) ? 'id' : undefined, scoped: false, isPublic: false };
      }
      return undefined;
    }

    function looksLikeModel(recv: string): boolean {
      const last = recv.split('.').pop() ?? '';
      return /^[A-Z][A-Za-z0-9]*$/.test(last) || /(repo|repository|model|collection)$/i.test(last);
    }

    /** After the query: `if (doc.ownerId !== session.user.id) return …/throw` in the same handler. */
    function checkedLater(h: Handler, query: ts.CallExpression): boolean {
      const start = query.getEnd();
      return someDescendant(h.fn.body!, (n) => {
        if (!ts.isIfStatement(n) || n.getStart(sf) < start) return false;
        const cond = n.expression.getText(sf);
        const ownerInCond = [...owners].some((k) => new RegExp(`\\b_?${k}\\b`).test(cond)) || ACCESS_CALL.test(cond);
        const exits = (c: ts.Node): boolean => ts.isReturnStatement(c) || ts.isThrowStatement(c);
        return ownerInCond && (exits(n.thenStatement) || someDescendant(n.thenStatement, exits));
      });
    }

    /** An explicit access check anywhere in the handler (`await assertCanAccess(user, id)`). */
    function accessCheckedWith(h: Handler): boolean {
      return someDescendant(h.fn.body!, (n) => ts.isCallExpression(n) && ACCESS_CALL.test(dottedName(n.expression) ?? '') && n.arguments.length > 0);
    }

    // ---------------------------------------------------------------------------------------- fixes

    /** The caller's identity in scope: a `user`/`session`/`currentUser` not taken from the request. */
    function identity(h: Handler, column: string): string | undefined {
      const body = h.fn.body!.getText(sf);
      for (const who of ['user', 'currentUser', 'session.user', 'ctx.user', 'ctx.session.user', 'req.user', 'request.user', 'auth.user', 'me']) {
        if (new RegExp(`(^|[^\\w.])${who.replace(/\./g, '\\.')}\\.${column}\\b`).test(body) && !h.tainted.has(who.split('.')[0])) return `${who}.${column}`;
      }
      return undefined;
    }

    function ownerColumnIn(h: Handler): string | undefined {
      for (const col of ['organizationId', 'tenantId', 'teamId', 'workspaceId', 'accountId', 'userId', 'ownerId']) if (identity(h, col)) return col;
      return undefined;
    }

    function prismaFix(h: Handler, where: ts.ObjectLiteralExpression): Fix | undefined {
      const col = ownerColumnIn(h);
      if (!col) return undefined;
      const who = identity(h, col)!;
      return { title: `Scope the query to ${who}`, edits: insertProperty(sf, ctx.lines, ctx.style, where, `${col}: ${who}`) };
    }

    function drizzleFix(h: Handler, eqCall: ts.CallExpression | undefined, table: string | undefined): Fix | undefined {
      if (!eqCall || !table) return undefined;
      const col = ownerColumnIn(h);
      if (!col) return undefined;
      const who = identity(h, col)!;
      // wrap the lookup's eq(...) in and(...) only when it is the whole condition
      const parent = eqCall.parent;
      const isWhole = (ts.isPropertyAssignment(parent) && staticName(parent.name) === 'where') || (ts.isCallExpression(parent) && calleeMethod(parent) === 'where');
      if (!isWhole) return undefined;
      const andImported = /import\s*\{[^}]*\band\b[^}]*\}\s*from\s*['"]drizzle-orm['"]/.test(text);
      const eqImport = /import\s*\{([^}]*\beq\b[^}]*)\}\s*from\s*(['"])drizzle-orm\2/.exec(text);
      if (!andImported && !eqImport) return undefined;
      const edits = [
        { start: eqCall.getStart(sf), end: eqCall.getStart(sf), text: 'and(' },
        { start: eqCall.getEnd(), end: eqCall.getEnd(), text: `, eq(${table}.${col}, ${who}))` },
      ];
      if (!andImported && eqImport) {
        const braceStart = text.indexOf('{', eqImport.index) + 1;
        const inner = eqImport[1];
        const lead = inner.match(/^\s*/)![0];
        edits.push({ start: braceStart + lead.length, end: braceStart + lead.length, text: 'and, ' });
      }
      return { title: `Scope the query to ${who}`, edits };
    }

    // ---------------------------------------------------------------------------------------- handlers

    function paramsHandler(fn: Handler['fn'], requestIdx: number, contextIdx: number): Handler {
      const h: Handler = { fn, tainted: new Set(), requests: new Set(), verified: new Set() };
      fn.parameters.forEach((p, i) => {
        if (i === requestIdx && ts.isIdentifier(p.name)) h.requests.add(p.name.text);
        if (i === requestIdx && ts.isObjectBindingPattern(p.name)) seedBinding(p.name, h);
        if (i === contextIdx) {
          if (ts.isIdentifier(p.name)) h.requests.add(p.name.text); // context.params
          else seedBinding(p.name, h);
        }
      });
      return h;
    }

    /** `{ params, request }` / `{ input, ctx }`: request-carrying names become request data or request objects. */
    function seedBinding(b: ts.BindingName, h: Handler): void {
      if (!ts.isObjectBindingPattern(b)) return;
      for (const el of b.elements) {
        const key = staticName(el.propertyName ?? el.name) ?? '';
        if (!ts.isIdentifier(el.name)) {
          if (/^(params|query|body|input|searchParams)$/.test(key)) bindNames(el.name, h.tainted);
          continue;
        }
        if (/^(params|query|body|input|searchParams|data)$/.test(key)) h.tainted.add(el.name.text);
        else if (/^(request|req|url|event)$/.test(key)) h.requests.add(el.name.text);
      }
    }

    return {
      FunctionDeclaration(fn: ts.FunctionDeclaration) {
        const name = fn.name?.text ?? '';
        const exported = !!fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
        if (!exported) return;
        if (HTTP_VERBS.test(name) && (nextRoute || svelteServer)) analyze(paramsHandler(fn, 0, svelteServer ? 0 : 1));
        else if ((name === 'loader' || name === 'action') && remixRoute) analyze(paramsHandler(fn, 0, 0));
        else if (useServer) analyze(allParams(fn));
        else if (pagesApi && fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) analyze(paramsHandler(fn, 0, -1));
      },
      VariableDeclaration(d: ts.VariableDeclaration) {
        // export const GET = async (req, { params }) => …
        if (!ts.isIdentifier(d.name) || !d.initializer) return;
        const init = unwrap(d.initializer);
        if (!ts.isArrowFunction(init) && !ts.isFunctionExpression(init)) return;
        const st = d.parent.parent;
        const exported = ts.isVariableStatement(st) && !!st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
        if (!exported) return;
        const name = d.name.text;
        if (HTTP_VERBS.test(name) && (nextRoute || svelteServer)) analyze(paramsHandler(init, 0, svelteServer ? 0 : 1));
        else if ((name === 'loader' || name === 'action') && remixRoute) analyze(paramsHandler(init, 0, 0));
        else if (useServer) analyze(allParams(init));
      },
      CallExpression(call: ts.CallExpression) {
        const method = calleeMethod(call) ?? '';
        // app.get('/conversations/:id', handler), router.delete(...), fastify.get(...), hono app.get(...)
        if (ROUTE_METHODS.has(method) && call.arguments.length >= 2 && /^\//.test(stringValue(call.arguments[0]) ?? '')) {
          for (const a of call.arguments.slice(1)) {
            const fn = unwrap(a);
            if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) analyze(paramsHandler(fn, 0, -1));
          }
          return;
        }
        // fastify.route({ method, url, handler }) is rare; tRPC: .input(schema).query(({ ctx, input }) => …)
        if ((method === 'query' || method === 'mutation') && call.arguments[0] && /\.input\s*\(/.test(unwrap(call.expression).getText(sf))) {
          const fn = unwrap(call.arguments[0]);
          if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) analyze(paramsHandler(fn, 0, -1));
        }
      },
      MethodDeclaration(m: ts.MethodDeclaration) {
        // Nest: @Get(':id') find(@Param('id') id: string)
        const decos = ts.getDecorators(m) ?? [];
        if (!decos.some((d) => ts.isCallExpression(d.expression) && NEST_ROUTE_DECORATORS.has(dottedName(d.expression.expression) ?? ''))) return;
        const h: Handler = { fn: m, tainted: new Set(), requests: new Set(), verified: new Set() };
        for (const p of m.parameters) {
          const pd = (ts.getDecorators(p) ?? []).map((d) => (ts.isCallExpression(d.expression) ? dottedName(d.expression.expression) : dottedName(d.expression)));
          if (pd.some((n) => n === 'Param' || n === 'Query' || n === 'Body')) bindNames(p.name, h.tainted);
          if (pd.some((n) => n === 'Req' || n === 'Request') && ts.isIdentifier(p.name)) h.requests.add(p.name.text);
        }
        const cls = m.parent;
        if (ts.isClassDeclaration(cls) && hasGuardDecorator(cls)) return;
        analyze(h);
      },
    };

    function allParams(fn: Handler['fn']): Handler {
      const h: Handler = { fn, tainted: new Set(), requests: new Set(), verified: new Set() };
      for (const p of fn.parameters) bindNames(p.name, h.tainted);
      return h;
    }
  },
});

function hasGuardDecorator(n: ts.Node): boolean {
  const decos = ts.canHaveDecorators(n) ? (ts.getDecorators(n) ?? []) : [];
  return decos.some((d) => /Roles|AdminGuard|RolesGuard|Admin\b|RequirePermissions|Permissions/.test(d.expression.getText()));
}

function bindNames(b: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(b)) into.add(b.text);
  else for (const el of b.elements) if (!ts.isOmittedExpression(el)) bindNames(el.name, into);
}

/** Visit every descendant of a body, nested functions included. */
function walkIn(node: ts.Node, visit: (n: ts.Node) => void): void {
  const rec = (n: ts.Node): void => {
    visit(n);
    ts.forEachChild(n, rec);
  };
  rec(node);
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


