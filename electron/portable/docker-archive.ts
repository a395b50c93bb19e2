// A Docker checkpoint packed into the layout Podman and checkpointctl read (archive-layout.ts):
// CRIU's images under checkpoint/, the container's file changes and deletions, a config.dump and
// a spec.dump as checkpointctl reads them, and the app's note with what Docker needs to make the
// container again. Everything is streamed from the engine into the archive; only the file changes
// wait in a private temporary file, because a tar header needs its size first.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { likeSource } from '../checkpoints/backends/docker-backend';
import { checkpointsDir, type Target } from '../checkpoints/container-target';
import { createHelper, getArchive } from '../engines/docker/helper-container';
import { changedRoots } from '../rootfs/changed-roots';
import { LAYOUT } from './archive-layout';
import { append, streamEntry, tarBody, type EntryHeader } from './tar-splice';

export const NOTE_FORMAT = 1;

/** The app's note in a Docker export: enough to create the container again on another engine. */
export interface DockerNote {
  format: number;
  engineKind: 'docker';
  containerName: string;
  /** The image by name where it has one, and its id. */
  image: string;
  imageId: string;
  checkpoint: string;
  checkpointedAt: string | null;
  exportedAt: string;
  /** The body of POST /containers/create, as the container was made. */
  create: Record<string, unknown> & { HostConfig: Record<string, unknown> };
  /** Paths carried in rootfs-diff.tar, and the ones the container deleted from its image. */
  carried: string[];
  deleted: string[];
}

function entry(pack: tar.Pack, header: EntryHeader, body?: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry(header, body ?? '', (e) => (e ? reject(e) : resolve()));
  });
}

/**
 * The container's changed paths as one tar rooted at its root file system (rootfs-diff.tar), in a
 * private temporary file: each path's archive from the engine, its entries renamed from the
 * path's folder to the root.
 */
async function rootfsDiff(t: Target, carried: string[], file: string): Promise<void> {
  const pack = tar.pack();
  const written = pipeline(pack, fs.createWriteStream(file, { mode: 0o600, flags: 'wx' }));
  try {
    for (const p of carried) {
      const res = await t.conn.engine.http.stream({
        method: 'GET',
        path: `/containers/${t.id}/archive`,
        query: { path: p },
        ok: [200],
        timeoutMs: 60_000,
      });
      const prefix = path.posix.dirname(p).slice(1);
      const extract = tar.extract();
      res.pipe(extract as unknown as NodeJS.WritableStream);
      const rooted = (n: string) => (prefix ? `${prefix}/${n}` : n);
      for await (const e of extract) {
        // A hard link names another entry of the same archive: it moves with it. (A symbolic
        // link's target is the container's business and stays as it is.)
        const header = {
          ...e.header,
          name: rooted(e.header.name),
          ...(e.header.type === 'link' && e.header.linkname ? { linkname: rooted(e.header.linkname) } : {}),
        };
        if (e.header.type === 'file') await streamEntry(pack, header, e);
        else {
          e.resume();
          await entry(pack, header);
        }
      }
    }
    pack.finalize();
  } catch (e) {
    pack.destroy(e as Error);
    throw e;
  } finally {
    await written.catch(() => undefined);
  }
  await written;
}

/**
 * Writes a Docker checkpoint as the archive layout into `dest` (a tar; `dest` is ended): the app's
 * metadata, then the engine's own archive of the checkpoint folder passed through as it comes
 * (its entries are already named checkpoint/…), then the file changes.
 */
export async function writeDockerArchive(
  t: Target,
  name: string,
  dest: Writable,
  checkpointedAt: string | null,
): Promise<void> {
  const engine = t.conn.engine;
  const [changes, create] = await Promise.all([
    engine.http.json<{ Path: string; Kind: number }[] | null>({
      method: 'GET',
      path: `/containers/${t.id}/changes`,
      ok: [200],
      timeoutMs: 60_000,
    }),
    likeSource(engine, t.info, {}),
  ]);
  const { carry, deleted } = changedRoots(changes ?? []);
  const note: DockerNote = {
    format: NOTE_FORMAT,
    engineKind: 'docker',
    containerName: t.name,
    image: t.info.Config.Image,
    imageId: t.imageId,
    checkpoint: name,
    checkpointedAt,
    exportedAt: new Date().toISOString(),
    create,
    carried: carry,
    deleted,
  };
  const mtime = new Date();
  // checkpointctl reads these two: Podman's ContainerConfig and an OCI spec.
  const config = {
    id: t.id,
    name: t.name,
    rootfsImage: t.imageId,
    rootfsImageName: t.info.Config.Image,
    runtime: 'runc',
    createdTime: t.info.Created,
    checkpointedTime: checkpointedAt ?? mtime.toISOString(),
  };
  const spec = {
    ociVersion: '1.0.2',
    process: {
      args: [...((t.info.Config.Entrypoint as string[] | null) ?? []), ...(t.info.Config.Cmd ?? [])],
      env: t.info.Config.Env ?? [],
      cwd: t.info.Config.WorkingDir || '/',
    },
    root: { path: 'rootfs' },
    hostname: t.info.Config.Hostname,
    annotations: {
      'io.container.manager': 'checkpoint-studio',
      'org.opencontainers.image.ref.name': t.info.Config.Image,
      // checkpointctl names a container of neither Podman nor CRI-O by this annotation alone.
      'io.kubernetes.cri.container-name': t.name,
    },
  };
  const json = (v: unknown) => Buffer.from(JSON.stringify(v, null, 2));
  const meta = tar.pack();
  for (const [file, body] of [
    [LAYOUT.note, note],
    [LAYOUT.config, config],
    [LAYOUT.spec, spec],
    [LAYOUT.deletedFiles, deleted],
  ] as const)
    meta.entry({ name: file, mode: 0o644, mtime }, json(body));
  meta.finalize();
  await append(dest, tarBody(meta));

  // The file changes wait in a temporary file (a tar header needs the size first): gathered while
  // CRIU's images stream, and written after them.
  const tmp = path.join(os.tmpdir(), `checkpoint-studio-diff-${crypto.randomBytes(6).toString('hex')}.tar`);
  const diff = rootfsDiff(t, carry, tmp);
  diff.catch(() => undefined);
  let removing: Promise<void> | null = null;
  try {
    // CRIU's images, straight from the engine: the checkpoint's folder is the helper's
    // /checkpoint, so the engine's archive of it is already named as the layout wants.
    const helper = await createHelper(engine, t.imageId, [
      {
        host: path.posix.join(checkpointsDir(t.conn, t.id), name),
        container: `/${LAYOUT.checkpointDir}`,
        readOnly: true,
      },
    ]);
    let res: Awaited<ReturnType<typeof getArchive>> | null = null;
    try {
      res = await getArchive(engine, helper.id, `/${LAYOUT.checkpointDir}`);
      await append(dest, tarBody(res));
    } finally {
      // An export ended half-way (cancelled, the file's disk full) ends the engine's archive too.
      res?.destroy();
      // Removed while the rest is written; waited for before the export counts as done.
      removing = helper.remove();
    }
    await diff;
    const last = tar.pack();
    const size = fs.statSync(tmp).size;
    const written = streamEntry(
      last,
      { name: LAYOUT.rootfsDiff, mode: 0o600, size, mtime },
      fs.createReadStream(tmp),
    );
    const appended = append(dest, last);
    await written;
    last.finalize();
    await appended;
  } finally {
    await diff.catch(() => undefined);
    fs.rmSync(tmp, { force: true });
    await removing;
  }
  dest.end();
}
