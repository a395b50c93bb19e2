// Reaching the engine host's files through the engine API alone: a helper container is created
// (never started) with bind mounts of the folders we need, and the archive endpoints read or
// write through it. This works for anyone who can reach the socket, locally or remotely.
import crypto from 'node:crypto';
import { ownerHere, ownerState } from '../owner';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { DockerEngine } from './docker-engine';
import { EngineHttpError } from './docker-http';

import { HELPER_LABEL, OWNER_LABEL } from './labels';

export function helperLabels(): Record<string, string> {
  return { [HELPER_LABEL]: '1', [OWNER_LABEL]: ownerHere() };
}

/** Helpers of this process whose removal failed (their engine did not answer), and their engine:
 * swept when it answers again. */
const abandoned = new Map<string, DockerEngine>();

/** Whether this process still owes the engine the removal of a helper it gave up on. */
export function hasAbandonedHelpers(engine: DockerEngine): boolean {
  for (const e of abandoned.values()) if (e === engine) return true;
  return false;
}

export interface Bind {
  host: string;
  container: string;
  readOnly?: boolean;
}

export interface Helper {
  id: string;
  remove(): Promise<void>;
}

/** Creates a helper holding `binds`; the caller removes it (see withHelper for the usual case). */
export async function createHelper(engine: DockerEngine, image: string, binds: Bind[]): Promise<Helper> {
  const created = await engine.http.json<{ Id: string }>({
    method: 'POST',
    path: '/containers/create',
    query: { name: `cs-helper-${crypto.randomBytes(6).toString('hex')}` },
    body: {
      Image: image,
      // Never started: the entrypoint only has to satisfy create.
      Entrypoint: ['/checkpoint-studio-helper'],
      Cmd: [],
      Labels: helperLabels(),
      NetworkDisabled: true,
      HostConfig: {
        NetworkMode: 'none',
        Binds: binds.map((b) => `${b.host}:${b.container}${b.readOnly ? ':ro' : ''}`),
      },
    },
    ok: [201],
    timeoutMs: 30_000,
  });
  let removed = false;
  return {
    id: created.Id,
    remove: async () => {
      if (removed) return;
      removed = true;
      await removeContainer(engine, created.Id, 15_000).catch(() => abandoned.set(created.Id, engine));
    },
  };
}

/** Removes a container, forced, with its anonymous volumes; one already gone is removed too. */
export async function removeContainer(engine: DockerEngine, id: string, timeoutMs = 60_000): Promise<void> {
  await engine.http.json({
    method: 'DELETE',
    path: `/containers/${id}`,
    query: { force: true, v: true },
    ok: [204, 404],
    timeoutMs,
  });
}

/** Removes a throwaway container of the app's, forced, volumes and all; a failure is not the caller's. */
export async function removeThrowaway(engine: DockerEngine, id: string): Promise<void> {
  await removeContainer(engine, id, 30_000).catch(() => undefined);
}

/** Runs `fn` with a helper container holding `binds`; the helper is always removed. */
export async function withHelper<T>(
  engine: DockerEngine,
  image: string,
  binds: Bind[],
  fn: (helperId: string) => Promise<T>,
): Promise<T> {
  const helper = await createHelper(engine, image, binds);
  try {
    return await fn(helper.id);
  } finally {
    await helper.remove();
  }
}

/**
 * Removes helpers a crashed or killed run left behind: at once when the process that made them is
 * gone from this machine, else once older than `olderThanMs` (made elsewhere, or by an old version).
 */
