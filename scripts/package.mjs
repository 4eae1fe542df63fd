// `npm run package`: writes prodready-<version>.vsix with @vscode/vsce from the bundles built by build.mjs
// (.vscodeignore ships only the bundles, grammars, schema, rule docs, README, CHANGELOG and LICENSE).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, `prodready-${version}.vsix`);
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--baseContentUrl', 'https://github.com/prodready/prodready/blob/main', '--baseImagesUrl', 'https://github.com/prodready/prodready/raw/main', '-o', out], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, VSCE_TELEMETRY: 'off' },
});
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(`${out}: ${(statSync(out).size / 1024 / 1024).toFixed(2)} MB`);
