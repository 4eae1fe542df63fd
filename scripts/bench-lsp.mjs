#!/usr/bin/env node
// `npm run bench:lsp -- [repo dir]`: latency of the bundled language server over stdio, as an editor sees it.
//   - didChange → publishDiagnostics for that version, on a 2,000-line TypeScript file and a 300-line compose
//     file: p50 and p95 over 100 edits each (push mode, one edit at a time);
//   - the background workspace scan of a real repository (default /tmp/corpus/trigger, else examples/):
//     time from `initialized` to the end of the work-done progress, and the server's RSS and heap after it;
//   - then, in the same server, the load test of issue 6 (50 edits a second to a 2,000-line file for 10 s):
//     latency of the final version's diagnostics, and RSS and heap afterwards (heap after a collection).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');
const SERVER = path.join(ROOT, 'dist', 'server.js');
const repo = process.argv[2] ?? (fs.existsSync('/tmp/corpus/trigger') ? '/tmp/corpus/trigger' : path.join(ROOT, 'examples'));

function start(root, scope) {
  const proc = spawn(process.execPath, ['--expose-gc', SERVER, '--stdio'], { cwd: root });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const listeners = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => listeners.forEach((l) => l(p)));
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({ scope, run: 'onType', enable: true })));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('window/showMessageRequest', () => null);
  const progress = [];
  conn.onNotification('$/progress', (p) => progress.forEach((l) => l(p)));
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  return { proc, conn, listeners, progress };
}

async function init(s, root) {
  await s.conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }],
    capabilities: { workspace: { configuration: true }, window: { workDoneProgress: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
  });
  await s.conn.sendNotification('initialized', {});
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function editLatency(name, text, languageId, editLine) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-bench-lsp-'));
  const file = path.join(root, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  const s = start(root, 'openFiles');
  await init(s, root);
  const uri = pathToFileURL(file).href;
  const waitFor = (version) => new Promise((resolve) => s.listeners.push(function l(p) {
    if (p.uri === uri && p.version === version) {
      s.listeners.splice(s.listeners.indexOf(l), 1);
      resolve(p);
    }
  }));
  let w = waitFor(1);
  await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  const first = await w;
  const times = [];
  for (let v = 2; v <= 101; v++) {
    w = waitFor(v);
    const t0 = performance.now();
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line: editLine, character: 0 }, end: { line: editLine, character: 0 } }, text: v % 2 ? ' ' : '' }],
    });
    await w;
    times.push(performance.now() - t0);
  }
  await s.conn.sendRequest('shutdown');
  await s.conn.sendNotification('exit');
  fs.rmSync(root, { recursive: true, force: true });
  return { findings: first.diagnostics.length, p50: pct(times, 50), p95: pct(times, 95) };
}

function bigTs() {
  const lines = ["import express from 'express';", "import cors from 'cors';", "import axios from 'axios';", 'const app = express();', 'app.use(cors());'];
  let i = 0;
  while (lines.length < 2000) {
    lines.push(`export async function handler${i}(req: { params: { id: string } }) {`, `  const r = await fetch('https://api.example.com/items/' + req.params.id);`, `  console.log('fetched', r.status, ${i});`, `  return { id: req.params.id, n: ${i} };`, '}', '');
    i++;
  }
  return lines.slice(0, 2000).join('\n') + '\n';
}

function bigCompose() {
  const lines = ['services:'];
  let i = 0;
  while (lines.length < 300) {
    lines.push(`  svc${i}:`, `    image: ${i % 3 ? 'ghcr.io/acme/app:1' : 'redis:7'}`, '    ports:', `      - "${6000 + i}:${6000 + i}"`, '    environment:', `      NAME: svc${i}`);
    i++;
  }
  return lines.slice(0, 300).join('\n') + '\n';
}

async function workspaceScan(root) {
  const s = start(root, 'workspace');
  let published = 0;
  s.listeners.push(() => published++);
  const t0 = performance.now();
  const done = new Promise((resolve) => s.progress.push((p) => p.value?.kind === 'end' && resolve()));
  await init(s, root);
  await done;
  const ms = performance.now() - t0;
  const rssOf = () => Number(fs.readFileSync(`/proc/${s.proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? NaN) / 1024;
  const stats = () => s.conn.sendRequest('prodready/stats', { gc: true });
  const afterScan = { rssMB: rssOf(), heapMB: (await stats()).heapUsed / 1e6 };

  // the load test: 50 edits a second for 10 s to a 2,000-line file inside the scanned workspace
  const dir = fs.mkdtempSync(path.join(root, '.prodready-bench-'));
  const file = path.join(dir, 'big.ts');
  const text = bigTs();
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  let version = 1;
  let lastSeen = 0;
  s.listeners.push((p) => {
    if (p.uri === uri) lastSeen = Math.max(lastSeen, p.version ?? 0);
  });
  await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version, text } });
  const started = performance.now();
  for (let i = 0; i < 500; i++) {
    version++;
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: 10 + ((i * 7) % 1900), character: 0 }, end: { line: 10 + ((i * 7) % 1900), character: 0 } }, text: i % 2 ? 'x' : '' }],
    });
    const wait = started + (i + 1) * 20 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const lastEdit = performance.now();
  while (lastSeen < version && performance.now() - lastEdit < 10_000) await new Promise((r) => setTimeout(r, 5));
  const finalMs = performance.now() - lastEdit;
  await s.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  await new Promise((r) => setTimeout(r, 500));
  const afterLoad = { rssMB: rssOf(), heapMB: (await stats()).heapUsed / 1e6 };
  fs.rmSync(dir, { recursive: true, force: true });
  await s.conn.sendRequest('shutdown');
  await s.conn.sendNotification('exit');
  return { ms, published, afterScan, afterLoad, finalMs };
}

const ts = await editLatency('src/big.ts', bigTs(), 'typescript', 1000);
console.log(`2,000-line TypeScript file (${ts.findings} findings): didChange → diagnostics p50 ${ts.p50.toFixed(1)} ms, p95 ${ts.p95.toFixed(1)} ms (100 edits)`);
const yml = await editLatency('docker-compose.yml', bigCompose(), 'yaml', 150);
console.log(`300-line compose file (${yml.findings} findings): didChange → diagnostics p50 ${yml.p50.toFixed(1)} ms, p95 ${yml.p95.toFixed(1)} ms (100 edits)`);
const scan = await workspaceScan(repo);
console.log(`workspace scan of ${repo}: ${(scan.ms / 1000).toFixed(2)} s, ${scan.published} publishes; after it the server has RSS ${scan.afterScan.rssMB.toFixed(0)} MB, heap ${scan.afterScan.heapMB.toFixed(0)} MB`);
console.log(`load test (50 edits/s for 10 s on a 2,000-line file): final diagnostics ${scan.finalMs.toFixed(0)} ms after the last edit; after it RSS ${scan.afterLoad.rssMB.toFixed(0)} MB (${((scan.afterLoad.rssMB / scan.afterScan.rssMB - 1) * 100).toFixed(1)} %), heap ${scan.afterLoad.heapMB.toFixed(0)} MB (${((scan.afterLoad.heapMB / scan.afterScan.heapMB - 1) * 100).toFixed(1)} %)`);
