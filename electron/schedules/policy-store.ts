// Schedules and their runs, in the catalog's database. Starting a run and moving the policy's
// next time forward happen in one transaction: after a crash, a run is never repeated.
import type { CatalogDb } from '../catalog/catalog-db';
import type { PolicyRunT, PolicyT } from '../ipc/contract';

interface PolicyRow {
  id: number;
  engine_id: string;
  container_id: string;
  container_name: string;
  every_ms: number;
  keep_last: number;
  keep_hourly: number;
  keep_daily: number;
  budget_bytes: number | null;
  max_failures: number;
  state: 'active' | 'paused';
  paused_reason: string | null;
  consecutive_failures: number;
  next_run_at: number | null;
  last_run_at: number | null;
  created_at: number;
}

interface RunRow {
  id: number;
  policy_id: number;
  engine_id: string;
  container_id: string;
  container_name: string;
  scheduled_for: number;
  started_at: number;
  finished_at: number | null;
  outcome: PolicyRunT['outcome'];
  checkpoint_name: string | null;
  catch_up: number;
  error_message: string | null;
  pruned: string | null;
}

const toPolicy = (r: PolicyRow): PolicyT => ({
  id: r.id,
  engineId: r.engine_id,
  containerId: r.container_id,
  containerName: r.container_name,
  everyMs: r.every_ms,
  keepLast: r.keep_last,
  keepHourly: r.keep_hourly,
  keepDaily: r.keep_daily,
  budgetBytes: r.budget_bytes,
  maxFailures: r.max_failures,
  state: r.state,
  pausedReason: r.paused_reason,
  consecutiveFailures: r.consecutive_failures,
  nextRunAt: r.next_run_at,
  lastRunAt: r.last_run_at,
  createdAt: r.created_at,
});

const toRun = (r: RunRow): PolicyRunT => ({
  id: r.id,
  policyId: r.policy_id,
  engineId: r.engine_id,
  containerId: r.container_id,
  containerName: r.container_name,
  scheduledFor: r.scheduled_for,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  outcome: r.outcome,
  checkpoint: r.checkpoint_name,
  catchUp: r.catch_up === 1,
  error: r.error_message,
  pruned: r.pruned ? (JSON.parse(r.pruned) as string[]) : [],
});

const RUN_SELECT = `SELECT r.*, p.engine_id, p.container_id, p.container_name FROM policy_runs r JOIN policies p ON p.id = r.policy_id`;

export interface PolicyInput {
  engineId: string;
  containerId: string;
  containerName: string;
  everyMs: number;
  keepLast: number;
  keepHourly: number;
  keepDaily: number;
  budgetBytes: number | null;
  maxFailures: number;
}

export class PolicyStore {
  constructor(private readonly db: CatalogDb) {}

  /** Creates or changes a policy; a change re-activates it and starts its clock afresh. */
  upsert(p: PolicyInput, now: number): PolicyT {
    this.db
      .prepare(
        `INSERT INTO policies (engine_id, container_id, container_name, every_ms, keep_last, keep_hourly, keep_daily, budget_bytes, max_failures, state, next_run_at, created_at)
         VALUES (@engineId, @containerId, @containerName, @everyMs, @keepLast, @keepHourly, @keepDaily, @budgetBytes, @maxFailures, 'active', @next, @now)
         ON CONFLICT (engine_id, container_id) DO UPDATE SET
           container_name = excluded.container_name, every_ms = excluded.every_ms, keep_last = excluded.keep_last,
           keep_hourly = excluded.keep_hourly, keep_daily = excluded.keep_daily, budget_bytes = excluded.budget_bytes,
           max_failures = excluded.max_failures, state = 'active', paused_reason = NULL, consecutive_failures = 0,
           next_run_at = excluded.next_run_at`,
      )
      .run({ ...p, next: now + p.everyMs, now });
    return this.get(p.engineId, p.containerId)!;
  }

  get(engineId: string, containerId: string): PolicyT | null {
    const r = this.db
      .prepare('SELECT * FROM policies WHERE engine_id = ? AND container_id = ?')
      .get(engineId, containerId) as PolicyRow | undefined;
    return r ? toPolicy(r) : null;
  }

  byId(id: number): PolicyT | null {
    const r = this.db.prepare('SELECT * FROM policies WHERE id = ?').get(id) as PolicyRow | undefined;
    return r ? toPolicy(r) : null;
  }

  list(engineId?: string): PolicyT[] {
    const rows = (
      engineId
        ? this.db.prepare('SELECT * FROM policies WHERE engine_id = ? ORDER BY id').all(engineId)
        : this.db.prepare('SELECT * FROM policies ORDER BY id').all()
    ) as PolicyRow[];
    return rows.map(toPolicy);
  }

