// Runs checkpoint schedules in the main process. One timer, set for the next policy due; a change
// another process makes to the catalog (the CLI's "schedule") is noticed within a second. A policy never runs twice
// at once; after downtime it catches up with one run, not a burst; after repeated failures it
// pauses itself and says why. Every run is recorded.
import type { PolicyRunT, PolicyT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import type { PolicyStore } from './policy-store';
import { toDelete, type Retained } from './retention';

export interface SchedulerDeps {
  store: PolicyStore;
  now(): number;
  /** Makes one scheduled checkpoint (left running); resolves with its name. */
  checkpoint(p: PolicyT): Promise<string>;
  /** The schedule's own checkpoints still on the engine, for pruning. */
  scheduledCheckpoints(p: PolicyT): Promise<Retained[]>;
  remove(p: PolicyT, name: string): Promise<void>;
  onRun(run: PolicyRunT): void;
  onChange(p: PolicyT): void;
}

const MAX_SLEEP_MS = 60_000;

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private watch: NodeJS.Timeout | null = null;
  private seenVersion = -1;
  private running = new Map<number, Promise<void>>();
  private stopped = true;

  constructor(private readonly d: SchedulerDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.d.store.markInterrupted(this.d.now());
    this.arm();
    // SQLite's data_version moves when another connection commits: re-plan at once then.
    this.seenVersion = this.d.store.dataVersion();
    this.watch = setInterval(() => {
      const v = this.d.store.dataVersion();
      if (v !== this.seenVersion) {
        this.seenVersion = v;
        this.arm(0);
      }
    }, 1000);
    this.watch.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.watch) clearInterval(this.watch);
    this.timer = null;
    this.watch = null;
  }

  /** Re-plan now: a policy was added, changed or resumed. */
  wake(): void {
    if (!this.stopped) this.arm(0);
  }

  /** Resolves when no run is in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all(this.running.values());
  }

  private arm(delay?: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const next = this.d.store.active().reduce((min, p) => Math.min(min, p.nextRunAt ?? Infinity), Infinity);
    const wait = delay ?? Math.min(MAX_SLEEP_MS, Math.max(0, next - this.d.now()));
    this.timer = setTimeout(() => void this.tick(), wait);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.d.now();
    for (const p of this.d.store.active()) {
      if (p.nextRunAt === null || p.nextRunAt > now || this.running.has(p.id)) continue;
      const run = this.runPolicy(p, now).finally(() => {
        this.running.delete(p.id);
        this.arm();
      });
      this.running.set(p.id, run);
    }
    this.arm();
  }

  private async runPolicy(p: PolicyT, now: number): Promise<void> {
    // Late by more than a whole interval (the app was closed, the host asleep): one run now,
    // then the normal rhythm — never one run per missed interval.
    const catchUp = p.nextRunAt !== null && now - p.nextRunAt >= p.everyMs;
    const runId = this.d.store.startRun(p, now, catchUp);
    try {
      const name = await this.d.checkpoint(p);
      // Written down before pruning, so retention counts it among this schedule's own.
      this.d.store.noteCheckpoint(runId, name);
      const pruned = await this.prune(p).catch(() => [] as string[]);
      this.d.store.finishRun(runId, { outcome: 'ok', checkpoint: name, pruned }, this.d.now());
      this.d.store.succeeded(p.id);
    } catch (e) {
      const err =
        e instanceof StudioError
          ? e
          : new StudioError('internal', e instanceof Error ? e.message : String(e));
      if (err.code === 'conflict' && /Another operation/.test(err.message)) {
        // Someone else is working on the container (a manual checkpoint): not a failure.
        this.d.store.finishRun(
          runId,
          { outcome: 'skipped', errorCode: err.code, error: err.message },
          this.d.now(),
        );
      } else {
        const detail = [err.message, err.hint, ...(err.details ?? []).slice(-3)].filter(Boolean).join(' — ');
        this.d.store.finishRun(
          runId,
          { outcome: 'failed', errorCode: err.code, error: detail },
          this.d.now(),
        );
        const failures = this.d.store.failed(p.id);
        if (failures >= p.maxFailures) {
          this.d.store.setState(
            p.id,
            'paused',
            `Paused after ${failures} failed runs in a row. Last: ${err.message}`,
            this.d.now(),
          );
        }
      }
    }
    const run = this.d.store.run(runId);
    if (run) this.d.onRun(run);
    const updated = this.d.store.byId(p.id);
    if (updated) this.d.onChange(updated);
  }

  private async prune(p: PolicyT): Promise<string[]> {
    const names = toDelete(await this.d.scheduledCheckpoints(p), p, this.d.now());
    const removed: string[] = [];
    for (const n of names) {
      await this.d.remove(p, n);
      removed.push(n);
    }
    return removed;
  }
}
