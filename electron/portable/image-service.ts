// Checkpoint images on an engine: made from any saved checkpoint (its archive becomes the image's
// one layer), listed, restored as N containers, pushed and pulled through the registries the engine
// is set up for, removed. Podman restores its own images itself (`restore IMAGE`, what
// `podman container restore` does); Docker's are read back into an archive and imported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import {
  CANCELLED,
  CLONE_PARALLELISM,
  engineMessage,
  mapLimit,
  removeFailed,
} from '../checkpoints/backends/docker-backend';
import type { CheckpointService } from '../checkpoints/checkpoint-service';
import { checkpointCapableEngine } from '../checkpoints/container-target';
import type { EngineConnection } from '../engines/engine-connection';
import type { EngineRegistry } from '../engines/engine-registry';
import { StudioError } from '../ipc/errors';
import { readArchive } from './archive-reader';
import { CHECKPOINT_ANNOTATION, extractLayer, imageTar, splitRef, writeLayer } from './checkpoint-image';
import { crossEngineRefusal, isEngineKind } from './cross-engine';
import { specHostReach } from './import-policy';
import type { ImportOutcome, PortableProgress, PortableService } from './portable-service';
import { NAME_RULE } from './portable-service';
import { LAYOUT } from './archive-layout';
import { transferReadStream } from '../engines/transfer';

/** What an image reference may look like ([registry[:port]/]path[:tag]), lowercase as engines want. */
const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
export const IMAGE_REF = new RegExp(
  `^(?:${LABEL}(?:\\.${LABEL})*(?::\\d{1,5})?/)?${PART}(?:/${PART})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$`,
);

export interface CheckpointImage {
  id: string;
  /** The image's names (repo:tag), none for an untagged one. */
  refs: string[];
  /** The container it was checkpointed from. */
  container: string;
  checkpoint: string | null;
  /** The engine kind whose runtime made the checkpoint. */
  madeBy: 'docker' | 'podman';
  rootfsImage: string;
  created: string;
  size: number;
}

interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  Created?: string;
  Size?: number;
  Annotations?: Record<string, string> | null;
  Config?: { Labels?: Record<string, string> | null } | null;
  Labels?: Record<string, string> | null;
}

/** Loopback registries are plain HTTP without being configured so, as Docker itself decides. */
export function isLoopbackRegistry(ref: string): boolean {
  const host = ref.split('/')[0] ?? '';
  if (!ref.includes('/') || !/[.:]|^localhost$/.test(host)) return false;
  const name = host.replace(/:\d+$/, '');
  return name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '[::1]';
}

/** Reads an engine's JSON-lines answer (load, push, pull) and fails on the line that says so. */
async function progressLines(
  res: IncomingMessage,
  onLine?: (l: Record<string, unknown>) => void,
): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  for await (const chunk of res as AsyncIterable<Buffer>) {
    rest += chunk.toString('utf8');
    const parts = rest.split(/\r?\n/);
    rest = parts.pop() ?? '';
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
  }
  if (rest.trim()) lines.push(JSON.parse(rest) as Record<string, unknown>);
  for (const l of lines) {
    onLine?.(l);
    const err = l.error ?? (l.errorDetail as { message?: string } | undefined)?.message;
    if (err) throw new StudioError('internal', String(err));
  }
  return lines;
}

export class ImageService {
  /** Layers read for the inspector, by image id: a few kept, so a diff or a search does not read again. */
  private readonly layers = new Map<string, Promise<string>>();
  private layerDir: string | null = null;

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

  private checkRef(ref: string): void {
    if (ref.length > 255 || !IMAGE_REF.test(ref))
      throw new StudioError('invalid-argument', `"${ref}" is not an image name an engine accepts.`, {
        hint: 'Lowercase letters, digits and . _ - in the path, an optional registry host before the first /, and an optional :tag (e.g. 127.0.0.1:5000/team/redis-warm:cp1).',
      });
  }

