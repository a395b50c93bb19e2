// npm run bench -- layers: each operation measured in three layers, in one run — CRIU alone (the
// same workload as a host process, CRIU's own statistics), the engine's own CLI, and the app (its
// service call inside a long-lived process, and its CLI's wall time as a user would type it) — on
// every engine the test bed starts, with a redis holding ~97 MB (500,000 random 100-byte values)
// and the busybox counter. Each row has the ratios app/engine and engine/CRIU, the container's
// downtime beside the total (CRIU's frozen time; for Docker, which discards CRIU's statistics, the
// container's freezer cgroup watched from outside), and issue 17's targets, met or not.
// Tables on stdout, JSON in artifacts/bench/layers-bench.json. BENCH_RUNS (3), BENCH_ENGINES=a,p58.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { report, runMain, sleep, tag, timed } from './bench-util';
import { benchServices, closeServices, keepClones, runCounter, runRedis } from './bench-setup';
import { criuAlone, REDIS_KEYS, REDIS_VALUE_BYTES, type CriuAloneResult } from './criu-alone';
import { dockerCloneByHand, exec, ownCli, podmanCloneByHand, podmanExport } from './engine-cli';
import { watchFreeze } from './freeze-watch';
import { apiCheckpoint, apiCheckpointStop, apiImport, apiRestore } from './engine-api';
import { layersTable, row, targets, type Layer, type Row } from './layers-report';
import { mapLimit } from '../electron/checkpoints/backends/docker-backend';
import { outcomeOf } from '../electron/capabilities/capability-rules';
import type { NetworkKindT } from '../electron/ipc/contract';
import {
  Containers,
  dockerFor,
  execIn,
  matrixEngines,
  REDIS_SERVER,
  type MatrixEngine,
} from '../testbed/support';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CLONES = 5;
/** containerd 1.6 keeps a checkpoint's blob until its GC runs; both sides wait this out. */
const SETTLE_MS = 2000;
/** The built CLI, copied aside at the start: a rebuild during a long run must not pull it away. */
const CLI_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-cli-'));
const CLI_BIN = path.join(CLI_DIR, 'bin', 'checkpoint-studio.js');
fs.cpSync(path.resolve('bin'), path.join(CLI_DIR, 'bin'), { recursive: true });
// Its V8 code cache too, as a user's start-up has it.
fs.cpSync(path.resolve('dist', 'cli'), path.join(CLI_DIR, 'dist', 'cli'), { recursive: true });
process.on('exit', () => fs.rmSync(CLI_DIR, { recursive: true, force: true }));

/** Fills redis inside its container with the CRIU-alone layer's shape of data: random values. */
const FILL_LUA = `
local n, size = tonumber(ARGV[1]), tonumber(ARGV[2])
local parts = {}
for i = 1, n do
  for j = 1, math.ceil(size / 8) do parts[j] = string.format('%08x', math.random(0, 2147483647)) end
  redis.call('SET', 'key:' .. i, string.sub(table.concat(parts), 1, size))
end
return n`;

/** The app's CLI, as a user runs it: a fresh node process, its own data folder. */
function appCli(home: string, host: string, args: string[]): Promise<string> {
  return exec(process.execPath, [CLI_BIN, ...args, '--engine', host], {
    CHECKPOINT_STUDIO_HOME: home,
    // Its packages left out of the bundle (better-sqlite3…) are the project's.
    NODE_PATH: path.resolve('node_modules'),
  });
}

async function pidOf(docker: ReturnType<typeof dockerFor>, cid: string): Promise<number> {
  return (await docker.getContainer(cid).inspect()).State.Pid;
}

