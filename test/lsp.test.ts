/** The bundled language server over a real JSON-RPC connection (stdio), as an editor drives it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tmpDir } from './harness';
import { Client } from './lspClient';

const COMPOSE = 'services:\n  redis:\n    image: redis:7\n    ports:\n      - "6379:6379"\n  web:\n    image: nginx\n    ports:\n      - "443:443"\n';
const CODE = [
  "import express from 'express';",
  "import cors from 'cors';",
  '',
  'const app = express();',
  'app.use(cors());',
  "app.use('/a', cors({ origin: '*' }));",
  '',
  // security headers are set (missing-security-headers stays quiet); imports may come last in a module
  "import helmet from 'helmet';",
  'app.use(helmet());',
  '',
].join('\n');

let clients: Client[] = [];
afterEach(() => {
  for (const c of clients) c.proc.kill();
  clients = [];
});

function workspace(): string {
  const root = tmpDir('lsp');
  fs.mkdirSync(path.join(root, 'src'), { recursive: true });
  fs.mkdirSync(path.join(root, 'ops'), { recursive: true });
  fs.writeFileSync(path.join(root, 'docker-compose.yml'), COMPOSE);
  fs.writeFileSync(path.join(root, 'src', 'app.ts'), CODE);
  fs.writeFileSync(path.join(root, 'ops', 'compose.yaml'), 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n');
  fs.writeFileSync(path.join(root, '.prodready.json'), '{ "rules": {} }\n');
  return root;
}

function client(root: string): Client {
  const c = new Client(root);
  clients.push(c);
  return c;
}

describe('language server over stdio', () => {
  it('pull diagnostics, a quick fix applied, and diagnostics for the new version', async () => {
    const c = client(workspace());
    const init = await c.initialize(true);
    expect(init.capabilities.diagnosticProvider).toMatchObject({ identifier: 'prodready' });
    let doc = c.open('docker-compose.yml', 'dockercompose');
    const report = await c.pull(doc);
    expect(report.items.map((d) => [d.code, d.range.start.line, d.source, d.severity])).toEqual([['exposed-port', 4, 'prodready', 1]]);
    expect(report.items[0].codeDescription?.href).toMatch(/rules\/exposed-port\/README\.md$/);

    const actions = (await c.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: report.items[0].range,
      context: { diagnostics: report.items, only: ['quickfix'] },
    })) as { title: string; isPreferred?: boolean; edit?: { changes: Record<string, { range: never; newText: string }[]> }; command?: { command: string } }[];
    const titles = actions.map((a) => a.title);
    expect(titles).toEqual(['Bind the port to 127.0.0.1', 'Disable exposed-port for this line', 'Disable exposed-port for this file', 'Show documentation for exposed-port']);
    expect(actions[0].isPreferred).toBe(true);
    doc = c.change(doc, actions[0].edit!.changes[doc.uri]);
    expect(doc.getText()).toContain('- "127.0.0.1:6379:6379"');
    expect((await c.pull(doc)).items).toEqual([]);

    // the disable action writes a next-line directive in YAML comment syntax
    doc = c.change(doc, [{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 100 } }, newText: '      - "6379:6379"' }]);
    const again = (await c.pull(doc)).items;
    const disable = ((await c.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: again[0].range, context: { diagnostics: again } })) as { title: string; edit?: { changes: Record<string, never[]> } }[]).find((a) => a.title === 'Disable exposed-port for this line')!;
    doc = c.change(doc, disable.edit!.changes[doc.uri]);
    expect(doc.getText()).toContain('      # prodready-disable-next-line exposed-port -- reason\n      - "6379:6379"');
    expect((await c.pull(doc)).items).toEqual([]);
    expect(await c.stop()).toBe(0);
  });

  it('pushes versioned diagnostics to clients without pull support; fix-all and source.fixAll', async () => {
    const c = client(workspace());
    const init = await c.initialize(false);
    expect(init.capabilities.diagnosticProvider).toBeUndefined();
    let doc = c.open('src/app.ts', 'typescript');
    const first = await c.until(() => c.lastPublished(doc.uri, 1), 'diagnostics for version 1');
    expect(first.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([
      ['open-cors', 4],
      ['open-cors', 5],
    ]);
    const quick = (await c.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: first.diagnostics[0].range, context: { diagnostics: first.diagnostics } })) as { title: string; kind: string; edit?: { changes: Record<string, never[]> } }[];
    expect(quick.map((a) => a.title)).toContain('Fix all open-cors problems in this file');
    const fixAll = (await c.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } })) as { kind: string; edit: { changes: Record<string, never[]> } }[];
    expect(fixAll.map((a) => a.kind)).toEqual(['source.fixAll.prodready']);
    doc = c.change(doc, fixAll[0].edit.changes[doc.uri]);
    expect(doc.getText()).toContain("app.use(cors({ origin: process.env.ALLOWED_ORIGINS?.split(',') ?? [] }));");
    const second = await c.until(() => c.lastPublished(doc.uri, 2), 'diagnostics for version 2');
    expect(second.diagnostics).toEqual([]);
    expect(await c.stop()).toBe(0);
  });

  it('the newest version wins when edits arrive faster than validation', async () => {
    const c = client(workspace());
    await c.initialize(false);
    let doc = c.open('src/app.ts', 'typescript');
    for (let i = 0; i < 20; i++) doc = c.change(doc, [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, newText: `// edit ${i}\n` }]);
    const last = await c.until(() => c.lastPublished(doc.uri, doc.version), `diagnostics for version ${doc.version}`);
    expect(last.diagnostics).toHaveLength(2);
    // no publish for an older version arrives after the newest one
    const idx = c.published.lastIndexOf(last);
    await new Promise((r) => setTimeout(r, 300));
    // (the same version may be published again, when the workspace scan completes the project view)
    expect(c.published.slice(idx + 1).filter((p) => p.uri === doc.uri && (p.version ?? 0) < doc.version)).toEqual([]);
  });

  it('scans the workspace and reports files that are not open', async () => {
    const root = workspace();
    const c = client(root);
    await c.initialize(true);
    const uri = pathToFileURL(path.join(root, 'ops', 'compose.yaml')).href;
    const pub = await c.until(() => c.lastPublished(uri), 'workspace diagnostics for ops/compose.yaml');
    expect(pub.diagnostics.map((d) => d.code)).toEqual(['exposed-port']);
    const app = await c.until(() => c.lastPublished(pathToFileURL(path.join(root, 'src', 'app.ts')).href), 'workspace diagnostics for src/app.ts');
    expect(app.diagnostics).toHaveLength(2);
  });

  it('an invalid config is reported on the config file and the last good one keeps working', async () => {
    const root = workspace();
    fs.writeFileSync(path.join(root, '.prodready.json'), '{ "rules": { "exposed-port": "warning" } }\n');
    const c = client(root);
    await c.initialize(true);
    const doc = c.open('docker-compose.yml', 'dockercompose');
    expect((await c.pull(doc)).items.map((d) => d.severity)).toEqual([2]);
    const cfg = path.join(root, '.prodready.json');
    fs.writeFileSync(cfg, '{\n  "rules": { "exposed-ports": "error" }\n}\n');
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(cfg).href, type: 2 }] });
    await c.until(() => c.refreshes > 0 || undefined, 'a diagnostics refresh');
    const items = (await c.pull(doc)).items;
    expect(items.map((d) => d.severity)).toEqual([2]); // still the last good config: warning
    const onConfig = await c.until(() => c.lastPublished(pathToFileURL(cfg).href), 'a diagnostic on the config file');
    expect(onConfig.diagnostics[0].message).toContain('unknown rule "exposed-ports"');
    expect(onConfig.diagnostics[0].message).toContain('Did you mean "exposed-port"?');
    expect(onConfig.diagnostics[0].range.start.line).toBe(1);
    expect(c.messages.some((m) => m.includes('exposed-ports'))).toBe(true);
  });

  it('survives malformed documents of every kind', async () => {
    const c = client(workspace());
    await c.initialize(true);
    const broken: [string, string, string][] = [
      ['src/broken.ts', 'typescript', "import cors from 'cors';\nconst app = (;\napp.use(cors());\n"],
      ['docker-compose.broken.yml', 'yaml', 'services:\n  redis: [unclosed\n    ports:\n      - "6379:6379\n'],
      ['src/bin.js', 'javascript', '\u0000\u0001\u0002 cors( Access-Control-Allow-Origin'],
    ];
    for (const [rel, lang, text] of broken) {
      fs.writeFileSync(path.join(c.root, rel), text);
      const doc = c.open(rel, lang);
      const report = await c.pull(doc);
      expect(Array.isArray(report.items)).toBe(true);
    }
    const ok = c.open('docker-compose.yml', 'yaml');
    expect((await c.pull(ok)).items.map((d) => d.code)).toEqual(['exposed-port']);
    expect(await c.stop()).toBe(0);
  });
});

describe('project-level findings in the editor', () => {
  it('decide with the facts of unopened files, and follow edits to them', async () => {
    const root = tmpDir('lsp-project');
    fs.mkdirSync(path.join(root, '.git'));
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), '{ "name": "api", "dependencies": { "express": "4" } }\n');
    fs.writeFileSync(path.join(root, 'src', 'server.ts'), "import express from 'express';\nconst app = express();\nexport const server = app.listen(3000);\n");
    const handler = "import { server } from './server';\nprocess.on('SIGTERM', () => server.close());\n";
    fs.writeFileSync(path.join(root, 'src', 'shutdown.ts'), handler);
    const c = new Client(root);
    clients.push(c);
    await c.initialize(false);
    // the workspace scan reads shutdown.ts, which is not open; held findings wait for it to complete
    await c.conn.sendRequest('prodready/scanWorkspace');
    const server = c.open('src/server.ts', 'typescript');
    const shutdown = c.open('src/shutdown.ts', 'typescript');
    const first = await c.until(() => c.lastPublished(server.uri, 1), 'diagnostics of server.ts');
    expect(first.diagnostics.filter((d) => d.code === 'no-graceful-shutdown')).toEqual([]);
    // remove the handler in the other file: server.ts is re-published with the finding
    c.change(shutdown, [{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, newText: '' }]);
    const after = await c.until(() => {
      const p = c.lastPublished(server.uri);
      return p && p.diagnostics.some((d) => d.code === 'no-graceful-shutdown') ? p : undefined;
    }, 'no-graceful-shutdown on server.ts after the handler is gone');
    expect(after.diagnostics.find((d) => d.code === 'no-graceful-shutdown')!.range.start.line).toBe(2);
    expect(await c.stop()).toBe(0);
    fs.rmSync(root, { recursive: true, force: true });
  }, 30_000);
});
