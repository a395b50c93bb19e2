// What is Podman's own beyond the stories (stories.int.test.ts runs those on Podman 4.3, 5.4 and
// 5.8): recognised as Podman, exports that keep CRIU's statistics, a stopped checkpoint restored in
// place by Podman itself, one the container has run since imported as a container with a new id,
// the archive in the inspector, and TCP connections kept on request.
import { afterAll, describe, expect, it } from 'vitest';
import {
  COUNTER_SCRIPT,
  counterValues,
  eventually,
  execIn,
  podmanEngine,
  testbed,
  testbedFixture,
  uniqueName,
} from '../../testbed/support';
import { useServices } from '../../testbed/services-support';
import { inspectCheckpoint } from '../criu/inspect';

const tb = testbed();
const host = podmanEngine();
const { docker: podman, containers } = testbedFixture(host);
const ENGINE = 'podman';
afterAll(async () => {
  const clones = await podman.listContainers({ all: true });
  for (const c of clones)
    if (c.Names.some((n) => n.includes('pm-clone') || n.includes('pm-'))) containers.adopt(c.Id);
  await containers.cleanup();
});
const { services } = useServices(
  { engines: [{ id: ENGINE, name: 'Podman', host }] },
  { onlineMs: 15_000, prefix: 'cs-podman-' },
);

describe('Podman', () => {
  it('is recognised as Podman, with its containers listed live', async () => {
    const conn = services.registry.get(ENGINE);
    expect(conn.status).toMatchObject({ state: 'online', kind: 'podman' });
    const c = await containers.run({
      name: uniqueName('pm-list'),
      image: tb.busyboxImage,
      cmd: ['sleep', '600'],
    });
    await eventually(
      () => conn.list().find((r) => r.id === c.id && r.state === 'running'),
      15_000,
      'the container in the live list',
    );
  });

  it("an export keeps CRIU's statistics; a stopped one restores in place, one the container ran after as a new container the checkpoints follow", async () => {
    const c = await containers.run({
      name: uniqueName('pm-counter'),
      image: tb.busyboxImage,
      cmd: ['sh', '-c', COUNTER_SCRIPT],
    });
    await eventually(async () => (await counterValues(podman, c.id)).length >= 3, 15_000, 'counting');
    await services.checkpoints.create({
      engineId: ENGINE,
      container: c.name,
      name: 'pm-one',
      leaveRunning: false,
    });
    await services.checkpoints.idle();
    const listed = await services.checkpoints.list(ENGINE, c.name);
    expect(listed.map((r) => [r.name, r.status])).toEqual([['pm-one', 'present']]);
    // Podman keeps CRIU's statistics in the export: the catalog has real CRIU timings.
    expect(listed[0]!.criuStats?.frozenUs).toBeGreaterThan(0);
    expect(listed[0]!.criuStats?.pagesWritten).toBeGreaterThan(0);
    const atDump = Math.max(...(await counterValues(podman, c.id)));
    // Stopped by the checkpoint and not started since: Podman's own local restore, same container.
    const local = await services.checkpoints.restore({
      engineId: ENGINE,
      container: c.name,
      checkpoint: 'pm-one',
      replaceRunning: false,
    });
    expect(local.container.id).toBe(c.id);
    await eventually(
      async () => (await counterValues(podman, c.id)).some((v) => v > atDump + 1),
      15_000,
      'counting on from the checkpoint',
    );
    // The container has run since this one: the images beside it no longer match its file system,
    // so the archive is imported as a new container, and the checkpoints follow it.
    await services.checkpoints.create({
      engineId: ENGINE,
      container: c.name,
      name: 'pm-two',
      leaveRunning: false,
    });
    await podman.getContainer(c.id).start();
    await podman.getContainer(c.id).stop({ t: 0 });
    const res = await services.checkpoints.restore({
      engineId: ENGINE,
      container: c.name,
      checkpoint: 'pm-two',
      replaceRunning: false,
    });
    containers.adopt(res.container.id);
    expect(res.container.id).not.toBe(c.id);
    expect((await services.checkpoints.list(ENGINE, c.name)).map((r) => r.name)).toEqual([
      'pm-one',
      'pm-two',
    ]);
    expect(services.catalog.list(ENGINE, c.id)).toEqual([]);
  });

  it("the exported archive in the inspector: Podman's metadata and CRIU's statistics", async () => {
    const src = await containers.run({ name: uniqueName('pm-redis'), image: tb.redisImage });
    await eventually(
      async () => (await execIn(podman, src.id, ['redis-cli', 'ping'])) === 'PONG',
      20_000,
      'redis',
    );
    await services.checkpoints.create({
      engineId: ENGINE,
      container: src.id,
      name: 'pm-warm',
      leaveRunning: true,
    });
    const t = await services.checkpoints.target(ENGINE, src.id);
    const i = await inspectCheckpoint(services.checkpoints.backend(t.conn).inspectSource(t, 'pm-warm'));
    expect(i.format).toBe('podman-export');
    expect(i.processes.map((p) => p.comm)).toEqual(['redis-server']);
    expect(i.sockets.map((s) => s.port)).toContain(6379);
    expect(i.stats?.memdumpUs).toBeGreaterThan(0);
    expect(i.podman?.name).toBe(src.name);
  });

  it('keeping TCP connections is passed through on Podman', async () => {
    const c = await containers.run({
      name: uniqueName('pm-tcp'),
      image: tb.busyboxImage,
      cmd: ['sleep', '600'],
    });
    const rec = await services.checkpoints.create({
      engineId: ENGINE,
      container: c.id,
      name: 'pm-tcp',
      leaveRunning: true,
      tcpEstablished: true,
    });
    expect(rec.name).toBe('pm-tcp');
  });
});
