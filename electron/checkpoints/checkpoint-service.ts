// Checkpoint, list, restore and delete, with the catalog kept in step. The rules users rely on:
// a failed checkpoint leaves the container running and the catalog as it was; a failed restore
// leaves the checkpoint intact; every failure says why, with CRIU's own words when it has them.
// The restore itself is restore-flow.ts; reading new checkpoints' files, checkpoint-scans.ts.
import type { CheckpointRecordT, InspectionT, RestoreResultT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import type { EngineConnection } from '../engines/engine-connection';
import type { Journal } from '../catalog/journal';
import type { Cancellation } from '../app/cancellation';
import type { CheckpointBackend } from './backends/backend';
import type { Backends, CapabilityGate, CheckpointRecords, EngineLookup, Events } from './checkpoint-deps';
import { checkpointCapableEngine, ContainerLocks, resolveContainer, type Target } from './container-target';
import { defaultCheckpointName, freeName } from './checkpoint-names';
import { CheckpointScans } from './checkpoint-scans';
import { explainFailure } from './failure-explanation';
import { OperationReport } from './operation-report';
import { RestoreFlow, type RestoreOptions } from './restore-flow';

export { defaultCheckpointName } from './checkpoint-names';
export type { RestoreOptions } from './restore-flow';

export interface CreateOptions {
  engineId: string;
  container: string;
  name?: string | undefined;
  leaveRunning: boolean;
  note?: string | undefined;
  tcpEstablished?: boolean;
  fileLocks?: boolean;
  origin?: CheckpointRecordT['origin'];
  opId?: string | undefined;
}

export class CheckpointService {
  readonly locks = new ContainerLocks();
  private readonly report: OperationReport;
  private readonly scans: CheckpointScans;
  private readonly restoring: RestoreFlow;

  constructor(
    private readonly registry: EngineLookup,
    private readonly catalog: CheckpointRecords,
    bus: Events,
    private readonly backends: Backends,
    readonly capabilities: CapabilityGate,
    readonly journal: Journal,
    readonly cancellation: Cancellation,
    /** Read a new checkpoint's files (sizes, processes) in the background right after it is made. */
    private readonly options: { scanAfterCreate: boolean } = { scanAfterCreate: true },
  ) {
    this.report = new OperationReport(bus, catalog);
    const backendOf = (t: Target) => this.backend(t.conn);
    this.scans = new CheckpointScans(catalog, this.report, backendOf);
    this.restoring = new RestoreFlow(catalog, this.report, backendOf, capabilities, journal, cancellation);
  }

  async target(engineId: string, ref: string): Promise<Target> {
    return resolveContainer(await checkpointCapableEngine(this.registry, engineId), ref);
  }

  /** The engine's way of keeping and restoring checkpoints (Docker's or Podman's). */
  backend(conn: EngineConnection): CheckpointBackend {
    return conn.identity?.kind === 'podman' ? this.backends.podman : this.backends.docker;
  }

  async create(o: CreateOptions): Promise<CheckpointRecordT> {
    const t = await this.target(o.engineId, o.container);
    const backend = this.backend(t.conn);
    refuseUnsupported(backend, o);
    const state = t.info.State;
    if (!state?.Running || state.Paused) {
      throw new StudioError(
        'conflict',
        `Container ${t.name} is ${state?.Paused ? 'paused' : (state?.Status ?? 'not running')}: only a running container can be checkpointed.`,
        { hint: state?.Paused ? 'Unpause it first.' : 'Start it first, or restore one of its checkpoints.' },
      );
    }
    return this.locks.run(o.engineId, t.id, 'checkpoint', async () => {
      const existing = await backend.list(t);
      // Two one-click checkpoints in one second: the second is cp-…-2, not a refusal.
      const name = o.name ?? freeName(defaultCheckpointName(), existing);
      if (existing.includes(name)) {
        throw new StudioError('conflict', `${t.name} already has a checkpoint named "${name}".`, {
          hint: 'Pick another name, or delete the old checkpoint first.',
        });
      }
      this.report.progress(
        o.opId,
        'checkpoint',
        `Checkpointing ${t.name}${o.leaveRunning ? ' (it keeps running)' : ''}…`,
      );
      const started = Date.now();
      try {
        await backend.create(t, name, {
          leaveRunning: o.leaveRunning,
          tcpEstablished: Boolean(o.tcpEstablished),
          fileLocks: Boolean(o.fileLocks),
        });
      } catch (e) {
        const err = await explainFailure(backend, t, e, 'checkpoint');
        this.report.log('checkpoint', t, name, started, err);
        this.report.progress(o.opId, 'checkpoint', err.message, true);
        throw err;
      }
      const durationMs = Date.now() - started;
      const record = this.catalog.add({
        engineId: o.engineId,
        containerId: t.id,
        containerName: t.name,
        image: t.imageName,
        name,
        createdAt: started,
        mode: o.leaveRunning ? 'running' : 'stopped',
        origin: o.origin ?? 'manual',
        note: o.note ?? '',
        durationMs,
      });
      this.report.log('checkpoint', t, name, started, null, { leaveRunning: o.leaveRunning, durationMs });
      this.report.progress(o.opId, 'checkpoint', `Checkpoint ${name} saved in ${durationMs} ms.`, true);
      this.report.changed(o.engineId, t.id);
      void t.conn.touch(t.id);
      // Sizes, processes and stats come from the files; the checkpoint itself is done already.
      if (this.options.scanAfterCreate) this.scans.queue(t, [name]);
      return record;
    });
  }

  /** Catalog records for a container (or the whole engine), after reconciling with the engine. */
  async list(engineId: string, ref?: string): Promise<CheckpointRecordT[]> {
    const conn = await checkpointCapableEngine(this.registry, engineId);
    if (ref) {
      const t = await resolveContainer(conn, ref);
      await this.reconcile(t, true);
      return this.catalog.list(engineId, t.id);
    }
    const live = conn.list();
    const liveIds = new Set(live.map((c) => c.id));
    let next = 0;
    const worker = async () => {
      while (next < live.length) {
        const c = live[next++]!;
        const t = await resolveContainer(conn, c.id).catch(() => null);
        if (t) await this.reconcile(t).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, live.length) }, worker));
    for (const id of this.catalog.markGoneExcept(engineId, liveIds)) {
      this.report.changed(engineId, id);
    }
    return this.catalog.list(engineId);
  }

  /**
   * `waitForNew`: checkpoints made outside the app are read before answering, so they are listed
   * with their own time from the first listing (not when the app happened to find them).
   */
  private async reconcile(t: Target, waitForNew = false): Promise<void> {
    // Mid-operation the engine's folder is in flux; the operation updates the catalog itself.
    if (this.locks.isBusy(t.conn.spec.id, t.id)) return;
    const names = await this.backend(t.conn).list(t);
    const engineId = t.conn.spec.id;
    const known = new Set(this.catalog.list(engineId, t.id).map((r) => r.name));
    if (this.catalog.reconcile(engineId, { id: t.id, name: t.name, image: t.imageName }, names))
      this.report.changed(engineId, t.id);
    const unscanned = this.catalog.unscanned(engineId, t.id).map((r) => r.name);
    if (unscanned.length) this.scans.queue(t, unscanned);
    if (waitForNew && names.some((n) => !known.has(n))) await this.idle();
  }

  async restore(o: RestoreOptions): Promise<RestoreResultT> {
    const t = await this.target(o.engineId, o.container);
    return this.locks.run(o.engineId, t.id, 'restore', () => this.restoring.run(t, o));
  }

  async remove(engineId: string, ref: string, name: string): Promise<boolean> {
    let t: Target;
    try {
      t = await this.target(engineId, ref);
    } catch (e) {
      // The container is gone (removed, migrated away): its "missing" rows can still be cleared.
      if (!(e instanceof StudioError) || e.code !== 'not-found') throw e;
      const row = this.catalog
        .list(engineId)
        .find(
          (r) =>
            r.name === name &&
            (r.containerName === ref || (ref.length >= 12 && r.containerId.startsWith(ref))),
        );
      if (!row) throw e;
      this.forget(engineId, row.containerId, name);
      return true;
    }
    return this.locks.run(engineId, t.id, 'delete', async () => {
      const names = await this.backend(t.conn).list(t);
      if (names.includes(name)) await this.backend(t.conn).remove(t, name);
      else if (!this.catalog.get(engineId, t.id, name)) {
        throw new StudioError('not-found', `${t.name} has no checkpoint named "${name}".`, {
          hint: names.length ? `Its checkpoints: ${names.join(', ')}.` : 'It has none.',
        });
      }
      // Gone from the engine (by us just now, or already): forget it.
      this.forget(engineId, t.id, name);
      return true;
    });
  }

  private forget(engineId: string, containerId: string, name: string): void {
    this.catalog.remove(engineId, containerId, name);
    this.report.changed(engineId, containerId);
  }

  async setNote(engineId: string, ref: string, name: string, note: string): Promise<CheckpointRecordT> {
    const t = await this.target(engineId, ref);
    await this.reconcile(t);
    const record = this.catalog.setNote(engineId, t.id, name, note);
    if (!record) throw new StudioError('not-found', `${t.name} has no checkpoint named "${name}".`);
    this.report.changed(engineId, t.id);
    return record;
  }

  /** Decodes a checkpoint's images (not its pages) through a helper container. */
  scan(t: Target, name: string): Promise<InspectionT> {
    return this.scans.scan(t, name);
  }

  /** Resolves when every queued scan is done (for the CLI and tests). */
  idle(): Promise<void> {
    return this.scans.idle();
  }
}

/** CRIU options the engine's API cannot pass are refused, not silently dropped. */
function refuseUnsupported(backend: CheckpointBackend, o: CreateOptions): void {
  const { supports } = backend;
  if (!(o.tcpEstablished && !supports.tcpEstablished) && !(o.fileLocks && !supports.fileLocks)) return;
  const what = [
    o.tcpEstablished && 'keeping established TCP connections',
    o.fileLocks && 'dumping file locks',
  ]
    .filter(Boolean)
    .join(' and ');
  throw new StudioError('unsupported', `Docker cannot checkpoint with ${what}.`, {
    hint: 'Docker\'s checkpoint API passes only "leave running" to runc; CRIU\'s --tcp-established and --file-locks cannot be asked for. Close the connections or release the locks first, or use a Podman engine, which supports both.',
  });
}
