// The leak, on the real engine: Docker 20.10's containerd (1.6) leaves one /tmp/ctrd-checkpoint*
// folder per restore, and the doctor finds it. (Removal is tested on folders of the tests' own —
// the unit and the e2e: removing from /tmp here could take one a parallel test's restore still uses.)
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COUNTER_SCRIPT, testbedFixture } from '../../testbed/support';
import { callOk, withServices } from '../../testbed/services-support';
import { findLeakedRestores, QUIET_MS } from './leaked-restores';

describe('restore leftovers on Docker 20.10 (containerd 1.6)', () => {
  it('a restore leaves a ctrd-checkpoint folder in /tmp, and the doctor counts it', async () => {
    const { tb, containers } = testbedFixture();
    // As if the quiet time had passed: every folder there counts, whoever made it.
    const later = () => findLeakedRestores('/tmp', Date.now() + QUIET_MS + 60_000);
    await withServices(tb.dockerHost, async (s) => {
      try {
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
        const report = await callOk(s, 'doctor.run', { engineId: 'e' });
        expect(report.items.find((i) => i.id === 'engine.leaked-restores')?.detail).toMatch(/\/tmp/);
      } finally {
        await containers.cleanup();
      }
    });
  });
});
