// Work on hostile input stays bounded: a zstd bomb expands through back-pressure (the app's memory
// stays flat) and is refused past a cap; a catastrophic regular expression over a checkpoint full
// of "aaaa…" is answered in full, not after the stall a backtracking engine would cause; patterns
// that match empty text are refused at once.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { eventually } from '../../testbed/support';
import { useTestbed } from '../../testbed/services-support';
import { inspectCheckpoint, InspectError } from './inspect';
import { decompressed, pathSource, SourceError } from './sources';

const { tb, docker, containers } = useTestbed();
let dir: string;
let bomb: string;
let services: Services;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-bounded-'));
  // 2 GiB of zeros as a "pages" file, compressed by the zstd CLI to a few hundred kilobytes.
  const content = path.join(dir, 'content');
  fs.mkdirSync(content);
  execFileSync('truncate', ['-s', '2G', path.join(content, 'pages-1.img')]);
  bomb = path.join(dir, 'bomb.tar.zst');
  execFileSync('sh', ['-c', `tar -C "${content}" -cf - pages-1.img | zstd -q -3 -o "${bomb}"`]);
  fs.rmSync(content, { recursive: true });
  services = new Services({
    engines: [{ id: 'tb', name: 'Test bed', host: tb.dockerHost }],
    dataDir: path.join(dir, 'home'),
    host: 'headless',
  });
});

afterAll(async () => {
  services.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('bounded work', () => {
  it('a zstd bomb is read with flat memory, and refused past the expansion cap', async () => {
    expect(fs.statSync(bomb).size).toBeLessThan(2 * 1024 * 1024);
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      // The whole 2 GiB goes through the decoder and the tar reader (it is counted as pages).
      const result = await inspectCheckpoint(pathSource(bomb)).then(
        (i) => i,
        (e: unknown) => e,
      );
      if (!(result instanceof InspectError) && !(result instanceof SourceError)) {
        expect((result as { imageFiles: { name: string; size: number }[] }).imageFiles).toContainEqual(
          expect.objectContaining({ name: 'pages-1.img', size: 2 * 1024 ** 3 }),
        );
      }
    } finally {
      clearInterval(sampler);
    }
    // Before back-pressure this grew by the whole expansion (2.2 GB seen).
    expect(peak - base).toBeLessThan(512 * 1024 ** 2);

    const capped = await decompressed(fs.createReadStream(bomb), 1024 ** 3);
    const error = await (async () => {
      for await (const _chunk of capped) void _chunk;
    })().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(/expands beyond 1 GiB/);
  });

  it('a catastrophic regular expression is answered in full; one matching empty text is refused', async () => {
    await services.registry.get('tb').whenOnline(10_000);
    // A shell holding 2 MB of "a" in its memory: what a(a+)+b backtracks on forever.
    const c = await containers.run({
      image: tb.busyboxImage,
      cmd: ['sh', '-c', 'x=$(head -c 2000000 /dev/zero | tr "\\0" a); echo ready; while :; do sleep 1; done'],
    });
    await eventually(
      async () => (await docker.getContainer(c.id).logs({ stdout: true })).toString().includes('ready'),
      15_000,
      'the shell to fill its memory',
    );
    await services.checkpoints.create({ engineId: 'tb', container: c.id, name: 'aaaa', leaveRunning: true });
    const source = { kind: 'engine' as const, engineId: 'tb', container: c.name, checkpoint: 'aaaa' };
    const plain = await services.dispatcher.dispatch('inspections.searchMemory', {
      source,
      pattern: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      maxHits: 1,
    });
    expect(plain).toMatchObject({ ok: true, value: { truncated: true } });
    const evil = await services.dispatcher.dispatch('inspections.searchMemory', {
      source,
      pattern: 'a(a+)+b',
      regex: true,
    });
    expect(evil).toMatchObject({ ok: true, value: { hits: [], truncated: false } });
    expect((evil as { value: { scannedBytes: number } }).value.scannedBytes).toBeGreaterThan(2_000_000);
    for (const pattern of ['x*', '(a|)', '^']) {
      const refused = await services.dispatcher.dispatch('inspections.searchMemory', {
        source,
        pattern,
        regex: true,
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
    const backref = await services.dispatcher.dispatch('inspections.searchMemory', {
      source,
      pattern: '(a)\\1',
      regex: true,
    });
    expect(backref).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', message: expect.stringMatching(/RE2/) },
    });
  });
});
