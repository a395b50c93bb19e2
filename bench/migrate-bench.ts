// npm run bench (third part): migration between the two private Docker engines — the number
// printer and a redis holding about 100 MB — through the app, split by stage, beside the plain
// CLI steps done by hand (checkpoint, create, copy the folder, start from it, remove); the same
// between the test bed's two hosts over SSH and TLS on shaped links (migrate-hosts.ts); and clone
// N=5 on Podman through the app beside `podman container restore --import` five times.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { appVsCli, median, report, runMain, sleep, timed } from './bench-util';
import { benchServices, runCounter, runRedis } from './bench-setup';
import { checkpointFolder, exec, podmanCloneByHand } from './engine-cli';
import { benchHosts } from './migrate-hosts';
import {
  Containers,
  COUNTER,
  dockerFor,
  execIn,
  testbed,
  uniqueName,
  REDIS_SERVER,
} from '../testbed/support';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const tb = testbed();

const docker = (host: string, ...args: string[]) => exec(tb.dockerCli, args, { DOCKER_HOST: host });
const podman = (...args: string[]) =>
  exec(
    'podman',
    [
      '--root',
      process.env.CS_TESTBED_PODMAN_ROOT!,
      '--runroot',
      process.env.CS_TESTBED_PODMAN_RUNROOT!,
      ...args,
    ],
    {
      CONTAINERS_CONF: process.env.CS_TESTBED_PODMAN_CONF!,
      PATH: `${path.dirname(process.env.CS_TESTBED_CRIU!)}:${process.env.PATH}`,
    },
  );

