/**
 * The checklist report: `--format markdown` (and the GitHub job summary) as a process, and `--format html`
 * rendered in headless Chromium (Debian's, driven by playwright-core): it renders, the chart is visible, the
 * item links and file links work. A screenshot is kept in test/artifacts/report/.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../rules/index';
import { AREAS, CHECKLIST, itemOf } from '../server/src/cli/checklist';
import { copyDir, tmpDir } from './harness';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'prodready.js');
const ARTIFACTS = path.join(__dirname, 'artifacts', 'report');
const run = (args: string[], cwd: string, env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', GITHUB_SHA: '', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

let dir: string;
beforeAll(() => {
  dir = tmpDir('report');
  copyDir(path.join(ROOT, 'examples', 'checklist-app'), dir);
  fs.mkdirSync(path.join(dir, '.git'));
  // one suppressed finding, with its reason
  fs.writeFileSync(path.join(dir, 'docker-compose.dev.yml'), fs.readFileSync(path.join(dir, 'docker-compose.dev.yml'), 'utf8').replace(/^(\s*)- "6379:6379"/m, '$1# prodready-disable-next-line exposed-port -- a throwaway cache on a dev laptop\n$1- "6379:6379"'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('checklist items', () => {
  it('every rule is an item of the checklist report', () => {
    expect(rules.map((r) => r.id).filter((id) => !CHECKLIST[id])).toEqual([]);
  });
});

describe('--format markdown', () => {
  it('lists every item by area, passed or failing, with counts, linked findings and suppressions', () => {
    const r = run(['lint', '--format', 'markdown'], dir);
    expect(r.code).toBe(1);
    const md = r.stdout;
    expect(md).toMatch(/^# Production-readiness checklist\n\n\*\*\d+ of \d+ items pass\*\*/);
    for (const a of new Set(rules.map((x) => itemOf(x).area))) expect(md).toContain(`## ${a}. ${AREAS[a]}\n`);
    // every rule's row is there, once
    for (const r2 of rules) expect(md.split('\n').filter((l) => l.startsWith('| ') && l.includes(`\`${r2.id}\``)).length, r2.id).toBe(1);
    expect(md).toMatch(/\| ❌ \| \[§1\.2 Secrets without hard-coded fallbacks\]\(#item-fallback-secret\) \| `fallback-secret` \| \d+ \|/);
    expect(md).toMatch(/\| ❌ \| /);
    expect(md).toMatch(/- \[apps\/web\/[^\]]+:\d+\]\(apps\/web\/[^)]+#L\d+\) — /);
    expect(md).toContain('“a throwaway cache on a dev laptop”');
  });

  it('a clean project passes every item', () => {
    const clean = tmpDir('report-clean');
    fs.mkdirSync(path.join(clean, '.git'));
    fs.writeFileSync(path.join(clean, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "443:443"\n');
    const r = run(['lint', '--format', 'markdown'], clean);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\\*\\*${rules.length} of ${rules.length} items pass\\*\\*`));
    expect(r.stdout).not.toContain('| ❌ |');
    expect(r.stdout).not.toContain('## Findings');
    fs.rmSync(clean, { recursive: true, force: true });
  });

  it('links to the commit on GitHub and goes to the job summary in Actions', () => {
    const summary = path.join(dir, 'summary.md');
    fs.writeFileSync(summary, '# earlier step\n');
    const r = run(['lint', '--format', 'markdown'], dir, { GITHUB_STEP_SUMMARY: summary, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: 'abc123' });
    expect(r.stdout).toContain('](https://github.com/acme/app/blob/abc123/');
    const written = fs.readFileSync(summary, 'utf8');
    expect(written.startsWith('# earlier step\n# Production-readiness checklist')).toBe(true);
    expect(written).toContain(r.stdout);
  });
});

describe('--format html in a real browser', () => {
  it('renders, shows the chart, and its item and file links work', async () => {
    const out = path.join(dir, 'reports', 'checklist.html');
    const r = run(['lint', '--format', 'html', '-o', out], dir);
    expect(r.code).toBe(1);
    const html = fs.readFileSync(out, 'utf8');
    // self-contained: nothing loaded from anywhere
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html).not.toMatch(/src=|@import|url\(/i);

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const requests: string[] = [];
      page.on('request', (q) => requests.push(q.url()));
      await page.goto(pathToFileURL(out).href);
      await expect(page.title()).resolves.toContain('Production-readiness checklist');
      // the chart: visible, one bar row per area, bars drawn for the failing areas
      const chart = page.locator('svg.chart');
      const box = await chart.boundingBox();
      expect(box && box.width > 300 && box.height > 100).toBe(true);
      expect(await chart.locator('rect').count()).toBeGreaterThan(2);
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'checklist.png'), fullPage: false });

      // an item link in the list jumps to its section
      await page.locator('nav a[href="#item-fallback-secret"]').click();
      expect(new URL(page.url()).hash).toBe('#item-fallback-secret');
      const section = page.locator('#item-fallback-secret');
      await expect(section.isVisible()).resolves.toBe(true);
      const top = await section.evaluate((el) => el.getBoundingClientRect().top);
      expect(Math.abs(top)).toBeLessThan(50);
      await page.screenshot({ path: path.join(ARTIFACTS, 'checklist-item.png') });

      // file links resolve (relative to the report's folder) to the files, with the line
      const hrefs = await page.locator('a.loc').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      expect(hrefs.length).toBeGreaterThan(3);
      for (const h of hrefs) {
        const u = new URL(h);
        expect(u.hash).toMatch(/^#L\d+$/);
        expect(fs.existsSync(decodeURIComponent(u.pathname)), h).toBe(true);
      }
      // code excerpts with the finding's line marked, and a suppressed finding with its reason
      expect(await page.locator('pre.code span.hit').count()).toBeGreaterThan(3);
      expect(await page.locator('details summary').first().textContent()).toMatch(/suppressed/);
      expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
