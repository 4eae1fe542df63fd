#!/usr/bin/env node
// `npm run bench -- [repo dirs...] [--runs N] [--json out.json] [--keep] [--no-eslint]`
//
// What it measures (the method of /work/shared/PERF.md): for each repository, in one run on this machine,
// three whole node processes over the same TS/JS files, each timed from outside:
//   floor      read every file of the list and ts.createSourceFile(f, text, Latest, true) it, AST dropped
//              (prodready's own typescript package: the TypeScript parser is the floor of any syntax scan)
//   prodready  `prodready lint <repo> --format json -o /dev/null`: the CLI walks the repository itself
//              (files of every kind, test files not linted), so its file counts are printed next to the list's
//   eslint     ESLint 9 + eslint-plugin-security + @microsoft/eslint-plugin-sdl (recommended) +
//              eslint-plugin-no-secrets, @typescript-eslint/parser for TypeScript, on exactly the list's files,
//              with a flat config written to a temp dir (-c, --no-config-lookup: the repository's own config
//              is never read), report written as JSON to count the files it really linted
// File list: .ts .tsx .js .jsx .mjs .cjs .mts .cts (.d.ts included), skipping node_modules/.git, build output
// (dist, .next, coverage, …; `build`/`out` only next to a package.json), `generated/` folders, files whose
// leading comment says generated / do not edit, and minified files (> 400 characters a line on average).
// Timing: GNU time (`/usr/bin/time -f '%e %U %S %M'`: wall, user+sys CPU, max RSS of the child). Without it
// (Debian package `time`), wall is taken here and CPU/RSS by a `node -r` hook that writes the child's
// process.resourceUsage() at exit. Before each timed run the repository's files are read once (page cache warm for
// every job alike). Runs are interleaved (floor, prodready, eslint, floor, …), `--runs`
// times (default 3); the median of each figure is reported, with all samples in the JSON.
// Defaults: repositories /tmp/corpus/novu and /tmp/corpus/trigger when present, else examples/; JSON /tmp/bench-results.json.
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
  return args.splice(i, 2)[1];
};
const runs = Math.max(1, Number(opt('--runs', '3')) || 3);
const jsonOut = path.resolve(opt('--json', '/tmp/bench-results.json'));
const keep = args.includes('--keep');
// --no-eslint: only the floor and prodready (quick iterations; the published figures include ESLint)
const noEslint = args.includes('--no-eslint');
let repos = args.filter((a) => !a.startsWith('--'));
if (!repos.length) {
  repos = ['/tmp/corpus/novu', '/tmp/corpus/trigger'].filter((d) => fs.existsSync(d));
  if (!repos.length) repos = [path.join(ROOT, 'examples')];
}
repos = repos.map((r) => path.resolve(r));
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-bench-'));
const resolveDev = createRequire(path.join(ROOT, 'package.json')).resolve;

// ------------------------------------------------------------------------------------------------ file list
const EXT = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;
const SKIP_DIRS = new Set(['node_modules', '.git', 'generated', 'dist', '.next', '.nuxt', '.output', '.svelte-kit', '.turbo', '.vercel', 'coverage']);
const OUTPUT_NEXT_TO_PACKAGE = new Set(['build', 'out']); // packages/build or src/build are source folders

function isGenerated(text) {
  const lead = /^(?:#![^\n]*\n)?(?:\s*(?:\/\/[^\n]*|\/\*[\s\S]*?\*\/))+/.exec(text)?.[0];
  if (!lead) return false;
  const first = lead.replace(/^(?:#![^\n]*\n)?\s*(?:\/\/+|\/\*+)[\s*!]*/, ''); // "// Generated from X by ANTLR"
  return /do not edit|@generated|auto-?generated|code generated/i.test(lead) || /^generated\b/i.test(first);
}

function fileList(repo) {
  const files = [];
  let bytes = 0;
  let lines = 0;
  const rec = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name)) continue;
        if (OUTPUT_NEXT_TO_PACKAGE.has(e.name) && fs.existsSync(path.join(dir, 'package.json'))) continue;
        rec(p);
      } else if (e.isFile() && EXT.test(e.name)) {
        const text = fs.readFileSync(p, 'utf8');
        const n = (text.match(/\n/g)?.length ?? 0) + (text && !text.endsWith('\n') ? 1 : 0);
        if (isGenerated(text) || text.length / Math.max(1, n) > 400) continue;
        files.push(p);
        bytes += fs.statSync(p).size;
        lines += n;
      }
    }
  };
  rec(repo);
  return { files, bytes, lines };
}

