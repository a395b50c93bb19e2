// npm run bench -- engines: checkpoint, restore and clone N=5 on every engine of the matrix, the
// app beside that engine's own CLI (its own docker or podman binary, run in the engine's root),
// in one run. Where an engine was measured unable to restore or clone a container with no
// network (Docker 28 + containerd 2.1), both sides use the host network instead, and the table
// says so. Tables on stdout, JSON in artifacts/bench/engines-bench.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appVsCliRuns, recordRun, report, type AppVsCliRow, runMain, sleep, tag, timed } from './bench-util';
import { benchServices, closeServices, keepClones, runCounter, runRedis } from './bench-setup';
import { dockerCloneByHand, ownCli, podmanCloneByHand, podmanExport } from './engine-cli';
import { outcomeOf } from '../electron/capabilities/capability-rules';
import type { NetworkKindT } from '../electron/ipc/contract';
import {
  Containers,
  dockerFor,
  execIn,
  matrixEngines,
  testbed,
  type MatrixEngine,
  REDIS_SERVER,
} from '../testbed/support';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CLONES = 5;
/** containerd 1.6 keeps a checkpoint's blob until its GC runs; both sides wait this out. */
const SETTLE_MS = 2000;
const REDIS = REDIS_SERVER;
const REDIS_UNIX = [...REDIS, '--port', '0', '--unixsocket', '/tmp/redis.sock'];

const tb = testbed();

interface Row extends AppVsCliRow {
  network: NetworkKindT;
}

async function benchEngine(m: MatrixEngine) {
  const docker = dockerFor(m.host);
  const containers = new Containers(docker);
  const cli = ownCli(m);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-eng-'));
  const services = benchServices([{ id: m.id, name: m.label, host: m.host }], dataDir);
  try {
    await services.registry.get(m.id).whenOnline(15_000);
    const caps = await services.capabilities.ensure(m.id);
    const where = (op: 'restore' | 'clone'): NetworkKindT =>
      outcomeOf(caps, 'none', op)?.state === 'fails' ? 'host' : 'none';
    const rows: Row[] = [
      { operation: 'checkpoint (number printer)', network: where('restore'), app: [], cli: [] },
      { operation: 'restore (number printer)', network: where('restore'), app: [], cli: [] },
      { operation: `clone N=${CLONES} (redis, 5000 keys)`, network: where('clone'), app: [], cli: [] },
    ];
    for (let run = 0; run < RUNS; run++) {
      process.stderr.write(`${m.id}: run ${run + 1}/${RUNS}\n`);
      const net = rows[0]!.network;
      const a = await runCounter(containers, net);
      const [ca] = await timed(() =>
        services.checkpoints.create({ engineId: m.id, container: a.id, name: 'bench', leaveRunning: false }),
      );
      await sleep(SETTLE_MS);
      const [ra, restored] = await timed(() =>
        services.checkpoints.restore({
          engineId: m.id,
          container: a.id,
          checkpoint: 'bench',
          replaceRunning: false,
        }),
      );
      containers.adopt(restored.container.id);
      const c = await runCounter(containers, net);
      const [cc] = await timed(() =>
        m.kind === 'docker'
          ? cli.run(['checkpoint', 'create', c.id, 'bench'])
          : cli.run(['container', 'checkpoint', c.id]),
      );
      await sleep(SETTLE_MS);
      const [rc] = await timed(() =>
        m.kind === 'docker'
          ? cli.run(['start', '--checkpoint', 'bench', c.id])
          : cli.run(['container', 'restore', c.id]),
      );
      recordRun(rows[0]!, ca, cc);
      recordRun(rows[1]!, ra, rc);
      await services.checkpoints.idle();
      await containers.cleanup();

      // Redis with data: one checkpoint left running, then N clones each way.
      const cnet = rows[2]!.network;
      const cmd = cnet === 'host' ? REDIS_UNIX : REDIS;
      const target = cnet === 'host' ? ['-s', '/tmp/redis.sock'] : [];
      const src = await runRedis(containers, { cmd, network: cnet, cli: target, timeoutMs: 20_000 });
      await execIn(docker, src.id, [
        'sh',
        '-c',
        `seq 1 5000 | sed "s/.*/SET key:& &/" | redis-cli ${target.join(' ')} > /dev/null`,
      ]);
      await services.checkpoints.create({
        engineId: m.id,
        container: src.id,
        name: 'warm',
        leaveRunning: true,
      });
      await sleep(SETTLE_MS);
      const [appClone, res] = await timed(() =>
        services.clones.run({
          engineId: m.id,
          container: src.id,
          checkpoint: 'warm',
          count: CLONES,
          prefix: `bench-app-${tag()}`,
          ports: { mode: 'none' },
        }),
      );
      keepClones(res, containers, m.id);
      let cliClone: number;
      if (m.kind === 'docker') {
        // By hand: a checkpoint, then create, copy the folder on the host, start from it; one by one.
        await cli.run(['checkpoint', 'create', '--leave-running', src.id, 'byhand']);
        await sleep(SETTLE_MS);
        const dataRoot = services.registry.get(m.id).identity!.dataRoot;
        [cliClone] = await timed(() =>
          dockerCloneByHand(cli.run, {
            dataRoot,
            source: src.id,
            checkpoint: 'byhand',
            count: CLONES,
            name: (i) => `bench-cli-${tag()}-${i}`,
            create: ['--network', cnet, tb.redisImage, ...cmd],
            made: (cid) => containers.adopt(cid),
          }),
        );
      } else {
        const file = path.join(cli.scratch, `warm-${tag()}.tar`);
        await podmanExport(cli.run, src.id, file);
        [cliClone] = await timed(() =>
          podmanCloneByHand(cli.run, {
            file,
            count: CLONES,
            name: (i) => `bench-cli-${tag()}-${i}`,
            atOnce: 1,
            made: (cid) => containers.adopt(cid),
          }),
        );
        fs.rmSync(file, { force: true });
      }
      recordRun(rows[2]!, appClone, cliClone);
      await services.checkpoints.idle();
      await containers.cleanup();
    }
    return rows.map((r) => ({
      engine: m.id,
      label: m.label,
      operation: r.operation,
      network: r.network,
      ...appVsCliRuns(r),
    }));
  } finally {
    await closeServices(services, containers);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const all = [];
  for (const m of matrixEngines()) all.push(...(await benchEngine(m)));
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = [
    `Every engine, the app beside that engine's own CLI — ${RUNS} runs each, medians, one run of the bench`,
    '',
    `${pad('engine', 44)}${pad('operation', 46)}${pad('app', 10)}${pad('own CLI', 10)}app/CLI`,
    ...all.map(
      (r) =>
        `${pad(r.label, 44)}${pad(`${r.operation}${r.network === 'host' ? ' [host net]' : ''}`, 46)}${pad(`${r.appMedianMs} ms`, 10)}${pad(`${r.cliMedianMs} ms`, 10)}${r.ratio.toFixed(2)}`,
    ),
    '',
    'own CLI: docker checkpoint create / docker start --checkpoint / create + cp -r + start ×5;',
    '         podman container checkpoint / restore (in place) / restore --import --name ×5.',
    "The app's Podman checkpoints are exports (kept by the app), its restores imports: that is in its column.",
    '[host net]: the engine was measured unable to restore containers with no network; both sides use the host network.',
  ];
  report('engines-bench', lines, {
    when: new Date().toISOString(),
    runs: RUNS,
    clones: CLONES,
    results: all,
  });
}

runMain(main);
