// Moves a running container from one Docker engine to another and lets it go on where it stopped:
// check the target can take it, bring the image over if it lacks it (streamed save → load),
// create the container there, checkpoint the source, carry its file system changes and the
// checkpoint (through helper containers, the engine API only), restore, confirm it runs, then
// remove or keep the source. Any failure brings the source back running from its checkpoint and
// leaves nothing half-made on the target.
import type { MigrateStageT, MigrationResultT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import { checkpointsDir, type Target } from '../checkpoints/container-target';
import { shouldRepairLoopback } from '../checkpoints/loopback';
import type { EngineConnection } from '../engines/engine-connection';
import { dockerMigrationEngine } from './docker-migration-engine';
import { checkMigration, type MigrationCheck } from './migration-check';
import { migrationFailure } from './migration-failure';
import type {
  Carry,
  MigrationCatalog,
  MigrationCheckpoints,
  MigrationEngine,
  MigrationEngines,
  MigrationEvents,
} from './migration-ports';
import { filesDetail, MigrationStages } from './migration-stages';
import { rollBack } from './rollback';
import { DEFAULT_STALL_MS, watched } from './transfer-watch';

export { STAGES } from './migration-stages';

export interface MigrateOptions {
  engineId: string;
  container: string;
  to: string;
  keepSource: boolean;
  opId?: string | undefined;
  /** A transfer that moves nothing for this long is given up (a cut connection never fails by itself). */
  stallMs?: number;
}

/** Seams for tests that need a real failure at a given point (a damaged checkpoint on the target). */
export interface MigrationHooks {
  afterTransfer?(target: {
    engine: EngineConnection;
    containerId: string;
    checkpointsDir: string;
    name: string;
  }): Promise<void>;
}

/** What a move has made or stopped so far: what a rollback has to undo. */
interface Made {
  loadedImage: boolean;
  /** The image the target called by the same name before the load, to name it so again on rollback. */
  nameWasOn: string | null;
  targetId: string | null;
  /** Set while a create is under way: one that failed on the wire may still have made it. */
  createStarted: number;
  checkpointed: boolean;
  restoring: boolean;
  bringBackLine: number | null;
  frozenAt: number;
  runningAt: number;
}

export class MigrationService {
  constructor(
    private readonly engines: MigrationEngines,
    private readonly checkpoints: MigrationCheckpoints,
    private readonly catalog: MigrationCatalog,
    private readonly bus: MigrationEvents,
    private readonly hooks: MigrationHooks = {},
    private readonly engine: MigrationEngine = dockerMigrationEngine,
  ) {}

  /** What would stop a migration, without touching anything. */
  async check(o: MigrateOptions): Promise<MigrationCheck> {
    return checkMigration({ engines: this.engines, checkpoints: this.checkpoints, engine: this.engine }, o);
  }

  async run(o: MigrateOptions): Promise<MigrationResultT> {
    const { signal, end } = this.checkpoints.cancellation.begin(o.opId);
    const stages = new MigrationStages(this.bus, o.opId, signal);
    const started = Date.now();
    try {
      const c = await stages
        .run('check', 'Checking the target…', async (s) => {
          const c = await this.check(o);
          s.detail = c.problems.length ? c.problems.join('; ') : `${c.target.spec.name} can take it`;
          if (c.problems.length) {
            throw new StudioError('conflict', `Cannot migrate: ${c.problems[0]}.`, {
              details: c.problems,
              hint: 'Nothing was changed on either engine.',
            });
          }
          return c;
        })
        .catch((e) => {
          end();
          stages.emit(e instanceof Error ? e.message : String(e), true);
          throw e;
        });
      return await this.checkpoints.locks.run(o.engineId, c.source.id, 'migrate', () =>
        this.move(o, c, stages, signal, end, started),
      );
    } finally {
      // Refused by the lock, failed, or done: the operation is no longer cancellable.
      end();
    }
  }

  private async move(
    o: MigrateOptions,
    { source, target, imagePresent }: MigrationCheck,
    stages: MigrationStages,
    signal: AbortSignal,
    end: () => void,
    started: number,
  ): Promise<MigrationResultT> {
    const { engine } = this;
    const journal = this.checkpoints.journal;
    const stallMs = o.stallMs ?? DEFAULT_STALL_MS;
    const carry =
      (s: MigrateStageT): Carry =>
      (fn) =>
        watched((n) => (s.bytes += n), stallMs, signal, fn);
    const name = `migrate-${Date.now()}`;
    const made: Made = {
      loadedImage: false,
      nameWasOn: null,
      targetId: null,
      createStarted: 0,
      checkpointed: false,
      restoring: false,
      bringBackLine: null,
      frozenAt: 0,
      runningAt: 0,
    };
    // What a crash would leave, written down first: the copy on the target, the stopped source.
    const jop = journal.begin('migration', `${source.name} to ${target.spec.name}`);
    let targetId = '';
    try {
      const imageNote = imagePresent ? 'The image is already there.' : 'Transferring the image…';
      await stages.run('image', imageNote, async (s) => {
        if (imagePresent) {
          s.state = 'skipped';
          s.detail = 'already on the target';
          return;
        }
        await carry(s)(async (watch) => {
          const saved = await engine.saveImage(source.conn, source.imageName, watch.signal);
          made.nameWasOn = await engine.imageIdByName(target, source.imageName);
          made.loadedImage = true;
          await engine.loadImage(target, saved.pipe(watch.meter), watch.signal);
        });
        s.detail = `${source.imageName} loaded`;
      });

      targetId = await stages.run('create', `Creating ${source.name} on ${target.spec.name}…`, async () => {
        made.createStarted = Date.now();
        const line = journal.add(jop, {
          engineId: target.spec.id,
          action: 'remove-container',
          ref: source.name,
          label: `the half-moved copy of ${source.name}`,
        });
        const id = await engine.createLike(target, source);
        journal.setRef(line, id);
        return id;
      });
      made.targetId = targetId;
      made.createStarted = 0;

      const talking = await engine.wasTalking(source.conn, source.id, Date.now());
      await stages.run('checkpoint', `Checkpointing ${source.name}…`, async () => {
        made.frozenAt = Date.now();
        made.bringBackLine = journal.add(jop, {
          engineId: source.conn.spec.id,
          action: 'bring-back',
          ref: source.id,
          checkpoint: name,
          label: source.name,
        });
        await this.checkpoints
          .backend(source.conn)
          .create(source, name, { leaveRunning: false, tcpEstablished: false, fileLocks: false });
        made.checkpointed = true;
      });

      await stages.run('files', 'Carrying file system changes…', async (s) => {
        s.detail = filesDetail(await engine.carryFiles(source, target, targetId, carry(s), signal));
      });

      await stages.run('transfer', 'Carrying the checkpoint…', async (s) => {
        const exported = () => this.checkpoints.backend(source.conn).exportTar(source, name);
        await engine.carryCheckpoint(source, target, targetId, name, exported, carry(s), stallMs);
        await this.hooks.afterTransfer?.({
          engine: target,
          containerId: targetId,
          checkpointsDir: checkpointsDir(target, targetId),
          name,
        });
      });

      await stages.run('restore', `Restoring on ${target.spec.name}…`, async (s) => {
        made.restoring = true;
        await engine.startFromCheckpoint(target, targetId, name);
        made.runningAt = Date.now();
        const kind = await engine.networkKind(target, source.info);
        const caps = await this.checkpoints.capabilities.ensure(target.spec.id).catch(() => null);
        const down = this.checkpoints.capabilities.loopbackComesBackDown(caps, kind, 'clone');
        if (
          shouldRepairLoopback(down, kind) &&
          (await engine.bringLoopbackUp(target, targetId)) === 'brought-up'
        )
          s.detail = 'its loopback came back down, as this engine leaves it; brought up again';
      });

      await stages.run('verify', 'Checking it runs…', async (s) => {
        const verdict = await engine.confirmRunning(target, targetId, talking);
        if (!verdict.ok) throw new Error(`${verdict.why} on ${target.spec.name}`);
        s.detail =
          verdict.note ?? (verdict.how === 'output' ? 'running, and writing output again' : 'running');
      });
      // It runs on the target: from here on a crash leaves a moved container, not a half-moved one.
      journal.end(jop);
    } catch (e) {
      const err = await this.undo(e, o, source, target, name, made, jop, end);
      this.log(o, source, started, err, stages.list);
      stages.emit(err.message, true);
      throw err;
    }
    end();

    const finishNote = o.keepSource ? 'Keeping the source, stopped.' : 'Removing the source…';
    await stages.run('finish', finishNote, async (s) => {
      await engine.deleteCheckpoint(target, targetId, name).catch(() => undefined);
      if (o.keepSource) {
        s.detail = `${source.name} kept, stopped, on ${source.conn.spec.name}`;
      } else {
        await engine.removeContainer(source.conn, source.id);
        s.detail = `${source.name} removed from ${source.conn.spec.name}`;
      }
    });
    void target.touch(targetId);
    void source.conn.touch(source.id);
    this.log(o, source, started, null, stages.list);
    stages.emit(`${source.name} runs on ${target.spec.name}.`, true);
    return {
      ok: true,
      targetEngineId: target.spec.id,
      targetContainerId: targetId,
      durationMs: Date.now() - started,
      downtimeMs: made.runningAt - made.frozenAt,
      stages: stages.list,
    };
  }

  /** Puts back what the move made and stopped; resolves with the error that says how that went. */
  private async undo(
    e: unknown,
    o: MigrateOptions,
    source: Target,
    target: EngineConnection,
    name: string,
    made: Made,
    jop: number,
    end: () => void,
  ): Promise<StudioError> {
    const journal = this.checkpoints.journal;
    const undone = { kept: null as string | null, sourceAway: false, leftOnTarget: false };
    try {
      const back = await rollBack(this.engine, this.catalog, source, target, {
        targetId: made.targetId,
        uncertainSince: made.targetId ? 0 : made.createStarted,
        running: made.restoring,
        loadedImage: made.loadedImage ? { was: made.nameWasOn } : null,
        checkpoint: made.checkpointed ? name : null,
      });
      undone.kept = back.kept;
      undone.sourceAway = !back.sourceRunning;
      if (back.targetClean && back.sourceRunning) journal.end(jop);
      else {
        // What could not be put right now (an engine that does not answer) waits in the
        // journal, and this process finishes it as soon as that engine answers again.
        if (back.sourceRunning && made.bringBackLine !== null) journal.drop(made.bringBackLine);
        journal.leaveToRecovery(jop);
        undone.leftOnTarget = !back.targetClean;
      }
    } catch {
      // The rollback itself failed half-way: its lines stay in the journal, and the next start
      // of the app or of a CLI command puts right what is left.
    } finally {
      end();
    }
    return migrationFailure(e, source, target, o.stallMs ?? DEFAULT_STALL_MS, undone);
  }

  private log(
    o: MigrateOptions,
    source: Target,
    startedAt: number,
    err: StudioError | null,
    stages: MigrateStageT[],
  ): void {
    this.catalog.logOperation({
      kind: 'migrate',
      engineId: o.engineId,
      containerId: source.id,
      startedAt,
      finishedAt: Date.now(),
      ok: !err,
      errorCode: err?.code ?? null,
      errorMessage: err?.message ?? null,
      detail: { to: o.to, keepSource: o.keepSource, stages },
    });
  }
}
