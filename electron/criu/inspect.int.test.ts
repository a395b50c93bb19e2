// The inspector on real checkpoints made by the private engine: the number printer and redis,
// read through the engine, from the folder, and from archives (tar, gzip, zstd, Podman layout).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import tar from 'tar-stream';
import { engineCheckpointSource } from '../checkpoints/engine-source';
import { engineMetadataSource } from '../checkpoints/engine-metadata-source';
import type { InspectionT } from '../ipc/contract';
import { COUNTER_SCRIPT, counterValues, eventually, execIn } from '../../testbed/support';
import { useServices, useTestbed } from '../../testbed/services-support';
import { diffInspections } from './diff';
import { inspectCheckpoint } from './inspect';
import { searchMemory } from './memsearch';
import { archiveFileSource, folderSource, pathSource, type CheckpointSource } from './sources';

const ENGINE = 'testbed';
const { tb, docker, containers } = useTestbed();
const { services, dataDir: tmp } = useServices(
  { engines: [{ id: ENGINE, name: 'Test bed', host: tb.dockerHost }] },
  { prefix: 'cs-inspect-' },
);
let counter: { id: string; name: string };
let redis: { id: string; name: string };
let dataRoot: string;

const folderOf = (id: string, name: string) => path.join(dataRoot, 'containers', id, 'checkpoints', name);

beforeAll(async () => {
  dataRoot = services.registry.get(ENGINE).identity!.dataRoot;

  counter = await containers.run({ image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
  await eventually(async () => (await counterValues(docker, counter.id)).length >= 2, 15_000, 'counting');
  await services.checkpoints.create({
    engineId: ENGINE,
    container: counter.id,
    name: 'one',
    leaveRunning: true,
  });
  await eventually(
    async () => (await counterValues(docker, counter.id)).length >= 5,
    15_000,
    'more counting',
  );
  await services.checkpoints.create({
    engineId: ENGINE,
    container: counter.id,
    name: 'two',
    leaveRunning: true,
  });

  redis = await containers.run({ image: tb.redisImage, network: tb.network, ports: [6379] });
  await eventually(
    async () => (await execIn(docker, redis.id, ['redis-cli', 'ping'])) === 'PONG',
    15_000,
    'redis',
  );
  await execIn(docker, redis.id, ['redis-cli', 'set', 'api-token', 'tok-7f3a9c-SECRET']);
  await services.checkpoints.create({
    engineId: ENGINE,
    container: redis.id,
    name: 'rds',
    leaveRunning: true,
  });
});

const engineSource = async (id: string, name: string) =>
  engineCheckpointSource(await services.checkpoints.target(ENGINE, id), name);
const pagesFileBytes = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => /^pages-\d+\.img$/.test(f))
    .reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);

/** The parts of an inspection that do not depend on where it was read from. */
const essence = (i: InspectionT) => ({ ...i, label: '', format: '', dumpedAt: null });
/** What is decoded, whatever the listing of other files. */
const decoded = (i: InspectionT) => ({
  ...essence(i),
  imageFiles: [],
  listing: '',
  totals: { ...i.totals, imageBytes: 0 },
});

