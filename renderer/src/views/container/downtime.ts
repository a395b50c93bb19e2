// How long a checkpoint kept the container from running, in the best words the facts allow:
// CRIU's own count of the freeze where the engine kept it (Podman), else the app's measurement of
// the whole call (Docker discards CRIU's statistics), and for a stopped container, that it stays
// stopped until restored.
import type { CheckpointRecordT } from '../../../../electron/ipc/contract';
import { millis } from '../../../../electron/shared/format';

type Facts = Pick<CheckpointRecordT, 'mode' | 'durationMs' | 'criuStats'>;

/** Short, for a table cell. */
export function downtimeShort(r: Facts): string {
  const frozen = r.criuStats?.frozenUs;
  if (r.mode === 'stopped') return 'stopped';
  if (frozen !== null && frozen !== undefined) return millis(frozen / 1000);
  if (r.durationMs !== null) return `≤ ${millis(r.durationMs)}`;
  return '—';
}

/** Whole, for the details. */
export function downtimeText(r: Facts): string {
  const frozen = r.criuStats?.frozenUs;
  const freeze =
    frozen !== null && frozen !== undefined ? `frozen ${millis(frozen / 1000)} (CRIU's own count)` : null;
  if (r.mode === 'stopped')
    return `${freeze ? `${freeze}, then ` : ''}stopped: it does not run again until a checkpoint is restored`;
  if (freeze) return freeze;
  if (r.durationMs !== null)
    return `at most ${millis(r.durationMs)}: the engine does not report the freeze, so this is the whole checkpoint as Checkpoint Studio measured it`;
  return 'not known (made elsewhere)';
}
