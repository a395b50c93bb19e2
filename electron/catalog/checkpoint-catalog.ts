// The app's record of every checkpoint it knows: what the engine cannot tell (when, how, why,
// a note, measured times) and what is expensive to ask again (sizes, processes, CRIU stats).
// The engine stays the truth about existence: reconcile() adds what appeared and marks what went.
import type { CheckpointRecordT, InspectionT, ProcessInfoT } from '../ipc/contract';
import { openCatalogDb, type CatalogDb } from './catalog-db';

interface Row {
  engine_id: string;
  container_id: string;
  container_name: string;
  image: string;
  name: string;
  created_at: number;
  mode: CheckpointRecordT['mode'];
  origin: CheckpointRecordT['origin'];
  note: string;
  status: CheckpointRecordT['status'];
  size_bytes: number | null;
  pages_bytes: number | null;
  pages_dumped: number | null;
  processes: string | null;
  duration_ms: number | null;
  freezing_us: number | null;
  frozen_us: number | null;
  memdump_us: number | null;
  memwrite_us: number | null;
  pages_scanned: number | null;
  pages_skipped_parent: number | null;
  pages_written: number | null;
  scanned_at: number | null;
}

function toRecord(r: Row): CheckpointRecordT {
  const hasStats = r.freezing_us !== null || r.pages_written !== null;
  return {
    engineId: r.engine_id,
    containerId: r.container_id,
    containerName: r.container_name,
    image: r.image,
    name: r.name,
    createdAt: r.created_at,
    mode: r.mode,
    origin: r.origin,
    note: r.note,
    status: r.status,
    sizeBytes: r.size_bytes,
    pagesBytes: r.pages_bytes,
    pagesDumped: r.pages_dumped,
    processes: r.processes ? (JSON.parse(r.processes) as ProcessInfoT[]) : null,
    durationMs: r.duration_ms,
    criuStats: hasStats
      ? {
          freezingUs: r.freezing_us,
          frozenUs: r.frozen_us,
          memdumpUs: r.memdump_us,
          memwriteUs: r.memwrite_us,
          pagesScanned: r.pages_scanned,
          pagesSkippedParent: r.pages_skipped_parent,
          pagesWritten: r.pages_written,
        }
      : null,
  };
}

export interface NewCheckpoint {
  engineId: string;
  containerId: string;
  containerName: string;
  image: string;
  name: string;
  createdAt: number;
  mode: CheckpointRecordT['mode'];
  origin: CheckpointRecordT['origin'];
  note?: string;
  durationMs?: number | null;
}

export interface ContainerIdentity {
  id: string;
  name: string;
  image: string;
}

export interface OperationLog {
  kind: string;
  engineId: string;
  containerId?: string | null;
  checkpointName?: string | null;
  startedAt: number;
  finishedAt: number;
  ok: boolean;
  errorCode?: string | null;
  errorMessage?: string | null;
  detail?: unknown;
}

export class CheckpointCatalog {
  readonly db: CatalogDb;

  constructor(file: string) {
    this.db = openCatalogDb(file);
  }

  close(): void {
    this.db.close();
  }

  /** Records a checkpoint; a checkpoint seen again (same engine, container, name) is updated, not duplicated. */
  add(c: NewCheckpoint): CheckpointRecordT {
    this.db
      .prepare(
        `INSERT INTO checkpoints (engine_id, container_id, container_name, image, name, created_at, mode, origin, note, duration_ms)
         VALUES (@engineId, @containerId, @containerName, @image, @name, @createdAt, @mode, @origin, @note, @durationMs)
         ON CONFLICT (engine_id, container_id, name) DO UPDATE SET
           container_name = excluded.container_name, image = excluded.image, created_at = excluded.created_at,
           mode = excluded.mode, origin = excluded.origin, duration_ms = excluded.duration_ms,
           status = 'present', missing_since = NULL,
           size_bytes = NULL, pages_bytes = NULL, pages_dumped = NULL, processes = NULL, scanned_at = NULL,
           freezing_us = NULL, frozen_us = NULL, memdump_us = NULL, memwrite_us = NULL,
           pages_scanned = NULL, pages_skipped_parent = NULL, pages_written = NULL`,
      )
      .run({ note: '', durationMs: null, ...c });
    return this.get(c.engineId, c.containerId, c.name)!;
  }

