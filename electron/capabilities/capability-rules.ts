// What a measurement means for the user: whether an operation may go ahead, the sentence that
// refuses it (with what works instead), and the doctor's lines. Pure, so every rule is unit-tested
// with measurements this machine could not produce on demand.
import type {
  CapabilityOutcomeT,
  DoctorItemT,
  EngineCapabilitiesT,
  ModeCapabilitiesT,
  NetworkKindT,
} from '../ipc/contract';
import { KIND_WORDS, type ContainerNetworkKind } from './network-kind';

export type Operation = 'checkpoint' | 'restore' | 'clone';

const KINDS: NetworkKindT[] = ['none', 'host', 'bridge'];

const GERUND: Record<Operation, string> = {
  checkpoint: 'checkpointing',
  restore: 'restoring',
  clone: 'cloning',
};

export function modeOf(
  caps: EngineCapabilitiesT | null,
  kind: ContainerNetworkKind,
): ModeCapabilitiesT | null {
  if (!caps || caps.state !== 'measured' || kind === 'other') return null;
  return caps.modes[kind];
}

export function outcomeOf(
  caps: EngineCapabilitiesT | null,
  kind: ContainerNetworkKind,
  op: Operation,
): CapabilityOutcomeT | null {
  return modeOf(caps, kind)?.[op] ?? null;
}

/** Network kinds on which the operation was measured to work. */
export function kindsThatWork(caps: EngineCapabilitiesT | null, op: Operation): NetworkKindT[] {
  return KINDS.filter((k) => outcomeOf(caps, k, op)?.state === 'works');
}

function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

export interface Refusal {
  message: string;
  hint: string;
  details: string[];
}

/**
 * Why an operation must not start, or null when it may. Only a measured failure refuses: an
 * engine never measured, or a network kind the probe does not cover, is not judged.
 */
export function refusal(
  caps: EngineCapabilitiesT | null,
  kind: ContainerNetworkKind,
  op: Operation,
  subject: { container: string; engine: string },
  elsewhere: { engine: string; caps: EngineCapabilitiesT | null }[] = [],
): Refusal | null {
  const outcome = outcomeOf(caps, kind, op);
  if (!outcome || outcome.state !== 'fails' || kind === 'other') return null;
  const measured = new Date(caps!.measuredAt).toISOString().slice(0, 10);
  const message = `${subject.engine} cannot ${op} ${subject.container}: ${GERUND[op]} a container ${KIND_WORDS[kind]} fails on this engine (${caps!.engine}, measured ${measured}). Nothing was stopped or created.`;
  const hints: string[] = [];
  if (outcome.known) hints.push(`Known problem: ${outcome.known.summary} (${outcome.known.ref}).`);
  const here = kindsThatWork(caps, op).filter((k) => k !== kind);
  if (here.length)
    hints.push(
      `What works on this engine: ${GERUND[op]} containers ${list(here.map((k) => KIND_WORDS[k]))}.`,
    );
  // A restore or a clone is what the other engine would do after a migration.
  const able = elsewhere
    .filter((e) => outcomeOf(e.caps, kind, 'clone')?.state === 'works')
    .map((e) => e.engine);
  if (able.length && op !== 'checkpoint')
    hints.push(`Or migrate it to ${list(able)}, which can restore containers ${KIND_WORDS[kind]}.`);
  if (!here.length && !able.length)
    hints.push('Use an engine whose measurement shows it works (the Host doctor lists each engine).');
  return { message, hint: hints.join(' '), details: outcome.detail ? [outcome.detail] : [] };
}

/** Whether a restored or cloned container's loopback must be brought up by the app. */
export function loopbackComesBackDown(
  caps: EngineCapabilitiesT | null,
  kind: ContainerNetworkKind,
  after: 'restore' | 'clone',
): boolean | null {
  const mode = modeOf(caps, kind);
  if (!mode) return null;
  const state = after === 'restore' ? mode.loopbackAfterRestore : mode.loopbackAfterClone;
  return state === 'unknown' ? null : state === 'down';
}

