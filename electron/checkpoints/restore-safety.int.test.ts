// Nothing lost on a failed restore: a running container that a restore replaces is saved first (a
// safety checkpoint), and when the restore fails it comes back running — from that checkpoint where
// the engine can restore it, started again (its state kept as a checkpoint) where it cannot.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import {
  type Containers,
  COUNTER_SCRIPT,
  counterValues,
  eventually,
  testbed,
  testbedEngine,
  testbedFixture,
} from '../../testbed/support';
import {
  closeServices,
  expectStudioError as failure,
  makeServices,
  type ServicesFixture,
  whenAllOnline,
} from '../../testbed/services-support';

const tb = testbed();
const made: (ServicesFixture & { dir: string; containers: Containers })[] = [];
afterAll(async () => {
  for (const m of made) {
    await closeServices(m);
    await m.containers.cleanup();
  }
});

async function setUp(engine: string, enforceCapabilities = true) {
  const host = testbedEngine(engine);
  const fixture = makeServices(
    { engines: [{ id: engine, name: engine, host }], enforceCapabilities },
    'cs-safety-',
  );
  const { docker, containers } = testbedFixture(host);
  made.push({ ...fixture, dir: fixture.dataDir, containers });
  await whenAllOnline(fixture.services, 15_000);
  return { services: fixture.services, docker, containers };
}

describe('a restore that fails loses nothing', () => {
  it('Docker 20.10, a damaged checkpoint: the container runs on from the state it had just before', async () => {
    const { services, docker, containers } = await setUp('a');
    const c = await containers.run({ image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
    await eventually(async () => (await counterValues(docker, c.id)).length >= 3, 15_000, 'counting');
    await services.checkpoints.create({ engineId: 'a', container: c.id, name: 'early', leaveRunning: true });
    // The checkpoint loses its memory pages, as a disk error would do.
    const root = services.registry.get('a').identity!.dataRoot;
    const dir = path.join(root, 'containers', c.id, 'checkpoints', 'early');
    for (const f of fs.readdirSync(dir)) if (/^pages-/.test(f)) fs.rmSync(path.join(dir, f));
    const early = (await counterValues(docker, c.id)).at(-1)!;
    await eventually(
      async () => (await counterValues(docker, c.id)).at(-1)! > early + 3,
      15_000,
      'counting on',
    );

    const e = await failure(
      services.checkpoints.restore({
        engineId: 'a',
        container: c.id,
        checkpoint: 'early',
        replaceRunning: true,
      }),
    );
    expect(e.code).toBe('criu-failed');
    expect(e.message).toMatch(
      /The checkpoint is intact; .* is running again, from the state it had just before\./,
    );
    const info = await docker.getContainer(c.id).inspect();
    expect(info.State.Running).toBe(true);
    // It went on from where it was when the restore began, not from "early" and not from 0.
    const before = await counterValues(docker, c.id);
    const after = await eventually(
      async () => {
        const v = await counterValues(docker, c.id);
        return v.length > before.length + 2 ? v.slice(before.length) : undefined;
      },
      15_000,
      'counting after the failed restore',
    );
    expect(after[0]).toBeGreaterThan(early + 3);
    for (let i = 1; i < after.length; i++) expect(after[i]).toBe(after[i - 1]! + 1);
    // The safety checkpoint did its job and is gone; the damaged one is still there to look at.
    expect((await services.checkpoints.list('a', c.id)).map((r) => r.name)).toEqual(['early']);
  });

  it('Docker 28.5 + containerd 2.1, not refused (as on an engine never measured): running again, its state kept', async () => {
    const { services, docker, containers } = await setUp('d28', false);
    const c = await containers.run({
      image: tb.busyboxImage,
      cmd: ['sh', '-c', COUNTER_SCRIPT],
      network: tb.network,
    });
    await eventually(async () => (await counterValues(docker, c.id)).length >= 3, 15_000, 'counting');
    await services.checkpoints.create({
      engineId: 'd28',
      container: c.id,
      name: 'earlier',
      leaveRunning: true,
    });

    const e = await failure(
      services.checkpoints.restore({
        engineId: 'd28',
        container: c.id,
        checkpoint: 'earlier',
        replaceRunning: true,
      }),
    );
    // The engine's own failure, named…
    expect(e.details?.join('\n')).toMatch(/bind-mount \/proc\/0\/ns\/net/);
    // …and the container is not left exited.
    expect(e.message).toMatch(/was started again \(fresh: it could not be restored\)/);
    expect((await docker.getContainer(c.id).inspect()).State.Running).toBe(true);
    // What it held just before is kept, as a checkpoint that says what it is.
    const list = await services.checkpoints.list('d28', c.id);
    const safety = list.find((r) => r.name.startsWith('before-restore-'));
    expect(safety?.note).toMatch(/Safety checkpoint/);
    expect(list.map((r) => r.name)).toContain('earlier');

    // With the probe's measurement (the app's default), the same restore is refused before anything stops.
    const guarded = new Services({
      engines: [{ id: 'd28', name: 'd28', host: testbedEngine('d28') }],
      dataDir: made.at(-1)!.dir,
      host: 'headless',
    });
    try {
      await guarded.registry.get('d28').whenOnline(15_000);
      const startedAt = (await docker.getContainer(c.id).inspect()).State.StartedAt;
      const refused = await failure(
        guarded.checkpoints.restore({
          engineId: 'd28',
          container: c.id,
          checkpoint: 'earlier',
          replaceRunning: true,
        }),
      );
      expect(refused.code).toBe('unsupported');
      expect(refused.hint).toMatch(/containerd\/containerd#12141/);
      const now = (await docker.getContainer(c.id).inspect()).State;
      expect(now.Running).toBe(true);
      expect(now.StartedAt).toBe(startedAt);
    } finally {
      await guarded.capabilities.idle();
      guarded.dispose();
    }
  });
});
