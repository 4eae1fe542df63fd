import * as fs from 'node:fs';
import * as path from 'node:path';

/** What a rule may know about the package a file belongs to (the nearest package.json above it). */
export interface PackageInfo {
  readonly dir: string;
  readonly name: string | undefined;
  /** dependencies, devDependencies, peerDependencies and optionalDependencies names */
  readonly dependencies: ReadonlySet<string>;
  /** the package declares executables (`bin`): a CLI, whose stdout is its output */
  readonly hasBin: boolean;
}

/** Nearest-package.json lookup, cached per folder; stops at a git root. Read as data, never executed. */
export class PackageLookup {
  private readonly cache = new Map<string, PackageInfo | null>();

  /** The nearest package.json above the file, not above `root` (the project root) when given. */
  forFile(absPath: string, root?: string): PackageInfo | undefined {
    if (!absPath || !path.isAbsolute(absPath)) return undefined;
    return this.forDir(path.dirname(absPath), root ? path.resolve(root) : undefined) ?? undefined;
  }

  clear(): void {
    this.cache.clear();
  }

  private forDir(dir: string, root: string | undefined): PackageInfo | null {
    const key = root ? `${dir}\0${root}` : dir;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    let info: PackageInfo | null = null;
    const file = path.join(dir, 'package.json');
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        const pkg = JSON.parse(text) as Record<string, unknown>;
        const deps = new Set<string>();
        for (const k of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
          const v = pkg[k];
          if (v && typeof v === 'object') for (const name of Object.keys(v)) deps.add(name);
        }
        info = { dir, name: typeof pkg.name === 'string' ? pkg.name : undefined, dependencies: deps, hasBin: !!pkg.bin };
      } catch {
        info = { dir, name: undefined, dependencies: new Set(), hasBin: false };
      }
    } else if (dir !== root && !fs.existsSync(path.join(dir, '.git')) && path.dirname(dir) !== dir) {
      info = this.forDir(path.dirname(dir), root);
    }
    this.cache.set(key, info);
    return info;
  }
}