// ------------------------------------------------------------------------------------------------ timing
const RUSAGE_HOOK = path.join(tmp, 'rusage-hook.cjs');
fs.writeFileSync(
  RUSAGE_HOOK,
  `process.on('exit', () => { const u = process.resourceUsage();
  require('fs').writeFileSync(process.env.BENCH_RUSAGE, (u.userCPUTime + u.systemCPUTime) / 1e6 + ' ' + u.maxRSS); });\n`,
);

/** One run of `node <nodeArgs>` in `cwd`: { wall s, cpu s, rssMB, status, stderr }. */
function timeNode(nodeArgs, cwd) {
  const out = path.join(tmp, 'time.txt');
  fs.rmSync(out, { force: true });
  const spawnOpts = { cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 };
  const t0 = performance.now();
  const r = GNU_TIME
    ? spawnSync(GNU_TIME, ['-f', '%e %U %S %M', '-o', out, process.execPath, ...nodeArgs], spawnOpts)
    : spawnSync(process.execPath, ['-r', RUSAGE_HOOK, ...nodeArgs], { ...spawnOpts, env: { ...process.env, BENCH_RUSAGE: out } });
  const wall = (performance.now() - t0) / 1000;
  const m = { wall, cpu: NaN, rssMB: NaN, load: os.loadavg()[0], status: r.status ?? r.signal, stderr: r.stderr ?? '' };
  if (!fs.existsSync(out)) return m;
  const last = fs.readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number); // GNU time may add a "Command exited" line first
  if (GNU_TIME) Object.assign(m, { wall: last[0], cpu: last[1] + last[2], rssMB: last[3] / 1024 });
  else Object.assign(m, { cpu: last[0], rssMB: last[1] / 1024 });
  return m;
}

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const summarise = (samples) => ({
  wall: median(samples.map((s) => s.wall)),
  cpu: median(samples.map((s) => s.cpu)),
  rssMB: median(samples.map((s) => s.rssMB)),
  samples: samples.map(({ wall, cpu, rssMB, load }) => ({ wall, cpu, rssMB, load })),
});

// ------------------------------------------------------------------------------------------------ the three jobs
const FLOOR = path.join(tmp, 'floor.cjs');
fs.writeFileSync(
  FLOOR,
  `const ts = require(${JSON.stringify(resolveDev('typescript'))});
const fs = require('fs');
let statements = 0;
for (const f of fs.readFileSync(process.argv[2], 'utf8').split('\\n').filter(Boolean)) {
  statements += ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true).statements.length;
}
`,
);

// sdl's recommended config registers its own older copy of eslint-plugin-security under "security", so the
// installed eslint-plugin-security 3 runs under another key. Modules are resolved from prodready's root.
const ESLINT_CONFIG = path.join(tmp, 'eslint.config.cjs');
const req = (m) => `require(${JSON.stringify(resolveDev(m))})`;
fs.writeFileSync(
  ESLINT_CONFIG,
  `const security = ${req('eslint-plugin-security')};
const sdl = ${req('@microsoft/eslint-plugin-sdl')};
const noSecrets = ${req('eslint-plugin-no-secrets')};
const tsParser = ${req('@typescript-eslint/parser')};
const rename = (rules) => Object.fromEntries(Object.entries(rules).map(([k, v]) => [k.replace(/^security\\//, 'security3/'), v]));
module.exports = [
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  ...[].concat(sdl.configs.recommended),
  { plugins: { security3: security }, rules: rename(security.configs.recommended.rules) },
  { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tsParser } },
  { files: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'], plugins: { 'no-secrets': noSecrets },
    rules: { 'no-secrets/no-secrets': 'error' }, languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } },
];
`,
);
const ESLINT_BIN = path.join(path.dirname(resolveDev('eslint/package.json')), 'bin', 'eslint.js');
const ESLINT_VERSION = JSON.parse(fs.readFileSync(resolveDev('eslint/package.json'), 'utf8')).version;
// Past ~1.5 MB of arguments (ARG_MAX is usually 2 MB) the same lint runs through ESLint's Node API instead.
const ESLINT_API = path.join(tmp, 'eslint-api.mjs');
fs.writeFileSync(
  ESLINT_API,
  `import * as fs from 'node:fs';
const { ESLint } = await import(${JSON.stringify(resolveDev('eslint'))});
const [config, list, out] = process.argv.slice(2);
const eslint = new ESLint({ overrideConfigFile: config, ignore: false, warnIgnored: false });
const results = await eslint.lintFiles(fs.readFileSync(list, 'utf8').split('\\n').filter(Boolean));
fs.writeFileSync(out, JSON.stringify(results));
`,
);

