// Docker (20.10's experimental checkpoint API): checkpoints live in each container's folder, and
// a container restores only from its own. Clones and migrations therefore copy the folder through
// helper containers and the archive endpoints — the engine API alone, so remote engines work too.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { ContainerInspectInfo } from 'dockerode';
import {
  createCheckpoint,
  CriuFailure,
  deleteCheckpoint,
  listCheckpoints,
  startFromCheckpoint,
} from '../../engines/docker/docker-checkpoints';
import { EngineHttpError } from '../../engines/docker/docker-http';
import {
  createHelper,
  getArchive,
  putArchive,
  readHostFile,
  removeContainer,
  singleFileTar,
  withHelper,
} from '../../engines/docker/helper-container';
import type { DockerEngine } from '../../engines/docker/docker-engine';
import { checkpointsDir, type Target } from '../container-target';
import { relevantLogLines } from '../criu-diagnosis';
import { engineMetadataSource } from '../engine-metadata-source';
import { engineCheckpointSource } from '../engine-source';
import {
  notMade,
  type CheckpointBackend,
  type CloneOutcome,
  type CloneProgress,
  type CloneSpec,
  type CreateOptions,
} from './backend';

export const CLONE_PARALLELISM = 4;
/** The error of a clone that was never made, or undone, because the user cancelled. */
export const CANCELLED = 'cancelled';
import { CLONE_CHECKPOINT_LABEL, CLONE_OF_LABEL } from '../../engines/docker/labels';
import { copyInEngine, COPY_MARKER, type InEngineCopy } from './docker-copy-in-engine';
import { transferReadStream, transferWriteStream } from '../../engines/transfer';

export async function mapLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// Its callers among the services (recovery, migration, the Podman backend) import it from here.
export { removeContainer };

export function engineMessage(e: unknown): string {
  return e instanceof EngineHttpError ? e.engineMessage : e instanceof Error ? e.message : String(e);
}

/** Removes a container (and its anonymous volumes); true when it is gone, false when the engine would not. */
export function removedOrNot(engine: DockerEngine, id: string): Promise<boolean> {
  return removeContainer(engine, id).then(
    () => true,
    () => false,
  );
}

/**
 * One clone's restore, timed; a cancellation before it, or its failure, is written on its outcome.
 * Whether it restored.
 */
export async function restoreTimed(
  o: CloneOutcome,
  progress: CloneProgress,
  signal: AbortSignal | undefined,
  restore: () => Promise<unknown>,
): Promise<boolean> {
  if (signal?.aborted) {
    o.error = CANCELLED;
    return false;
  }
  progress(o.name, 'restoring');
  const t0 = Date.now();
  try {
    await restore();
    o.restoreMs = Date.now() - t0;
    return true;
  } catch (e) {
    o.error = engineMessage(e);
    return false;
  }
}

/** Whatever did not come up is removed: a failed clone or import leaves nothing behind. */
export async function removeFailed(
  engine: DockerEngine,
  out: { id: string | null; error?: string | undefined }[],
): Promise<void> {
  await mapLimit(
    out.filter((o) => o.error && o.id),
    CLONE_PARALLELISM,
    async (o) => {
      await removeContainer(engine, o.id!)
        .then(() => {
          o.id = null;
        })
        .catch(() => undefined);
    },
  );
}

/**
 * The body of POST /containers/create for a container like the source: same image, command,
 * environment, mounts and host settings, with other ports. Used by clones and migrations.
 */