/** The doctor's lines about one engine's measurement. */
export function capabilityItems(caps: EngineCapabilitiesT | null, measuring: boolean): DoctorItemT[] {
  if (!caps) {
    return [
      {
        id: 'engine.measured',
        title: 'What the engine can do',
        status: 'warning',
        detail: measuring
          ? 'Being measured now (a few seconds, once per engine version).'
          : 'Not measured yet: it is measured when the engine connects.',
        fix: 'Open the doctor again in a moment, or press "Measure again".',
      },
    ];
  }
  if (caps.state === 'unavailable') {
    return [
      {
        id: 'engine.measured',
        title: 'What the engine can do',
        status: 'warning',
        detail: `Not measured: ${caps.reason ?? 'unknown reason'}.`,
        fix: 'Fix what the lines above say, then measure again.',
      },
    ];
  }
  const items: DoctorItemT[] = [];
  const tcp = caps.criu.tcp;
  const version = caps.criu.version ? `CRIU ${caps.criu.version}` : 'Its CRIU';
  items.push(
    tcp.state === 'works'
      ? {
          id: 'engine.criu',
          title: "The engine's CRIU",
          status: 'ok',
          detail: `${version} checkpointed a process holding a TCP socket.${caps.criu.version ? '' : ' (This engine does not say which CRIU version its runtime runs.)'}`,
        }
      : {
          id: 'engine.criu',
          title: "The engine's CRIU",
          status: tcp.state === 'fails' ? 'blocking' : 'warning',
          detail:
            tcp.state === 'fails'
              ? `${version} cannot checkpoint a process holding a TCP socket: ${tcp.detail ?? 'it failed'}${tcp.known ? ` (${tcp.known.summary})` : ''}.`
              : `Not tried: ${tcp.detail ?? 'unknown reason'}.`,
          fix: "Install CRIU 4.2 or newer where the engine's runtime finds it (first on the PATH of containerd or Podman), then measure again. The CRIU on this computer's PATH is not necessarily the one the engine uses.",
        },
  );
  const ops: Operation[] = ['checkpoint', 'restore', 'clone'];
  const good: string[] = [];
  for (const kind of KINDS) {
    const mode = caps.modes[kind];
    if (!mode) continue;
    const where = kind === 'bridge' ? `${KIND_WORDS[kind]} (measured on ${mode.network})` : KIND_WORDS[kind];
    for (const op of ops) {
      const o = mode[op];
      if (o.state === 'works') continue;
      if (o.state === 'untested' && mode.checkpoint.state === 'fails') continue;
      const others = kindsThatWork(caps, op).filter((k) => k !== kind);
      items.push({
        id: `engine.can.${op}.${kind}`,
        title: `${GERUND[op][0]!.toUpperCase()}${GERUND[op].slice(1)} ${KIND_WORDS[kind]}`,
        status: o.state === 'fails' ? 'blocking' : 'warning',
        detail: `${o.state === 'fails' ? 'Fails on this engine' : 'Not measured'}${o.known ? ` — ${o.known.ref}: ${o.known.summary}` : ''}${o.detail ? `. The engine said: ${o.detail}` : ''}`,
        fix: `${others.length ? `Works here ${list(others.map((k) => KIND_WORDS[k]))}. ` : ''}Checkpoint Studio refuses this before stopping or creating anything. Another engine version (or containerd 1.7) may not have the problem: measure again after changing it.`,
      });
    }
    const down = [
      mode.loopbackAfterRestore === 'down' && 'restore',
      mode.loopbackAfterClone === 'down' && 'clone',
    ].filter(Boolean);
    if (down.length) {
      items.push({
        id: `engine.loopback.${kind}`,
        title: `Loopback after a ${down.join(' or ')} ${KIND_WORDS[kind]}`,
        status: 'ok',
        detail: `This engine brings such containers back with their loopback interface down (services on 127.0.0.1 would not answer); Checkpoint Studio brings it up again after each ${down.join(' and ')}.`,
      });
    }
    if (ops.every((op) => mode[op].state === 'works')) good.push(where);
  }
  if (good.length)
    items.unshift({
      id: 'engine.measured',
      title: 'What the engine can do',
      status: 'ok',
      detail: `Measured ${new Date(caps.measuredAt).toISOString().replace('T', ' ').slice(0, 16)} UTC on ${caps.engine}: checkpoint, restore and clone work ${list(good)}.`,
    });
  else
    items.unshift({
      id: 'engine.measured',
      title: 'What the engine can do',
      status: 'warning',
      detail: `Measured ${new Date(caps.measuredAt).toISOString().replace('T', ' ').slice(0, 16)} UTC on ${caps.engine}: no network kind supports every operation (see below).`,
    });
  return items;
}
