// The one IPC contract. Main process, preload, browser-mode host, CLI and renderer all speak it:
// each call names its argument and result schema, each event its payload. Arguments are parsed
// with zod at every boundary before any service sees them.
import { z } from 'zod';
import type { CallName, EventName } from './contract-names';

// ---- identifiers that reach engines or the file system: strict on purpose ----

export const EngineId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'an engine id is 1–32 lowercase letters, digits or dashes');

/** A container name or id as Docker accepts them; rejects '/', '..', NUL and shell metacharacters. */
export const ContainerRef = z
  .string()
  .min(1, 'a container name or id is required')
  .max(128, 'a container name or id has at most 128 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a container name or id is letters, digits, "_", "." or "-"');

// ---- shapes ----

export const EngineState = z.enum(['connecting', 'online', 'offline']);

export const EngineStatus = z.object({
  id: EngineId,
  name: z.string(),
  /** Where it is, for display: unix:///run/docker.sock, tcp://host:2376. */
  host: z.string(),
  kind: z.enum(['docker', 'podman', 'unknown']),
  state: EngineState,
  error: z.string().optional(),
  hint: z.string().optional(),
  version: z.string().optional(),
  apiVersion: z.string().optional(),
  experimental: z.boolean().optional(),
  /** ssh:// engines: the host key's fingerprint the app holds it to (SHA256:…). */
  hostKey: z.string().optional(),
  /** ms since epoch of the last state change */
  since: z.number(),
});

/** A path the user typed for a file the app reads (TLS folder, SSH key): absolute, plain. */
const LocalPath = z
  .string()
  .max(1024)
  .regex(/^\/[^\0]*$/, 'give an absolute path (starting with /)')
  .refine((p) => !p.split('/').includes('..'), 'a path with .. in it is not taken');

/** "SHA256:" and 43 base64 characters, as ssh-keygen -l prints a host key. */
export const HostKeyFingerprint = z
  .string()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{43}$/,
    'a host key fingerprint looks like SHA256: and 43 letters, digits, + or /',
  );

export const EngineAddress = z
  .string()
  .min(1)
  .max(512)
  .regex(
    /^(unix:\/\/\/|tcp:\/\/|ssh:\/\/)[^\0\s]*$/,
    'an engine address starts with unix:///, tcp:// or ssh://',
  );

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

export const DoctorStatus = z.enum(['ok', 'warning', 'blocking']);

export const DoctorItem = z.object({
  id: z.string(),
  title: z.string(),
  status: DoctorStatus,
  detail: z.string(),
  fix: z.string().optional(),
});

export const DoctorReport = z.object({
  generatedAt: z.number(),
  engineId: EngineId.optional(),
  items: z.array(DoctorItem),
  summary: z.object({ ok: z.number(), warning: z.number(), blocking: z.number() }),
});

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'browser', 'cli', 'headless']),
  platform: z.string(),
});

/** Checkpoint names as the engine accepts them (Docker's own rule), which also keeps them path-safe. */
export const CheckpointName = z
  .string()
  .min(2, 'a checkpoint name has at least 2 characters')
  .max(128, 'a checkpoint name has at most 128 characters')
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/,
    'a checkpoint name starts with a letter or digit, then letters, digits, "_", "." or "-"',
  )
  .refine((n) => !n.endsWith('.'), 'a checkpoint name cannot end with "."');

/** Client-chosen id of a long operation, to match its progress events. */
export const OperationId = z
  .string()
  .regex(/^[a-zA-Z0-9-]{8,64}$/, 'an operation id is 8–64 letters, digits or dashes');

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

export const OperationProgress = z.object({
  opId: OperationId,
  kind: z.enum(['checkpoint', 'restore', 'clone', 'migrate', 'export', 'import', 'image', 'containers']),
  message: z.string(),
  done: z.boolean(),
  instances: z.array(CloneInstance).optional(),
  stages: z.array(MigrateStage).optional(),
});

export const LogData = z.object({
  subscriptionId: z.string(),
  lines: z.array(z.string()),
  /** The container stopped (the follow resumes when it starts again). */
  paused: z.boolean().optional(),
});

export const CatalogChanged = z.object({ engineId: EngineId, containerId: z.string() });

// ---- what an engine can do, as measured by the capability probe ----

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

// ---- schedules ----

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

// ---- checkpoints as files ----

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

