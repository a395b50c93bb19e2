// The library on real engines (Docker 20.10, Podman 4.3): a checkpoint outlives its container as the
// engine decides — Docker's go with the container (only the record stays), Podman's archive is the
// app's and stays, opens in the inspector and is deleted with its record; a second checkpoint on a
// live container is deleted through the engine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { unwrap } from '../ipc/dispatcher';
import { Containers, COUNTER_SCRIPT, dockerFor, matrixEngines, testbed } from '../../testbed/support';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const ENGINES = matrixEngines().filter((m) => ['a', 'podman'].includes(m.id));

describe.each(ENGINES)('the library on $id ($label)', (m) => {
  it('lists checkpoints of removed containers as the engine keeps them, inspects and deletes them', async () => {
    const docker = dockerFor(m.host);
    const containers = new Containers(docker);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-library-'));
    dirs.push(dataDir);
    const s = new Services({ engines: [{ id: 'e', name: m.id, host: m.host }], dataDir, host: 'headless' });
    const call = async <K extends 'library.list' | 'library.delete' | 'inspect.open'>(
      name: K,
      args: unknown,
    ) => unwrap<K>(await s.dispatcher.dispatch(name, args));
    try {
      expect(await s.registry.get('e').whenOnline(15_000)).toBe(true);
      const gone = await containers.run({ image: testbed().busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
      const kept = await containers.run({ image: testbed().busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
      await s.checkpoints.create({
        engineId: 'e',
        container: gone.id,
        name: 'before-rm',
        leaveRunning: true,
      });
      await s.checkpoints.create({ engineId: 'e', container: kept.id, name: 'one', leaveRunning: true });
      await s.checkpoints.create({ engineId: 'e', container: kept.id, name: 'two', leaveRunning: true });
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

      const lib = await call('library.list', {});
      const of = (name: string) => lib.find((e) => e.name === name)!;
      expect(lib.map((e) => e.name).sort()).toEqual(['before-rm', 'one', 'two']);
      expect(of('one').kept).toBe('engine');
      expect(of('one').sizeBytes).toBeGreaterThan(0);
      const isPodman = s.registry.get('e').identity?.kind === 'podman';
      expect(of('before-rm').kept).toBe(isPodman ? 'archive' : 'gone');
      expect(of('before-rm').containerName).toBe(gone.name);

      if (isPodman) {
        // The kept archive opens in the inspector: the counter's shell is in it.
        const summary = await call('inspect.open', {
          source: { kind: 'kept', engineId: 'e', containerId: gone.id, checkpoint: 'before-rm' },
        });
        expect(JSON.stringify(summary)).toContain('"sh"');
      } else {
        const refused = await s.dispatcher.dispatch('inspect.open', {
          source: { kind: 'kept', engineId: 'e', containerId: gone.id, checkpoint: 'before-rm' },
        });
        expect(refused).toMatchObject({ ok: false, error: { code: 'not-found' } });
      }

      // Deleted together: the live one through the engine, the other from the app's folder and catalog.
      const out = await call('library.delete', {
        items: [
          { engineId: 'e', containerId: gone.id, name: 'before-rm' },
          { engineId: 'e', containerId: kept.id, name: 'one' },
        ],
      });
      expect(out.map((o) => o.ok)).toEqual([true, true]);
      expect((await call('library.list', {})).map((e) => e.name)).toEqual(['two']);
      expect(await s.checkpoints.list('e', kept.id).then((l) => l.map((c) => c.name))).toEqual(['two']);
      expect(fs.existsSync(path.join(dataDir, 'podman-checkpoints', 'e', gone.id))).toBe(false);
      // A second delete of the same is reported, not thrown.
      const again = await call('library.delete', {
        items: [{ engineId: 'e', containerId: gone.id, name: 'before-rm' }],
      });
      expect(again[0]).toMatchObject({ ok: false });
      expect(again[0]!.error).toMatch(/no checkpoint before-rm/);
    } finally {
      s.dispose();
      await containers.cleanup();
    }
  });
});
