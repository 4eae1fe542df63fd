/** The built CLI, run as a process (bin/prodready.js → dist/cli.js), on a temporary copy of a fixture project. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rules } from '../rules/index';
import { copyDir, tmpDir } from './harness';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'prodready.js');
const FIXTURE = path.join(__dirname, 'fixtures', 'cli-project');

function run(args: string[], cwd: string, env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeEach(() => {
  dir = tmpDir('cli');
  copyDir(FIXTURE, dir);
  // what the walk must skip: dependencies and .gitignore'd folders
  for (const d of ['node_modules/pkg', 'ignored']) {
    fs.mkdirSync(path.join(dir, d), { recursive: true });
    fs.writeFileSync(path.join(dir, d, 'docker-compose.yml'), 'services:\n  redis:\n    image: redis\n    ports:\n      - "6379:6379"\n');
  }
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const json = (s: string) => JSON.parse(s);

describe('prodready lint', () => {
  it('text: grouped by file, summary, no colour when piped, exit 1', () => {
    const r = run(['lint'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('docker-compose.yml\n  5:9  error  Service "redis" publishes port 6379 on all interfaces.  exposed-port  (fixable)');
    expect(r.stdout).toContain('ops/compose.yaml');
    expect(r.stdout).not.toContain('node_modules');
    expect(r.stdout).not.toContain('ignored/');
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(r.stdout).toMatch(/✖ 3 problems \(2 errors, 0 warnings, 1 info\) in \d+ files · 2 fixable with --fix · 1 suppressed/);
  });

  it('text: colour on request', () => {
    expect(run(['lint', '--color'], dir).stdout).toMatch(/\u001b\[31merror/);
  });

  it('a malformed file is reported as parse-error (info) and the scan goes on', () => {
    const r = json(run(['lint', '--format', 'json'], dir).stdout);
    const broken = r.files.find((f: { path: string }) => f.path === 'ops/docker-compose.broken.yml');
    expect(broken.findings.map((f: { ruleId: string; severity: string }) => [f.ruleId, f.severity])).toContainEqual(['parse-error', 'info']);
  });

  it('json: stable schema with summary, findings, fixes and suppressions', () => {
    const r = run(['lint', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const out = json(r.stdout);
    expect(out.version).toBe(1);
    expect(out.tool.name).toBe('prodready');
    expect(out.summary).toMatchObject({ findings: 3, errors: 2, infos: 1, suppressed: 1, fixable: 2 });
    const compose = out.files.find((f: { path: string }) => f.path === 'docker-compose.yml');
    expect(compose.kind).toBe('compose');
    const [redis, pg] = compose.findings;
    expect(redis).toMatchObject({ ruleId: 'exposed-port', severity: 'error', line: 5, column: 9, messageId: 'allInterfaces' });
    expect(redis.fix.title).toBe('Bind the port to 127.0.0.1');
    expect(redis.fix.edits).toEqual([{ start: expect.any(Number), end: expect.any(Number), text: '127.0.0.1:' }]);
    expect(pg.suppressed).toEqual({ kind: 'inSource', justification: "reachable only on the dev VM's private network" });
  });

  it('sarif: valid SARIF 2.1.0 with rules, levels, fixes and suppressions', () => {
    const r = run(['lint', '--format', 'sarif'], dir);
    expect(r.code).toBe(1);
    const log = json(r.stdout);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(json(fs.readFileSync(path.join(__dirname, 'fixtures', 'sarif', 'sarif-2.1.0.json'), 'utf8')));
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
    const run0 = log.runs[0];
    const driverIds = run0.tool.driver.rules.map((x: { id: string }) => x.id);
    for (const rule of rules) expect(driverIds).toContain(rule.id);
    const ep = run0.tool.driver.rules.find((x: { id: string }) => x.id === 'exposed-port');
    expect(ep).toMatchObject({ name: 'ExposedPort', defaultConfiguration: { level: 'error' }, helpUri: expect.stringContaining('rules/exposed-port') });
    const redis = run0.results.find((x: { message: { text: string } }) => x.message.text.includes('redis'));
    expect(redis).toMatchObject({ ruleId: 'exposed-port', level: 'error' });
    expect(redis.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: 'docker-compose.yml' }, region: { startLine: 5, startColumn: 9 } });
    expect(redis.fixes[0].artifactChanges[0].replacements[0].insertedContent.text).toBe('127.0.0.1:');
    const suppressed = run0.results.filter((x: { suppressions?: unknown[] }) => x.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0].suppressions[0]).toEqual({ kind: 'inSource', status: 'accepted', justification: "reachable only on the dev VM's private network" });
    const pe = run0.results.find((x: { ruleId: string }) => x.ruleId === 'parse-error');
    expect(pe.level).toBe('note');
  });

  it('github: one workflow command per unsuppressed finding', () => {
    const r = run(['lint', '--format', 'github'], dir);
    const cmds = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(cmds).toHaveLength(3);
    expect(cmds).toContain(
      '::error file=docker-compose.yml,line=5,col=9,endLine=5,endColumn=20,title=prodready(exposed-port)::Service "redis" publishes port 6379 on all interfaces. (fixable with prodready lint --fix)',
    );
    expect(cmds.some((c) => c.startsWith('::notice file=ops/docker-compose.broken.yml'))).toBe(true);
  });

  it('--output writes the report to a file', () => {
    const r = run(['lint', '-f', 'json', '-o', 'out/report.json'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(json(fs.readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')).summary.findings).toBe(3);
  });

  it('--fail-on sets the threshold of exit code 1', () => {
    fs.writeFileSync(path.join(dir, '.prodready.json'), '{ "rules": { "exposed-port": "warning" } }');
    expect(run(['lint', '--fail-on', 'error'], dir).code).toBe(0);
    expect(run(['lint'], dir).code).toBe(1);
    fs.rmSync(path.join(dir, 'ops', 'docker-compose.broken.yml'));
    fs.writeFileSync(path.join(dir, '.prodready.json'), '{ "rules": { "exposed-port": "off" } }');
    expect(run(['lint'], dir).code).toBe(0);
  });

  it('exit 0 and a clean summary on a clean tree', () => {
    const r = run(['lint', 'src'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✔ no problems in 1 file/);
  });

  it('--fix rewrites files, keeps CRLF, and reports what remains', () => {
    const r = run(['lint', '--fix'], dir);
    expect(fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')).toContain('- "127.0.0.1:6379:6379"');
    expect(fs.readFileSync(path.join(dir, 'ops', 'compose.yaml'), 'utf8')).toBe(
      'services:\r\n  mongo:\r\n    image: mongo:7\r\n    ports:\r\n      - 127.0.0.1:27017:27017\r\n',
    );
    // the suppressed finding is not fixed
    expect(fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')).toContain('- "5432:5432"');
    expect(r.stdout).toContain('2 fixed');
    expect(r.code).toBe(0); // only the parse-error (info) remains
    expect(run(['lint', '--fix'], dir).stdout).not.toContain('fixed');
  });

  it('--fix keeps the file mode and a UTF-16 encoding', () => {
    const file = path.join(dir, 'ops', 'compose.yaml');
    const text = 'services:\n  redis:\n    image: redis\n    ports:\n      - "6379:6379"\n';
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    fs.chmodSync(file, 0o640);
    run(['lint', '--fix', 'ops/compose.yaml'], dir);
    const bytes = fs.readFileSync(file);
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(bytes.subarray(2).toString('utf16le')).toBe(text.replace('"6379:6379"', '"127.0.0.1:6379:6379"'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(path.join(dir, 'ops')).filter((f) => f.includes('prodready'))).toEqual([]);
  });

  it('--fix-dry-run prints a unified diff and writes nothing', () => {
    const before = fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8');
    const r = run(['lint', '--fix-dry-run'], dir);
    expect(r.stdout).toContain('--- a/docker-compose.yml');
    expect(r.stdout).toContain('-      - "6379:6379"');
    expect(r.stdout).toContain('+      - "127.0.0.1:6379:6379"');
    expect(fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')).toBe(before);
  });

  it('--require-reason and --report-unused-disable-directives', () => {
    fs.writeFileSync(
      path.join(dir, 'docker-compose.yml'),
      'services:\n  redis:\n    image: redis\n    ports:\n      # prodready-disable-next-line exposed-port\n      - "6379:6379"\n      # prodready-disable-next-line exposed-port -- stale\n      - "127.0.0.1:6380:6379"\n',
    );
    const out = json(run(['lint', 'docker-compose.yml', '-f', 'json', '--require-reason', '--report-unused-disable-directives'], dir).stdout);
    expect(out.files[0].findings.filter((f: { suppressed?: unknown }) => !f.suppressed).map((f: { ruleId: string; line: number }) => `${f.line}:${f.ruleId}`)).toEqual([
      '5:disable-without-reason',
      '7:unused-disable-directive',
    ]);
  });

  it('include and exclude globs from the config', () => {
    fs.writeFileSync(path.join(dir, '.prodready.json'), '{ "exclude": ["ops/**"] }');
    const out = json(run(['lint', '-f', 'json'], dir).stdout);
    expect(out.files.map((f: { path: string }) => f.path)).not.toContain('ops/compose.yaml');
    fs.writeFileSync(path.join(dir, '.prodready.json'), '{ "include": ["ops/compose.yaml"] }');
    const only = json(run(['lint', '-f', 'json'], dir).stdout);
    expect(only.files.map((f: { path: string }) => f.path)).toEqual(['ops/compose.yaml']);
  });
});

describe('errors and usage (exit 2)', () => {
  it('a config error names the key and suggests the closest id', () => {
    fs.writeFileSync(path.join(dir, '.prodready.json'), '{ "rules": { "exposed-ports": "error" } }');
    const r = run(['lint'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown rule "exposed-ports"');
    expect(r.stderr).toContain('Did you mean "exposed-port"?');
    expect(r.stdout).toBe('');
  });

  it('bad flags, values, commands and paths', () => {
    const badFormat = run(['lint', '--format', 'xml'], dir);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('Allowed values: text, json, sarif, github');
    expect(run(['lint', '--frobnicate'], dir).code).toBe(2);
    const cmd = run(['lnit'], dir);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('Did you mean "lint"?');
    const missing = run(['lint', 'nope/'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope/');
    expect(run(['lint', '--fix', '--fix-dry-run'], dir).code).toBe(2);
    expect(run([], dir).code).toBe(2);
  });

  it('--help and --version exit 0', () => {
    expect(run(['--help'], dir)).toMatchObject({ code: 0, stdout: expect.stringContaining('prodready lint [paths...]') });
    expect(run(['--version'], dir).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('prodready rules and init', () => {
  it('rules lists every rule, as text and JSON', () => {
    const text = run(['rules'], dir).stdout;
    for (const r of rules) expect(text).toContain(r.id);
    const list = json(run(['rules', '--format', 'json'], dir).stdout);
    expect(list.map((r: { id: string }) => r.id)).toEqual(rules.map((r) => r.id));
    expect(list[0]).toEqual(expect.objectContaining({ id: expect.any(String), severity: expect.any(String), kinds: expect.any(Array), fixable: expect.any(Boolean), docsUrl: expect.any(String) }));
  });

  it('init writes a valid starter config once', () => {
    fs.rmSync(path.join(dir, '.prodready.json'), { force: true });
    expect(run(['init'], dir).code).toBe(0);
    expect(fs.existsSync(path.join(dir, '.prodready.json'))).toBe(true);
    // the written config is accepted by lint (exit 1 for findings, not 2 for config)
    expect(run(['lint'], dir).code).toBe(1);
    expect(run(['init'], dir).code).toBe(2);
    expect(run(['init', '--force'], dir).code).toBe(0);
  });
});
