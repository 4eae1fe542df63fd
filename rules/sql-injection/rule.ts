import {
  calleeMethod,
  defineRule,
  dottedName,
  getProperty,
  stringValue,
  ts,
  unwrap,
  type CodeNames,
  type Fix,
  type RuleContext,
} from '../../server/src/engine/api';
import { enclosingFunction, hasRequestSource, requestData, type Origin, type RequestData } from '../_lib/requestData';

/**
 * Raw-SQL sinks. `raw`: the argument is SQL by the API's contract (`$queryRawUnsafe`, `knex.raw`, `sql.unsafe`);
 * `query`: a driver method whose argument is SQL only when its text says so (`pool.query`, `db.execute`,
 * `db.prepare`, pg-promise `many`…); `builder`: a TypeORM query-builder condition (`.where(\`…${x}\`)`).
 */
type SinkKind = 'raw' | 'query' | 'builder';
interface Sink {
  readonly kind: SinkKind;
  readonly arg: ts.Expression;
  readonly label: () => string;
}

const RAW_METHODS = new Set([
  '$queryRawUnsafe',
  '$executeRawUnsafe',
  'queryRawUnsafe',
  'executeRawUnsafe',
  'whereRaw',
  'orWhereRaw',
  'andWhereRaw',
  'whereNotRaw',
  'havingRaw',
  'orHavingRaw',
  'orderByRaw',
  'groupByRaw',
  'joinRaw',
  'fromRaw',
  'onRaw',
]);
const QUERY_METHODS = new Set(['query', 'execute', 'exec', 'run', 'all', 'get', 'each', 'prepare', 'many', 'one', 'none', 'any', 'oneOrNone', 'manyOrNone', 'result', 'multi', 'queryOne', 'queryAll', 'queryRow', 'queryRows']);
const BUILDER_METHODS = new Set(['where', 'andWhere', 'orWhere', 'having', 'andHaving', 'orHaving', 'orderBy', 'addOrderBy', 'groupBy', 'addGroupBy', 'select', 'addSelect']);
/** Builder methods where a bare request value (not only a string built from one) is a condition. */
const BUILDER_CONDITIONS = new Set(['where', 'andWhere', 'orWhere', 'having', 'andHaving', 'orHaving']);
/** Receivers of `.raw(…)`/`.unsafe(…)`/`.literal(…)` that are SQL clients or tags. */
const SQL_RECEIVER = /(^|\.)(knex|\w*Knex|sql|db|\w*Db|\w*DB|trx|tx|prisma|Prisma|database|conn|connection|client|pool|kysely|drizzle|sequelize|Sequelize|pg|postgres|mysql|qb|queryBuilder|builder|query|k)$/;
/** Receivers whose `query`/`get` are not SQL even with SQL-looking text. */
const NON_SQL_RECEIVER = /(^|\.)(req|request|res|response|reply|ctx|c|router|app|server|url|URL|searchParams|params|headers|cookies|map|cache|redis|store|storage|localStorage|sessionStorage|axios|http|fetch|api|graphql|apollo|client\.graphql|gql)$/;
/** SQL text: what a driver `query(…)` argument must look like before it is treated as SQL. */
const SQL_TEXT = /\b(select\b[\s\S]*\bfrom\b|insert\s+into\b|update\s+[\w."`[\]]+\s+set\b|delete\s+from\b|with\s+\w+\s+as\s*\(|create\s+(table|index|view|schema)\b|drop\s+(table|index|view|schema)\b|alter\s+table\b|truncate\s+|where\s+\w)/i;
/** Calls that escape or quote a value for SQL: their result is safe to interpolate. */
const SANITIZER = /(^|\.)(escape\w*|quote\w*|format|pgFormat|ident|literal|sanitize\w*|toSqlString|toSql|sqlstring|SqlString\.\w+|raw|lit|ref|val|Prisma\.sql|sql)$/;
/** Calls whose name says they check a value (validator.js `isUUID(x)`, `isValidColumn(x)`). */
const CHECK_CALL = /^(includes|has|indexOf|test|match|some|find|hasOwnProperty|isValid\w*|is[A-Z]\w*|validate\w*|assert\w*|check\w*|ensure\w*)$/;

const FIX_PARAMS = 'Pass the values as query parameters';

/** Roots of a query-builder chain that `isQueryBuilderChain` accepts, by name (`\w+QueryBuilder`, `\w+Qb` by text). */
const BUILDER_ROOTS = ['createQueryBuilder', 'qb', 'queryBuilder', 'builder'];
/** The words every SQL_TEXT match starts with, before a non-word character. */
const SQL_KEYWORD = /(?:select|insert|update|delete|with|create|drop|alter|truncate|where)(?!\w)/gi;

/**
 * Can a string of the file start a SQL_TEXT match: a SQL keyword in any case after a non-word character, at the
 * start, or after an escape (`'…\nWHERE id'`; a backslash up to six characters before it, `\u0020`)?
 */
function hasSqlKeyword(text: string): boolean {
  SQL_KEYWORD.lastIndex = 0;
  for (let m = SQL_KEYWORD.exec(text); m; m = SQL_KEYWORD.exec(text)) {
    const i = m.index;
    if (i === 0 || !/\w/.test(text[i - 1]) || text.slice(Math.max(0, i - 6), i - 1).includes('\\')) return true;
  }
  return false;
}

/**
 * The sinks `sinkOf` can return, by name: 'sql' for a raw-SQL method or a builder condition, 'query' for a driver
 * method whose argument counts only when its literal text is SQL.
 */
function sqlSinkByName(ids: CodeNames, text: string): 'sql' | 'query' | undefined {
  // `.raw(…)`/`.unsafe(…)`/`.literal(…)`: raw SQL on a SQL receiver, a driver query on another one
  if (ids.has('raw') || ids.has('unsafe') || ids.has('literal')) return 'sql';
  for (const m of RAW_METHODS) if (ids.has(m)) return 'sql';
  for (const m of BUILDER_METHODS) {
    if (!ids.has(m)) continue;
    for (const r of BUILDER_ROOTS) if (ids.has(r)) return 'sql';
    if (text.includes('QueryBuilder') || text.includes('Qb')) return 'sql';
    break;
  }
  for (const m of QUERY_METHODS) if (ids.has(m)) return 'query';
  return undefined;
}

export default defineRule({
  id: 'sql-injection',
  title: 'SQL built from request data',
  summary: 'Request data is interpolated or concatenated into raw SQL.',
  severity: 'error',
  kinds: ['code'],
  scope: 'file',
  checklist: '001 ph.6',
  fixable: true,
  hasSuggestions: false,
  messages: {
    interpolated: 'Request data ({{source}}) is interpolated into the SQL passed to {{sink}}.',
    concatenated: 'Request data ({{source}}) is concatenated into the SQL passed to {{sink}}.',
    passed: 'Request data ({{source}}) is passed to {{sink}} as SQL.',
  },
  // request data (hasRequestSource) and a sink by name: a raw-SQL method, a query-builder condition on a builder,
  // or a driver query method in a file whose text has a SQL keyword (every SQL_TEXT match starts with one)
  codeHint: (ids, text) => {
    if (!hasRequestSource(ids, text)) return false;
    const sink = sqlSinkByName(ids, text);
    return sink === 'sql' || (sink === 'query' && hasSqlKeyword(text));
  },
  check(ctx) {
    const sf = ctx.sourceFile;
    const rd = requestData(sf);
    const reported = new Set<ts.Node>();
    const checked = new WeakMap<ts.Node, Set<string>>();
    let drivers: Drivers | undefined;

    function sinkOf(call: ts.CallExpression): Sink | undefined {
      const arg0 = call.arguments[0];
      if (!arg0 || ts.isSpreadElement(arg0)) return undefined;
      const method = calleeMethod(call) ?? '';
      if (!RAW_METHODS.has(method) && !QUERY_METHODS.has(method) && !BUILDER_METHODS.has(method) && method !== 'raw' && method !== 'unsafe' && method !== 'literal') return undefined;
      const callee = unwrap(call.expression);
      const recv = ts.isPropertyAccessExpression(callee) ? dottedName(callee.expression) : undefined;
      const label = () => `${shortCallee(call)}()`;
      if (RAW_METHODS.has(method)) return { kind: 'raw', arg: arg0, label };
      if (method === 'raw' || method === 'unsafe' || method === 'literal') {
        if (!ts.isPropertyAccessExpression(callee)) return method === 'literal' && importsFrom(sf, 'sequelize', 'literal') ? { kind: 'raw', arg: arg0, label } : undefined;
        if (recv === 'String' || recv === undefined) return undefined;
        return SQL_RECEIVER.test(recv) ? { kind: 'raw', arg: arg0, label } : { kind: 'query', arg: arg0, label };
      }
      if (QUERY_METHODS.has(method) && ts.isPropertyAccessExpression(callee)) {
        if (recv !== undefined && NON_SQL_RECEIVER.test(recv)) return undefined;
        // pg: client.query({ text, values })
        const a = unwrap(arg0);
        if (ts.isObjectLiteralExpression(a)) {
          const text = getProperty(a, 'text') ?? getProperty(a, 'sql');
          return text && ts.isPropertyAssignment(text) ? { kind: 'query', arg: text.initializer, label } : undefined;
        }
        return { kind: 'query', arg: arg0, label };
      }
      if (BUILDER_METHODS.has(method) && ts.isPropertyAccessExpression(callee) && isQueryBuilderChain(callee.expression)) {
        return { kind: 'builder', arg: arg0, label: () => `${method}()` };
      }
      return undefined;
    }

    /** Dotted names the function checks: `ALLOWED.includes(x)`, `x in COLUMNS`, `x === 'asc'`, `switch (x)`, `isUUID(x)`. */
    function checkedNames(fn: ts.Node): Set<string> {
      let s = checked.get(fn);
      if (s) return s;
      s = new Set();
      const out = s;
      const addName = (e: ts.Node | undefined) => {
        const d = e && dottedName(checkedValue(e));
        if (d) out.add(d);
      };
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n)) {
          const m = calleeMethod(n) ?? '';
          if (CHECK_CALL.test(m)) {
            for (const a of n.arguments) addName(a);
            const callee = unwrap(n.expression);
            // x.match(/^[a-z_]+$/), x.startsWith…: the receiver is the checked value
            if (ts.isPropertyAccessExpression(callee) && (m === 'match' || m === 'test')) addName(callee.expression);
          }
        } else if (ts.isBinaryExpression(n)) {
          const op = n.operatorToken.kind;
          if (op === ts.SyntaxKind.InKeyword) addName(n.left);
          if (op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) {
            const meaningful = (x: ts.Node) => {
              const v = stringValue(x);
              return v !== undefined && v !== '';
            };
            if (meaningful(n.right)) addName(n.left);
            if (meaningful(n.left)) addName(n.right);
          }
        } else if (ts.isSwitchStatement(n)) addName(n.expression);
        if (!ts.isFunctionLike(n) || n === fn) ts.forEachChild(n, visit);
      };
      visit(fn);
      checked.set(fn, out);
      return out;
    }

    /** Is the value checked against an allowlist, a literal or a pattern before use (directly or where it was bound)? */
    function allowlisted(e: ts.Expression, depth = 0): boolean {
      const fn = enclosingFunction(e) ?? sf;
      const names = checkedNames(fn);
      const u = unwrap(e) as ts.Expression;
      const d = dottedName(u);
      if (d && names.has(d)) return true;
      if (depth > 3) return false;
      if (ts.isIdentifier(u)) {
        for (const v of rd.assignedValues(u)) {
          const w = unwrap(v) as ts.Expression;
          // `const col = ALLOWED.includes(sort) ? sort : 'created_at'`
          if (ts.isConditionalExpression(w) && condChecks(w.condition, w.whenTrue)) return true;
          if ((ts.isIdentifier(w) || ts.isPropertyAccessExpression(w) || ts.isElementAccessExpression(w)) && allowlisted(w, depth + 1)) return true;
        }
      }
      return false;
    }

    function condChecks(cond: ts.Node, value: ts.Node): boolean {
      const d = dottedName(value);
      if (!d) return false;
      let hit = false;
      const visit = (n: ts.Node): void => {
        if (hit) return;
        const is = (x: ts.Node) => dottedName(checkedValue(x)) === d;
        if (ts.isCallExpression(n) && CHECK_CALL.test(calleeMethod(n) ?? '') && n.arguments.some(is)) hit = true;
        else if (ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.InKeyword || n.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken) && (is(n.left) || is(n.right))) hit = true;
        else ts.forEachChild(n, visit);
      };
      visit(cond);
      return hit;
    }

    /** A value the SQL may carry as is: coerced, escaped, checked, or not from the request. */
    function taintOf(e: ts.Expression): Origin | undefined {
      const u = unwrap(e) as ts.Expression;
      if (ts.isCallExpression(u) && SANITIZER.test(dottedName(u.expression) ?? '')) return undefined;
      const o = rd.origin(u);
      if (!o) return undefined;
      if (o.validated && o.schema && schemaKeyIsSafe(o.schema, o.keys, rd)) return undefined;
      if (allowlisted(u)) return undefined;
      return o;
    }

    interface Hit {
      readonly node: ts.Expression;
      readonly origin: Origin;
      readonly form: 'interpolated' | 'concatenated' | 'passed';
    }

    /**
     * The request values built into a SQL string, and its literal text (for the SQL test). Follows identifiers
     * to their assignments (`sql += …`), conditionals, and arrays joined into the string (`where.push(…)`).
     */
    function collect(e: ts.Expression, hits: Hit[], text: string[], seen: Set<ts.Node>, depth: number, top: boolean): void {
      const u = unwrap(e) as ts.Expression;
      if (seen.has(u) || depth > 6) return;
      seen.add(u);
      if (ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u)) {
        text.push(u.text);
        return;
      }
      if (ts.isTemplateExpression(u)) {
        text.push(u.head.text);
        for (const s of u.templateSpans) {
          text.push(' ? ', s.literal.text);
          span(s.expression, 'interpolated', hits, text, seen, depth);
        }
        return;
      }
      if (ts.isBinaryExpression(u) && (u.operatorToken.kind === ts.SyntaxKind.PlusToken || u.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken)) {
        for (const side of [u.left, u.right]) {
          const s = unwrap(side) as ts.Expression;
          if (ts.isStringLiteral(s) || ts.isNoSubstitutionTemplateLiteral(s) || ts.isTemplateExpression(s) || (ts.isBinaryExpression(s) && s.operatorToken.kind === ts.SyntaxKind.PlusToken)) collect(s, hits, text, seen, depth + 1, false);
          else span(s, 'concatenated', hits, text, seen, depth);
        }
        return;
      }
      if (ts.isConditionalExpression(u)) {
        collect(u.whenTrue, hits, text, seen, depth + 1, false);
        collect(u.whenFalse, hits, text, seen, depth + 1, false);
        return;
      }
      if (ts.isBinaryExpression(u) && (u.operatorToken.kind === ts.SyntaxKind.BarBarToken || u.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || u.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken)) {
        collect(u.right, hits, text, seen, depth + 1, false);
        if (u.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandToken) collect(u.left, hits, text, seen, depth + 1, false);
        return;
      }
      if (ts.isIdentifier(u)) {
        const values = rd.assignedValues(u);
        if (!values.length && top) {
          const o = taintOf(u);
          if (o) hits.push({ node: u, origin: o, form: 'passed' });
        }
        for (const v of values) collect(v, hits, text, seen, depth + 1, false);
        return;
      }
      if (ts.isCallExpression(u)) {
        const callee = unwrap(u.expression);
        const m = calleeMethod(u) ?? '';
        if (ts.isPropertyAccessExpression(callee) && (m === 'join' || m === 'concat' || m === 'trim' || m === 'replace' || m === 'toString')) {
          // [ 'a', `b ${x}` ].join(' '), conditions.join(' AND ') with conditions.push(…)
          const r = unwrap(callee.expression) as ts.Expression;
          const elems = (arr: ts.Node): void => {
            const a = unwrap(arr);
            if (ts.isArrayLiteralExpression(a)) for (const el of a.elements) collect(ts.isSpreadElement(el) ? el.expression : el, hits, text, seen, depth + 1, false);
          };
          if (ts.isArrayLiteralExpression(r)) elems(r);
          else if (ts.isIdentifier(r)) {
            for (const v of rd.assignedValues(r)) {
              if (ts.isArrayLiteralExpression(unwrap(v))) elems(v);
              else collect(v, hits, text, seen, depth + 1, false);
            }
            for (const p of rd.pushedValues(r)) collect(p, hits, text, seen, depth + 1, false);
          } else collect(r, hits, text, seen, depth + 1, false);
          if (m === 'concat') for (const a of u.arguments) span(a, 'concatenated', hits, text, seen, depth);
          return;
        }
        if (ts.isPropertyAccessExpression(callee) && (m === 'map' || m === 'flatMap')) {
          const fn = u.arguments[0] && unwrap(u.arguments[0]);
          if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && !ts.isBlock(fn.body)) collect(fn.body, hits, text, seen, depth + 1, false);
          return;
        }
      }
      if (top) {
        const o = taintOf(u);
        if (o) hits.push({ node: u, origin: o, form: 'passed' });
      }
    }

    function span(e: ts.Expression, form: 'interpolated' | 'concatenated', hits: Hit[], text: string[], seen: Set<ts.Node>, depth: number): void {
      const u = unwrap(e) as ts.Expression;
      const o = taintOf(u);
      if (o) {
        hits.push({ node: u, origin: o, form });
        return;
      }
      if (rd.origin(u)) return; // from the request but checked, escaped or coerced
      // a fragment built elsewhere: `${where}`, `${filters.join(' AND ')}`, `${cond ? `AND a = '${x}'` : ''}`
      if (ts.isIdentifier(u) || ts.isTemplateExpression(u) || ts.isConditionalExpression(u) || ts.isCallExpression(u) || ts.isBinaryExpression(u)) collect(u, hits, text, seen, depth + 1, false);
    }

    /** The literal text a SQL argument is built from (no taint analysis): decides cheaply whether it is SQL at all. */
    function literalText(e: ts.Node, out: string[], depth: number): void {
      const u = unwrap(e);
      if (depth > 6) return;
      if (ts.isStringLiteral(u) || ts.isNoSubstitutionTemplateLiteral(u)) out.push(u.text);
      else if (ts.isTemplateExpression(u)) {
        out.push(u.head.text);
        for (const s of u.templateSpans) {
          out.push(' ? ', s.literal.text);
          const x = unwrap(s.expression);
          if (!ts.isPropertyAccessExpression(x)) literalText(x, out, depth + 1);
        }
      } else if (ts.isBinaryExpression(u)) {
        literalText(u.left, out, depth + 1);
        literalText(u.right, out, depth + 1);
      } else if (ts.isConditionalExpression(u)) {
        literalText(u.whenTrue, out, depth + 1);
        literalText(u.whenFalse, out, depth + 1);
      } else if (ts.isIdentifier(u)) {
        for (const v of rd.assignedValues(u)) literalText(v, out, depth + 1);
        for (const v of rd.pushedValues(u)) literalText(v, out, depth + 1);
      } else if (ts.isArrayLiteralExpression(u)) {
        for (const el of u.elements) literalText(el, out, depth + 1);
      } else if (ts.isCallExpression(u) && ts.isPropertyAccessExpression(unwrap(u.expression))) {
        literalText((unwrap(u.expression) as ts.PropertyAccessExpression).expression, out, depth + 1);
        for (const a of u.arguments) literalText(a, out, depth + 1);
      }
    }

    function check(call: ts.CallExpression): void {
      const sink = sinkOf(call);
      if (!sink) return;
      if (sink.kind === 'query') {
        const lit: string[] = [];
        literalText(sink.arg, lit, 0);
        if (!SQL_TEXT.test(lit.join(''))) return;
      }
      const hits: Hit[] = [];
      const text: string[] = [];
      collect(sink.arg, hits, text, new Set(), 0, sink.kind === 'raw');
      if (!hits.length) return;
      if (sink.kind === 'query' && !SQL_TEXT.test(text.join(''))) return;
      if (sink.kind === 'builder') {
        const method = calleeMethod(call) ?? '';
        // `.orderBy(req.query.sort)` names a column TypeORM resolves; only a string built around the value is SQL
        if (!BUILDER_CONDITIONS.has(method) && hits.every((h) => h.form === 'passed')) return;
      }
      let fix: Fix | undefined = fixFor(ctx, call, sink, (drivers ??= detectDrivers(sf)));
      for (const h of hits) {
        if (reported.has(h.node)) continue;
        reported.add(h.node);
        ctx.report({ node: h.node, messageId: h.form, data: { source: h.origin.source, sink: sink.label() }, fix });
        fix = undefined;
      }
    }

    return {
      CallExpression(call: ts.CallExpression) {
        check(call);
      },
    };
  },
});