export async function likeSource(
  engine: DockerEngine,
  info: ContainerInspectInfo,
  labels: Record<string, string>,
): Promise<Record<string, unknown> & { HostConfig: Record<string, unknown> }> {
  const cfg = info.Config;
  // The image by name when that name still means the same image on this engine; by id otherwise.
  const named = await engine.http
    .json<{ Id: string }>({
      method: 'GET',
      path: `/images/${encodeURIComponent(cfg.Image)}/json`,
      ok: [200],
      timeoutMs: 15_000,
    })
    .catch(() => null);
  const image = named?.Id === info.Image ? cfg.Image : info.Image;
  const hc = { ...(info.HostConfig as unknown as Record<string, unknown>) };
  delete hc.ContainerIDFile;
  const networks = Object.keys(info.NetworkSettings?.Networks ?? {});
  const mode = String(hc.NetworkMode ?? '');
  const userNetwork =
    networks.includes(mode) && !['bridge', 'host', 'none', 'default'].includes(mode) ? mode : null;
  return {
    Image: image,
    Cmd: cfg.Cmd,
    Entrypoint: cfg.Entrypoint,
    Env: cfg.Env,
    WorkingDir: cfg.WorkingDir,
    User: cfg.User,
    Tty: cfg.Tty,
    OpenStdin: cfg.OpenStdin,
    StdinOnce: cfg.StdinOnce,
    StopSignal: (cfg as { StopSignal?: string }).StopSignal,
    ExposedPorts: cfg.ExposedPorts,
    Volumes: cfg.Volumes,
    Labels: { ...(cfg.Labels ?? {}), ...labels },
    HostConfig: hc,
    ...(userNetwork ? { NetworkingConfig: { EndpointsConfig: { [userNetwork]: {} } } } : {}),
  };
}

/** A tar of the checkpoint folder (top entry NAME/), fetched once into a private temporary file. */
async function fetchToTemp(t: Target, name: string): Promise<string> {
  const tmp = path.join(os.tmpdir(), `checkpoint-studio-${crypto.randomBytes(6).toString('hex')}.tar`);
  await withHelper(
    t.conn.engine,
    t.imageId,
    [{ host: checkpointsDir(t.conn, t.id), container: '/cs/src', readOnly: true }],
    async (helper) => {
      await pipeline(await getArchive(t.conn.engine, helper, `/cs/src/${name}`), transferWriteStream(tmp));
    },
  );
  return tmp;
}

/**
 * Writes a checkpoint tar (top entry NAME/) into the checkpoints folders of containers on
 * `engine`, with a marker that makes each copy unique: containerd refuses a second identical
 * checkpoint blob while the first is still in its store.
 */
export async function copyInto(
  engine: DockerEngine,
  helperImage: string,
  name: string,
  tarFile: string,
  targets: { id: string; checkpointsDir: string; label: string }[],
  onEach?: (index: number) => void,
): Promise<(string | null)[]> {
  const errors: (string | null)[] = targets.map(() => null);
  const binds = targets.map((c, i) => ({ host: c.checkpointsDir, container: `/cs/dst/${i}` }));
  await withHelper(engine, helperImage, binds, async (helper) => {
    await mapLimit(targets, CLONE_PARALLELISM, async (c, i) => {
      onEach?.(i);
      try {
        await putArchive(engine, helper, `/cs/dst/${i}`, transferReadStream(tarFile));
        const marker = JSON.stringify({ copy: c.label, at: new Date().toISOString() });
        await putArchive(engine, helper, `/cs/dst/${i}`, singleFileTar(`${name}/${COPY_MARKER}`, marker));
      } catch (e) {
        errors[i] = engineMessage(e);
      }
    });
  });
  return errors;
}

/**
 * How many clones Docker starts at once. A start is mostly dockerd and containerd copying the
 * checkpoint to each other, so starts overlap well beyond the core count (5 at once took 6.3 s
 * against 12.1 s one by one, 2 cores, 97 MB redis); see the engines benchmark for the levels.
 */
export function dockerStartsAtOnce(cpus: number | null): number {
  return cpus ? Math.max(4, Math.min(8, 2 * cpus + 1)) : CLONE_PARALLELISM;
}

export class DockerBackend implements CheckpointBackend {
  readonly kind = 'docker' as const;
  readonly supports = { tcpEstablished: false, fileLocks: false, clonePorts: true };

  list(t: Target): Promise<string[]> {
    return listCheckpoints(t.conn.engine, t.id);
  }

  create(t: Target, name: string, o: CreateOptions): Promise<void> {
    return createCheckpoint(t.conn.engine, t.id, name, { exit: !o.leaveRunning });
  }

