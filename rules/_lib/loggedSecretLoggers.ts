/**
 * Is this call a log call? Shared shape for rules about what code writes to logs (logged-secret; usable by
 * console-in-production). Only known logger receivers count, so `Math.log(2)` or `chart.log(x)` never do:
 *   console.*, `logger`/`log`/`Logger` (Nest's static logger), any `…Logger`/`…_logger`/`LOGGER` binding,
 *   `this.logger`, `x.logger`, `req.log`/`fastify.log`/`app.log` (any `x.log`), `logger.child(…)`,
 *   and bindings created in the file by a logger factory (pino(), winston.createLogger(), bunyan.createLogger(),
 *   new Logger(), getLogger(), `<logger>.child()`), whatever their name.
 */
import { dottedName, staticName, stringValue, ts, unwrap, type CodeNames } from '../../server/src/engine/api';

/** Methods of console and of the common loggers (pino, winston, bunyan, Nest, log4js, loglevel). */
export const LOG_METHODS: ReadonlySet<string> = new Set([
  'log',
  'info',
  'debug',
  'warn',
  'warning',
  'error',
  'trace',
  'fatal',
  'verbose',
  'silly',
  'http',
  'notice',
  'critical',
  'crit',
  'alert',
  'emerg',
  'dir',
  'table',
]);

/**
 * Can the file hold a `logCall`, by its names (a `codeHint`)? A method of LOG_METHODS, and a receiver `logCall`
 * accepts: `console`, a conventional name (`logger`, `log`, `LOG`…; the `…Logger`, `…_logger`, `…_LOGGER` ones by
 * the text, as any name may end so), or a binding of a logger factory (`pino`, `createLogger`, `getLogger`,
 * `Logger`; `<logger>.child()` needs a conventional name already).
 */
export function mayHaveLogCall(ids: CodeNames, text: string): boolean {
  let method = false;
  for (const m of LOG_METHODS) {
    if (ids.has(m)) {
      method = true;
      break;
    }
  }
  if (!method) return false;
  return (
    ids.has('console') ||
    ids.has('logger') ||
    ids.has('log') ||
    ids.has('Logger') ||
    ids.has('LOGGER') ||
    ids.has('LOG') ||
    ids.has('pino') ||
    ids.has('createLogger') ||
    ids.has('getLogger') ||
    text.includes('Logger') ||
    text.includes('_logger') ||
    text.includes('_LOGGER')
  );
}

/** Callees that create a logger: `pino()`, `winston.createLogger()`, `bunyan.createLogger()`, `new Logger()`, `x.child()`. */
const FACTORY = /(^|\.)(pino|createLogger|getLogger|Logger|child)$/;

/** A receiver name that is a logger by convention. */
const CONVENTIONAL = /(^|\.)(console|logger|log|Logger|LOGGER|LOG|_logger|\w+Logger|\w+_logger|\w+_LOGGER)$/;

export interface LogCall {
  /** the receiver as written, `console`, `this.logger`, `req.log` */
  readonly receiver: string;
  readonly method: string;
  readonly isConsole: boolean;
}

/** Logger bindings created in a file: name (`logger`, `this.logger` for class fields) → its creating call. */
export class LoggerBindings {
  private readonly created = new Map<string, ts.CallExpression | ts.NewExpression>();

  /** Record `name = <factory call>` if the call creates a logger; returns whether it did. */
  add(name: string, init: ts.Node | undefined): boolean {
    const call = init && loggerFactory(init);
    if (!call) return false;
    this.created.set(name, call);
    return true;
  }

  has(name: string): boolean {
    return this.created.has(name);
  }

  /** The creating call of a declared logger (`pino({...})`, `logger.child({...})`). */
  creation(name: string): ts.CallExpression | ts.NewExpression | undefined {
    return this.created.get(name);
  }

