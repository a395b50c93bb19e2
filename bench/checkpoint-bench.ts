// npm run bench: Checkpoint Studio's services against the plain docker CLI doing the same work,
// on the same private engine, in the same run. Prints a table of medians and ratios and writes
// JSON to artifacts/bench/checkpoint-bench.json. Targets: the app adds under 10% to any single
// operation; clone N=5 beats five sequential CLI restores.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import {
  appVsCliRuns,
  median,
  recordRun,
  type AppVsCliRow,
  report,
  runMain,
  sleep,
  tag,
  timed,
} from './bench-util';
import { benchServices, closeServices, keepClones, runCounter, runRedis } from './bench-setup';
import { dockerCloneByHand, exec, type Cli } from './engine-cli';
import { Containers, dockerFor, eventually, execIn, testbed } from '../testbed/support';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CLONES = 5;
const ENGINE = 'bench';
/** containerd keeps a checkpoint's blob until its GC runs; both sides wait this out before a restore. */
const SETTLE_MS = 2000;

const tb = testbed();
const docker: Docker = dockerFor(tb.dockerHost);
const containers = new Containers(docker);
const cli: Cli = (args) => exec(tb.dockerCli, args, { DOCKER_HOST: tb.dockerHost });

async function warmRedis(): Promise<{ id: string; name: string }> {
  const r = await runRedis(containers, { network: tb.network, ports: [6379] });
  await execIn(docker, r.id, ['sh', '-c', 'seq 1 5000 | sed "s/.*/SET key:& &/" | redis-cli > /dev/null']);
  return r;
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bench-'));
  const services = benchServices([{ id: ENGINE, name: 'Bench', host: tb.dockerHost }], dataDir);
  await services.registry.get(ENGINE).whenOnline(10_000);
  const dataRoot = services.registry.get(ENGINE).identity!.dataRoot;
  const rows: AppVsCliRow[] = [
    { operation: 'checkpoint (number printer)', app: [], cli: [] },
    { operation: 'restore (number printer)', app: [], cli: [] },
    { operation: `clone N=${CLONES} (redis, 5000 keys)`, app: [], cli: [] },
  ];
  try {
    for (let run = 0; run < RUNS; run++) {
      process.stderr.write(`run ${run + 1}/${RUNS}\n`);
      // Number printer: checkpoint (stop), then restore, once through the app, once with the CLI.
      const a = await runCounter(containers);
      const [ca] = await timed(() =>
        services.checkpoints.create({
          engineId: ENGINE,
          container: a.id,
          name: 'bench',
          leaveRunning: false,
        }),
      );
      await sleep(SETTLE_MS);
      const [ra] = await timed(() =>
        services.checkpoints.restore({
          engineId: ENGINE,
          container: a.id,
          checkpoint: 'bench',
          replaceRunning: false,
        }),
      );
      const c = await runCounter(containers);
      const [cc] = await timed(() => cli(['checkpoint', 'create', c.id, 'bench']));
      await sleep(SETTLE_MS);
      const [rc] = await timed(() => cli(['start', '--checkpoint', 'bench', c.id]));
      recordRun(rows[0]!, ca, cc);
      recordRun(rows[1]!, ra, rc);
      await services.checkpoints.idle();
      await containers.cleanup();

      // Redis: one checkpoint (left running), then N clones.
      const src = await warmRedis();
      await cli(['checkpoint', 'create', '--leave-running', src.id, 'warm']);
      await sleep(SETTLE_MS);
      const [appClone, res] = await timed(() =>
        services.clones.run({
          engineId: ENGINE,
          container: src.id,
          checkpoint: 'warm',
          count: CLONES,
          prefix: `bench-app-${tag()}`,
          ports: { mode: 'auto' },
        }),
      );
      keepClones(res, containers, ENGINE);
      // The CLI way, as done by hand: create, copy the folder on the host, start from it; one by one.
      const [cliClone] = await timed(() =>
        dockerCloneByHand(cli, {
          dataRoot,
          source: src.id,
          checkpoint: 'warm',
          count: CLONES,
          name: (i) => `bench-cli-${tag()}-${i}`,
          create: ['--network', tb.network, '-p', '127.0.0.1::6379', tb.redisImage],
          made: (cid) => containers.adopt(cid),
        }),
      );
      recordRun(rows[2]!, appClone, cliClone);
      await containers.cleanup();
    }

    // Story 3: a service ready only after a 20 s warm-up, cold versus cloned from a warm checkpoint.
    process.stderr.write('story 3: cold start vs clone\n');
    const slow = ['sh', '-c', "sleep 20; exec redis-server --protected-mode no --save '' --appendonly no"];
    const ready = async (cid: string) =>
      eventually(async () => (await execIn(docker, cid, ['redis-cli', 'ping'])) === 'PONG', 60_000, 'ready');
    const [cold] = await timed(async () => {
      const c = await containers.run({ image: tb.redisImage, cmd: slow });
      await ready(c.id);
      return c;
    });
    const warm = (await docker.listContainers()).find((c) => c.Command.includes('sleep 20'))!;
    await services.checkpoints.create({
      engineId: ENGINE,
      container: warm.Id,
      name: 'ready',
      leaveRunning: true,
    });
    await sleep(SETTLE_MS);
    const cloneReady: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const [t] = await timed(async () => {
        const r = await services.clones.run({
          engineId: ENGINE,
          container: warm.Id,
          checkpoint: 'ready',
          count: 1,
          prefix: `bench-fast-${tag()}`,
          ports: { mode: 'none' },
        });
        const cl = r.clones[0]!;
        if (cl.id) containers.adopt(cl.id);
        await ready(cl.id!);
      });
      cloneReady.push(t);
    }

    const table = rows.map((r) => ({
      operation: r.operation,
      ...appVsCliRuns(r),
    }));
    const story3 = {
      coldStartReadyMs: Math.round(cold),
      cloneReadyMedianMs: Math.round(median(cloneReady)),
      speedup: Number((cold / median(cloneReady)).toFixed(1)),
    };
    const targets = {
      singleOpsUnder10PercentOverhead: table.slice(0, 2).every((r) => r.ratio < 1.1),
      cloneFasterThanSequentialCli: table[2]!.ratio < 1,
    };

    const pad = (s: string, n: number) => s.padEnd(n);
    const lines = [
      `Checkpoint Studio vs docker CLI — ${RUNS} runs each, medians, same engine (${tb.dockerHost})`,
      '',
      `${pad('operation', 34)}${pad('app', 10)}${pad('docker CLI', 12)}app/CLI`,
      ...table.map(
        (r) =>
          `${pad(r.operation, 34)}${pad(`${r.appMedianMs} ms`, 10)}${pad(`${r.cliMedianMs} ms`, 12)}${r.ratio.toFixed(2)}`,
      ),
      '',
      `story 3: cold start until ready ${story3.coldStartReadyMs} ms; clone until ready ${story3.cloneReadyMedianMs} ms (${story3.speedup}× faster)`,
      `targets: app overhead < 10% on single operations: ${targets.singleOpsUnder10PercentOverhead ? 'met' : 'NOT met'}; clone N=${CLONES} faster than ${CLONES} sequential CLI restores: ${targets.cloneFasterThanSequentialCli ? 'met' : 'NOT met'}`,
    ];
    const json = {
      when: new Date().toISOString(),
      runs: RUNS,
      engine: tb.dockerHost,
      operations: table,
      story3,
      targets,
    };
    report('checkpoint-bench', lines, json);
  } finally {
    await closeServices(services, containers);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

runMain(main);
