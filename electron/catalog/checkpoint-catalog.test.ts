import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from './catalog-db';
import { CheckpointCatalog } from './checkpoint-catalog';
import { MIGRATIONS } from './migrations';

const dirs: string[] = [];
function tmpFile(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-cat-'));
  dirs.push(d);
  return path.join(d, 'catalog.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const container = { id: 'c1', name: 'counter', image: 'busybox' };
const base = {
  engineId: 'local',
  containerId: 'c1',
  containerName: 'counter',
  image: 'busybox',
  mode: 'stopped' as const,
  origin: 'manual' as const,
};

// CRIU's statistics as the inspector reports them, kept as they are.
const STATS = {
  freezingUs: 10,
  frozenUs: 20,
  memdumpUs: 5,
  memwriteUs: 6,
  pagesScanned: 9,
  pagesSkippedParent: 0,
  pagesWritten: 1,
};

describe('checkpoint catalog', () => {
  it('migrates a new database to the latest version, in WAL mode', () => {
    const cat = new CheckpointCatalog(tmpFile());
    expect(cat.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    expect(cat.db.pragma('journal_mode', { simple: true })).toBe('wal');
    cat.close();
  });

  it('refuses a database from a newer app instead of damaging it', () => {
    const file = tmpFile();
    const db = new Database(file);
    db.pragma('user_version = 999');
    expect(() => migrate(db)).toThrow(/newer Checkpoint Studio/);
    db.close();
  });

  it('adds, reads back and notes a checkpoint', () => {
    const cat = new CheckpointCatalog(tmpFile());
    const r = cat.add({ ...base, name: 'a', createdAt: 1000, durationMs: 300, note: 'first' });
    expect(r).toMatchObject({
      name: 'a',
      mode: 'stopped',
      origin: 'manual',
      status: 'present',
      note: 'first',
      durationMs: 300,
      sizeBytes: null,
      criuStats: null,
    });
    expect(cat.setNote('local', 'c1', 'a', 'changed')?.note).toBe('changed');
    cat.close();
  });

  it('reconciles: new names appear as external, vanished ones go missing, returning ones come back', () => {
    const cat = new CheckpointCatalog(tmpFile());
    cat.add({ ...base, name: 'kept', createdAt: 1 });
    cat.add({ ...base, name: 'gone', createdAt: 2 });
    expect(cat.reconcile('local', container, ['kept', 'outside'], 50)).toBe(true);
    const byName = Object.fromEntries(cat.list('local', 'c1').map((r) => [r.name, r]));
    expect(byName.kept?.status).toBe('present');
    expect(byName.gone?.status).toBe('missing');
    expect(byName.outside).toMatchObject({
      origin: 'external',
      status: 'present',
      mode: 'unknown',
      createdAt: 50,
    });
    // Nothing changes the second time.
    expect(cat.reconcile('local', container, ['kept', 'outside'], 60)).toBe(false);
    expect(cat.reconcile('local', container, ['kept', 'outside', 'gone'], 70)).toBe(true);
    expect(cat.get('local', 'c1', 'gone')?.status).toBe('present');
    cat.close();
  });

  it('an empty engine answer marks everything missing and adds nothing', () => {
    const cat = new CheckpointCatalog(tmpFile());
    cat.add({ ...base, name: 'a', createdAt: 1 });
    cat.reconcile('local', container, []);
    expect(cat.list('local', 'c1').map((r) => [r.name, r.status])).toEqual([['a', 'missing']]);
    cat.close();
  });

  it('stores what a scan found, including CRIU stats when there are some', () => {
    const cat = new CheckpointCatalog(tmpFile());
    cat.add({ ...base, name: 'a', createdAt: 1 });
    cat.saveScan('local', 'c1', 'a', {
      label: 'a',
      format: 'docker',
      imgVersion: 2,
      dumpedAt: null,
      totals: {
        imageBytes: 5000,
        pagesBytes: 4096,
        pagesDumped: 1,
        mappedBytes: 8192,
        processes: 1,
        threads: 1,
      },
      processes: [
        {
          pid: 1,
          ppid: 0,
          pgid: 1,
          sid: 1,
          comm: 'sh',
          state: 'alive',
          threads: 1,
          exe: '/bin/sh',
          cwd: '/',
          root: '/',
          mappedBytes: 8192,
          dumpedBytes: 4096,
          fds: 3,
        },
      ],
      memory: [],
      files: [],
      sockets: [],
      stats: STATS,
      imageFiles: [],
      listing: 'complete',
      podman: null,
      problems: [],
    });
    const r = cat.get('local', 'c1', 'a')!;
    expect(r).toMatchObject({
      sizeBytes: 5000,
      pagesBytes: 4096,
      pagesDumped: 1,
      processes: [{ comm: 'sh' }],
    });
    expect(r.criuStats).toEqual(STATS);
    expect(cat.unscanned('local', 'c1')).toEqual([]);
    cat.close();
  });

  it('survives a reopen: what was committed is there', () => {
    const file = tmpFile();
    const a = new CheckpointCatalog(file);
    a.add({ ...base, name: 'a', createdAt: 1 });
    a.close();
    const b = new CheckpointCatalog(file);
    expect(b.list('local').map((r) => r.name)).toEqual(['a']);
    b.close();
  });
});
