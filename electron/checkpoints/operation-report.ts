// How a checkpoint operation tells the world what it did: progress lines for the UI, a nudge to
// re-read a container's checkpoints, and one row in the catalog's operations log.
import type { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import type { StudioError } from '../ipc/errors';
import type { Events } from './checkpoint-deps';
import type { Target } from './container-target';

export class OperationReport {
  constructor(
    private readonly bus: Events,
    private readonly catalog: Pick<CheckpointCatalog, 'logOperation'>,
  ) {}

  progress(opId: string | undefined, kind: 'checkpoint' | 'restore', message: string, done = false): void {
    if (opId) this.bus.emit('operations.progressed', { opId, kind, message, done });
  }

  changed(engineId: string, containerId: string): void {
    this.bus.emit('catalog.changed', { engineId, containerId });
  }

  log(
    kind: string,
    t: Target,
    name: string,
    startedAt: number,
    err: StudioError | null,
    detail?: unknown,
  ): void {
    this.catalog.logOperation({
      kind,
      engineId: t.conn.spec.id,
      containerId: t.id,
      checkpointName: name,
      startedAt,
      finishedAt: Date.now(),
      ok: !err,
      errorCode: err?.code ?? null,
      errorMessage: err?.message ?? null,
      detail,
    });
  }
}
