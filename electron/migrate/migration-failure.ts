// How a failed migration is told: what failed (CRIU's likely cause when it has one), where the
// container runs now, and whether anything is left on the target — after the rollback, so each
// part says what the engines really did.
import type { Target } from '../checkpoints/container-target';
import { engineMessage } from '../checkpoints/backends/docker-backend';
import { likelyCause } from '../checkpoints/criu-diagnosis';
import type { EngineConnection } from '../engines/engine-connection';
import { StudioError } from '../ipc/errors';
import { TransferStalled } from './transfer-watch';

export interface Undone {
  /** The checkpoint kept on the source when it could only be started again fresh. */
  kept: string | null;
  /** The source does not answer: it is brought back when it does. */
  sourceAway: boolean;
  /** The target does not answer: its half-made copy is removed when it does. */
  leftOnTarget: boolean;
}

export function migrationFailure(
  e: unknown,
  source: Target,
  target: EngineConnection,
  stallMs: number,
  undone: Undone,
): StudioError {
  const msg =
    e instanceof TransferStalled || (e as { cause?: unknown })?.cause instanceof TransferStalled
      ? `no data moved for ${Math.round(stallMs / 1000)} s: the connection to ${target.spec.name} was lost`
      : engineMessage(e);
  const cause = likelyCause(msg);
  const where = undone.sourceAway
    ? `${source.name} could not be started again on ${source.conn.spec.name} now (it does not answer): it is brought back from its checkpoint as soon as it does`
    : undone.kept
      ? `${source.name} was started again on ${source.conn.spec.name}, fresh: that engine could not restore its checkpoint, which is kept there as "${undone.kept}"`
      : `${source.name} is running again on ${source.conn.spec.name}`;
  const left = undone.leftOnTarget
    ? `the half-made copy on ${target.spec.name} could not be removed yet (${target.spec.name} does not answer): it is removed as soon as it does`
    : `nothing was left on ${target.spec.name}`;
  const wasCancelled = e instanceof StudioError && e.code === 'cancelled';
  const err = new StudioError(
    'criu-failed',
    `Migration of ${source.name} ${wasCancelled ? 'was cancelled' : `failed${cause ? `: ${cause.cause}` : ''}`}. ${where}; ${left}.`,
    {
      hint: cause?.hint ?? 'The failed step is marked in the progress.',
      details: [msg],
      cause: e,
    },
  );
  if (e instanceof StudioError && e.code !== 'internal') Object.assign(err, { code: e.code });
  return err;
}