// -------------------------------------------------------------------------------------------- helpers

/** The value a check looks at, through `String(x)`, `x.toString()`, `x.toLowerCase()`, `x.trim()`, `x as T`. */
function checkedValue(e: ts.Node): ts.Node {
  let u = unwrap(e);
  for (let i = 0; i < 4 && ts.isCallExpression(u); i++) {
    const callee = unwrap(u.expression);
    if (ts.isIdentifier(callee) && callee.text === 'String' && u.arguments[0]) u = unwrap(u.arguments[0]);
    else if (ts.isPropertyAccessExpression(callee) && /^(toString|toLowerCase|toUpperCase|trim)$/.test(callee.name.text)) u = unwrap(callee.expression);
    else break;
  }
  return u;
}

/** `this.prisma.$queryRawUnsafe` → `prisma.$queryRawUnsafe`, `db.query` → `db.query`. */
function shortCallee(call: ts.CallExpression): string {
  const name = dottedName(call.expression);
  if (!name) return calleeMethod(call) ?? 'query';
  const segs = name.replace(/\(\)/g, '').split('.').filter((s) => s !== 'this');
  return segs.slice(-2).join('.');
}

function importsFrom(sf: ts.SourceFile, module: string, name: string): boolean {
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== module) continue;
    const b = st.importClause?.namedBindings;
    if (b && ts.isNamedImports(b) && b.elements.some((el) => el.name.text === name)) return true;
  }
  return false;
}

