/**
 * The ESLint plugin (dist/eslint-plugin.js) in ESLint 9 with @typescript-eslint/parser, against the CLI on the
 * same files: for every TS/JS rule, over every fixture case that has code files, both must find the same
 * (rule, file, line), and `eslint --fix` must write the same files as `prodready lint --fix`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { describe, expect, it } from 'vitest';
import { copyDir, listCases, listFiles, tmpDir } from './harness';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'prodready.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plugin = require(path.join(ROOT, 'dist', 'eslint-plugin.js')) as { rules: Record<string, unknown>; configs: { recommended: { rules: Record<string, string> } } };

const CODE = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;
const codeRuleIds = Object.keys(plugin.rules);

function eslintFor(cwd: string, fix = false): ESLint {
  return new ESLint({
    cwd,
    fix,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
        languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } },
        plugins: { prodready: plugin as never },
        rules: Object.fromEntries(codeRuleIds.map((id) => [`prodready/${id}`, 'error'])),
      },
    ],
  });
}

/** The cases with code files, each as a project root (a copy with a .git marker, as the CLI sees a repository). */
const cases = listCases().filter((c) => listFiles(c.dir).some((f) => CODE.test(f) && !f.endsWith('.d.ts')));

function cliFindings(dir: string): string[] {
  const r = spawnSync(process.execPath, [BIN, 'lint', '.', '--format', 'json', '--no-baseline'], { cwd: dir, encoding: 'utf8' });
  const j = JSON.parse(r.stdout) as { files: { path: string; findings: { ruleId: string; line: number; suppressed?: unknown }[] }[] };
  return j.files
    .filter((f) => CODE.test(f.path))
    .flatMap((f) => f.findings.filter((x) => !x.suppressed && codeRuleIds.includes(x.ruleId)).map((x) => `${x.ruleId} ${f.path}:${x.line}`))
    .sort();
}

async function eslintFindings(dir: string): Promise<string[]> {
  const results = await eslintFor(dir).lintFiles(['.']);
  const out: string[] = [];
  for (const r of results) {
    const rel = path.relative(dir, r.filePath).split(path.sep).join('/');
    for (const m of r.messages) {
      expect(m.fatal ? m.message : '', `${rel}: ESLint could not parse it`).toBe('');
      if (m.ruleId?.startsWith('prodready/')) out.push(`${m.ruleId.slice('prodready/'.length)} ${rel}:${m.line}`);
    }
  }
  return [...new Set(out)].sort();
}

function project(dir: string): string {
  const work = tmpDir('eslint');
  copyDir(dir, work);
  fs.mkdirSync(path.join(work, '.git'), { recursive: true });
  return work;
}

describe('ESLint plugin', () => {
  it('has every TS/JS rule and a recommended config with their default severities', () => {
    expect(codeRuleIds.length).toBeGreaterThanOrEqual(7);
    expect(Object.keys(plugin.configs.recommended.rules).sort()).toEqual(codeRuleIds.map((id) => `prodready/${id}`).sort());
  });

  it.each(cases.map((c) => [`${c.ruleId}/${c.name}`, c] as const))('finds what the CLI finds: %s', async (_n, c) => {
    const dir = project(c.dir);
    try {
      const cli = cliFindings(dir);
      const eslint = await eslintFindings(dir);
      expect(eslint).toEqual(cli);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  const fixCases = cases.filter((c) => c.fixedDir);
  it.each(fixCases.map((c) => [`${c.ruleId}/${c.name}`, c] as const))('eslint --fix writes what prodready lint --fix writes: %s', async (_n, c) => {
    const a = project(c.dir);
    const b = project(c.dir);
    try {
      spawnSync(process.execPath, [BIN, 'lint', '.', '--fix', '--no-baseline'], { cwd: a, encoding: 'utf8' });
      await ESLint.outputFixes(await eslintFor(b, true).lintFiles(['.']));
      for (const f of listFiles(a).filter((x) => CODE.test(x))) {
        const rel = path.relative(a, f);
        expect(fs.readFileSync(path.join(b, rel), 'utf8'), rel).toBe(fs.readFileSync(f, 'utf8'));
      }
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
      fs.rmSync(b, { recursive: true, force: true });
    }
  }, 60_000);
});