  /** Collect top-level `const x = pino()` and class fields `private logger = new Logger()` (as `this.logger`). */
  static ofFile(sf: ts.SourceFile): LoggerBindings {
    const b = new LoggerBindings();
    for (const st of sf.statements) {
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) b.add(d.name.text, d.initializer);
      } else if (ts.isClassDeclaration(st) || (ts.isExportAssignment(st) && ts.isClassExpression(st.expression))) {
        const cls = ts.isClassDeclaration(st) ? st : (st.expression as ts.ClassExpression);
        for (const m of cls.members) {
          const name = ts.isPropertyDeclaration(m) ? staticName(m.name) : undefined;
          if (name && ts.isPropertyDeclaration(m)) b.add(`this.${name}`, m.initializer);
        }
      }
    }
    return b;
  }
}

/** The logger-creating call of an initializer, if it is one. */
export function loggerFactory(init: ts.Node): ts.CallExpression | ts.NewExpression | undefined {
  const n = unwrap(init);
  if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) return undefined;
  const callee = dottedName(n.expression);
  if (!callee || !FACTORY.test(callee)) return undefined;
  // `x.child()` creates a logger only when x is one (`logger.child`, `this.logger.child`)
  if (/(^|\.)child$/.test(callee) && !CONVENTIONAL.test(callee.slice(0, -'.child'.length))) return undefined;
  return n;
}

/** Is `call` a call of a logging method on a known logger receiver? */
export function logCall(call: ts.CallExpression, bindings?: LoggerBindings): LogCall | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (!LOG_METHODS.has(method)) return undefined;
  const receiver = dottedName(callee.expression);
  if (!receiver) return undefined;
  if (receiver === 'console') return { receiver, method, isConsole: true };
  if (CONVENTIONAL.test(receiver) || bindings?.has(receiver)) return { receiver, method, isConsole: false };
  // `logger.child({ reqId }).info(...)`
  if (/\.child\(\)$/.test(receiver) && (CONVENTIONAL.test(receiver.slice(0, -'.child()'.length)) || bindings?.has(receiver.slice(0, -'.child()'.length)))) {
    return { receiver, method, isConsole: false };
  }
  return undefined;
}

/**
 * pino's `redact` paths from a logger-creating call's options: `pino({ redact: ['a', 'b.c'] })`,
 * `pino({ redact: { paths: [...] } })`. Undefined when the call has no `redact` option.
 */
export function redactPaths(call: ts.CallExpression | ts.NewExpression): string[] | undefined {
  for (const arg of call.arguments ?? []) {
    const o = unwrap(arg);
    if (!ts.isObjectLiteralExpression(o)) continue;
    for (const p of o.properties) {
      if (ts.isPropertyAssignment(p) && staticName(p.name) === 'redact') return redactValue(p.initializer);
    }
  }
  return undefined;
}

/** The paths of a `redact:` value: an array of strings, or `{ paths: [...] }`. */
export function redactValue(value: ts.Expression): string[] {
  let v = unwrap(value);
  if (ts.isObjectLiteralExpression(v)) {
    const paths = v.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && staticName(p.name) === 'paths');
    if (!paths) return [];
    v = unwrap(paths.initializer);
  }
  if (!ts.isArrayLiteralExpression(v)) return [];
  const out: string[] = [];
  for (const el of v.elements) {
    const s = stringValue(el);
    if (s) out.push(normalizeRedactPath(s));
  }
  return out;
}

/** `req.headers["x-api-key"]` → `req.headers.x-api-key`; `a['b'].c` → `a.b.c`. */
export function normalizeRedactPath(p: string): string {
  return p.replace(/\[\s*["']([^"']*)["']\s*\]/g, '.$1').replace(/\[\s*\*\s*\]/g, '.*');
}

/** Does a pino redact path cover an object path? Same depth, `*` matches one segment. */
export function redactCovers(redactPath: string, objectPath: string): boolean {
  const r = redactPath.split('.');
  const o = objectPath.split('.');
  if (r.length !== o.length) return false;
  return r.every((seg, i) => seg === '*' || seg === o[i]);
}