export async function removeStaleHelpers(
  engine: DockerEngine,
  olderThanMs = 10 * 60 * 1000,
): Promise<number> {
  const rows = await engine.http.json<{ Id: string; Created: number; Labels?: Record<string, string> }[]>({
    method: 'GET',
    path: '/containers/json',
    query: { all: true, filters: JSON.stringify({ label: [HELPER_LABEL] }) },
    ok: [200],
    timeoutMs: 15_000,
  });
  let removed = 0;
  for (const r of rows) {
    const owner = r.Labels?.[OWNER_LABEL];
    let state = owner ? ownerState(owner) : 'elsewhere';
    // A live process's helper is in use (a long transfer can take an hour): never taken from it —
    // unless this process gave up on removing it.
    if (abandoned.has(r.Id)) state = 'gone';
    if (state === 'this-process' || state === 'alive') continue;
    // Another machine's process cannot be asked: its helpers go once older than any transfer.
    const limit = owner ? Math.max(olderThanMs, 2 * 3600 * 1000) : olderThanMs;
    if (state === 'elsewhere' && Date.now() - r.Created * 1000 < limit) continue;
    await engine.http
      .json({
        method: 'DELETE',
        path: `/containers/${r.Id}`,
        query: { force: true },
        ok: [204, 404],
        timeoutMs: 30_000,
      })
      .then(() => {
        removed++;
        abandoned.delete(r.Id);
      })
      .catch(() => undefined);
  }
  return removed;
}

/** A tar of `pathInHelper` (a file or a folder, named by its last component). */
export function getArchive(
  engine: DockerEngine,
  helperId: string,
  pathInHelper: string,
): Promise<IncomingMessage> {
  return engine.http.stream({
    method: 'GET',
    path: `/containers/${helperId}/archive`,
    query: { path: pathInHelper },
    ok: [200],
    timeoutMs: 60 * 60 * 1000,
  });
}

/** Unpacks a tar into `dirInHelper`, which must exist. */
export async function putArchive(
  engine: DockerEngine,
  helperId: string,
  dirInHelper: string,
  tarStream: NodeJS.ReadableStream,
  signal?: AbortSignal,
): Promise<void> {
  await engine.http.json({
    method: 'PUT',
    path: `/containers/${helperId}/archive`,
    query: { path: dirInHelper, noOverwriteDirNonDir: true },
    file: tarStream,
    ok: [200],
    timeoutMs: 60 * 60 * 1000,
    ...(signal ? { signal } : {}),
  });
}

/** A tar holding one small file, e.g. a marker written into a checkpoint folder. */
export function singleFileTar(name: string, content: string | Buffer, mode = 0o644): Readable {
  const pack = tar.pack();
  pack.entry({ name, mode, mtime: new Date() }, content);
  pack.finalize();
  return pack as unknown as Readable;
}

/** Reads one file on the engine's host, up to `maxBytes` (its tail when longer). Null if absent. */
export async function readHostFile(
  engine: DockerEngine,
  image: string,
  hostPath: string,
  maxBytes = 4 * 1024 * 1024,
): Promise<Buffer | null> {
  if (!path.isAbsolute(hostPath) || hostPath.includes('..')) throw new Error(`refusing to read ${hostPath}`);
  const dir = path.dirname(hostPath);
  const base = path.basename(hostPath);
  try {
    return await withHelper(
      engine,
      image,
      [{ host: dir, container: '/cs/host', readOnly: true }],
      async (helper) => {
        const res = await getArchive(engine, helper, `/cs/host/${base}`);
        const extract = tar.extract();
        res.pipe(extract as unknown as NodeJS.WritableStream);
        for await (const entry of extract) {
          if (entry.header.type !== 'file') {
            entry.resume();
            continue;
          }
          const chunks: Buffer[] = [];
          let kept = 0;
          for await (const c of entry as AsyncIterable<Buffer>) {
            chunks.push(c);
            kept += c.length;
            while (kept - (chunks[0]?.length ?? 0) > maxBytes) kept -= chunks.shift()!.length;
          }
          const all = Buffer.concat(chunks);
          return all.length > maxBytes ? all.subarray(all.length - maxBytes) : all;
        }
        return null;
      },
    );
  } catch (e) {
    if (e instanceof EngineHttpError && e.status === 404) return null;
    throw e;
  }
}
