/**
 * The CLI's scale features, run as a process: --jobs (worker threads), --cache, --changed-since, --shard,
 * --file-budget; and the progress bar's rules. Each test compares modes against a plain run of the same tree,
 * so they hold whatever the rules find.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgress } from '../server/src/cli/progress';
import { defaultJobs } from '../server/src/cli/main';
import { balance } from '../server/src/cli/parallel';
import { tmpDir } from './harness';

const BIN = path.join(__dirname, '..', 'bin', 'prodready.js');

function run(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Json {
  files: { path: string; findings: { ruleId: string; line: number; message: string }[] }[];
  skipped: { path: string; reason: string }[];
}
const lintJson = (cwd: string, ...args: string[]): Json => {
  const r = run(['lint', '--format', 'json', ...args], cwd);
  expect(r.code, r.stderr).toBeLessThan(2);
  return JSON.parse(r.stdout) as Json;
};
const rows = (j: Json): string[] => j.files.flatMap((f) => f.findings.map((x) => `${f.path}:${x.line} ${x.ruleId} ${x.message}`)).sort();

let dir: string;
function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
}

beforeEach(() => {
  dir = tmpDir('scale');
  write('package.json', '{ "name": "scale-app", "dependencies": { "axios": "1" } }\n');
  for (let i = 0; i < 24; i++) {
    write(`services/s${i}/docker-compose.yml`, `services:\n  redis:\n    image: redis:7\n    ports:\n      - "${6000 + i}:6379"\n`);
    write(`src/mod${i}.ts`, `export const secret${i} = process.env.JWT_SECRET || 'dev-secret-${i}';\nexport const ok${i} = ${i};\n`);
  }
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('--jobs', () => {
  it('worker threads find exactly what one thread finds', () => {
    const one = rows(lintJson(dir, '--jobs', '1'));
    expect(one.length).toBeGreaterThanOrEqual(48);
    expect(rows(lintJson(dir, '--jobs', '2'))).toEqual(one);
    expect(rows(lintJson(dir, '--jobs', '3'))).toEqual(one);
  });

  it('rejects a bad value with exit 2 naming the flag', () => {
    const r = run(['lint', '--jobs', '0'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--jobs');
  });

  it('balances files by size and keeps every file once', () => {
    const files = fs.readdirSync(path.join(dir, 'src')).map((f) => path.join(dir, 'src', f));
    const parts = balance(files, 3);
    expect(parts.length).toBe(3);
    expect(parts.flat().sort()).toEqual([...files].sort());
    expect(Math.max(...parts.map((p) => p.length)) - Math.min(...parts.map((p) => p.length))).toBeLessThanOrEqual(1);
  });

  it('defaults to one thread on small machines', () => {
    expect(defaultJobs(1)).toBe(1);
    expect(defaultJobs(2)).toBe(1);
    expect(defaultJobs(8)).toBe(4);
  });
});

describe('--cache', () => {
  it('reuses unchanged results, re-lints changed files, and follows config changes', () => {
    const cold = rows(lintJson(dir, '--cache'));
    const cacheFile = path.join(dir, 'node_modules', '.cache', 'prodready', 'cache.json');
    expect(fs.existsSync(cacheFile)).toBe(true);
    expect(rows(lintJson(dir, '--cache'))).toEqual(cold);

    // a changed file is linted again; a deleted one drops out
    write('src/mod0.ts', 'export const fine = 1;\n');
    fs.rmSync(path.join(dir, 'src/mod1.ts'));
    const after = rows(lintJson(dir, '--cache'));
    expect(after).toEqual(rows(lintJson(dir)));
    expect(after.some((r) => r.startsWith('src/mod0.ts'))).toBe(false);
    expect(after.some((r) => r.startsWith('src/mod1.ts'))).toBe(false);

    // a config change is a miss for every file it covers
    write('.prodready.json', '{ "rules": { "fallback-secret": "off" } }\n');
    const configured = rows(lintJson(dir, '--cache'));
    expect(configured.some((r) => r.includes('fallback-secret'))).toBe(false);
    expect(configured).toEqual(rows(lintJson(dir)));
  });

  it('discards a corrupt or foreign cache and says so', () => {
    const loc = path.join(dir, 'my-cache.json');
    fs.writeFileSync(loc, '{ not json');
    const r = run(['lint', '--cache', '--cache-location', loc, '--format', 'json'], dir);
    expect(r.stderr).toContain('was discarded (corrupt)');
    expect(rows(JSON.parse(r.stdout))).toEqual(rows(lintJson(dir)));
    fs.writeFileSync(loc, JSON.stringify({ tool: 'eslint', format: 1, entries: {} }));
    expect(run(['lint', '--cache', '--cache-location', loc], dir).stderr).toContain('not a prodready cache');
    // now valid: no message the second time
    expect(run(['lint', '--cache', '--cache-location', loc], dir).stderr).not.toContain('discarded');
  });
});

describe('--changed-since', () => {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });

  it('lints only files changed since the ref, committed or not, tracked or new', () => {
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    write('src/mod2.ts', "export const s = process.env.SESSION_SECRET ?? 'changed';\n");
    write('src/new.ts', "export const t = process.env.API_TOKEN || 'new-file';\n");
    const j = lintJson(dir, '--changed-since', 'HEAD');
    expect([...new Set(j.files.map((f) => f.path))].sort()).toEqual(['src/mod2.ts', 'src/new.ts']);
    expect(rows(lintJson(dir, '--changed-since', 'HEAD', 'services'))).toEqual([]);
  });

  it('a bad ref is a usage error', () => {
    git('init', '-q');
    const r = run(['lint', '--changed-since', 'no-such-ref'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--changed-since no-such-ref');
  });
});

describe('--shard', () => {
  it('shards are disjoint, cover the whole scan, and carry their SARIF category', () => {
    const all = rows(lintJson(dir));
    const a = rows(lintJson(dir, '--shard', '1/2'));
    const b = rows(lintJson(dir, '--shard', '2/2'));
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a.filter((x) => b.includes(x))).toEqual([]);
    expect([...a, ...b].sort()).toEqual(all);
    const sarif = JSON.parse(run(['lint', '--shard', '2/3', '--format', 'sarif'], dir).stdout);
    expect(sarif.runs[0].automationDetails).toEqual({ id: 'prodready/shard-2-of-3/' });
    expect(JSON.parse(run(['lint', '--format', 'sarif'], dir).stdout).runs[0].automationDetails).toBeUndefined();
  });

  it('rejects shards out of range', () => {
    for (const bad of ['0/2', '3/2', 'x', '1/0']) {
      const r = run(['lint', '--shard', bad], dir);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain('--shard');
    }
  });
});

describe('--file-budget', () => {
  it('a file over the budget is reported as skipped; the rest of the scan goes on', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `export const v${i} = { a: [${i}, ${i + 1}], b: 'x' + ${i} };`).join('\n');
    // (an env read, so rules want the file and it is parsed and walked)
    write('src/big.ts', `export const key = process.env.API_KEY;\n${big}`);
    const j = lintJson(dir, '--file-budget', '1');
    expect(j.skipped.find((s) => s.path === 'src/big.ts')?.reason).toMatch(/per-file budget/);
    expect(j.files.length).toBeGreaterThan(0);
  });
});

describe('progress bar', () => {
  const fakeIo = (tty: boolean, env: NodeJS.ProcessEnv = {}) => {
    const err: string[] = [];
    return { io: { cwd: '/', stdout: () => undefined, stderr: (s: string) => err.push(s), isTTY: false, stderrTTY: tty, env }, err };
  };

  it('is drawn on a terminal after two seconds, with counts, rate and ETA, and cleared at the end', () => {
    let t = 0;
    const { io, err } = fakeIo(true);
    const p = createProgress(io, () => t)!;
    p.update(10, 100);
    expect(err).toEqual([]); // fast scans print nothing
    t = 2500;
    p.update(50, 100);
    expect(err.join('')).toMatch(/50\/100 files · 20\/s · ETA 3 s/);
    p.done();
    expect(err[err.length - 1]).toBe('\r\u001b[2K');
  });

  it('is never drawn when stderr is not a terminal or in CI', () => {
    expect(createProgress(fakeIo(false).io)).toBeUndefined();
    expect(createProgress(fakeIo(true, { CI: 'true' }).io)).toBeUndefined();
    expect(createProgress(fakeIo(true, { GITHUB_ACTIONS: 'true' }).io)).toBeUndefined();
  });
});