  /** Makes an image of a saved checkpoint; resolves with the image's id. */
  async create(
    r: { engineId: string; container: string; checkpoint: string; image: string; opId?: string | undefined },
    progress: PortableProgress = () => undefined,
  ): Promise<{ id: string; image: string; bytes: number }> {
    this.checkRef(r.image);
    const { conn, kind } = await this.kindOf(r.engineId);
    const t = await this.checkpoints.target(r.engineId, r.container);
    if (await this.exists(conn, r.image))
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
        (await this.inspect(conn, r.image))?.Id ?? (await this.tagLoaded(conn, layer.digest, r.image));
      return { id, image: r.image, bytes: layer.size };
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  private async inspect(conn: EngineConnection, ref: string): Promise<ImageInspect | null> {
    return conn.engine.http
      .json<ImageInspect>({
        method: 'GET',
        path:
          conn.identity?.kind === 'podman'
            ? `/v4.0.0/libpod/images/${encodeURIComponent(ref)}/json`
            : `/images/${encodeURIComponent(ref)}/json`,
        ok: [200],
        timeoutMs: 15_000,
      })
      .catch(() => null);
  }

  private async exists(conn: EngineConnection, ref: string): Promise<boolean> {
    return (await this.inspect(conn, ref)) !== null;
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
        await conn.engine.http.json({
          method: 'POST',
          path: `/images/${encodeURIComponent(i.Id)}/tag`,
          query: { repo, tag },
          ok: [201, 200],
          timeoutMs: 15_000,
        });
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
    const ids =
      kind === 'docker'
        ? await conn.engine.http.json<{ Id: string }[]>({
            method: 'GET',
            path: '/images/json',
            query: { filters: JSON.stringify({ label: [CHECKPOINT_ANNOTATION.name] }) },
            ok: [200],
            timeoutMs: 30_000,
          })
        : // Podman's own images carry the name as an annotation only, which its list does not show.
          await conn.engine.http.json<{ Id: string }[]>({
            method: 'GET',
            path: '/v4.0.0/libpod/images/json',
            ok: [200],
            timeoutMs: 30_000,
          });
    const out: CheckpointImage[] = [];
    await mapLimit(ids, 4, async (i) => {
      const full = await this.inspect(conn, i.Id);
      const c = full && describe(full);
      if (c) out.push(c);
    });
    return out.sort((a, b) => b.created.localeCompare(a.created));
  }

  private async image(conn: EngineConnection, ref: string): Promise<CheckpointImage> {
    const full = await this.inspect(conn, ref);
    const c = full && describe(full);
    if (!c) throw new StudioError('not-found', `${conn.spec.name} has no checkpoint image ${ref}.`);
    return c;
  }

  /** The image's layer (the checkpoint's archive) copied into `dir`; resolves with its path. */
  async layerFile(engineId: string, ref: string, dir: string): Promise<string> {
    const { conn } = await this.kindOf(engineId);
    const img = await this.image(conn, ref);
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
    const img = await this.image(conn, ref);
    const key = `${engineId}/${img.id}`;
    let p = this.layers.get(key);
    if (!p) {
      this.layerDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-studio-layers-'));
      const dir = fs.mkdtempSync(path.join(this.layerDir, 'l-'));
      p = this.layerFile(engineId, img.id, dir);
      p.catch(() => {
        this.layers.delete(key);
        fs.rmSync(dir, { recursive: true, force: true });
      });
      this.layers.set(key, p);
      for (const [k, old] of [...this.layers].slice(0, Math.max(0, this.layers.size - 3))) {
        this.layers.delete(k);
        old.then((f) => fs.rmSync(path.dirname(f), { recursive: true, force: true })).catch(() => undefined);
      }
    } else {
      // Most recently used last.
      this.layers.delete(key);
      this.layers.set(key, p);
    }
    return { file: await p, label: img.refs[0] ?? ref };
  }

  dispose(): void {
    if (this.layerDir) fs.rmSync(this.layerDir, { recursive: true, force: true });
    this.layerDir = null;
    this.layers.clear();
  }

  /** N containers from a checkpoint image. */
  async restore(
    r: {
      engineId: string;
      image: string;
      name?: string | undefined;
      count: number;
      opId?: string | undefined;
    },
    progress: PortableProgress = () => undefined,
  ): Promise<ImportOutcome> {
    const { conn, kind } = await this.kindOf(r.engineId);
    const img = await this.image(conn, r.image);
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
      return await this.restorePodman(conn, img, file, r, progress);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** Podman restores the image itself; the archive read from it is only judged first. */
  private async restorePodman(
    conn: EngineConnection,
    img: CheckpointImage,
    file: string,
    r: {
      engineId: string;
      image: string;
      name?: string | undefined;
      count: number;
      opId?: string | undefined;
    },
    progress: PortableProgress,
  ): Promise<ImportOutcome> {
    const archive = await readArchive(file, { unpack: false, folderName: 'image' });
    try {
      const spec = archive.meta.get(LAYOUT.spec);
      if (!spec)
        throw new StudioError('invalid-argument', `${r.image} has no spec.dump: not a checkpoint image.`);
      const reach = specHostReach(JSON.parse(spec.toString('utf8')) as object);
      if (reach.length)
        throw new StudioError(
          'unsupported',
          `${r.image} asks for more than a container: it ${reach.join('; it ')}.`,
          {
            hint: 'It was not restored, and nothing was created.',
            details: reach,
          },
        );
      if (!Number.isInteger(r.count) || r.count < 1 || r.count > 50)
        throw new StudioError('invalid-argument', 'Restore between 1 and 50 containers at a time.');
      const base = r.name ?? img.container;
      const names = r.count === 1 ? [base] : Array.from({ length: r.count }, (_, i) => `${base}-${i + 1}`);
      const bad = names.find((n) => !NAME_RULE.test(n));
      if (bad) throw new StudioError('invalid-argument', `The engine would refuse the name ${bad}.`);
      const taken = (
        await Promise.all(
          names.map(async (n) => ((await conn.engine.inspect(n).catch(() => null)) ? n : null)),
        )
      ).filter(Boolean);
      if (taken.length)
        throw new StudioError(
          'conflict',
          `${conn.spec.name} has a container called ${taken.join(', ')} already.`,
          {
            hint: 'Choose another name. Nothing was created.',
          },
        );
      const journal = this.checkpoints.journal;
      const jop = journal.begin('import', `${r.count} from ${r.image}`);
      const lines = new Map(
        names.map((name) => [
          name,
          journal.add(jop, {
            engineId: r.engineId,
            action: 'remove-container',
            ref: name,
            label: `restore ${name}`,
          }),
        ]),
      );
      const { signal, end } = this.checkpoints.cancellation.begin(r.opId);
      const instances: ImportOutcome['instances'] = names.map((name) => ({ name, id: null }));
      try {
        await mapLimit(instances, CLONE_PARALLELISM, async (o) => {
          if (signal.aborted) return void (o.error = CANCELLED);
          progress({ stage: 'restoring', instance: o.name });
          try {
            const res = await conn.engine.http.json<{ Id: string }>({
              method: 'POST',
              path: `/v4.0.0/libpod/containers/${encodeURIComponent(img.id)}/restore`,
              query: { name: o.name, ignoreStaticIP: true, ignoreStaticMAC: true },
              ok: [200],
              timeoutMs: 10 * 60_000,
            });
            o.id = res.Id;
          } catch (e) {
            o.error = engineMessage(e);
            const left = await conn.engine.inspect(o.name).catch(() => null);
            if (left) o.id = left.Id;
          }
        });
        if (signal.aborted) for (const o of instances) o.error ??= CANCELLED;
        await removeFailed(conn.engine, instances);
      } finally {
        end();
        for (const o of instances) if (o.id && !o.error) journal.drop(lines.get(o.name)!);
        if (instances.some((o) => o.error && o.id)) journal.leaveToRecovery(jop);
        else journal.end(jop);
      }
      if (signal.aborted)
        throw new StudioError('cancelled', `Restoring ${r.image} was cancelled; nothing of it is left.`);
      return { origin: archive.origin, instances, notes: [] };
    } finally {
      archive.dispose();
    }
  }

  async push(
    r: { engineId: string; image: string; to: string },
    progress: PortableProgress = () => undefined,
  ): Promise<{ pushed: string }> {
    this.checkRef(r.to);
    const { conn, kind } = await this.kindOf(r.engineId);
    const img = await this.image(conn, r.image);
    const insecure = isLoopbackRegistry(r.to);
    try {
      if (kind === 'podman') {
        const res = await conn.engine.http.stream({
          method: 'POST',
          path: `/v4.0.0/libpod/images/${encodeURIComponent(img.id)}/push`,
          query: { destination: r.to, tlsVerify: insecure ? false : undefined },
          ok: [200],
          timeoutMs: 30 * 60_000,
        });
        await progressLines(res, (l) => l.stream && progress({ stage: String(l.stream).trim() }));
      } else {
        // Docker pushes a name: the image gets it first (a tag, not a copy).
        const { repo, tag } = splitRef(r.to);
        if (!img.refs.includes(r.to))
          await conn.engine.http.json({
            method: 'POST',
            path: `/images/${encodeURIComponent(img.id)}/tag`,
            query: { repo, tag },
            ok: [201, 200],
            timeoutMs: 15_000,
          });
        const res = await conn.engine.http.stream({
          method: 'POST',
          path: `/images/${encodeURIComponent(repo)}/push`,
          query: { tag },
          headers: { 'X-Registry-Auth': Buffer.from('{}').toString('base64') },
          ok: [200],
          timeoutMs: 30 * 60_000,
        });
        await progressLines(res, (l) => l.status && progress({ stage: String(l.status) }));
      }
    } catch (e) {
      throw new StudioError('internal', `${conn.spec.name} could not push ${r.to}: ${engineMessage(e)}`, {
        hint: insecure
          ? 'Is the registry running?'
          : 'The engine pushes with its own registry settings and logins: check them (docker login, registries.conf).',
      });
    }
    return { pushed: r.to };
  }

  async pull(
    r: { engineId: string; image: string },
    progress: PortableProgress = () => undefined,
  ): Promise<CheckpointImage> {
    this.checkRef(r.image);
    const { conn, kind } = await this.kindOf(r.engineId);
    try {
      const res =
        kind === 'podman'
          ? await conn.engine.http.stream({
              method: 'POST',
              path: '/v4.0.0/libpod/images/pull',
              query: { reference: r.image, tlsVerify: isLoopbackRegistry(r.image) ? false : undefined },
              ok: [200],
              timeoutMs: 30 * 60_000,
            })
          : await conn.engine.http.stream({
              method: 'POST',
              path: '/images/create',
              query: { fromImage: splitRef(r.image).repo, tag: splitRef(r.image).tag },
              headers: { 'X-Registry-Auth': Buffer.from('{}').toString('base64') },
              ok: [200],
              timeoutMs: 30 * 60_000,
            });
      await progressLines(
        res,
        (l) => (l.status || l.stream) && progress({ stage: String(l.status ?? l.stream).trim() }),
      );
    } catch (e) {
      throw new StudioError('internal', `${conn.spec.name} could not pull ${r.image}: ${engineMessage(e)}`);
    }
    const full = await this.inspect(conn, r.image);
    const c = full && describe(full);
    if (!c)
      throw new StudioError('invalid-argument', `${r.image} was pulled, but it is not a checkpoint image.`, {
        hint: 'It stays on the engine as an ordinary image.',
      });
    return c;
  }

  async remove(r: { engineId: string; image: string }): Promise<{ removed: boolean }> {
    const { conn } = await this.kindOf(r.engineId);
    const img = await this.image(conn, r.image);
    await conn.engine.http.json({
      method: 'DELETE',
      path: `/images/${encodeURIComponent(img.refs.length > 1 ? r.image : img.id)}`,
      ok: [200],
      timeoutMs: 60_000,
    });
    return { removed: true };
  }
}

/** An image as a checkpoint image, or null when it is not one. */
function describe(i: ImageInspect): CheckpointImage | null {
  const a = { ...(i.Config?.Labels ?? i.Labels ?? {}), ...(i.Annotations ?? {}) };
  const container = a[CHECKPOINT_ANNOTATION.name];
  if (!container) return null;
  const engine = a[CHECKPOINT_ANNOTATION.engine];
  return {
    id: i.Id,
    refs: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
    container,
    checkpoint: a[CHECKPOINT_ANNOTATION.checkpoint] ?? null,
    madeBy: engine === 'docker' ? 'docker' : 'podman',
    rootfsImage: a[CHECKPOINT_ANNOTATION.rootfsImageName] ?? '',
    created: i.Created ?? '',
    size: i.Size ?? 0,
  };
}
