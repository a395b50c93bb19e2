// The leftovers of another host, through its engine alone: a helper counts and removes them by the
// same rules as on this computer. Run against the test bed's second Docker 20.10 with a folder of
// the test's own standing in for that host's /tmp, so no other test's restore is touched.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerEngine } from '../engines/docker/docker-engine';
import { testbed, testbedEngine } from '../../testbed/support';
import { useTestbed } from '../../testbed/services-support';
import { QUIET_MS } from './leaked-restores';
import { remoteLeftovers } from './leaked-restores-remote';

const host = testbedEngine('b');
const engine = new DockerEngine({ id: 'b', name: 'b', host });
const { containers } = useTestbed(host);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-leftovers-'));
const old = (Date.now() - QUIET_MS - 5 * 60_000) / 1000;

function folder(name: string, bytes: number, aged: boolean): string {
  const p = path.join(dir, name);
  fs.mkdirSync(p);
  fs.writeFileSync(path.join(p, 'pages-1.img'), Buffer.alloc(bytes, 1));
  if (aged) fs.utimesSync(p, old, old);
  return p;
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('restore leftovers on an engine host, through a helper', () => {
  it('counts the quiet unused ones, leaves the recent and the used, and removes only those', async () => {
    // The helper runs from an image the engine already runs.
    await containers.run({ image: testbed().busyboxImage, cmd: ['sleep', '600'] });
    const gone1 = folder('ctrd-checkpoint101', 300_000, true);
    const gone2 = folder('ctrd-checkpoint102', 100_000, true);
    const recent = folder('ctrd-checkpoint103', 1000, false);
    const used = folder('ctrd-checkpoint104', 1000, true);
    folder('ctrd-checkpointx', 1000, true); // not containerd's name
    const user = spawn('sleep', ['600'], { cwd: used, stdio: 'ignore' });
    fs.utimesSync(used, old, old);
    try {
      const counted = await remoteLeftovers(engine, 'count', QUIET_MS, dir);
      expect(counted).toMatchObject({ count: 2, busy: 2, removed: 0 });
      expect(counted!.bytes).toBeGreaterThanOrEqual(400_000);
      const removed = await remoteLeftovers(engine, 'remove', QUIET_MS, dir);
      expect(removed).toMatchObject({ count: 2, busy: 2, removed: 2 });
      expect([gone1, gone2].map((p) => fs.existsSync(p))).toEqual([false, false]);
      expect([recent, used].map((p) => fs.existsSync(p))).toEqual([true, true]);
    } finally {
      user.kill();
    }
  });

  it('refuses a folder name that could reach elsewhere', async () => {
    await expect(remoteLeftovers(engine, 'count', QUIET_MS, '/tmp/../etc')).rejects.toThrow(/refusing/);
  });
});
