import { defineRule, dottedName, ts, unwrap, type Fix, type RuleContext } from '../../server/src/engine/api';
import { inServerFunction, runtimeSide } from '../_lib/runtimeSide';

/** The logger's own implementation: `logger.ts`, `logging/`, `loggers/`. */
const LOGGER_PATH = /(^|\/)(loggers?|logging)(\/|\.[a-z]+$)/i;

const LEVEL: Record<string, string> = { log: 'info', info: 'info', debug: 'debug', trace: 'trace', dir: 'debug', warn: 'warn' };

/** The name of an application logger bound at the top of the file (imported or created), if any. */
function loggerBinding(sf: ts.SourceFile): string | undefined {
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const c = st.importClause;
      const names = [c?.name?.text, ...(c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements.map((e) => e.name.text) : [])];
      const found = names.find((n) => n === 'logger' || n === 'log');
      if (found) return found;
    }
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !/^(logger|log)$/.test(d.name.text) || !d.initializer) continue;
        const init = unwrap(d.initializer);
        const callee = ts.isCallExpression(init) || ts.isNewExpression(init) ? dottedName(init.expression) ?? '' : '';
        if (/(^|\.)(pino|createLogger|getLogger|Logger|child)$|^require\(\)$/.test(callee)) return d.name.text;
      }
    }
  }
  return undefined;
}

export default defineRule({
  id: 'console-in-production',
  title: 'console output in server code',
  summary: 'Server runtime code writes with console.log/info/debug/warn instead of the application logger.',
  severity: 'info',
  kinds: ['code'],
  scope: 'file',
  checklist: '003 §5.3',
  fixable: true,
  hasSuggestions: false,
  messages: {
    console: 'console.{{method}}() in server code bypasses the application logger (levels, structure, redaction).',
  },
  // a `console.<method>` call (the names `console` and a method of LEVEL), outside an executable script (`#!`) and
  // outside the logger's own implementation (its path), the two exclusions check() makes without the package
  codeHint: (ids, text, { path }) =>
    ids.has('console') &&
    (ids.has('log') || ids.has('info') || ids.has('debug') || ids.has('trace') || ids.has('dir') || ids.has('warn')) &&
    !text.startsWith('#!') &&
    !LOGGER_PATH.test(path),
  check(ctx) {
    const sf = ctx.sourceFile;
    // one-off CLIs and seeds (scripts/, bin/), CLI packages (package.json bin): stdout is their output
    // (a file with a shebang is an executable script too)
    if (ctx.file.roles.script || ctx.packageJson?.hasBin || ctx.file.text.startsWith('#!')) return;
    // the logger's own implementation writes to the console on purpose
    if (LOGGER_PATH.test(ctx.file.path)) return;
    const side = runtimeSide(sf, ctx.file.path, ctx.packageJson);
    if (side === 'browser') return;
    let logger: string | null | undefined;
    return {
      CallExpression(node: ts.CallExpression) {
        const callee = unwrap(node.expression);
        if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== 'console') return;
        const method = callee.name.text;
        if (!(method in LEVEL)) return;
        if (side === 'mixed' && !inServerFunction(node)) return;
        if (logger === undefined) logger = loggerBinding(sf) ?? null;
        ctx.report({ node, messageId: 'console', data: { method }, fix: logger ? loggerFix(ctx, callee, logger, LEVEL[method]) : undefined });
      },
    };
  },
});

function loggerFix(ctx: RuleContext, callee: ts.PropertyAccessExpression, logger: string, level: string): Fix {
  return { title: `Use ${logger}.${level}()`, edits: [{ start: callee.getStart(ctx.sourceFile), end: callee.getEnd(), text: `${logger}.${level}` }] };
}
