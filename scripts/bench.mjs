// npm run bench: install and build if needed, bring up the private engine, bundle each benchmark
// (esbuild) and run it. Results: tables on stdout and JSON in artifacts/bench/.
//   npm run bench [-- layers|cli-startup|checkpoint|engines|inspect|migrate|portable|criu-alone]  some only
import path from 'node:path';
import { TESTBED_ENV, ensureBuilt, ensureInstalled, mustRun, readEnvFile, root, run, say } from './lib.mjs';

const ALL = ['layers', 'cli-startup', 'checkpoint', 'engines', 'inspect', 'migrate', 'portable'];
// Parts of another benchmark, runnable alone: not in the default run.
const ON_REQUEST = ['criu-alone'];
const wanted = process.argv.slice(2).filter((a) => ALL.includes(a) || ON_REQUEST.includes(a));
ensureInstalled();
ensureBuilt();
mustRun('bash', ['testbed/testbed.sh', 'up', 'a', 'b', 'podman', 'd26', 'd28', 'p54', 'p58', 'h1', 'h2']);
const env = { ...process.env, ...readEnvFile(TESTBED_ENV) };
let failed = 0;
for (const name of wanted.length ? wanted : ALL) {
  const out = path.join(root, 'dist', 'bench', `${name}-bench.js`);
  say(`${name} benchmark`);
  mustRun(path.join(root, 'node_modules', '.bin', 'esbuild'), [
    `bench/${name}-bench.ts`,
    '--bundle',
    '--platform=node',
    '--format=cjs',
    '--target=node20',
    '--packages=external',
    `--outfile=${out}`,
    '--log-level=warning',
  ]);
  if (run(process.execPath, [out], { env }) !== 0) failed++;
}
process.exit(failed ? 1 : 0);