// ------------------------------------------------------------------------------------------------ main
const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('node scripts/build.mjs failed');
// What users run: bin/prodready.js, which loads dist/cli.js (one bundle) with its V8 code cache. Both are copied
// now (tmp/bin, tmp/dist), so that a rebuild by someone else during the benchmark cannot change the code measured;
// the untimed check run below writes the code cache, as a user's first run does.
fs.mkdirSync(path.join(tmp, 'bin'));
fs.mkdirSync(path.join(tmp, 'dist'));
fs.copyFileSync(path.join(ROOT, 'dist', 'cli.js'), path.join(tmp, 'dist', 'cli.js'));
fs.copyFileSync(path.join(ROOT, 'bin', 'prodready.js'), path.join(tmp, 'bin', 'prodready.js'));
const CLI = path.join(tmp, 'bin', 'prodready.js');

/**
 * Read every file of the repository (not timed) so each timed run starts with it in the page cache: on this VM the
 * kernel reclaims file pages idle for tens of seconds (DAMON), and a cold read of a repository took 2.5 s against
 * 0.1 s warm — noise that would land on whichever job runs first after a pause.
 */
function warmPageCache(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git' || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    try {
      if (e.isDirectory()) warmPageCache(p);
      else if (e.isFile()) fs.readFileSync(p);
    } catch {
      /* unreadable: the jobs will say so */
    }
  }
}

const ratio = (a, b, k) => (a && b ? a[k] / b[k] : NaN);
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const int = (n) => n.toLocaleString('en-US');
const results = [];
console.log(`prodready bench: ${os.cpus().length} CPUs, Node ${process.version}, ESLint ${ESLINT_VERSION}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${runs} run(s), timing by ${GNU_TIME ? 'GNU time' : 'wall clock + resourceUsage hook'}`);