  get(engineId: string, containerId: string, name: string): CheckpointRecordT | null {
    const row = this.db
      .prepare('SELECT * FROM checkpoints WHERE engine_id = ? AND container_id = ? AND name = ?')
      .get(engineId, containerId, name) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  list(engineId: string, containerId?: string): CheckpointRecordT[] {
    const rows = (
      containerId
        ? this.db
            .prepare(
              'SELECT * FROM checkpoints WHERE engine_id = ? AND container_id = ? ORDER BY created_at, id',
            )
            .all(engineId, containerId)
        : this.db
            .prepare('SELECT * FROM checkpoints WHERE engine_id = ? ORDER BY created_at, id')
            .all(engineId)
    ) as Row[];
    return rows.map(toRecord);
  }

  /** Every checkpoint of every engine, newest first: the library. */
  all(): CheckpointRecordT[] {
    return (
      this.db.prepare('SELECT * FROM checkpoints ORDER BY created_at DESC, id DESC').all() as Row[]
    ).map(toRecord);
  }

  /** Records that need their files scanned (sizes, processes, stats). */
  unscanned(engineId: string, containerId: string): CheckpointRecordT[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM checkpoints WHERE engine_id = ? AND container_id = ? AND status = 'present' AND scanned_at IS NULL`,
        )
        .all(engineId, containerId) as Row[]
    ).map(toRecord);
  }

  /** Stores what the checkpoint's files say (sizes, processes, CRIU's stats when kept). */
  saveScan(engineId: string, containerId: string, name: string, i: InspectionT, createdAt?: number): void {
    const st = i.stats;
    const processes: ProcessInfoT[] = i.processes.map((p) => ({
      pid: p.pid,
      ppid: p.ppid,
      comm: p.comm,
      threads: p.threads,
    }));
    this.db
      .prepare(
        `UPDATE checkpoints SET size_bytes = @size, pages_bytes = @pagesBytes, pages_dumped = @pagesDumped,
           processes = @processes, scanned_at = @now,
           freezing_us = @freezing, frozen_us = @frozen, memdump_us = @memdump, memwrite_us = @memwrite,
           pages_scanned = @scanned, pages_skipped_parent = @skipped, pages_written = @written,
           created_at = COALESCE(@createdAt, created_at)
         WHERE engine_id = @engineId AND container_id = @containerId AND name = @name`,
      )
      .run({
        engineId,
        containerId,
        name,
        size: i.totals.imageBytes,
        pagesBytes: i.totals.pagesBytes,
        pagesDumped: i.totals.pagesDumped,
        processes: JSON.stringify(processes),
        now: Date.now(),
        freezing: st?.freezingUs ?? null,
        frozen: st?.frozenUs ?? null,
        memdump: st?.memdumpUs ?? null,
        memwrite: st?.memwriteUs ?? null,
        scanned: st?.pagesScanned ?? null,
        skipped: st?.pagesSkippedParent ?? null,
        written: st?.pagesWritten ?? null,
        createdAt: createdAt ?? null,
      });
  }

  setNote(engineId: string, containerId: string, name: string, note: string): CheckpointRecordT | null {
    this.db
      .prepare('UPDATE checkpoints SET note = ? WHERE engine_id = ? AND container_id = ? AND name = ?')
      .run(note, engineId, containerId, name);
    return this.get(engineId, containerId, name);
  }

  remove(engineId: string, containerId: string, name: string): void {
    this.db
      .prepare('DELETE FROM checkpoints WHERE engine_id = ? AND container_id = ? AND name = ?')
      .run(engineId, containerId, name);
  }

  /**
   * Makes the catalog agree with what the engine says a container holds: names the catalog did not
   * know are added as 'external', known ones the engine lacks are marked missing (never deleted:
   * the note and history stay), and ones that came back are present again. One transaction.
   * Returns whether anything changed.
   */
  reconcile(engineId: string, container: ContainerIdentity, onEngine: string[], now = Date.now()): boolean {
    let changed = false;
    this.db.transaction(() => {
      const known = this.db
        .prepare('SELECT name, status FROM checkpoints WHERE engine_id = ? AND container_id = ?')
        .all(engineId, container.id) as { name: string; status: string }[];
      const present = new Set(onEngine);
      const knownNames = new Set(known.map((k) => k.name));
      for (const name of onEngine) {
        if (!knownNames.has(name)) {
          this.add({
            engineId,
            containerId: container.id,
            containerName: container.name,
            image: container.image,
            name,
            createdAt: now,
            mode: 'unknown',
            origin: 'external',
          });
          changed = true;
        }
      }
      for (const k of known) {
        if (!present.has(k.name) && k.status === 'present') {
          this.db
            .prepare(
              `UPDATE checkpoints SET status = 'missing', missing_since = ? WHERE engine_id = ? AND container_id = ? AND name = ?`,
            )
            .run(now, engineId, container.id, k.name);
          changed = true;
        } else if (present.has(k.name) && k.status === 'missing') {
          this.db
            .prepare(
              `UPDATE checkpoints SET status = 'present', missing_since = NULL WHERE engine_id = ? AND container_id = ? AND name = ?`,
            )
            .run(engineId, container.id, k.name);
          changed = true;
        }
      }
      if (container.name) {
        this.db
          .prepare(
            'UPDATE checkpoints SET container_name = ? WHERE engine_id = ? AND container_id = ? AND container_name != ?',
          )
          .run(container.name, engineId, container.id, container.name);
      }
    })();
    return changed;
  }

  /** Containers the catalog knows on an engine, to mark their checkpoints missing when they are gone. */
  containerIds(engineId: string): string[] {
    return (
      this.db
        .prepare(`SELECT DISTINCT container_id FROM checkpoints WHERE engine_id = ? AND status = 'present'`)
        .all(engineId) as {
        container_id: string;
      }[]
    ).map((r) => r.container_id);
  }

  /** Marks the checkpoints of every container the engine no longer lists; returns those containers. */
  markGoneExcept(engineId: string, liveIds: ReadonlySet<string>, now = Date.now()): string[] {
    return this.containerIds(engineId).filter(
      (id) => !liveIds.has(id) && this.markContainerGone(engineId, id, now),
    );
  }

  markContainerGone(engineId: string, containerId: string, now = Date.now()): boolean {
    const res = this.db
      .prepare(
        `UPDATE checkpoints SET status = 'missing', missing_since = ? WHERE engine_id = ? AND container_id = ? AND status = 'present'`,
      )
      .run(now, engineId, containerId);
    return res.changes > 0;
  }

  /** A container that came back under a new id (a Podman restore) keeps its checkpoints and schedule. */
  rekey(engineId: string, oldId: string, newId: string, name: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          'UPDATE checkpoints SET container_id = ?, container_name = ? WHERE engine_id = ? AND container_id = ?',
        )
        .run(newId, name, engineId, oldId);
      this.db
        .prepare(
          'UPDATE policies SET container_id = ?, container_name = ? WHERE engine_id = ? AND container_id = ?',
        )
        .run(newId, name, engineId, oldId);
    })();
  }

  /** A container the app made and must remove, but could not (its engine went away). */
  addPendingRemoval(engineId: string, containerId: string, reason: string): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO pending_removals (engine_id, container_id, reason, created_at) VALUES (?, ?, ?, ?)',
      )
      .run(engineId, containerId, reason, Date.now());
  }

  pendingRemovals(engineId: string): { containerId: string; reason: string }[] {
    return (
      this.db
        .prepare('SELECT container_id, reason FROM pending_removals WHERE engine_id = ?')
        .all(engineId) as { container_id: string; reason: string }[]
    ).map((r) => ({
      containerId: r.container_id,
      reason: r.reason,
    }));
  }

  donePendingRemoval(engineId: string, containerId: string): void {
    this.db
      .prepare('DELETE FROM pending_removals WHERE engine_id = ? AND container_id = ?')
      .run(engineId, containerId);
  }

  logOperation(op: OperationLog): void {
    this.db
      .prepare(
        `INSERT INTO operations (kind, engine_id, container_id, checkpoint_name, started_at, finished_at, ok, error_code, error_message, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        op.kind,
        op.engineId,
        op.containerId ?? null,
        op.checkpointName ?? null,
        op.startedAt,
        op.finishedAt,
        op.ok ? 1 : 0,
        op.errorCode ?? null,
        op.errorMessage ?? null,
        op.detail === undefined ? null : JSON.stringify(op.detail),
      );
  }
}
