/**
 * Where does a module's code run: in a browser, on a server, or both (a Remix route / Next page module whose
 * loaders run on the server and whose component runs in the browser)? Syntax, the path and the nearest
 * package.json decide. Used by rules whose checklist item is about server code (missing-timeout,
 * logged-secret).
 */
import { hasDirective, isUseClient, someDescendant, ts, type PackageInfo } from '../../server/src/engine/api';

export type Side = 'browser' | 'server' | 'mixed';

/** Folders whose code runs in the browser. */
const BROWSER_DIRS = new Set(['components', 'hooks', 'client', 'frontend', 'browser', 'public', 'static', 'ui', 'widgets', 'views', 'stores', 'store', 'contexts']);
const BROWSER_PACKAGES = /^(react|react-dom|vue|svelte|@angular\/core|solid-js|preact|@tanstack\/react-query|swr|react-router|react-router-dom|@remix-run\/react|next\/navigation|next\/router)$/;
const SERVER_PACKAGES = /^(node:|express$|fastify$|koa$|@nestjs\/|next\/server$|next\/headers$|@remix-run\/node$|http$|https$|fs$|child_process$|bullmq$|pg$|ioredis$|@prisma\/client$)/;
const UI_DEPS = ['react', 'react-dom', 'vue', 'svelte', '@angular/core', 'solid-js', 'preact'];
/** Full-stack frameworks: their packages mix server and browser modules, decided file by file. */
const FULLSTACK_DEPS = ['next', '@remix-run/node', '@remix-run/server-runtime', '@remix-run/react', '@sveltejs/kit', 'nuxt', 'astro', '@nestjs/core', 'react-router'];
/** Functions of a mixed module that run on the server. */
const SERVER_FUNCTIONS = /^(loader|action|getServerSideProps|getStaticProps|getStaticPaths|generateMetadata|generateStaticParams|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|load)$/;

function importedPackages(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) out.push(st.moduleSpecifier.text);
  }
  return out;
}

function hasJsx(sf: ts.SourceFile): boolean {
  if (!/\.(tsx|jsx|js)$/.test(sf.fileName)) return false;
  // JSX needs a closing tag or a self-closing one: skip the walk for files without either
  if (!sf.text.includes('</') && !sf.text.includes('/>')) return false;
  return someDescendant(sf, (n) => ts.isJsxElement(n) || ts.isJsxSelfClosingElement(n) || ts.isJsxFragment(n));
}

/** Server code: route handlers, server actions, server folders, `.server.` modules, server-only imports. */
function serverMarkers(sf: ts.SourceFile, path: string, pkgs: readonly string[]): boolean {
  // Next/Nuxt API routes, server folders and server packages of a monorepo; a SPA's `src/api/` is client code.
  if (/(^|\/)(pages|app)\/api\//.test(path)) return true;
  if (/(^|\/)(server|servers|backend|worker|workers|lambda|functions)(\/|$)/.test(path)) return true;
  if (/(^|\/)(apps|services|packages)\/(api|server|backend|worker)[\w-]*\//.test(path)) return true;
  if (/\.server\.[a-z]+$|(^|\/)route\.[a-z]+$|(^|\/)\+server\.[a-z]+$|(^|\/)\+page\.server\.[a-z]+$/.test(path)) return true;
  if (pkgs.some((p) => SERVER_PACKAGES.test(p))) return true;
  return hasDirective(sf, 'use server');
}

/**
 * `'use client'` → browser; a front-end package (React/Vue/… without a full-stack framework) → browser unless
 * the module shows server markers; UI modules (JSX, UI-framework imports) with server markers → mixed, without →
 * browser; server markers → server; UI folders and window/document use → browser; anything else → server.
 */
const memo = new WeakMap<ts.SourceFile, Side>();

export function runtimeSide(sf: ts.SourceFile, path: string, pkg: PackageInfo | undefined): Side {
  let side = memo.get(sf);
  if (!side) memo.set(sf, (side = computeSide(sf, path, pkg)));
  return side;
}

function computeSide(sf: ts.SourceFile, path: string, pkg: PackageInfo | undefined): Side {
  if (isUseClient(sf)) return 'browser';
  const pkgs = importedPackages(sf);
  const server = serverMarkers(sf, path, pkgs);
  if (pkg && UI_DEPS.some((d) => pkg.dependencies.has(d)) && !FULLSTACK_DEPS.some((d) => pkg.dependencies.has(d))) {
    return server ? 'server' : 'browser';
  }
  const ui = pkgs.some((p) => BROWSER_PACKAGES.test(p)) || hasJsx(sf);
  if (ui) return server ? 'mixed' : 'browser';
  if (server) return 'server';
  const dirs = path.split('/').slice(0, -1);
  if (dirs.some((d) => BROWSER_DIRS.has(d.toLowerCase()))) return 'browser';
  if (/\b(window|document|localStorage|sessionStorage|navigator)\s*\./.test(sf.text)) return 'browser';
  return 'server';
}

/** In a mixed module: is the node inside a loader, action or route handler? */
export function inServerFunction(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isFunctionDeclaration(n) && n.name && SERVER_FUNCTIONS.test(n.name.text)) return true;
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && ts.isVariableDeclaration(n.parent) && ts.isIdentifier(n.parent.name) && SERVER_FUNCTIONS.test(n.parent.name.text)) return true;
  }
  return false;
}
