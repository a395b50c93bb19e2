// Compiles the main process (tsc), bundles the sandboxed preload (esbuild: a sandboxed preload
// cannot require our modules) and the command line (esbuild: one file starts several times faster
// than the ~500 modules it is made of, issue 17), and builds the renderer (vite).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { mustRun, root, say } from './lib.mjs';

const bin = (name) => path.join(root, 'node_modules', '.bin', name);

/**
 * Packages the command line loads at run time rather than from its bundle: native ones (and ssh2,
 * whose crypto is native when it can be). Bundling the rest measured faster: zod alone is ~300 files,
 * ~100 ms to resolve and compile one by one against ~40 ms bundled.
 */
const CLI_EXTERNAL = ['better-sqlite3', 'zstd-napi', 'ssh2', 'cpu-features'];

/**
 * docker-modem requires its own SSH transport, and with it all of ssh2 (~50 ms), the moment it
 * loads; the app never uses that transport (engines/remote/ssh-transport.ts is its own), so in the
 * command line's bundle it is required when called, i.e. never.
 */
const sshOnDemand = {
  name: 'docker-modem-ssh-on-demand',
  setup(build) {
    build.onLoad({ filter: /docker-modem[\\/]lib[\\/]modem\.js$/ }, (args) => {
      const text = fs.readFileSync(args.path, 'utf8');
      const eager = "ssh = require('./ssh'),";
      if (!text.includes(eager)) throw new Error(`docker-modem changed: no "${eager}" in ${args.path}`);
      return {
        contents: text.replace(eager, "ssh = (opt) => require('./ssh')(opt),"),
        loader: 'js',
      };
    });
  },
};

fs.rmSync(path.join(root, 'dist', 'main'), { recursive: true, force: true });
fs.rmSync(path.join(root, 'dist', 'cli'), { recursive: true, force: true });
say('main process (tsc)');
mustRun(bin('tsc'), ['-p', 'tsconfig.electron.json']);
say('preload (esbuild)');
mustRun(bin('esbuild'), [
  'electron/preload.ts',
  '--bundle',
  '--platform=node',
  '--format=cjs',
  '--target=node20',
  '--external:electron',
  '--outfile=dist/main/preload.js',
  '--log-level=warning',
]);
say('command line (esbuild)');
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['electron/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: CLI_EXTERNAL,
  plugins: [sshOnDemand],
  outfile: 'dist/cli/checkpoint-studio.js',
  sourcemap: true,
  logLevel: 'warning',
});
// bin/checkpoint-studio.js runs the bundle from V8's code cache, which it writes on a first run with
// the functions that run compiled. Made here by a `ps` that finds no engine, it holds what every
// engine verb loads (the services, the contract), whatever the user happens to run first.
say('command line compile cache');
const warmHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-build-'));
spawnSync(
  process.execPath,
  [path.join(root, 'bin', 'checkpoint-studio.js'), 'ps', '--engine', 'unix:///nonexistent.sock'],
  {
    env: { ...process.env, CHECKPOINT_STUDIO_HOME: warmHome, CHECKPOINT_STUDIO_TRACE_STARTUP: '' },
    stdio: 'ignore',
  },
);
fs.rmSync(warmHome, { recursive: true, force: true });
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'checkpoint-studio.js.v8cache')))
  say('(no compile cache was written: the command line will make one on its first run)');
say('renderer (vite)');
mustRun(bin('vite'), ['build', '--logLevel', 'warn']);
fs.writeFileSync(path.join(root, 'dist', '.build-stamp'), new Date().toISOString());
