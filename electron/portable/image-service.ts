// Checkpoint images on an engine: made from any saved checkpoint (its archive becomes the image's
// one layer), listed, restored as N containers, pushed and pulled through the registries the engine
// is set up for, removed. Podman restores its own images itself (`restore IMAGE`, what
// `podman container restore` does); Docker's are read back into an archive and imported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineMessage } from '../checkpoints/backends/docker-backend';
import type { CheckpointService } from '../checkpoints/checkpoint-service';
import { checkpointCapableEngine } from '../checkpoints/container-target';
import type { EngineConnection } from '../engines/engine-connection';
import type { EngineRegistry } from '../engines/engine-registry';
import { transferReadStream } from '../engines/transfer';
import { StudioError } from '../ipc/errors';
import { extractLayer, imageTar, splitRef, writeLayer } from './checkpoint-image';
import {
  checkpointImage,
  listCheckpointImages,
  requireCheckpointImage,
  type CheckpointImage,
} from './image-listing';
import { crossEngineRefusal, isEngineKind } from './cross-engine';
import { inspectImage, progressLines, tagImage } from './engine-images';
import { checkRef } from './image-refs';
import { pullImage, pushImage } from './image-registry';
import { LayerCache } from './layer-cache';
import { restorePodmanImage, type ImageRestore } from './podman-image-restore';
import type { ImportOutcome, PortableProgress, PortableService } from './portable-service';

export { IMAGE_REF, isLoopbackRegistry } from './image-refs';
export type { CheckpointImage } from './image-listing';

export class ImageService {
  private readonly layers = new LayerCache();

  constructor(
    private readonly registry: EngineRegistry,
    private readonly checkpoints: CheckpointService,
    private readonly portable: PortableService,
  ) {}

  private async kindOf(engineId: string): Promise<{ conn: EngineConnection; kind: 'docker' | 'podman' }> {
    const conn = await checkpointCapableEngine(this.registry, engineId);
    const kind = conn.identity?.kind;
    if (!isEngineKind(kind))
      throw new StudioError('unsupported', `${conn.spec.name} is neither Docker nor Podman.`);
    return { conn, kind };
  }

