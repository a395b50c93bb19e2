// A failed migration undone: the copy on the target stopped, the source running again from its
// checkpoint, the target cleaned — each as far as an engine that answers allows; what is left is
// said, so that the journal keeps it for recovery.
import type { Target } from '../checkpoints/container-target';
import type { EngineConnection } from '../engines/engine-connection';
import { splitRef } from '../portable/checkpoint-image';
import type { MigrationCatalog, MigrationEngine } from './migration-ports';

/**
 * Back to how it was: a copy that may be running on the target stopped first (it may hold what
 * the source needs, e.g. a port on the same machine), then the source running from its
 * checkpoint (it is what the user is without), then the target cleaned. What an engine that does
 * not answer leaves undone is said in `sourceRunning` and `targetClean`.
 */
export async function rollBack(
  engine: MigrationEngine,
  catalog: MigrationCatalog,
  source: Target,
  target: EngineConnection,
  o: {
    targetId: string | null;
    /** A create that failed on the wire at this time may have made the container anyway. */
    uncertainSince: number;
    running: boolean;
    loadedImage: { was: string | null } | null;
    checkpoint: string | null;
  },
): Promise<{ kept: string | null; sourceRunning: boolean; targetClean: boolean }> {
  let targetId = o.targetId;
  if (targetId && o.running) await engine.kill(target, targetId).catch(() => undefined);
  let kept: string | null = null;
  let sourceRunning = true;
  if (o.checkpoint) {
    const checkpoint = o.checkpoint;
    const info = await source.conn.engine.inspect(source.id).catch(() => null);
    let restored = Boolean(info?.State?.Running);
    if (info && !restored) {
      restored = await engine.startFromCheckpoint(source.conn, source.id, checkpoint).then(
        () => true,
        async () => {
          // The checkpoint cannot come back (whatever the reason): start the container again,
          // and keep its state.
          await engine.start(source.conn, source.id).catch(() => undefined);
          return false;
        },
      );
    }
    // Only what the engine says counts: an engine that did not answer has not brought it back.
    const after = await source.conn.engine.inspect(source.id).catch(() => null);
    sourceRunning = Boolean(after?.State?.Running);
    if (restored && sourceRunning)
      await engine.deleteCheckpoint(source.conn, source.id, checkpoint).catch(() => undefined);
    else if (sourceRunning) {
      kept = checkpoint;
      catalog.add({
        engineId: source.conn.spec.id,
        containerId: source.id,
        containerName: source.name,
        image: source.imageName,
        name: checkpoint,
        createdAt: Date.now(),
        mode: 'stopped',
        origin: 'manual',
        note: `State of ${source.name} when a migration to ${target.spec.name} failed (it could not be restored here).`,
        durationMs: null,
      });
    }
  }
  void source.conn.touch(source.id);
  let targetClean = true;
  if (!targetId && o.uncertainSince) {
    // Did the create reach the engine after all? Made by us if it is as young as the attempt.
    const found = await target.engine.inspect(source.name).then(
      (i) => i,
      () => 'unknown' as const,
    );
    if (found === 'unknown') targetClean = false;
    else if (found && Date.parse(found.Created) >= o.uncertainSince - 5000) targetId = found.Id;
  }
  if (targetId) await engine.removeContainer(target, targetId, 15_000).catch(() => (targetClean = false));
  if (o.loadedImage && targetClean) {
    await engine.removeImage(target, source.imageId).catch(() => undefined);
    // The load had taken the name from the target's own image: it is given back (only a name
    // with a tag was taken; an image id or a bare name was not).
    const tagged = source.imageName.lastIndexOf(':') > source.imageName.lastIndexOf('/');
    if (o.loadedImage.was && tagged) {
      const { repo, tag } = splitRef(source.imageName);
      await engine.tagImage(target, o.loadedImage.was, repo, tag).catch(() => undefined);
    }
  }
  return { kept, sourceRunning, targetClean };
}
