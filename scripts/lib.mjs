// Shared by npm start and npm test. Dependency-free: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function say(text) {
  process.stdout.write(`» ${text}\n`);
}

export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (res.error) throw res.error;
  return res.status ?? 1;
}

export function mustRun(cmd, args, opts = {}) {
  const code = run(cmd, args, opts);
  if (code !== 0) {
    process.stderr.write(`\n${cmd} ${args.join(' ')} failed (exit ${code}).\n`);
    process.exit(code);
  }
}

/** npm ci when node_modules is missing or older than package-lock.json; nothing otherwise. */
export function ensureInstalled() {
  const lock = path.join(root, 'package-lock.json');
  const stamp = path.join(root, 'node_modules', '.install-stamp');
  const want = crypto.createHash('sha256').update(fs.readFileSync(lock)).digest('hex');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return;
  say('installing dependencies (npm ci)');
  // Electron's binary is fetched separately (and cannot be, on machines without internet access);
  // npm start offers browser mode when it is missing.
  mustRun('npm', ['ci', '--no-audit', '--no-fund'], {
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  fs.writeFileSync(stamp, want);
}

function newestMtime(p) {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of fs.readdirSync(p)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, name)));
  }
  return newest;
}

const BUILD_INPUTS = [
  'electron',
  'renderer',
  'assets',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.electron.json',
  'vite.config.mts',
];

/** Builds when any input is newer than the last build. */
export function ensureBuilt() {
  const stamp = path.join(root, 'dist', '.build-stamp');
  const built = fs.statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const newest = Math.max(...BUILD_INPUTS.map((p) => newestMtime(path.join(root, p))));
  if (built > newest) return;
  say('building');
  mustRun('npm', ['run', '--silent', 'build']);
}

/** KEY=VALUE lines of a file into an object. */
export function readEnvFile(file) {
  const out = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export const TESTBED_ENV = '/run/checkpoint-studio-testbed/env';
