// npm test: install if needed, build, bring up the private test bed (real dockerd + CRIU), then
// run every suite — unit, integration, end-to-end — in one vitest run.
import fs from 'node:fs';
import path from 'node:path';
import { TESTBED_ENV, ensureBuilt, ensureInstalled, mustRun, readEnvFile, root, run, say } from './lib.mjs';
import { COMPAT_JSON, renderTable } from './compat-table.mjs';

ensureInstalled();
ensureBuilt();
say('test bed (testbed/testbed.sh up)');
// Debian 12's engines (a, b for migration, plain with experimental off, tiny with a small disk,
// podman) and today's, each in its own root: Docker 26.1 and 28.5, Podman 5.4 and 5.8, and a
// Podman 5.4 on trixie's own CRIU 4.1.1 (p54old); and two hosts in network namespaces of their
// own, reached over SSH and TLS (h1: Docker 26.1, h2: Docker 28.5).
mustRun('bash', [
  'testbed/testbed.sh',
  'up',
  'a',
  'b',
  'plain',
  'tiny',
  'podman',
  'd26',
  'd28',
  'p54',
  'p58',
  'p54old',
  'h1',
  'h2',
]);
const env = { ...process.env, ...readEnvFile(TESTBED_ENV) };
fs.mkdirSync(path.join(root, 'artifacts'), { recursive: true });
// The compatibility table shows one run: this one.
fs.rmSync(COMPAT_JSON, { force: true });
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
const code = run(path.join(root, 'node_modules', '.bin', 'vitest'), args, { env });
if (fs.existsSync(COMPAT_JSON)) {
  const table = renderTable(JSON.parse(fs.readFileSync(COMPAT_JSON, 'utf8')));
  fs.writeFileSync(path.join(path.dirname(COMPAT_JSON), 'compat.md'), `${table}\n`);
  say(`compatibility table of this run: ${path.relative(root, path.dirname(COMPAT_JSON))}/compat.md`);
  run(process.execPath, [path.join(root, 'scripts', 'compat-table.mjs'), '--check']);
}
process.exit(code);
