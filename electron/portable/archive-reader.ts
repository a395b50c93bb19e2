// One pass over an archive someone hands us: every entry judged (archive-layout.ts) before it is
// read, metadata kept in memory, and — when the containers will be made by the app rather than by
// Podman — CRIU's images repacked as a checkpoint folder and the file changes copied, each into a
// private temporary file. Nothing is ever unpacked onto this machine's file system.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { INVENTORY } from '../criu/image-names';
import { decompressed } from '../criu/sources';
import { ArchiveRefused, judgeEntry, LAYOUT, originOf, type ArchiveOrigin } from './archive-layout';
import { streamEntry } from './tar-splice';
import { transferReadStream } from '../engines/transfer';

export interface ReadArchive {
  meta: Map<string, Buffer>;
  origin: ArchiveOrigin;
  /** CRIU's image files, by name. */
  images: string[];
  /** A tar of the images under `${folderName}/` (when asked to unpack), for Docker's checkpoints folder. */
  checkpointTar: string | null;
  /** rootfs-diff.tar, copied out (when asked to unpack and the archive has one). */
  rootfsDiff: string | null;
  /** Removes the temporary files. */
  dispose(): void;
}

export interface ReadOptions {
  /** Repack the images and copy the file changes (a Docker import); else only judge and read metadata. */
  unpack: boolean;
  /** The checkpoint's folder name inside the repacked tar. */
  folderName: string;
  /** Told of the compressed bytes read so far. */
  onBytes?: (n: number) => void;
}

export async function readArchive(file: string, o: ReadOptions): Promise<ReadArchive> {
  const tmp = o.unpack ? fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-studio-import-')) : null;
  const dispose = () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  };
  const meta = new Map<string, Buffer>();
  const images: string[] = [];
  let rootfsDiff: string | null = null;
  let checkpointTar: string | null = null;
  let pack: tar.Pack | null = null;
  let packed: Promise<void> | null = null;
  if (tmp) {
    checkpointTar = path.join(tmp, 'checkpoint.tar');
    pack = tar.pack();
    packed = pipeline(pack, fs.createWriteStream(checkpointTar, { mode: 0o600, flags: 'wx' }));
    packed.catch(() => undefined);
    await new Promise<void>((resolve, reject) =>
      pack!.entry({ name: `${o.folderName}/`, type: 'directory', mode: 0o755 }, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
  }
  const raw = transferReadStream(file);
  if (o.onBytes) raw.on('data', (c) => o.onBytes!(c.length));
  const extract = tar.extract();
  try {
    const input = await decompressed(raw);
    input.on('error', (e) => extract.destroy(e));
    input.pipe(extract as unknown as NodeJS.WritableStream);
    for await (const e of extract) {
      const h = e.header;
      const judged = judgeEntry(h.name, h.type ?? 'file', h.size ?? 0);
      if (judged.kind === 'metadata') {
        const parts: Buffer[] = [];
        for await (const c of e) parts.push(c as Buffer);
        meta.set(judged.name, Buffer.concat(parts));
      } else if (judged.kind === 'image') {
        images.push(judged.name);
        if (pack)
          await streamEntry(pack, { name: `${o.folderName}/${judged.name}`, mode: 0o600, size: h.size }, e);
        else e.resume();
      } else if (judged.kind === 'rootfs-diff' && tmp) {
        rootfsDiff = path.join(tmp, LAYOUT.rootfsDiff);
        const out = fs.createWriteStream(rootfsDiff, { mode: 0o600, flags: 'wx' });
        for await (const c of e)
          if (!out.write(c as Buffer)) await new Promise<void>((r) => out.once('drain', () => r()));
        await new Promise<void>((resolve, reject) =>
          out.end((err?: Error | null) => (err ? reject(err) : resolve())),
        );
      } else e.resume();
    }
    if (pack) {
      pack.finalize();
      await packed;
    }
  } catch (e) {
    raw.destroy();
    pack?.destroy();
    dispose();
    if (e instanceof ArchiveRefused) throw e;
    throw new ArchiveRefused(
      `${path.basename(file)} is not a checkpoint archive this app can read: ${(e as Error).message}`,
    );
  }
  if (!images.includes(INVENTORY)) {
    dispose();
    throw new ArchiveRefused(`${path.basename(file)} holds no CRIU checkpoint (no checkpoint/${INVENTORY})`);
  }
  return { meta, origin: originOf(meta), images, checkpointTar, rootfsDiff, dispose };
}
