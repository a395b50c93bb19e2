import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findLeakedRestores, QUIET_MS, removeLeakedRestores } from './leaked-restores';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-leaks-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function folder(name: string, ageMs: number, bytes = 1000): string {
  const p = path.join(dir, name);
  fs.mkdirSync(p);
  fs.writeFileSync(path.join(p, 'pages-1.img'), Buffer.alloc(bytes));
  const t = (Date.now() - ageMs) / 1000;
  fs.utimesSync(p, t, t);
  return p;
}

describe("containerd's leaked restore folders", () => {
  it('finds the old ones, leaves recent and used ones alone, and removes only what it found', async () => {
    const old1 = folder('ctrd-checkpoint111', 2 * QUIET_MS, 4096);
    const old2 = folder('ctrd-checkpoint222', 3 * QUIET_MS, 100);
    folder('ctrd-checkpoint333', 1000); // a restore may be writing it
    const held = folder('ctrd-checkpoint444', 2 * QUIET_MS);
    folder('not-a-checkpoint', 2 * QUIET_MS);
    // A process working inside one: in use.
    const child = spawn('sleep', ['30'], { cwd: held, stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    try {
      const found = findLeakedRestores(dir);
      expect(found.folders.map((f) => f.path)).toEqual([old2, old1]);
      expect(found.bytes).toBe(4196);
      expect(found.busy).toBe(2);
      const out = removeLeakedRestores(dir);
      expect(out).toEqual({ removed: 2, bytes: 4196, busy: 2, failed: [] });
      expect(fs.readdirSync(dir).sort()).toEqual([
        'ctrd-checkpoint333',
        'ctrd-checkpoint444',
        'not-a-checkpoint',
      ]);
    } finally {
      child.kill();
    }
  });
});
