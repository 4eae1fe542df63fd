/**
 * `prodready lint --fix` killed while it writes: real runs, killed with SIGINT, SIGTERM and SIGKILL once the
 * first file has been rewritten. Every file must then be wholly as it was or wholly fixed (never half-written),
 * SIGINT/SIGTERM leave no temporary files behind and end the process by that signal.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDir, tmpDir } from './harness';

const BIN = path.join(__dirname, '..', 'bin', 'prodready.js');
const FILES = 300;

let base: string;
let fixedDir: string;
const original = new Map<string, string>();
const fixed = new Map<string, string>();

function listAll(dir: string): string[] {
  const out: string[] = [];
  const rec = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== '.git') rec(p);
      } else out.push(path.relative(dir, p));
    }
  };
  rec(dir);
  return out.sort();
}

beforeAll(() => {
  base = tmpDir('kill-base');
  fs.mkdirSync(path.join(base, '.git'));
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(base, 'stacks', `s${String(i).padStart(3, '0')}`);
    fs.mkdirSync(dir, { recursive: true });
    // a few hundred lines each, so a half-written file would be visible
    const pad = Array.from({ length: 200 }, (_, k) => `      - "/data/volume-${k}:/var/lib/app/${k}"`).join('\n');
    fs.writeFileSync(
      path.join(dir, 'docker-compose.yml'),
      `services:\n  redis:\n    image: redis:7\n    ports:\n      - "6379:6379"\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n    volumes:\n${pad}\n`,
    );
  }
  for (const f of listAll(base)) original.set(f, fs.readFileSync(path.join(base, f), 'utf8'));
  fixedDir = tmpDir('kill-fixed');
  copyDir(base, fixedDir);
  const r = spawnSync(process.execPath, [BIN, 'lint', '--fix', '--format', 'json'], { cwd: fixedDir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBeLessThan(2);
  for (const f of listAll(fixedDir)) fixed.set(f, fs.readFileSync(path.join(fixedDir, f), 'utf8'));
  const changed = [...original.keys()].filter((f) => original.get(f) !== fixed.get(f));
  expect(changed.length).toBe(FILES);
}, 120_000);

afterAll(() => {
  fs.rmSync(base, { recursive: true, force: true });
  fs.rmSync(fixedDir, { recursive: true, force: true });
});

async function killMidFix(signal: NodeJS.Signals): Promise<{ dir: string; code: number | null; sig: NodeJS.Signals | null; rewritten: number }> {
  const dir = tmpDir(`kill-${signal}`);
  copyDir(base, dir);
  const files = [...original.keys()];
  const proc = spawn(process.execPath, [BIN, 'lint', '--fix'], { cwd: dir, stdio: 'ignore' });
  const done = new Promise<{ code: number | null; sig: NodeJS.Signals | null }>((res) => proc.on('exit', (code, sig) => res({ code, sig })));
  // wait until the first file has been rewritten, then kill at once
  const deadline = Date.now() + 60_000;
  let killed = false;
  while (Date.now() < deadline) {
    const changed = files.some((f) => {
      try {
        return fs.readFileSync(path.join(dir, f), 'utf8') !== original.get(f);
      } catch {
        return false;
      }
    });
    if (changed) {
      proc.kill(signal);
      killed = true;
      break;
    }
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const exit = await done;
  expect(killed, 'the run was killed while fixing').toBe(true);
  const rewritten = files.filter((f) => fs.readFileSync(path.join(dir, f), 'utf8') === fixed.get(f)).length;
  return { dir, ...exit, rewritten };
}

describe('--fix killed mid-run', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    it(`${signal}: every file is wholly old or wholly new`, async () => {
      const { dir, sig, rewritten } = await killMidFix(signal);
      for (const f of original.keys()) {
        const now = fs.readFileSync(path.join(dir, f), 'utf8');
        expect(now === original.get(f) || now === fixed.get(f), `${f} is neither the original nor the fixed file`).toBe(true);
      }
      expect(rewritten).toBeGreaterThan(0);
      expect(sig).toBe(signal);
      if (signal !== 'SIGKILL') {
        // stopped between files: nothing half-done, no temporary files left, and it did stop early
        expect(listAll(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
        expect(rewritten).toBeLessThan(FILES);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }, 90_000);
  }
});
