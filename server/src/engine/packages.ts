import * as fs from 'node:fs';
import * as path from 'node:path';

/** What a rule may know about the package a file belongs to (the nearest package.json above it). */
export interface PackageInfo {
  readonly dir: string;
  readonly name: string | undefined;
  /** dependencies, devDependencies, peerDependencies and optionalDependencies names */
  readonly dependencies: ReadonlySet<string>;
}

/** Nearest-package.json lookup, cached per folder; stops at a git root. Read as data, never executed. */
export class PackageLookup {
  private readonly cache = new Map<string, PackageInfo | null>();

  forFile(absPath: string): PackageInfo | undefined {
    if (!absPath || !path.isAbsolute(absPath)) return undefined;
    return this.forDir(path.dirname(absPath)) ?? undefined;
  }

  clear(): void {
    this.cache.clear();
  }

  private forDir(dir: string): PackageInfo | null {
    const cached = this.cache.get(dir);
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
        info = { dir, name: typeof pkg.name === 'string' ? pkg.name : undefined, dependencies: deps };
      } catch {
        info = { dir, name: undefined, dependencies: new Set() };
      }
    } else if (!fs.existsSync(path.join(dir, '.git')) && path.dirname(dir) !== dir) {
      info = this.forDir(path.dirname(dir));
    }
    this.cache.set(dir, info);
    return info;
  }
}
