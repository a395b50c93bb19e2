// The one IPC contract. Main process, preload, browser-mode host, CLI and renderer all speak it:
// each call names its argument and result schema, each event its payload. Arguments are parsed
// with zod at every boundary before any service sees them.
import { z } from 'zod';
import type { CallName, EventName } from './contract-names';
import { CheckpointName, ContainerRef, EngineId, ImageRef, OperationId, Target } from './shapes/common';
import { AppInfo } from './shapes/app';
import { EngineStatus, EnginesAddArgs, EnginesTestArgs, EnginesTestResult } from './shapes/engines';
import { CapabilityStatus } from './shapes/capabilities';
import {
  ContainerSummary,
  ContainersActionArgs,
  ContainersActionResult,
  ContainersChanged,
  LogData,
} from './shapes/containers';
import { DoctorCleanResult, DoctorReport } from './shapes/doctor';
import {
  CatalogChanged,
  CheckpointCreateArgs,
  CheckpointRecord,
  CheckpointRestoreArgs,
  CheckpointsSummaryResult,
  RestoreResult,
} from './shapes/checkpoints';
import { LibraryDeleteResult, LibraryEntry, LibraryItem } from './shapes/library';
import { ClonePlan, CloneRequest, CloneResult } from './shapes/clones';
import { MigrateCheckResult, MigrateRunArgs, MigrationResult } from './shapes/migration';
import { OperationProgress } from './shapes/operations';
import { Policy, PolicyRun, PolicySettings, ScheduleChanged } from './shapes/schedules';
import {
  ArchiveImportArgs,
  CheckpointExportArgs,
  CheckpointImage,
  ExportResult,
  ImageCreateArgs,
  ImagePushArgs,
  ImageRestoreArgs,
  ImportResult,
} from './shapes/portable';
import {
  InspectDiff,
  InspectMemsearchArgs,
  InspectSource,
  Inspection,
  MemSearchResult,
} from './shapes/inspector';

// The shapes live in shapes/, one file per domain, shared primitives in shapes/common.ts; they are
// re-exported here, so everything imports the contract from this file alone.
export * from './shapes/common';
export * from './shapes/app';
export * from './shapes/engines';
export * from './shapes/capabilities';
export * from './shapes/containers';
export * from './shapes/doctor';
export * from './shapes/checkpoints';
export * from './shapes/library';
export * from './shapes/clones';
export * from './shapes/migration';
export * from './shapes/operations';
export * from './shapes/schedules';
export * from './shapes/portable';
export * from './shapes/inspector';

const NoArgs = z.object({}).strict();

// ---- calls ----

interface CallSpec {
  args: z.ZodType;
  result: z.ZodType;
  summary: string;
}

