// Two private Docker engines on this machine: containers move from one to the other and go on
// where they stopped; the image follows when the target lacks it; a refused or failed migration
// leaves the source running and the target clean.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../ipc/errors';
import {
  COUNTER_SCRIPT,
  counterValues,
  eventually,
  execIn,
  testbed,
  uniqueName,
} from '../../testbed/support';
import { useServices, useTestbed } from '../../testbed/services-support';

const tb = testbed();
const hostA = tb.engines.a!;
const hostB = tb.engines.b;
if (!hostB) throw new Error('the test bed\'s second engine "b" is not up: npm test starts it');
const { docker: dockerA, containers: onA } = useTestbed(hostA);
const { docker: dockerB, containers: onB } = useTestbed(hostB);
let breakNext = false;
const { services } = useServices(
  {
    engines: [
      { id: 'a', name: 'A', host: hostA },
      { id: 'b', name: 'B', host: hostB },
    ],
    migrationHooks: {
      // A real CRIU failure on the target: its copy of the checkpoint loses the process's pages.
      afterTransfer: async ({ checkpointsDir, name }) => {
        if (!breakNext) return;
        breakNext = false;
        const dir = path.join(checkpointsDir, name);
        for (const f of fs.readdirSync(dir)) if (/^pages-/.test(f)) fs.rmSync(path.join(dir, f));
      },
    },
  },
  { prefix: 'cs-migrate-' },
);

async function allIds(d: typeof dockerA): Promise<string[]> {
  return (await d.listContainers({ all: true })).map((c) => c.Id).sort();
}

