/**
 * The GitHub Action (action.yml → dist/action.js): prodready lint on the workspace, writing SARIF for
 * github/codeql-action/upload-sarif, annotations on the pull request, and the checklist report as the job
 * summary. Inputs arrive as INPUT_* variables, outputs go to $GITHUB_OUTPUT. One cold scan feeds the three
 * outputs: the second and third are served by the result cache in $RUNNER_TEMP.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, type CliIO } from './main';

/** An action input as GitHub passes it: INPUT_ + the name upper-cased, spaces as underscores (hyphens kept). */
export function input(env: NodeJS.ProcessEnv, name: string, dflt = ''): string {
  const v = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return v === undefined || v.trim() === '' ? dflt : v.trim();
}

function setOutput(env: NodeJS.ProcessEnv, name: string, value: string): void {
  if (env.GITHUB_OUTPUT) fs.appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}\n`);
}

export async function runAction(env: NodeJS.ProcessEnv, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const cwd = env.GITHUB_WORKSPACE || process.cwd();
  const paths = input(env, 'paths', '.').split(/[\s,]+/).filter(Boolean);
  const failOn = input(env, 'fail-on', 'warning');
  const config = input(env, 'config');
  const baseline = input(env, 'baseline');
  const sarifFile = path.resolve(cwd, input(env, 'sarif-file', 'prodready.sarif'));
  const annotations = input(env, 'annotations', 'true') !== 'false';
  const summary = input(env, 'summary', 'true') !== 'false';
  const extra = input(env, 'args').split(/\s+/).filter(Boolean);
  const cacheDir = fs.mkdtempSync(path.join(env.RUNNER_TEMP || os.tmpdir(), 'prodready-'));
  const common = [...paths, '--fail-on', failOn, '--cache', '--cache-location', path.join(cacheDir, 'cache.json'), ...(config ? ['--config', config] : []), ...(baseline ? ['--baseline', baseline] : []), ...extra];
  const io = (stdout: (s: string) => void, e: NodeJS.ProcessEnv): CliIO => ({ cwd, stdout, stderr: err, isTTY: false, stderrTTY: false, env: e });
  const quiet: NodeJS.ProcessEnv = { ...env, GITHUB_STEP_SUMMARY: '' };
  try {
    // 1. SARIF for code scanning (the exit code of this run is the action's)
    const code = await runCli(['lint', ...common, '--format', 'sarif', '--output', sarifFile], io(out, quiet));
    if (code === 2) return 2;
    setOutput(env, 'sarif-file', sarifFile);
    const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8')) as { runs: { results: { suppressions?: unknown[]; baselineState?: string }[] }[] };
    const open = sarif.runs[0].results.filter((r) => !r.suppressions?.length && r.baselineState !== 'unchanged' && r.baselineState !== 'absent').length;
    setOutput(env, 'findings', String(open));
    // 2. annotations on the pull request
    if (annotations) await runCli(['lint', ...common, '--format', 'github'], io(out, quiet));
    // 3. the checklist report as the job summary (runCli appends markdown to $GITHUB_STEP_SUMMARY)
    if (summary && env.GITHUB_STEP_SUMMARY) await runCli(['lint', ...common, '--format', 'markdown', '--output', path.join(cacheDir, 'checklist.md')], io(() => undefined, env));
    return code;
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runAction(process.env, (s) => process.stdout.write(s), (s) => process.stderr.write(s)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`::error title=prodready::${(e as Error)?.message ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
