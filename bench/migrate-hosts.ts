// Part of npm run bench -- migrate: migration between the test bed's two hosts (h1: Docker 26.1,
// h2: Docker 28.5, each in its own network namespace) on links shaped to 100 Mbit/s, through the
// app over SSH and over TLS, beside the same steps done by hand in the same run: ssh to the source
// and checkpoint, docker save | docker load across, docker create on the target, the checkpoint
// folder piped across with tar over ssh, docker start --checkpoint, docker rm. Both the total and
// the downtime (freeze on the source to running on the target) are timed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineSpec } from '../electron/engines/engine-spec';
import {
  Containers,
  COUNTER,
  counted,
  dockerFor,
  shapeHost,
  testbed,
  testHosts,
  uniqueName,
  REDIS_SERVER,
} from '../testbed/support';
import { benchServices, fillRedis, redisAnswers } from './bench-setup';
import { median, timed } from './bench-util';
import { shell as sh, shellQuote } from './engine-cli';

const RATE = process.env.BENCH_LINK_RATE ?? '100mbit';

export interface HostsRow {
  operation: string;
  transport: 'ssh' | 'tls';
  appMedianMs: number;
  handMedianMs: number;
  ratio: number;
  appDowntimeMs: number;
  handDowntimeMs: number;
  downtimeRatio: number;
  stagesMedianMs: Record<string, number>;
  bytesMoved: number;
}

