/**
 * Bad input of every kind, generated here: truncated and random-byte files, a 50 MB file, one 10 MB line, 10,000
 * levels of nesting, BOM/CRLF/UTF-16/invalid UTF-8, YAML duplicate keys, anchors and an alias bomb, a symlink
 * loop, a dangling link, a file deleted during the scan. The CLI runs over all of it with a small heap: it must
 * not crash, not hang, stay inside the heap, report every file it skipped, and exit 0 or 1. The language server
 * gets the same documents opened over JSON-RPC and must answer each and keep serving.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { classify, createEngine, scan } from '../server/src/engine';
import { rules } from '../rules/index';
import { tmpDir } from './harness';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'prodready.js');
const SERVER = path.join(ROOT, 'dist', 'server.js');

/** A small seeded PRNG so the random files are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One plausible file of each kind, with findings in it, at a path that classifies as that kind. */
const SAMPLES: Record<string, string> = {
  'src/server.ts': "import express from 'express';\nconst app = express();\nconst secret = process.env.JWT_SECRET || 'dev';\napp.listen(3000);\nfetch('https://api.example.com/x');\n",
  'next.config.js': "module.exports = { async headers() { return [{ source: '/(.*)', headers: [{ key: 'Access-Control-Allow-Origin', value: '*' }] }]; } };\n",
  'docker-compose.yml': 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n    ports:\n      - "5432:5432"\n',
  '.github/workflows/deploy.yml': 'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm audit || true\n      - run: flyctl deploy\n',
  'k8s/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: acme/api:1\n',
  '.env.production': 'JWT_SECRET=short\nNODE_TLS_REJECT_UNAUTHORIZED=0\nALLOWED_ORIGINS=*\n',
  Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nEXPOSE 3000\nCMD ["node", "server.js"]\n',
  'nginx/nginx.conf': 'http {\n  server {\n    listen 443 ssl;\n    ssl_protocols TLSv1 TLSv1.2;\n    location / { proxy_pass http://app:3000; }\n  }\n}\n',
  'redis/redis.conf': 'bind 0.0.0.0\nprotected-mode no\nappendonly no\n',
  'supabase/migrations/20240101000000_init.sql': "create table public.profiles (id uuid primary key, name text default 'x;y');\n",
};

function nested(kind: string, depth: number): string {
  switch (kind) {
    case 'src/server.ts':
      return `const x = ${'(\n'.repeat(depth)}1${')\n'.repeat(depth)};\n`;
    case 'next.config.js':
      return `module.exports = ${'{ a:\n'.repeat(depth)}1${'}\n'.repeat(depth)};\n`;
    case 'docker-compose.yml':
    case '.github/workflows/deploy.yml':
    case 'k8s/deploy.yaml':
      return `services:\n  a: ${'[\n'.repeat(depth)}${']\n'.repeat(depth)}`;
    case 'nginx/nginx.conf':
      return `${'a {\n'.repeat(depth)}${'}\n'.repeat(depth)}`;
    case 'supabase/migrations/20240101000000_init.sql':
      return `select ${'(\n'.repeat(depth)}1${')\n'.repeat(depth)};\n`;
    default:
      return `${'x\\\n'.repeat(depth)}\n`;
  }
}

let root: string;
/** paths (relative to root) of every generated file that classifies as one of our kinds */
const ours: string[] = [];

function put(rel: string, data: string | Buffer): void {
  const abs = path.join(root, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, data);
  if (classify(rel, () => (typeof data === 'string' ? data : data.toString('utf8')))?.production) ours.push(rel);
}

beforeAll(() => {
  root = tmpDir('robust');
  fs.mkdirSync(path.join(root, '.git'));
  const rand = rng(42);
  for (const [rel, text] of Object.entries(SAMPLES)) {
    put(`ok/${rel}`, text);
    put(`truncated/${rel}`, text.slice(0, Math.floor(text.length / 2)));
    put(`random/${rel}`, Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rand() * 256))));
    put(`printable/${rel}`, Array.from({ length: 4096 }, () => ' {}[]()"\'`:;,-=|&*!#$\\\n\tabcXYZ019'[Math.floor(rand() * 40)]).join(''));
    put(`bom-crlf/${rel}`, '\ufeff' + text.replace(/\n/g, '\r\n'));
    put(`utf16/${rel}`, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    put(`utf16be/${rel}`, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
    put(`bad-utf8/${rel}`, Buffer.concat([Buffer.from(text.slice(0, 20)), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xa0, 0xa1]), Buffer.from(text.slice(20))]));
    put(`deep/${rel}`, nested(rel, 10_000));
    put(`empty/${rel}`, '');
  }
  // YAML: duplicate keys, anchors and merge keys, an alias bomb
  put('yaml/docker-compose.yml', 'services:\n  db: &db\n    image: postgres\n    ports: ["5432:5432"]\n  db: *db\n  copy:\n    <<: *db\n    <<: *db\n');
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  put('yaml/k8s/bomb.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  ${bomb.join('\n  ')}\n`);
  put('yaml/compose.bomb.yaml', `services:\n  x:\n    image: redis\n    environment:\n      ${bomb.join('\n      ')}\n`);
  // size: a 50 MB file and a 10 MB single line
  put('big/src/huge.ts', `export const a = [\n${'  "0123456789abcdef0123456789abcdef0123456789",\n'.repeat(1_100_000)}];\n`);
  put('big/src/oneline.js', `var x=${'1+'.repeat(5_000_000)}1;`);
  // a symlink loop and a dangling link
  fs.mkdirSync(path.join(root, 'links'), { recursive: true });
  fs.symlinkSync('..', path.join(root, 'links', 'loop'));
  fs.symlinkSync(path.join(root, 'no-such-file.ts'), path.join(root, 'links', 'dangling.ts'));
  // unreadable (effective when the tests do not run as root)
  put('locked/src/locked.ts', 'export const t = process.env.API_TOKEN || "locked";\n');
  fs.chmodSync(path.join(root, 'locked/src/locked.ts'), 0o000);
}, 60_000);

