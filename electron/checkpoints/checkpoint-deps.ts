// What the checkpoint and clone services need from the rest of the app, each as small as the
// services use it: the composition root passes the real registry, catalog and capability service,
// which fit these shapes as they are, and the unit tests pass fakes that record what was done.
import type { ContainerInspectInfo } from 'dockerode';
import type { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import type { Journal } from '../catalog/journal';
import type { Cancellation } from '../app/cancellation';
import type { Operation } from '../capabilities/capability-rules';
import type { ContainerNetworkKind } from '../capabilities/network-kind';
import type { EngineConnection } from '../engines/engine-connection';
import type { EngineCapabilitiesT } from '../ipc/contract';
import type { EventBus } from '../ipc/event-bus';
import type { CheckpointBackend } from './backends/backend';
import type { ContainerLocks, Target } from './container-target';

// Where a container's engine is found, beside the target it resolves to.
export type { EngineLookup } from './container-target';

/** Each engine kind's way of keeping checkpoints. */
export interface Backends {
  docker: CheckpointBackend;
  podman: CheckpointBackend;
}

/** The part of the catalog the checkpoint service keeps in step with the engines. */
export type CheckpointRecords = Pick<
  CheckpointCatalog,
  | 'add'
  | 'get'
  | 'list'
  | 'unscanned'
  | 'saveScan'
  | 'setNote'
  | 'remove'
  | 'reconcile'
  | 'markGoneExcept'
  | 'logOperation'
>;

/** The part of the catalog a clone writes: its operation, and clones left to remove later. */
export type CloneRecords = Pick<CheckpointCatalog, 'logOperation' | 'addPendingRemoval'>;

/** What an engine was measured to do (the capability service). */
export interface CapabilityGate {
  /** Refuses, before anything is stopped or created, what this engine was measured to fail. */
  require(
    conn: EngineConnection,
    info: ContainerInspectInfo,
    op: Operation,
    onMeasuring?: () => void,
  ): Promise<{ kind: ContainerNetworkKind; caps: EngineCapabilitiesT | null }>;
  loopbackComesBackDown(
    caps: EngineCapabilitiesT | null,
    kind: ContainerNetworkKind,
    after: 'restore' | 'clone',
  ): boolean | null;
  ensure(engineId: string): Promise<EngineCapabilitiesT | null>;
}

export type Events = Pick<EventBus, 'emit'>;

/** What the clone service takes from the checkpoint service. */
export interface CheckpointAccess {
  readonly locks: ContainerLocks;
  readonly capabilities: CapabilityGate;
  readonly journal: Pick<Journal, 'begin' | 'add' | 'end'>;
  readonly cancellation: Pick<Cancellation, 'begin'>;
  target(engineId: string, ref: string): Promise<Target>;
  backend(conn: EngineConnection): CheckpointBackend;
}
