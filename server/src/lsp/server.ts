/**
 * The prodready language server: the only module importing vscode-languageserver. It runs over IPC from the
 * VS Code extension and over stdio for other editors (`prodready-language-server --stdio`).
 *
 * Diagnostics are pulled by clients that support textDocument/diagnostic and pushed to those that do not.
 * Findings are cached per uri@version, so code actions never re-scan. On start (scope "workspace") the server
 * scans the workspace folders in the background with work-done progress and publishes findings for files that
 * are not open, keeping no syntax trees.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DiagnosticSeverity,
  DocumentDiagnosticReportKind,
  FileChangeType,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type TextEdit as LspTextEdit,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  Baseline,
  BASELINE_FILE,
  CONFIG_FILE,
  ConfigError,
  classify,
  createEngine,
  defaultConfig,
  ProjectResolver,
  ProjectView,
  readText,
  sizeSkipReason,
  skipReason,
  toPosix,
  walkFiles,
  type FileResult,
  type Finding,
  type Fix,
  type LintInput,
  type ResolvedConfig,
} from '../engine';
import { commentSyntaxOf, type FileKind } from '../shared/fileKinds';
import { rules } from '../../../rules/index';

export const SOURCE = 'prodready';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.prodready`;
export const SHOW_DOC_COMMAND = 'prodready.showRuleDoc';

interface Settings {
  enable: boolean;
  run: 'onType' | 'onSave';
  scope: 'workspace' | 'openFiles';
  /** findings the repository's baseline already has: shown as hints, hidden, or shown as they are */
  baseline: 'hint' | 'hide' | 'show';
}
const DEFAULT_SETTINGS: Settings = { enable: true, run: 'onType', scope: 'workspace', baseline: 'hint' };

interface Cached {
  readonly version: number;
  readonly input: LintInput;
  readonly result: FileResult;
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const engine = createEngine({ rules });
  const projectRuleIds: ReadonlySet<string> = new Set(engine.rules.filter((r) => (r.scope === 'project' || r.usesFacts)).map((r) => r.id));
  const documents = new TextDocuments(TextDocument);
  const cache = new Map<string, Cached>();
  const settingsCache = new Map<string, Promise<Settings>>();
  /** configs that failed to parse: their last good version keeps serving */
  const lastGood = new Map<string, ResolvedConfig>();
  const configErrors = new Map<string, ConfigError>();
  let folders: string[] = [];
  let pullDiagnostics = false;
  let configurationSupport = false;
  let resolver = newResolver();
  let scanGeneration = 0;
  /** uris whose diagnostics were pushed by the workspace scan (cleared when the document opens) */
  const pushedByScan = new Set<string>();
  /**
   * The project view for project-level rules: every file's facts, kept current as files are linted. Until the
   * first workspace scan has read every file, held project findings are not shown (they could be wrong).
   */
  const project = new ProjectView();
  let projectReady = false;
  /** files not open whose results hold project findings: re-published when the project's facts change */
  const heldOnDisk = new Map<string, FileResult>();

  function newResolver(): ProjectResolver {
    return new ProjectResolver(engine.rules, defaultConfig(engine.rules), folders[0] ?? process.cwd(), undefined, undefined, folders);
  }

  const log = (msg: string): void => connection.console.log(msg);

