/**
 * `prodready lint --jobs N`: the files of a scan split over N worker threads, balanced by size (largest
 * first, each to the least loaded thread). Each thread runs the same engine on its files and leaves the
 * project-level findings to the main thread, which decides them with every thread's facts. A thread that
 * reports no progress for `hangMs` (a rule stuck on one file) is terminated, that file is reported as skipped,
 * and a new thread takes over the rest of its files: a scan never hangs.
 */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { FileResult, ScanOptions, ScanResult, SkippedFile } from '../engine';
import type { WalkIssue } from '../engine/walk';

/** What crosses to a worker: the scan options without functions or caches. */
export type WorkerScanOptions = Omit<ScanOptions, 'factsOnly' | 'cache' | 'onProgress' | 'files'> & { readonly factsOnlyFiles?: readonly string[] };

export interface WorkerData {
  readonly prodreadyWorker: true;
  readonly opts: WorkerScanOptions;
  readonly files: readonly string[];
  readonly fileBudgetMs?: number;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly index: number }
  | { readonly type: 'done'; readonly files: FileResult[]; readonly factResults: FileResult[]; readonly skipped: SkippedFile[]; readonly issues: WalkIssue[]; readonly scanned: number };

/** Split files into `n` lists of about equal total size, largest files first. */
export function balance(files: readonly string[], n: number): string[][] {
  const sized = files.map((f) => {
    let size = 0;
    try {
      size = fs.statSync(f).size;
    } catch {
      /* gone: the worker reports it */
    }
    return { f, size };
  });
  sized.sort((a, b) => b.size - a.size || (a.f < b.f ? -1 : 1));
  const parts = Array.from({ length: n }, () => ({ files: [] as string[], total: 0 }));
  for (const s of sized) {
    let best = parts[0];
    for (const p of parts) if (p.total < best.total) best = p;
    best.files.push(s.f);
    best.total += s.size + 512; // a fixed cost per file, so many tiny files spread too
  }
  return parts.map((p) => p.files).filter((p) => p.length);
}

export interface ParallelOutcome {
  readonly files: FileResult[];
  readonly factResults: FileResult[];
  readonly skipped: SkippedFile[];
  readonly issues: WalkIssue[];
  readonly scanned: number;
}

/** Run the scan of `files` on `jobs` worker threads of the script `entry` (the CLI bundle itself). */
export async function scanInWorkers(
  entry: string,
  opts: WorkerScanOptions,
  files: readonly string[],
  jobs: number,
  hooks: { onProgress?: (done: number, total: number) => void; hangMs: number; fileBudgetMs?: number },
): Promise<ParallelOutcome> {
  const out: ParallelOutcome = { files: [], factResults: [], skipped: [], issues: [], scanned: 0 };
  let done = 0;
  const run = (part: readonly string[]): Promise<void> =>
    new Promise((resolve) => {
      if (!part.length) return resolve();
      const data: WorkerData = { prodreadyWorker: true, opts, files: part, fileBudgetMs: hooks.fileBudgetMs };
      const worker = new Worker(entry, { workerData: data });
      let last = -1;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          // stuck on part[last + 1]: skip it, hand the rest to a new thread
          settled = true;
          void worker.terminate();
          const stuck = part[last + 1];
          if (stuck) out.skipped.push({ absPath: stuck, reason: `no result within ${Math.round(hooks.hangMs / 1000)} s: skipped` });
          done++;
          hooks.onProgress?.(done, files.length);
          void run(part.slice(last + 2)).then(resolve);
        }, hooks.hangMs);
      };
      arm();
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') {
          last = m.index;
          done++;
          hooks.onProgress?.(done, files.length);
          arm();
          return;
        }
        settled = true;
        if (timer) clearTimeout(timer);
        out.files.push(...m.files);
        out.factResults.push(...m.factResults);
        out.skipped.push(...m.skipped);
        out.issues.push(...m.issues);
        (out as { scanned: number }).scanned += m.scanned;
        void worker.terminate().then(() => resolve());
      });
      worker.on('error', (e) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        // the thread died: its current file is skipped, the rest goes to a new thread
        const failed = part[last + 1];
        if (failed) out.skipped.push({ absPath: failed, reason: `internal error: ${e.message}` });
        void run(part.slice(last + 2)).then(resolve);
      });
      worker.on('exit', () => {
        if (!settled) {
          settled = true;
          if (timer) clearTimeout(timer);
          void run(part.slice(last + 2)).then(resolve);
        }
      });
    });
  await Promise.all(balance(files, jobs).map((p) => run(p)));
  out.files.sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));
  return out;
}

/** The worker side: scan the given files, post progress after each and the results at the end. */
export function workerMain(data: WorkerData, post: (m: WorkerMessage) => void, scanFn: (opts: ScanOptions) => ScanResult): void {
  const factsOnly = data.opts.factsOnlyFiles ? new Set(data.opts.factsOnlyFiles) : undefined;
  const result = scanFn({
    ...data.opts,
    files: data.files,
    deferProject: true,
    ...(factsOnly ? { factsOnly: (f: string) => factsOnly.has(f) } : {}),
    onProgress: (n) => post({ type: 'progress', index: n - 1 }),
  });
  post({ type: 'done', files: result.files, factResults: [...result.factResults], skipped: result.skipped, issues: result.issues, scanned: result.scanned });
}
