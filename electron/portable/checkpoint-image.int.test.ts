// Checkpoint images on real engines: a counter's checkpoint becomes an image, is pushed to the test
// bed's registry on loopback, removed from the engine with its container, pulled back, and restored
// as two containers that count on from where it stopped, its file there. Podman's own
// `--create-image` images are listed and restored the same way.
import { describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { unwrap } from '../ipc/dispatcher';
import { StudioError } from '../ipc/errors';
import {
  counterValues,
  eventually,
  execIn,
  matrixEngines,
  testbed,
  testbedFixture,
  testbedRegistry,
  uniqueName,
} from '../../testbed/support';
import { useTempDirs } from '../../testbed/services-support';

const tmpDir = useTempDirs('cs-image-');

const SCRIPT = 'echo hello > /data/made; i=0; while true; do echo $i; i=$((i+1)); sleep 0.3; done';

const registry = testbedRegistry;

// Docker 28.5 + containerd 2.1 restores nothing (measured): not here.
const ENGINES = matrixEngines().filter((m) => ['a', 'd26', 'podman', 'p58'].includes(m.id));

describe.each(ENGINES)('checkpoint images on $id ($label)', (m) => {
  it('image of a checkpoint → registry → removed → pulled → two containers count on from it', async () => {
    const { docker, containers } = testbedFixture(m.host);
    const s = new Services({
      engines: [{ id: 'e', name: m.id, host: m.host }],
      dataDir: tmpDir(),
      host: 'headless',
    });
    const repo = uniqueName('cs-image').toLowerCase();
    const local = `checkpoint-studio-test/${repo}:cp1`;
    const remote = `${registry()}/cs-test/${repo}:cp1`;
    try {
      expect(await s.registry.get('e').whenOnline(15_000)).toBe(true);
      const c = await containers.run({ image: testbed().busyboxImage, cmd: ['sh', '-c', SCRIPT] });
      await eventually(async () => (await counterValues(docker, c.id)).length >= 5, 15_000, 'counting');
      unwrap<'checkpoints.create'>(
        await s.dispatcher.dispatch('checkpoints.create', { engineId: 'e', container: c.name, name: 'cp1' }),
      );
      const last = (await counterValues(docker, c.id)).at(-1)!;

      const made = unwrap<'images.create'>(
        await s.dispatcher.dispatch('images.create', {
          engineId: 'e',
          container: c.name,
          checkpoint: 'cp1',
          image: local,
        }),
      );
      expect(made.image).toBe(local);
      // A second one of the same name is refused, not overwritten.
      const again = await s.images
        .create({ engineId: 'e', container: c.name, checkpoint: 'cp1', image: local })
        .catch((e: unknown) => e);
      expect((again as StudioError).code).toBe('conflict');

      const listed = unwrap<'images.list'>(await s.dispatcher.dispatch('images.list', { engineId: 'e' }));
      const mine = listed.find((i) => i.id === made.id);
      expect(mine).toMatchObject({ container: c.name, checkpoint: 'cp1', madeBy: m.kind });
      expect(mine!.refs).toContain(
        local.replace(
          /^checkpoint-studio-test/,
          m.kind === 'podman' ? 'localhost/checkpoint-studio-test' : 'checkpoint-studio-test',
        ),
      );

      unwrap<'images.push'>(
        await s.dispatcher.dispatch('images.push', { engineId: 'e', image: local, to: remote }),
      );
      // Everything local goes: the container, its checkpoint, both names of the image.
      await docker.getContainer(c.id).remove({ force: true });
      for (const ref of [remote, local])
        await docker
          .getImage(ref)
          .remove()
          .catch(() => undefined);
      expect(
        unwrap<'images.list'>(await s.dispatcher.dispatch('images.list', { engineId: 'e' })).some(
          (i) => i.id === made.id,
        ),
      ).toBe(false);

      const pulled = unwrap<'images.pull'>(
        await s.dispatcher.dispatch('images.pull', { engineId: 'e', image: remote }),
      );
      expect(pulled).toMatchObject({ container: c.name, madeBy: m.kind });
      // The inspector reads the image as it reads an archive.
      const seen = unwrap<'inspections.open'>(
        await s.dispatcher.dispatch('inspections.open', {
          source: { kind: 'image', engineId: 'e', image: remote },
        }),
      );
      expect(seen.processes.map((p) => p.comm)).toContain('sh');

      const base = uniqueName('from-image');
      const r = unwrap<'images.restore'>(
        await s.dispatcher.dispatch('images.restore', { engineId: 'e', image: remote, name: base, count: 2 }),
      );
      for (const i of r.instances) if (i.id) containers.adopt(i.id);
      expect(r.instances.map((i) => [i.name, i.error ?? null])).toEqual([
        [`${base}-1`, null],
        [`${base}-2`, null],
      ]);
      for (const i of r.instances) {
        await eventually(
          async () => (await counterValues(docker, i.id!)).some((x) => x > last + 1),
          20_000,
          `${i.name} counting on`,
        );
        const values = await counterValues(docker, i.id!);
        expect(values.filter((x) => x === 0).length).toBeLessThanOrEqual(1);
        expect(await execIn(docker, i.id!, ['cat', '/data/made'])).toBe('hello');
      }
      unwrap<'images.remove'>(await s.dispatcher.dispatch('images.remove', { engineId: 'e', image: remote }));
    } finally {
      await s.checkpoints.idle().catch(() => undefined);
      s.dispose();
      await containers.cleanup();
      for (const ref of [remote, local])
        await docker
          .getImage(ref)
          .remove({ force: true })
          .catch(() => undefined);
    }
  });
});

describe('Podman’s own checkpoint images', () => {
  it('an image from `checkpoint --create-image` is listed and restored as two', async () => {
    const m = ENGINES.find((e) => e.id === 'p58')!;
    const { docker, containers } = testbedFixture(m.host);
    const s = new Services({
      engines: [{ id: 'e', name: m.id, host: m.host }],
      dataDir: tmpDir(),
      host: 'headless',
    });
    const ref = `localhost/checkpoint-studio-test/${uniqueName('native').toLowerCase()}:1`;
    try {
      expect(await s.registry.get('e').whenOnline(15_000)).toBe(true);
      const c = await containers.run({ image: testbed().busyboxImage, cmd: ['sh', '-c', SCRIPT] });
      await eventually(async () => (await counterValues(docker, c.id)).length >= 3, 15_000, 'counting');
      const conn = s.registry.get('e');
      await conn.engine.http.json({
        method: 'POST',
        path: `/v4.0.0/libpod/containers/${c.id}/checkpoint`,
        query: { createImage: ref, leaveRunning: true },
        ok: [200],
        timeoutMs: 120_000,
      });
      const listed = unwrap<'images.list'>(await s.dispatcher.dispatch('images.list', { engineId: 'e' }));
      expect(listed.find((i) => i.refs.includes(ref))).toMatchObject({
        container: c.name,
        madeBy: 'podman',
        checkpoint: null,
      });
      const base = uniqueName('native-clone');
      const r = await s.images.restore({ engineId: 'e', image: ref, name: base, count: 2 });
      for (const i of r.instances) if (i.id) containers.adopt(i.id);
      expect(r.instances.every((i) => i.id && !i.error)).toBe(true);
      for (const i of r.instances) expect(await execIn(docker, i.id!, ['cat', '/data/made'])).toBe('hello');
    } finally {
      await s.checkpoints.idle().catch(() => undefined);
      s.dispose();
      await containers.cleanup();
      await docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });
});
