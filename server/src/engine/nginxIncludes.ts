/**
 * nginx `include` resolution inside the project: `include snippets/ssl.conf;`, `include conf.d/*.conf;`,
 * `include /etc/nginx/conf.d/*.conf;`. nginx resolves relative paths against its prefix, which in a repository
 * is the folder holding nginx.conf or one of its parents; so a pattern is tried against the including file's
 * folder and each parent up to the project root, and an absolute one by its trailing segments. Files outside
 * the project are never read. Included files are parsed once and cached (by path and mtime).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Minimatch } from 'minimatch';
import { parseNginx, type NginxDirective } from './nginxConf';

const MAX_FILES = 64;

export class NginxIncludes {
  private readonly cache = new Map<string, { mtimeMs: number; directives: readonly NginxDirective[] }>();

  resolve(include: NginxDirective, fromAbs: string, root: string | undefined): readonly NginxDirective[] {
    if (include.name !== 'include' || !include.args.length || !root || !fromAbs) return [];
    const pattern = include.args[0].value;
    if (/\$/.test(pattern)) return [];
    const out: NginxDirective[] = [];
    for (const file of this.files(pattern, path.dirname(fromAbs), path.resolve(root))) {
      if (path.resolve(file) === path.resolve(fromAbs)) continue;
      out.push(...this.parse(file));
      if (out.length > 10_000) break;
    }
    return out;
  }

  clear(): void {
    this.cache.clear();
  }

  private parse(file: string): readonly NginxDirective[] {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      return [];
    }
    if (!st.isFile() || st.size > 4 * 1024 * 1024) return [];
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs) return hit.directives;
    let directives: readonly NginxDirective[] = [];
    try {
      directives = parseNginx(fs.readFileSync(file, 'utf8')).directives;
    } catch {
      directives = [];
    }
    this.cache.set(file, { mtimeMs: st.mtimeMs, directives });
    return directives;
  }

  /** Files matching the pattern, tried against the folder and its parents up to the root. */
  private files(pattern: string, fromDir: string, root: string): string[] {
    const inside = (p: string): boolean => {
      const rel = path.relative(root, p);
      return !rel.startsWith('..') && !path.isAbsolute(rel);
    };
    const rel = pattern.replace(/^\/+/, '');
    const segments = rel.split('/');
    for (let dir = fromDir; inside(dir); dir = path.dirname(dir)) {
      // absolute patterns: `/etc/nginx/conf.d/*.conf` is tried as `conf.d/*.conf`, `nginx/conf.d/*.conf`, …
      // (longest first, and never the bare file name of a pattern that names folders)
      const tails = pattern.startsWith('/') ? segments.map((_, k) => segments.slice(k).join('/')).slice(0, Math.max(1, segments.length - 1)) : [rel];
      for (const tail of tails) {
        const found = this.glob(dir, tail, root);
        if (found.length) return found.slice(0, MAX_FILES);
      }
      if (dir === root || path.dirname(dir) === dir) break;
    }
    return [];
  }

  private glob(base: string, pattern: string, root: string): string[] {
    if (!/[*?[]/.test(pattern)) {
      const p = path.join(base, pattern);
      return fs.existsSync(p) && path.relative(root, p).split(path.sep)[0] !== '..' ? [p] : [];
    }
    // a glob in the last segment only (nginx's own use): list that folder
    const dir = path.join(base, path.dirname(pattern));
    const mm = new Minimatch(path.basename(pattern), { dot: false });
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return [];
    }
    return names.filter((n) => mm.match(n)).sort().map((n) => path.join(dir, n));
  }
}
