// The leak, on the real engine: Docker 20.10's containerd (1.6) leaves one /tmp/ctrd-checkpoint*
// folder per restore, and the doctor finds it. (Removal is tested on a folder of our own, beside
// the unit: removing from /tmp here could take one a parallel test's restore is still using.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { Containers, COUNTER_SCRIPT, dockerFor, testbed } from '../../testbed/support';
import { findLeakedRestores, QUIET_MS } from './leaked-restores';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('restore leftovers on Docker 20.10 (containerd 1.6)', () => {
  it('a restore leaves a ctrd-checkpoint folder in /tmp, and the doctor counts it', async () => {
    const tb = testbed();
    const docker = dockerFor(tb.dockerHost);
    const containers = new Containers(docker);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-leak-'));
    dirs.push(dataDir);
    const s = new Services({
      engines: [{ id: 'e', name: 'a', host: tb.dockerHost }],
      dataDir,
      host: 'headless',
    });
    // As if the quiet time had passed: every folder there counts, whoever made it.
    const later = () => findLeakedRestores('/tmp', Date.now() + QUIET_MS + 60_000);
    try {
      expect(await s.registry.get('e').whenOnline(15_000)).toBe(true);
      const c = await containers.run({ image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
      await s.checkpoints.create({ engineId: 'e', container: c.id, name: 'leak', leaveRunning: false });
      const before = new Set(later().folders.map((f) => f.path));
      await s.checkpoints.restore({
        engineId: 'e',
        container: c.id,
        checkpoint: 'leak',
        replaceRunning: false,
      });
      const made = later().folders.filter((f) => !before.has(f.path));
      expect(made.length).toBeGreaterThanOrEqual(1);
      // What it holds is the checkpoint's images, and it is counted in bytes.
      expect(fs.readdirSync(made[0]!.path).some((n) => n.endsWith('.img'))).toBe(true);
      expect(made[0]!.bytes).toBeGreaterThan(0);

      const report = (await s.dispatcher.dispatch('doctor.run', { engineId: 'e' })) as {
        ok: true;
        value: { items: { id: string; detail: string }[] };
      };
      expect(report.value.items.find((i) => i.id === 'engine.leaked-restores')?.detail).toMatch(/\/tmp/);
    } finally {
      s.dispose();
      await containers.cleanup();
    }
  });
});
