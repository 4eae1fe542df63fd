/**
 * The project view behind project-level rules. While a file is linted, a rule may record facts it provides
 * (`ctx.fact('shutdown-handler')`) and report findings that stand only when no file of the project provides a
 * fact (`ctx.report({ …, unless: { fact: 'shutdown-handler', scope: 'package' } })`). Those findings are held
 * on the file's result as `deferred`; the view, which knows every file's facts, decides which of them stand.
 *
 * The CLI builds the view once from a whole scan; the language server keeps it current as files change
 * (`update` replaces a file's facts). The view holds strings and paths only, never syntax trees.
 */
import type { PackageInfo } from './packages';
import type { Finding } from './types';

/** When a held finding stands: no file in `scope` provides `fact` (at or after the finding's file, with `after`). */
export interface ProjectCondition {
  readonly fact: string;
  /**
   * 'package': the finding's package (nearest package.json) and the workspace packages it depends on, by name;
   * 'project': every file of the same project root (a scan of a folder holding several repositories keeps them
   * apart). Files outside any package count as one package.
   */
  readonly scope: 'package' | 'project';
  /** only providers whose repo-relative path sorts at or after the finding's file (ordered migrations) */
  readonly after?: boolean;
}

export interface DeferredFinding {
  readonly finding: Finding;
  /** the finding stands when none of these holds */
  readonly unless: ProjectCondition | readonly ProjectCondition[];
}

/** What the view keeps of one file. */
export interface FileFacts {
  readonly path: string;
  readonly absPath: string;
  readonly facts: readonly string[];
  readonly pkg: PackageInfo | undefined;
}

interface Provider {
  readonly path: string;
  readonly absPath: string;
  readonly root: string;
  readonly pkgDir: string | undefined;
  readonly pkgName: string | undefined;
}

export class ProjectView {
  private readonly files = new Map<string, FileFacts>();
  private byFact: Map<string, Provider[]> | undefined;
  /** package dir → its dependency names, for the workspace-dependency closure */
  private readonly packages = new Map<string, PackageInfo>();

  /** Record (or replace) one file's facts. Returns whether its facts changed. */
  update(f: FileFacts): boolean {
    const old = this.files.get(f.absPath);
    if (f.pkg) this.packages.set(f.pkg.dir, f.pkg);
    if (!f.facts.length) {
      if (!old) return false;
      this.files.delete(f.absPath);
      this.byFact = undefined;
      return true;
    }
    const same = old && old.facts.length === f.facts.length && old.facts.every((x, i) => x === f.facts[i]) && old.pkg?.dir === f.pkg?.dir;
    this.files.set(f.absPath, f);
    if (!same) this.byFact = undefined;
    return !same;
  }

  remove(absPath: string): boolean {
    const had = this.files.delete(absPath);
    if (had) this.byFact = undefined;
    return had;
  }

  has(absPath: string): boolean {
    return this.files.has(absPath);
  }

  private index(): Map<string, Provider[]> {
    if (this.byFact) return this.byFact;
    const m = new Map<string, Provider[]>();
    for (const f of this.files.values()) {
      const p: Provider = { path: f.path, absPath: f.absPath, root: rootOf(f), pkgDir: f.pkg?.dir, pkgName: f.pkg?.name };
      for (const fact of f.facts) {
        let list = m.get(fact);
        if (!list) m.set(fact, (list = []));
        list.push(p);
      }
    }
    return (this.byFact = m);
  }

  /** Package dirs whose facts count for a file of `pkg`: itself and the workspace packages it depends on. */
  private reach(pkg: PackageInfo | undefined): { dirs: Set<string | undefined>; names: Set<string> } {
    const dirs = new Set<string | undefined>([pkg?.dir]);
    const names = new Set<string>();
    if (!pkg) return { dirs, names };
    const byName = new Map<string, PackageInfo>();
    for (const p of this.packages.values()) if (p.name) byName.set(p.name, p);
    const queue = [pkg];
    while (queue.length) {
      const p = queue.pop()!;
      for (const dep of p.dependencies) {
        if (names.has(dep)) continue;
        names.add(dep);
        const ws = byName.get(dep);
        if (ws && !dirs.has(ws.dir)) {
          dirs.add(ws.dir);
          queue.push(ws);
        }
      }
    }
    return { dirs, names };
  }

  /**
   * Does the condition's fact hold for a finding in `file`? `ownFacts` are the file's facts as just linted
   * (they win over what the view stored for it, so a fix loop sees its own edits).
   */
  holds(cond: ProjectCondition, file: { path: string; absPath: string; pkg: PackageInfo | undefined }, ownFacts: readonly string[]): boolean {
    if (ownFacts.includes(cond.fact)) return true;
    const providers = this.index().get(cond.fact);
    if (!providers) return false;
    let reach: ReturnType<ProjectView['reach']> | undefined;
    const root = rootOf(file);
    for (const p of providers) {
      if (p.absPath === file.absPath || p.root !== root) continue;
      if (cond.after && p.path < file.path) continue;
      if (cond.scope === 'project') return true;
      reach ??= this.reach(file.pkg);
      if (reach.dirs.has(p.pkgDir) || (p.pkgName !== undefined && reach.names.has(p.pkgName))) return true;
    }
    return false;
  }

  /** The held findings of a file result that stand. */
  resolve(result: { path: string; absPath: string; facts: readonly string[]; deferred: readonly DeferredFinding[]; pkg: PackageInfo | undefined }): Finding[] {
    if (!result.deferred.length) return [];
    return result.deferred
      .filter((d) => !(Array.isArray(d.unless) ? d.unless : [d.unless as ProjectCondition]).some((c) => this.holds(c, result, result.facts)))
      .map((d) => d.finding);
  }
}

/** The project root of a file: its absolute path without its root-relative path. */
function rootOf(f: { path: string; absPath: string }): string {
  const abs = f.absPath.split('\\').join('/');
  return abs.endsWith(`/${f.path}`) ? abs.slice(0, abs.length - f.path.length - 1) : abs.slice(0, abs.lastIndexOf('/'));
}
