/**
 * The prodready VS Code extension: starts the language server over IPC, contributes commands and a
 * status-bar item. It never executes anything from the workspace (rules and config are data), so it runs in
 * Restricted Mode too.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { FILE_KINDS } from '../../server/src/shared/fileKinds';

const SOURCE = 'prodready';
let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

function documentSelector(): LanguageClientOptions['documentSelector'] {
  const globs = FILE_KINDS.filter((k) => !k.sniff).flatMap((k) => k.globs);
  // Kubernetes manifests are any YAML with apiVersion/kind: the server decides from the content.
  return [...globs.map((pattern) => ({ scheme: 'file', pattern })), { scheme: 'file', language: 'yaml' }, { scheme: 'file', pattern: '**/.prodready.json' }];
}

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const watchers = [
    vscode.workspace.createFileSystemWatcher('**/{.prodready.json,.prodready-baseline.json,package.json}'),
    ...FILE_KINDS.flatMap((k) => k.globs).map((g) => vscode.workspace.createFileSystemWatcher(g)),
  ];
  context.subscriptions.push(...watchers);
  output ??= vscode.window.createOutputChannel('prodready');
  const run = vscode.workspace.getConfiguration('prodready').get<'onType' | 'onSave'>('run', 'onType');
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    // pulled diagnostics follow prodready.run: on every change, or only when the file is saved
    diagnosticPullOptions: { onChange: run === 'onType', onSave: true, onTabs: false },
    synchronize: { fileEvents: watchers },
    outputChannel: output,
    initializationOptions: {
      enable: vscode.workspace.getConfiguration('prodready').get('enable', true),
      run,
      scope: vscode.workspace.getConfiguration('prodready').get('scope', 'workspace'),
    },
    middleware: {
      // Open rule documentation from the bundled copy, offline.
      executeCommand: async (command, args, next) => {
        if (command === 'prodready.showRuleDoc') return showRuleDoc(context, String(args[0] ?? ''));
        return next(command, args);
      },
    },
  };
  return new LanguageClient('prodready', 'prodready', serverOptions, clientOptions);
}

async function showRuleDoc(context: vscode.ExtensionContext, id?: string): Promise<void> {
  let ruleId = id;
  if (!ruleId) {
    const ids = [...new Set(vscode.languages.getDiagnostics().flatMap(([, ds]) => ds.filter((d) => d.source === SOURCE).map((d) => String(typeof d.code === 'object' ? d.code.value : d.code))))];
    ruleId = await vscode.window.showQuickPick(ids.length ? ids : [], { placeHolder: 'Rule id' });
  }
  if (!ruleId || !/^[a-z0-9-]+$/.test(ruleId)) return;
  const uri = vscode.Uri.file(context.asAbsolutePath(path.join('rules', ruleId, 'README.md')));
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}

function updateStatus(item: vscode.StatusBarItem): void {
  let errors = 0;
  let warnings = 0;
  for (const [, diags] of vscode.languages.getDiagnostics()) {
    for (const d of diags) {
      if (d.source !== SOURCE) continue;
      if (d.severity === vscode.DiagnosticSeverity.Error) errors++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) warnings++;
    }
  }
  item.text = `$(shield) prodready $(error) ${errors} $(warning) ${warnings}`;
  item.tooltip = 'prodready: production-readiness findings. Click to open the Problems panel.';
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = createClient(context);
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.command = 'workbench.actions.view.problems';
  updateStatus(status);
  status.show();
  context.subscriptions.push(
    status,
    vscode.languages.onDidChangeDiagnostics(() => updateStatus(status)),
    vscode.commands.registerCommand('prodready.scanWorkspace', () => client?.sendRequest('prodready/scanWorkspace')),
    vscode.commands.registerCommand('prodready.fixAllInFile', () =>
      vscode.commands.executeCommand('editor.action.codeAction', { kind: 'source.fixAll.prodready', apply: 'first' }),
    ),
    vscode.commands.registerCommand('prodready.showRuleDocumentation', (id?: string) => showRuleDoc(context, id)),
    vscode.commands.registerCommand('prodready.restartServer', async () => {
      await client?.stop();
      client = createClient(context);
      await client.start();
    }),
    vscode.commands.registerCommand('prodready.showOutput', () => output?.show()),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
