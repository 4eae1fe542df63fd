/**
 * The real VS Code: the packaged .vsix installed in code-server, driven in headless Chromium
 * (shared/e2e/RECIPE.md). Checks the squiggle and the Problems entry for a TypeScript file and a compose file,
 * applies a quick fix with Ctrl+. and saves, then checks the file on disk. Screenshots go to test/artifacts/.
 * scripts/e2e-setup.sh (run by `npm test`) installs Node 24, code-server and Chromium.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = path.join(__dirname, '..');
const E2E_HOME = process.env.PRODREADY_E2E_HOME ?? path.join(os.homedir(), '.cache', 'prodready-e2e');
const NODE24 = path.join(E2E_HOME, 'node24', 'bin', 'node');
const CODE_SERVER = path.join(E2E_HOME, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const ARTIFACTS = path.join(__dirname, 'artifacts', 'vscode');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const VSIX = path.join(ROOT, `prodready-${pkg.version}.vsix`);

let run: string;
let ws: string;
let server: ChildProcess | undefined;
let browser: Browser | undefined;
let url = '';

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    EXTENSIONS_GALLERY: '{}',
    XDG_CONFIG_HOME: path.join(run, 'xdg-config'),
    XDG_DATA_HOME: path.join(run, 'xdg-data'),
    XDG_CACHE_HOME: path.join(run, 'xdg-cache'),
    XDG_RUNTIME_DIR: path.join(run, 'xdg-runtime'),
    TMPDIR: path.join(run, 'tmp'),
  };
}

function codeServerArgs(): string[] {
  return ['--config', path.join(run, 'config.yaml'), '--user-data-dir', path.join(run, 'user'), '--extensions-dir', path.join(run, 'extensions')];
}

async function startCodeServer(): Promise<string> {
  const proc = spawn(NODE24, [CODE_SERVER, ...codeServerArgs(), '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', ws], {
    env: env(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = proc;
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not start:\n${log}`)), 60_000);
    const onData = (d: Buffer): void => {
      log += d.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`code-server exited ${code}:\n${log}`)));
  });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(name, { delay: 20 });
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${path.basename(name)}"]`, { timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab.active[aria-label*="${path.basename(name)}"]`, { timeout: 20_000 });
}

async function problemsText(page: Page): Promise<string> {
  await page.keyboard.press('Control+Shift+M');
  await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 30_000 });
  return (await page.locator('.markers-panel').innerText()).replace(/\s+/g, ' ');
}

async function quickFix(page: Page, title: string): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    await page.keyboard.press('Control+.');
    const row = page.locator('.action-widget .monaco-list-row', { hasText: title });
    try {
      await row.first().waitFor({ state: 'visible', timeout: 2_500 });
      await row.first().click();
      return;
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  throw new Error(`no quick fix "${title}" in the menu`);
}

beforeAll(async () => {
  expect(fs.existsSync(CODE_SERVER), 'code-server is installed by scripts/e2e-setup.sh').toBe(true);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const pack = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs')], { cwd: ROOT, encoding: 'utf8' });
  expect(pack.status, pack.stderr + pack.stdout).toBe(0);
  run = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-vscode-'));
  for (const d of ['xdg-config', 'xdg-data', 'xdg-cache', 'xdg-runtime', 'tmp', 'user/User', 'extensions']) fs.mkdirSync(path.join(run, d), { recursive: true });
  fs.writeFileSync(path.join(run, 'config.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  fs.writeFileSync(
    path.join(run, 'user', 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'chat.disableAIFeatures': true,
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'telemetry.telemetryLevel': 'off',
      'workbench.tips.enabled': false,
    }),
  );
  ws = path.join(run, 'ws');
  fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'docker-compose.yml'), 'services:\n  redis:\n    image: redis:7\n    ports:\n      - "6379:6379"\n');
  fs.writeFileSync(path.join(ws, 'src', 'app.ts'), "import express from 'express';\nimport cors from 'cors';\n\nconst app = express();\napp.use(cors());\nexport default app;\n");
  const install = spawnSync(NODE24, [CODE_SERVER, ...codeServerArgs(), '--install-extension', VSIX], { env: env(), encoding: 'utf8' });
  expect(install.status, install.stderr + install.stdout).toBe(0);
  url = await startCodeServer();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  if (run) fs.rmSync(run, { recursive: true, force: true });
});

describe('the packaged extension in a real VS Code (code-server)', () => {
  it('shows squiggles and Problems entries, and Ctrl+. applies the fix that is saved to disk', { timeout: 240_000, retry: 1 }, async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await page.goto(`${url}?folder=${encodeURIComponent(ws)}`);
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });

      await openFile(page, 'src/app.ts');
      await page.waitForSelector('.squiggly-error', { timeout: 60_000 });
      await shot(page, '1-typescript-squiggle');

      await openFile(page, 'docker-compose.yml');
      await page.waitForSelector('.squiggly-error', { timeout: 60_000 });
      await shot(page, '2-compose-squiggle');

      const problems = await problemsText(page);
      fs.writeFileSync(path.join(ARTIFACTS, 'problems.txt'), problems);
      await shot(page, '3-problems');
      expect(problems).toContain('Service "redis" publishes port 6379 on all interfaces.');
      // rows read `message source(code) [Ln, Col]`; the parentheses are drawn by CSS, not in the text
      expect(problems).toMatch(/prodready\W*exposed-port\W*\[Ln 5, Col 9\]/);
      expect(problems).toContain('cors() is called without options, so every origin is allowed.');
      expect(problems).toMatch(/prodready\W*open-cors\W*\[Ln 5, Col 9\]/);

      await page.keyboard.press('Control+1');
      await page.keyboard.press('Control+G');
      await page.keyboard.type('5:9');
      await page.keyboard.press('Enter');
      await quickFix(page, 'Bind the port to 127.0.0.1');
      await shot(page, '4-after-quick-fix');
      await page.keyboard.press('Control+S');
      const file = path.join(ws, 'docker-compose.yml');
      const deadline = Date.now() + 20_000;
      while (!fs.readFileSync(file, 'utf8').includes('127.0.0.1:6379:6379') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(fs.readFileSync(file, 'utf8')).toBe('services:\n  redis:\n    image: redis:7\n    ports:\n      - "127.0.0.1:6379:6379"\n');
      // the finding is gone from the Problems panel once the fixed version is checked
      await page.locator('.markers-panel', { hasText: 'Service "redis" publishes port 6379' }).waitFor({ state: 'detached', timeout: 30_000 }).catch(async () => {
        expect(await page.locator('.markers-panel').innerText()).not.toContain('Service "redis" publishes port 6379');
      });
      await shot(page, '5-saved');
    } catch (e) {
      await shot(page, 'failure').catch(() => undefined);
      throw e;
    } finally {
      await page.close();
    }
  });
});
