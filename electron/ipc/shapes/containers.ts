// Shapes of the IPC contract (electron/ipc/contract.ts): containers — a container as the lists show
// it, the changes the engines push, its followed output (logs.received), and containers.act.
import { z } from 'zod';
import { ContainerRef, EngineId, OperationId } from './common';

export const ContainerStateName = z.enum([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
  'unknown',
]);

export const PortBinding = z.object({
  privatePort: z.number().int(),
  publicPort: z.number().int().optional(),
  ip: z.string().optional(),
  type: z.string(),
});

export const ContainerSummary = z.object({
  engineId: EngineId,
  id: z.string(),
  name: z.string(),
  image: z.string(),
  command: z.string(),
  state: ContainerStateName,
  /** The engine's own words, e.g. "Exited (137) 3 seconds ago". */
  status: z.string(),
  createdAt: z.number(),
  /** ms since epoch when the container last started; null if it never ran or is not running. */
  startedAt: z.number().nullable(),
  ports: z.array(PortBinding),
  /** A clone the app made: its source container and the checkpoint it came from. */
  cloneOf: z.object({ sourceId: z.string(), checkpoint: z.string().nullable() }).nullable().optional(),
});

export const ContainersChanged = z.object({
  engineId: EngineId,
  /** A snapshot replaces the engine's whole list; a delta changes some rows. */
  kind: z.enum(['snapshot', 'delta']),
  upserts: z.array(ContainerSummary),
  removals: z.array(z.string()),
});

export const LogData = z.object({
  subscriptionId: z.string(),
  lines: z.array(z.string()),
  /** The container stopped (the follow resumes when it starts again). */
  paused: z.boolean().optional(),
});

/** What containers.act takes. */
export const ContainersActionArgs = z
  .object({
    engineId: EngineId,
    containers: z
      .array(ContainerRef)
      .min(1, 'choose at least one container')
      .max(1000, 'at most 1000 containers at once'),
    action: z.enum(['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'remove']),
    opId: OperationId.optional(),
  })
  .strict();

/** What containers.act answers. */
export const ContainersActionResult = z.array(
  z.object({
    container: z.string(),
    name: z.string().nullable(),
    ok: z.boolean(),
    error: z.string().optional(),
  }),
);

export type ContainerSummaryT = z.output<typeof ContainerSummary>;
export type ContainersChangedT = z.output<typeof ContainersChanged>;
