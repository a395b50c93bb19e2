// Shapes of the IPC contract (electron/ipc/contract.ts): what an engine can do, as measured by the
// capability probe — checkpoint, restore and clone per network kind, with the known upstream issues
// behind a failure. Its own file: the probe (electron/capabilities) makes it and the doctor reads it,
// apart from the engine's connection status.
import { z } from 'zod';
import { EngineId } from './common';

/** How a container is networked, as far as checkpoint and restore care. */
export const NetworkKind = z.enum(['none', 'host', 'bridge']);

export const KnownIssue = z.object({
  /** Where it is tracked upstream, e.g. containerd/containerd#12141. */
  ref: z.string(),
  summary: z.string(),
});

export const CapabilityOutcome = z.object({
  state: z.enum(['works', 'fails', 'untested']),
  /** The engine's own words when it failed (or why it was not tried). */
  detail: z.string().nullable(),
  known: KnownIssue.nullable(),
});

export const ModeCapabilities = z.object({
  /** The network the probe's container used (a bridge network's name, or none/host). */
  network: z.string(),
  checkpoint: CapabilityOutcome,
  restore: CapabilityOutcome,
  clone: CapabilityOutcome,
  /** Whether the loopback interface came back up by itself. */
  loopbackAfterRestore: z.enum(['up', 'down', 'unknown']),
  loopbackAfterClone: z.enum(['up', 'down', 'unknown']),
});

export const EngineCapabilities = z.object({
  engineId: EngineId,
  /** Engine, containerd and runtime versions and kernel: a new one of these is measured again. */
  key: z.string(),
  /** "Docker 28.5.2, containerd 2.1.9, runc 1.3.6" */
  engine: z.string(),
  state: z.enum(['measured', 'unavailable']),
  /** Why the probe could not run, when unavailable. */
  reason: z.string().nullable(),
  measuredAt: z.number(),
  durationMs: z.number(),
  criu: z.object({
    /** A checkpoint of a process holding a TCP socket (what CRIU 4.1 cannot do). */
    tcp: CapabilityOutcome,
    /** The CRIU version the engine's runtime ran, when the engine leaves its log reachable. */
    version: z.string().nullable(),
  }),
  modes: z.object({
    none: ModeCapabilities.nullable(),
    host: ModeCapabilities.nullable(),
    bridge: ModeCapabilities.nullable(),
  }),
});

export const CapabilityStatus = z.object({
  engineId: EngineId,
  state: z.enum(['unknown', 'measuring', 'measured', 'unavailable']),
  capabilities: EngineCapabilities.nullable(),
});

export type NetworkKindT = z.output<typeof NetworkKind>;
export type KnownIssueT = z.output<typeof KnownIssue>;
export type CapabilityOutcomeT = z.output<typeof CapabilityOutcome>;
export type ModeCapabilitiesT = z.output<typeof ModeCapabilities>;
export type EngineCapabilitiesT = z.output<typeof EngineCapabilities>;
export type CapabilityStatusT = z.output<typeof CapabilityStatus>;
