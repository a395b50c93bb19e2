// The benchmark's CRIU-alone layer (bench/criu-alone.ts) on the real thing: its figures come from
// real dumps and restores that worked, and it leaves no process, folder or container behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDIS_KEYS, criuAlone, redisFill } from '../bench/criu-alone';
import { dockerFor, testbed } from './support';

const ours = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('cs-criu-alone-'));

/** Processes chrooted into one of the layer's root file systems. */
function chrooted(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return fs.readlinkSync(`/proc/${p}/root`).startsWith(path.join(os.tmpdir(), 'cs-criu-alone-'));
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function leftovers(): Promise<unknown> {
  const docker = dockerFor(testbed().dockerHost);
  return {
    dirs: ours(),
    processes: chrooted(),
    // The layer creates a container per workload (never started) to export its image, then removes it.
    containers: (await docker.listContainers({ all: true, filters: { name: ['cs-criu-alone-'] } })).length,
  };
}

describe('criuAlone', () => {
  it('redisFill writes SETs of distinct random values of the asked length', () => {
    const text = Buffer.concat([...redisFill(3, 100)]).toString();
    const values = [...text.matchAll(/\$100\r\n(.{100})\r\n/g)].map((m) => m[1]);
    expect(text.match(/\*3\r\n\$3\r\nSET\r\n/g)).toHaveLength(3);
    expect(new Set(values).size).toBe(3);
  });

  it('busybox-counter: every run a real checkpoint and a restore that counts on', async () => {
    const before = await leftovers();
    const r = await criuAlone('busybox-counter', 2);
    expect(r.checkpointMs).toHaveLength(2);
    expect(r.restoreMs).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      // CRIU's own view: the process was frozen for part of the command's time, never more.
      expect(r.frozenMs[i]).toBeGreaterThan(0);
      expect(r.frozenMs[i]).toBeLessThan(r.checkpointMs[i]!);
      expect(r.restoreTimeMs[i]).toBeGreaterThan(0);
      expect(r.restoreTimeMs[i]).toBeLessThan(r.restoreMs[i]!);
      expect(r.pagesWritten[i]).toBeGreaterThan(0);
    }
    expect(await leftovers()).toEqual(before);
  });

  it('redis-97mb: about 97 MB of pages dumped, all keys there after the restore', async () => {
    const before = await leftovers();
    const r = await criuAlone('redis-97mb', 1);
    expect(r.workloadInfo.keys).toBe(REDIS_KEYS);
    expect(r.workloadInfo.usedMemoryBytes).toBeGreaterThan(85e6);
    expect(r.pagesWritten[0]! * 4096).toBeGreaterThan(90e6);
    expect(r.imageBytes[0]).toBeGreaterThan(90e6);
    expect(r.memwriteMs[0]).toBeGreaterThan(0);
    expect(await leftovers()).toEqual(before);
  });
});
