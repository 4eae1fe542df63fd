/** A JSON-RPC client of the bundled language server over stdio, as an editor drives it (shared by the LSP tests). */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const SERVER = path.join(__dirname, '..', 'dist', 'server.js');

export interface PublishParams {
  uri: string;
  version?: number;
  diagnostics: { range: { start: { line: number; character: number } }; code?: string; source?: string; severity?: number; message: string; codeDescription?: { href: string } }[];
}

export class Client {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly conn: ProtocolConnection;
  readonly published: PublishParams[] = [];
  readonly messages: string[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    readonly root: string,
    nodeFlags: readonly string[] = [],
    /** what workspace/configuration answers for the prodready section */
    settings: Record<string, unknown> = {},
  ) {
    this.proc = spawn(process.execPath, [...nodeFlags, SERVER, '--stdio'], { cwd: root });
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishParams) => {
      this.published.push(p);
      this.wake();
    });
    this.conn.onNotification('window/showMessage', (p: { message: string }) => {
      this.messages.push(p.message);
      this.wake();
    });
    this.conn.onRequest('window/showMessageRequest', (p: { message: string }) => {
      this.messages.push(p.message);
      this.wake();
      return null;
    });
    this.conn.onNotification('window/logMessage', () => undefined);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onNotification('$/progress', () => undefined);
    this.conn.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes++;
      this.wake();
      return null;
    });
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ run: 'onType', scope: 'workspace', enable: true, ...settings })));
    this.conn.listen();
  }

  refreshes = 0;

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async until<T>(check: () => T | undefined, what: string, ms = 15_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = check();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  async initialize(pull: boolean): Promise<{ capabilities: Record<string, unknown> }> {
    const res = (await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(this.root).href,
      workspaceFolders: [{ uri: pathToFileURL(this.root).href, name: 'ws' }],
      capabilities: {
        textDocument: { ...(pull ? { diagnostic: { dynamicRegistration: false } } : {}), publishDiagnostics: { versionSupport: true }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } } },
        workspace: { configuration: true, workspaceFolders: true, diagnostics: { refreshSupport: true } },
        window: { workDoneProgress: true, showDocument: { support: true } },
      },
    })) as { capabilities: Record<string, unknown> };
    await this.conn.sendNotification('initialized', {});
    return res;
  }

  open(rel: string, languageId: string): TextDocument {
    const abs = path.join(this.root, rel);
    const doc = TextDocument.create(pathToFileURL(abs).href, languageId, 1, fs.readFileSync(abs, 'utf8'));
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: doc.uri, languageId, version: 1, text: doc.getText() } });
    return doc;
  }

  change(doc: TextDocument, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): TextDocument {
    const next = TextDocument.create(doc.uri, doc.languageId, doc.version + 1, TextDocument.applyEdits(doc, edits));
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri: doc.uri, version: next.version }, contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })) });
    return next;
  }

  pull(doc: TextDocument): Promise<{ kind: string; items: PublishParams['diagnostics'] }> {
    return this.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: doc.uri } });
  }

  lastPublished(uri: string, version?: number): PublishParams | undefined {
    for (let i = this.published.length - 1; i >= 0; i--) {
      const p = this.published[i];
      if (p.uri === uri && (version === undefined || p.version === version)) return p;
    }
    return undefined;
  }

  async stop(): Promise<number | null> {
    await this.conn.sendRequest('shutdown');
    await this.conn.sendNotification('exit');
    return new Promise((r) => this.proc.on('exit', (code) => r(code)));
  }
}

