// Compiles the main process (tsc), bundles the sandboxed preload (esbuild: a sandboxed preload
// cannot require our modules) and builds the renderer (vite).
import fs from 'node:fs';
import path from 'node:path';
import { mustRun, root, say } from './lib.mjs';

const bin = (name) => path.join(root, 'node_modules', '.bin', name);

fs.rmSync(path.join(root, 'dist', 'main'), { recursive: true, force: true });
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
say('renderer (vite)');
mustRun(bin('vite'), ['build', '--logLevel', 'warn']);
fs.writeFileSync(path.join(root, 'dist', '.build-stamp'), new Date().toISOString());
