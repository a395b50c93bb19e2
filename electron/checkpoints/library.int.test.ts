// The library on real engines (Docker 20.10, Podman 4.3): a checkpoint outlives its container as the
// engine decides — Docker's go with the container (only the record stays), Podman's archive is the
// app's and stays, opens in the inspector and is deleted with its record; a second checkpoint on a
// live container is deleted through the engine.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COUNTER_SCRIPT, matrixEngines, testbed, testbedFixture } from '../../testbed/support';
import { callOk, withServices } from '../../testbed/services-support';

const ENGINES = matrixEngines().filter((m) => ['a', 'podman'].includes(m.id));

describe.each(ENGINES)('the library on $id ($label)', (m) => {
  it('lists checkpoints of removed containers as the engine keeps them, inspects and deletes them', async () => {
    const { docker, containers } = testbedFixture(m.host);
    await withServices(
      m.host,
      async (s, dataDir) => {
        try {
          const run = () =>
            containers.run({ image: testbed().busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
          const gone = await run();
          const kept = await run();
          for (const [c, name] of [
            [gone, 'before-rm'],
            [kept, 'one'],
            [kept, 'two'],
          ] as const)
            await s.checkpoints.create({ engineId: 'e', container: c.id, name, leaveRunning: true });
          await s.checkpoints.idle();
          await docker.getContainer(gone.id).remove({ force: true });
          // The connection's live list hears of the removal.
          const deadline = Date.now() + 10_000;
          while (
            s.registry
              .get('e')
              .list()
              .some((c) => c.id === gone.id) &&
            Date.now() < deadline
          )
            await new Promise((r) => setTimeout(r, 100));

          const lib = await callOk(s, 'library.list', {});
          const of = (name: string) => lib.find((e) => e.name === name)!;
          expect(lib.map((e) => e.name).sort()).toEqual(['before-rm', 'one', 'two']);
          expect(of('one').kept).toBe('engine');
          expect(of('one').sizeBytes).toBeGreaterThan(0);
          const isPodman = s.registry.get('e').identity?.kind === 'podman';
          expect(of('before-rm').kept).toBe(isPodman ? 'archive' : 'gone');
          expect(of('before-rm').containerName).toBe(gone.name);

          const keptSource = { kind: 'kept', engineId: 'e', containerId: gone.id, checkpoint: 'before-rm' };
          if (isPodman) {
            // The kept archive opens in the inspector: the counter's shell is in it.
            const summary = await callOk(s, 'inspections.open', { source: keptSource });
            expect(JSON.stringify(summary)).toContain('"sh"');
          } else {
            const refused = await s.dispatcher.dispatch('inspections.open', { source: keptSource });
            expect(refused).toMatchObject({ ok: false, error: { code: 'not-found' } });
          }

          // Deleted together: the live one through the engine, the other from the app's folder and catalog.
          const out = await callOk(s, 'library.delete', {
            items: [
              { engineId: 'e', containerId: gone.id, name: 'before-rm' },
              { engineId: 'e', containerId: kept.id, name: 'one' },
            ],
          });
          expect(out.map((o) => o.ok)).toEqual([true, true]);
          expect((await callOk(s, 'library.list', {})).map((e) => e.name)).toEqual(['two']);
          expect((await s.checkpoints.list('e', kept.id)).map((c) => c.name)).toEqual(['two']);
          expect(fs.existsSync(path.join(dataDir, 'podman-checkpoints', 'e', gone.id))).toBe(false);
          // A second delete of the same is reported, not thrown.
          const again = await callOk(s, 'library.delete', {
            items: [{ engineId: 'e', containerId: gone.id, name: 'before-rm' }],
          });
          expect(again[0]).toMatchObject({ ok: false });
          expect(again[0]!.error).toMatch(/no checkpoint before-rm/);
        } finally {
          await containers.cleanup();
        }
      },
      m.id,
    );
  });
});
