// Shapes of the IPC contract (electron/ipc/contract.ts): checkpoints on an engine — the catalog's
// record of one (with CRIU's own statistics), creating and restoring one, and the per-container
// summary. Checkpoints as files and images are in portable.ts, the library's view in library.ts.
import { z } from 'zod';
import { CheckpointName, EngineId, OperationId, Target } from './common';
import { ContainerSummary } from './containers';

export const CheckpointOrigin = z.enum(['manual', 'clone-source', 'imported', 'external', 'scheduled']);

export const ProcessInfo = z.object({
  pid: z.number(),
  ppid: z.number(),
  comm: z.string(),
  threads: z.number(),
});

export const CriuDumpStats = z.object({
  freezingUs: z.number().nullable(),
  frozenUs: z.number().nullable(),
  memdumpUs: z.number().nullable(),
  memwriteUs: z.number().nullable(),
  pagesScanned: z.number().nullable(),
  pagesSkippedParent: z.number().nullable(),
  pagesWritten: z.number().nullable(),
});

export const CheckpointRecord = z.object({
  engineId: EngineId,
  containerId: z.string(),
  containerName: z.string(),
  image: z.string(),
  name: z.string(),
  createdAt: z.number(),
  /** Whether the container kept running after the checkpoint. */
  mode: z.enum(['stopped', 'running', 'unknown']),
  origin: CheckpointOrigin,
  note: z.string(),
  /** 'missing': the catalog knew it, the engine no longer has it. */
  status: z.enum(['present', 'missing']),
  sizeBytes: z.number().nullable(),
  pagesBytes: z.number().nullable(),
  pagesDumped: z.number().nullable(),
  processes: z.array(ProcessInfo).nullable(),
  /** Wall time of the checkpoint as Checkpoint Studio measured it. */
  durationMs: z.number().nullable(),
  /** CRIU's own statistics, when its stats file was kept (Docker discards it). */
  criuStats: CriuDumpStats.nullable(),
});

export const RestoreResult = z.object({
  container: z.lazy(() => ContainerSummary),
  /** The checkpoint that was restored (the newest, when none was named). */
  checkpoint: z.string(),
  durationMs: z.number(),
  /** What was running before and was replaced, if anything. */
  replaced: z.boolean(),
  /** The engine restored it with its loopback down, and the app brought it up. */
  loopbackRepaired: z.boolean(),
});

export const CatalogChanged = z.object({ engineId: EngineId, containerId: z.string() });

/** What checkpoints.create takes. */
export const CheckpointCreateArgs = z
  .object({
    ...Target,
    name: CheckpointName.optional(),
    leaveRunning: z.boolean().default(false),
    note: z.string().max(2000).optional(),
    tcpEstablished: z.boolean().default(false),
    fileLocks: z.boolean().default(false),
    opId: OperationId.optional(),
  })
  .strict();

/** What checkpoints.restore takes. */
export const CheckpointRestoreArgs = z
  .object({
    ...Target,
    checkpoint: CheckpointName.optional(),
    replaceRunning: z.boolean().default(false),
    opId: OperationId.optional(),
  })
  .strict();

/** What checkpoints.summarize answers. */
export const CheckpointsSummaryResult = z.array(
  z.object({
    containerId: z.string(),
    count: z.number(),
    newestAt: z.number().nullable(),
    bytes: z.number(),
  }),
);

export type ProcessInfoT = z.output<typeof ProcessInfo>;
export type CriuDumpStatsT = z.output<typeof CriuDumpStats>;
export type CheckpointRecordT = z.output<typeof CheckpointRecord>;
export type RestoreResultT = z.output<typeof RestoreResult>;
