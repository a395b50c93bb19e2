#!/usr/bin/env node
// Entry of the checkpoint-studio command: the command line bundled in one file (npm run build).
//
// Compiling that 2 MB file took ~100 ms of every start, more than the rest of getting to the first
// engine request (issue 17), so it is compiled with V8's code cache: the first run writes
// checkpoint-studio.js.v8cache beside it, later runs start from it. V8 refuses a cache made for
// other source or another V8 (a rebuild, another Node); then the file is compiled as usual and the
// cache written again. Where dist/ is read-only the cache is simply never written.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const cli = path.join(__dirname, '..', 'dist', 'cli', 'checkpoint-studio.js');
const cacheFile = `${cli}.v8cache`;

let source;
try {
  source = fs.readFileSync(cli, 'utf8');
} catch {
  console.error('checkpoint-studio is not built yet: run "npm run build" in ' + path.join(__dirname, '..'));
  process.exit(1);
}

let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}

const script = new vm.Script(Module.wrap(source), { filename: cli, cachedData });
if (!cachedData || script.cachedDataRejected) {
  // At exit, so that the functions this run compiled are in it too.
  process.once('exit', () => {
    try {
      const tmp = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      // A cache is only ever a speed-up.
    }
  });
}

const cliModule = new Module(cli, module);
cliModule.filename = cli;
cliModule.paths = Module._nodeModulePaths(path.dirname(cli));
script.runInThisContext()(cliModule.exports, Module.createRequire(cli), cliModule, cli, path.dirname(cli));
cliModule.loaded = true;
cliModule.exports.run();
