#!/usr/bin/env node
// `npm run bench -- [repo dirs...] [--runs N] [--json out.json]`
//
// Measures, in one run on this machine, three whole processes over the same repository (PERF.md's method):
//   floor      read every TS/JS file of the list and ts.createSourceFile(…, Latest, true) it, AST dropped
//   prodready  node bin/prodready.js lint <repo> --format json (the CLI walks the repository itself)
//   eslint     ESLint 9 + eslint-plugin-security + @microsoft/eslint-plugin-sdl + eslint-plugin-no-secrets,
//              @typescript-eslint/parser for TypeScript, on the same file list as the floor
// Each is timed from outside with GNU time (wall, user+sys CPU, max RSS; wall only when /usr/bin/time is
// missing), `--runs` times (default 3), and the median is reported with the ratios to the floor.
// Default repositories: /tmp/corpus/novu and /tmp/corpus/trigger when present, else examples/.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const runs = Number(opt('--runs', '3'));
const jsonOut = opt('--json', undefined);
let repos = args.filter((a) => !a.startsWith('--'));
if (!repos.length) {
  repos = ['/tmp/corpus/novu', '/tmp/corpus/trigger'].filter((d) => fs.existsSync(d));
  if (!repos.length) repos = [path.join(ROOT, 'examples')];
}
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-bench-'));

// ------------------------------------------------------------------------------------------- file list
const EXT = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;
const SKIP = new Set(['node_modules', '.git', 'dist', 'build', 'out', '.next', 'coverage', '.turbo', 'generated', '.cache', '.output']);
function fileList(dir) {
  const out = [];
  const rec = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) rec(path.join(d, e.name));
      } else if (e.isFile() && EXT.test(e.name) && !e.name.endsWith('.d.ts')) {
        const p = path.join(d, e.name);
        const text = fs.readFileSync(p, 'utf8');
        if (/^\s*(\/\/|\/\*)[^\n]*(@generated|do not edit|auto-?generated)/i.test(text.slice(0, 500))) continue;
        const lines = text.split('\n').length;
        if (text.length > 2000 && text.length / lines > 400) continue;
        out.push(p);
      }
    }
  };
  rec(dir);
  return out;
}

// ------------------------------------------------------------------------------------------- runners
function measure(label, cmd, cmdArgs, cwd) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const timeFile = path.join(tmp, 'time.txt');
    const t0 = performance.now();
    const r = GNU_TIME
      ? spawnSync(GNU_TIME, ['-f', '%e %U %S %M', '-o', timeFile, cmd, ...cmdArgs], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 })
      : spawnSync(cmd, cmdArgs, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
    const wallMs = performance.now() - t0;
    if (r.status !== 0 && r.status !== 1) throw new Error(`${label} failed (${r.status}): ${r.stderr?.slice(0, 2000)}`);
    if (GNU_TIME) {
      const [e, u, s, m] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      samples.push({ wall: e, cpu: u + s, rssMB: m / 1024 });
    } else samples.push({ wall: wallMs / 1000, cpu: NaN, rssMB: NaN });
  }
  const med = (k) => samples.map((s) => s[k]).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  return { wall: med('wall'), cpu: med('cpu'), rssMB: med('rssMB') };
}

function floorScript(listFile) {
  const f = path.join(tmp, 'floor.cjs');
  fs.writeFileSync(
    f,
    `const ts = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'typescript'))});
const fs = require('fs');
let nodes = 0;
for (const p of fs.readFileSync(${JSON.stringify(listFile)}, 'utf8').split('\\n').filter(Boolean)) {
  const sf = ts.createSourceFile(p, fs.readFileSync(p, 'utf8'), ts.ScriptTarget.Latest, true);
  nodes += sf.statements.length;
}
console.log(nodes);
`,
  );
  return f;
}

function eslintConfig(repo) {
  // The config must sit inside the repository (ESLint 9 ignores files outside its base path).
  const f = path.join(repo, `.prodready-bench.eslint.config.cjs`);
  const resolve = createRequire(path.join(ROOT, 'package.json')).resolve;
  const req = (m) => JSON.stringify(resolve(m));
  fs.writeFileSync(
    f,
    `const security = require(${req('eslint-plugin-security')});
const sdl = require(${req('@microsoft/eslint-plugin-sdl')});
const noSecrets = require(${req('eslint-plugin-no-secrets')});
const tsParser = require(${req('@typescript-eslint/parser')});
module.exports = [
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  ...[].concat(sdl.configs.recommended),
  // sdl's recommended config registers its own (older) copy as "security": this one runs under another key
  { plugins: { 'security-plugin': security }, rules: Object.fromEntries(Object.entries(security.configs.recommended.rules).map(([k, v]) => [k.replace('security/', 'security-plugin/'), v])) },
  { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tsParser } },
  { files: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'], plugins: { 'no-secrets': noSecrets }, rules: { 'no-secrets/no-secrets': 'error' },
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } },
];
`,
  );
  return f;
}

// ------------------------------------------------------------------------------------------- main
spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
const results = [];
for (const repo of repos.map((r) => path.resolve(r))) {
  const files = fileList(repo);
  const listFile = path.join(tmp, `${path.basename(repo)}.list`);
  fs.writeFileSync(listFile, files.join('\n'));
  const rel = files.map((f) => path.relative(repo, f));
  console.error(`\n${repo}: ${files.length} TS/JS files`);

  const floor = measure('floor', process.execPath, [floorScript(listFile)], repo);
  const outJson = path.join(tmp, 'prodready.json');
  const prodready = measure('prodready', process.execPath, [path.join(ROOT, 'bin', 'prodready.js'), 'lint', repo, '--format', 'json', '-o', outJson], repo);
  const report = JSON.parse(fs.readFileSync(outJson, 'utf8'));
  const cfg = eslintConfig(repo);
  const eslintOut = path.join(tmp, 'eslint.json');
  let eslint;
  try {
    eslint = measure('eslint', process.execPath, [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '-c', cfg, '--no-ignore', '--no-warn-ignored', '--format', 'json', '-o', eslintOut, ...rel], repo);
  } finally {
    fs.rmSync(cfg, { force: true });
  }
  const eslintFiles = JSON.parse(fs.readFileSync(eslintOut, 'utf8')).length;
  const row = {
    repo,
    files: files.length,
    prodreadyFiles: report.summary.files,
    prodreadyFindings: report.summary.findings,
    eslintFiles,
    floor,
    prodready,
    eslint,
    ratios: {
      prodreadyWallToFloor: prodready.wall / floor.wall,
      prodreadyCpuToFloor: prodready.cpu / floor.cpu,
      eslintWallToFloor: eslint.wall / floor.wall,
      eslintOverProdready: eslint.wall / prodready.wall,
    },
  };
  results.push(row);
  const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  console.log(`\n## ${path.basename(repo)} (${files.length} TS/JS files; prodready classified ${report.summary.files} files of every kind; ESLint linted ${eslintFiles})`);
  console.log('| run | wall s | CPU s | max RSS MB | wall × floor | CPU × floor |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, m] of [['parse floor', floor], ['prodready lint', prodready], ['ESLint + security plugins', eslint]]) {
    console.log(`| ${name} | ${f(m.wall)} | ${f(m.cpu)} | ${f(m.rssMB, 0)} | ${f(m.wall / floor.wall)} | ${f(m.cpu / floor.cpu)} |`);
  }
  console.log(`ESLint / prodready (wall): ${f(row.ratios.eslintOverProdready, 1)}×`);
}
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ runs, results }, null, 2));
fs.rmSync(tmp, { recursive: true, force: true });