  process.on('uncaughtException', (e) => log(`prodready: uncaught: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e) => log(`prodready: unhandled rejection: ${(e as Error)?.stack ?? e}`));

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    folders = (params.workspaceFolders ?? []).map((f: WorkspaceFolder) => fileURLToPath(f.uri));
    if (!folders.length && params.rootUri) folders = [fileURLToPath(params.rootUri)];
    resolver = newResolver();
    pullDiagnostics = !!params.capabilities.textDocument?.diagnostic;
    configurationSupport = !!params.capabilities.workspace?.configuration;
    const init = params.initializationOptions as Partial<Settings> | undefined;
    if (init) Object.assign(DEFAULT_SETTINGS, init);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, CodeActionKind.SourceFixAll], resolveProvider: false },
        executeCommandProvider: { commands: [SHOW_DOC_COMMAND] },
        ...(pullDiagnostics ? { diagnosticProvider: { identifier: SOURCE, interFileDependencies: false, workspaceDiagnostics: false } } : {}),
        workspace: { workspaceFolders: { supported: true } },
      },
      serverInfo: { name: 'prodready', version: typeof PRODREADY_VERSION === 'string' ? PRODREADY_VERSION : '0.0.0-dev' },
    };
  });

  connection.onInitialized(() => {
    void settingsFor(undefined).then((s) => {
      if (s.enable) void scanWorkspace(s.scope === 'workspace');
    });
  });

  // ------------------------------------------------------------------------------------------------ settings

  function settingsFor(uri: string | undefined): Promise<Settings> {
    if (!configurationSupport) return Promise.resolve({ ...DEFAULT_SETTINGS });
    const key = uri ?? '';
    let s = settingsCache.get(key);
    if (!s) {
      s = connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'prodready' })
        .then((v: Partial<Settings> | null) => ({ ...DEFAULT_SETTINGS, ...(v ?? {}) }))
        .catch(() => ({ ...DEFAULT_SETTINGS }));
      settingsCache.set(key, s);
    }
    return s;
  }

  connection.onDidChangeConfiguration(() => {
    settingsCache.clear();
    revalidateAll();
  });

  // ------------------------------------------------------------------------------------------------ linting

  function configFor(absPath: string): { root: string; config: ResolvedConfig } {
    try {
      return resolver.forFile(absPath);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const file = e.file ?? '';
      configErrors.set(file, e);
      reportConfigError(e);
      return { root: file ? path.dirname(file) : (folders[0] ?? path.dirname(absPath)), config: lastGood.get(file) ?? defaultConfig(engine.rules) };
    }
  }

  function inputFor(uri: string, text: string): LintInput | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const absPath = fileURLToPath(uri);
    const { root, config } = configFor(absPath);
    if (config.path) lastGood.set(config.path, config);
    const rel = toPosix(path.relative(root, absPath));
    const classification = classify(rel, () => text);
    if (!classification) return undefined;
    if (config.exclude.some((m) => m.match(rel)) || (config.include && !config.include.some((m) => m.match(rel)))) return undefined;
    return { path: rel, absPath, text, classification, config };
  }

  /** Lint an open document at its current version (cached per uri@version). */
  function lintDocument(doc: TextDocument): Cached | undefined {
    const hit = cache.get(doc.uri);
    if (hit && hit.version === doc.version) return hit;
    const input = inputFor(doc.uri, doc.getText());
    if (!input) {
      cache.delete(doc.uri);
      return undefined;
    }
    let result: FileResult;
    try {
      result = engine.lint(input);
    } catch (e) {
      log(`prodready: failed on ${doc.uri}: ${(e as Error)?.stack ?? e}`);
      return undefined;
    }
    for (const err of result.internalErrors) log(`prodready: rule ${err.ruleId} failed on ${doc.uri}: ${err.stack ?? err.message}`);
    const entry = { version: doc.version, input, result };
    cache.set(doc.uri, entry);
    noteFacts(result);
    return entry;
  }

  /** Record a result's facts in the project view; when they changed, files with held findings are re-shown. */
  function noteFacts(result: FileResult): void {
    if (!project.update({ path: result.path, absPath: result.absPath, facts: result.facts, pkg: result.pkg }) || !projectReady) return;
    setImmediate(republishHeld);
  }

  /** Every finding of a result as shown: its own and the held project findings that stand now. */
  function shownFindings(result: FileResult): readonly Finding[] {
    if (!result.deferred.length || !projectReady) return result.findings;
    const standing = project.resolve(result);
    return standing.length ? [...result.findings, ...standing] : result.findings;
  }

  function republishHeld(): void {
    if (pullDiagnostics) void connection.languages.diagnostics.refresh();
    else for (const d of documents.all()) if (cache.get(d.uri)?.result.deferred.length) schedulePush(d, true);
    for (const [uri, result] of heldOnDisk) {
      if (documents.get(uri)) continue;
      void connection.sendDiagnostics({ uri, diagnostics: toDiagnostics(shownFindings(result)) });
    }
  }

  /** The baseline of the workspace folder holding a file (read once, re-read when the file changes). */
  const baselines = new Map<string, Baseline | null>();
  function baselineFor(absPath: string): Baseline | undefined {
    const folder = folders.filter((f) => absPath.startsWith(f + path.sep)).sort((a, b) => b.length - a.length)[0];
    if (!folder) return undefined;
    let b = baselines.get(folder);
    if (b === undefined) {
      const file = path.join(folder, BASELINE_FILE);
      try {
        b = fs.existsSync(file) ? Baseline.load(file) : null;
      } catch (e) {
        log(`prodready: ${(e as Error).message}`);
        b = null;
      }
      baselines.set(folder, b);
    }
    return b ?? undefined;
  }

  /** The findings as shown under the `prodready.baseline` setting: baselined ones as hints, hidden, or as they are. */
  function withBaseline(findings: readonly Finding[], absPath: string, mode: Settings['baseline']): readonly Finding[] {
    const b = mode === 'show' ? undefined : baselineFor(absPath);
    if (!b) return findings;
    const { states } = b.matchFile(absPath, findings);
    const out: Finding[] = [];
    for (const f of findings) {
      if (states.get(f) !== 'unchanged') out.push(f);
      else if (mode === 'hint') out.push({ ...f, baselineState: 'unchanged' });
    }
    return out;
  }

  function toDiagnostics(findings: readonly Finding[], doc?: TextDocument): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const f of findings) {
      if (f.suppressed) continue;
      const baselined = f.baselineState === 'unchanged';
      const rule = engine.rules.find((r) => r.id === f.ruleId);
      const range = doc
        ? { start: doc.positionAt(f.start), end: doc.positionAt(Math.max(f.end, f.start)) }
        : { start: { line: f.line - 1, character: f.column - 1 }, end: { line: f.endLine - 1, character: f.endColumn - 1 } };
      out.push({
        range,
        severity: baselined ? DiagnosticSeverity.Hint : f.severity === 'error' ? DiagnosticSeverity.Error : f.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
        source: SOURCE,
        code: f.ruleId,
        ...(rule ? { codeDescription: { href: rule.docsUrl } } : {}),
        message: baselined ? `${f.message} (in the baseline)` : f.message,
        data: { version: doc?.version },
      });
    }
    return out;
  }

  /** uri → the version whose push is scheduled or was sent: one push per version */
  const pushState = new Map<string, number>();

  /** Newest version wins: a validation scheduled for an older version does nothing. */
  function schedulePush(doc: TextDocument, force = false): void {
    const version = doc.version;
    if (!force && pushState.get(doc.uri) === version) return;
    pushState.set(doc.uri, version);
    setImmediate(() => {
      const current = documents.get(doc.uri);
      if (!current || current.version !== version) return;
      void settingsFor(doc.uri).then((s) => {
        const latest = documents.get(doc.uri);
        if (!latest || latest.version !== version) return;
        const entry = s.enable ? lintDocument(latest) : undefined;
        const diagnostics = entry ? toDiagnostics(withBaseline(shownFindings(entry.result), entry.input.absPath, s.baseline), latest) : [];
        void connection.sendDiagnostics({ uri: doc.uri, version, diagnostics });
      });
    });
  }

  function revalidateAll(): void {
    cache.clear();
    engine.clearCaches();
    if (pullDiagnostics) void connection.languages.diagnostics.refresh();
    else for (const d of documents.all()) schedulePush(d, true);
  }

  documents.onDidOpen((e) => {
    if (pushedByScan.delete(e.document.uri) && pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    if (!pullDiagnostics) schedulePush(e.document);
  });
  documents.onDidChangeContent((e) => {
    if (pullDiagnostics) return; // the client pulls
    void settingsFor(e.document.uri).then((s) => {
      if (s.run === 'onType') schedulePush(e.document);
    });
  });
  documents.onDidSave((e) => {
    if (!pullDiagnostics) schedulePush(e.document, true);
  });
  documents.onDidClose((e) => {
    cache.delete(e.document.uri);
    pushState.delete(e.document.uri);
    // the workspace view keeps showing the file's findings from disk
    void lintFromDisk(fileURLToPath(e.document.uri));
  });

  connection.languages.diagnostics.on(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const s = await settingsFor(doc.uri);
    if (!s.enable) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const entry = lintDocument(doc);
    return { kind: DocumentDiagnosticReportKind.Full, items: entry ? toDiagnostics(withBaseline(shownFindings(entry.result), entry.input.absPath, s.baseline), doc) : [] };
  });

  // ------------------------------------------------------------------------------------------------ workspace

  /** Lint a file that is not open, from disk; `publish: false` only records its facts (scope "openFiles"). */
  async function lintFromDisk(absPath: string, publish = true): Promise<void> {
    const uri = pathToFileURL(absPath).href;
    if (documents.get(uri)) return;
    if (sizeSkipReason(absPath)) return;
    let text: string;
    try {
      text = readText(absPath);
    } catch {
      project.remove(absPath);
      heldOnDisk.delete(uri);
      if (publish) void connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    if (skipReason(text)) return;
    const input = inputFor(uri, text);
    if (!input) return;
    const result = engine.lint(publish ? input : { ...input, onlyRules: projectRuleIds });
    noteFacts(result);
    if (result.deferred.length) heldOnDisk.set(uri, result);
    else heldOnDisk.delete(uri);
    if (!publish) return;
    const diagnostics = toDiagnostics(withBaseline(shownFindings(result), absPath, (await settingsFor(uri)).baseline));
    if (diagnostics.length || pushedByScan.has(uri)) {
      pushedByScan.add(uri);
      void connection.sendDiagnostics({ uri, diagnostics });
    }
  }

  /**
   * Read the workspace: publish findings of files that are not open (scope "workspace"), or only collect the
   * facts project-level rules need (scope "openFiles"). Held project findings are shown once it is complete.
   */
  async function scanWorkspace(publish = true): Promise<void> {
    const generation = ++scanGeneration;
    if (!folders.length) {
      projectReady = true;
      return;
    }
    const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
    const files = walkFiles(folders, folders[0]);
    progress?.begin('prodready: scanning the workspace', 0, `${files.length} files`, true);
    let done = 0;
    for (const f of files) {
      if (generation !== scanGeneration || progress?.token.isCancellationRequested) break;
      try {
        await lintFromDisk(f, publish);
      } catch (e) {
        log(`prodready: scan failed on ${f}: ${(e as Error)?.message ?? e}`);
      }
      done++;
      if (done % 25 === 0) {
        progress?.report(Math.round((done / files.length) * 100), `${done}/${files.length}`);
        await new Promise((r) => setImmediate(r)); // stay responsive to edits
      }
    }
    progress?.done();
    log(`prodready: workspace scan: ${done} of ${files.length} files`);
    if (generation === scanGeneration && done === files.length) {
      projectReady = true;
      republishHeld();
    }
  }

  connection.onDidChangeWatchedFiles((params) => {
    let configChanged = false;
    for (const c of params.changes) {
      const abs = c.uri.startsWith('file:') ? fileURLToPath(c.uri) : undefined;
      if (!abs) continue;
      if (path.basename(abs) === CONFIG_FILE) {
        configChanged = true;
        continue;
      }
      if (path.basename(abs) === 'package.json') engine.clearCaches();
      if (path.basename(abs) === BASELINE_FILE) {
        baselines.clear();
        configChanged = true; // re-show everything under the new baseline
        continue;
      }
      if (c.type === FileChangeType.Deleted) {
        heldOnDisk.delete(c.uri);
        if (project.remove(abs) && projectReady) setImmediate(republishHeld);
        if (pushedByScan.delete(c.uri)) void connection.sendDiagnostics({ uri: c.uri, diagnostics: [] });
      } else void lintFromDisk(abs);
    }
    if (configChanged) {
      // re-validate every config; broken ones report on the config file and keep their last good version
      for (const [file] of configErrors) void connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics: [] });
      configErrors.clear();
      resolver = newResolver();
      revalidateAll();
      void settingsFor(undefined).then((s) => {
        void scanWorkspace(s.scope === 'workspace');
      });
    }
  });

  function reportConfigError(e: ConfigError): void {
    if (!e.file) return;
    let text = '';
    try {
      text = fs.readFileSync(e.file, 'utf8');
    } catch {
      /* deleted */
    }
    const doc = TextDocument.create(pathToFileURL(e.file).href, 'jsonc', 0, text);
    const message = e.message.replace(`${e.file}: `, '');
    void connection.sendDiagnostics({
      uri: doc.uri,
      diagnostics: [{ range: { start: doc.positionAt(e.offset), end: doc.positionAt(e.offset + e.length) }, severity: DiagnosticSeverity.Error, source: SOURCE, message }],
    });
    if (!configErrors.has(`${e.file}#shown`)) {
      configErrors.set(`${e.file}#shown`, e);
      void connection.window.showErrorMessage(`prodready: ${path.basename(e.file)}: ${message} The last valid configuration stays in use.`);
    }
  }

