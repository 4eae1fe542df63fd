/** A real third-party client: headless Neovim (0.7, push diagnostics) attaches the server over stdio. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from './harness';

const SERVER = path.join(__dirname, '..', 'dist', 'server.js');

describe('Neovim', () => {
  it('gets diagnostics over stdio and applies the quick fix, and the file on disk is fixed', () => {
    const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
    expect(nvim.status, 'nvim is installed by scripts/ensure-test-tools.sh (npm test runs it)').toBe(0);
    const root = tmpDir('nvim');
    const file = path.join(root, 'docker-compose.yml');
    fs.writeFileSync(file, 'services:\n  redis:\n    image: redis:7\n    ports:\n      - "6379:6379"\n');
    const xdg = path.join(root, '.xdg');
    const env = { ...process.env, PRODREADY_SERVER: SERVER, PRODREADY_ROOT: root, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_STATE_HOME: xdg, XDG_CACHE_HOME: xdg };
    const r = spawnSync('timeout', ['60', 'nvim', '--headless', '-n', '-i', 'NONE', '-u', path.join(__dirname, 'nvim', 'init.lua'), file], { cwd: root, env, encoding: 'utf8' });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out, out).toMatch(/DIAG 4 prodready exposed-port Service "redis" publishes port 6379 on all interfaces\./);
    expect(out, out).toMatch(/PICK Bind the port to 127\.0\.0\.1/);
    expect(out, out).toMatch(/RESULT ok cleared=true/);
    expect(fs.readFileSync(file, 'utf8')).toBe('services:\n  redis:\n    image: redis:7\n    ports:\n      - "127.0.0.1:6379:6379"\n');
    fs.rmSync(root, { recursive: true, force: true });
  });
});