export async function benchHosts(runs: number): Promise<{ rows: HostsRow[]; lines: string[] }> {
  const tb = testbed();
  const hosts = testHosts();
  const d1 = dockerFor(hosts.h1.sock);
  const d2 = dockerFor(hosts.h2.sock);
  const on1 = new Containers(d1);
  const on2 = new Containers(d2);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hbench-'));
  const known = path.join(tmp, 'known_hosts');
  const addr = (h: { ssh: string }) => new URL(h.ssh).hostname;
  // By hand, as a user with a key would: ssh into each host and run docker there.
  const q = (a: string[]) => a.map(shellQuote).join(' ');
  const sshCmd = `ssh -i ${q([hosts.sshKey])} -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${q([known])} -o LogLevel=ERROR`;
  const on = (h: { ssh: string }) => `${sshCmd} root@${addr(h)}`;
  const root1 = (await d1.info()).DockerRootDir as string;
  const root2 = (await d2.info()).DockerRootDir as string;
  const specs: Record<'ssh' | 'tls', EngineSpec[]> = {
    ssh: [
      { id: 'h1', name: 'h1', host: hosts.h1.ssh, sshKey: hosts.sshKey },
      { id: 'h2', name: 'h2', host: hosts.h2.ssh, sshKey: hosts.sshKey },
    ],
    tls: [
      { id: 'h1', name: 'h1', host: hosts.h1.tls, tlsDir: hosts.tlsDir },
      { id: 'h2', name: 'h2', host: hosts.h2.tls, tlsDir: hosts.tlsDir },
    ],
  };
  const REDIS = [...REDIS_SERVER, '--enable-debug-command', 'yes'];
  const workloads: { label: string; image: string; cmd: string[]; ready: (id: string) => Promise<void> }[] = [
    {
      label: 'number printer',
      image: tb.busyboxImage,
      cmd: COUNTER,
      ready: async (id) => {
        await counted(d1, id, 2);
      },
    },
    {
      label: 'redis, ~100 MB',
      image: tb.redisImage,
      cmd: REDIS,
      ready: async (id) => {
        await redisAnswers(on1, id);
        await fillRedis(on1, id);
      },
    },
  ];
  const stats: Record<
    string,
    {
      app: number[];
      hand: number[];
      appDown: number[];
      handDown: number[];
      stages: Record<string, number[]>;
      bytes: number[];
    }
  > = {};
  shapeHost('h1', RATE);
  shapeHost('h2', RATE);
  try {
    // BENCH_HOSTS_VIA=ssh|tls runs one transport alone.
    const via = process.env.BENCH_HOSTS_VIA;
    for (const transport of (['ssh', 'tls'] as const).filter((t) => !via || t === via)) {
      const s = benchServices(specs[transport], path.join(tmp, transport));
      try {
        for (const id of ['h1', 'h2'])
          if (!(await s.registry.get(id).whenOnline(20_000))) throw new Error(`${id} offline`);
        // The app measures each engine when it connects, before any migration: so does the bench,
        // outside the timed runs.
        for (const id of ['h1', 'h2']) await s.capabilities.ensure(id);
        for (const w of workloads) {
          const key = `${w.label} over ${transport}`;
          const st = (stats[key] ??= { app: [], hand: [], appDown: [], handDown: [], stages: {}, bytes: [] });
          for (let i = 0; i < runs; i++) {
            process.stderr.write(`hosts, ${key}: run ${i + 1}/${runs}\n`);
            // An image h2 does not have (its own layer on top), so that it travels each time.
            const image = await on1.commitImage(
              w.image,
              'echo hbench > /marker',
              `cs-hbench-${uniqueName('i').slice(-8)}`,
            );
            await on1.cleanup();
            try {
              // Through the app.
              const c = await on1.run({ image, cmd: w.cmd, network: 'host' });
              await w.ready(c.id);
              const [appMs, res] = await timed(() =>
                s.migrations.run({ engineId: 'h1', container: c.id, to: 'h2', keepSource: false }),
              );
              on2.adopt(res.targetContainerId);
              st.app.push(appMs);
              st.appDown.push(res.downtimeMs);
              for (const x of res.stages) (st.stages[x.name] ??= []).push(x.ms);
              st.bytes.push(res.stages.reduce((n, x) => n + x.bytes, 0));
              await on1.cleanup();
              await on2.cleanup();
              await d2
                .getImage(image)
                .remove({ force: true })
                .catch(() => undefined);

              // By hand, the same work.
              const d = await on1.run({ image, cmd: w.cmd, network: 'host' });
              await w.ready(d.id);
              const name = uniqueName('hand');
              let frozen = 0;
              let running = 0;
              const [handMs] = await timed(async () => {
                // As the app does: the image and the new container first, then the freeze.
                await sh(`${on(hosts.h1)} docker save ${image} | ${on(hosts.h2)} docker load -q`);
                const id = await sh(
                  `${on(hosts.h2)} ${q([`docker create --name ${name} --network host ${q([image, ...w.cmd])}`])}`,
                );
                on2.adopt(id);
                frozen = Date.now();
                await sh(`${on(hosts.h1)} docker checkpoint create ${d.id} mig`);
                const src = `${root1}/containers/${d.id}/checkpoints`;
                const dst = `${root2}/containers/${id}/checkpoints`;
                await sh(
                  `${on(hosts.h1)} ${q([`tar -C ${q([src])} -c mig`])} | ${on(hosts.h2)} ${q([`mkdir -p ${q([dst])} && tar -C ${q([dst])} -x`])}`,
                );
                await sh(`${on(hosts.h2)} docker start --checkpoint mig ${name}`);
                running = Date.now();
                await sh(`${on(hosts.h1)} docker rm ${d.id}`);
              });
              st.hand.push(handMs);
              st.handDown.push(running - frozen);
            } finally {
              await on1.cleanup();
              await on2.cleanup();
              await d1
                .getImage(image)
                .remove()
                .catch(() => undefined);
              await d2
                .getImage(image)
                .remove({ force: true })
                .catch(() => undefined);
            }
          }
        }
      } finally {
        s.dispose();
      }
    }
  } finally {
    shapeHost('h1', 'off');
    shapeHost('h2', 'off');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const rows: HostsRow[] = Object.entries(stats).map(([operation, v]) => ({
    operation: operation.replace(/ over (ssh|tls)$/, ''),
    transport: operation.endsWith('ssh') ? 'ssh' : 'tls',
    appMedianMs: Math.round(median(v.app)),
    handMedianMs: Math.round(median(v.hand)),
    ratio: Number((median(v.app) / median(v.hand)).toFixed(3)),
    appDowntimeMs: Math.round(median(v.appDown)),
    handDowntimeMs: Math.round(median(v.handDown)),
    downtimeRatio: Number((median(v.appDown) / median(v.handDown)).toFixed(3)),
    stagesMedianMs: Object.fromEntries(
      Object.entries(v.stages).map(([k, xs]) => [k, Math.round(median(xs))]),
    ),
    bytesMoved: Math.round(median(v.bytes)),
  }));
  const lines = [
    `Migration between hosts (h1 Docker 26.1 → h2 Docker 28.5), links at ${RATE}, ${runs} runs each, medians`,
    '',
    `${'operation'.padEnd(28)}${'via'.padEnd(5)}${'app'.padEnd(10)}${'by hand'.padEnd(10)}${'app/hand'.padEnd(10)}${'downtime app'.padEnd(14)}${'by hand'.padEnd(10)}app/hand`,
    ...rows.map(
      (r) =>
        `${r.operation.padEnd(28)}${r.transport.padEnd(5)}${`${r.appMedianMs} ms`.padEnd(10)}${`${r.handMedianMs} ms`.padEnd(10)}${r.ratio.toFixed(2).padEnd(10)}${`${r.appDowntimeMs} ms`.padEnd(14)}${`${r.handDowntimeMs} ms`.padEnd(10)}${r.downtimeRatio.toFixed(2)}`,
    ),
    '',
    ...rows.map(
      (r) =>
        `${r.operation} via ${r.transport} by stage: ${Object.entries(r.stagesMedianMs)
          .map(([k, v]) => `${k} ${v} ms`)
          .join(', ')}; ${(r.bytesMoved / 1e6).toFixed(1)} MB moved`,
    ),
    'By hand: ssh h1 docker checkpoint create; ssh h1 docker save | ssh h2 docker load; ssh h2 docker create; ssh h1 tar | ssh h2 tar of the checkpoint folder; ssh h2 docker start --checkpoint; ssh h1 docker rm (no file changes, no checks, no rollback).',
  ];
  return { rows, lines };
}