  remove(t: Target, name: string): Promise<void> {
    return deleteCheckpoint(t.conn.engine, t.id, name);
  }

  async restoreInPlace(t: Target, name: string): Promise<string> {
    await startFromCheckpoint(t.conn.engine, t.id, name);
    return t.id;
  }

  source(t: Target, name: string) {
    return engineCheckpointSource(t, name);
  }

  inspectSource(t: Target, name: string) {
    return engineMetadataSource(t, name);
  }

  async exportTar(t: Target, name: string): Promise<Readable> {
    const helper = await createHelper(t.conn.engine, t.imageId, [
      { host: checkpointsDir(t.conn, t.id), container: '/cs/src', readOnly: true },
    ]);
    try {
      const res = await getArchive(t.conn.engine, helper.id, `/cs/src/${name}`);
      res.once('close', () => void helper.remove());
      return res;
    } catch (e) {
      await helper.remove();
      throw e;
    }
  }

  async failureLog(t: Target, e: unknown): Promise<string[]> {
    if (!(e instanceof CriuFailure) || !e.logPath) return [];
    const log = await readHostFile(t.conn.engine, t.imageId, e.logPath).catch(() => null);
    return log ? relevantLogLines(log.toString('utf8')) : [];
  }

  async clone(t: Target, name: string, clones: CloneSpec[], progress: CloneProgress, signal?: AbortSignal) {
    const engine = t.conn.engine;
    const out = notMade(clones);
    const body = await likeSource(engine, t.info, { [CLONE_OF_LABEL]: t.id, [CLONE_CHECKPOINT_LABEL]: name });
    await mapLimit(clones, CLONE_PARALLELISM, async (c, i) => {
      if (signal?.aborted) {
        out[i]!.error = CANCELLED;
        return;
      }
      progress(c.name, 'creating');
      try {
        const created = await engine.http.json<{ Id: string }>({
          method: 'POST',
          path: '/containers/create',
          query: { name: c.name },
          body: { ...body, HostConfig: { ...body.HostConfig, PortBindings: c.portBindings } },
          ok: [201],
          timeoutMs: 60_000,
        });
        out[i]!.id = created.Id;
      } catch (e) {
        out[i]!.error = engineMessage(e);
      }
    });
    if (signal?.aborted) for (const o of out) o.error ??= CANCELLED;
    const made = out.filter((o) => o.id && !o.error);
    const dataRoot = t.conn.identity?.dataRoot;
    let inEngine: InEngineCopy | null = null;
    if (made.length && dataRoot) {
      for (const o of made) progress(o.name, 'copying');
      const targets = made.map((o) => ({ id: o.id!, label: o.name }));
      inEngine = await copyInEngine(engine, t.imageId, dataRoot, t.id, name, targets);
    }
    if (made.length && !inEngine) {
      let tmp: string | null = null;
      try {
        tmp = await fetchToTemp(t, name);
        const errors = await copyInto(
          engine,
          t.imageId,
          name,
          tmp,
          made.map((o) => ({ id: o.id!, checkpointsDir: checkpointsDir(t.conn, o.id!), label: o.name })),
          (i) => progress(made[i]!.name, 'copying'),
        );
        errors.forEach((err, i) => {
          if (err) made[i]!.error = err;
        });
      } catch (e) {
        for (const o of made) o.error ??= engineMessage(e);
      } finally {
        if (tmp) fs.rmSync(tmp, { force: true });
      }
    }
    await mapLimit(
      out.filter((o) => o.id && !o.error),
      dockerStartsAtOnce(t.conn.identity?.cpus ?? null),
      async (o) => {
        if (await restoreTimed(o, progress, signal, () => startFromCheckpoint(engine, o.id!, name))) {
          // The restored process no longer needs the copy; a warm clone should not cost disk.
          await deleteCheckpoint(engine, o.id!, name).catch(() => undefined);
        }
      },
    );
    await removeFailed(engine, out);
    return out;
  }
}