/** `repo.createQueryBuilder('u').where(…)`, `qb.andWhere(…)`, `this.dataSource.createQueryBuilder()…`. */
function isQueryBuilderChain(e: ts.Expression): boolean {
  let n: ts.Node = unwrap(e);
  for (let i = 0; i < 30; i++) {
    if (ts.isCallExpression(n)) {
      if (calleeMethod(n) === 'createQueryBuilder') return true;
      n = unwrap(n.expression);
    } else if (ts.isPropertyAccessExpression(n)) n = unwrap(n.expression);
    else break;
  }
  return ts.isIdentifier(n) && /^(qb|queryBuilder|builder|\w+QueryBuilder|\w+Qb)$/.test(n.text);
}

/**
 * A schema key that only admits safe values: `z.number()`, `z.coerce.number()`, `z.enum([...])`, `z.boolean()`,
 * `z.literal(…)`, `z.nativeEnum(…)`, `.uuid()`, `.int()`, `.regex(…)`. Looks at `z.object({ … })` schemas
 * written in the file (through `const Schema = z.object(…)`).
 */
function schemaKeyIsSafe(schema: ts.Expression, keys: readonly string[], rd: RequestData): boolean {
  let s: ts.Node = unwrap(schema);
  for (let i = 0; i < 4 && ts.isIdentifier(s); i++) {
    const v = rd.assignedValues(s)[0];
    if (!v) return false;
    s = unwrap(v);
  }
  let node: ts.Node | undefined = s;
  for (const key of keys) {
    const obj: ts.ObjectLiteralExpression | undefined = node && objectShape(node);
    const prop: ts.ObjectLiteralElementLike | undefined = obj && getProperty(obj, key);
    if (!prop || !ts.isPropertyAssignment(prop)) return false;
    node = prop.initializer;
  }
  if (!node || !keys.length) return false;
  const text = node.getText();
  return /\bz\s*\.\s*(coerce\s*\.\s*)?(number|boolean|enum|nativeEnum|literal|bigint|date)\s*\(|\.(uuid|int|cuid|cuid2|ulid|regex|datetime|ip)\s*\(|\b(Joi|joi)\s*\.\s*(number|boolean|valid)\s*\(|\.valid\s*\(|\b(yup)\s*\.\s*(number|boolean|mixed\(\)\.oneOf)\s*\(|\.oneOf\s*\(|\bt\s*\.\s*(Number|Boolean|Integer|Literal|Union)\s*\(|\bv\s*\.\s*(number|boolean|picklist|literal|enum_?)\s*\(/.test(text);
}

/** `z.object({ … })` (and `.strict()`, `.extend()` chains): the object literal of its shape. */
function objectShape(n: ts.Node): ts.ObjectLiteralExpression | undefined {
  let cur: ts.Node = unwrap(n);
  for (let i = 0; i < 10; i++) {
    if (!ts.isCallExpression(cur)) return undefined;
    const m = calleeMethod(cur);
    if ((m === 'object' || m === 'Object' || m === 'strictObject' || m === 'looseObject') && cur.arguments[0] && ts.isObjectLiteralExpression(unwrap(cur.arguments[0]))) {
      return unwrap(cur.arguments[0]) as ts.ObjectLiteralExpression;
    }
    const callee = unwrap(cur.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    cur = unwrap(callee.expression);
  }
  return undefined;
}

// -------------------------------------------------------------------------------------------- fixes

interface Drivers {
  /** placeholder style of `query(…)` for the drivers imported in the file */
  readonly query: 'pg' | 'mysql' | undefined;
  readonly knex: boolean;
  readonly drizzleSql: string | undefined;
}

function detectDrivers(sf: ts.SourceFile): Drivers {
  let pg = false;
  let mysql = false;
  let knex = false;
  let drizzleSql: string | undefined;
  for (const st of sf.statements) {
    let mod: string | undefined;
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      mod = st.moduleSpecifier.text;
      const b = st.importClause?.namedBindings;
      if (/^drizzle-orm(\/|$)/.test(mod) && b && ts.isNamedImports(b)) {
        for (const el of b.elements) if ((el.propertyName ?? el.name).text === 'sql') drizzleSql = el.name.text;
      }
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && unwrap(d.initializer);
        if (init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require') mod = stringValue(init.arguments[0]);
      }
    }
    if (!mod) continue;
    if (mod === 'pg' || mod === 'pg-pool' || mod === '@neondatabase/serverless' || mod === 'pg-promise') pg = true;
    if (mod === 'mysql' || mod === 'mysql2' || mod === 'mysql2/promise' || mod === 'mariadb' || mod === 'sqlite3' || mod === 'better-sqlite3' || mod === 'sqlite') mysql = true;
    if (mod === 'knex') knex = true;
  }
  return { query: pg && !mysql ? 'pg' : mysql && !pg ? 'mysql' : undefined, knex, drizzleSql };
}

/** Is every substitution of the template in a value position (`= ${x}`, `'${x}'`, `LIMIT ${n}`)? Returns the quote flags. */
function valuePositions(tpl: ts.TemplateExpression, sf: ts.SourceFile): boolean[] | undefined {
  const out: boolean[] = [];
  const text = sf.text;
  for (let i = 0; i < tpl.templateSpans.length; i++) {
    const s = tpl.templateSpans[i];
    const prev = i === 0 ? tpl.head : tpl.templateSpans[i - 1].literal;
    // raw text before `${` and after `}`
    const before = text.slice(prev.getStart(sf), s.expression.getFullStart()).replace(/\$\{\s*$/, '');
    const after = text.slice(s.literal.getStart(sf) + 1);
    const quoted = /'$/.test(before) && /^'/.test(after);
    if (quoted) {
      if (/''$/.test(before)) return undefined;
      out.push(true);
      continue;
    }
    if (/(=|<>|!=|<|>|\blimit|\boffset|\blike|\bilike)\s*$/i.test(before) && !/['"%]$/.test(before)) {
      out.push(false);
      continue;
    }
    return undefined;
  }
  return out;
}

/** The template's text with each substitution replaced by `placeholder(i)`, the quotes around quoted ones removed. */
function rewriteTemplate(tpl: ts.TemplateExpression, sf: ts.SourceFile, quoted: boolean[], placeholder: (i: number, expr: string) => string): string {
  const text = sf.text;
  let out = '';
  let cursor = tpl.getStart(sf);
  tpl.templateSpans.forEach((s, i) => {
    const dollar = text.lastIndexOf('${', s.expression.getStart(sf));
    const close = s.literal.getStart(sf); // the `}` that ends the substitution
    let chunk = text.slice(cursor, dollar);
    if (quoted[i]) chunk = chunk.slice(0, -1);
    out += chunk + placeholder(i, text.slice(s.expression.getStart(sf), s.expression.getEnd()));
    cursor = close + 1 + (quoted[i] ? 1 : 0);
  });
  out += text.slice(cursor, tpl.getEnd());
  return out;
}

/** The SQL argument of a fixable call, as literal pieces and substituted values. */
interface SqlText {
  readonly start: number;
  readonly end: number;
  readonly exprs: readonly string[];
  /** the raw text, to look for placeholders already written */
  readonly raw: string;
  /** a template with `${…}` for each value (tagged forms) */
  template(): string;
  /** a string with a placeholder for each value */
  placeholders(ph: (i: number) => string, ctx: RuleContext): string;
}

function templateText(tpl: ts.TemplateExpression, sf: ts.SourceFile): SqlText | undefined {
  const quoted = valuePositions(tpl, sf);
  if (!quoted) return undefined;
  return {
    start: tpl.getStart(sf),
    end: tpl.getEnd(),
    exprs: tpl.templateSpans.map((s) => sf.text.slice(s.expression.getStart(sf), s.expression.getEnd())),
    raw: sf.text.slice(tpl.getStart(sf), tpl.getEnd()),
    template: () => rewriteTemplate(tpl, sf, quoted, (_i, e) => `\${${e}}`),
    placeholders(ph, ctx) {
      const rewritten = rewriteTemplate(tpl, sf, quoted, (i) => ph(i));
      const inner = rewritten.slice(1, -1);
      const q = ctx.style.quote;
      // a one-line query becomes a plain string in the file's quotes; a multi-line one stays a template
      return !/[\r\n\\`]/.test(inner) && !inner.includes(q) && !inner.includes('${') ? `${q}${inner}${q}` : rewritten;
    },
  };
}

type Piece = { readonly lit: string } | { readonly expr: ts.Expression };

/** `'SELECT … = ' + id`, `"… = '" + name + "'"`: a left-to-right string concatenation starting with a literal. */
function concatText(e: ts.BinaryExpression, sf: ts.SourceFile): SqlText | undefined {
  const pieces: Piece[] = [];
  const flatten = (n: ts.Expression): boolean => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken) return flatten(n.left) && flatten(n.right);
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) pieces.push({ lit: n.text });
    else if (ts.isTemplateExpression(n)) {
      pieces.push({ lit: n.head.text });
      for (const sp of n.templateSpans) pieces.push({ expr: sp.expression }, { lit: sp.literal.text });
    } else pieces.push({ expr: n });
    return true;
  };
  flatten(e);
  if (!pieces.length || !('lit' in pieces[0])) return undefined;
  // merge adjacent literals; two values in a row cannot be told apart
  const merged: Piece[] = [];
  for (const p of pieces) {
    const last = merged[merged.length - 1];
    if ('lit' in p && last && 'lit' in last) merged[merged.length - 1] = { lit: last.lit + p.lit };
    else if ('expr' in p && last && 'expr' in last) return undefined;
    else merged.push(p);
  }
  const quoted: boolean[] = [];
  for (let i = 0; i < merged.length; i++) {
    const p = merged[i];
    if (!('expr' in p)) continue;
    const before = (merged[i - 1] as { lit: string }).lit;
    const next = merged[i + 1];
    const after = next && 'lit' in next ? next.lit : '';
    if (/'$/.test(before) && /^'/.test(after) && !/''$/.test(before)) quoted.push(true);
    else if (/(=|<>|!=|<|>|\blimit|\boffset|\blike|\bilike)\s*$/i.test(before) && !/^['"%]/.test(after)) quoted.push(false);
    else return undefined;
  }
  const render = (lit: (t: string) => string, value: (i: number, expr: ts.Expression) => string): string => {
    let out = '';
    let k = 0;
    let dropQuote = false;
    merged.forEach((p, i) => {
      if ('lit' in p) {
        let t = dropQuote ? p.lit.slice(1) : p.lit;
        dropQuote = false;
        const next = merged[i + 1];
        if (next && 'expr' in next && quoted[k]) t = t.slice(0, -1);
        out += lit(t);
      } else {
        out += value(k, p.expr);
        dropQuote = quoted[k];
        k++;
      }
    });
    return out;
  };
  const exprText = (x: ts.Expression) => sf.text.slice(x.getStart(sf), x.getEnd());
  const escTemplate = (t: string) => t.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return {
    start: e.getStart(sf),
    end: e.getEnd(),
    exprs: merged.filter((p): p is { expr: ts.Expression } => 'expr' in p).map((p) => exprText(p.expr)),
    raw: merged.map((p) => ('lit' in p ? p.lit : '')).join(''),
    template: () => `\`${render(escTemplate, (_i, x) => `\${${exprText(x)}}`)}\``,
    placeholders: (ph, ctx) => ctx.style.str(render((t) => t, (i) => ph(i))).replace(/\n/g, '\\n').replace(/\r/g, '\\r'),
  };
}

function fixFor(ctx: RuleContext, call: ts.CallExpression, sink: Sink, drivers: Drivers): Fix | undefined {
  const sf = ctx.sourceFile;
  if (call.arguments.length !== 1 || sink.arg !== call.arguments[0]) return undefined;
  const arg = sink.arg;
  const text = ts.isTemplateExpression(arg) ? templateText(arg, sf) : ts.isBinaryExpression(arg) ? concatText(arg, sf) : undefined;
  if (!text) return undefined;
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const recvText = sf.text.slice(callee.expression.getStart(sf), callee.expression.getEnd());
  /** `recv.method<T>(` + SQL + `)` → `recv.tag<T>` + template with `${…}` bound by the tag; comments kept. */
  const tagged = (calleeText: string, title: string): Fix => {
    const open = sf.text.indexOf('(', call.typeArguments ? call.typeArguments.end : callee.getEnd());
    // `(` and the blank space up to the template go; a comment in between stays
    const gap = sf.text.slice(open + 1, text.start);
    return {
      title,
      edits: [
        { start: callee.getStart(sf), end: callee.getEnd(), text: calleeText },
        { start: open, end: /^\s*$/.test(gap) ? text.start : open + 1, text: '' },
        { start: text.start, end: text.end, text: text.template() },
        { start: text.end, end: call.getEnd(), text: '' },
      ],
    };
  };
  if (method === '$queryRawUnsafe' || method === '$executeRawUnsafe') {
    const tag = method === '$queryRawUnsafe' ? '$queryRaw' : '$executeRaw';
    return tagged(`${recvText}.${tag}`, `Use the ${tag} tagged template, which binds the values`);
  }
  if (method === 'raw' && drivers.drizzleSql && ts.isIdentifier(callee.expression) && callee.expression.text === drivers.drizzleSql) {
    return tagged(recvText, 'Use the sql tagged template, which binds the values');
  }
  if (method === 'unsafe' && ts.isIdentifier(callee.expression) && callee.expression.text === 'sql' && !drivers.drizzleSql) {
    return tagged(recvText, 'Use the sql tagged template, which binds the values');
  }
  // placeholders and a values array
  let style: 'pg' | 'mysql' | undefined;
  const sequelize = method === 'query' && /sequelize/i.test(recvText);
  if ((method === 'raw' && (drivers.knex || /knex|trx/i.test(recvText))) || RAW_METHODS.has(method) || sequelize) style = 'mysql';
  else if (method === 'query') style = drivers.query;
  else if (method === 'execute' && drivers.query === 'mysql') style = 'mysql';
  if (!style) return undefined;
  if ((style === 'pg' && /\$\d/.test(text.raw)) || (style === 'mysql' && /\?/.test(text.raw))) return undefined;
  const literal = text.placeholders((i) => (style === 'pg' ? `$${i + 1}` : '?'), ctx);
  const values = `[${text.exprs.join(', ')}]`;
  return {
    title: FIX_PARAMS,
    edits: [
      { start: text.start, end: text.end, text: literal },
      { start: text.end, end: text.end, text: sequelize ? `, { replacements: ${values} }` : `, ${values}` },
    ],
  };
}
