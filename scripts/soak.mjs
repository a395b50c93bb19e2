// npm run soak: the long load tests (hundreds of containers, clones in bulk) against the private
// engine, in Chromium. Figures in artifacts/soak/.
import path from 'node:path';
import { TESTBED_ENV, ensureBuilt, ensureInstalled, mustRun, readEnvFile, root, run } from './lib.mjs';

ensureInstalled();
ensureBuilt();
mustRun('bash', ['testbed/testbed.sh', 'up', 'a']);
const env = { ...process.env, ...readEnvFile(TESTBED_ENV) };
process.exit(
  run(
    path.join(root, 'node_modules', '.bin', 'vitest'),
    ['run', '--project', 'soak', ...process.argv.slice(2)],
    { env },
  ),
);
