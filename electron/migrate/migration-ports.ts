// What a migration needs of the rest of the app, each as small as it is used: the engines, the
// checkpoint machinery, the catalog, the event bus, and the engine work itself. The app's own
// classes fit these as they are; the unit tests pass fakes, so the order of the steps and what a
// failure at each undoes can be checked without an engine.
import type { Readable } from 'node:stream';
import type { ContainerInspectInfo } from 'dockerode';
import type { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import type { Journal } from '../catalog/journal';
import type { Cancellation } from '../app/cancellation';
import type { CapabilityService } from '../capabilities/capability-service';
import type { ContainerNetworkKind } from '../capabilities/network-kind';
import type { CheckpointBackend } from '../checkpoints/backends/backend';
import type { ContainerLocks, Target } from '../checkpoints/container-target';
import type { LoopbackResult } from '../checkpoints/loopback';
import type { EngineConnection } from '../engines/engine-connection';
import type { EngineRegistry } from '../engines/engine-registry';
import type { EventBus } from '../ipc/event-bus';
import type { Verdict } from './first-output';
import type { Watch } from './transfer-watch';

export type MigrationEngines = Pick<EngineRegistry, 'online'>;
export type MigrationCatalog = Pick<CheckpointCatalog, 'logOperation' | 'add'>;
export type MigrationEvents = Pick<EventBus, 'emit'>;

/** The part of the checkpoint service a migration uses (CheckpointService is one). */
export interface MigrationCheckpoints {
  readonly capabilities: Pick<CapabilityService, 'require' | 'ensure' | 'loopbackComesBackDown'>;
  readonly journal: Pick<Journal, 'begin' | 'add' | 'setRef' | 'end' | 'drop' | 'leaveToRecovery'>;
  readonly cancellation: Pick<Cancellation, 'begin'>;
  readonly locks: Pick<ContainerLocks, 'run'>;
  backend(conn: EngineConnection): Pick<CheckpointBackend, 'create' | 'exportTar'>;
}

/** One transfer, counted into its stage and given up when it stalls or the user cancels. */
export type Carry = (fn: (watch: Watch) => Promise<void>) => Promise<void>;

/** What the files stage did: paths carried, paths deleted, and those it could not delete. */
export interface FilesCarried {
  carried: number;
  deleted: number;
  notDeleted: string | null;
}

/** The engine work of a migration (dockerMigrationEngine does it through the engine API). */
export interface MigrationEngine {
  hasNetwork(conn: EngineConnection, name: string): Promise<boolean>;
  hasImage(conn: EngineConnection, ref: string): Promise<boolean>;
  /** The id of the image `name` means on an engine, or null. */
  imageIdByName(conn: EngineConnection, name: string): Promise<string | null>;
  networkKind(conn: EngineConnection, info: ContainerInspectInfo): Promise<ContainerNetworkKind>;
  saveImage(conn: EngineConnection, name: string, signal: AbortSignal): Promise<Readable>;
  loadImage(conn: EngineConnection, tar: Readable, signal: AbortSignal): Promise<void>;
  /** A container like the source, created (not started) on the target; resolves with its id. */
  createLike(target: EngineConnection, source: Target): Promise<string>;
  wasTalking(conn: EngineConnection, id: string, at: number): Promise<boolean>;
  carryFiles(
    source: Target,
    target: EngineConnection,
    targetId: string,
    carry: Carry,
    signal: AbortSignal,
  ): Promise<FilesCarried>;
  /** The checkpoint's folder written into the target container's checkpoints, marked as a copy. */
  carryCheckpoint(
    source: Target,
    target: EngineConnection,
    targetId: string,
    name: string,
    exported: () => Promise<Readable>,
    carry: Carry,
    stallMs: number,
  ): Promise<void>;
  startFromCheckpoint(conn: EngineConnection, id: string, checkpoint: string): Promise<void>;
  deleteCheckpoint(conn: EngineConnection, id: string, checkpoint: string): Promise<void>;
  bringLoopbackUp(conn: EngineConnection, id: string): Promise<LoopbackResult>;
  confirmRunning(conn: EngineConnection, id: string, talking: boolean): Promise<Verdict>;
  /** Started again plainly (without its checkpoint). */
  start(conn: EngineConnection, id: string): Promise<void>;
  kill(conn: EngineConnection, id: string): Promise<void>;
  removeContainer(conn: EngineConnection, id: string, timeoutMs?: number): Promise<void>;
  removeImage(conn: EngineConnection, id: string): Promise<void>;
  tagImage(conn: EngineConnection, id: string, repo: string, tag: string): Promise<void>;
}