  active(): PolicyT[] {
    return (
      this.db
        .prepare(`SELECT * FROM policies WHERE state = 'active' ORDER BY next_run_at`)
        .all() as PolicyRow[]
    ).map(toPolicy);
  }

  setState(id: number, state: 'active' | 'paused', reason: string | null, now: number): void {
    const p = this.byId(id);
    if (!p) return;
    // Resuming starts a fresh interval rather than firing at once for the time spent paused.
    this.db
      .prepare(
        `UPDATE policies SET state = ?, paused_reason = ?, consecutive_failures = CASE WHEN ? = 'active' THEN 0 ELSE consecutive_failures END, next_run_at = CASE WHEN ? = 'active' THEN ? ELSE next_run_at END WHERE id = ?`,
      )
      .run(state, reason, state, state, now + p.everyMs, id);
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM policies WHERE id = ?').run(id);
  }

  /** Records the start of a run and moves the policy on, atomically. */
  startRun(p: PolicyT, now: number, catchUp: boolean): number {
    return this.db.transaction(() => {
      const res = this.db
        .prepare(
          'INSERT INTO policy_runs (policy_id, scheduled_for, started_at, catch_up) VALUES (?, ?, ?, ?)',
        )
        .run(p.id, p.nextRunAt ?? now, now, catchUp ? 1 : 0);
      this.db
        .prepare('UPDATE policies SET next_run_at = ?, last_run_at = ? WHERE id = ?')
        .run(now + p.everyMs, now, p.id);
      return Number(res.lastInsertRowid);
    })();
  }

  finishRun(
    runId: number,
    o: {
      outcome: 'ok' | 'failed' | 'skipped';
      checkpoint?: string | null;
      errorCode?: string | null;
      error?: string | null;
      pruned?: string[];
    },
    now: number,
  ): void {
    this.db
      // A run already marked interrupted (its process was replaced) stays so.
      .prepare(
        'UPDATE policy_runs SET finished_at = ?, outcome = ?, checkpoint_name = ?, error_code = ?, error_message = ?, pruned = ? WHERE id = ? AND finished_at IS NULL',
      )
      .run(
        now,
        o.outcome,
        o.checkpoint ?? null,
        o.errorCode ?? null,
        o.error ?? null,
        JSON.stringify(o.pruned ?? []),
        runId,
      );
  }

  /** Counts a failure; returns the new count. */
  failed(id: number): number {
    this.db
      .prepare('UPDATE policies SET consecutive_failures = consecutive_failures + 1 WHERE id = ?')
      .run(id);
    return this.byId(id)?.consecutiveFailures ?? 0;
  }

  succeeded(id: number): void {
    this.db.prepare('UPDATE policies SET consecutive_failures = 0 WHERE id = ?').run(id);
  }

  /** Runs left unfinished by a process that died: they did not complete, and are not re-run. */
  markInterrupted(now: number): number {
    return this.db
      .prepare(
        `UPDATE policy_runs SET finished_at = ?, outcome = 'interrupted', error_message = 'Checkpoint Studio stopped during this run' WHERE finished_at IS NULL`,
      )
      .run(now).changes;
  }

  run(runId: number): PolicyRunT | null {
    const r = this.db.prepare(`${RUN_SELECT} WHERE r.id = ?`).get(runId) as RunRow | undefined;
    return r ? toRun(r) : null;
  }

  runs(policyId: number, limit = 100): PolicyRunT[] {
    return (
      this.db
        .prepare(`${RUN_SELECT} WHERE r.policy_id = ? ORDER BY r.started_at DESC, r.id DESC LIMIT ?`)
        .all(policyId, limit) as RunRow[]
    ).map(toRun);
  }

  /** Moves whenever another connection (another process) commits to the catalog. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** A run's checkpoint is made (the run goes on to prune). */
  noteCheckpoint(runId: number, name: string): void {
    this.db.prepare('UPDATE policy_runs SET checkpoint_name = ? WHERE id = ?').run(name, runId);
  }

  /** The checkpoints this policy's own runs made: the only ones its retention may delete. */
  checkpointsMadeBy(policyId: number): Set<string> {
    const rows = this.db
      .prepare(
        "SELECT checkpoint_name FROM policy_runs WHERE policy_id = ? AND checkpoint_name IS NOT NULL AND (outcome = 'ok' OR outcome IS NULL)",
      )
      .all(policyId) as { checkpoint_name: string }[];
    return new Set(rows.map((r) => r.checkpoint_name));
  }
}
