// npm run bench: install and build if needed, bring up the private engine, bundle the benchmark
// (esbuild) and run it. Results: a table on stdout and JSON in artifacts/bench/.
import path from 'node:path';
import { TESTBED_ENV, ensureBuilt, ensureInstalled, mustRun, readEnvFile, root, run, say } from './lib.mjs';

ensureInstalled();
ensureBuilt();
mustRun('bash', ['testbed/testbed.sh', 'up', 'a']);
const out = path.join(root, 'dist', 'bench', 'checkpoint-bench.js');
say('bundling the benchmark');
mustRun(path.join(root, 'node_modules', '.bin', 'esbuild'), [
  'bench/checkpoint-bench.ts',
  '--bundle',
  '--platform=node',
  '--format=cjs',
  '--target=node20',
  '--packages=external',
  `--outfile=${out}`,
  '--log-level=warning',
]);
process.exit(run(process.execPath, [out], { env: { ...process.env, ...readEnvFile(TESTBED_ENV) } }));
