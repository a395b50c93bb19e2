// The decoder against damaged and hostile images: a real checkpoint's metadata images, mutated
// thousands of times (seeded, so a failure can be replayed). Every run must end with an
// inspection (whose problems name the file and the offset) or a clear InspectError — never
// another exception, a hang, or unbounded allocation.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, execIn } from '../../testbed/support';
import { useServices, useTestbed } from '../../testbed/services-support';
import { inspectCheckpoint, InspectError } from './inspect';
import type { CheckpointSource, SourceEntry } from './sources';

const { tb, docker, containers } = useTestbed();
const { services } = useServices(
  { engines: [{ id: 'tb', name: 'tb', host: tb.dockerHost }] },
  { prefix: 'cs-fuzz-' },
);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 3000);
let original: Map<string, Buffer>;

beforeAll(async () => {
  const r = await containers.run({ image: tb.redisImage, network: tb.network, ports: [6379] });
  await eventually(
    async () => (await execIn(docker, r.id, ['redis-cli', 'ping'])) === 'PONG',
    15_000,
    'redis',
  );
  await services.checkpoints.create({ engineId: 'tb', container: r.id, name: 'fuzz', leaveRunning: true });
  const dir = path.join(
    services.registry.get('tb').identity!.dataRoot,
    'containers',
    r.id,
    'checkpoints',
    'fuzz',
  );
  original = new Map(
    fs
      .readdirSync(dir)
      .filter((f) => !f.startsWith('pages-'))
      .map((f) => [f, fs.readFileSync(path.join(dir, f))]),
  );
});

/** mulberry32: a small seeded generator, so every run mutates the same way. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function memorySource(files: Map<string, Buffer>): CheckpointSource {
  return {
    label: 'fuzzed',
    format: 'folder',
    async *open() {
      for (const [name, buf] of files) {
        const e: SourceEntry = {
          name,
          role: 'image',
          size: buf.length,
          mtimeMs: 0,
          read: async () => buf,
          chunks: async function* () {
            yield buf;
          },
        };
        yield e;
      }
    },
  };
}

/** Deeply nested protobuf groups: start-group tags, never closed. */
function nestedGroups(depth: number): Buffer {
  return Buffer.alloc(depth, 0x0b); // field 1, wire type 3 (start group)
}

function entry(body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length);
  return Buffer.concat([len, body]);
}

function mutate(buf: Buffer, r: () => number): Buffer {
  const b = Buffer.from(buf);
  const pick = Math.floor(r() * 7);
  const at = Math.floor(r() * Math.max(1, b.length));
  switch (pick) {
    case 0: // flip bits
      for (let i = 0, n = 1 + Math.floor(r() * 8); i < n && b.length; i++) {
        const at = Math.floor(r() * b.length);
        b[at] = b[at]! ^ (1 << Math.floor(r() * 8));
      }
      return b;
    case 1: // truncate
      return b.subarray(0, at);
    case 2: // an absurd entry length right after the magic
      if (b.length >= 12)
        b.writeUInt32LE(
          [0xffffffff, 0x7fffffff, b.length * 8, 0x01000001][Math.floor(r() * 4)]!,
          b.readUInt32LE(0) === 0x58313116 ? 4 : 8,
        );
      return b;
    case 3: // random bytes in the middle
      return Buffer.concat([
        b.subarray(0, at),
        Buffer.from(Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256))),
        b.subarray(at),
      ]);
    case 4: // garbage entry appended
      return Buffer.concat([
        b,
        entry(Buffer.from(Array.from({ length: Math.floor(r() * 200) }, () => Math.floor(r() * 256)))),
      ]);
    case 5: // deep nesting
      return Buffer.concat([
        b.subarray(0, b.readUInt32LE(0) === 0x58313116 ? 4 : 8),
        entry(nestedGroups(50_000 + Math.floor(r() * 100_000))),
      ]);
    default: // wrong magic
      b.writeUInt32LE(Math.floor(r() * 0xffffffff), 0);
      return b;
  }
}

describe('the decoder under fuzzing', () => {
  it(`survives ${ITERATIONS} mutations of real images`, async () => {
    const r = rng(20261129);
    const names = [...original.keys()].filter((n) => n.endsWith('.img') && !n.startsWith('tmpfs'));
    let inspected = 0;
    let refused = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const files = new Map(original);
      for (let k = 0, n = 1 + Math.floor(r() * 3); k < n; k++) {
        const name = names[Math.floor(r() * names.length)]!;
        files.set(name, mutate(files.get(name)!, r));
      }
      try {
        const res = await inspectCheckpoint(memorySource(files));
        inspected++;
        for (const p of res.problems) expect(p).toMatch(/\.img|stats-dump|pstree/);
        for (const p of res.problems.filter((x) => /entry|magic|offset/.test(x)))
          expect(p).toMatch(/at offset \d+/);
      } catch (e) {
        if (!(e instanceof InspectError)) throw new Error(`iteration ${i}: ${(e as Error).stack}`);
        refused++;
      }
    }
    expect(inspected + refused).toBe(ITERATIONS);
    // Most damage is reported inside an inspection; only a broken inventory refuses the whole.
    expect(inspected).toBeGreaterThan(refused);
  });

  it('an untouched checkpoint decodes without problems', async () => {
    expect((await inspectCheckpoint(memorySource(original))).problems).toEqual([]);
  });
});