/** An image name as engines accept it: [registry[:port]/]path[:tag], checked again where it is used. */
export const ImageRef = z
  .string()
  .min(1, 'an image name is required')
  .max(255, 'an image name has at most 255 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, 'an image name holds letters, digits and . _ : / @ - only');

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

// ---- the checkpoint inspector ----

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

const NoArgs = z.object({}).strict();
const Target = { engineId: EngineId, container: ContainerRef };

// ---- calls ----

interface CallSpec {
  args: z.ZodType;
  result: z.ZodType;
  summary: string;
}

export const calls = {
  'app.info': { args: NoArgs, result: AppInfo, summary: 'Name, version and which host serves the UI.' },
  'app.link': {
    args: NoArgs,
    result: z.object({ url: z.string() }),
    summary: 'Browser mode: a new one-time link that signs another tab in.',
  },
  'engines.list': {
    args: NoArgs,
    result: z.array(EngineStatus),
    summary: 'Every connected engine with its health.',
  },
  'containers.list': {
    args: z.object({ engineId: EngineId }).strict(),
    result: z.array(ContainerSummary),
    summary: "An engine's containers, running or not.",
  },
  'engines.test': {
    args: z
      .object({ host: EngineAddress, tlsDir: LocalPath.optional(), identityFile: LocalPath.optional() })
      .strict(),
    result: z.object({
      ok: z.boolean(),
      /** ssh://: the key the host presented, to compare before adding it. */
      hostKey: z.string().optional(),
      kind: z.string().optional(),
      version: z.string().optional(),
      experimental: z.boolean().optional(),
      error: z.string().optional(),
      hint: z.string().optional(),
    }),
    summary: 'Try an engine address without adding it.',
  },
  'engines.add': {
    args: z
      .object({
        name: z.string().min(1).max(64),
        host: EngineAddress,
        tlsDir: LocalPath.optional(),
        identityFile: LocalPath.optional(),
        /** The host key the user saw when testing: adding fails if the host presents another. */
        hostKey: HostKeyFingerprint.optional(),
      })
      .strict(),
    result: EngineStatus,
    summary: 'Add an engine (kept in settings) and connect to it.',
  },
  'engines.rename': {
    args: z.object({ engineId: EngineId, name: z.string().min(1).max(64) }).strict(),
    result: EngineStatus,
    summary: 'Rename an engine.',
  },
  'engines.remove': {
    args: z.object({ engineId: EngineId }).strict(),
    result: z.object({ removed: z.boolean() }),
    summary: 'Disconnect an engine and forget it (its containers are not touched).',
  },
  'doctor.run': {
    args: z.object({ engineId: EngineId.optional(), remeasure: z.boolean().default(false) }).strict(),
    result: DoctorReport,
    summary:
      'Check CRIU, the kernel and an engine (with what the engine was measured to do); each item with a plain fix.',
  },
  'doctor.clean': {
    /** The engine whose host to clean (another machine's through a helper); this computer's without. */
    args: z.object({ engineId: EngineId.optional() }).strict(),
    result: z.object({
      removed: z.number(),
      bytes: z.number(),
      busy: z.number(),
      failed: z.array(z.string()),
    }),
    summary:
      "Remove the copies of restored checkpoints containerd left in this computer's /tmp (only those no process uses and no restore is writing).",
  },
  'engines.capabilities': {
    args: z.object({ engineId: EngineId, remeasure: z.boolean().default(false) }).strict(),
    result: CapabilityStatus,
    summary:
      'What an engine can checkpoint, restore and clone, per network kind, as measured by a throwaway probe.',
  },
  'checkpoints.list': {
    args: z.object({ ...Target, container: ContainerRef.optional() }).strict(),
    result: z.array(CheckpointRecord),
    summary: 'Checkpoints of a container (or of every container on the engine), reconciled with the engine.',
  },
  'checkpoint.create': {
    args: z
      .object({
        ...Target,
        name: CheckpointName.optional(),
        leaveRunning: z.boolean().default(false),
        note: z.string().max(2000).optional(),
        tcpEstablished: z.boolean().default(false),
        fileLocks: z.boolean().default(false),
        opId: OperationId.optional(),
      })
      .strict(),
    result: CheckpointRecord,
    summary: 'Checkpoint a running container: stop it, or leave it running.',
  },
  'checkpoint.restore': {
    args: z
      .object({
        ...Target,
        checkpoint: CheckpointName.optional(),
        replaceRunning: z.boolean().default(false),
        opId: OperationId.optional(),
      })
      .strict(),
    result: RestoreResult,
    summary: 'Restore a checkpoint (the newest when none is named) into its own container.',
  },
  'checkpoint.delete': {
    args: z.object({ ...Target, checkpoint: CheckpointName }).strict(),
    result: z.object({ deleted: z.boolean() }),
    summary: 'Delete a checkpoint from the engine and the catalog.',
  },
  'checkpoint.note': {
    args: z.object({ ...Target, checkpoint: CheckpointName, note: z.string().max(2000) }).strict(),
    result: CheckpointRecord,
    summary: "Set a checkpoint's note.",
  },
  'migrate.check': {
    args: z.object({ ...Target, to: EngineId }).strict(),
    result: z.object({
      problems: z.array(z.string()),
      warnings: z.array(z.string()),
      /** Host settings the container takes along (bind mounts, capabilities, devices…). */
      carried: z.array(z.string()),
      imagePresent: z.boolean(),
      targetName: z.string(),
    }),
    summary: 'Whether a container can move to another engine, and what the move involves.',
  },
  'migrate.run': {
    args: z
      .object({
        ...Target,
        to: EngineId,
        keepSource: z.boolean().default(false),
        opId: OperationId.optional(),
      })
      .strict(),
    result: MigrationResult,
    summary: 'Move a running container to another engine; it goes on where it stopped.',
  },
  'clone.plan': {
    args: CloneRequest,
    result: ClonePlan,
    summary: 'Check a clone request without doing anything: the names it would use and what is wrong.',
  },
  'clone.run': {
    args: CloneRequest,
    result: CloneResult,
    summary: 'Start N new containers from one checkpoint.',
  },
  'logs.follow': {
    args: z.object({ ...Target, tail: z.number().int().min(0).max(5000).default(200) }).strict(),
    result: z.object({ subscriptionId: z.string() }),
    summary: "Follow a container's output, across stops and restores, as logs.data events.",
  },
  'inspect.open': {
    args: z.object({ source: InspectSource }).strict(),
    result: Inspection,
    summary: 'Decode what a checkpoint holds: processes, memory, files, sockets, timings (never its pages).',
  },
  'inspect.diff': {
    args: z.object({ a: InspectSource, b: InspectSource }).strict(),
    result: InspectDiff,
    summary: 'What changed between two checkpoints.',
  },
  'inspect.memsearch': {
    args: z
      .object({
        source: InspectSource,
        pattern: z.string().min(1, 'a pattern is needed').max(512),
        regex: z.boolean().default(false),
        pid: z.number().int().positive().optional(),
        maxHits: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    result: MemSearchResult,
    summary: "Find a string or a regular expression in a process's dumped memory.",
  },
  'schedules.list': {
    args: z.object({ engineId: EngineId.optional() }).strict(),
    result: z.array(Policy),
    summary: 'Every checkpoint schedule (of one engine, or all).',
  },
  'schedule.set': {
    args: PolicySettings,
    result: Policy,
    summary: 'Create or change the schedule of a container: every N, keep K, thin out, disk budget.',
  },
  'schedule.pause': {
    args: z.object({ ...Target, paused: z.boolean() }).strict(),
    result: Policy,
    summary: 'Pause or resume a schedule.',
  },
  'schedule.remove': {
    args: z.object(Target).strict(),
    result: z.object({ removed: z.boolean() }),
    summary: "Remove a container's schedule (its checkpoints stay).",
  },
  'schedule.runs': {
    args: z.object({ ...Target, limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    result: z.array(PolicyRun),
    summary: "A schedule's recent runs, newest first, with their outcome.",
  },
  'checkpoint.export': {
    args: z
      .object({
        ...Target,
        checkpoint: CheckpointName,
        compression: Compression.default('zstd'),
        opId: OperationId.optional(),
      })
      .strict(),
    result: ExportResult,
    summary:
      'Write a checkpoint to one archive (the layout Podman and checkpointctl read): saved where the user says on the desktop, downloaded in browser mode.',
  },
  'archive.import': {
    args: z
      .object({
        fileId: z.string().regex(/^[a-f0-9]{24}$/, 'a file id is 24 hex digits'),
        engineId: EngineId,
        name: ContainerRef.refine((n) => n.length <= 100, 'a name has at most 100 characters').optional(),
        count: z
          .number()
          .int()
          .min(1, 'at least 1 container')
          .max(50, 'at most 50 containers at once')
          .default(1),
        opId: OperationId.optional(),
      })
      .strict(),
    result: ImportResult,
    summary:
      'Make new containers from a checkpoint archive the user picked or uploaded, restored where it was.',
  },
  'containers.action': {
    args: z
      .object({
        engineId: EngineId,
        containers: z
          .array(ContainerRef)
          .min(1, 'choose at least one container')
          .max(1000, 'at most 1000 containers at once'),
        action: z.enum(['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'remove']),
        opId: OperationId.optional(),
      })
      .strict(),
    result: z.array(
      z.object({
        container: z.string(),
        name: z.string().nullable(),
        ok: z.boolean(),
        error: z.string().optional(),
      }),
    ),
    summary:
      'Start, stop, restart, kill, pause, unpause or remove containers, each reported on its own (remove is forced; volumes stay).',
  },
  'checkpoints.summary': {
    args: z.object({ engineId: EngineId }).strict(),
    result: z.array(
      z.object({
        containerId: z.string(),
        count: z.number(),
        newestAt: z.number().nullable(),
        bytes: z.number(),
      }),
    ),
    summary:
      "How many checkpoints the catalog knows per container of an engine, the newest one's time, their size.",
  },
  'library.list': {
    args: z.object({}).strict(),
    result: z.array(LibraryEntry),
    summary:
      'Every checkpoint the catalog knows, of every engine and container, including removed containers and missing ones.',
  },
  'library.delete': {
    args: z.object({ items: z.array(LibraryItem).min(1).max(1000) }).strict(),
    result: z.array(
      z.object({
        engineId: z.string(),
        containerId: z.string(),
        name: z.string(),
        ok: z.boolean(),
        error: z.string().optional(),
      }),
    ),
    summary:
      'Delete checkpoints from the library, each reported: from the engine where it has them, else the archive the app kept and the record.',
  },
  'images.list': {
    args: z.object({ engineId: EngineId }).strict(),
    result: z.array(CheckpointImage),
    summary: "The engine's checkpoint images: the app's and Podman's own (--create-image), newest first.",
  },
  'image.create': {
    args: z
      .object({ ...Target, checkpoint: CheckpointName, image: ImageRef, opId: OperationId.optional() })
      .strict(),
    result: z.object({ id: z.string(), image: z.string(), bytes: z.number() }),
    summary: 'Keep a checkpoint as an OCI image in the engine’s image store (one layer: its archive).',
  },
  'image.restore': {
    args: z
      .object({
        engineId: EngineId,
        image: ImageRef,
        name: ContainerRef.refine((n) => n.length <= 100, 'a name has at most 100 characters').optional(),
        count: z
          .number()
          .int()
          .min(1, 'at least 1 container')
          .max(50, 'at most 50 containers at once')
          .default(1),
        opId: OperationId.optional(),
      })
      .strict(),
    result: ImportResult,
    summary: 'Make new containers from a checkpoint image, restored where it was.',
  },
  'image.push': {
    args: z
      .object({ engineId: EngineId, image: ImageRef, to: ImageRef, opId: OperationId.optional() })
      .strict(),
    result: z.object({ pushed: z.string() }),
    summary: 'Push a checkpoint image to a registry, with the engine’s own registry settings and logins.',
  },
  'image.pull': {
    args: z.object({ engineId: EngineId, image: ImageRef, opId: OperationId.optional() }).strict(),
    result: CheckpointImage,
    summary: 'Pull a checkpoint image from a registry.',
  },
  'image.remove': {
    args: z.object({ engineId: EngineId, image: ImageRef }).strict(),
    result: z.object({ removed: z.boolean() }),
    summary: 'Remove a checkpoint image (or one of its names) from the engine.',
  },
  'files.pick': {
    args: z.object({ kind: z.enum(['archive', 'folder']) }).strict(),
    result: z.object({ fileId: z.string().nullable(), name: z.string().nullable() }),
    summary: 'Ask the user for a checkpoint folder or archive (desktop only); returns an opaque id.',
  },
  'operation.cancel': {
    args: z.object({ opId: OperationId }).strict(),
    result: z.object({ cancelled: z.boolean() }),
    summary: 'Cancel a long operation (clone, migration, restore): what it made is undone, as on a failure.',
  },
  'logs.unfollow': {
    args: z.object({ subscriptionId: z.string().regex(/^[a-f0-9]{16}$/) }).strict(),
    result: z.object({ stopped: z.boolean() }),
    summary: 'Stop following.',
  },
} as const satisfies Record<CallName, CallSpec>;

export const events = {
  'engine.status': EngineStatus,
  'engine.capabilities': CapabilityStatus,
  'containers.changed': ContainersChanged,
  'operation.progress': OperationProgress,
  'logs.data': LogData,
  'catalog.changed': CatalogChanged,
  'schedule.changed': CatalogChanged,
  'engines.removed': z.object({ engineId: EngineId }),
  'schedule.run': PolicyRun,
} as const satisfies Record<EventName, z.ZodType>;

// Compile-time check that contract-names.ts lists exactly these calls and events.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const callsMatch: Exactly<keyof typeof calls, CallName> = true;
const eventsMatch: Exactly<keyof typeof events, EventName> = true;
void callsMatch;
void eventsMatch;

export type CallArgs<N extends CallName> = z.input<(typeof calls)[N]['args']>;
export type ParsedArgs<N extends CallName> = z.output<(typeof calls)[N]['args']>;
export type CallResult<N extends CallName> = z.output<(typeof calls)[N]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export type EngineStatusT = z.output<typeof EngineStatus>;
export type ContainerSummaryT = z.output<typeof ContainerSummary>;
export type ContainersChangedT = z.output<typeof ContainersChanged>;
export type DoctorItemT = z.output<typeof DoctorItem>;
export type DoctorReportT = z.output<typeof DoctorReport>;
export type AppInfoT = z.output<typeof AppInfo>;
export type CheckpointRecordT = z.output<typeof CheckpointRecord>;
export type CriuDumpStatsT = z.output<typeof CriuDumpStats>;
export type RestoreResultT = z.output<typeof RestoreResult>;
export type PortPlanT = z.output<typeof PortPlan>;
export type CloneRequestT = z.output<typeof CloneRequest>;
export type CloneInstanceT = z.output<typeof CloneInstance>;
export type ClonePlanT = z.output<typeof ClonePlan>;
export type CloneResultT = z.output<typeof CloneResult>;
export type OperationProgressT = z.output<typeof OperationProgress>;
export type ProcessInfoT = z.output<typeof ProcessInfo>;
export type CheckpointImageT = z.infer<typeof CheckpointImage>;
export type LibraryEntryT = z.infer<typeof LibraryEntry>;
export type LibraryItemT = z.infer<typeof LibraryItem>;
export type InspectSourceT = z.output<typeof InspectSource>;
export type PolicyT = z.output<typeof Policy>;
export type MigrateStageT = z.output<typeof MigrateStage>;
export type MigrationResultT = z.output<typeof MigrationResult>;
export type PolicyRunT = z.output<typeof PolicyRun>;
export type PolicySettingsT = z.output<typeof PolicySettings>;
export type InspectionT = z.output<typeof Inspection>;
export type InspectProcessT = z.output<typeof InspectProcess>;
export type MemoryAreaT = z.output<typeof MemoryArea>;
export type OpenFileT = z.output<typeof OpenFile>;
export type SocketInfoT = z.output<typeof SocketInfo>;
export type InspectDiffT = z.output<typeof InspectDiff>;
export type MemSearchResultT = z.output<typeof MemSearchResult>;
export type MemHitT = z.output<typeof MemHit>;
export type NetworkKindT = z.output<typeof NetworkKind>;
export type CapabilityOutcomeT = z.output<typeof CapabilityOutcome>;
export type ModeCapabilitiesT = z.output<typeof ModeCapabilities>;
export type EngineCapabilitiesT = z.output<typeof EngineCapabilities>;
export type CapabilityStatusT = z.output<typeof CapabilityStatus>;
export type KnownIssueT = z.output<typeof KnownIssue>;
export type CompressionT = z.output<typeof Compression>;
export type ExportResultT = z.output<typeof ExportResult>;
export type ImportResultT = z.output<typeof ImportResult>;

export type { CallName, EventName };

/** What the renderer sees, whichever host serves it. */
export interface StudioApi {
  call<N extends CallName>(name: N, args: CallArgs<N>): Promise<CallResult<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