export const calls = {
  'app.describe': { args: NoArgs, result: AppInfo, summary: 'Name, version and which host serves the UI.' },
  'app.createLink': {
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
    args: EnginesTestArgs,
    result: EnginesTestResult,
    summary: 'Try an engine address without adding it.',
  },
  'engines.add': {
    args: EnginesAddArgs,
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
    result: DoctorCleanResult,
    summary:
      "Remove the copies of restored checkpoints containerd left in this computer's /tmp (only those no process uses and no restore is writing).",
  },
  'engines.measure': {
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
  'checkpoints.create': {
    args: CheckpointCreateArgs,
    result: CheckpointRecord,
    summary: 'Checkpoint a running container: stop it, or leave it running.',
  },
  'checkpoints.restore': {
    args: CheckpointRestoreArgs,
    result: RestoreResult,
    summary: 'Restore a checkpoint (the newest when none is named) into its own container.',
  },
  'checkpoints.delete': {
    args: z.object({ ...Target, checkpoint: CheckpointName }).strict(),
    result: z.object({ deleted: z.boolean() }),
    summary: 'Delete a checkpoint from the engine and the catalog.',
  },
  'checkpoints.note': {
    args: z.object({ ...Target, checkpoint: CheckpointName, note: z.string().max(2000) }).strict(),
    result: CheckpointRecord,
    summary: "Set a checkpoint's note.",
  },
  'migrations.check': {
    args: z.object({ ...Target, to: EngineId }).strict(),
    result: MigrateCheckResult,
    summary: 'Whether a container can move to another engine, and what the move involves.',
  },
  'migrations.run': {
    args: MigrateRunArgs,
    result: MigrationResult,
    summary: 'Move a running container to another engine; it goes on where it stopped.',
  },
  'clones.plan': {
    args: CloneRequest,
    result: ClonePlan,
    summary: 'Check a clone request without doing anything: the names it would use and what is wrong.',
  },
  'clones.run': {
    args: CloneRequest,
    result: CloneResult,
    summary: 'Start N new containers from one checkpoint.',
  },
  'logs.follow': {
    args: z.object({ ...Target, tail: z.number().int().min(0).max(5000).default(200) }).strict(),
    result: z.object({ subscriptionId: z.string() }),
    summary: "Follow a container's output, across stops and restores, as logs.received events.",
  },
  'inspections.open': {
    args: z.object({ source: InspectSource }).strict(),
    result: Inspection,
    summary: 'Decode what a checkpoint holds: processes, memory, files, sockets, timings (never its pages).',
  },
  'inspections.diff': {
    args: z.object({ a: InspectSource, b: InspectSource }).strict(),
    result: InspectDiff,
    summary: 'What changed between two checkpoints.',
  },
  'inspections.searchMemory': {
    args: InspectMemsearchArgs,
    result: MemSearchResult,
    summary: "Find a string or a regular expression in a process's dumped memory.",
  },
  'schedules.list': {
    args: z.object({ engineId: EngineId.optional() }).strict(),
    result: z.array(Policy),
    summary: 'Every checkpoint schedule (of one engine, or all).',
  },
  'schedules.set': {
    args: PolicySettings,
    result: Policy,
    summary: 'Create or change the schedule of a container: every N, keep K, thin out, disk budget.',
  },
  'schedules.pause': {
    args: z.object({ ...Target, paused: z.boolean() }).strict(),
    result: Policy,
    summary: 'Pause or resume a schedule.',
  },
  'schedules.remove': {
    args: z.object(Target).strict(),
    result: z.object({ removed: z.boolean() }),
    summary: "Remove a container's schedule (its checkpoints stay).",
  },
  'schedules.listRuns': {
    args: z.object({ ...Target, limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    result: z.array(PolicyRun),
    summary: "A schedule's recent runs, newest first, with their outcome.",
  },
  'checkpoints.export': {
    args: CheckpointExportArgs,
    result: ExportResult,
    summary:
      'Write a checkpoint to one archive (the layout Podman and checkpointctl read): saved where the user says on the desktop, downloaded in browser mode.',
  },
  'archives.import': {
    args: ArchiveImportArgs,
    result: ImportResult,
    summary:
      'Make new containers from a checkpoint archive the user picked or uploaded, restored where it was.',
  },
  'containers.act': {
    args: ContainersActionArgs,
    result: ContainersActionResult,
    summary:
      'Start, stop, restart, kill, pause, unpause or remove containers, each reported on its own (remove is forced; volumes stay).',
  },
  'checkpoints.summarize': {
    args: z.object({ engineId: EngineId }).strict(),
    result: CheckpointsSummaryResult,
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
    result: LibraryDeleteResult,
    summary:
      'Delete checkpoints from the library, each reported: from the engine where it has them, else the archive the app kept and the record.',
  },
  'images.list': {
    args: z.object({ engineId: EngineId }).strict(),
    result: z.array(CheckpointImage),
    summary: "The engine's checkpoint images: the app's and Podman's own (--create-image), newest first.",
  },
  'images.create': {
    args: ImageCreateArgs,
    result: z.object({ id: z.string(), image: z.string(), bytes: z.number() }),
    summary: 'Keep a checkpoint as an OCI image in the engine’s image store (one layer: its archive).',
  },
  'images.restore': {
    args: ImageRestoreArgs,
    result: ImportResult,
    summary: 'Make new containers from a checkpoint image, restored where it was.',
  },
  'images.push': {
    args: ImagePushArgs,
    result: z.object({ pushed: z.string() }),
    summary: 'Push a checkpoint image to a registry, with the engine’s own registry settings and logins.',
  },
  'images.pull': {
    args: z.object({ engineId: EngineId, image: ImageRef, opId: OperationId.optional() }).strict(),
    result: CheckpointImage,
    summary: 'Pull a checkpoint image from a registry.',
  },
  'images.remove': {
    args: z.object({ engineId: EngineId, image: ImageRef }).strict(),
    result: z.object({ removed: z.boolean() }),
    summary: 'Remove a checkpoint image (or one of its names) from the engine.',
  },
  'files.pick': {
    args: z.object({ kind: z.enum(['archive', 'folder']) }).strict(),
    result: z.object({ fileId: z.string().nullable(), name: z.string().nullable() }),
    summary: 'Ask the user for a checkpoint folder or archive (desktop only); returns an opaque id.',
  },
  'operations.cancel': {
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
  'engines.statusChanged': EngineStatus,
  'engines.measured': CapabilityStatus,
  'containers.changed': ContainersChanged,
  'operations.progressed': OperationProgress,
  'logs.received': LogData,
  'catalog.changed': CatalogChanged,
  'schedules.changed': ScheduleChanged,
  'engines.removed': z.object({ engineId: EngineId }),
  'schedules.ran': PolicyRun,
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

export type { CallName, EventName };

/** What the renderer sees, whichever host serves it. */
export interface StudioApi {
  call<N extends CallName>(name: N, args: CallArgs<N>): Promise<CallResult<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
