/**
 * Env-read shapes: how real code reads an environment variable. Used by fallback-secret, open-cors,
 * hardcoded-localhost and friends. Syntax only: names are resolved within the file.
 */
import { ts, dottedName, staticName, stringValue, unwrap, type CodeNames } from '../../server/src/engine/api';

/** Receivers of `<x>.get('X')` that `envRead` takes for a config service, as they are usually written (it matches them in any case). */
const CONFIG_RECEIVERS = ['config', 'Config', 'CONFIG', 'configService', 'ConfigService', 'appConfig', 'AppConfig', 'cfg', 'CFG', 'Env'];
/** The same receivers in any case, as whole words (each found is then looked up as a name). */
const CONFIG_RECEIVER_WORDS = /\b(?:(?:app)?config(?:service)?|cfg|env)\b/gi;
/** The module specifier of an env module (`envModuleImports`), from its opening quote or last slash to its closing quote. */
const ENV_MODULE_SPECIFIER = /[/'"]env(?:\.(?:server|mjs|js|ts|cjs|mts))*['"]/;

/**
 * Can the file read an env variable the way `envRead` and `isEnvObject` see it (with `envAliases`,
 * `envModuleImports` and `envStaticImports`), by its names (a `codeHint`)? `env` (`process.env`, `import.meta.env`,
 * `Bun.env`, `Deno.env.get`, `{ env }` and `const env = process.env` aliases, `env.get()`, `env()`), the env-module
 * exports `serverEnv`/`ENV`, SvelteKit's `$env/static/*` modules, the getters (`getEnv`, `readEnv`…); a config
 * service's `.get()` (its receiver in any case: the usual spellings by name, the rest found in the text and looked up); and a default
 * import of an env module (`import config from '~/env'`: any name, so its specifier in the text).
 */
export function mayReadEnv(ids: CodeNames, text: string): boolean {
  if (ids.has('env') || ids.has('serverEnv') || ids.has('ENV') || ids.has('$env/static/private') || ids.has('$env/static/public')) return true;
  if (ids.has('getEnv') || ids.has('readEnv') || ids.has('getEnvVar') || ids.has('getEnvironmentVariable')) return true;
  if (ids.has('get')) {
    for (const n of CONFIG_RECEIVERS) if (ids.has(n)) return true;
    if (someWordIsName(ids, text, CONFIG_RECEIVER_WORDS)) return true;
  }
  return ENV_MODULE_SPECIFIER.test(text);
}

/** Is some match of the global `words` in the text also a name of the file (not only a string or a comment)? */
function someWordIsName(ids: CodeNames, text: string, words: RegExp): boolean {
  words.lastIndex = 0;
  let found = false;
  for (let m = words.exec(text); m && !found; m = words.exec(text)) found = ids.has(m[0]);
  words.lastIndex = 0;
  return found;
}

export interface EnvRead {
  /** the variable name, when static (`process.env.JWT_SECRET` → JWT_SECRET) */
  readonly name: string | undefined;
  readonly node: ts.Expression;
}

/** Identifiers bound to the env object in this file: `const { env } = process`, `import { env } from '$env/dynamic/private'`. */
export function envAliases(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const mod = st.moduleSpecifier.text;
      const b = st.importClause?.namedBindings;
      if ((mod === '$env/dynamic/private' || mod === '$env/dynamic/public' || mod === 'process' || mod === 'node:process') && b && ts.isNamedImports(b)) {
        for (const el of b.elements) if ((el.propertyName ?? el.name).text === 'env') names.add(el.name.text);
      }
      if ((mod === 'process' || mod === 'node:process') && st.importClause?.name) {
        // import process from 'node:process' → process.env is handled by the generic shape
      }
    }
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) collectAlias(d, names);
    }
  }
  return names;
}

/**
 * Variables imported one by one from SvelteKit's static env modules:
 * `import { JWT_SECRET } from '$env/static/private'` → JWT_SECRET ↦ JWT_SECRET (local name ↦ variable name).
 */
export function envStaticImports(sf: ts.SourceFile): Map<string, string> {
  const out = new Map<string, string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    if (!/^\$env\/static\/(private|public)$/.test(st.moduleSpecifier.text)) continue;
    const b = st.importClause?.namedBindings;
    if (b && ts.isNamedImports(b)) for (const el of b.elements) out.set(el.name.text, (el.propertyName ?? el.name).text);
  }
  return out;
}

