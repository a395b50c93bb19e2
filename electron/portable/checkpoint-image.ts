// A checkpoint as an OCI image, as Podman's `checkpoint --create-image` makes one: a single layer
// holding the files of the checkpoint's archive, and annotations naming the container and the image
// it ran on. The tar handed to the engine is an OCI archive (index.json, blobs/) and a Docker archive
// (manifest.json pointing at the same blobs) at once, so Docker 20.10 loads it as Podman does; the
// annotations are repeated as labels, which Docker's image store keeps and its manifests do not.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { decompressed } from '../criu/sources';
import { ArchiveRefused } from './archive-layout';

/** Podman's annotation keys (libpod/define), read by `podman container restore IMAGE`. */
export const CHECKPOINT_ANNOTATION = {
  name: 'io.podman.annotations.checkpoint.name',
  rawImageName: 'io.podman.annotations.checkpoint.rawImageName',
  rootfsImageId: 'io.podman.annotations.checkpoint.rootfsImageID',
  rootfsImageName: 'io.podman.annotations.checkpoint.rootfsImageName',
  podmanVersion: 'io.podman.annotations.checkpoint.podman.version',
  /** Ours: the engine kind whose runtime made the checkpoint (Podman's images lack it: podman). */
  engine: 'dev.checkpointstudio.checkpoint.engine',
  /** Ours: the checkpoint's name in the app. */
  checkpoint: 'dev.checkpointstudio.checkpoint.name',
} as const;

export interface ImageFacts {
  /** The container's name when it was checkpointed. */
  container: string;
  checkpoint: string;
  engine: 'docker' | 'podman';
  rootfsImageName: string;
  rootfsImageId: string;
  arch: string;
  created: Date;
}

export function annotationsOf(f: ImageFacts): Record<string, string> {
  return {
    [CHECKPOINT_ANNOTATION.name]: f.container,
    [CHECKPOINT_ANNOTATION.rawImageName]: f.rootfsImageName,
    [CHECKPOINT_ANNOTATION.rootfsImageName]: f.rootfsImageName,
    [CHECKPOINT_ANNOTATION.rootfsImageId]: f.rootfsImageId.replace(/^sha256:/, ''),
    [CHECKPOINT_ANNOTATION.engine]: f.engine,
    [CHECKPOINT_ANNOTATION.checkpoint]: f.checkpoint,
  };
}

/** A layer written to a file as it streams, with what a manifest needs to name it. */
export async function writeLayer(archive: Readable, file: string): Promise<{ digest: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  await pipeline(
    archive,
    new Transform({
      transform(chunk: Buffer, _e, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    }),
    fs.createWriteStream(file, { mode: 0o600, flags: 'wx' }),
  );
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

const sha = (b: Buffer) => `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`;
const blob = (digest: string) => `blobs/sha256/${digest.slice(7)}`;

/** Splits `repo[:tag]` (a registry host may carry a port: the tag is after the last slash). */
export function splitRef(ref: string): { repo: string; tag: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash
    ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) }
    : { repo: ref, tag: 'latest' };
}

/** The image tar (OCI and Docker archive at once) around a layer already written to `layerFile`. */
export function imageTar(
  layerFile: string,
  layer: { digest: string; size: number },
  ref: string,
  f: ImageFacts,
): Readable {
  const annotations = annotationsOf(f);
  const created = f.created.toISOString();
  const config = Buffer.from(
    JSON.stringify({
      created,
      architecture: f.arch === 'x86_64' ? 'amd64' : f.arch === 'aarch64' ? 'arm64' : f.arch,
      os: 'linux',
      config: { Labels: annotations },
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
      history: [{ created, created_by: `checkpoint-studio: ${f.container} checkpoint ${f.checkpoint}` }],
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha(config),
        size: config.length,
      },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size },
      ],
      annotations,
    }),
  );
  const { tag } = splitRef(ref);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: sha(manifest),
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag, 'io.containerd.image.name': ref },
        },
      ],
    }),
  );
  const dockerManifest = Buffer.from(
    JSON.stringify([{ Config: blob(sha(config)), RepoTags: [ref], Layers: [blob(layer.digest)] }]),
  );
  const pack = tar.pack();
  const add = (name: string, body: Buffer) =>
    new Promise<void>((resolve, reject) =>
      pack.entry({ name, mode: 0o644, mtime: f.created }, body, (e) => (e ? reject(e) : resolve())),
    );
  void (async () => {
    try {
      await add('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
      pack.entry({ name: 'blobs/', type: 'directory', mode: 0o755, mtime: f.created });
      pack.entry({ name: 'blobs/sha256/', type: 'directory', mode: 0o755, mtime: f.created });
      await add(blob(sha(config)), config);
      const entry = pack.entry({ name: blob(layer.digest), size: layer.size, mode: 0o644, mtime: f.created });
      await pipeline(fs.createReadStream(layerFile), entry);
      await add(blob(sha(manifest)), manifest);
      await add('index.json', index);
      await add('manifest.json', dockerManifest);
      pack.finalize();
    } catch (e) {
      pack.destroy(e as Error);
    }
  })();
  return pack as unknown as Readable;
}

/**
 * The one layer of a saved image (`GET /images/{name}/get`, as Docker or Podman writes it) copied
 * to `file`, uncompressed. Every entry that is itself a tar is a layer; a checkpoint image has one.
 */
export async function extractLayer(saved: Readable, file: string): Promise<void> {
  const extract = tar.extract();
  let found = 0;
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      if (header.type !== 'file' || !/(^|\/)(layer\.tar|[a-f0-9]{64}(\.tar)?)$/.test(header.name)) {
        stream.resume();
        stream.on('end', next);
        return;
      }
      void (async () => {
        const body = await decompressed(stream as unknown as Readable);
        const head: Buffer[] = [];
        let isTar: boolean | null = null;
        let out: fs.WriteStream | null = null;
        for await (const chunk of body as AsyncIterable<Buffer>) {
          if (isTar === null) {
            head.push(chunk);
            const b = Buffer.concat(head);
            if (b.length < 512) continue;
            isTar = b.subarray(257, 262).toString('latin1') === 'ustar';
            if (isTar) {
              if (++found > 1)
                throw new ArchiveRefused('the image has more than one layer: not a checkpoint image');
              out = fs.createWriteStream(file, { mode: 0o600, flags: 'wx' });
              out.write(b);
            }
            continue;
          }
          if (isTar && out && !out.write(chunk))
            await new Promise<void>((r) => out!.once('drain', () => r()));
        }
        if (out) await new Promise<void>((r, j) => out!.end((e?: Error | null) => (e ? j(e) : r())));
        next();
      })().catch(reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  await Promise.all([pipeline(saved, extract), done]);
  if (!found) throw new ArchiveRefused('the image holds no layer with a checkpoint');
}
