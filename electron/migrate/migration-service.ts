// Moves a running container from one Docker engine to another and lets it go on where it stopped:
// check the target can take it, bring the image over if it lacks it (streamed save → load),
// create the container there, checkpoint the source, carry its file system changes and the
// checkpoint (through helper containers, the engine API only), restore, confirm it runs, then
// remove or keep the source. Any failure brings the source back running from its checkpoint and
// leaves nothing half-made on the target.
import path from 'node:path';
import type { MigrateStageT, MigrationResultT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import type { EventBus } from '../ipc/event-bus';
import type { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import type { CheckpointService } from '../checkpoints/checkpoint-service';
import {
  checkpointsDir,
  checkpointCapableEngine,
  resolveContainer,
  type Target,
} from '../checkpoints/container-target';
import { engineMessage, likeSource, removeContainer } from '../checkpoints/backends/docker-backend';
import { putArchive, singleFileTar, withHelper } from '../engines/docker/helper-container';
import { DEFAULT_STALL_MS, dropRestOnAbort, TransferStalled, watchTransfer } from './transfer-watch';
import { deleteOnTarget } from '../rootfs/deleted-files';
import { changedRoots } from '../rootfs/changed-roots';
import { rollBack } from './rollback';
import { confirmRunning, wasTalking } from './first-output';
import { likelyCause } from '../checkpoints/criu-diagnosis';
import { deleteCheckpoint, startFromCheckpoint } from '../engines/docker/docker-checkpoints';
import type { EngineRegistry } from '../engines/engine-registry';
import type { EngineConnection } from '../engines/engine-connection';
import { crossEngineRefusal, isEngineKind } from '../portable/cross-engine';
import { toolArch } from '../engines/tools/tool-program';
import { outcomeOf } from '../capabilities/capability-rules';
import { KIND_WORDS, networkKindOf } from '../capabilities/network-kind';
import { bringLoopbackUp, shouldRepairLoopback } from '../checkpoints/loopback';
import { carriedSettings } from '../checkpoints/carried-settings';

export const STAGES = [
  'check',
  'image',
  'create',
  'checkpoint',
  'files',
  'transfer',
  'restore',
  'verify',
  'finish',
] as const;
type StageName = (typeof STAGES)[number];

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

/** The id of the image `name` means on an engine, or null. */
async function imageIdByName(engine: EngineConnection, name: string): Promise<string | null> {
  if (!name || name.startsWith('sha256:')) return null;
  const img = await engine.engine.http
    .json<{ Id: string }>({
      method: 'GET',
      path: `/images/${encodeURIComponent(name)}/json`,
      ok: [200],
      timeoutMs: 10_000,
    })
    .catch(() => null);
  return img?.Id ?? null;
}

export class MigrationService {
  constructor(
    private readonly registry: EngineRegistry,
    private readonly checkpoints: CheckpointService,
    private readonly catalog: CheckpointCatalog,
    private readonly bus: EventBus,
    private readonly hooks: MigrationHooks = {},
  ) {}

  /** What would stop a migration, without touching anything. */
  async check(o: MigrateOptions): Promise<{
    source: Target;
    target: EngineConnection;
    problems: string[];
    /** What may go wrong that the user should know before going ahead. */
    warnings: string[];
    carried: string[];
    imagePresent: boolean;
  }> {
    if (o.engineId === o.to)
      throw new StudioError('invalid-argument', 'The source and the target are the same engine.');
    const srcConn = await checkpointCapableEngine(this.registry, o.engineId);
    const source = await resolveContainer(srcConn, o.container);
    const problems: string[] = [];
    let target: EngineConnection;
    try {
      target = await checkpointCapableEngine(this.registry, o.to);
    } catch (e) {
      throw e instanceof StudioError
        ? new StudioError(e.code, `The target cannot take it: ${e.message}`, { hint: e.hint })
        : e;
    }
    const a = srcConn.identity!;
    const b = target.identity!;
    const across = isEngineKind(a.kind) && isEngineKind(b.kind) ? crossEngineRefusal(a.kind, b.kind) : null;
    if (across)
      problems.push(
        `${across.message.replace(/\.$/, '')} (export the checkpoint and import it into an engine of the same kind instead)`,
      );
    else if (a.kind !== 'docker' || b.kind !== 'docker')
      problems.push('migration works between Docker engines; between Podman engines it is not supported yet');
    // Docker says x86_64 where Podman says amd64: one architecture, two names.
    if ((toolArch(a.arch) ?? a.arch) !== (toolArch(b.arch) ?? b.arch))
      problems.push(
        `the target runs on ${b.arch}, the source on ${a.arch}: a process cannot move between architectures`,
      );
    if (!source.info.State?.Running)
      problems.push(`${source.name} is not running: only a running container can be migrated`);
    const clash = await target.engine.inspect(source.name);
    if (clash) problems.push(`the target already has a container named ${source.name}`);
    const network = String(source.info.HostConfig?.NetworkMode ?? '');
    if (
      network &&
      !['none', 'host', 'bridge', 'default'].includes(network) &&
      !network.startsWith('container:')
    ) {
      const has = await target.engine.http
        .json({
          method: 'GET',
          path: `/networks/${encodeURIComponent(network)}`,
          ok: [200],
          timeoutMs: 10_000,
        })
        .then(
          () => true,
          () => false,
        );
      if (!has) problems.push(`the target has no network named ${network}`);
    }
    if (network.startsWith('container:'))
      problems.push("it shares another container's network: move that one instead");
    const imagePresent = await target.engine.http
      .json<{ Id: string }>({
        method: 'GET',
        path: `/images/${encodeURIComponent(source.imageId)}/json`,
        ok: [200],
        timeoutMs: 10_000,
      })
      .then(
        () => true,
        () => false,
      );
    const warnings: string[] = [];
    // docker load moves a name to the loaded image: say so when the target's name means another.
    const sameName = imagePresent ? null : await imageIdByName(target, source.imageName);
    if (sameName)
      warnings.push(
        `${target.spec.name} has another image called ${source.imageName}: that name will mean this container's image there (its containers keep theirs)`,
      );
    // Measured, not assumed: the target must be able to restore into a new container of this
    // kind, and the source should be able to take its checkpoint back if the move fails.
    if (problems.length === 0) {
      try {
        await this.checkpoints.capabilities.require(target, source.info, 'clone');
      } catch (e) {
        if (!(e instanceof StudioError) || e.code !== 'unsupported') throw e;
        problems.push(
          `${target.spec.name} cannot restore it: ${e.message.replace(/^[^:]*: /, '').replace(/ Nothing was stopped or created\.$/, '')}${e.hint ? ` ${e.hint}` : ''}`,
        );
      }
      const { kind } = await networkKindOf(srcConn.engine, source.info);
      const back = outcomeOf(
        await this.checkpoints.capabilities.ensure(srcConn.spec.id).catch(() => null),
        kind,
        'restore',
      );
      if (back?.state === 'fails' && kind !== 'other') {
        warnings.push(
          `if the move fails, ${srcConn.spec.name} cannot bring ${source.name} back from its checkpoint (restoring containers ${KIND_WORDS[kind]} fails there${back.known ? `: ${back.known.ref}` : ''}); it would be started again fresh, its checkpoint kept`,
        );
      }
    }
    return { source, target, problems, warnings, carried: carriedSettings(source.info), imagePresent };
  }

  async run(o: MigrateOptions): Promise<MigrationResultT> {
    const stages: MigrateStageT[] = STAGES.map((name) => ({
      name,
      state: 'pending',
      bytes: 0,
      ms: 0,
      detail: '',
    }));
    const stage = (n: StageName) => stages.find((s) => s.name === n)!;
    const emit = (message: string, done = false) => {
      if (o.opId)
        this.bus.emit('operation.progress', {
          opId: o.opId,
          kind: 'migrate',
          message,
          done,
          stages: stages.map((s) => ({ ...s })),
        });
    };
    const { signal, end } = this.checkpoints.cancellation.begin(o.opId);
    const timed = async <T>(
      n: StageName,
      message: string,
      fn: (s: MigrateStageT) => Promise<T>,
    ): Promise<T> => {
      const s = stage(n);
      // Between stages a cancellation is a failure: what was done so far is undone below. Once it
      // runs on the target the move is done; finishing it is not cancelled.
      if (signal.aborted && n !== 'finish') {
        s.state = 'failed';
        s.detail = 'cancelled';
        throw new StudioError('cancelled', 'cancelled');
      }
      s.state = 'running';
      emit(message);
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
    };

    const started = Date.now();
    const { source, target, problems, imagePresent } = await timed(
      'check',
      'Checking the target…',
      async (s) => {
        const c = await this.check(o);
        s.detail = c.problems.length ? c.problems.join('; ') : `${c.target.spec.name} can take it`;
        if (c.problems.length) {
          throw new StudioError('conflict', `Cannot migrate: ${c.problems[0]}.`, {
            details: c.problems,
            hint: 'Nothing was changed on either engine.',
          });
        }
        return c;
      },
    ).catch((e) => {
      end();
      emit(e instanceof Error ? e.message : String(e), true);
      throw e;
    });
    void problems;

    const journal = this.checkpoints.journal;
    try {
      return await this.checkpoints.locks.run(o.engineId, source.id, 'migrate', async () => {
        const name = `migrate-${Date.now()}`;
        let loadedImage = false;
        // The image the target called by the same name before the load, to name it so again on rollback.
        let nameWasOn: string | null = null;
        let targetId: string | null = null;
        let checkpointed = false;
        let talking = false;
        let frozenAt = 0;
        let runningAt = 0;
        let bringBackLine: number | null = null;
        // Set while a create is under way: one that failed on the wire may still have made it.
        let createStarted = 0;
        let restoring = false;
        // What a crash would leave, written down first: the copy on the target, the stopped source.
        const jop = journal.begin('migration', `${source.name} to ${target.spec.name}`);
        try {
          await timed(
            'image',
            imagePresent ? 'The image is already there.' : 'Transferring the image…',
            async (s) => {
              if (imagePresent) {
                s.state = 'skipped';
                s.detail = 'already on the target';
                return;
              }
              // docker save | docker load, streamed: no copy of the whole image on disk or in memory.
              await this.carry(s, o, signal, async (watch) => {
                const saved = await source.conn.engine.http.stream({
                  method: 'GET',
                  path: `/images/${encodeURIComponent(source.imageName)}/get`,
                  ok: [200],
                  signal: watch.signal,
                });
                nameWasOn = await imageIdByName(target, source.imageName);
                loadedImage = true;
                await target.engine.http.json({
                  method: 'POST',
                  path: '/images/load',
                  query: { quiet: true },
                  file: saved.pipe(watch.meter),
                  headers: { 'Content-Type': 'application/x-tar' },
                  ok: [200],
                  signal: watch.signal,
                });
              });
              s.detail = `${source.imageName} loaded`;
            },
          );

          targetId = await timed('create', `Creating ${source.name} on ${target.spec.name}…`, async () => {
            createStarted = Date.now();
            const line = journal.add(jop, {
              engineId: target.spec.id,
              action: 'remove-container',
              ref: source.name,
              label: `the half-moved copy of ${source.name}`,
            });
            const body = await likeSource(target.engine, source.info, {});
            const created = await target.engine.http.json<{ Id: string }>({
              method: 'POST',
              path: '/containers/create',
              query: { name: source.name },
              body,
              ok: [201],
              timeoutMs: 60_000,
            });
            journal.setRef(line, created.Id);
            return created.Id;
          });
          createStarted = 0;

          talking = await wasTalking(source.conn.engine, source.id, Date.now());
          await timed('checkpoint', `Checkpointing ${source.name}…`, async () => {
            frozenAt = Date.now();
            bringBackLine = journal.add(jop, {
              engineId: source.conn.spec.id,
              action: 'bring-back',
              ref: source.id,
              checkpoint: name,
              label: source.name,
            });
            await this.checkpoints
              .backend(source.conn)
              .create(source, name, { leaveRunning: false, tcpEstablished: false, fileLocks: false });
            checkpointed = true;
          });

          await timed('files', 'Carrying file system changes…', async (s) => {
            const changes =
              (await source.conn.engine.http.json<{ Path: string; Kind: number }[] | null>({
                method: 'GET',
                path: `/containers/${source.id}/changes`,
                ok: [200],
                timeoutMs: 60_000,
              })) ?? [];
            const { carry, deleted } = changedRoots(changes);
            for (const p of carry) {
              await this.carry(s, o, signal, async (watch) => {
                const archive = await source.conn.engine.http.stream({
                  method: 'GET',
                  path: `/containers/${source.id}/archive`,
                  query: { path: p },
                  ok: [200],
                  signal: watch.signal,
                });
                await target.engine.http.json({
                  method: 'PUT',
                  path: `/containers/${targetId}/archive`,
                  query: { path: path.posix.dirname(p) },
                  file: archive.pipe(watch.meter),
                  ok: [200],
                  signal: watch.signal,
                });
              });
            }
            const notDeleted = await deleteOnTarget(
              target.engine,
              targetId!,
              source.imageId,
              source.conn.engine,
              source.id,
              deleted,
              carry,
              signal,
            );
            const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
            s.detail = `${plural(carry.length, 'changed path')} carried${deleted.length ? (notDeleted ? `; ${plural(deleted.length, 'path')} deleted in the source are still there: ${notDeleted}` : `; ${plural(deleted.length, 'deleted path')} deleted`) : ''}`;
          });

          await timed('transfer', 'Carrying the checkpoint…', async (s) => {
            // Streamed from the source's helper into the target's: nothing lands on this machine.
            const into = checkpointsDir(target, targetId!);
            await withHelper(
              target.engine,
              source.imageId,
              [{ host: into, container: '/cs/dst' }],
              (helper) =>
                this.carry(s, o, signal, async (watch) => {
                  const exported = await this.checkpoints.backend(source.conn).exportTar(source, name);
                  // Ended with the watch, even if it fired while the export was being opened.
                  dropRestOnAbort(watch.signal, exported, o.stallMs ?? DEFAULT_STALL_MS);
                  await putArchive(
                    target.engine,
                    helper,
                    '/cs/dst',
                    exported.pipe(watch.meter),
                    watch.signal,
                  );
                  const marker = JSON.stringify({
                    copy: `migration of ${source.name}`,
                    at: new Date().toISOString(),
                  });
                  await putArchive(
                    target.engine,
                    helper,
                    '/cs/dst',
                    singleFileTar(`${name}/checkpoint-studio-copy.json`, marker),
                    watch.signal,
                  );
                }),
            );
            await this.hooks.afterTransfer?.({
              engine: target,
              containerId: targetId!,
              checkpointsDir: checkpointsDir(target, targetId!),
              name,
            });
          });

          await timed('restore', `Restoring on ${target.spec.name}…`, async (s) => {
            restoring = true;
            await startFromCheckpoint(target.engine, targetId!, name);
            runningAt = Date.now();
            const { kind } = await networkKindOf(target.engine, source.info);
            const caps = await this.checkpoints.capabilities.ensure(target.spec.id).catch(() => null);
            const down = this.checkpoints.capabilities.loopbackComesBackDown(caps, kind, 'clone');
            if (
              shouldRepairLoopback(down, kind) &&
              (await bringLoopbackUp(target, targetId!)) === 'brought-up'
            )
              s.detail = 'its loopback came back down, as this engine leaves it; brought up again';
          });

          await timed('verify', 'Checking it runs…', async (s) => {
            const verdict = await confirmRunning(target.engine, targetId!, talking);
            if (!verdict.ok) throw new Error(`${verdict.why} on ${target.spec.name}`);
            s.detail =
              verdict.note ?? (verdict.how === 'output' ? 'running, and writing output again' : 'running');
          });
          // It runs on the target: from here on a crash leaves a moved container, not a half-moved one.
          journal.end(jop);
        } catch (e) {
          let kept: string | null = null;
          let leftOnTarget = false;
          let sourceAway = false;
          try {
            const back = await rollBack(this.catalog, source, target, {
              targetId,
              uncertainSince: targetId ? 0 : createStarted,
              running: restoring,
              loadedImage: loadedImage ? { was: nameWasOn } : null,
              checkpoint: checkpointed ? name : null,
            });
            kept = back.kept;
            sourceAway = !back.sourceRunning;
            if (back.targetClean && back.sourceRunning) journal.end(jop);
            else {
              // What could not be put right now (an engine that does not answer) waits in the
              // journal, and this process finishes it as soon as that engine answers again.
              if (back.sourceRunning && bringBackLine !== null) journal.drop(bringBackLine);
              journal.leaveToRecovery(jop);
              leftOnTarget = !back.targetClean;
            }
          } catch {
            // The rollback itself failed half-way: its lines stay in the journal, and the next start
            // of the app or of a CLI command puts right what is left.
          } finally {
            end();
          }
          const msg =
            e instanceof TransferStalled || (e as { cause?: unknown })?.cause instanceof TransferStalled
              ? `no data moved for ${Math.round((o.stallMs ?? DEFAULT_STALL_MS) / 1000)} s: the connection to ${target.spec.name} was lost`
              : engineMessage(e);
          const cause = likelyCause(msg);
          const where = sourceAway
            ? `${source.name} could not be started again on ${source.conn.spec.name} now (it does not answer): it is brought back from its checkpoint as soon as it does`
            : kept
              ? `${source.name} was started again on ${source.conn.spec.name}, fresh: that engine could not restore its checkpoint, which is kept there as "${kept}"`
              : `${source.name} is running again on ${source.conn.spec.name}`;
          const wasCancelled = e instanceof StudioError && e.code === 'cancelled';
          const err = new StudioError(
            'criu-failed',
            `Migration of ${source.name} ${wasCancelled ? 'was cancelled' : `failed${cause ? `: ${cause.cause}` : ''}`}. ${where}; ${leftOnTarget ? `the half-made copy on ${target.spec.name} could not be removed yet (${target.spec.name} does not answer): it is removed as soon as it does` : `nothing was left on ${target.spec.name}`}.`,
            {
              hint: cause?.hint ?? 'The failed step is marked in the progress.',
              details: [msg],
              cause: e,
            },
          );
          if (e instanceof StudioError && e.code !== 'internal') Object.assign(err, { code: e.code });
          this.log(o, source, started, err, stages);
          emit(err.message, true);
          throw err;
        }
        end();

        await timed(
          'finish',
          o.keepSource ? 'Keeping the source, stopped.' : 'Removing the source…',
          async (s) => {
            await deleteCheckpoint(target.engine, targetId!, name).catch(() => undefined);
            if (o.keepSource) {
              s.detail = `${source.name} kept, stopped, on ${source.conn.spec.name}`;
            } else {
              await removeContainer(source.conn.engine, source.id);
              s.detail = `${source.name} removed from ${source.conn.spec.name}`;
            }
          },
        );
        void target.touch(targetId!);
        void source.conn.touch(source.id);
        this.log(o, source, started, null, stages);
        emit(`${source.name} runs on ${target.spec.name}.`, true);
        return {
          ok: true,
          targetEngineId: target.spec.id,
          targetContainerId: targetId!,
          durationMs: Date.now() - started,
          downtimeMs: runningAt - frozenAt,
          stages,
        };
      });
    } finally {
      // Refused by the lock, failed, or done: the operation is no longer cancellable.
      end();
    }
  }

  /** One transfer, counted into its stage, given up when it stalls or the user cancels. */
  private async carry(
    s: MigrateStageT,
    o: MigrateOptions,
    cancel: AbortSignal,
    fn: (watch: ReturnType<typeof watchTransfer>) => Promise<void>,
  ): Promise<void> {
    const watch = watchTransfer((n) => (s.bytes += n), o.stallMs ?? DEFAULT_STALL_MS, cancel);
    try {
      await fn(watch);
    } catch (e) {
      const why = watch.signal.reason;
      // Whichever side failed, the other request and its stream end too (no paused stream left).
      watch.abort(e);
      // The user's cancel ends the transfer in flight: it is a cancellation, not a failure.
      if (cancel.aborted) throw new StudioError('cancelled', 'cancelled');
      throw why instanceof TransferStalled ? why : e;
    } finally {
      watch.stop();
    }
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
