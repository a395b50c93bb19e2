// Checkpoint, list, restore and delete, with the catalog kept in step. The rules users rely on:
// a failed checkpoint leaves the container running and the catalog as it was; a failed restore
// leaves the checkpoint intact; every failure says why, with CRIU's own words when it has them.
import type { CheckpointRecordT, RestoreResultT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import type { EventBus } from '../ipc/event-bus';
import type { EngineRegistry } from '../engines/engine-registry';
import { EngineHttpError } from '../engines/docker/docker-http';
import { CriuFailure } from '../engines/docker/docker-checkpoints';
import { PodmanCriuFailure } from '../engines/podman/libpod';
import type { EngineConnection } from '../engines/engine-connection';
import type { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import { inspectCheckpoint } from '../criu/inspect';
import type { InspectionT } from '../ipc/contract';
import { likelyCause } from './criu-diagnosis';
import type { CheckpointBackend } from './backends/backend';
import type { DockerBackend } from './backends/docker-backend';
import type { PodmanBackend } from './backends/podman-backend';
import { checkpointCapableEngine, ContainerLocks, resolveContainer, type Target } from './container-target';
import type { CapabilityService } from '../capabilities/capability-service';
import { bringLoopbackUp, shouldRepairLoopback } from './loopback';
import type { Journal } from '../catalog/journal';
import type { Cancellation } from '../app/cancellation';

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

export interface RestoreOptions {
  engineId: string;
  container: string;
  checkpoint?: string | undefined;
  replaceRunning: boolean;
  opId?: string | undefined;
}

function freeName(base: string, taken: string[]): string {
  let name = base;
  for (let i = 2; taken.includes(name); i++) name = `${base}-${i}`;
  return name;
}

/** A name nobody typed: sortable and readable, e.g. cp-20261129-142501. */
export function defaultCheckpointName(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `cp-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

export class CheckpointService {
  readonly locks = new ContainerLocks();
  private scans: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly registry: EngineRegistry,
    private readonly catalog: CheckpointCatalog,
    private readonly bus: EventBus,
    private readonly backends: { docker: DockerBackend; podman: PodmanBackend },
    readonly capabilities: CapabilityService,
    readonly journal: Journal,
    readonly cancellation: Cancellation,
    /** Read a new checkpoint's files (sizes, processes) in the background right after it is made. */
    private readonly options: { scanAfterCreate: boolean } = { scanAfterCreate: true },
  ) {}

  private progress(
    opId: string | undefined,
    kind: 'checkpoint' | 'restore',
    message: string,
    done = false,
  ): void {
    if (opId) this.bus.emit('operation.progress', { opId, kind, message, done });
  }

  private changed(engineId: string, containerId: string): void {
    this.bus.emit('catalog.changed', { engineId, containerId });
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
    if (
      (o.tcpEstablished && !backend.supports.tcpEstablished) ||
      (o.fileLocks && !backend.supports.fileLocks)
    ) {
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
    const state = t.info.State;
    if (!state?.Running || state.Paused) {
      throw new StudioError(
        'conflict',
        `Container ${t.name} is ${state?.Paused ? 'paused' : (state?.Status ?? 'not running')}: only a running container can be checkpointed.`,
        {
          hint: state?.Paused ? 'Unpause it first.' : 'Start it first, or restore one of its checkpoints.',
        },
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
      this.progress(
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
        const err = await this.explainFailure(t, e, 'checkpoint');
        this.log('checkpoint', t, name, started, err);
        this.progress(o.opId, 'checkpoint', err.message, true);
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
      this.log('checkpoint', t, name, started, null, { leaveRunning: o.leaveRunning, durationMs });
      this.progress(o.opId, 'checkpoint', `Checkpoint ${name} saved in ${durationMs} ms.`, true);
      this.changed(o.engineId, t.id);
      void t.conn.touch(t.id);
      // Sizes, processes and stats come from the files; the checkpoint itself is done already.
      if (this.options.scanAfterCreate) this.queueScan(t, [name]);
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
      this.changed(engineId, id);
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
      this.changed(engineId, t.id);
    const unscanned = this.catalog.unscanned(engineId, t.id).map((r) => r.name);
    if (unscanned.length) this.queueScan(t, unscanned);
    if (waitForNew && names.some((n) => !known.has(n))) await this.idle();
  }

  async restore(o: RestoreOptions): Promise<RestoreResultT> {
    const t = await this.target(o.engineId, o.container);
    return this.locks.run(o.engineId, t.id, 'restore', async () => {
      const backend = this.backend(t.conn);
      const names = await backend.list(t);
      if (names.length === 0) {
        throw new StudioError('not-found', `${t.name} has no checkpoints to restore.`, {
          hint: 'Make one first.',
        });
      }
      let name = o.checkpoint;
      if (!name) {
        this.catalog.reconcile(o.engineId, { id: t.id, name: t.name, image: t.imageName }, names);
        const newest = this.catalog
          .list(o.engineId, t.id)
          .filter((r) => r.status === 'present' && names.includes(r.name))
          .sort((a, b) => b.createdAt - a.createdAt)[0];
        name = newest?.name ?? names[names.length - 1]!;
      } else if (!names.includes(name)) {
        throw new StudioError('not-found', `${t.name} has no checkpoint named "${name}".`, {
          hint: `Its checkpoints: ${names.join(', ')}.`,
        });
      }
      const state = t.info.State;
      const running = Boolean(state?.Running);
      if (running && !o.replaceRunning) {
        throw new StudioError(
          'conflict',
          `${t.name} is running: restoring "${name}" replaces its current state, which is lost unless you checkpoint it first.`,
          {
            hint: 'Confirm to stop it and restore (the CLI: --force).',
          },
        );
      }
      // Before anything is stopped: an engine measured to fail this restore is refused here.
      const { kind, caps } = await this.capabilities.require(t.conn, t.info, 'restore', () =>
        this.progress(
          o.opId,
          'restore',
          `Measuring what ${t.conn.spec.name} can do (once per engine version)…`,
        ),
      );
      let safety: string | null = null;
      let started = Date.now();
      let restoredId = t.id;
      const { signal, end } = this.cancellation.begin(o.opId);
      // Written down before anything is stopped: a crash from here on is put right at the next start.
      const jop = running ? this.journal.begin('restore', `${name} into ${t.name}`) : null;
      try {
        if (jop !== null) {
          // The state being replaced is saved first, so that a restore that fails loses nothing.
          safety = `before-restore-${Date.now().toString(36)}`;
          const line = this.journal.add(jop, {
            engineId: o.engineId,
            action: 'bring-back',
            ref: t.id,
            checkpoint: safety,
            label: t.name,
          });
          this.progress(
            o.opId,
            'restore',
            `Saving ${t.name}'s current state (a safety checkpoint), then stopping it…`,
          );
          try {
            await backend.create(t, safety, { leaveRunning: false, tcpEstablished: false, fileLocks: false });
          } catch {
            // Its state cannot be saved (what it holds, CRIU cannot dump): a plain stop, as confirmed.
            safety = null;
            this.journal.drop(line);
            this.journal.add(jop, { engineId: o.engineId, action: 'bring-back', ref: t.id, label: t.name });
            this.progress(o.opId, 'restore', `Stopping ${t.name}…`);
            await t.conn.engine.http.json({
              method: 'POST',
              path: `/containers/${t.id}/stop`,
              query: { t: 0 },
              ok: [204, 304],
              timeoutMs: 60_000,
            });
          }
          if (signal.aborted) {
            const back = await this.bringBack(t, safety, o.opId);
            const err = new StudioError(
              'cancelled',
              `The restore of ${name} into ${t.name} was cancelled. ${back}`,
            );
            this.log('restore', t, name, Date.now(), err);
            this.progress(o.opId, 'restore', err.message, true);
            throw err;
          }
        }
        this.progress(o.opId, 'restore', `Restoring ${name} into ${t.name}…`);
        started = Date.now();
        try {
          restoredId = await backend.restoreInPlace(t, name);
        } catch (e) {
          const back = running ? await this.bringBack(t, safety, o.opId) : undefined;
          const err = await this.explainFailure(t, e, 'restore', back);
          this.log('restore', t, name, started, err);
          this.progress(o.opId, 'restore', err.message, true);
          throw err;
        }
      } finally {
        end();
        if (jop !== null) this.journal.end(jop);
      }
      const durationMs = Date.now() - started;
      if (safety) {
        const now = { ...t, id: restoredId };
        await backend.remove(now, safety).catch(() => undefined);
      }
      let loopbackRepaired = false;
      if (shouldRepairLoopback(this.capabilities.loopbackComesBackDown(caps, kind, 'restore'), kind)) {
        loopbackRepaired = (await bringLoopbackUp(t.conn, restoredId)) === 'brought-up';
      }
      this.log('restore', t, name, started, null, { durationMs, replaced: running, loopbackRepaired });
      await t.conn.touch(restoredId);
      const container = await t.conn.engine.containerSummary(restoredId);
      if (!container) throw new StudioError('internal', `${t.name} disappeared during the restore`);
      this.progress(
        o.opId,
        'restore',
        `Restored ${name} into ${t.name} in ${durationMs} ms.${loopbackRepaired ? ' Its loopback came back down, as this engine leaves it; it is up again.' : ''}`,
        true,
      );
      return { container, checkpoint: name, durationMs, replaced: running, loopbackRepaired };
    });
  }

  /**
   * After a failed restore of a container that was running: back to running, from the safety
   * checkpoint when it restores, else started as it was. Says what happened, in one sentence.
   */
  private async bringBack(t: Target, safety: string | null, opId: string | undefined): Promise<string> {
    const backend = this.backend(t.conn);
    if (safety) {
      this.progress(opId, 'restore', `Bringing ${t.name} back from the safety checkpoint…`);
      try {
        const id = await backend.restoreInPlace(t, safety);
        await backend.remove({ ...t, id }, safety).catch(() => undefined);
        void t.conn.touch(id);
        return `${t.name} is running again, from the state it had just before.`;
      } catch {
        // The engine restores nothing of this kind: keep the safety checkpoint, start it plainly.
      }
    }
    const started = await t.conn.engine.http
      .json({ method: 'POST', path: `/containers/${t.id}/start`, ok: [204, 304], timeoutMs: 60_000 })
      .then(
        () => true,
        () => false,
      );
    void t.conn.touch(t.id);
    if (safety) {
      this.catalog.add({
        engineId: t.conn.spec.id,
        containerId: t.id,
        containerName: t.name,
        image: t.imageName,
        name: safety,
        createdAt: Date.now(),
        mode: 'stopped',
        origin: 'manual',
        note: `Safety checkpoint: ${t.name}'s state just before a restore that failed.`,
        durationMs: null,
      });
      this.changed(t.conn.spec.id, t.id);
    }
    const kept = safety
      ? ` Its state from just before is kept as checkpoint "${safety}", which this engine could not restore either.`
      : '';
    return started
      ? `${t.name} was started again (fresh: it could not be restored).${kept}`
      : `${t.name} could not be started again: start it yourself.${kept}`;
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
      this.catalog.remove(engineId, row.containerId, name);
      this.changed(engineId, row.containerId);
      return true;
    }
    return this.locks.run(engineId, t.id, 'delete', async () => {
      const names = await this.backend(t.conn).list(t);
      if (!names.includes(name)) {
        const known = this.catalog.get(engineId, t.id, name);
        if (!known) {
          throw new StudioError('not-found', `${t.name} has no checkpoint named "${name}".`, {
            hint: names.length ? `Its checkpoints: ${names.join(', ')}.` : 'It has none.',
          });
        }
        // Gone from the engine already: forget it.
        this.catalog.remove(engineId, t.id, name);
        this.changed(engineId, t.id);
        return true;
      }
      await this.backend(t.conn).remove(t, name);
      this.catalog.remove(engineId, t.id, name);
      this.changed(engineId, t.id);
      return true;
    });
  }

  async setNote(engineId: string, ref: string, name: string, note: string): Promise<CheckpointRecordT> {
    const t = await this.target(engineId, ref);
    await this.reconcile(t);
    const record = this.catalog.setNote(engineId, t.id, name, note);
    if (!record) throw new StudioError('not-found', `${t.name} has no checkpoint named "${name}".`);
    this.changed(engineId, t.id);
    return record;
  }

  /** Decodes a checkpoint's images (not its pages) through a helper container. */
  async scan(t: Target, name: string): Promise<InspectionT> {
    return inspectCheckpoint(this.backend(t.conn).source(t, name));
  }

  private queueScan(t: Target, names: string[]): void {
    const engineId = t.conn.spec.id;
    this.scans = this.scans.then(async () => {
      for (const name of names) {
        try {
          const summary = await this.scan(t, name);
          const record = this.catalog.get(engineId, t.id, name);
          const createdAt = record?.origin === 'external' ? (summary.dumpedAt ?? undefined) : undefined;
          this.catalog.saveScan(engineId, t.id, name, summary, createdAt);
          this.changed(engineId, t.id);
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

  /** `after`: what the app did about it since, when that is what the user needs to know. */
  private async explainFailure(
    t: Target,
    e: unknown,
    what: 'checkpoint' | 'restore',
    after?: string,
  ): Promise<StudioError> {
    if (e instanceof StudioError) return e;
    const details: string[] = [];
    let engineMessage = e instanceof Error ? e.message : String(e);
    if (e instanceof CriuFailure || e instanceof PodmanCriuFailure) {
      engineMessage = e.engineMessage;
      details.push(...(await this.backend(t.conn).failureLog(t, e)));
    } else if (e instanceof EngineHttpError) {
      engineMessage = e.engineMessage;
    }
    if (details.length === 0) details.push(engineMessage);
    const cause = likelyCause(details.join('\n'), engineMessage);
    // Say in what state the container is now: that is what the user worries about.
    let now = await t.conn.engine.inspect(t.id).catch(() => null);
    // containerd pauses the task around a dump and resumes it after; when CRIU dies half-way the
    // resume fails and the engine is left marking a running container "paused". Try to resume it.
    let stalePause = false;
    if (what === 'checkpoint' && now?.State?.Paused && !t.info.State?.Paused) {
      const resumed = await t.conn.engine.http
        .json({ method: 'POST', path: `/containers/${t.id}/unpause`, ok: [204], timeoutMs: 15_000 })
        .then(
          () => true,
          () => false,
        );
      if (resumed) now = await t.conn.engine.inspect(t.id).catch(() => null);
      else stalePause = true;
    }
    void t.conn.touch(t.id);
    const stateLine =
      what === 'checkpoint'
        ? stalePause
          ? `${t.name}'s processes run again, but the engine still marks it paused (it lost track when CRIU stopped half-way); nothing was saved. Restarting dockerd clears the mark.`
          : now?.State?.Running
            ? `${t.name} is still running; nothing was saved.`
            : `${t.name} is ${now?.State?.Status ?? 'in an unknown state'}.`
        : `The checkpoint is intact; ${after ?? `${t.name} is ${now?.State?.Status ?? 'in an unknown state'}.`}`;
    const verb = what === 'checkpoint' ? 'Checkpoint' : 'Restore';
    return new StudioError(
      'criu-failed',
      `${verb} of ${t.name} failed${cause ? `: ${cause.cause}` : ''}. ${stateLine}`,
      {
        hint:
          cause?.hint ??
          (e instanceof CriuFailure || e instanceof PodmanCriuFailure
            ? "The lines below are from CRIU's log."
            : "See the engine's message below."),
        details,
        cause: e,
      },
    );
  }

  private log(
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
