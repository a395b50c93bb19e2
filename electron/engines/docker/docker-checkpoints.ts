// Docker's experimental checkpoint routes, as the engine really implements them (they are not in
// the API's swagger file): create, list, delete, and start-from-checkpoint with the name in the
// query string (dockerode's start() sends a JSON body, which the engine refuses).
import { StudioError } from '../../ipc/errors';
import type { DockerEngine } from './docker-engine';
import { EngineHttpError } from './docker-http';

/** Dumps and restores can take long for big memory; the engine answers when CRIU is done. */
const CRIU_TIMEOUT_MS = 30 * 60 * 1000;

/** containerd still holds the checkpoint's blob until its garbage collector runs (about a second). */
const CONTENT_EXISTS = /content sha256:[0-9a-f]+: already exists/;
const RESTORE_RETRY_MS = [150, 250, 400, 600, 800, 1000, 1500, 2000];

function knownRefusal(e: unknown): StudioError | null {
  // Docker 20.10 answers 500 to a name it refuses; newer ones 400.
  if (e instanceof EngineHttpError && (e.status === 400 || /Invalid checkpoint ID/.test(e.engineMessage))) {
    return new StudioError('invalid-argument', `The engine refused: ${e.engineMessage}`, { cause: e });
  }
  if (e instanceof EngineHttpError && e.status === 501) {
    return new StudioError('experimental-off', 'The engine refused: its experimental mode is off.', {
      hint: 'Start dockerd with --experimental (or "experimental": true in daemon.json) and restart it.',
      cause: e,
    });
  }
  return null;
}

export class CriuFailure extends Error {
  constructor(
    readonly phase: 'dump' | 'restore',
    /** The engine's message. */
    readonly engineMessage: string,
    /** Where containerd left CRIU's log, when the message names it. */
    readonly logPath: string | null,
  ) {
    super(engineMessage);
    this.name = 'CriuFailure';
  }
}

/** Finds a CRIU log path in an engine error: "path= /run/…/criu-dump.log" or "log file: /…/restore.log". */
export function criuLogPath(message: string): string | null {
  const m = /(?:path=|log file:)\s*(\/[^\s:]+\.log)/.exec(message);
  return m?.[1] ?? null;
}

function looksLikeCriu(message: string): boolean {
  return /criu|runc did not terminate|OCI runtime restore failed/i.test(message);
}

export async function createCheckpoint(
  engine: DockerEngine,
  containerId: string,
  name: string,
  opts: { exit: boolean },
): Promise<void> {
  try {
    await engine.http.json({
      method: 'POST',
      path: `/containers/${encodeURIComponent(containerId)}/checkpoints`,
      body: { CheckpointID: name, CheckpointDir: '', Exit: opts.exit },
      ok: [201, 200],
      timeoutMs: CRIU_TIMEOUT_MS,
    });
  } catch (e) {
    const off = knownRefusal(e);
    if (off) throw off;
    if (e instanceof EngineHttpError && e.status >= 500 && looksLikeCriu(e.engineMessage)) {
      throw new CriuFailure('dump', e.engineMessage, criuLogPath(e.engineMessage));
    }
    throw e;
  }
}

export async function listCheckpoints(engine: DockerEngine, containerId: string): Promise<string[]> {
  try {
    const rows = await engine.http.json<{ Name: string }[] | null>({
      method: 'GET',
      path: `/containers/${encodeURIComponent(containerId)}/checkpoints`,
      query: { dir: '' },
      ok: [200],
      timeoutMs: 15_000,
    });
    return Array.isArray(rows)
      ? rows.map((r) => r.Name).filter((n): n is string => typeof n === 'string')
      : [];
  } catch (e) {
    throw knownRefusal(e) ?? e;
  }
}

export async function deleteCheckpoint(
  engine: DockerEngine,
  containerId: string,
  name: string,
): Promise<void> {
  try {
    await engine.http.json({
      method: 'DELETE',
      path: `/containers/${encodeURIComponent(containerId)}/checkpoints/${encodeURIComponent(name)}`,
      query: { dir: '' },
      ok: [204, 200],
      timeoutMs: 30_000,
    });
  } catch (e) {
    throw knownRefusal(e) ?? e;
  }
}

/** POST /containers/{id}/start?checkpoint=NAME, retrying while containerd still holds the blob. */
export async function startFromCheckpoint(
  engine: DockerEngine,
  containerId: string,
  name: string,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await engine.http.json({
        method: 'POST',
        path: `/containers/${encodeURIComponent(containerId)}/start`,
        query: { checkpoint: name },
        ok: [204, 304],
        timeoutMs: CRIU_TIMEOUT_MS,
      });
      return;
    } catch (e) {
      const off = knownRefusal(e);
      if (off) throw off;
      if (
        e instanceof EngineHttpError &&
        CONTENT_EXISTS.test(e.engineMessage) &&
        attempt < RESTORE_RETRY_MS.length
      ) {
        await new Promise((r) => setTimeout(r, RESTORE_RETRY_MS[attempt]));
        continue;
      }
      if (e instanceof EngineHttpError && e.status >= 500 && looksLikeCriu(e.engineMessage)) {
        throw new CriuFailure('restore', e.engineMessage, criuLogPath(e.engineMessage));
      }
      throw e;
    }
  }
}
