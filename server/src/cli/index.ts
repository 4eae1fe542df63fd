import { setFlagsFromString } from 'node:v8';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createEngine, scan } from '../engine';
import { rules } from '../../../rules/index';
import { runCli } from './main';
import { workerMain, type WorkerData } from './parallel';

// A scan makes one syntax tree per file and drops it: with the default growth factor V8 lets the old generation
// fill with dead trees to twice the size (measured 357–657 MB peak on trigger.dev, 230 MB with this, ~5 % CPU).
setFlagsFromString('--heap-growing-percent=35');

if (!isMainThread && (workerData as WorkerData | undefined)?.prodreadyWorker) {
  // a --jobs worker thread: the same bundle, scanning the files it was given
  const data = workerData as WorkerData;
  const engine = createEngine({ rules, fileBudgetMs: data.fileBudgetMs });
  workerMain(data, (m) => parentPort!.postMessage(m), (opts) => scan(engine, opts));
} else {
  runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: !!process.stdout.isTTY,
    stderrTTY: !!process.stderr.isTTY,
    env: process.env,
    workerEntry: __filename,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`prodready: internal error: ${(e as Error)?.message ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
