// Shapes of the IPC contract (electron/ipc/contract.ts): checkpoint schedules — a container's policy
// (every N, keep K, thin out, disk budget), the settings that make one, and each run.
import { z } from 'zod';
import { ContainerRef, EngineId } from './common';

export const Policy = z.object({
  id: z.number(),
  engineId: EngineId,
  containerId: z.string(),
  containerName: z.string(),
  everyMs: z.number(),
  keepLast: z.number(),
  keepHourly: z.number(),
  keepDaily: z.number(),
  budgetBytes: z.number().nullable(),
  maxFailures: z.number(),
  state: z.enum(['active', 'paused']),
  pausedReason: z.string().nullable(),
  consecutiveFailures: z.number(),
  nextRunAt: z.number().nullable(),
  lastRunAt: z.number().nullable(),
  createdAt: z.number(),
});

export const PolicyRun = z.object({
  id: z.number(),
  policyId: z.number(),
  engineId: EngineId,
  containerId: z.string(),
  containerName: z.string(),
  scheduledFor: z.number(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  outcome: z.enum(['ok', 'failed', 'skipped', 'interrupted']).nullable(),
  checkpoint: z.string().nullable(),
  catchUp: z.boolean(),
  error: z.string().nullable(),
  pruned: z.array(z.string()),
});

export const PolicySettings = z
  .object({
    engineId: EngineId,
    container: ContainerRef,
    everyMs: z
      .number()
      .int()
      .min(1000, 'at least one second between checkpoints')
      .max(30 * 24 * 3600 * 1000, 'at most 30 days'),
    keepLast: z.number().int().min(1).max(1000).default(10),
    keepHourly: z.number().int().min(0).max(1000).default(0),
    keepDaily: z.number().int().min(0).max(1000).default(0),
    budgetBytes: z.number().int().min(1).nullable().default(null),
    maxFailures: z.number().int().min(1).max(100).default(3),
  })
  .strict();

export type PolicyT = z.output<typeof Policy>;
export type PolicyRunT = z.output<typeof PolicyRun>;
export type PolicySettingsT = z.output<typeof PolicySettings>;

/** A container's schedule was set, paused, resumed or removed (policy null), or it ran and changed. */
export const ScheduleChanged = z.object({
  engineId: EngineId,
  containerId: z.string(),
  policy: Policy.nullable(),
});