async function benchEngine(m: MatrixEngine, criu: Record<string, CriuAloneResult>): Promise<Row[]> {
  const docker = dockerFor(m.host);
  const containers = new Containers(docker);
  const clones = new Containers(docker);
  const cli = ownCli(m);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-layers-'));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-layers-cli-'));
  const services = benchServices([{ id: m.id, name: m.label, host: m.host }], dataDir);
  const rows = {
    small: row('checkpoint, leave running (busybox)'),
    cp: row(
      'checkpoint, leave running (redis 97 MB)',
      m.kind === 'podman' ? 'engine: --export, uncompressed' : '',
    ),
    restore: row('restore in place (redis 97 MB)'),
    clone: row(`clone N=${CLONES} (redis 97 MB)`),
  };
  const criuOf = (w: string, r: Row, kind: 'cp' | 'restore') => {
    const c = criu[w]!;
    r.ms.criu = kind === 'cp' ? c.checkpointMs : c.restoreMs;
    r.downtime.criu = kind === 'cp' ? c.frozenMs : [];
  };
  let net: NetworkKindT = 'none';
  criuOf('busybox-counter', rows.small, 'cp');
  criuOf('redis-97mb', rows.cp, 'cp');
  criuOf('redis-97mb', rows.restore, 'restore');
  try {
    await services.registry.get(m.id).whenOnline(15_000);
    const caps = await services.capabilities.ensure(m.id);
    // Where the engine cannot restore a container with no network, both sides use the host's.
    net = outcomeOf(caps, 'none', 'clone')?.state === 'fails' ? 'host' : 'none';
    const unix = net === 'host' ? ['-s', `/tmp/redis-${tag()}.sock`] : [];
    const redisCmd = unix.length ? [...REDIS_SERVER, '--port', '0', '--unixsocket', unix[1]!] : REDIS_SERVER;
    // The app's CLI measures the engine once per data folder; that is not what is timed here.
    await appCli(home, m.host, ['doctor', '--json', '--remeasure']).catch(() => '');

    // A small process: the fixed costs of each layer.
    const counter = await runCounter(containers, net);
    for (let r = 0; r < RUNS; r++) {
      await checkpointLayers(rows.small, counter.id, `s${r}`);
    }

    const redis = await runRedis(containers, { cmd: redisCmd, network: net, cli: unix, timeoutMs: 20_000 });
    await execIn(docker, redis.id, [
      'redis-cli',
      ...unix,
      'EVAL',
      FILL_LUA,
      '0',
      String(REDIS_KEYS),
      String(REDIS_VALUE_BYTES),
    ]);
    const dbsize = await execIn(docker, redis.id, ['redis-cli', ...unix, 'DBSIZE']);
    if (Number(dbsize) !== REDIS_KEYS) throw new Error(`${m.id}: redis holds ${dbsize} keys`);
    for (let r = 0; r < RUNS; r++) {
      process.stderr.write(`${m.id}: run ${r + 1}/${RUNS}\n`);
      await checkpointLayers(rows.cp, redis.id, `c${r}`);
      await restoreLayers(redis.id, r);
      await cloneLayers(redis.id, r);
    }
    return Object.values(rows);
  } finally {
    await closeServices(services, clones, containers);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  }

  function appCheckpoint(cid: string, name: string, leaveRunning: boolean) {
    return services.checkpoints.create({ engineId: m.id, container: cid, name, leaveRunning });
  }

  async function checkpointLayers(into: Row, cid: string, label: string): Promise<void> {
    const pid = await pidOf(docker, cid);
    const scratch = path.join(cli.scratch, `layers-${tag()}.tar`);
    let w = watchFreeze(pid);
    const [engineMs] = await timed(() =>
      m.kind === 'docker'
        ? cli.run(['checkpoint', 'create', '--leave-running', cid, `e${label}`])
        : podmanExport(cli.run, cid, scratch),
    );
    into.ms.engine.push(engineMs);
    pushDowntime(into, 'engine', w.stop());
    fs.rmSync(scratch, { force: true });
    // Two checkpoints of the counter within one second are the same bytes, which containerd refuses.
    await sleep(1100);
    w = watchFreeze(pid);
    const [apiMs] = await timed(() => apiCheckpoint(m, cid, `p${label}`, scratch));
    into.ms.api.push(apiMs);
    pushDowntime(into, 'api', w.stop());
    fs.rmSync(scratch, { force: true });
    await sleep(1100);
    w = watchFreeze(pid);
    const [serviceMs, record] = await timed(() => appCheckpoint(cid, `a${label}`, true));
    into.ms.service.push(serviceMs);
    pushDowntime(into, 'service', w.stop());
    await services.checkpoints.idle();
    into.criuFrozenMs.push(
      (services.catalog.get(m.id, record.containerId, record.name)?.criuStats?.frozenUs ?? NaN) / 1000,
    );
    await sleep(1100);
    w = watchFreeze(pid);
    const [cliMs] = await timed(() =>
      appCli(home, m.host, ['checkpoint', cid, '--name', `l${label}`, '--leave-running']),
    );
    into.ms.appCli.push(cliMs);
    pushDowntime(into, 'appCli', w.stop());
  }

  /** Each layer checkpoints (stopping it) untimed, then restores in place, timed. */
  async function restoreLayers(cid: string, r: number): Promise<void> {
    if (m.kind === 'docker') await cli.run(['checkpoint', 'create', cid, `re${r}`]);
    else await cli.run(['container', 'checkpoint', cid]);
    await sleep(SETTLE_MS);
    const [engineMs] = await timed(() =>
      m.kind === 'docker'
        ? cli.run(['start', '--checkpoint', `re${r}`, cid])
        : cli.run(['container', 'restore', cid]),
    );
    rows.restore.ms.engine.push(engineMs);
    await apiCheckpointStop(m, cid, `rp${r}`);
    await sleep(SETTLE_MS);
    const [apiMs] = await timed(() => apiRestore(m, cid, `rp${r}`));
    rows.restore.ms.api.push(apiMs);
    await appCheckpoint(cid, `ra${r}`, false);
    await sleep(SETTLE_MS);
    const [serviceMs, res] = await timed(() =>
      services.checkpoints.restore({
        engineId: m.id,
        container: cid,
        checkpoint: `ra${r}`,
        replaceRunning: false,
      }),
    );
    rows.restore.ms.service.push(serviceMs);
    if (res.container.id !== cid) throw new Error(`${m.id}: the restore in place made a new container`);
    await appCli(home, m.host, ['checkpoint', cid, '--name', `rl${r}`]);
    await sleep(SETTLE_MS);
    const [cliMs] = await timed(() => appCli(home, m.host, ['restore', cid, '--checkpoint', `rl${r}`]));
    rows.restore.ms.appCli.push(cliMs);
    await services.checkpoints.idle();
  }

  async function cloneLayers(cid: string, r: number): Promise<void> {
    const before = new Set((await docker.listContainers({ all: true })).map((c) => c.Id));
    const adoptNew = async () => {
      for (const c of await docker.listContainers({ all: true })) if (!before.has(c.Id)) clones.adopt(c.Id);
      // The source stays: only clones go.
      await clones.cleanup();
    };
    // The engine's best by hand: Docker — create, copy inside the engine's host (hard links), start
    // all at once; Podman — one export, imported N times, three at once (its best on 2 cores).
    if (m.kind === 'docker') {
      await cli.run(['checkpoint', 'create', '--leave-running', cid, `ce${r}`]);
      await sleep(SETTLE_MS);
      const dataRoot = services.registry.get(m.id).identity!.dataRoot;
      const image = (await docker.getContainer(cid).inspect()).Config.Image;
      const redisCmd = (await docker.getContainer(cid).inspect()).Config.Cmd ?? [];
      const [engineMs] = await timed(() =>
        dockerCloneByHand(cli.run, {
          dataRoot,
          source: cid,
          checkpoint: `ce${r}`,
          count: CLONES,
          name: (i) => `lb-${tag()}-${i}`,
          create: ['--network', net, image, ...redisCmd],
          allAtOnce: true,
        }),
      );
      rows.clone.ms.engine.push(engineMs);
    } else {
      const file = path.join(cli.scratch, `clone-${tag()}.tar`);
      await podmanExport(cli.run, cid, file);
      const [engineMs] = await timed(() =>
        podmanCloneByHand(cli.run, { file, count: CLONES, name: (i) => `lb-${tag()}-${i}`, atOnce: 3 }),
      );
      rows.clone.ms.engine.push(engineMs);
      await adoptNew();
      const each = Array.from({ length: CLONES }, (_, i) => i);
      const [apiMs] = await timed(() =>
        mapLimit(each, 3, async (i) => {
          await apiImport(m, file, `lp-${tag()}-${i}`);
        }),
      );
      rows.clone.ms.api.push(apiMs);
      fs.rmSync(file, { force: true });
    }
    await adoptNew();
    await appCheckpoint(cid, `ca${r}`, true);
    await sleep(SETTLE_MS);
    const [serviceMs, res] = await timed(() =>
      services.clones.run({
        engineId: m.id,
        container: cid,
        checkpoint: `ca${r}`,
        count: CLONES,
        prefix: `la-${tag()}`,
        ports: { mode: 'none' },
      }),
    );
    keepClones(res, clones, m.id);
    rows.clone.ms.service.push(serviceMs);
    await adoptNew();
    await appCli(home, m.host, ['checkpoint', cid, '--name', `cl${r}`, '--leave-running']);
    await sleep(SETTLE_MS);
    const [cliMs] = await timed(() =>
      appCli(home, m.host, [
        'clone',
        cid,
        '--checkpoint',
        `cl${r}`,
        '--count',
        String(CLONES),
        '--prefix',
        `ll-${tag()}`,
        '--ports',
        'none',
      ]),
    );
    rows.clone.ms.appCli.push(cliMs);
    await adoptNew();
  }
}

function pushDowntime(r: Row, layer: Layer, ms: number | null): void {
  if (ms !== null) r.downtime[layer].push(ms);
}

async function main() {
  const only = process.env.BENCH_ENGINES?.split(',');
  const engines = matrixEngines().filter((m) => !only || only.includes(m.id));
  const criu: Record<string, CriuAloneResult> = {};
  for (const w of ['busybox-counter', 'redis-97mb'] as const) criu[w] = await criuAlone(w, RUNS);
  const results: { engine: MatrixEngine; rows: Row[] }[] = [];
  for (const m of engines) {
    results.push({ engine: m, rows: await benchEngine(m, criu) });
    // An engine's table as soon as it is done: a later failure does not take it along.
    process.stderr.write(`${layersTable(RUNS, results.slice(-1), []).join('\n')}\n`);
  }

  const all = results.flatMap(({ engine, rows }) => targets(engine, rows));
  const lines = layersTable(RUNS, results, all);
  report('layers-bench', lines, {
    when: new Date().toISOString(),
    runs: RUNS,
    clones: CLONES,
    criu,
    results: results.map(({ engine, rows }) => ({ engine: engine.id, label: engine.label, rows })),
    targets: all,
  });
}

runMain(main);
