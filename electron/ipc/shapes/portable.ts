// Shapes of the IPC contract (electron/ipc/contract.ts): checkpoints as files and images — export to
// an archive, import from one, and checkpoints kept as OCI images (create, restore, push, pull).
import { z } from 'zod';
import { CheckpointName, ContainerRef, EngineId, ImageRef, OperationId, Target } from './common';

export const Compression = z.enum(['zstd', 'gzip', 'none']);

export const ExportResult = z.object({
  /** Browser mode: the app's copy, fetched once by POST /api/download?id=…; null on the desktop. */
  fileId: z.string().nullable(),
  /** The desktop: where it was saved (null when the user cancelled the save dialog). */
  savedTo: z.string().nullable(),
  /** The file name it is offered under. */
  name: z.string(),
  bytes: z.number(),
  ms: z.number(),
});

export const ArchiveOrigin = z.object({
  madeBy: z.string(),
  engineKind: z.enum(['docker', 'podman']).nullable(),
  containerName: z.string().nullable(),
  image: z.string().nullable(),
  pod: z.string().nullable(),
  checkpointedAt: z.string().nullable(),
});

/** A checkpoint kept as an OCI image (Podman's `--create-image` layout) on an engine. */
export const CheckpointImage = z.object({
  id: z.string(),
  refs: z.array(z.string()),
  container: z.string(),
  checkpoint: z.string().nullable(),
  madeBy: z.enum(['docker', 'podman']),
  rootfsImage: z.string(),
  created: z.string(),
  size: z.number(),
});

export const ImportResult = z.object({
  origin: ArchiveOrigin,
  instances: z.array(
    z.object({
      name: z.string(),
      id: z.string().nullable(),
      error: z.string().optional(),
      loopbackRepaired: z.boolean().optional(),
    }),
  ),
  notes: z.array(z.string()),
});

/** What checkpoints.export takes. */
export const CheckpointExportArgs = z
  .object({
    ...Target,
    checkpoint: CheckpointName,
    compression: Compression.default('zstd'),
    opId: OperationId.optional(),
  })
  .strict();

/** How many containers an import or an image restore makes, and under which name. */
const Instances = {
  name: ContainerRef.refine((n) => n.length <= 100, 'a name has at most 100 characters').optional(),
  count: z.number().int().min(1, 'at least 1 container').max(50, 'at most 50 containers at once').default(1),
  opId: OperationId.optional(),
};

/** What archives.import takes. */
export const ArchiveImportArgs = z
  .object({
    fileId: z.string().regex(/^[a-f0-9]{24}$/, 'a file id is 24 hex digits'),
    engineId: EngineId,
    ...Instances,
  })
  .strict();

/** What images.create takes. */
export const ImageCreateArgs = z
  .object({ ...Target, checkpoint: CheckpointName, image: ImageRef, opId: OperationId.optional() })
  .strict();

/** What images.restore takes. */
export const ImageRestoreArgs = z
  .object({
    engineId: EngineId,
    image: ImageRef,
    ...Instances,
  })
  .strict();

/** What images.push takes. */
export const ImagePushArgs = z
  .object({ engineId: EngineId, image: ImageRef, to: ImageRef, opId: OperationId.optional() })
  .strict();

export type CompressionT = z.output<typeof Compression>;
export type ExportResultT = z.output<typeof ExportResult>;
export type CheckpointImageT = z.infer<typeof CheckpointImage>;
export type ImportResultT = z.output<typeof ImportResult>;
