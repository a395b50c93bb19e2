// Shapes of the IPC contract (electron/ipc/contract.ts): the checkpoint inspector — what to open,
// what a checkpoint holds (processes, memory, files, sockets, timings), the diff of two, and the
// memory search.
import { z } from 'zod';
import { CriuDumpStats } from './checkpoints';
import { CheckpointName, ContainerRef, EngineId, ImageRef } from './common';

/** What to open: a checkpoint on an engine, or a file the user picked or uploaded (by opaque id). */
export const InspectSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('engine'),
      engineId: EngineId,
      container: ContainerRef,
      checkpoint: CheckpointName,
    })
    .strict(),
  z
    .object({
      kind: z.literal('file'),
      fileId: z.string().regex(/^[a-f0-9]{24}$/, 'a file id is 24 hex digits'),
    })
    .strict(),
  z.object({ kind: z.literal('image'), engineId: EngineId, image: ImageRef }).strict(),
  /** A checkpoint the app kept after its container was removed (a Podman archive), by the ids the library shows. */
  z
    .object({
      kind: z.literal('kept'),
      engineId: EngineId,
      containerId: z.string().regex(/^[a-f0-9]{12,64}$/, 'a container id is 12 to 64 hex digits'),
      checkpoint: CheckpointName,
    })
    .strict(),
]);

export const InspectProcess = z.object({
  pid: z.number(),
  ppid: z.number(),
  pgid: z.number(),
  sid: z.number(),
  comm: z.string(),
  state: z.string(),
  threads: z.number(),
  exe: z.string().nullable(),
  cwd: z.string().nullable(),
  root: z.string().nullable(),
  mappedBytes: z.number(),
  dumpedBytes: z.number(),
  fds: z.number(),
});

export const MemoryArea = z.object({
  pid: z.number(),
  /** Hex: 64-bit addresses do not fit a JSON number. */
  start: z.string(),
  end: z.string(),
  size: z.number(),
  dumpedBytes: z.number(),
  prot: z.string(),
  shared: z.boolean(),
  kind: z.enum(['file', 'anon', 'heap', 'stack', 'vdso', 'vvar', 'vsyscall', 'sysv-shm', 'other']),
  path: z.string().nullable(),
});

export const OpenFile = z.object({
  pid: z.number(),
  fd: z.number(),
  type: z.string(),
  description: z.string(),
});

export const SocketInfo = z.object({
  pid: z.number(),
  fd: z.number(),
  family: z.enum(['inet', 'inet6', 'unix', 'other']),
  proto: z.string(),
  state: z.string(),
  local: z.string(),
  remote: z.string().nullable(),
  port: z.number().nullable(),
});

export const ImageFile = z.object({
  name: z.string(),
  size: z.number(),
  kind: z.enum(['decoded', 'pages', 'listed']),
});

export const Inspection = z.object({
  label: z.string(),
  format: z.enum(['docker', 'podman-export', 'folder']),
  imgVersion: z.number().nullable(),
  dumpedAt: z.number().nullable(),
  totals: z.object({
    imageBytes: z.number(),
    pagesBytes: z.number(),
    pagesDumped: z.number(),
    mappedBytes: z.number(),
    processes: z.number(),
    threads: z.number(),
  }),
  processes: z.array(InspectProcess),
  memory: z.array(MemoryArea),
  files: z.array(OpenFile),
  sockets: z.array(SocketInfo),
  stats: CriuDumpStats.nullable(),
  imageFiles: z.array(ImageFile),
  /** 'metadata-only': read file by file from an engine, so files the inspector does not use are not listed. */
  listing: z.enum(['complete', 'metadata-only']),
  podman: z
    .object({
      name: z.string().nullable(),
      image: z.string().nullable(),
      createdAt: z.string().nullable(),
      command: z.array(z.string()).nullable(),
      rootfsDiffBytes: z.number().nullable(),
      deletedFiles: z.array(z.string()),
      volumes: z.number(),
    })
    .nullable(),
  problems: z.array(z.string()),
});

export const InspectDiff = z.object({
  a: z.string(),
  b: z.string(),
  sizeDelta: z.number(),
  dumpedDelta: z.number(),
  mappedDelta: z.number(),
  processes: z.object({
    added: z.array(z.string()),
    removed: z.array(z.string()),
    changed: z.array(
      z.object({
        process: z.string(),
        dumpedDelta: z.number(),
        mappedDelta: z.number(),
        fdsDelta: z.number(),
      }),
    ),
  }),
  files: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
  sockets: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
  memoryByKind: z.array(z.object({ kind: z.string(), a: z.number(), b: z.number() })),
});

export const MemHit = z.object({
  pid: z.number(),
  address: z.string(),
  area: z.string(),
  match: z.string(),
  hexdump: z.array(z.string()),
});

export const MemSearchResult = z.object({
  hits: z.array(MemHit),
  scannedBytes: z.number(),
  truncated: z.boolean(),
});

/** What inspections.searchMemory takes. */
export const InspectMemsearchArgs = z
  .object({
    source: InspectSource,
    pattern: z.string().min(1, 'a pattern is needed').max(512),
    regex: z.boolean().default(false),
    pid: z.number().int().positive().optional(),
    maxHits: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

export type InspectSourceT = z.output<typeof InspectSource>;
export type InspectProcessT = z.output<typeof InspectProcess>;
export type MemoryAreaT = z.output<typeof MemoryArea>;
export type OpenFileT = z.output<typeof OpenFile>;
export type SocketInfoT = z.output<typeof SocketInfo>;
export type InspectionT = z.output<typeof Inspection>;
export type InspectDiffT = z.output<typeof InspectDiff>;
export type MemHitT = z.output<typeof MemHit>;
export type MemSearchResultT = z.output<typeof MemSearchResult>;
