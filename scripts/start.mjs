// npm start: install if needed, build if needed, then open the desktop window — or, where there
// is no Electron binary or no display, serve browser mode and print its URL.
//   npm start -- [--browser] [--no-testbed] [--port N] [--engine ID=ADDRESS ...]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { TESTBED_ENV, ensureBuilt, ensureInstalled, readEnvFile, root, run, say } from './lib.mjs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const forceBrowser = flag('--browser');
const noTestbed = flag('--no-testbed');

ensureInstalled();
ensureBuilt();

function defaultEngineExists() {
  if (process.env.DOCKER_HOST) return true;
  try {
    return fs.statSync('/var/run/docker.sock').isSocket();
  } catch {
    return false;
  }
}

function canHostTestbed() {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    return /^ID=debian$/m.test(fs.readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
}

// With no engine anywhere, this project's own private engine is the one to show.
if (!noTestbed && !defaultEngineExists() && !fs.existsSync(TESTBED_ENV) && canHostTestbed()) {
  say(
    'no Docker engine at DOCKER_HOST or /var/run/docker.sock: starting the private test engine (--no-testbed skips)',
  );
  if (run('bash', ['testbed/testbed.sh', 'up', 'a']) !== 0)
    say('the test engine did not start; continuing without it');
}
const engineArgs = [];
if (!noTestbed && fs.existsSync(TESTBED_ENV)) {
  const env = readEnvFile(TESTBED_ENV);
  for (const [key, host] of Object.entries(env)) {
    const m = /^CS_TESTBED_ENGINE_([A-Z0-9]+)$/.exec(key);
    // The "plain" (experimental off) and "tiny" (full disk) engines exist for tests only.
    if (m && m[1] !== 'PLAIN' && m[1] !== 'TINY')
      engineArgs.push(`testbed-${m[1].toLowerCase()}:Test bed ${m[1]}=${host}`);
  }
  if (env.CS_TESTBED_PODMAN) engineArgs.push(`testbed-podman:Test bed Podman=${env.CS_TESTBED_PODMAN}`);
  for (const [key, host] of Object.entries(env)) {
    // Today's Podmans (p54, p58); p54old runs an old CRIU on purpose, for tests.
    const m = /^CS_TESTBED_PODMAN_(P\d+)$/.exec(key);
    if (m) engineArgs.push(`testbed-${m[1].toLowerCase()}:Test bed ${m[1]}=${host}`);
  }
}
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--engine' && args[i + 1]) engineArgs.push(args[++i]);
}

function electronBinary() {
  const require = createRequire(path.join(root, 'package.json'));
  try {
    const bin = require('electron');
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const hasDisplay =
  process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
let electron = forceBrowser || !hasDisplay ? null : electronBinary();
if (!electron && hasDisplay && !forceBrowser) {
  say('fetching the Electron binary (install-electron)');
  if (run('node', [path.join(root, 'node_modules', 'electron', 'install.js')]) === 0)
    electron = electronBinary();
}

let child;
if (electron) {
  say('opening the Checkpoint Studio window');
  child = spawn(electron, [root, ...engineArgs.map((e) => `--engine=${e}`)], { stdio: 'inherit', cwd: root });
} else {
  say(
    !hasDisplay
      ? 'no display: serving browser mode'
      : forceBrowser
        ? 'browser mode'
        : 'no Electron binary (it could not be downloaded): serving browser mode',
  );
  const port = args.includes('--port') ? ['--port', args[args.indexOf('--port') + 1]] : [];
  child = spawn(
    process.execPath,
    [
      path.join(root, 'bin', 'checkpoint-studio.js'),
      'serve',
      ...port,
      ...engineArgs.flatMap((e) => ['--engine', e]),
    ],
    { stdio: 'inherit', cwd: root },
  );
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
