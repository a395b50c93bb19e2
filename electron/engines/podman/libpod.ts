// Podman's own REST API (libpod): checkpoint with the archive streamed back, restore by import.
// Its Docker-compatible API has no checkpoint routes, and libpod routes need a version prefix.
import type { IncomingMessage } from 'node:http';
import { StudioError } from '../../ipc/errors';
import type { DockerEngine } from '../docker/docker-engine';
import { EngineHttpError } from '../docker/docker-http';

const V = '/v4.0.0/libpod';
const CRIU_TIMEOUT_MS = 30 * 60 * 1000;

export class PodmanCriuFailure extends Error {
  constructor(readonly engineMessage: string) {
    super(engineMessage);
    this.name = 'PodmanCriuFailure';
  }
}

function translate(e: unknown): unknown {
  if (e instanceof EngineHttpError) {
    if (/criu|checkpoint|restore/i.test(e.engineMessage) && e.status >= 500)
      return new PodmanCriuFailure(e.engineMessage);
    if (e.status === 404) return new StudioError('not-found', e.engineMessage, { cause: e });
    if (e.status === 409) return new StudioError('conflict', e.engineMessage, { cause: e });
  }
  return e;
}

export interface PodmanCheckpointOptions {
  leaveRunning: boolean;
  tcpEstablished: boolean;
  fileLocks: boolean;
  /** Keep CRIU's images beside the container too, so a restore in place needs no import. */
  keepLocal?: boolean;
}

/** POST …/checkpoint?export=true: the response body is the (uncompressed) export tar. */
export async function checkpointExport(
  engine: DockerEngine,
  id: string,
  o: PodmanCheckpointOptions,
): Promise<IncomingMessage> {
  try {
    return await engine.http.stream({
      method: 'POST',
      path: `${V}/containers/${encodeURIComponent(id)}/checkpoint`,
      query: {
        export: true,
        leaveRunning: o.leaveRunning,
        tcpEstablished: o.tcpEstablished,
        fileLocks: o.fileLocks,
        printStats: true,
        keep: o.keepLocal ?? false,
      },
      ok: [200],
      timeoutMs: CRIU_TIMEOUT_MS,
    });
  } catch (e) {
    throw translate(e);
  }
}

/** POST …/restore?import=true with the export tar as body; a name makes it a new container. */
export async function restoreImport(
  engine: DockerEngine,
  tar: NodeJS.ReadableStream,
  o: { name?: string; ignoreStaticIP?: boolean; ignoreStaticMAC?: boolean },
): Promise<string> {
  try {
    const res = await engine.http.json<{ Id: string }>({
      method: 'POST',
      path: `${V}/containers/import/restore`,
      query: {
        import: true,
        name: o.name,
        ignoreStaticIP: o.ignoreStaticIP ?? Boolean(o.name),
        ignoreStaticMAC: o.ignoreStaticMAC ?? Boolean(o.name),
        printStats: true,
      },
      file: tar,
      headers: { 'Content-Type': 'application/x-tar' },
      ok: [200],
      timeoutMs: CRIU_TIMEOUT_MS,
    });
    return res.Id;
  } catch (e) {
    throw translate(e);
  }
}

export async function rename(engine: DockerEngine, id: string, name: string): Promise<void> {
  try {
    await engine.http.json({
      method: 'POST',
      path: `${V}/containers/${encodeURIComponent(id)}/rename`,
      query: { name },
      ok: [204, 200],
      timeoutMs: 30_000,
    });
  } catch (e) {
    throw translate(e);
  }
}

/**
 * Where CRIU's log of the last checkpoint is: libpod's inspect names it (the Docker-compatible one
 * does not), and a failed dump's message names runc's work path, which holds it.
 */
export async function checkpointLogPath(
  engine: DockerEngine,
  id: string,
  failure?: string,
): Promise<string | null> {
  const fromMessage = failure ? /--work-path\s+(\/\S+)/.exec(failure)?.[1] : undefined;
  if (fromMessage) return `${fromMessage}/dump.log`;
  const info = await engine.http
    .json<{ State?: { CheckpointLog?: string } }>({
      method: 'GET',
      path: `${V}/containers/${encodeURIComponent(id)}/json`,
      ok: [200],
      timeoutMs: 15_000,
    })
    .catch(() => null);
  return info?.State?.CheckpointLog || null;
}

/** A checkpoint kept beside the container (no export), leaving it running: CRIU's log stays. */
export async function checkpointKeep(engine: DockerEngine, id: string): Promise<void> {
  try {
    await engine.http.json({
      method: 'POST',
      path: `${V}/containers/${encodeURIComponent(id)}/checkpoint`,
      query: { keep: true, leaveRunning: true },
      ok: [200],
      timeoutMs: CRIU_TIMEOUT_MS,
    });
  } catch (e) {
    throw translate(e);
  }
}

export interface LibpodState {
  Status?: string;
  Checkpointed?: boolean;
  CheckpointedAt?: string;
}

/** The container's state as libpod sees it (the Docker-compatible inspect has no checkpoint fields). */
export async function libpodState(engine: DockerEngine, id: string): Promise<LibpodState> {
  try {
    const info = await engine.http.json<{ State?: LibpodState }>({
      method: 'GET',
      path: `${V}/containers/${encodeURIComponent(id)}/json`,
      ok: [200],
      timeoutMs: 15_000,
    });
    return info.State ?? {};
  } catch (e) {
    throw translate(e);
  }
}

/** POST …/restore without import: from the images kept beside the container; its id stays. */
export async function restoreLocal(engine: DockerEngine, id: string): Promise<void> {
  try {
    await engine.http.json({
      method: 'POST',
      path: `${V}/containers/${encodeURIComponent(id)}/restore`,
      query: { printStats: true },
      ok: [200],
      timeoutMs: CRIU_TIMEOUT_MS,
    });
  } catch (e) {
    throw translate(e);
  }
}
