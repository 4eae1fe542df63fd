/**
 * Where teams already work: `prodready lint --staged` and the pre-commit hook, and the GitHub Action's entry run
 * with the environment GitHub gives it (GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, INPUT_*) against a
 * fixture repository.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tmpDir } from './harness';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'prodready.js');
const ACTION = path.join(ROOT, 'dist', 'action.js');

let dir: string;
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe', env: gitEnv });
const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

const OPEN = 'services:\n  redis:\n    image: redis:7\n    ports:\n      - "6379:6379"\n';
const CLOSED = 'services:\n  redis:\n    image: redis:7\n    ports:\n      - "127.0.0.1:6379:6379"\n';

beforeEach(() => {
  dir = tmpDir('workflows');
  git('init', '-q');
  write('docker-compose.yml', CLOSED);
  write('ops/docker-compose.yml', CLOSED);
  git('add', '.');
  git('commit', '-qm', 'base');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('prodready lint --staged', () => {
  it('checks the staged content of staged files only', () => {
    // staged with the problem, then fixed in the working tree only: the commit would still carry it
    write('docker-compose.yml', OPEN);
    git('add', 'docker-compose.yml');
    write('docker-compose.yml', CLOSED);
    // an unstaged problem elsewhere is not this commit's business
    write('ops/docker-compose.yml', OPEN);
    const r = run(['lint', '--staged', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout) as { files: { path: string; findings: { ruleId: string; line: number }[] }[] };
    expect(j.files.map((f) => f.path)).toEqual(['docker-compose.yml']);
    expect(j.files[0].findings.map((f) => `${f.ruleId}:${f.line}`)).toContain('exposed-port:5');
    // nothing staged: clean
    git('reset', '-q');
    expect(run(['lint', '--staged']).code).toBe(0);
  });

  it('cannot be combined with --fix', () => {
    const r = run(['lint', '--staged', '--fix']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--staged');
  });

  it('is what the pre-commit hook runs', () => {
    const hooks = parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; pass_filenames: boolean }[];
    const hook = hooks.find((h) => h.id === 'prodready')!;
    expect(hook.entry).toBe('prodready lint --staged');
    expect(hook.language).toBe('node');
    expect(hook.pass_filenames).toBe(false);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin.prodready).toBe('bin/prodready.js');
  });
});

describe('the GitHub Action', () => {
  function runAction(inputs: Record<string, string>): { code: number; stdout: string; summary: string; outputs: Record<string, string>; stderr: string } {
    const summary = path.join(dir, '..', `${path.basename(dir)}-summary.md`);
    const output = path.join(dir, '..', `${path.basename(dir)}-output.txt`);
    fs.writeFileSync(summary, '');
    fs.writeFileSync(output, '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: dir,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_SHA: '0123abc',
      RUNNER_TEMP: path.join(dir, '..'),
    };
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
    const r = spawnSync(process.execPath, [ACTION], { cwd: ROOT, encoding: 'utf8', env });
    const outputs = Object.fromEntries(
      fs
        .readFileSync(output, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const s = fs.readFileSync(summary, 'utf8');
    fs.rmSync(summary);
    fs.rmSync(output);
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, summary: s, outputs };
  }

  it('writes SARIF, annotates, summarises the checklist, sets outputs and fails on findings', () => {
    write('docker-compose.yml', OPEN);
    const r = runAction({ paths: '.', 'fail-on': 'error', 'sarif-file': 'out/prodready.sarif' });
    expect(r.code, r.stderr).toBe(1);
    const sarifPath = path.join(dir, 'out', 'prodready.sarif');
    expect(r.outputs['sarif-file']).toBe(sarifPath);
    const sarif = JSON.parse(fs.readFileSync(sarifPath, 'utf8'));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'sarif', 'sarif-2.1.0.json'), 'utf8')));
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(Number(r.outputs.findings)).toBeGreaterThanOrEqual(1);
    expect(r.stdout).toMatch(/^::error file=docker-compose\.yml,line=5,col=9,.*title=prodready\(exposed-port\)::Service "redis" publishes port 6379/m);
    expect(r.summary).toContain('# Production-readiness checklist');
    expect(r.summary).toContain('](https://github.com/acme/app/blob/0123abc/docker-compose.yml#L5)');
  });

  it('passes with a baseline that has every finding, and when nothing is found', () => {
    write('docker-compose.yml', OPEN);
    expect(run(['baseline']).code).toBe(0);
    const withBaseline = runAction({ baseline: '.prodready-baseline.json', annotations: 'false', summary: 'false' });
    expect(withBaseline.code, withBaseline.stderr).toBe(0);
    expect(withBaseline.outputs.findings).toBe('0');
    expect(withBaseline.summary).toBe('');
    expect(withBaseline.stdout).not.toMatch(/^::error/m);
    write('docker-compose.yml', CLOSED);
    fs.rmSync(path.join(dir, '.prodready-baseline.json'));
    expect(runAction({}).code).toBe(0);
  });

  it('action.yml runs the bundled entry and declares the inputs the entry reads', () => {
    const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { runs: { using: string; main: string }; inputs: Record<string, unknown> };
    expect(action.runs.main).toBe('dist/action.js');
    expect(action.runs.using).toMatch(/^node\d+$/);
    const src = fs.readFileSync(path.join(ROOT, 'server', 'src', 'cli', 'action.ts'), 'utf8');
    const read = [...src.matchAll(/input\(env, '([a-z-]+)'/g)].map((m) => m[1]).sort();
    expect(Object.keys(action.inputs).sort()).toEqual(read);
  });
});
