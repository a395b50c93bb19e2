// The scheduler's rules with a fake clock and a fake checkpoint function, on a real SQLite
// catalog: on time, no overlap, catch-up without a burst, restart without loss or duplicates,
// pause after repeated failures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import type { PolicyT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import { PolicyStore } from './policy-store';
import { Scheduler, type SchedulerDeps } from './scheduler';

let dir: string;
let catalog: CheckpointCatalog;
let store: PolicyStore;

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-29T00:00:00Z') });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-sched-'));
  catalog = new CheckpointCatalog(path.join(dir, 'catalog.db'));
  store = new PolicyStore(catalog.db);
});

afterEach(() => {
  vi.useRealTimers();
  catalog.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function policy(over: Partial<Parameters<PolicyStore['upsert']>[0]> = {}): PolicyT {
  return store.upsert(
    {
      engineId: 'e',
      containerId: 'c1',
      containerName: 'job',
      everyMs: 1000,
      keepLast: 3,
      keepHourly: 0,
      keepDaily: 0,
      budgetBytes: null,
      maxFailures: 3,
      ...over,
    },
    Date.now(),
  );
}

function deps(over: Partial<SchedulerDeps> = {}) {
  const made: { name: string; createdAt: number; sizeBytes: number }[] = [];
  const removed: string[] = [];
  const d: SchedulerDeps = {
    store,
    now: () => Date.now(),
    checkpoint: vi.fn(async () => {
      const name = `auto-${made.length + 1}`;
      made.push({ name, createdAt: Date.now(), sizeBytes: 10 });
      return name;
    }),
    scheduledCheckpoints: async () => made.filter((m) => !removed.includes(m.name)),
    remove: async (_p, name) => {
      removed.push(name);
    },
    onRun: vi.fn(),
    onChange: vi.fn(),
    ...over,
  };
  return { d, made, removed };
}

describe('scheduler', () => {
  it('checkpoints on time and prunes to the newest K', async () => {
    const p = policy();
    const { d, made, removed } = deps();
    const s = new Scheduler(d);
    s.start();
    await vi.advanceTimersByTimeAsync(5_500);
    s.stop();
    expect(made).toHaveLength(5);
    expect(removed).toEqual(['auto-1', 'auto-2']);
    const runs = store.runs(p.id);
    expect(runs.map((r) => r.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(runs[0]!.pruned).toEqual(['auto-2']);
    const times = runs.map((r) => r.startedAt).reverse();
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(1000);
  });

  it('never starts a run while the previous one is still going', async () => {
    policy();
    let inFlight = 0;
    let maxInFlight = 0;
    const { d } = deps({
      checkpoint: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 2500));
        inFlight--;
        return 'slow';
      },
    });
    const s = new Scheduler(d);
    s.start();
    await vi.advanceTimersByTimeAsync(10_000);
    s.stop();
    expect(maxInFlight).toBe(1);
  });

  it('after downtime: one catch-up run, not a burst', async () => {
    const p = policy();
    catalog.db.prepare('UPDATE policies SET next_run_at = ? WHERE id = ?').run(Date.now() - 60_000, p.id);
    const { d, made } = deps();
    const s = new Scheduler(d);
    s.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(made).toHaveLength(1);
    expect(store.runs(p.id)[0]!.catchUp).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(made).toHaveLength(2);
    expect(store.runs(p.id)[0]!.catchUp).toBe(false);
    s.stop();
  });

  it('a restart in the middle of a run neither loses nor repeats runs', async () => {
    const p = policy();
    let release: () => void = () => undefined;
    const first = deps({
      checkpoint: vi
        .fn()
        .mockResolvedValueOnce('auto-1')
        .mockImplementationOnce(() => new Promise<string>((r) => (release = () => r('never-recorded')))),
    });
    const a = new Scheduler(first.d);
    a.start();
    await vi.advanceTimersByTimeAsync(2_100);
    a.stop(); // the process "dies" with the second run in flight
    const second = deps();
    const b = new Scheduler(second.d);
    b.start();
    await vi.advanceTimersByTimeAsync(3_000);
    b.stop();
    release();
    const runs = store.runs(p.id).reverse();
    expect(runs.map((r) => r.outcome)).toEqual(['ok', 'interrupted', 'ok', 'ok', 'ok']);
    const scheduled = runs.map((r) => r.scheduledFor);
    expect(new Set(scheduled).size).toBe(scheduled.length);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.startedAt).toBeGreaterThan(runs[i - 1]!.startedAt);
  });

  it('pauses itself after the set number of failures, and says why', async () => {
    const p = policy({ maxFailures: 2 });
    const { d } = deps({
      checkpoint: async () => {
        throw new StudioError('experimental-off', 'The engine refused: its experimental mode is off.', {
          hint: 'Start dockerd with --experimental.',
        });
      },
    });
    const s = new Scheduler(d);
    s.start();
    await vi.advanceTimersByTimeAsync(5_000);
    s.stop();
    const after = store.byId(p.id)!;
    expect(after.state).toBe('paused');
    expect(after.pausedReason).toMatch(/after 2 failed runs in a row.*experimental mode is off/);
    const runs = store.runs(p.id);
    expect(runs).toHaveLength(2);
    expect(runs[0]!.error).toMatch(/--experimental/);
  });

  it('a busy container is skipped, not counted as a failure', async () => {
    const p = policy({ maxFailures: 1 });
    const { d } = deps({
      checkpoint: async () => {
        throw new StudioError(
          'conflict',
          'Another operation (checkpoint) is already running on this container.',
        );
      },
    });
    const s = new Scheduler(d);
    s.start();
    await vi.advanceTimersByTimeAsync(2_500);
    s.stop();
    expect(store.byId(p.id)!.state).toBe('active');
    expect(store.runs(p.id).every((r) => r.outcome === 'skipped')).toBe(true);
  });

  it('resuming starts a fresh interval', async () => {
    const p = policy();
    store.setState(p.id, 'paused', 'by hand', Date.now());
    const { d, made } = deps();
    const s = new Scheduler(d);
    s.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(made).toHaveLength(0);
    store.setState(p.id, 'active', null, Date.now());
    s.wake();
    await vi.advanceTimersByTimeAsync(999);
    expect(made).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2);
    expect(made).toHaveLength(1);
    s.stop();
  });
});
