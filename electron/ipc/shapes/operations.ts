// Shapes of the IPC contract (electron/ipc/contract.ts): the progress event of a long operation
// (checkpoint, restore, clone, migration, export, import…). Its own file because it carries clone
// instances and migration stages, so it sits above both.
import { z } from 'zod';
import { CloneInstance } from './clones';
import { OperationId } from './common';
import { MigrateStage } from './migration';

export const OperationProgress = z.object({
  opId: OperationId,
  kind: z.enum(['checkpoint', 'restore', 'clone', 'migrate', 'export', 'import', 'image', 'containers']),
  message: z.string(),
  done: z.boolean(),
  instances: z.array(CloneInstance).optional(),
  stages: z.array(MigrateStage).optional(),
});

export type OperationProgressT = z.output<typeof OperationProgress>;
