/**
 * The result cache behind `prodready lint --cache`: one JSON file mapping each file (relative to the cache's
 * root) to what it was linted under and what linting found. A file's entry is used when its environment (its
 * config, what rules see of its package, its path) is the same and either its size and mtime are unchanged
 * (the file is not even read) or its text hashes the same; the whole cache is keyed by a salt naming
 * prodready's version, its rules and the result-changing options, so a change to any of them is a miss. A cache file that is corrupt, of another format or of another tool
 * is discarded, never trusted; it is written atomically.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileKind } from '../shared/fileKinds';
import type { FileResult, InternalError } from './engine';
import type { PackageInfo } from './packages';
import type { DeferredFinding } from './projectView';
import type { Finding } from './types';

const FORMAT = 2;
const TOOL = 'prodready';

interface StoredPackage {
  dir: string;
  name: string | undefined;
  dependencies: string[];
  hasBin: boolean;
}

interface Entry {
  /** size and mtime */
  meta: string;
  /** config, package and path */
  env: string;
  /** sha1 of the text */
  hash: string;
  kind: FileKind;
  findings: Finding[];
  internalErrors: InternalError[];
  parseError: boolean;
  facts: string[];
  deferred: DeferredFinding[];
  pkg: StoredPackage | null;
}

interface CacheFile {
  tool: string;
  format: number;
  salt: string;
  entries: Record<string, Entry>;
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export class ResultCache {
  private entries: Record<string, Entry> = {};
  private dirty = false;
  private hits = 0;
  private misses = 0;
  /** why an existing cache file was thrown away, if it was */
  discarded: string | undefined;

  constructor(
    readonly file: string,
    /** the folder paths are stored relative to */
    readonly root: string,
    /** prodready's version, the rules' fingerprint and the result-changing options */
    readonly salt: string,
  ) {}

  load(): this {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return this; // no cache yet
    }
    try {
      const data = JSON.parse(text) as Partial<CacheFile>;
      if (data.tool !== TOOL || data.format !== FORMAT) this.discarded = 'not a prodready cache of this format';
      else if (data.salt !== this.salt) this.discarded = 'made by another prodready version, rule set or options';
      else if (!data.entries || typeof data.entries !== 'object') this.discarded = 'corrupt';
      else this.entries = data.entries;
    } catch {
      this.discarded = 'corrupt';
    }
    if (this.discarded) this.dirty = true;
    return this;
  }

  private rel(absPath: string): string {
    return path.relative(this.root, absPath).split(path.sep).join('/');
  }

  /** The cached result when the file's size and mtime and its environment are unchanged (no read needed). */
  peek(absPath: string, relPath: string, meta: string, env: string): FileResult | undefined {
    const e = this.entries[this.rel(absPath)];
    if (!e || e.meta !== meta || e.env !== env) return undefined;
    this.hits++;
    return this.revive(e, absPath, relPath);
  }

  /** The cached result when the text hashes the same and the environment is unchanged. */
  get(absPath: string, relPath: string, env: string, hash: string, meta: string): FileResult | undefined {
    const e = this.entries[this.rel(absPath)];
    if (!e || e.hash !== hash || e.env !== env || !Array.isArray(e.findings)) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    if (e.meta !== meta) {
      e.meta = meta; // touched, not changed
      this.dirty = true;
    }
    return this.revive(e, absPath, relPath);
  }

  private revive(e: Entry, absPath: string, relPath: string): FileResult {
    const place = (f: Finding): Finding => ({ ...f, path: relPath, absPath });
    return {
      path: relPath,
      absPath,
      kind: e.kind,
      findings: e.findings.map(place),
      internalErrors: e.internalErrors ?? [],
      parseError: !!e.parseError,
      parsed: false,
      facts: e.facts ?? [],
      deferred: (e.deferred ?? []).map((d) => ({ ...d, finding: place(d.finding) })),
      pkg: e.pkg ? { ...e.pkg, dependencies: new Set(e.pkg.dependencies) } : undefined,
    };
  }

  set(absPath: string, meta: string, env: string, hash: string, r: FileResult): void {
    // a run that failed inside a rule is not worth keeping: the next run should try again
    if (r.internalErrors.length) return;
    const strip = (f: Finding): Finding => ({ ...f, path: '', absPath: '' });
    const pkg = r.pkg as PackageInfo | undefined;
    this.entries[this.rel(absPath)] = {
      meta,
      env,
      hash,
      kind: r.kind,
      findings: r.findings.map(strip),
      internalErrors: [],
      parseError: r.parseError,
      facts: [...r.facts],
      deferred: r.deferred.map((d) => ({ ...d, finding: strip(d.finding) })),
      pkg: pkg ? { dir: pkg.dir, name: pkg.name, dependencies: [...pkg.dependencies], hasBin: pkg.hasBin } : null,
    };
    this.dirty = true;
  }

  /** Drop entries of files under the scanned roots that this run did not see (deleted, now ignored). */
  prune(seenAbs: ReadonlySet<string>, scannedRoots: readonly string[]): void {
    const seen = new Set([...seenAbs].map((f) => this.rel(f)));
    const roots = scannedRoots.map((r) => this.rel(r)).map((r) => (r === '' ? '' : `${r}/`));
    for (const rel of Object.keys(this.entries)) {
      if (seen.has(rel)) continue;
      if (roots.some((r) => r === '' || rel.startsWith(r) || `${rel}/` === r)) {
        delete this.entries[rel];
        this.dirty = true;
      }
    }
  }

  stats(): { hits: number; misses: number } {
    return { hits: this.hits, misses: this.misses };
  }

  save(): void {
    if (!this.dirty) return;
    const data: CacheFile = { tool: TOOL, format: FORMAT, salt: this.salt, entries: this.entries };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, this.file);
    this.dirty = false;
  }
}