describe('decoding real checkpoints', () => {
  it('the number printer: sh and sleep, busybox as the executable, dumped memory = pages files', async () => {
    const i = await inspectCheckpoint(await engineSource(counter.id, 'one'));
    expect(i.problems).toEqual([]);
    const sh = i.processes.find((p) => p.comm === 'sh')!;
    expect(sh).toMatchObject({ pid: 1, ppid: 0, exe: '/bin/busybox', cwd: '/data', state: 'alive' });
    expect(i.processes.map((p) => p.comm).sort()).toEqual(['sh', 'sleep']);
    expect(i.totals.pagesDumped * 4096).toBe(pagesFileBytes(folderOf(counter.id, 'one')));
    expect(i.totals.pagesDumped * 4096).toBe(i.totals.pagesBytes);
    expect(i.memory.filter((m) => m.pid === 1).reduce((n, m) => n + m.dumpedBytes, 0)).toBe(sh.dumpedBytes);
    expect(
      i.memory.some((m) => m.pid === 1 && m.kind === 'file' && m.path === '/bin/busybox' && m.prot === 'r-x'),
    ).toBe(true);
    expect(i.memory.some((m) => m.kind === 'stack')).toBe(true);
    expect(i.files.some((f) => f.type === 'pipe')).toBe(true);
  });

  it('redis: redis-server, its executable, and the socket listening on 6379', async () => {
    const i = await inspectCheckpoint(await engineSource(redis.id, 'rds'));
    expect(i.problems).toEqual([]);
    expect(i.processes).toEqual([
      expect.objectContaining({ comm: 'redis-server', exe: '/usr/bin/redis-server' }),
    ]);
    expect(i.processes[0]!.threads).toBeGreaterThan(1);
    const listen = i.sockets.filter((s) => s.state === 'listen' && s.proto === 'tcp');
    expect(listen.map((s) => s.port)).toContain(6379);
    expect(listen.map((s) => s.local)).toEqual(expect.arrayContaining(['0.0.0.0:6379']));
    expect(i.totals.pagesDumped * 4096).toBe(pagesFileBytes(folderOf(redis.id, 'rds')));
    expect(i.files.find((f) => f.type === 'eventpoll')).toBeTruthy();
  });

  it('folder, tar, tar.gz and tar.zst give the same result as the engine', async () => {
    const dir = folderOf(redis.id, 'rds');
    const fromEngine = await inspectCheckpoint(await engineSource(redis.id, 'rds'));
    const fromFolder = await inspectCheckpoint(folderSource(dir));
    expect(essence(fromFolder)).toEqual(essence(fromEngine));
    for (const [ext, flag] of [
      ['tar', []],
      ['tar.gz', ['-z']],
      ['tar.zst', ['--zstd']],
    ] as const) {
      const file = path.join(tmp, `r.${ext}`);
      execFileSync('tar', [...flag, '-cf', file, '-C', path.dirname(dir), 'rds']);
      expect(essence(await inspectCheckpoint(archiveFileSource(file)))).toEqual(essence(fromEngine));
    }
  });

  it('read file by file from the engine: the same decoded result, without moving the pages', async () => {
    const t = await services.checkpoints.target(ENGINE, redis.id);
    const i = await inspectCheckpoint(engineMetadataSource(t, 'rds'));
    expect(i.listing).toBe('metadata-only');
    expect(decoded(i)).toEqual(decoded(await inspectCheckpoint(folderSource(folderOf(redis.id, 'rds')))));
    const hits = await searchMemory(engineMetadataSource(t, 'rds'), {
      pattern: 'tok-7f3a9c-SECRET',
      regex: false,
      maxHits: 10,
    });
    expect(hits.hits.length).toBeGreaterThan(0);
  });

  it('a Podman-style export: images under checkpoint/, and its own metadata', async () => {
    const dir = folderOf(counter.id, 'two');
    const root = path.join(tmp, 'export');
    fs.mkdirSync(path.join(root, 'checkpoint'), { recursive: true });
    for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(root, 'checkpoint', f));
    fs.writeFileSync(
      path.join(root, 'config.dump'),
      JSON.stringify({
        name: 'counter',
        rootfsImageName: 'busybox:latest',
        createdTime: '2026-11-29T00:00:00Z',
      }),
    );
    fs.writeFileSync(
      path.join(root, 'spec.dump'),
      JSON.stringify({ process: { args: ['sh', '-c', 'count'] } }),
    );
    fs.writeFileSync(path.join(root, 'rootfs-diff.tar'), Buffer.alloc(10240));
    fs.writeFileSync(path.join(root, 'deleted.files'), JSON.stringify(['/tmp/gone']));
    const archive = path.join(tmp, 'export.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', root, '.']);
    for (const src of [pathSource(archive), pathSource(root)]) {
      const i = await inspectCheckpoint(src);
      expect(i.format).toBe('podman-export');
      expect(i.podman).toEqual({
        name: 'counter',
        image: 'busybox:latest',
        createdAt: '2026-11-29T00:00:00Z',
        command: ['sh', '-c', 'count'],
        rootfsDiffBytes: 10240,
        deletedFiles: ['/tmp/gone'],
        volumes: 0,
      });
      expect(i.processes.map((p) => p.comm).sort()).toEqual(['sh', 'sleep']);
    }
  });

  it('compares two checkpoints of the same container', async () => {
    const d = diffInspections(
      await inspectCheckpoint(await engineSource(counter.id, 'one')),
      await inspectCheckpoint(await engineSource(counter.id, 'two')),
    );
    // sh stayed; the sleep of the first checkpoint ended and another one runs now.
    expect(d.processes.added).toHaveLength(1);
    expect(d.processes.added[0]).toMatch(/^\d+ sleep$/);
    expect(d.processes.removed).toHaveLength(1);
    expect(d.processes.removed[0]).toMatch(/^\d+ sleep$/);
    expect(d.memoryByKind.map((k) => k.kind)).toEqual(expect.arrayContaining(['file', 'stack']));
  });

  it("finds a secret in redis' dumped memory, with its address, area and a hexdump", async () => {
    const res = await searchMemory(await engineSource(redis.id, 'rds'), {
      pattern: 'tok-7f3a9c-SECRET',
      regex: false,
      maxHits: 10,
    });
    expect(res.hits.length).toBeGreaterThanOrEqual(1);
    const h = res.hits[0]!;
    expect(h.pid).toBe(1);
    expect(h.address).toMatch(/^0x[0-9a-f]+$/);
    expect(h.area).toMatch(/^(anon|heap) 0x/);
    // The ASCII column of the hexdump, read across its lines, holds the secret.
    expect(h.hexdump.map((l) => l.slice(l.lastIndexOf('  ') + 2)).join('')).toContain('tok-7f3a9c-SECRET');
    expect(res.scannedBytes).toBe(pagesFileBytes(folderOf(redis.id, 'rds')));
    const re = await searchMemory(folderSource(folderOf(redis.id, 'rds')), {
      pattern: 'tok-[0-9a-f]{6}-[A-Z]+',
      regex: true,
      maxHits: 10,
    });
    expect(re.hits.map((x) => x.address)).toEqual(res.hits.map((x) => x.address));
    const none = await searchMemory(folderSource(folderOf(redis.id, 'rds')), {
      pattern: 'no-such-string-anywhere-42',
      regex: false,
      maxHits: 10,
    });
    expect(none.hits).toEqual([]);
  });

  it('reads the metadata without reading the pages', async () => {
    const inner = folderSource(folderOf(redis.id, 'rds'));
    let pagesRead = 0;
    const guarded: CheckpointSource = {
      ...inner,
      async *open() {
        for await (const e of inner.open()) {
          if (/^pages-/.test(e.name)) {
            yield {
              ...e,
              chunks: () => {
                pagesRead++;
                return e.chunks();
              },
              read: (l: number) => {
                pagesRead++;
                return e.read(l);
              },
            };
          } else yield e;
        }
      },
    };
    const i = await inspectCheckpoint(guarded);
    expect(i.totals.pagesBytes).toBeGreaterThan(0);
    expect(pagesRead).toBe(0);
  });
});

