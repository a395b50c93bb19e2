// The operation journal: before a long operation makes a container or stops one, it writes down
// what it is about to do; when the operation is over (done, failed and undone, or cancelled and
// undone) the lines go. What a crash or a SIGKILL leaves is therefore written down, and the next
// start of the app or of any CLI command puts it right (app/recovery.ts). Lines belong to the
// process that wrote them: a live one's are never touched.
import { ownerHere, ownerState } from '../engines/owner';
import type { CatalogDb } from './catalog-db';

export type JournalAction = 'remove-container' | 'bring-back';

export interface JournalEntry {
  id: number;
  opId: number;
  /** The process the operation belongs to (host:boot:pid). */
  owner: string;
  kind: string;
  summary: string;
  engineId: string;
  action: JournalAction;
  /** The container's id, or its name until the id is known. */
  ref: string;
  /** bring-back: the checkpoint to restore it from, if it was taken. */
  checkpoint: string | null;
  label: string;
  createdAt: number;
}

export { ownerHere };

function ownerGone(owner: string, startedAt: number, now: number): boolean {
  const state = ownerState(owner);
  // Another machine's process cannot be asked: its lines are taken over once they are old.
  if (state === 'elsewhere') return now - startedAt > 6 * 3600 * 1000;
  return state === 'gone';
}

export class Journal {
  /** Operations this process took over from a gone one: still to be put right on other engines. */
  private readonly taken = new Set<number>();

  constructor(
    private readonly db: CatalogDb,
    private readonly owner = ownerHere(),
  ) {}

  begin(kind: string, summary: string): number {
    return Number(
      this.db
        .prepare('INSERT INTO journal_ops (kind, summary, owner, started_at) VALUES (?, ?, ?, ?)')
        .run(kind, summary, this.owner, Date.now()).lastInsertRowid,
    );
  }

  add(
    opId: number,
    e: { engineId: string; action: JournalAction; ref: string; checkpoint?: string | null; label: string },
  ): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO journal_entries (op_id, engine_id, action, ref, checkpoint, label, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(opId, e.engineId, e.action, e.ref, e.checkpoint ?? null, e.label, Date.now()).lastInsertRowid,
    );
  }

  /** The container's id once the engine gave it (a name could be taken by someone else later). */
  setRef(entryId: number, ref: string): void {
    this.db.prepare('UPDATE journal_entries SET ref = ? WHERE id = ?').run(ref, entryId);
  }

  drop(entryId: number): void {
    this.db.prepare('DELETE FROM journal_entries WHERE id = ?').run(entryId);
  }

  /** The operation is over: whatever is still written down was dealt with by the operation. */
  end(opId: number): void {
    this.taken.delete(opId);
    this.db.prepare('DELETE FROM journal_ops WHERE id = ?').run(opId);
  }

  /**
   * Takes an orphaned operation over, atomically: of two processes putting things right at once
   * (the app and a CLI command after a crash), only one gets it.
   */
  claim(opId: number, from: string): boolean {
    if (from === this.owner && this.taken.has(opId)) return true;
    const won =
      this.db
        .prepare('UPDATE journal_ops SET owner = ? WHERE id = ? AND owner = ?')
        .run(this.owner, opId, from).changes === 1;
    if (won) this.taken.add(opId);
    return won;
  }

  /**
   * An operation of this process that could not finish putting itself right (an engine it needs
   * does not answer): its lines are left to recovery, which acts when that engine is online again.
   */
  leaveToRecovery(opId: number): void {
    this.taken.add(opId);
  }

  /** Whether an operation still has lines (anywhere). */
  hasLines(opId: number): boolean {
    return Boolean(this.db.prepare('SELECT 1 FROM journal_entries WHERE op_id = ? LIMIT 1').get(opId));
  }

  /** Lines on an engine whose process is gone, oldest first. */
  orphaned(engineId: string, now = Date.now()): JournalEntry[] {
    const rows = this.db
      .prepare(
        `SELECT e.id, e.op_id, o.kind, o.summary, o.owner, o.started_at, e.engine_id, e.action, e.ref,
                e.checkpoint, e.label, e.created_at
         FROM journal_entries e JOIN journal_ops o ON o.id = e.op_id
         WHERE e.engine_id = ? ORDER BY e.id`,
      )
      .all(engineId) as {
      id: number;
      op_id: number;
      kind: string;
      summary: string;
      owner: string;
      started_at: number;
      engine_id: string;
      action: JournalAction;
      ref: string;
      checkpoint: string | null;
      label: string;
      created_at: number;
    }[];
    return rows
      .filter((r) => this.taken.has(r.op_id) || ownerGone(r.owner, r.started_at, now))
      .map((r) => ({
        id: r.id,
        opId: r.op_id,
        owner: r.owner,
        kind: r.kind,
        summary: r.summary,
        engineId: r.engine_id,
        action: r.action,
        ref: r.ref,
        checkpoint: r.checkpoint,
        label: r.label,
        createdAt: r.created_at,
      }));
  }

  /** Operations of gone processes with nothing left to do. */
  dropFinished(now = Date.now()): void {
    const idle = this.db
      .prepare(
        'SELECT id, owner, started_at FROM journal_ops WHERE id NOT IN (SELECT DISTINCT op_id FROM journal_entries)',
      )
      .all() as { id: number; owner: string; started_at: number }[];
    for (const o of idle) if (ownerGone(o.owner, o.started_at, now)) this.end(o.id);
  }
}