async function main(): Promise<void> {
  const hostA = tb.engines.a!;
  const hostB = tb.engines.b!;
  const dA: Docker = dockerFor(hostA);
  const dB: Docker = dockerFor(hostB);
  const onA = new Containers(dA);
  const onB = new Containers(dB);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-mbench-'));
  const podmanHost = process.env.CS_TESTBED_PODMAN!;
  const s = benchServices(
    [
      { id: 'a', name: 'A', host: hostA },
      { id: 'b', name: 'B', host: hostB },
      { id: 'pm', name: 'Podman', host: podmanHost },
    ],
    tmp,
  );
  const rootA = (await dA.info()).DockerRootDir as string;
  const rootB = (await dB.info()).DockerRootDir as string;
  const results: Record<
    string,
    { app: number[]; cli: number[]; stages: Record<string, number[]>; bytes: number[] }
  > = {};
  const record = (k: string) => (results[k] ??= { app: [], cli: [], stages: {}, bytes: [] });
  try {
    // BENCH_PARTS=hosts runs the part between hosts alone.
    if (process.env.BENCH_PARTS === 'hosts') {
      const hosts = await benchHosts(RUNS);
      report('migrate-hosts-bench', hosts.lines, {
        when: new Date().toISOString(),
        runs: RUNS,
        betweenHosts: hosts.rows,
      });
      return;
    }
    await Promise.all(['a', 'b', 'pm'].map((id) => s.registry.get(id).whenOnline(15_000)));
    const workloads: [string, () => Promise<{ id: string; name: string }>, string[]][] = [
      ['number printer', () => runCounter(onA), [tb.busyboxImage, ...COUNTER]],
      [
        'redis, ~100 MB of data',
        async () => {
          const c = await runRedis(onA, { cmd: [...REDIS_SERVER, '--proto-max-bulk-len', '1gb'] });
          await execIn(dA, c.id, ['redis-cli', 'setrange', 'big', '100000000', 'x']);
          return c;
        },
        [tb.redisImage, ...REDIS_SERVER, '--proto-max-bulk-len', '1gb'],
      ],
    ];
    for (const [label, make, createArgs] of workloads) {
      const r = record(`migrate ${label}`);
      for (let i = 0; i < RUNS; i++) {
        process.stderr.write(`${label}: run ${i + 1}/${RUNS}\n`);
        // Through the app.
        const c = await make();
        await sleep(1500);
        const [appMs, res] = await timed(() =>
          s.migrations.run({ engineId: 'a', container: c.id, to: 'b', keepSource: false }),
        );
        onB.adopt(res.targetContainerId);
        r.app.push(appMs);
        for (const st of res.stages) (r.stages[st.name] ??= []).push(st.ms);
        r.bytes.push(res.stages.reduce((n, st) => n + st.bytes, 0));
        // By hand with the CLI, the same work: checkpoint, create there, copy, start, remove here.
        const d = await make();
        await sleep(1500);
        const name = uniqueName('cli-mig');
        const [cliMs] = await timed(async () => {
          await docker(hostA, 'checkpoint', 'create', d.id, 'mig');
          const id = await docker(hostB, 'create', '--name', name, '--network', 'none', ...createArgs);
          onB.adopt(id);
          const dst = path.join(rootB, 'containers', id, 'checkpoints');
          fs.mkdirSync(dst, { recursive: true });
          await exec('cp', ['-r', checkpointFolder(rootA, d.id, 'mig'), dst]);
          await docker(hostB, 'start', '--checkpoint', 'mig', id);
          await docker(hostA, 'rm', '-f', d.id);
        });
        r.cli.push(cliMs);
        await onA.cleanup();
        await onB.cleanup();
      }
    }

    // Podman: clone N=5 through the app, and five imports by hand.
    const r = record('podman clone N=5');
    const pm = new Containers(dockerFor(podmanHost));
    for (let i = 0; i < RUNS; i++) {
      process.stderr.write(`podman clone: run ${i + 1}/${RUNS}\n`);
      const src = await pm.run({
        image: tb.redisImage,
        cmd: [...REDIS_SERVER],
      });
      await sleep(1000);
      await s.checkpoints.create({ engineId: 'pm', container: src.id, name: 'warm', leaveRunning: true });
      const [appMs, res] = await timed(() =>
        s.clones.run({
          engineId: 'pm',
          container: src.id,
          checkpoint: 'warm',
          count: 5,
          prefix: uniqueName('pmb'),
          ports: { mode: 'none' },
        }),
      );
      for (const cl of res.clones) if (cl.id) pm.adopt(cl.id);
      if (!res.ok) throw new Error('podman clone failed');
      r.app.push(appMs);
      const archive = path.join(tmp, 'export.tar');
      await podman('container', 'checkpoint', '--leave-running', `--export=${archive}`, src.id);
      const prefix = uniqueName('pmc');
      const [cliMs] = await timed(() =>
        podmanCloneByHand((args) => podman(...args), {
          file: archive,
          count: 5,
          name: (k) => `${prefix}-${k}`,
          atOnce: 1,
          made: (id) => pm.adopt(id),
        }),
      );
      r.cli.push(cliMs);
      await pm.cleanup();
    }

    const table = Object.entries(results).map(([operation, v]) => ({
      operation,
      ...appVsCli(v.app, v.cli),
      stagesMedianMs: Object.fromEntries(
        Object.entries(v.stages).map(([k, xs]) => [k, Math.round(median(xs))]),
      ),
      bytesMoved: v.bytes.length ? Math.round(median(v.bytes)) : undefined,
    }));
    const lines = [
      `Migration and Podman clones — ${RUNS} runs each, medians, same engines`,
      '',
      `${'operation'.padEnd(34)}${'app'.padEnd(10)}${'by hand'.padEnd(10)}app/hand`,
      ...table.map(
        (t) =>
          `${t.operation.padEnd(34)}${`${t.appMedianMs} ms`.padEnd(10)}${`${t.cliMedianMs} ms`.padEnd(10)}${t.ratio.toFixed(2)}`,
      ),
      '',
      ...table
        .filter((t) => Object.keys(t.stagesMedianMs).length)
        .map(
          (t) =>
            `${t.operation} by stage: ${Object.entries(t.stagesMedianMs)
              .map(([k, v]) => `${k} ${v} ms`)
              .join(', ')}; ${((t.bytesMoved ?? 0) / 1e6).toFixed(1)} MB moved`,
        ),
      'By hand: docker checkpoint create, docker create, cp -r of the folder on the host, docker start --checkpoint, docker rm (no image transfer, no file changes, no checks, no rollback).',
    ];
    const hosts = await benchHosts(RUNS);
    lines.push('', ...hosts.lines);
    report('migrate-bench', lines, {
      when: new Date().toISOString(),
      runs: RUNS,
      operations: table,
      betweenHosts: hosts.rows,
    });
  } finally {
    s.dispose();
    await onA.cleanup();
    await onB.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

runMain(main);