/**
 * Validated env objects imported from the project's env module: `import { env } from '~/env.server'`,
 * `'@/lib/env'`, `'./env.mjs'` (t3-env, envalid, zod-parsed `process.env`), and unjs `std-env`. Their
 * properties are env variables too. Kept apart from `envAliases` so callers opt in.
 */
export function envModuleImports(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.importClause?.isTypeOnly) continue;
    const mod = st.moduleSpecifier.text;
    if (mod !== 'std-env' && !/(^|\/)env(\.(server|mjs|js|ts|cjs|mts))*$/.test(mod)) continue;
    const clause = st.importClause;
    if (clause?.name && mod !== 'std-env') names.add(clause.name.text);
    const b = clause?.namedBindings;
    if (b && ts.isNamedImports(b)) {
      for (const el of b.elements) if (!el.isTypeOnly && /^(env|serverEnv|ENV)$/.test((el.propertyName ?? el.name).text)) names.add(el.name.text);
    }
  }
  return names;
}

function collectAlias(d: ts.VariableDeclaration, names: Set<string>): void {
  if (!d.initializer) return;
  const init = unwrap(d.initializer);
  // const { env } = process  /  const { env: e } = process
  if (ts.isObjectBindingPattern(d.name) && ts.isIdentifier(init) && init.text === 'process') {
    for (const el of d.name.elements) {
      if (staticName(el.propertyName ?? el.name) === 'env' && ts.isIdentifier(el.name)) names.add(el.name.text);
    }
  }
  // const env = process.env  /  const env = import.meta.env
  if (ts.isIdentifier(d.name) && isEnvObject(init, new Set())) names.add(d.name.text);
}

/** `process.env`, `import.meta.env`, `Bun.env`, `globalThis.process.env`, or an alias of one of them. */
export function isEnvObject(node: ts.Node, aliases: ReadonlySet<string>): boolean {
  const n = unwrap(node);
  if (ts.isIdentifier(n)) return aliases.has(n.text);
  if (ts.isPropertyAccessExpression(n) && n.name.text === 'env') {
    const obj = unwrap(n.expression);
    if (ts.isMetaProperty(obj)) return true; // import.meta.env
    const name = dottedName(obj);
    return name === 'process' || name === 'globalThis.process' || name === 'Bun' || name === 'global.process';
  }
  return false;
}

/**
 * If `node` reads an env variable, which one: `process.env.X`, `process.env['X']`, `env.X` (alias),
 * `import.meta.env.X`, `Deno.env.get('X')`, `Bun.env.X`, `configService.get('X')` / `config.get('X')`
 * (NestJS ConfigService and similar), AdonisJS `Env.get('X')`, `getEnv('X')`/`requireEnv('X')`-style helpers,
 * and with `statics` (from `envStaticImports`) SvelteKit's `$env/static/*` imports.
 */
export function envRead(node: ts.Node, aliases: ReadonlySet<string>, statics?: ReadonlyMap<string, string>): EnvRead | undefined {
  const n = unwrap(node) as ts.Expression;
  if (statics && ts.isIdentifier(n) && statics.has(n.text)) return { name: statics.get(n.text), node: n };
  if (ts.isPropertyAccessExpression(n) && isEnvObject(n.expression, aliases)) return { name: n.name.text, node: n };
  if (ts.isElementAccessExpression(n) && isEnvObject(n.expression, aliases)) {
    return { name: staticName(n.argumentExpression), node: n };
  }
  if (ts.isCallExpression(n)) {
    const callee = dottedName(n.expression);
    const arg0 = n.arguments[0];
    if (!callee || !arg0) return undefined;
    if (callee === 'Deno.env.get') return { name: stringValue(arg0), node: n };
    // NestJS ConfigService: this.configService.get('X'), configService.getOrThrow is not a fallback shape;
    // AdonisJS: Env.get('X', default)
    if (/(^|\.)(configService|config|appConfig|cfg|ConfigService|env)\.get$/i.test(callee) && stringValue(arg0) !== undefined) {
      return { name: stringValue(arg0), node: n };
    }
    if (/(^|\.)(getEnv|env|readEnv|getEnvVar|getEnvironmentVariable)$/.test(callee) && stringValue(arg0) !== undefined) {
      return { name: stringValue(arg0), node: n };
    }
  }
  return undefined;
}
