// Shapes of the IPC contract (electron/ipc/contract.ts): clones — N new containers from one
// checkpoint: the request, its plan, each clone's progress and the result.
import { z } from 'zod';
import { CheckpointName, ContainerRef, EngineId, OperationId } from './common';
import { PortBinding } from './containers';

export const PortPlan = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('auto') }),
  z.object({ mode: z.literal('none') }),
  z.object({
    mode: z.literal('range'),
    from: z.number().int().min(1).max(65535),
    to: z.number().int().min(1).max(65535),
  }),
]);

export const CloneRequest = z
  .object({
    engineId: EngineId,
    container: ContainerRef,
    checkpoint: CheckpointName,
    count: z.number().int().min(1, 'at least 1 clone').max(50, 'at most 50 clones at once'),
    prefix: ContainerRef.refine((p) => p.length <= 100, 'a prefix has at most 100 characters'),
    ports: PortPlan.default({ mode: 'auto' }),
    opId: OperationId.optional(),
  })
  .strict();

export const CloneInstance = z.object({
  name: z.string(),
  id: z.string().nullable(),
  state: z.enum(['pending', 'creating', 'copying', 'restoring', 'running', 'failed', 'removed']),
  error: z.string().optional(),
  ports: z.array(z.lazy(() => PortBinding)),
  /** From the start of the restore until the engine reported the clone running. */
  restoreMs: z.number().nullable(),
  /** It came up with its loopback down (as this engine leaves it) and the app brought it up. */
  loopbackRepaired: z.boolean().optional(),
});

export const ClonePlan = z.object({
  names: z.array(z.string()),
  problems: z.array(z.string()),
  sourcePorts: z.array(z.string()),
  /** Host settings each clone takes over from the source (bind mounts, capabilities, devices…). */
  carried: z.array(z.string()),
});

export const CloneResult = z.object({
  clones: z.array(CloneInstance),
  durationMs: z.number(),
  ok: z.boolean(),
});

export type PortPlanT = z.output<typeof PortPlan>;
export type CloneRequestT = z.output<typeof CloneRequest>;
export type CloneInstanceT = z.output<typeof CloneInstance>;
export type ClonePlanT = z.output<typeof ClonePlan>;
export type CloneResultT = z.output<typeof CloneResult>;
