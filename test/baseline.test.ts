/** Baselines, through the CLI as a process and the language server over JSON-RPC. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Baseline, createEngine, LineIndex, fingerprintOf, scan } from '../server/src/engine';
import { rules } from '../rules/index';
import { tmpDir } from './harness';
import { Client } from './lspClient';

const BIN = path.join(__dirname, '..', 'bin', 'prodready.js');
const run = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

const COMPOSE = 'services:\n  redis:\n    image: redis:7\n    ports:\n      - "6379:6379"\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n';
let dir: string;
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};
beforeEach(() => {
  dir = tmpDir('baseline');
  fs.mkdirSync(path.join(dir, '.git'));
  write('docker-compose.yml', COMPOSE);
  write('ops/docker-compose.yml', COMPOSE);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

interface J {
  files: { path: string; findings: { ruleId: string; line: number; baselineState?: string }[] }[];
  baseline?: { unchanged: number; new: number; absent: { file: string; rule: string }[] };
}
const lintJson = (...args: string[]): J => JSON.parse(run(['lint', '--format', 'json', ...args], dir).stdout) as J;
const exposed = (j: J) => j.files.flatMap((f) => f.findings.filter((x) => x.ruleId === 'exposed-port').map((x) => `${f.path}:${x.line}:${x.baselineState}`));

describe('prodready baseline', () => {
  it('writes the current findings sorted and stable, and lint then passes', () => {
    expect(run(['lint'], dir).code).toBe(1);
    const w = run(['baseline'], dir);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/wrote \d+ finding\(s\) to \.prodready-baseline\.json/);
    const text = fs.readFileSync(path.join(dir, '.prodready-baseline.json'), 'utf8');
    const data = JSON.parse(text) as { tool: string; version: number; findings: { file: string; rule: string; line: number }[] };
    expect(data.tool).toBe('prodready');
    const keys = data.findings.map((f) => `${f.file}\0${f.rule}\0${String(f.line).padStart(6, '0')}`);
    expect(keys).toEqual([...keys].sort());
    expect(data.findings.filter((f) => f.rule === 'exposed-port').length).toBe(4);
    // one entry per line: reviewable in a diff; a second run writes the same bytes
    expect(text.split('\n').filter((l) => l.includes('"fingerprint"')).length).toBe(data.findings.length);
    run(['baseline'], dir);
    expect(fs.readFileSync(path.join(dir, '.prodready-baseline.json'), 'utf8')).toBe(text);

    const r = run(['lint'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no problems .* in the baseline/);
  });

  it('edits above a finding do not resurrect it; a moved finding stays matched; a new one fails', () => {
    run(['baseline'], dir);
    // lines added above, and the db service moved above redis
    write('docker-compose.yml', `# the local stack\n\nservices:\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n\n  redis:\n    image: redis:7\n    ports:\n      - "6379:6379"\n`);
    let j = lintJson();
    expect(exposed(j).filter((x) => x.startsWith('docker-compose.yml'))).toEqual(['docker-compose.yml:7:unchanged', 'docker-compose.yml:12:unchanged']);
    expect(run(['lint'], dir).code).toBe(0);
    // a new finding: fails, and only it is new
    write('docker-compose.yml', `services:\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n  redis:\n    image: redis:7\n    ports:\n      - "6379:6379"\n  mongo:\n    image: mongo:7\n    ports:\n      - "27017:27017"\n`);
    j = lintJson();
    expect(exposed(j).filter((x) => x.endsWith(':new'))).toEqual(['docker-compose.yml:13:new']);
    const r = run(['lint'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('27017');
    expect(r.stdout).not.toContain('6379 on all');
    // --no-baseline shows everything
    expect(run(['lint', '--no-baseline'], dir).stdout).toContain('6379 on all');
  });

  it('fixed findings are reported as removable and --prune-baseline drops them', () => {
    run(['baseline'], dir);
    write('ops/docker-compose.yml', COMPOSE.replace('"6379:6379"', '"127.0.0.1:6379:6379"'));
    fs.rmSync(path.join(dir, 'docker-compose.yml'));
    const j = lintJson();
    expect(j.baseline!.absent.map((e) => `${e.file} ${e.rule}`).filter((x) => x.includes('exposed-port')).sort()).toEqual([
      'docker-compose.yml exposed-port',
      'docker-compose.yml exposed-port',
      'ops/docker-compose.yml exposed-port',
    ]);
    expect(run(['lint'], dir).stdout).toMatch(/3 baselined findings are gone \(drop with --prune-baseline\)|baselined findings are gone/);
    const p = run(['lint', '--prune-baseline'], dir);
    expect(p.stderr).toMatch(/removed \d+ fixed finding/);
    const left = JSON.parse(fs.readFileSync(path.join(dir, '.prodready-baseline.json'), 'utf8')).findings as { file: string; rule: string }[];
    expect(left.filter((f) => f.rule === 'exposed-port').map((f) => f.file)).toEqual(['ops/docker-compose.yml']);
    expect(lintJson().baseline!.absent).toEqual([]);
  });

  it('SARIF carries baselineState and partialFingerprints', () => {
    run(['baseline'], dir);
    write('docker-compose.yml', COMPOSE + '  mongo:\n    image: mongo:7\n    ports:\n      - "27017:27017"\n');
    fs.rmSync(path.join(dir, 'ops/docker-compose.yml'));
    const sarif = JSON.parse(run(['lint', '--format', 'sarif'], dir).stdout);
    const results = sarif.runs[0].results as { ruleId: string; baselineState: string; partialFingerprints: Record<string, string> }[];
    const states = results.filter((r) => r.ruleId === 'exposed-port').map((r) => r.baselineState).sort();
    expect(states).toEqual(['absent', 'absent', 'new', 'unchanged', 'unchanged']);
    const fps = results.map((r) => r.partialFingerprints['prodready/v1']);
    expect(fps.every((f) => /^[0-9a-f]{20}:\d+$/.test(f))).toBe(true);
    expect(new Set(fps).size).toBe(fps.length);
  });

  it('a malformed baseline is a config error naming the file', () => {
    write('.prodready-baseline.json', '{ "tool": "eslint" }');
    const r = run(['lint'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.prodready-baseline\.json: not a prodready baseline/);
    expect(run(['lint', '--baseline', 'missing.json'], dir).code).toBe(2);
    expect(run(['baseline', '--fix'], dir).code).toBe(2);
  });

  it('fingerprints ignore indentation and line numbers but not the code', () => {
    const fp = (t: string, needle: string) => {
      const at = t.indexOf(needle);
      return fingerprintOf(t, new LineIndex(t), 'exposed-port', 'allInterfaces', at, at + needle.length);
    };
    const a = fp('x\n  - "6379:6379"\n', '"6379:6379"');
    expect(fp('\n\n\n      -   "6379:6379"\n', '"6379:6379"')).toBe(a);
    expect(fp('x\n  - "6380:6379"\n', '"6380:6379"')).not.toBe(a);
    // the engine sets them on every finding, and the matcher counts duplicates
    const engine = createEngine({ rules });
    const r = scan(engine, { paths: ['.'], cwd: dir });
    const findings = r.files.flatMap((f) => f.findings);
    expect(findings.every((f) => typeof f.fingerprint === 'string')).toBe(true);
    const b = Baseline.of(path.join(dir, 'b.json'), findings.slice(0, 1));
    const { states } = b.matchFile(findings[0].absPath, findings);
    expect([...states.values()].filter((s) => s === 'unchanged').length).toBe(1);
  });
});

describe('baselined findings in the editor', () => {
  it('are hints by default, hidden with prodready.baseline = hide', async () => {
    run(['baseline'], dir);
    write('docker-compose.yml', COMPOSE + '  mongo:\n    image: mongo:7\n    ports:\n      - "27017:27017"\n');
    for (const mode of ['hint', 'hide'] as const) {
      const c = new Client(dir, [], { baseline: mode });
      await c.initialize(true);
      const doc = c.open('docker-compose.yml', 'yaml');
      const report = await c.pull(doc);
      const rows = report.items.filter((d) => d.code === 'exposed-port').map((d) => `${d.range.start.line + 1}:${d.severity}`);
      // severities: 1 error, 4 hint
      if (mode === 'hint') expect(rows).toEqual(['5:4', '9:4', '13:1']);
      else expect(rows).toEqual(['13:1']);
      expect(await c.stop()).toBe(0);
    }
  }, 30_000);
});
