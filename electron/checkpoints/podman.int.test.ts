// Podman through its own API: checkpoint with the archive exported to the app, restore in place,
// clone N=3 by import, and the exported archive in the inspector (with CRIU's own statistics).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import {
  Containers,
  COUNTER_SCRIPT,
  counterValues,
  dockerFor,
  eventually,
  execIn,
  podmanEngine,
  testbed,
  uniqueName,
} from '../../testbed/support';
import { inspectCheckpoint } from '../criu/inspect';

const tb = testbed();
const host = podmanEngine();
const podman = dockerFor(host);
const containers = new Containers(podman);
const ENGINE = 'podman';
let services: Services;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-podman-'));
  services = new Services({ engines: [{ id: ENGINE, name: 'Podman', host }], dataDir, host: 'browser' });
  await services.registry.get(ENGINE).whenOnline(15_000);
});

afterAll(async () => {
  await services.checkpoints.idle();
  services.dispose();
  const clones = await podman.listContainers({ all: true });
  for (const c of clones)
    if (c.Names.some((n) => n.includes('pm-clone') || n.includes('pm-'))) containers.adopt(c.Id);
  await containers.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

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

  it('checkpoints by export, restores in place: the count goes on', async () => {
    const c = await containers.run({
      name: uniqueName('pm-counter'),
      image: tb.busyboxImage,
      cmd: ['sh', '-c', COUNTER_SCRIPT],
    });
    await eventually(async () => (await counterValues(podman, c.id)).length >= 3, 15_000, 'counting');
    const rec = await services.checkpoints.create({
      engineId: ENGINE,
      container: c.name,
      name: 'pm-one',
      leaveRunning: false,
    });
    expect(rec).toMatchObject({ name: 'pm-one', mode: 'stopped' });
    const at = (await counterValues(podman, c.id)).at(-1)!;
    await services.checkpoints.idle();
    const listed = await services.checkpoints.list(ENGINE, c.name);
    expect(listed.map((r) => [r.name, r.status])).toEqual([['pm-one', 'present']]);
    // Podman keeps CRIU's statistics in the export: the catalog has real CRIU timings.
    expect(listed[0]!.criuStats?.frozenUs).toBeGreaterThan(0);
    expect(listed[0]!.criuStats?.pagesWritten).toBeGreaterThan(0);

    const res = await services.checkpoints.restore({
      engineId: ENGINE,
      container: c.name,
      checkpoint: 'pm-one',
      replaceRunning: false,
    });
    expect(res.container).toMatchObject({ name: c.name, state: 'running' });
    containers.adopt(res.container.id);
    const after = await eventually(
      async () => {
        const v = await counterValues(podman, res.container.id);
        const i = v.lastIndexOf(at);
        return i >= 0 && v.length > i + 2 ? v.slice(i + 1) : undefined;
      },
      20_000,
      'the count after the restore',
    );
    expect(after[0]).toBe(at + 1);
    // The checkpoint follows the container to its new id.
    expect((await services.checkpoints.list(ENGINE, c.name)).map((r) => r.name)).toEqual(['pm-one']);
  });

  it('clones N=3 by import, each holding the data', async () => {
    // Podman 4.3 brings a restored container's loopback up only with a network backend; with
    // --network none it stays down, so the clones are asked through a Unix socket.
    const cli = (id: string, ...args: string[]) =>
      execIn(podman, id, ['redis-cli', '-s', '/tmp/redis.sock', ...args]);
    const src = await containers.run({
      name: uniqueName('pm-redis'),
      image: tb.redisImage,
      cmd: [
        'redis-server',
        '--protected-mode',
        'no',
        '--save',
        '',
        '--appendonly',
        'no',
        '--unixsocket',
        '/tmp/redis.sock',
      ],
    });
    await eventually(async () => (await cli(src.id, 'ping')) === 'PONG', 20_000, 'redis');
    await cli(src.id, 'set', 'warm', 'yes');
    await services.checkpoints.create({
      engineId: ENGINE,
      container: src.id,
      name: 'pm-warm',
      leaveRunning: true,
    });
    const prefix = uniqueName('pm-clone');
    const res = await services.clones.run({
      engineId: ENGINE,
      container: src.id,
      checkpoint: 'pm-warm',
      count: 3,
      prefix,
      ports: { mode: 'none' },
    });
    for (const cl of res.clones) if (cl.id) containers.adopt(cl.id);
    expect(res.clones.map((c) => c.state)).toEqual(['running', 'running', 'running']);
    for (const cl of res.clones) expect(await cli(cl.id!, 'get', 'warm')).toBe('yes');
    expect(await cli(src.id, 'get', 'warm')).toBe('yes');

    // The exported archive, in the inspector: Podman's metadata and CRIU's statistics.
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