describe('migration between two Docker engines', () => {
  it('the number printer moves and its count goes on where it stopped', async () => {
    const c = await onA.run({
      name: uniqueName('mig-printer'),
      image: tb.busyboxImage,
      cmd: ['sh', '-c', COUNTER_SCRIPT],
    });
    await eventually(async () => (await counterValues(dockerA, c.id)).length >= 3, 15_000, 'counting');
    // The source is kept (stopped), so its log says where it stopped.
    const res = await services.migrations.run({
      engineId: 'a',
      container: c.name,
      to: 'b',
      keepSource: true,
    });
    onB.adopt(res.targetContainerId);
    expect(res.ok).toBe(true);
    expect(res.stages.map((s) => s.state).every((st) => st === 'done' || st === 'skipped')).toBe(true);
    const last = (await counterValues(dockerA, c.id)).at(-1)!;
    expect((await dockerA.getContainer(c.id).inspect()).State.Running).toBe(false);
    const onTarget = await eventually(
      async () => {
        const v = await counterValues(dockerB, res.targetContainerId);
        return v.length >= 2 ? v : undefined;
      },
      15_000,
      'counting on B',
    );
    expect(onTarget[0]).toBe(last + 1);
    expect(onTarget).not.toContain(0);
  });

  it('redis with data moves, keeps its data, and the source is kept when asked', async () => {
    const r = await onA.run({ name: uniqueName('mig-redis'), image: tb.redisImage, network: tb.network });
    await eventually(
      async () => (await execIn(dockerA, r.id, ['redis-cli', 'ping'])) === 'PONG',
      15_000,
      'redis',
    );
    await execIn(dockerA, r.id, ['redis-cli', 'set', 'moved', 'with-me']);
    await execIn(dockerA, r.id, ['sh', '-c', 'seq 1 2000 | sed "s/.*/SET k:& &/" | redis-cli > /dev/null']);
    // A file written in the container's own file system goes along too.
    await execIn(dockerA, r.id, ['sh', '-c', 'echo notes > /data/notes.txt']);
    const res = await services.migrations.run({ engineId: 'a', container: r.id, to: 'b', keepSource: true });
    onB.adopt(res.targetContainerId);
    expect(await execIn(dockerB, res.targetContainerId, ['redis-cli', 'get', 'moved'])).toBe('with-me');
    expect(await execIn(dockerB, res.targetContainerId, ['redis-cli', 'dbsize'])).toBe('2001');
    expect(await execIn(dockerB, res.targetContainerId, ['cat', '/data/notes.txt'])).toBe('notes');
    expect(res.stages.find((s) => s.name === 'files')?.bytes).toBeGreaterThan(0);
    expect(res.stages.find((s) => s.name === 'transfer')?.bytes).toBeGreaterThan(1_000_000);
    const src = await dockerA.getContainer(r.id).inspect();
    expect(src.State.Running).toBe(false);
  });

  it('the image is transferred when the target lacks it', async () => {
    const base = await onA.run({
      image: tb.busyboxImage,
      cmd: ['sh', '-c', 'echo only-on-a > /marker'],
      start: true,
    });
    await eventually(
      async () => !(await dockerA.getContainer(base.id).inspect()).State.Running,
      10_000,
      'exit',
    );
    const tag = `cs-only-a-${uniqueName('img').slice(-8)}`;
    const committed = await dockerA.getContainer(base.id).commit({ repo: tag, tag: '1' });
    const image = `${tag}:1`;
    try {
      expect(
        await dockerB
          .getImage(image)
          .inspect()
          .catch(() => null),
      ).toBeNull();
      const c = await onA.run({ name: uniqueName('mig-img'), image, cmd: ['sh', '-c', COUNTER_SCRIPT] });
      await eventually(async () => (await counterValues(dockerA, c.id)).length >= 2, 15_000, 'counting');
      const res = await services.migrations.run({
        engineId: 'a',
        container: c.id,
        to: 'b',
        keepSource: false,
      });
      onB.adopt(res.targetContainerId);
      const stage = res.stages.find((s) => s.name === 'image')!;
      expect(stage.state).toBe('done');
      expect(stage.bytes).toBeGreaterThan(100_000);
      expect((await dockerB.getImage(image).inspect()).Id).toBe(committed.Id);
      // The source was not kept.
      expect(
        await dockerA
          .getContainer(c.id)
          .inspect()
          .catch(() => null),
      ).toBeNull();
      expect(await execIn(dockerB, res.targetContainerId, ['cat', '/marker'])).toBe('only-on-a');
    } finally {
      await onA.cleanup();
      await onB.cleanup();
      await dockerA
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
      await dockerB
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  it('refused when the name is taken on the target: the source keeps running, nothing changes', async () => {
    const name = uniqueName('mig-taken');
    const c = await onA.run({ name, image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
    await onB.run({ name, image: tb.busyboxImage, cmd: ['sleep', '600'] });
    const beforeA = await allIds(dockerA);
    const beforeB = await allIds(dockerB);
    const err = await services.migrations
      .run({ engineId: 'a', container: name, to: 'b', keepSource: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).message).toMatch(/already has a container named/);
    expect((await dockerA.getContainer(c.id).inspect()).State.Running).toBe(true);
    expect(await allIds(dockerA)).toEqual(beforeA);
    expect(await allIds(dockerB)).toEqual(beforeB);
  });

  it('a CRIU restore failing on the target brings the source back from its checkpoint', async () => {
    const c = await onA.run({
      name: uniqueName('mig-fail'),
      image: tb.busyboxImage,
      cmd: ['sh', '-c', COUNTER_SCRIPT],
    });
    await eventually(async () => (await counterValues(dockerA, c.id)).length >= 3, 15_000, 'counting');
    const beforeB = await allIds(dockerB);
    breakNext = true;
    const err = await services.migrations
      .run({ engineId: 'a', container: c.id, to: 'b', keepSource: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).message).toMatch(/is running again on A; nothing was left on B/);
    const src = await dockerA.getContainer(c.id).inspect();
    expect(src.State.Running).toBe(true);
    const before = (await counterValues(dockerA, c.id)).length;
    await eventually(
      async () => (await counterValues(dockerA, c.id)).length > before + 1,
      15_000,
      'counting again on A',
    );
    expect((await counterValues(dockerA, c.id)).lastIndexOf(0)).toBe(0);
    expect(await allIds(dockerB)).toEqual(beforeB);
  });
});
