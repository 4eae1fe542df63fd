import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { kindEntryForPath } from './classify';

/** Folders never worth entering: dependencies, VCS data, build output, caches. */
export const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'build',
  'out',
  '.next',
  '.nuxt',
  '.output',
  '.svelte-kit',
  '.vercel',
  '.netlify',
  '.turbo',
  '.cache',
  '.parcel-cache',
  'coverage',
  '.nyc_output',
  'bower_components',
  'vendor',
  'generated',
  '__generated__',
  '.yarn',
  '.pnpm-store',
  'storybook-static',
  '.docusaurus',
  '.expo',
  '.angular',
  'tmp',
  '.terraform',
]);

export interface WalkIssue {
  readonly path: string;
  readonly message: string;
}

interface IgnoreLayer {
  readonly dir: string;
  readonly ig: Ignore;
}

function readIgnore(dir: string): Ignore | undefined {
  const file = path.join(dir, '.gitignore');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return ignore({ allowRelativePaths: true }).add(text);
}

function ignoredBy(layers: readonly IgnoreLayer[], abs: string, isDir: boolean): boolean {
  for (const l of layers) {
    // abs is under each layer's folder (layers are the walked folder's ancestors): a slice, not path.relative
    let rel = abs.startsWith(l.dir + path.sep) ? abs.slice(l.dir.length + 1) : path.relative(l.dir, abs);
    if (path.sep !== '/') rel = rel.split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (isDir) rel += '/';
    if (l.ig.ignores(rel)) return true;
  }
  return false;
}

/** .gitignore files of the ancestors of `dir` up to (and including) the enclosing git root. */
function ancestorLayers(dir: string): IgnoreLayer[] {
  const chain: string[] = [];
  let d = path.dirname(dir);
  for (;;) {
    chain.push(d);
    if (fs.existsSync(path.join(d, '.git'))) break;
    const up = path.dirname(d);
    if (up === d) return []; // not inside a git repository: parents' .gitignore files do not apply
    d = up;
  }
  const layers: IgnoreLayer[] = [];
  for (const c of chain.reverse()) {
    const ig = readIgnore(c);
    if (ig) layers.push({ dir: c, ig });
  }
  return layers;
}

/**
 * Every file under the given paths that the file-kind table could classify, honouring .gitignore files
 * (nested ones too), skipping dependency and build folders and symbolic links to folders.
 * Files named explicitly are always included (when their kind is known).
 */
export function walkFiles(paths: readonly string[], cwd: string, issues: WalkIssue[] = []): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      issues.push({ path: p, message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String((e as Error).message) });
      continue;
    }
    if (st.isFile()) {
      out.add(abs);
      continue;
    }
    if (!st.isDirectory()) continue;
    const layers = ancestorLayers(abs);
    walkDir(abs, abs, layers, out, issues, new Set());
  }
  return [...out].sort();
}

function walkDir(dir: string, root: string, layers: IgnoreLayer[], out: Set<string>, issues: WalkIssue[], seen: Set<string>): void {
  let real: string;
  try {
    real = fs.realpathSync.native(dir); // one syscall (the JS realpath lstat()s every segment of the path)
  } catch {
    return;
  }
  if (seen.has(real)) return;
  seen.add(real);
  const own = readIgnore(dir);
  const here = own ? [...layers, { dir, ig: own }] : layers;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    issues.push({ path: dir, message: `cannot read folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const ent of entries) {
    const abs = path.join(dir, ent.name);
    if (ent.isDirectory()) {
      if (SKIP_DIRS.has(ent.name)) continue;
      if (ignoredBy(here, abs, true)) continue;
      walkDir(abs, root, here, out, issues, seen);
    } else if (ent.isFile() || ent.isSymbolicLink()) {
      if (ent.isSymbolicLink()) {
        // Follow links to files only; links to folders could loop.
        try {
          if (!fs.statSync(abs).isFile()) continue;
        } catch {
          continue;
        }
      }
      // abs = dir + sep + name and dir is root or under it: the relative path is a slice (path.relative resolves both)
      const relNative = abs.startsWith(root + path.sep) ? abs.slice(root.length + 1) : path.relative(root, abs);
      const rel = path.sep === '/' ? relNative : relNative.split(path.sep).join('/');
      if (!kindEntryForPath(rel)) continue;
      if (/\.min\.(js|mjs|cjs)$/.test(ent.name)) continue;
      if (ignoredBy(here, abs, false)) continue;
      out.add(abs);
    }
  }
}

/** Files larger than this are not hand-written code or config (semgrep's default cap is 1 MB). */
export const MAX_FILE_CHARS = 2_000_000;

/** A file too large to be worth reading, told from its size on disk (so it is never read into memory). */
export function sizeSkipReason(absPath: string): string | undefined {
  try {
    return fs.statSync(absPath).size > MAX_FILE_CHARS * 2 ? `larger than ${MAX_FILE_CHARS / 1_000_000} MB` : undefined;
  } catch {
    return undefined; // the read reports it
  }
}

/** A leading comment that says the file is generated, or text that is too large, minified or binary. */
export function skipReason(text: string): string | undefined {
  if (text.length > MAX_FILE_CHARS) return `larger than ${MAX_FILE_CHARS / 1_000_000} MB`;
  const head = text.slice(0, 8192);
  if (head.includes('\u0000')) return 'binary';
  if (/^(?:\s*(?:\/\/|\/\*|\*|#)[^\n]*\n)*\s*(?:\/\/|\/\*|\*|#)[^\n]*(@generated|do not edit|auto-?generated|generated by|generated from \S+ by|this file was generated|code generated)/i.test(head.slice(0, 2048))) {
    return 'generated';
  }
  if (text.length > 2000) {
    let lines = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
    if (text.length / lines > 400) return 'minified';
  }
  return undefined;
}
