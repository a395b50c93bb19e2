// Migration between machines: the test bed's hosts h1 (Docker 26.1, reached over SSH) and h2
// (Docker 28.5, over TLS), each in its own network namespace with its own containerd. The image,
// the file changes (deletions too) and the checkpoint travel through the app, streamed; the job
// goes on where it was; a link cut mid-transfer brings the source back and leaves nothing on the
// target once it answers again. (Docker 28 restores only host-network containers: see the README's
// table. The hosts' host network is their own namespace.)
import { afterAll, describe, expect, it } from 'vitest';
import type { OperationProgressT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import {
  Containers,
  COUNTER_SCRIPT,
  counterValues,
  eventually,
  execIn,
  hostLink,
  REDIS_SERVER,
  removeImage,
  shapeHost,
  testbed,
  testHosts,
  uniqueName,
} from '../../testbed/support';
import { useServices, useTestbed } from '../../testbed/services-support';

const tb = testbed();
const hosts = testHosts();
const REDIS = REDIS_SERVER;
const images: string[] = [];
// After-all hooks run last-registered first: the link back up, the services closed, the
// containers removed, then the images.
afterAll(async () => {
  for (const i of images) for (const d of [docker1, docker2]) await removeImage(d, i);
});
const { docker: docker1, containers: on1 } = useTestbed(hosts.h1.sock);
const { docker: docker2, containers: on2 } = useTestbed(hosts.h2.sock);
const { services } = useServices(
  {
    engines: [
      { id: 'h1', name: 'Host 1', host: hosts.h1.ssh, sshKey: hosts.sshKey },
      { id: 'h2', name: 'Host 2', host: hosts.h2.tls, tlsDir: hosts.tlsDir },
    ],
  },
  { onlineMs: 20_000, prefix: 'cs-hosts-' },
);
afterAll(() => {
  hostLink('h2', 'up');
  shapeHost('h2', 'off');
});

/** Every container of a host, helpers included, by name. */
async function names(d: typeof docker1): Promise<string[]> {
  return (await d.listContainers({ all: true })).map((c) => c.Names[0]!).sort();
}

/** Redis on the host's own network, on a port of its own; `megabytes` of 1 KB values in it. */
async function warmRedis(
  on: Containers,
  d: typeof docker1,
  megabytes: number,
): Promise<{ id: string; name: string; cli: string[] }> {
  const port = String(17_000 + Math.floor(Math.random() * 2000));
  const r = await on.run({
    name: uniqueName('hosts-redis'),
    image: tb.redisImage,
    network: 'host',
    cmd: [...REDIS, '--port', port, '--bind', '127.0.0.1', '--enable-debug-command', 'yes'],
  });
  const cli = ['redis-cli', '-p', port];
  await eventually(async () => (await execIn(d, r.id, [...cli, 'ping'])) === 'PONG', 15_000, 'redis');
  await execIn(d, r.id, [...cli, 'set', 'moved', 'with-me']);
  expect(await execIn(d, r.id, [...cli, 'debug', 'populate', String(megabytes * 1000), 'key', '1000'])).toBe(
    'OK',
  );
  return { ...r, cli };
}

/**
 * An image only h1 has: busybox with files of its own — a folder /keep (a, b), and /owned (x, y)
 * that belongs to uid 4321 with mode 750 — committed there.
 */
async function imageOnlyOnH1(): Promise<string> {
  const image = await on1.commitImage(
    tb.busyboxImage,
    `mkdir -p /keep /owned && echo a > /keep/a && echo b > /keep/b && echo x > /owned/x && echo y > /owned/y && chown 4321:4321 /owned && chmod 750 /owned && echo ${uniqueName('m')} > /marker`,
    `cs-h1-only-${uniqueName('i').slice(-8)}`,
  );
  images.push(image);
  return image;
}

describe('migration between hosts', () => {
  it('the number printer moves from h1 (SSH) to h2 (TLS): image, file changes and deletions go along, the count goes on', async () => {
    const c = await on1.run({
      name: uniqueName('hosts-printer'),
      image: await imageOnlyOnH1(),
      network: 'host',
      // Added, deleted, deleted in a folder of another owner, and a folder removed and made again.
      cmd: [
        'sh',
        '-c',
        `echo kept > /data/kept.txt; rm /etc/group /owned/x; rm -rf /keep; mkdir /keep; echo c > /keep/c; chown 1234 /keep; ${COUNTER_SCRIPT}`,
      ],
    });
    await eventually(async () => (await counterValues(docker1, c.id)).length >= 3, 15_000, 'counting');
    const progress: OperationProgressT[] = [];
    const off = services.bus.on('operations.progressed', (p) => p.opId === 'hosts-1' && progress.push(p));
    const res = await services.migrations
      .run({ engineId: 'h1', container: c.name, to: 'h2', keepSource: true, opId: 'hosts-1' })
      .finally(off);
    on2.adopt(res.targetContainerId);
    const stage = (n: string) => res.stages.find((s) => s.name === n)!;
    // h2 has its own busybox (from sid): h1's image had to travel.
    expect(stage('image')).toMatchObject({ state: 'done' });
    expect(stage('image').bytes).toBeGreaterThan(100_000);
    expect(stage('files').detail).toMatch(/\d+ deleted paths? deleted/);
    expect(stage('verify').detail).toMatch(/writing output again/);
    const last = (await counterValues(docker1, c.id)).at(-1)!;
    const onTarget = await eventually(
      async () => {
        const v = await counterValues(docker2, res.targetContainerId);
        return v.length >= 2 ? v : undefined;
      },
      15_000,
      'counting on h2',
    );
    expect(onTarget[0]).toBe(last + 1);
    expect(await execIn(docker2, res.targetContainerId, ['cat', '/data/kept.txt'])).toBe('kept');
    expect(
      await execIn(docker2, res.targetContainerId, [
        'sh',
        '-c',
        'test -e /etc/group && echo there || echo gone',
      ]),
    ).toBe('gone');
    const sh = (cmd: string) => execIn(docker2, res.targetContainerId, ['sh', '-c', cmd]);
    // The folder made again holds only what the source put in it, with its new owner.
    expect(await sh('ls /keep')).toBe('c');
    expect(await sh('stat -c %u /keep')).toBe('1234');
    // A file deleted in a folder of another owner: gone, the folder as it was.
    expect(await sh('ls /owned')).toBe('y');
    expect(await sh('stat -c "%u %a" /owned')).toBe('4321 750');
    // The image's other files are all there.
    expect(
      await execIn(docker2, res.targetContainerId, ['sh', '-c', 'test -e /etc/passwd && echo there']),
    ).toBe('there');
    // Downtime: from the freeze on h1 to running on h2, inside the whole.
    expect(res.downtimeMs).toBeGreaterThan(0);
    expect(res.downtimeMs).toBeLessThan(res.durationMs);
    // The stages were reported on the way.
    expect(progress.some((p) => p.stages?.find((s) => s.name === 'transfer')?.state === 'running')).toBe(
      true,
    );
    // No helper left on either host.
    expect((await names(docker1)).filter((n) => n.includes('cs-helper'))).toEqual([]);
    expect((await names(docker2)).filter((n) => n.includes('cs-helper'))).toEqual([]);
  });

  it('a redis holding ~100 MB moves from h2 (TLS) to h1 (SSH) with its data', async () => {
    const r = await warmRedis(on2, docker2, 100);
    const dbsize = await execIn(docker2, r.id, [...r.cli, 'dbsize']);
    expect(Number(dbsize)).toBe(100_001);
    const res = await services.migrations.run({
      engineId: 'h2',
      container: r.id,
      to: 'h1',
      keepSource: false,
    });
    on1.adopt(res.targetContainerId);
    expect(await execIn(docker1, res.targetContainerId, [...r.cli, 'get', 'moved'])).toBe('with-me');
    expect(await execIn(docker1, res.targetContainerId, [...r.cli, 'dbsize'])).toBe(dbsize);
    expect(res.stages.find((s) => s.name === 'transfer')!.bytes).toBeGreaterThan(100_000_000);
    // Quiet (redis writes nothing): confirmed by the engine's state, with no wait.
    expect(res.stages.find((s) => s.name === 'verify')!.detail).toBe('running');
    expect(
      await docker2
        .getContainer(r.id)
        .inspect()
        .catch(() => null),
    ).toBeNull();
  });

  it('the link cut mid-transfer: the source runs again, and the target is cleaned once it answers', async () => {
    const r = await warmRedis(on1, docker1, 100);
    const before2 = await names(docker2);
    // 40 Mbit/s: the checkpoint takes seconds to cross, long enough to cut it on the way.
    shapeHost('h2', '40mbit');
    let cut = false;
    const off = services.bus.on('operations.progressed', (p) => {
      const t = p.opId === 'hosts-cut' ? p.stages?.find((s) => s.name === 'transfer') : undefined;
      if (!cut && t?.state === 'running') {
        cut = true;
        setTimeout(() => hostLink('h2', 'down'), 1500);
      }
    });
    const err = await services.migrations
      .run({ engineId: 'h1', container: r.id, to: 'h2', keepSource: false, opId: 'hosts-cut', stallMs: 3000 })
      .then(
        () => null,
        (e: unknown) => e,
      )
      .finally(off);
    expect(cut).toBe(true);
    expect(err).toBeInstanceOf(StudioError);
    const e = err as StudioError;
    expect(e.message).toMatch(/is running again on Host 1/);
    expect(e.message).toMatch(/could not be removed yet .* it is removed as soon as it does/);
    expect(e.details?.[0]).toMatch(/no data moved for 3 s: the connection to Host 2 was lost/);
    // The source goes on, with its data, from its checkpoint.
    expect((await docker1.getContainer(r.id).inspect()).State.Running).toBe(true);
    expect(await execIn(docker1, r.id, [...r.cli, 'get', 'moved'])).toBe('with-me');
    // The link back: the app notices h2 again and removes what the move left there.
    hostLink('h2', 'up');
    shapeHost('h2', 'off');
    await eventually(
      async () => JSON.stringify(await names(docker2)) === JSON.stringify(before2),
      90_000,
      'the half-made copy and helpers on h2 removed',
    );
    expect(services.journal.orphaned('h2')).toEqual([]);
  });
});
