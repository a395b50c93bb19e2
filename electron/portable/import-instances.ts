// N containers made from one checkpoint (an import, a checkpoint image restored): their names
// checked before anything is made, each written in the journal first, and the journal settled
// after — what came up is the user's, what failed and could not be removed waits for recovery.
import type { Journal } from '../catalog/journal';
import {
  CANCELLED,
  CLONE_PARALLELISM,
  engineMessage,
  mapLimit,
} from '../checkpoints/backends/docker-backend';
import type { EngineConnection } from '../engines/engine-connection';
import { StudioError } from '../ipc/errors';
import type { ImportedInstance } from './docker-import';

/** What Docker and Podman accept as a container name. */
export const NAME_RULE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/** `base`, or base-1 … base-N: refused if the engine would refuse one or has one already. */
export async function freeNames(
  conn: EngineConnection,
  base: string,
  count: number,
  takenHint: string,
): Promise<string[]> {
  const names = count === 1 ? [base] : Array.from({ length: count }, (_, i) => `${base}-${i + 1}`);
  const bad = names.find((n) => !NAME_RULE.test(n));
  if (bad)
    throw new StudioError('invalid-argument', `The engine would refuse the name ${bad}.`, {
      hint: 'Names start with a letter or digit and hold only letters, digits, _ . and -.',
    });
  const taken = (
    await Promise.all(names.map(async (n) => ((await conn.engine.inspect(n).catch(() => null)) ? n : null)))
  ).filter(Boolean);
  if (taken.length)
    throw new StudioError(
      'conflict',
      `${conn.spec.name} has a container called ${taken.join(', ')} already.`,
      {
        hint: takenHint,
      },
    );
  return names;
}

/** Refuses what asks for more than a container (the host's network, devices, …). */
export function refuseReach(label: string, reach: string[], hint: string): void {
  if (!reach.length) return;
  throw new StudioError(
    'unsupported',
    `${label} asks for more than a container: it ${reach.join('; it ')}.`,
    {
      hint,
      details: reach,
    },
  );
}

/**
 * Every name written down before anything is made: a crash is cleaned up at the next start.
 * `settle` is called once the instances are as they will stay.
 */
export function journalNames(
  journal: Pick<Journal, 'begin' | 'add' | 'drop' | 'end' | 'leaveToRecovery'>,
  engineId: string,
  summary: string,
  names: string[],
  label: (name: string) => string,
): { settle(instances: ImportedInstance[], how: 'settled' | 'cancelled' | 'unforeseen'): void } {
  const jop = journal.begin('import', summary);
  const lines = new Map(
    names.map((name) => [
      name,
      journal.add(jop, { engineId, action: 'remove-container', ref: name, label: label(name) }),
    ]),
  );
  return {
    settle(instances, how) {
      // What came up is the user's now; what failed and could not be removed stays written down,
      // for the next start (or the retry timer) to remove.
      for (const o of instances) if (o.id && !o.error) journal.drop(lines.get(o.name)!);
      // Something unforeseen: what it made is not known here, so every name left goes to recovery.
      if (how === 'unforeseen' || instances.some((o) => o.error && o.id)) journal.leaveToRecovery(jop);
      else journal.end(jop);
    },
  };
}

/**
 * Each instance made, a few at a time: `make` resolves with its id; one a cancel comes before is
 * not started. `madeAnyway` finds one whose making failed but that is there all the same.
 */
export async function makeInstances(
  names: string[],
  signal: AbortSignal,
  make: (name: string) => Promise<string>,
  madeAnyway?: (name: string) => Promise<string | null>,
): Promise<ImportedInstance[]> {
  const instances: ImportedInstance[] = names.map((name) => ({ name, id: null }));
  await mapLimit(instances, CLONE_PARALLELISM, async (o) => {
    if (signal.aborted) return void (o.error = CANCELLED);
    try {
      o.id = await make(o.name);
    } catch (e) {
      o.error = engineMessage(e);
      o.id = (await madeAnyway?.(o.name)) ?? null;
    }
  });
  return instances;
}
