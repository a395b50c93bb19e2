// The stages of one migration as the user sees them: each marked running, done, skipped or failed,
// timed, and sent as progress with the whole list; a cancellation between stages is a failure.
import { MigrateStage, type MigrateStageT } from '../ipc/contract';
import { engineMessage } from '../checkpoints/backends/docker-backend';
import { StudioError } from '../ipc/errors';
import type { FilesCarried, MigrationEvents } from './migration-ports';

export const STAGES = MigrateStage.shape.name.options;
export type StageName = (typeof STAGES)[number];

export class MigrationStages {
  readonly list: MigrateStageT[] = STAGES.map((name) => ({
    name,
    state: 'pending',
    bytes: 0,
    ms: 0,
    detail: '',
  }));

  constructor(
    private readonly bus: MigrationEvents,
    private readonly opId: string | undefined,
    private readonly signal: AbortSignal,
  ) {}

  emit(message: string, done = false): void {
    if (this.opId)
      this.bus.emit('operations.progressed', {
        opId: this.opId,
        kind: 'migrate',
        message,
        done,
        stages: this.list.map((s) => ({ ...s })),
      });
  }

  /** Runs one stage; `fn` may mark it skipped or say what it did in its detail. */
  async run<T>(n: StageName, message: string, fn: (s: MigrateStageT) => Promise<T>): Promise<T> {
    const s = this.list.find((x) => x.name === n)!;
    // Between stages a cancellation is a failure: what was done so far is undone. Once it runs on
    // the target the move is done; finishing it is not cancelled.
    if (this.signal.aborted && n !== 'finish') {
      s.state = 'failed';
      s.detail = 'cancelled';
      throw new StudioError('cancelled', 'cancelled');
    }
    s.state = 'running';
    this.emit(message);
    const t0 = Date.now();
    try {
      const v = await fn(s);
      s.ms = Date.now() - t0;
      if (s.state === 'running') s.state = 'done';
      return v;
    } catch (e) {
      s.ms = Date.now() - t0;
      s.state = 'failed';
      s.detail = engineMessage(e);
      throw e;
    }
  }
}

/** The files stage's detail: what was carried, and deletions that could not be made. */
export function filesDetail(f: FilesCarried): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const deleted = !f.deleted
    ? ''
    : f.notDeleted
      ? `; ${plural(f.deleted, 'path')} deleted in the source are still there: ${f.notDeleted}`
      : `; ${plural(f.deleted, 'deleted path')} deleted`;
  return `${plural(f.carried, 'changed path')} carried${deleted}`;
}
