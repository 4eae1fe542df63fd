#!/usr/bin/env node
'use strict';
// Loads the CLI bundle with a V8 code cache (kept in the OS temp folder, keyed by the bundle's size and mtime),
// so start-up does not compile 10 MB of JavaScript on every run. Any problem with the cache falls back to a
// plain require.
const fs = require('fs');
const os = require('os');
const path = require('path');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');

function run() {
  // the bundle sets this V8 flag too (server/src/cli/index.ts); set before compiling, so the code cache made with
  // it is accepted (V8 rejects cached code made under other flags)
  require('v8').setFlagsFromString('--heap-growing-percent=35');
  if (process.env.PRODREADY_NO_CODE_CACHE) return require(bundle);
  const vm = require('vm');
  const Module = require('module');
  const st = fs.statSync(bundle);
  const cacheFile = path.join(os.tmpdir(), `prodready-${process.version}-${st.size}-${Math.floor(st.mtimeMs)}.v8cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const code = fs.readFileSync(bundle, 'utf8');
  const script = new vm.Script(Module.wrap(code), { filename: bundle, cachedData });
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(path.dirname(bundle));
  const fn = script.runInThisContext();
  const req = (id) => mod.require(id);
  req.resolve = (id) => Module._resolveFilename(id, mod);
  fn.call(mod.exports, mod.exports, req, mod, bundle, path.dirname(bundle));
  if (!cachedData || script.cachedDataRejected) {
    // after the run's first turn, so the functions it compiled are in the cache
    setImmediate(() => {
      try {
        const tmp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        /* a read-only temp folder: no cache */
      }
    });
  }
}

try {
  run();
} catch (e) {
  if (e && e.code === 'ENOENT' && String(e.path || '').endsWith('cli.js')) {
    process.stderr.write('prodready: dist/cli.js is missing; run npm run build (npm ci builds it).\n');
    process.exitCode = 2;
  } else throw e;
}
