// The engine work of a migration between Docker engines, through the engine API only: images
// streamed from one engine's save into the other's load, file system changes and the checkpoint
// carried through helper containers, nothing landing on this machine.
import path from 'node:path';
import { likeSource } from '../checkpoints/backends/docker-backend';
import { checkpointsDir } from '../checkpoints/container-target';
import { bringLoopbackUp } from '../checkpoints/loopback';
import { networkKindOf } from '../capabilities/network-kind';
import { putArchive, singleFileTar, withHelper } from '../engines/docker/helper-container';
import { deleteCheckpoint, startFromCheckpoint } from '../engines/docker/docker-checkpoints';
import { inspectImage, tagImage } from '../portable/engine-images';
import { changedRoots } from '../rootfs/changed-roots';
import { deleteOnTarget } from '../rootfs/deleted-files';
import { confirmRunning, wasTalking } from './first-output';
import type { MigrationEngine } from './migration-ports';
import { dropRestOnAbort } from './transfer-watch';

const QUICK = { timeoutMs: 15_000 };

export const dockerMigrationEngine: MigrationEngine = {
  async hasNetwork(conn, name) {
    return conn.engine.http
      .json({ method: 'GET', path: `/networks/${encodeURIComponent(name)}`, ok: [200], timeoutMs: 10_000 })
      .then(
        () => true,
        () => false,
      );
  },

  async hasImage(conn, ref) {
    return (await inspectImage(conn, ref, 10_000)) !== null;
  },

  async imageIdByName(conn, name) {
    if (!name || name.startsWith('sha256:')) return null;
    return (await inspectImage(conn, name, 10_000))?.Id ?? null;
  },

  async networkKind(conn, info) {
    return (await networkKindOf(conn.engine, info)).kind;
  },

  // docker save | docker load, streamed: no copy of the whole image on disk or in memory.
  async saveImage(conn, name, signal) {
    return conn.engine.http.stream({
      method: 'GET',
      path: `/images/${encodeURIComponent(name)}/get`,
      ok: [200],
      signal,
    });
  },

  async loadImage(conn, tar, signal) {
    await conn.engine.http.json({
      method: 'POST',
      path: '/images/load',
      query: { quiet: true },
      file: tar,
      headers: { 'Content-Type': 'application/x-tar' },
      ok: [200],
      signal,
    });
  },

  async createLike(target, source) {
    const body = await likeSource(target.engine, source.info, {});
    const created = await target.engine.http.json<{ Id: string }>({
      method: 'POST',
      path: '/containers/create',
      query: { name: source.name },
      body,
      ok: [201],
      timeoutMs: 60_000,
    });
    return created.Id;
  },

  wasTalking: (conn, id, at) => wasTalking(conn.engine, id, at),

  async carryFiles(source, target, targetId, carry, signal) {
    const changes =
      (await source.conn.engine.http.json<{ Path: string; Kind: number }[] | null>({
        method: 'GET',
        path: `/containers/${source.id}/changes`,
        ok: [200],
        timeoutMs: 60_000,
      })) ?? [];
    const { carry: paths, deleted } = changedRoots(changes);
    for (const p of paths) {
      await carry(async (watch) => {
        const archive = await source.conn.engine.http.stream({
          method: 'GET',
          path: `/containers/${source.id}/archive`,
          query: { path: p },
          ok: [200],
          signal: watch.signal,
        });
        await target.engine.http.json({
          method: 'PUT',
          path: `/containers/${targetId}/archive`,
          query: { path: path.posix.dirname(p) },
          file: archive.pipe(watch.meter),
          ok: [200],
          signal: watch.signal,
        });
      });
    }
    const notDeleted = await deleteOnTarget(
      target.engine,
      targetId,
      source.imageId,
      source.conn.engine,
      source.id,
      deleted,
      paths,
      signal,
    );
    return { carried: paths.length, deleted: deleted.length, notDeleted };
  },

  async carryCheckpoint(source, target, targetId, name, exported, carry, stallMs) {
    // Streamed from the source's helper into the target's: nothing lands on this machine.
    await withHelper(
      target.engine,
      source.imageId,
      [{ host: checkpointsDir(target, targetId), container: '/cs/dst' }],
      (helper) =>
        carry(async (watch) => {
          const tar = await exported();
          // Ended with the watch, even if it fired while the export was being opened.
          dropRestOnAbort(watch.signal, tar, stallMs);
          await putArchive(target.engine, helper, '/cs/dst', tar.pipe(watch.meter), watch.signal);
          const marker = JSON.stringify({
            copy: `migration of ${source.name}`,
            at: new Date().toISOString(),
          });
          await putArchive(
            target.engine,
            helper,
            '/cs/dst',
            singleFileTar(`${name}/checkpoint-studio-copy.json`, marker),
            watch.signal,
          );
        }),
    );
  },

  startFromCheckpoint: (conn, id, checkpoint) => startFromCheckpoint(conn.engine, id, checkpoint),
  deleteCheckpoint: (conn, id, checkpoint) => deleteCheckpoint(conn.engine, id, checkpoint),
  bringLoopbackUp: (conn, id) => bringLoopbackUp(conn, id),
  confirmRunning: (conn, id, talking) => confirmRunning(conn.engine, id, talking),

  async start(conn, id) {
    await conn.engine.http.json({
      method: 'POST',
      path: `/containers/${id}/start`,
      ok: [204, 304],
      timeoutMs: 60_000,
    });
  },

  async kill(conn, id) {
    await conn.engine.http.json({
      method: 'POST',
      path: `/containers/${id}/kill`,
      ok: [204, 404, 409],
      ...QUICK,
    });
  },

  async removeContainer(conn, id, timeoutMs = 60_000) {
    await conn.engine.http.json({
      method: 'DELETE',
      path: `/containers/${id}`,
      query: { force: true, v: true },
      ok: [204, 404],
      timeoutMs,
    });
  },

  async removeImage(conn, id) {
    await conn.engine.http.json({
      method: 'DELETE',
      path: `/images/${encodeURIComponent(id)}`,
      ok: [200, 404, 409],
      ...QUICK,
    });
  },

  tagImage: (conn, id, repo, tag) => tagImage(conn, id, repo, tag),
};