  /** Makes an image of a saved checkpoint; resolves with the image's id. */
  async create(
    r: { engineId: string; container: string; checkpoint: string; image: string; opId?: string | undefined },
    progress: PortableProgress = () => undefined,
  ): Promise<{ id: string; image: string; bytes: number }> {
    checkRef(r.image);
    const { conn, kind } = await this.kindOf(r.engineId);
    const t = await this.checkpoints.target(r.engineId, r.container);
    if (await inspectImage(conn, r.image))
      throw new StudioError('conflict', `${conn.spec.name} has an image called ${r.image} already.`, {
        hint: 'Choose another name or tag.',
      });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-studio-image-'));
    try {
      // The archive, uncompressed, is the layer: written once, then hashed as the manifest needs.
      const archive = path.join(tmp, 'archive.tar');
      await this.portable.export(
        {
          engineId: r.engineId,
          container: t.id,
          checkpoint: r.checkpoint,
          compression: 'none',
          file: archive,
          opId: r.opId,
        },
        progress,
      );
      const layerFile = path.join(tmp, 'layer.tar');
      const layer = await writeLayer(transferReadStream(archive), layerFile);
      fs.rmSync(archive);
      progress({ stage: 'loading', bytes: layer.size });
      const body = imageTar(layerFile, layer, r.image, {
        container: t.name,
        checkpoint: r.checkpoint,
        engine: kind,
        rootfsImageName: t.imageName,
        rootfsImageId: t.imageId,
        arch: conn.identity?.arch ?? 'amd64',
        created: new Date(),
      });
      const res = await conn.engine.http.stream({
        method: 'POST',
        path: kind === 'podman' ? '/v4.0.0/libpod/images/load' : '/images/load',
        query: kind === 'docker' ? { quiet: true } : {},
        file: body,
        headers: { 'Content-Type': 'application/x-tar' },
        ok: [200],
        timeoutMs: 10 * 60_000,
      });
      await progressLines(res).catch((e: unknown) => {
        throw new StudioError('internal', `${conn.spec.name} did not load the image: ${engineMessage(e)}`);
      });
      // Podman names an OCI archive's image by its own rule: the name asked for is set here.
      const id =
        (await inspectImage(conn, r.image))?.Id ?? (await this.tagLoaded(conn, layer.digest, r.image));
      return { id, image: r.image, bytes: layer.size };
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** The image just loaded whose one layer is `digest`, named `ref`. */
  private async tagLoaded(conn: EngineConnection, digest: string, ref: string): Promise<string> {
    const all = await conn.engine.http.json<{ Id: string }[]>({
      method: 'GET',
      path: '/images/json',
      ok: [200],
      timeoutMs: 30_000,
    });
    for (const i of all) {
      const full = await conn.engine.http
        .json<{ RootFS?: { Layers?: string[] } }>({
          method: 'GET',
          path: `/images/${encodeURIComponent(i.Id)}/json`,
          ok: [200],
          timeoutMs: 15_000,
        })
        .catch(() => null);
      const layers = full?.RootFS?.Layers ?? [];
      if (layers.length === 1 && layers[0] === digest) {
        const { repo, tag } = splitRef(ref);
        await tagImage(conn, i.Id, repo, tag);
        return i.Id;
      }
    }
    throw new StudioError(
      'internal',
      `${conn.spec.name} loaded the image but it cannot be found under ${ref}.`,
    );
  }

  /** Every checkpoint image on the engine: ours and Podman's own (`--create-image`). */
  async list(engineId: string): Promise<CheckpointImage[]> {
    const { conn, kind } = await this.kindOf(engineId);
    return listCheckpointImages(conn, kind);
  }

  /** The image's layer (the checkpoint's archive) copied into `dir`; resolves with its path. */
  async layerFile(engineId: string, ref: string, dir: string): Promise<string> {
    const { conn } = await this.kindOf(engineId);
    const img = await requireCheckpointImage(conn, ref);
    const file = path.join(dir, `${img.container}.tar`.replace(/[^A-Za-z0-9_.-]/g, '_'));
    const saved = await conn.engine.http.stream({
      method: 'GET',
      path: `/images/${encodeURIComponent(img.id)}/get`,
      ok: [200],
      timeoutMs: 10 * 60_000,
    });
    await extractLayer(saved, file);
    return file;
  }

  /** The image's layer for the inspector, kept while it is among the last few opened. */
  async inspectLayer(engineId: string, ref: string): Promise<{ file: string; label: string }> {
    const { conn } = await this.kindOf(engineId);
    const img = await requireCheckpointImage(conn, ref);
    const file = await this.layers.get(`${engineId}/${img.id}`, (dir) =>
      this.layerFile(engineId, img.id, dir),
    );
    return { file, label: img.refs[0] ?? ref };
  }

  dispose(): void {
    this.layers.dispose();
  }

  /** N containers from a checkpoint image. */
  async restore(r: ImageRestore, progress: PortableProgress = () => undefined): Promise<ImportOutcome> {
    const { conn, kind } = await this.kindOf(r.engineId);
    const img = await requireCheckpointImage(conn, r.image);
    const across = crossEngineRefusal(img.madeBy, kind);
    if (across)
      throw new StudioError(
        'unsupported',
        `${r.image} holds a checkpoint made under ${img.madeBy === 'docker' ? 'Docker' : 'Podman'}. ${across.message}`,
        {
          hint: 'Restore it on an engine of the kind that made it. Nothing was created.',
          details: across.reasons,
        },
      );
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-studio-image-'));
    try {
      progress({ stage: 'reading' });
      const file = await this.layerFile(r.engineId, img.id, tmp);
      if (kind === 'docker')
        return await this.portable.import(
          {
            file,
            label: r.image,
            engineId: r.engineId,
            name: r.name ?? img.container,
            count: r.count,
            opId: r.opId,
          },
          progress,
        );
      return await restorePodmanImage(this.checkpoints, conn, img, file, r, progress);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  async push(
    r: { engineId: string; image: string; to: string },
    progress: PortableProgress = () => undefined,
  ): Promise<{ pushed: string }> {
    checkRef(r.to);
    const { conn, kind } = await this.kindOf(r.engineId);
    await pushImage(conn, kind, await requireCheckpointImage(conn, r.image), r.to, progress);
    return { pushed: r.to };
  }

  async pull(
    r: { engineId: string; image: string },
    progress: PortableProgress = () => undefined,
  ): Promise<CheckpointImage> {
    checkRef(r.image);
    const { conn, kind } = await this.kindOf(r.engineId);
    await pullImage(conn, kind, r.image, progress);
    const c = await checkpointImage(conn, r.image);
    if (!c)
      throw new StudioError('invalid-argument', `${r.image} was pulled, but it is not a checkpoint image.`, {
        hint: 'It stays on the engine as an ordinary image.',
      });
    return c;
  }

  async remove(r: { engineId: string; image: string }): Promise<{ removed: boolean }> {
    const { conn } = await this.kindOf(r.engineId);
    const img = await requireCheckpointImage(conn, r.image);
    await conn.engine.http.json({
      method: 'DELETE',
      path: `/images/${encodeURIComponent(img.refs.length > 1 ? r.image : img.id)}`,
      ok: [200],
      timeoutMs: 60_000,
    });
    return { removed: true };
  }
}