for (const repo of repos) {
  const { files, bytes, lines } = fileList(repo);
  const name = path.basename(repo);
  const listFile = path.join(tmp, `${name}.list`);
  fs.writeFileSync(listFile, files.join('\n') + '\n');
  const rel = files.map((f) => path.relative(repo, f));
  console.error(`\n${repo}: ${int(files.length)} TS/JS files, ${fmt(bytes / 1e6, 1)} MB, ${int(lines)} lines (list: ${listFile})`);

  // prodready once, untimed, with its report kept: crash check and file counts.
  const reportFile = path.join(tmp, `${name}.prodready.json`);
  const check = spawnSync(process.execPath, [CLI, 'lint', repo, '--format', 'json', '-o', reportFile], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 });
  let pr = { status: check.status ?? check.signal, crashed: false };
  if (!fs.existsSync(reportFile) || ![0, 1, 2].includes(check.status)) {
    pr = { ...pr, crashed: true, stderr: (check.stderr ?? '').slice(-3000) };
  } else {
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    const listed = new Set(rel.map((r) => r.split(path.sep).join('/')));
    const code = report.files.filter((f) => f.kind === 'code' || f.kind === 'next.config');
    const internal = {};
    for (const f of report.files) {
      for (const x of f.findings) {
        if (x.ruleId !== 'internal-error') continue;
        const rule = /Rule "([^"]+)"/.exec(x.message)?.[1] ?? '?';
        (internal[rule] ??= { files: 0, first: `${f.path}: ${x.message}` }).files++;
      }
    }
    pr = {
      ...pr,
      classified: report.summary.files,
      linted: report.files.length,
      lintedCode: code.length,
      lintedFromList: code.filter((f) => listed.has(f.path)).length,
      skipped: report.skipped.length,
      findings: report.summary.findings,
      internalErrors: internal,
      stderr: (check.stderr ?? '').split('\n').filter((l) => l && !/problem\(s\) written/.test(l)).slice(0, 10).join('\n'),
    };
  }

  const eslintOut = path.join(tmp, `${name}.eslint.json`);
  const viaCli = rel.reduce((n, r) => n + r.length + 1, 0) < 1.5e6;
  const eslintArgs = viaCli
    ? [ESLINT_BIN, '-c', ESLINT_CONFIG, '--no-config-lookup', '--no-ignore', '--no-warn-ignored', '--format', 'json', '-o', eslintOut, ...rel]
    : [ESLINT_API, ESLINT_CONFIG, listFile, eslintOut];
  const jobs = {
    floor: { args: [FLOOR, listFile], ok: [0] },
    prodready: pr.crashed ? undefined : { args: [CLI, 'lint', repo, '--format', 'json', '-o', '/dev/null'], ok: [0, 1, 2] },
    eslint: noEslint ? undefined : { args: eslintArgs, ok: [0, 1] },
  };
  const samples = { floor: [], prodready: [], eslint: [] };
  const failures = {};
  for (let i = 0; i < runs; i++) {
    for (const [job, j] of Object.entries(jobs)) {
      if (!j || failures[job]) continue;
      process.stderr.write(`  run ${i + 1}/${runs} ${job}… `);
      warmPageCache(repo);
      const m = timeNode(j.args, repo);
      process.stderr.write(`${fmt(m.wall)} s\n`);
      if (!j.ok.includes(m.status)) failures[job] = `exit ${m.status}: ${m.stderr.slice(-2000)}`;
      else samples[job].push(m);
    }
  }
  const t = Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, s.length ? summarise(s) : undefined]));
  const er = fs.existsSync(eslintOut) ? JSON.parse(fs.readFileSync(eslintOut, 'utf8')) : undefined;
  const eslintFiles = er ? er.length : NaN;
  const eslintFatal = er ? er.filter((r) => r.messages.some((m) => m.fatal)).length : NaN;
  const eslintProblems = er ? er.reduce((n, r) => n + r.messages.length, 0) : NaN;
  const row = {
    repo,
    list: { files: files.length, MB: bytes / 1e6, lines },
    prodready: pr,
    eslint: { files: eslintFiles, filesWithFatalParseErrors: eslintFatal, problems: eslintProblems, via: viaCli ? 'cli' : 'node-api' },
    times: t,
    failures,
    ratios: {
      prodreadyWallToFloor: ratio(t.prodready, t.floor, 'wall'),
      prodreadyCpuToFloor: ratio(t.prodready, t.floor, 'cpu'),
      eslintWallToFloor: ratio(t.eslint, t.floor, 'wall'),
      eslintCpuToFloor: ratio(t.eslint, t.floor, 'cpu'),
      eslintOverProdreadyWall: ratio(t.eslint, t.prodready, 'wall'),
      eslintOverProdreadyCpu: ratio(t.eslint, t.prodready, 'cpu'),
    },
  };
  results.push(row);

  console.log(`\n## ${name}: ${int(files.length)} TS/JS files in the list, ${fmt(bytes / 1e6, 1)} MB, ${int(lines)} lines`);
  if (pr.crashed) console.log(`prodready CRASHED (exit ${pr.status}); not timed:\n${pr.stderr}`);
  else {
    console.log(
      `prodready: classified ${int(pr.classified)} files of every kind, linted ${int(pr.linted)} (${int(pr.lintedCode)} TS/JS, ` +
        `${int(pr.lintedFromList)} of the list's ${int(files.length)}; the rest are tests/non-production), skipped ${pr.skipped}, ${int(pr.findings)} findings`,
    );
    const ie = Object.entries(pr.internalErrors);
    if (ie.length) console.log(`prodready INTERNAL ERRORS (exit ${pr.status}): ${ie.map(([r, v]) => `${r} on ${v.files} file(s), e.g. ${v.first}`).join('; ')}`);
    if (pr.stderr) console.log(`prodready stderr: ${pr.stderr}`);
  }
  console.log(`ESLint: linted ${int(eslintFiles)} of ${int(files.length)} files (${eslintFatal} with a fatal parse error), ${int(eslintProblems)} problems`);
  for (const [job, why] of Object.entries(failures)) console.log(`${job} FAILED: ${why}`);
  console.log('| run | wall s | CPU s | max RSS MB | wall × floor | CPU × floor |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [label, k] of [['parse floor', 'floor'], ['prodready lint', 'prodready'], ['ESLint + security plugins', 'eslint']]) {
    const m = t[k];
    if (!m) console.log(`| ${label} | n/a | n/a | n/a | n/a | n/a |`);
    else console.log(`| ${label} | ${fmt(m.wall)} | ${fmt(m.cpu)} | ${fmt(m.rssMB, 0)} | ${fmt(ratio(m, t.floor, 'wall'))} | ${fmt(ratio(m, t.floor, 'cpu'))} |`);
  }
  console.log(`ESLint ÷ prodready: ${fmt(row.ratios.eslintOverProdreadyWall, 1)}× wall, ${fmt(row.ratios.eslintOverProdreadyCpu, 1)}× CPU`);
  const load = Math.max(...Object.values(samples).flat().map((s) => s.load));
  if (load > os.cpus().length * 0.75) console.log(`WARNING: machine busy (1-min load average up to ${fmt(load)} on ${os.cpus().length} CPUs): wall times are inflated; trust CPU ratios more`);
}

const meta = { date: new Date().toISOString(), cpus: os.cpus().length, node: process.version, eslint: ESLINT_VERSION, runs, timing: GNU_TIME ? 'gnu-time' : 'resourceUsage-hook', loadavgAtEnd: os.loadavg() };
fs.mkdirSync(path.dirname(jsonOut), { recursive: true });
fs.writeFileSync(jsonOut, JSON.stringify({ ...meta, results }, null, 2) + '\n');
console.log(`\nresults: ${jsonOut}${keep ? `; file lists and reports kept in ${tmp}` : ''}`);
if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
