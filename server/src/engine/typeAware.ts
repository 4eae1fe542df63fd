import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/**
 * Opt-in type information (`--type-aware`): one Program per tsconfig, built only when a file that a
 * type-using rule wants sits in it, reused for every rule and file of that tsconfig, and released before the
 * next one is built (a Program holds every AST of its project; PERF.md: 20–30× the parse floor).
 */
export interface TypedProgram {
  readonly tsconfig: string;
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  readonly buildMs: number;
  readonly fileCount: number;
}

export interface TypeAwareStats {
  programs: number;
  programFiles: number;
  buildMs: number;
  typedFiles: number;
  untypedFiles: number;
  failures: string[];
}

export function newTypeAwareStats(): TypeAwareStats {
  return { programs: 0, programFiles: 0, buildMs: 0, typedFiles: 0, untypedFiles: 0, failures: [] };
}

/** The nearest tsconfig.json above a file, not above `stopAt`. Cached per folder. */
export class TsconfigFinder {
  private readonly cache = new Map<string, string | null>();
  constructor(private readonly stopAt: string) {}

  find(absFile: string): string | undefined {
    return this.findIn(path.dirname(absFile)) ?? undefined;
  }

  private findIn(dir: string): string | null {
    const c = this.cache.get(dir);
    if (c !== undefined) return c;
    let result: string | null = null;
    const candidate = path.join(dir, 'tsconfig.json');
    if (fs.existsSync(candidate)) result = candidate;
    else if (dir !== this.stopAt && path.dirname(dir) !== dir && !fs.existsSync(path.join(dir, '.git'))) result = this.findIn(path.dirname(dir));
    this.cache.set(dir, result);
    return result;
  }
}

/** Build a Program for a tsconfig. Option diagnostics (deprecated options under TS 6) are tolerated. */
export function buildProgram(tsconfig: string): TypedProgram {
  const t0 = performance.now();
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, ' '));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig), { noEmit: true }, tsconfig);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, skipLibCheck: true, allowJs: parsed.options.allowJs ?? true };
  // TypeScript 6 rejects some old options (ignoreDeprecations lets them pass).
  (options as Record<string, unknown>).ignoreDeprecations = '6.0';
  const program = ts.createProgram({ rootNames: parsed.fileNames, options, projectReferences: parsed.projectReferences });
  const checker = program.getTypeChecker();
  return { tsconfig, program, checker, buildMs: performance.now() - t0, fileCount: parsed.fileNames.length };
}
