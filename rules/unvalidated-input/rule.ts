import { calleeMethod, defineRule, dottedName, getProperty, staticName, ts, unwrap, type CodeNames } from '../../server/src/engine/api';
import { enclosingFunction, hasRequestSource, requestData, type Origin } from '../_lib/requestData';

/** Prisma-style writes: `x.model.create({ data })`, `update({ where, data })`, `upsert({ create, update })`. */
const PRISMA_WRITES = new Set(['create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert']);
const PRISMA_VALUE_KEYS = ['data', 'create', 'update'];
/** Writes whose second argument is the record: Mongoose, Objection, TypeORM `merge`. */
const SECOND_ARG_WRITES = new Set(['findByIdAndUpdate', 'findOneAndUpdate', 'updateOne', 'updateMany', 'replaceOne', 'findOneAndReplace', 'patchAndFetchById', 'updateAndFetchById', 'merge']);
/** Writes whose first argument is the record, on a model, a repository or a query builder. */
const FIRST_ARG_WRITES = new Set(['create', 'insert', 'insertOne', 'insertMany', 'bulkCreate', 'save', 'upsert', 'insertAndFetch', 'insertGraph', 'upsertGraph', 'patch', 'update', 'values', 'set']);
/** Method names worth a closer look: every write above, Mongo updates, `Object.assign`, Nest service calls. */
const CANDIDATE = /^(create\w*|insert\w*|bulkCreate|save|upsert|update\w*|findByIdAndUpdate|findOneAnd\w+|replaceOne|patch\w*|values|set|merge|assign|bulkWrite|add\w*|edit\w*|register\w*|replace\w*)$/;
/** Mongo update operators whose value is a record. */
const MONGO_OPERATORS = new Set(['$set', '$setOnInsert']);
/** Receivers that are models, repositories, ORM managers or clients by name. */
const REPO_NAME = /(^|\.)([A-Z][A-Za-z0-9]*|\w*(Repo|Repository|Model|Collection|Table|Entity|Dao|DAO|Store)|\w*(repo|repository|model|collection|dao)|db|prisma|knex|trx|tx|manager|entityManager|em|models\.\w+|db\.\w+)$/;
/** Builtins and non-database objects with PascalCase names. */
const NOT_A_MODEL = /(^|\.)(Object|Array|Promise|Date|JSON|Reflect|Buffer|URL|URLSearchParams|Math|Error|Symbol|Intl|Map|Set|WeakMap|Response|NextResponse|Request|Headers|FormData|Blob|File|Stripe|OpenAI|Anthropic|React|Vue|Router|Intl|Event|CustomEvent)$/;
/** Query-builder calls a write hangs off: `knex('t')`, `supabase.from('t')`, `db.insert(t)`, `Model.query()`, `db.collection('c')`. */
const BUILDER_CALL = /^(from|into|table|collection|query|getRepository|insert|insertInto|replaceInto|update|updateTable|where|andWhere|eq|match|whereIn|returning|onConflict|knex|db|trx|sql)$/;
/** Calls whose result is a record loaded from the database (`const doc = await Model.findById(id)`). */
const LOOKUP = /^(find\w*|findByPk|findOrFail|findOneOrFail|findUniqueOrThrow|findFirstOrThrow)$/;
/**
 * The methods `writeOf` accepts, and the saves `isSavedIn` looks for; `values` and `set` only count on the chains
 * `writeOf` requires of them (`insertInto(t).values(…)`, `updateTable(t).set(…)`, a record loaded by `find…`).
 */
