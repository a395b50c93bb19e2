// Container actions on real engines (Docker 20.10 and Podman 4.3): three containers stopped,
// started, paused, unpaused, killed, restarted and removed together, each reported on its own; a
// name that is not there fails alone; a container another operation holds, and the app's helpers,
// are refused.
import { describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { unwrap } from '../ipc/dispatcher';
import { HELPER_LABEL } from '../engines/docker/labels';
import { matrixEngines, testbed, testbedFixture, uniqueName } from '../../testbed/support';
import { useTempDirs } from '../../testbed/services-support';

const tmpDir = useTempDirs('cs-actions-');

// PID 1 ignores SIGTERM unless it says otherwise: this one ends on it, so stop does not wait 10 s.
const TERM_AWARE = 'trap "exit 0" TERM; sleep 600 & wait';

const ENGINES = matrixEngines().filter((m) => ['a', 'podman'].includes(m.id));

describe.each(ENGINES)('container actions on $id ($label)', (m) => {
  it('acts on many at once, each reported; refuses what it must not touch', async () => {
    const { docker, containers } = testbedFixture(m.host);
    const dataDir = tmpDir();
    const s = new Services({ engines: [{ id: 'e', name: m.id, host: m.host }], dataDir, host: 'headless' });
    try {
      expect(await s.registry.get('e').whenOnline(15_000)).toBe(true);
      const made = await Promise.all(
        [1, 2, 3].map(() => containers.run({ image: testbed().busyboxImage, cmd: ['sh', '-c', TERM_AWARE] })),
      );
      const names = made.map((c) => c.name);
      const state = async () =>
        Promise.all(made.map(async (c) => (await docker.getContainer(c.id).inspect()).State.Status));
      const act = async (
        action: 'start' | 'stop' | 'restart' | 'kill' | 'pause' | 'unpause' | 'remove',
        refs = names,
      ) =>
        unwrap<'containers.act'>(
          await s.dispatcher.dispatch('containers.act', { engineId: 'e', containers: refs, action }),
        );

      expect((await act('stop')).every((r) => r.ok)).toBe(true);
      expect(await state()).toEqual(['exited', 'exited', 'exited']);
      // Stopping what is stopped is not a failure.
      expect((await act('stop')).every((r) => r.ok)).toBe(true);
      expect((await act('start')).every((r) => r.ok)).toBe(true);
      expect(await state()).toEqual(['running', 'running', 'running']);
      expect((await act('pause')).every((r) => r.ok)).toBe(true);
      expect(await state()).toEqual(['paused', 'paused', 'paused']);
      expect((await act('unpause')).every((r) => r.ok)).toBe(true);
      expect((await act('kill', [names[0]!])).every((r) => r.ok)).toBe(true);
      expect((await state())[0]).toBe('exited');
      expect((await act('restart')).every((r) => r.ok)).toBe(true);
      expect(await state()).toEqual(['running', 'running', 'running']);

      // One that is not there fails alone; the others go on.
      const missing = uniqueName('not-there');
      const mixed = await act('stop', [names[0]!, missing]);
      expect(mixed.map((r) => [r.container, r.ok])).toEqual([
        [names[0], true],
        [missing, false],
      ]);
      expect(mixed[1]!.error).toMatch(/No container/);

      // Held by another operation (a checkpoint, say): refused, not pulled out from under it.
      let release!: () => void;
      const held = s.checkpoints.locks.run(
        'e',
        made[1]!.id,
        'checkpoint',
        () => new Promise<void>((r) => (release = r)),
      );
      const busy = await act('remove', [names[1]!]);
      release();
      await held;
      expect(busy[0]).toMatchObject({ ok: false });
      expect(busy[0]!.error).toMatch(/Another operation \(checkpoint\)/);

      // The app's own helpers are not the user's to act on.
      const helper = await docker.createContainer({
        name: uniqueName('helper'),
        Image: testbed().busyboxImage,
        Cmd: ['true'],
        Labels: { [HELPER_LABEL]: '1' },
      });
      containers.adopt(helper.id);
      expect((await act('remove', [helper.id]))[0]!.error).toMatch(/own helpers/);

      // Removed, running ones included.
      expect((await act('remove')).every((r) => r.ok)).toBe(true);
      for (const c of made)
        expect(
          await docker
            .getContainer(c.id)
            .inspect()
            .catch(() => null),
        ).toBeNull();
    } finally {
      s.dispose();
      await containers.cleanup();
    }
  });
});
