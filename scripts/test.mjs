// npm test: install if needed, build, bring up the private test bed (real dockerd + CRIU), then
// run every suite — unit, integration, end-to-end — in one vitest run.
import fs from 'node:fs';
import path from 'node:path';
import { TESTBED_ENV, ensureBuilt, ensureInstalled, mustRun, readEnvFile, root, run, say } from './lib.mjs';

ensureInstalled();
ensureBuilt();
say('test bed (testbed/testbed.sh up)');
mustRun('bash', ['testbed/testbed.sh', 'up', 'a', 'b', 'plain', 'tiny', 'podman']);
const env = { ...process.env, ...readEnvFile(TESTBED_ENV) };
fs.mkdirSync(path.join(root, 'artifacts'), { recursive: true });
// The soak project (npm run soak) is left out: it is long, and .ci/run calls it separately.
const args = [
  'run',
  '--project',
  'unit',
  '--project',
  'integration',
  '--project',
  'e2e',
  ...process.argv.slice(2),
];
process.exit(run(path.join(root, 'node_modules', '.bin', 'vitest'), args, { env }));
