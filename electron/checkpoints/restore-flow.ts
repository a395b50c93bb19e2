// Restoring a checkpoint into its own container. A running container is replaced only when the
// user confirmed it, and only after its state is saved as a safety checkpoint (that is how it is
// stopped); a failed restore brings it back from there, or starts it again and keeps that
// checkpoint. Either way the checkpoint being restored stays intact.
import type { RestoreResultT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import type { Journal } from '../catalog/journal';
import type { Cancellation } from '../app/cancellation';
import type { CheckpointBackend } from './backends/backend';
import type { CapabilityGate, CheckpointRecords } from './checkpoint-deps';
import type { Target } from './container-target';
import { startAgain, stopNow } from './container-calls';
import { explainFailure } from './failure-explanation';
import { bringLoopbackUp, shouldRepairLoopback } from './loopback';
import type { OperationReport } from './operation-report';

export interface RestoreOptions {
  engineId: string;
  container: string;
  checkpoint?: string | undefined;
  replaceRunning: boolean;
  opId?: string | undefined;
}

export class RestoreFlow {
  constructor(
    private readonly catalog: Pick<CheckpointRecords, 'add' | 'list' | 'reconcile'>,
    private readonly report: OperationReport,
    private readonly backendOf: (t: Target) => CheckpointBackend,
    private readonly capabilities: CapabilityGate,
    private readonly journal: Pick<Journal, 'begin' | 'add' | 'drop' | 'end'>,
    private readonly cancellation: Pick<Cancellation, 'begin'>,
  ) {}

  /** Runs with the container's lock held. */
  async run(t: Target, o: RestoreOptions): Promise<RestoreResultT> {
    const backend = this.backendOf(t);
    const name = this.choose(t, o, await backend.list(t));
    const running = Boolean(t.info.State?.Running);
    if (running && !o.replaceRunning) {
      throw new StudioError(
        'conflict',
        `${t.name} is running: restoring "${name}" replaces its current state, which is lost unless you checkpoint it first.`,
        { hint: 'Confirm to stop it and restore (the CLI: --force).' },
      );
    }
    // Before anything is stopped: an engine measured to fail this restore is refused here.
    const { kind, caps } = await this.capabilities.require(t.conn, t.info, 'restore', () =>
      this.report.progress(
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
        safety = await this.saveAndStop(t, o, jop);
        if (signal.aborted) {
          const back = await this.bringBack(t, safety, o.opId);
          throw this.failed(
            t,
            name,
            Date.now(),
            o,
            new StudioError('cancelled', `The restore of ${name} into ${t.name} was cancelled. ${back}`),
          );
        }
      }
      this.report.progress(o.opId, 'restore', `Restoring ${name} into ${t.name}…`);
      started = Date.now();
      try {
        restoredId = await backend.restoreInPlace(t, name);
      } catch (e) {
        const back = running ? await this.bringBack(t, safety, o.opId) : undefined;
        throw this.failed(t, name, started, o, await explainFailure(backend, t, e, 'restore', back));
      }
    } finally {
      end();
      if (jop !== null) this.journal.end(jop);
    }
    const durationMs = Date.now() - started;
    if (safety) await backend.remove({ ...t, id: restoredId }, safety).catch(() => undefined);
    let loopbackRepaired = false;
    if (shouldRepairLoopback(this.capabilities.loopbackComesBackDown(caps, kind, 'restore'), kind)) {
      loopbackRepaired = (await bringLoopbackUp(t.conn, restoredId)) === 'brought-up';
    }
    this.report.log('restore', t, name, started, null, { durationMs, replaced: running, loopbackRepaired });
    await t.conn.touch(restoredId);
    const container = await t.conn.engine.containerSummary(restoredId);
    if (!container) throw new StudioError('internal', `${t.name} disappeared during the restore`);
    this.report.progress(
      o.opId,
      'restore',
      `Restored ${name} into ${t.name} in ${durationMs} ms.${loopbackRepaired ? ' Its loopback came back down, as this engine leaves it; it is up again.' : ''}`,
      true,
    );
    return { container, checkpoint: name, durationMs, replaced: running, loopbackRepaired };
  }

  /** The checkpoint asked for, or the newest the engine still has. */
  private choose(t: Target, o: RestoreOptions, names: string[]): string {
    if (names.length === 0) {
      throw new StudioError('not-found', `${t.name} has no checkpoints to restore.`, {
        hint: 'Make one first.',
      });
    }
    if (o.checkpoint) {
      if (names.includes(o.checkpoint)) return o.checkpoint;
      throw new StudioError('not-found', `${t.name} has no checkpoint named "${o.checkpoint}".`, {
        hint: `Its checkpoints: ${names.join(', ')}.`,
      });
    }
    this.catalog.reconcile(o.engineId, { id: t.id, name: t.name, image: t.imageName }, names);
    const newest = this.catalog
      .list(o.engineId, t.id)
      .filter((r) => r.status === 'present' && names.includes(r.name))
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    return newest?.name ?? names[names.length - 1]!;
  }

  /**
   * The state being replaced is saved first, so that a restore that fails loses nothing; the
   * safety checkpoint's name, or null when CRIU could not dump it and it was plainly stopped.
   */
  private async saveAndStop(t: Target, o: RestoreOptions, jop: number): Promise<string | null> {
    const safety = `before-restore-${Date.now().toString(36)}`;
    const bringBack = { engineId: o.engineId, action: 'bring-back', ref: t.id, label: t.name } as const;
    const line = this.journal.add(jop, { ...bringBack, checkpoint: safety });
    this.report.progress(
      o.opId,
      'restore',
      `Saving ${t.name}'s current state (a safety checkpoint), then stopping it…`,
    );
    try {
      await this.backendOf(t).create(t, safety, {
        leaveRunning: false,
        tcpEstablished: false,
        fileLocks: false,
      });
      return safety;
    } catch {
      // Its state cannot be saved (what it holds, CRIU cannot dump): a plain stop, as confirmed.
      this.journal.drop(line);
      this.journal.add(jop, bringBack);
      this.report.progress(o.opId, 'restore', `Stopping ${t.name}…`);
      await stopNow(t.conn, t.id);
      return null;
    }
  }

  private failed(
    t: Target,
    name: string,
    startedAt: number,
    o: RestoreOptions,
    err: StudioError,
  ): StudioError {
    this.report.log('restore', t, name, startedAt, err);
    this.report.progress(o.opId, 'restore', err.message, true);
    return err;
  }

  /**
   * After a failed restore of a container that was running: back to running, from the safety
   * checkpoint when it restores, else started as it was. Says what happened, in one sentence.
   */
  private async bringBack(t: Target, safety: string | null, opId: string | undefined): Promise<string> {
    const backend = this.backendOf(t);
    if (safety) {
      this.report.progress(opId, 'restore', `Bringing ${t.name} back from the safety checkpoint…`);
      try {
        const id = await backend.restoreInPlace(t, safety);
        await backend.remove({ ...t, id }, safety).catch(() => undefined);
        void t.conn.touch(id);
        return `${t.name} is running again, from the state it had just before.`;
      } catch {
        // The engine restores nothing of this kind: keep the safety checkpoint, start it plainly.
      }
    }
    const started = await startAgain(t.conn, t.id);
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
      this.report.changed(t.conn.spec.id, t.id);
    }
    const kept = safety
      ? ` Its state from just before is kept as checkpoint "${safety}", which this engine could not restore either.`
      : '';
    return started
      ? `${t.name} was started again (fresh: it could not be restored).${kept}`
      : `${t.name} could not be started again: start it yourself.${kept}`;
  }
}
