// Builds the bundles with esbuild: the CLI (dist/cli.js), the GitHub Action (dist/action.js), the ESLint plugin
// (dist/eslint-plugin.js), the language server (dist/server.js) and the VS Code extension (dist/extension.js,
// `vscode` left to the host).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
mkdirSync(join(root, 'dist'), { recursive: true });

// A fingerprint of the sources (engine, rules, CLI): results cached by --cache are only reused by a build of
// exactly the same code.
const hash = createHash('sha1').update(pkg.version);
const addDir = (dir) => {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'fixtures' && e.name !== 'node_modules') addDir(rel);
    } else if (/\.ts$/.test(e.name)) hash.update(rel).update(readFileSync(join(root, rel)));
  }
};
addDir('server/src');
addDir('rules');
const buildId = hash.digest('hex').slice(0, 16);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { PRODREADY_VERSION: JSON.stringify(pkg.version), PRODREADY_BUILD_ID: JSON.stringify(buildId) },
  absWorkingDir: root,
  // jsonc-parser's UMD main cannot be bundled; its ESM build can.
  mainFields: ['module', 'main'],
};

await build({ ...common, entryPoints: ['server/src/cli/index.ts'], outfile: 'dist/cli.js' });
await build({ ...common, entryPoints: ['server/src/cli/action.ts'], outfile: 'dist/action.js' });
// the ESLint plugin uses the project's own typescript (the one typescript-eslint parsed with): not bundled
await build({ ...common, entryPoints: ['server/src/eslint/plugin.ts'], outfile: 'dist/eslint-plugin.js', external: ['typescript', '@typescript-eslint/parser'] });
await build({ ...common, entryPoints: ['server/src/lsp/index.ts'], outfile: 'dist/server.js' });
await build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] });