describe('hostile archives', () => {
  async function archiveWith(
    entries: { name: string; type?: 'file' | 'symlink' | 'link'; linkname?: string; body?: string }[],
  ): Promise<string> {
    const pack = tar.pack();
    for (const e of entries) {
      if (e.type && e.type !== 'file')
        pack.entry({ name: e.name, type: e.type, linkname: e.linkname, mode: 0o644 });
      else pack.entry({ name: e.name, mode: 0o644 }, e.body ?? 'x');
    }
    pack.finalize();
    const file = path.join(tmp, `hostile-${Math.random().toString(16).slice(2)}.tar`);
    const chunks: Buffer[] = [];
    for await (const c of pack as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
    fs.writeFileSync(file, Buffer.concat(chunks));
    return file;
  }

  it.each([
    ['a ../ path', [{ name: 'checkpoint/../../etc/evil' }], /outside the archive/],
    ['an absolute path', [{ name: '/etc/cron.d/evil' }], /absolute path/],
    [
      'a symbolic link',
      [{ name: 'checkpoint/core-1.img', type: 'symlink' as const, linkname: '/etc/shadow' }],
      /symbolic link/,
    ],
    [
      'a hard link',
      [{ name: 'checkpoint/core-1.img', type: 'link' as const, linkname: '../../etc/shadow' }],
      /hard link/,
    ],
  ])('refuses %s, naming the entry', async (_what, entries, message) => {
    const file = await archiveWith(entries);
    await expect(inspectCheckpoint(archiveFileSource(file))).rejects.toThrow(message);
  });

  it('says plainly when an archive holds no checkpoint', async () => {
    const file = await archiveWith([{ name: 'README', body: 'hello' }]);
    await expect(inspectCheckpoint(archiveFileSource(file))).rejects.toThrow(/not a CRIU checkpoint/);
  });
});
