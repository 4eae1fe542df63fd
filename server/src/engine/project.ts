import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE, ConfigError, parseConfig, type ResolvedConfig } from './config';
import type { Rule } from './types';

export interface ProjectFor {
  /** the folder paths are made relative to: the config's folder, else the git root, else the fallback */
  readonly root: string;
  readonly config: ResolvedConfig;
}

/**
 * Finds, per file, the nearest `.prodready.json` walking up from the file's folder, and the project root.
 * Config files are read and validated once each. Invalid configs throw ConfigError (the CLI exits 2; the
 * language server reports it on the config file and keeps the last good one).
 */
export class ProjectResolver {
  private readonly dirCache = new Map<string, { configPath?: string; gitRoot?: string }>();
  private readonly configCache = new Map<string, ResolvedConfig>();

  constructor(
    private readonly rules: readonly Rule[],
    private readonly defaults: ResolvedConfig,
    private readonly fallbackRoot: string,
    /** an explicit config file (`--config`), used for every file */
    private readonly explicitConfig?: string,
    /** a fixed project root (tests, the language server's workspace folder): configs are not looked for above it */
    private readonly fixedRoot?: string,
    /** the folders being scanned: the root of a file outside any config or git repository */
    private readonly scanRoots: readonly string[] = [],
  ) {}

  private lookup(dir: string): { configPath?: string; gitRoot?: string } {
    const cached = this.dirCache.get(dir);
    if (cached) return cached;
    let result: { configPath?: string; gitRoot?: string };
    const candidate = path.join(dir, CONFIG_FILE);
    if (fs.existsSync(candidate)) result = { configPath: candidate };
    else if (fs.existsSync(path.join(dir, '.git'))) result = { gitRoot: dir };
    else {
      const up = path.dirname(dir);
      result = up === dir ? {} : this.lookup(up);
    }
    this.dirCache.set(dir, result);
    return result;
  }

  loadConfig(configPath: string): ResolvedConfig {
    let c = this.configCache.get(configPath);
    if (!c) {
      let text: string;
      try {
        text = fs.readFileSync(configPath, 'utf8');
      } catch (e) {
        throw new ConfigError(`cannot read the config file: ${(e as Error).message}`, configPath, '');
      }
      c = parseConfig(text, this.rules, configPath);
      this.configCache.set(configPath, c);
    }
    return c;
  }

  forFile(absPath: string): ProjectFor {
    if (this.explicitConfig) {
      return { root: path.dirname(path.resolve(this.explicitConfig)), config: this.loadConfig(path.resolve(this.explicitConfig)) };
    }
    if (this.fixedRoot) {
      let d = path.dirname(absPath);
      for (;;) {
        const candidate = path.join(d, CONFIG_FILE);
        if (fs.existsSync(candidate)) return { root: this.fixedRoot, config: this.loadConfig(candidate) };
        if (d === this.fixedRoot || path.dirname(d) === d) break;
        d = path.dirname(d);
      }
      return { root: this.fixedRoot, config: this.defaults };
    }
    const found = this.lookup(path.dirname(absPath));
    if (found.configPath) return { root: path.dirname(found.configPath), config: this.loadConfig(found.configPath) };
    if (found.gitRoot) return { root: found.gitRoot, config: this.defaults };
    // Not in a repository: paths are relative to the scanned folder that holds the file (the outermost one,
    // so `test/` and `fixtures/` segments below it are seen), else to the working directory.
    const inside = (dir: string): boolean => {
      const rel = path.relative(dir, absPath);
      return !rel.startsWith('..') && !path.isAbsolute(rel);
    };
    const scanRoot = this.scanRoots.filter(inside).sort((a, b) => a.length - b.length)[0];
    if (scanRoot) return { root: scanRoot, config: this.defaults };
    return { root: inside(this.fallbackRoot) ? this.fallbackRoot : path.dirname(absPath), config: this.defaults };
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