  // ------------------------------------------------------------------------------------------------ code actions

  /** Fix loops see the project view once it is complete (held findings with fixes are then fixed too). */
  function withProject(input: LintInput): LintInput {
    return projectReady ? { ...input, project } : input;
  }

  function toLspEdits(doc: TextDocument, fix: Fix): LspTextEdit[] {
    return fix.edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.text }));
  }

  /** One minimal edit from `before` to `after` (common prefix and suffix kept). */
  function minimalEdit(doc: TextDocument, before: string, after: string): LspTextEdit[] {
    if (before === after) return [];
    let s = 0;
    while (s < before.length && s < after.length && before[s] === after[s]) s++;
    let eb = before.length;
    let ea = after.length;
    while (eb > s && ea > s && before[eb - 1] === after[ea - 1]) {
      eb--;
      ea--;
    }
    return [{ range: { start: doc.positionAt(s), end: doc.positionAt(eb) }, newText: after.slice(s, ea) }];
  }

  function commentLine(kind: FileKind, body: string): string {
    const syntax = commentSyntaxOf(kind);
    return syntax === 'js' ? `// ${body}` : syntax === 'sql' ? `-- ${body}` : `# ${body}`;
  }

  connection.onCodeAction((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const entry = lintDocument(doc);
    if (!entry) return [];
    const only = params.context.only;
    const wants = (kind: string): boolean => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
    const actions: CodeAction[] = [];
    const uri = doc.uri;
    const text = doc.getText();
    const eol = text.includes('\r\n') ? '\r\n' : '\n';

    // Fix-all re-lints until stable: computed only when asked for by kind (save actions, the command), not on
    // every cursor move's light-bulb request.
    if (only && wants(FIX_ALL_KIND)) {
      const fixed = engine.fix(withProject(entry.input));
      const edits = minimalEdit(doc, text, fixed.text);
      if (edits.length) actions.push({ title: 'Fix all prodready problems', kind: FIX_ALL_KIND, edit: { changes: { [uri]: edits } } });
    }
    if (!wants(CodeActionKind.QuickFix)) return actions;

    const start = doc.offsetAt(params.range.start);
    const end = doc.offsetAt(params.range.end);
    const all = shownFindings(entry.result);
    const here = all.filter((f) => !f.suppressed && f.start <= end && Math.max(f.end, f.start) >= start && !f.ruleId.startsWith('parse-'));
    const seenRules = new Set<string>();
    for (const f of here) {
      const diag = toDiagnostics([f], doc);
      if (f.fix) actions.push({ title: f.fix.title, kind: CodeActionKind.QuickFix, isPreferred: true, diagnostics: diag, edit: { changes: { [uri]: toLspEdits(doc, f.fix) } } });
      for (const s of f.suggestions ?? []) actions.push({ title: s.title, kind: CodeActionKind.QuickFix, diagnostics: diag, edit: { changes: { [uri]: toLspEdits(doc, s) } } });
      if (seenRules.has(f.ruleId)) continue;
      seenRules.add(f.ruleId);
      const sameRule = all.filter((x) => x.ruleId === f.ruleId && x.fix && !x.suppressed);
      if (sameRule.length > 1) {
        const fixed = engine.fix({ ...withProject(entry.input), onlyRules: new Set([f.ruleId]) });
        const edits = minimalEdit(doc, text, fixed.text);
        if (edits.length) actions.push({ title: `Fix all ${f.ruleId} problems in this file`, kind: CodeActionKind.QuickFix, edit: { changes: { [uri]: edits } } });
      }
      if (engine.rules.some((r) => r.id === f.ruleId)) {
        const lineStart = doc.offsetAt({ line: f.line - 1, character: 0 });
        const indent = /^[ \t]*/.exec(text.slice(lineStart, lineStart + 200))![0];
        const kind = entry.input.classification.kind;
        actions.push({
          title: `Disable ${f.ruleId} for this line`,
          kind: CodeActionKind.QuickFix,
          edit: { changes: { [uri]: [{ range: { start: doc.positionAt(lineStart), end: doc.positionAt(lineStart) }, newText: `${indent}${commentLine(kind, `prodready-disable-next-line ${f.ruleId} -- reason`)}${eol}` }] } },
        });
        const top = text.startsWith('#!') ? doc.offsetAt({ line: 1, character: 0 }) : 0;
        actions.push({
          title: `Disable ${f.ruleId} for this file`,
          kind: CodeActionKind.QuickFix,
          edit: { changes: { [uri]: [{ range: { start: doc.positionAt(top), end: doc.positionAt(top) }, newText: `${commentLine(kind, `prodready-disable-file ${f.ruleId} -- reason`)}${eol}` }] } },
        });
        actions.push({ title: `Show documentation for ${f.ruleId}`, kind: CodeActionKind.QuickFix, command: { title: `Show documentation for ${f.ruleId}`, command: SHOW_DOC_COMMAND, arguments: [f.ruleId] } });
      }
    }
    return actions;
  });

  /** Memory and cache sizes (for a status view and the load test); `gc: true` collects first when --expose-gc is on. */
  connection.onRequest('prodready/stats', (params?: { gc?: boolean }) => {
    const g = (globalThis as { gc?: () => void }).gc;
    if (params?.gc && g) g();
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, cachedDocuments: cache.size, projectReady, heldOnDisk: heldOnDisk.size };
  });

  connection.onRequest('prodready/scanWorkspace', async () => {
    await scanWorkspace();
    return null;
  });

  connection.onExecuteCommand(async (params) => {
    if (params.command !== SHOW_DOC_COMMAND) return;
    const id = String(params.arguments?.[0] ?? '');
    const rule = engine.rules.find((r) => r.id === id);
    if (!rule) return;
    await connection.window.showDocument({ uri: rule.docsUrl, external: true }).catch(() => undefined);
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

declare const PRODREADY_VERSION: string;
