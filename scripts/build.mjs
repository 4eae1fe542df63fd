// Builds the bundles with esbuild: the CLI (dist/cli.js), the language server (dist/server.js)
// and the VS Code extension (dist/extension.js, `vscode` left to the host).
import { build } from 'esbuild';
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
mkdirSync(join(root, 'dist'), { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { PRODREADY_VERSION: JSON.stringify(pkg.version) },
  absWorkingDir: root,
  // jsonc-parser's UMD main cannot be bundled; its ESM build can.
  mainFields: ['module', 'main'],
};

await build({ ...common, entryPoints: ['server/src/cli/index.ts'], outfile: 'dist/cli.js' });
await build({ ...common, entryPoints: ['server/src/lsp/index.ts'], outfile: 'dist/server.js' });
await build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] });
