// Reading checkpoints' files (sizes, processes, stats) for the catalog, one after another in the
// background: a checkpoint is done before its files are read, and a listing never waits for them
// unless it asks to.
import type { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import { inspectCheckpoint } from '../criu/inspect';
import type { InspectionT } from '../ipc/contract';
import type { CheckpointBackend } from './backends/backend';
import type { Target } from './container-target';
import type { OperationReport } from './operation-report';

export class CheckpointScans {
  private scans: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly catalog: Pick<CheckpointCatalog, 'get' | 'saveScan'>,
    private readonly report: OperationReport,
    private readonly backendOf: (t: Target) => CheckpointBackend,
  ) {}

  /** Decodes a checkpoint's images (not its pages) through a helper container. */
  scan(t: Target, name: string): Promise<InspectionT> {
    return inspectCheckpoint(this.backendOf(t).source(t, name));
  }

  queue(t: Target, names: string[]): void {
    const engineId = t.conn.spec.id;
    this.scans = this.scans.then(async () => {
      for (const name of names) {
        try {
          const summary = await this.scan(t, name);
          const record = this.catalog.get(engineId, t.id, name);
          // A checkpoint made outside the app is dated by its own files, not by when it was found.
          const createdAt = record?.origin === 'external' ? (summary.dumpedAt ?? undefined) : undefined;
          this.catalog.saveScan(engineId, t.id, name, summary, createdAt);
          this.report.changed(engineId, t.id);
        } catch {
          // The checkpoint may be gone, or the engine busy: the next listing retries.
        }
      }
    });
  }

  /** Resolves when every queued scan is done (for the CLI and tests). */
  async idle(): Promise<void> {
    let current;
    do {
      current = this.scans;
      await current;
    } while (current !== this.scans);
  }
}
