// Shapes of the IPC contract (electron/ipc/contract.ts): the library — every checkpoint the catalog
// knows, including those whose container is gone, and deleting from it.
import { z } from 'zod';
import { CheckpointRecord } from './checkpoints';
import { CheckpointName, EngineId } from './common';

/** A checkpoint as the library shows it: the catalog's record and where its state is kept now. */
export const LibraryEntry = CheckpointRecord.extend({
  /**
   * 'engine': the engine has it; 'archive': its container is gone but the app's own archive of it
   * is kept (Podman); 'gone': only the catalog remembers it.
   */
  kept: z.enum(['engine', 'archive', 'gone']),
});

export const LibraryItem = z
  .object({
    engineId: EngineId,
    containerId: z.string().regex(/^[a-f0-9]{12,64}$/, 'a container id is 12 to 64 hex digits'),
    name: CheckpointName,
  })
  .strict();

/** What library.delete answers. */
export const LibraryDeleteResult = z.array(
  z.object({
    engineId: z.string(),
    containerId: z.string(),
    name: z.string(),
    ok: z.boolean(),
    error: z.string().optional(),
  }),
);

export type LibraryEntryT = z.infer<typeof LibraryEntry>;
export type LibraryItemT = z.infer<typeof LibraryItem>;