afterAll(() => {
  try {
    fs.chmodSync(path.join(root, 'locked/src/locked.ts'), 0o644);
  } catch {
    /* gone */
  }
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the CLI on bad input of every kind', () => {
  it('finishes with exit 0 or 1 inside a 384 MB heap, reports every file it did not check, and never errs internally', () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--max-old-space-size=384', BIN, 'lint', '.', '--format', 'json', '--file-budget', '5000'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 180_000,
    });
    expect(r.error, String(r.error)).toBeUndefined();
    expect([0, 1], `exit ${r.status} signal ${r.signal}\n${r.stderr}`).toContain(r.status);
    expect(r.stderr).not.toMatch(/internal error|FATAL|heap out of memory/i);
    const report = JSON.parse(r.stdout) as { files: { path: string; findings: { ruleId: string }[] }[]; skipped: { path: string; reason: string }[] };
    const seen = new Set([...report.files.map((f) => f.path), ...report.skipped.map((s) => s.path)]);
    const missing = ours.filter((p) => !seen.has(p) && !p.startsWith('locked/'));
    expect(missing, 'every file of our kinds is linted or reported as skipped').toEqual([]);
    // no rule crashed on any of it
    const crashes = report.files.flatMap((f) => f.findings.filter((x) => x.ruleId === 'internal-error').map(() => f.path));
    expect(crashes).toEqual([]);
    const reasons = new Map(report.skipped.map((s) => [s.path, s.reason]));
    expect(reasons.get('big/src/huge.ts')).toMatch(/larger than/);
    expect(reasons.get('big/src/oneline.js')).toMatch(/larger than|minified/);
    expect(reasons.get('random/src/server.ts')).toBe('binary');
    // the samples are found as they are when linted alone: bad neighbours hide nothing
    const alone = JSON.parse(spawnSync(process.execPath, [BIN, 'lint', 'ok', '--format', 'json'], { cwd: root, encoding: 'utf8' }).stdout) as typeof report;
    const rows = (rep: typeof report) => rep.files.filter((f) => f.path.startsWith('ok/')).flatMap((f) => f.findings.map((x) => `${f.path} ${x.ruleId}`)).sort();
    expect(rows(alone).length).toBeGreaterThanOrEqual(3);
    expect(rows(report)).toEqual(rows(alone));
    expect(Date.now() - started).toBeLessThan(120_000);
  }, 200_000);

  it('a file deleted between the walk and the read is reported and the scan goes on', () => {
    const engine = createEngine({ rules });
    const gone = path.join(root, 'ok', 'src', 'deleted-meanwhile.ts');
    const r = scan(engine, { paths: ['.'], cwd: root, files: [gone, path.join(root, 'ok', 'src', 'server.ts')] });
    expect(r.skipped).toContainEqual({ absPath: gone, reason: 'cannot read: ENOENT' });
    expect(r.files.map((f) => f.path)).toContain('ok/src/server.ts');
  });
});

describe('the language server on bad input of every kind', () => {
  it('answers a pull for each document and keeps serving', async () => {
    const proc = spawn(process.execPath, ['--max-old-space-size=384', SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    conn.listen();
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'robust' }],
      capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } } },
      initializationOptions: { scope: 'openFiles' },
    });
    conn.sendNotification('initialized', {});
    const docs = ours.filter((p) => !p.startsWith('big/') && !p.startsWith('locked/'));
    let answered = 0;
    for (const rel of docs) {
      const abs = path.join(root, rel);
      const text = fs.readFileSync(abs).toString('utf8');
      const uri = pathToFileURL(abs).href;
      conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'plaintext', version: 1, text } });
      const report = (await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: unknown[] };
      expect(Array.isArray(report.items), rel).toBe(true);
      conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
      answered++;
    }
    expect(answered).toBe(docs.length);
    // still serving: a good document gets its findings
    const uri = pathToFileURL(path.join(root, 'ok', 'docker-compose.yml')).href;
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: SAMPLES['docker-compose.yml'] } });
    const after = (await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: { code: string }[] };
    expect(after.items.map((d) => d.code)).toContain('exposed-port');
    await conn.sendRequest('shutdown');
    const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
    conn.sendNotification('exit');
    expect(await exited).toBe(0);
    conn.dispose();
  }, 120_000);
});
