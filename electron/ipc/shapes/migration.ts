// Shapes of the IPC contract (electron/ipc/contract.ts): migration — moving a running container to
// another engine: the check before, each stage, and the result with its downtime.
import { z } from 'zod';
import { EngineId, OperationId, Target } from './common';

export const MigrateStage = z.object({
  name: z.enum([
    'check',
    'image',
    'create',
    'checkpoint',
    'files',
    'transfer',
    'restore',
    'verify',
    'finish',
  ]),
  state: z.enum(['pending', 'running', 'done', 'skipped', 'failed']),
  bytes: z.number(),
  ms: z.number(),
  detail: z.string(),
});

export const MigrationResult = z.object({
  ok: z.boolean(),
  targetEngineId: EngineId,
  targetContainerId: z.string(),
  durationMs: z.number(),
  /** From the freeze on the source to running on the target: how long it was not serving. */
  downtimeMs: z.number(),
  stages: z.array(MigrateStage),
});

/** What migrations.check answers. */
export const MigrateCheckResult = z.object({
  problems: z.array(z.string()),
  warnings: z.array(z.string()),
  /** Host settings the container takes along (bind mounts, capabilities, devices…). */
  carried: z.array(z.string()),
  imagePresent: z.boolean(),
  targetName: z.string(),
});

/** What migrations.run takes. */
export const MigrateRunArgs = z
  .object({
    ...Target,
    to: EngineId,
    keepSource: z.boolean().default(false),
    opId: OperationId.optional(),
  })
  .strict();

export type MigrateStageT = z.output<typeof MigrateStage>;
export type MigrationResultT = z.output<typeof MigrationResult>;
