// What the checkpoint services need from an engine, whatever it is. Docker keeps named
// checkpoints in each container's folder and restores only from there; Podman exports each
// checkpoint as an archive (kept by the app) and restores by importing one. Everything above this
// interface — catalog, clones, schedules, migration, the UI — is the same for both.
import type { Readable } from 'node:stream';
import type { CheckpointSource } from '../../criu/sources';
import type { Target } from '../container-target';

export interface CreateOptions {
  leaveRunning: boolean;
  tcpEstablished: boolean;
  fileLocks: boolean;
}

export interface CloneSpec {
  name: string;
  /** Docker PortBindings for this clone ({} for none). */
  portBindings: Record<string, { HostIp?: string; HostPort?: string }[] | null>;
}

export interface CloneOutcome {
  name: string;
  id: string | null;
  error?: string;
  restoreMs: number | null;
}

/** How far one clone got, for the progress report. */
export type CloneProgress = (name: string, state: 'creating' | 'copying' | 'restoring') => void;

/** Each clone's outcome before anything is made: not made. */
export function notMade(clones: CloneSpec[]): CloneOutcome[] {
  return clones.map((c) => ({ name: c.name, id: null, restoreMs: null }));
}

export interface CheckpointBackend {
  readonly kind: 'docker' | 'podman';
  /** Options CRIU supports that this engine's API can pass. */
  readonly supports: { tcpEstablished: boolean; fileLocks: boolean; clonePorts: boolean };
  /** Names of the container's checkpoints, as the engine (or the app's archive store) holds them. */
  list(t: Target): Promise<string[]>;
  create(t: Target, name: string, o: CreateOptions): Promise<void>;
  remove(t: Target, name: string): Promise<void>;
  /** Restores into the container itself; resolves with its id, which Podman changes. */
  restoreInPlace(t: Target, name: string): Promise<string>;
  /** The checkpoint's files, for the catalog scan (complete listing). */
  source(t: Target, name: string): CheckpointSource;
  /** The checkpoint's files for the inspector (as cheap as the engine allows). */
  inspectSource(t: Target, name: string): CheckpointSource;
  /** N new containers from one checkpoint; each reported on its own, failures already removed. */
  clone(
    t: Target,
    name: string,
    clones: CloneSpec[],
    progress: CloneProgress,
    /** Checked between steps: what is not made yet is not made, what was made is removed. */
    signal?: AbortSignal,
  ): Promise<CloneOutcome[]>;
  /** The checkpoint as one tar stream (Docker: the folder; Podman: the export), for migration. */
  exportTar(t: Target, name: string): Promise<Readable>;
  /** Lines of CRIU's own log about a failure, when the engine leaves them reachable. */
  failureLog(t: Target, e: unknown): Promise<string[]>;
}