const WRITE_NAMES = [...new Set([...PRISMA_WRITES, ...SECOND_ARG_WRITES, ...FIRST_ARG_WRITES, 'persist', 'persistAndFlush', '$set', '$setOnInsert'])].filter((m) => m !== 'values' && m !== 'set');
/** A save `isSavedIn` finds in the text of a scope (comments included). */
const SAVE_TEXT = /\.\s*(save|persist|persistAndFlush|insert|update)\s*\(/;

/** A write method or a Mongo update operator, by name (`insert` and `update` stand for their chains). */
function writeByName(ids: CodeNames, text: string): boolean {
  for (const m of WRITE_NAMES) if (ids.has(m)) return true;
  if (ids.has('values') && (ids.has('insertInto') || ids.has('into') || ids.has('replaceInto'))) return true;
  return ids.has('set') && (ids.has('updateTable') || text.includes('find'));
}

/** Crypto and other non-database `update`/`set` receivers. */
const NOT_DB_CHAIN = /\b(createHash|createHmac|createCipheriv|createDecipheriv|createSign|createVerify|crypto|subtle|hash|hmac|headers|searchParams|cookies|res|response|reply|cache|storage|localStorage|sessionStorage|form|formData|params|url|map|Map|emitter|state|setState)\b/;

interface Write {
  readonly label: () => string;
  readonly values: readonly ts.Expression[];
  /**
   * The API takes only a record there (Prisma `data`, `Model.create`, a builder's `values`/`set`), so any request
   * value is a client object. A repository or DAO method of the app's own may take a scalar: only a whole body counts.
   */
  readonly recordOnly: boolean;
}

export default defineRule({
  id: 'unvalidated-input',
  title: 'Request body written to the database unvalidated',
  summary: 'The request body is passed wholesale into a database write, so a client can set any column (mass assignment).',
  severity: 'warning',
  kinds: ['code'],
  scope: 'file',
  checklist: '003 §2.3',
  fixable: false,
  hasSuggestions: false,
  messages: {
    passed: 'Request data ({{source}}) is passed to {{write}} unvalidated, so the client chooses which fields are written.',
    spread: 'Request data ({{source}}) is spread into {{write}} unvalidated, so the client can add any field to the write.',
    untypedBody: 'The @Body() parameter "{{name}}" has no validating DTO class and is passed to {{write}}, so the client chooses which fields are written.',
  },
  // request data (hasRequestSource) and a write: a write method or a Mongo `$set` by name, an untyped Nest
  // `@Body()` and a service, or a save isSavedIn finds in the text (comments included) after `new Model(…)`
  codeHint: (ids, text) => {
    if (!hasRequestSource(ids, text)) return false;
    if (writeByName(ids, text)) return true;
    // this.xService.create…(body), this.xRepository.update…(body)
    if (ids.has('Body') && (text.includes('ervice') || text.includes('epo'))) return true;
    return SAVE_TEXT.test(text);
  },
  check(ctx) {
    const sf = ctx.sourceFile;
    const rd = requestData(sf);
    const reported = new Set<ts.Node>();

    function report(node: ts.Node, o: Origin, label: () => string, spread: boolean): void {
      if (reported.has(node)) return;
      reported.add(node);
      const write = label();
      if (o.untypedBody) ctx.report({ node, messageId: 'untypedBody', data: { name: o.untypedBody, write } });
      else ctx.report({ node, messageId: spread ? 'spread' : 'passed', data: { source: o.source, write } });
    }

    /** Unvalidated request data in a record position: the value itself, the spreads of an object literal, a local object. */
    function checkValue(v: ts.Expression, write: () => string, recordOnly = true, depth = 0): void {
      const u = unwrap(v) as ts.Expression;
      if (ts.isObjectLiteralExpression(u)) {
        for (const p of u.properties) {
          if (!ts.isSpreadAssignment(p)) continue;
          const o = rd.origin(p.expression);
          if (o && !o.validated) report(p, o, write, true);
        }
        return;
      }
      if (ts.isArrayLiteralExpression(u)) {
        for (const el of u.elements) if (!ts.isSpreadElement(el)) checkValue(el, write, recordOnly, depth + 1);
        return;
      }
      const o = rd.origin(u);
      if (o) {
        if (!o.validated && (recordOnly || o.whole)) report(u, o, write, false);
        return;
      }
      // const data = { ...req.body, ownerId }; prisma.x.create({ data })
      if (ts.isIdentifier(u) && depth < 2) {
        const values = rd.assignedValues(u);
        if (values.length === 1 && ts.isObjectLiteralExpression(unwrap(values[0]))) checkValue(values[0], write, recordOnly, depth + 1);
      }
    }

    function writeOf(call: ts.CallExpression): Write | undefined {
      const callee = unwrap(call.expression);
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      const method = callee.name.text;
      const recv = callee.expression;
      const args = call.arguments;
      const label = () => `${shortCallee(call)}()`;
      // Prisma: prisma.user.create({ data }), tx.post.update({ where, data })
      // (a model accessor of a client: `prisma.user`, `tx.post`, not a PascalCase Mongoose/Sequelize model with a `data` column)
      if (PRISMA_WRITES.has(method) && args.length === 1 && ts.isPropertyAccessExpression(recv) && /^[a-z]/.test(recv.name.text) && !isModelish(recv.expression)) {
        const a = unwrap(args[0]);
        if (ts.isObjectLiteralExpression(a)) {
          const values: ts.Expression[] = [];
          for (const k of PRISMA_VALUE_KEYS) {
            const p = getProperty(a, k);
            if (p && ts.isPropertyAssignment(p)) values.push(p.initializer);
            else if (p && ts.isShorthandPropertyAssignment(p)) values.push(p.name);
          }
          if (values.length) return { label, values, recordOnly: true };
        }
      }
      if (SECOND_ARG_WRITES.has(method) && args.length >= 2) {
        if (method === 'merge' && !REPO_NAME.test(dottedName(recv) ?? '')) return undefined;
        return { label, values: [args[1]], recordOnly: true };
      }
      // MikroORM / TypeORM managers: em.create(User, body), em.assign(user, body), manager.save(User, body)
      if ((method === 'create' || method === 'assign' || method === 'save' || method === 'insert') && args.length === 2 && /(^|\.)(em|entityManager|manager)$/.test(dottedName(recv) ?? '')) {
        return { label, values: [args[1]], recordOnly: true };
      }
      if (!FIRST_ARG_WRITES.has(method) || !args.length) return undefined;
      const recvText = recv.getText(sf);
      if (NOT_DB_CHAIN.test(recvText)) return undefined;
      // TypeORM repo.update(criteria, body) / Sequelize Model.update(body, { where })
      if (method === 'update' && args.length === 2) {
        const second = unwrap(args[1]);
        if (ts.isObjectLiteralExpression(second) && getProperty(second, 'where')) return isModelish(recv) ? { label, values: [args[0]], recordOnly: true } : undefined;
        return isRepoName(recv) ? { label, values: [args[1]], recordOnly: isModelish(recv) } : undefined;
      }
      if (method === 'set' && args.length !== 1) return undefined;
      if (args.length > 2) return undefined;
      const first = (recordOnly: boolean): Write => ({ label, values: [args[0]], recordOnly });
      if (method === 'values') return builderChain(recv, /^(insert|insertInto|into|replaceInto)$/) ? first(true) : undefined;
      if (method === 'set') return builderChain(recv, /^(update|updateTable)$/) || loadedRecord(recv) ? first(true) : undefined;
      if (method === 'update' || method === 'patch') {
        return builderChain(recv, BUILDER_CALL) || loadedRecord(recv) || (method === 'update' && isModelish(recv) && args.length === 1) ? first(true) : undefined;
      }
      // create / insert / save / upsert / insertMany / bulkCreate on a model, a repository or a builder
      if (isModelish(recv) || builderChain(recv, BUILDER_CALL)) return first(true);
      if (isRepoName(recv)) return first(false);
      return undefined;
    }

    /** `User`, `models.User`, `db.User`: a PascalCase model. */
    function isModelish(recv: ts.Expression): boolean {
      const name = dottedName(recv);
      if (!name || NOT_A_MODEL.test(name)) return false;
      const last = name.split('.').pop()!;
      return /^[A-Z][A-Za-z0-9]*$/.test(last) && !/^[A-Z0-9_]+$/.test(last);
    }

    function isRepoName(recv: ts.Expression): boolean {
      const name = dottedName(recv);
      return !!name && !NOT_A_MODEL.test(name) && REPO_NAME.test(name.replace(/^this\./, ''));
    }

    /** Is the receiver a query-builder chain: a call whose method (or callee) is one of `names`? */
    function builderChain(recv: ts.Expression, names: RegExp): boolean {
      let n: ts.Node = unwrap(recv);
      for (let i = 0; i < 12; i++) {
        if (ts.isCallExpression(n)) {
          const m = calleeMethod(n) ?? '';
          if (names.test(m)) return true;
          const callee = unwrap(n.expression);
          if (!ts.isPropertyAccessExpression(callee)) return false;
          n = unwrap(callee.expression);
        } else return false;
      }
      return false;
    }

    /** `user.update(body)` / `doc.set(body)` where `user` was loaded from the database in this function. */
    function loadedRecord(recv: ts.Expression): boolean {
      const u = unwrap(recv);
      if (!ts.isIdentifier(u)) return false;
      return rd.assignedValues(u).some((v) => {
        const c = unwrap(v);
        return ts.isCallExpression(c) && LOOKUP.test(calleeMethod(c) ?? '');
      });
    }

    /** `new Model(body)` whose result is saved: `new User(req.body).save()`, `const u = new User(body); await u.save()`. */
    function checkNew(n: ts.NewExpression): void {
      const arg = n.arguments?.[0];
      if (!arg || !ts.isIdentifier(unwrap(n.expression)) && !ts.isPropertyAccessExpression(unwrap(n.expression))) return;
      if (!isModelish(n.expression) || !mayCarryRequestData(arg)) return;
      const p = n.parent;
      let saved = false;
      if (ts.isPropertyAccessExpression(p) && p.name.text === 'save') saved = true;
      else if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) saved = isSavedIn(p.name.text, enclosingFunction(n) ?? sf);
      else if (ts.isAwaitExpression(p) || ts.isParenthesizedExpression(p)) saved = ts.isPropertyAccessExpression(p.parent) && p.parent.name.text === 'save';
      if (saved) checkValue(arg, () => `new ${dottedName(n.expression)}().save()`);
    }

    /** Cheap pre-check before looking for a save: the argument is request data or an object spreading some. */
    function mayCarryRequestData(arg: ts.Expression): boolean {
      const u = unwrap(arg);
      if (ts.isObjectLiteralExpression(u)) return u.properties.some((p) => ts.isSpreadAssignment(p) && !!rd.origin(p.expression));
      return !!rd.origin(u) || ts.isIdentifier(u);
    }

    /** `Object.assign(user, req.body)` followed by `user.save()` / `repo.save(user)`. */
    function checkAssign(call: ts.CallExpression): void {
      const target = call.arguments[0] && unwrap(call.arguments[0]);
      if (!target || !ts.isIdentifier(target) || call.arguments.length < 2) return;
      if (!call.arguments.slice(1).some((a) => mayCarryRequestData(a))) return;
      if (!isSavedIn(target.text, enclosingFunction(call) ?? sf)) return;
      for (const a of call.arguments.slice(1)) checkValue(a, () => `Object.assign(${target.text})`);
    }

    function isSavedIn(name: string, scope: ts.Node): boolean {
      const re = new RegExp(`\\b${name}\\s*\\.\\s*save\\s*\\(|\\.(save|persist|persistAndFlush|insert|update)\\s*\\(\\s*${name}\\s*[,)]`);
      return re.test(scope.getText(sf));
    }

    return {
      CallExpression(call: ts.CallExpression) {
        if (!call.arguments.length) return;
        const method = calleeMethod(call) ?? '';
        if (!CANDIDATE.test(method)) return;
        if (method === 'assign') {
          if (dottedName(call.expression) === 'Object.assign') checkAssign(call);
          return;
        }
        const w = writeOf(call);
        if (w) for (const v of w.values) checkValue(v, w.label, w.recordOnly);
        // Mongo operators: updateOne(filter, { $set: req.body }), findOneAndUpdate(f, { $set: body }, opts)
        if (/update|Update|upsert|bulkWrite/.test(method)) {
          for (const a of call.arguments) {
            const u = unwrap(a);
            if (!ts.isObjectLiteralExpression(u)) continue;
            for (const p of u.properties) {
              if (ts.isPropertyAssignment(p) && MONGO_OPERATORS.has(staticName(p.name) ?? '')) checkValue(p.initializer, () => `${shortCallee(call)}() as ${staticName(p.name)}`);
            }
          }
        }
        // Nest: an untyped @Body() handed to a service's create/update
        nestServiceCall(call, checkUntyped);
      },
      NewExpression(n: ts.NewExpression) {
        checkNew(n);
      },
    };

    function checkUntyped(arg: ts.Expression, label: () => string): void {
      const o = rd.origin(arg);
      if (o?.untypedBody && o.whole && !o.validated) report(unwrap(arg), o, label, false);
    }
  },
});

/** `this.usersService.create(body)`, `this.posts.update(id, body)`: what a Nest controller hands to its service. */
function nestServiceCall(call: ts.CallExpression, check: (arg: ts.Expression, label: () => string) => void): void {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return;
  if (!/^(create|update|insert|save|upsert|patch|replace|add|edit|register)\w*$/.test(callee.name.text)) return;
  const recv = dottedName(callee.expression) ?? '';
  if (!/^this\.\w*(service|Service|repository|Repository|repo|Repo)$/.test(recv)) return;
  for (const a of call.arguments) check(a, () => `${shortCallee(call)}()`);
}

/** `this.prisma.user.create` → `prisma.user.create`, `User.create` → `User.create`. */
function shortCallee(call: ts.CallExpression): string {
  const name = dottedName(call.expression);
  if (!name) return calleeMethod(call) ?? 'write';
  const segs = name.split('.').filter((s) => s !== 'this');
  const out = segs.slice(-3).join('.');
  return out.replace(/\(\)\./g, '().');
}
