// Where a checkpoint's files come from: a folder, an archive (a Podman export: .tar, .tar.gz or
// .tar.zst), or a tar stream from an engine. Each source is read as a stream, entry by entry, and
// can be opened again (memory search reads twice). Archives are never unpacked to disk, and an
// entry that could escape a folder (../, absolute paths, links) refuses the whole archive.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { DecompressStream } from 'zstd-napi';
import tar from 'tar-stream';
import { INVENTORY, isPagesFile, STATS_DUMP } from './image-names';

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

export type EntryRole = 'image' | 'meta';

export interface SourceEntry {
  /** For images, the bare file name (core-1.img); for metadata, the path in the export (config.dump). */
  name: string;
  role: EntryRole;
  size: number;
  mtimeMs: number | null;
  /** The whole content; refuses anything larger than `limit`. */
  read(limit: number): Promise<Buffer>;
  /** The content as chunks, for pages files. */
  chunks(): AsyncIterable<Buffer>;
}

export interface CheckpointSource {
  label: string;
  format: 'docker' | 'podman-export' | 'folder';
  /** True when the source yields only the files the inspector needs, not every file there is. */
  metadataOnly?: boolean;
  /** Entries in order; each must be read or left before the next is asked for. */
  open(): AsyncGenerator<SourceEntry>;
}

const IMAGE_NAME =
  /^(?:[a-z0-9][a-zA-Z0-9_.-]*\.img|stats-(?:dump|restore)|descriptors\.json|irmap-cache|dump\.log|restore\.log)$/;

async function collect(chunks: AsyncIterable<Buffer>, limit: number, name: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of chunks) {
    size += c.length;
    if (size > limit) throw new SourceError(`${name} is larger than ${limit} bytes; not decoded`);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

/** Checks one archive path; returns it normalized, or throws. */
export function safeEntryPath(raw: string, type: string): string {
  if (raw.includes('\0')) throw new SourceError(`archive entry with a NUL byte in its name refused`);
  const name = raw.replace(/^\.\//, '');
  if (name.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(name))
    throw new SourceError(`archive entry "${raw}" has an absolute path: refused`);
  const parts = name.split('/');
  if (parts.some((p) => p === '..'))
    throw new SourceError(`archive entry "${raw}" points outside the archive (..): refused`);
  if (type === 'symlink' || type === 'link')
    throw new SourceError(
      `archive entry "${raw}" is a ${type === 'link' ? 'hard link' : 'symbolic link'}: refused`,
    );
  if (type !== 'file' && type !== 'directory')
    throw new SourceError(`archive entry "${raw}" is a ${type}: refused`);
  return parts.filter((p) => p && p !== '.').join('/');
}

/** Decides what an entry of a checkpoint tar is: a CRIU image, export metadata, or nothing we read. */
function classify(name: string, stripPrefix: string | undefined): { name: string; role: EntryRole } | null {
  let n = name;
  if (stripPrefix) {
    if (!n.startsWith(stripPrefix)) return null;
    n = n.slice(stripPrefix.length);
  }
  if (n.startsWith('checkpoint/')) {
    const rest = n.slice('checkpoint/'.length);
    return rest.includes('/') ? null : { name: rest, role: 'image' };
  }
  const parts = n.split('/');
  if (parts.length === 1)
    return IMAGE_NAME.test(n) && n !== STATS_DUMP ? { name: n, role: 'image' } : { name: n, role: 'meta' };
  // A tar of a Docker checkpoint folder: NAME/core-1.img.
  if (parts.length === 2 && IMAGE_NAME.test(parts[1]!)) return { name: parts[1]!, role: 'image' };
  return parts[0] === 'volumes' ? { name: n, role: 'meta' } : null;
}

/**
 * An archive expanding beyond this is refused: a few kilobytes of zstd can claim terabytes of
 * zeros. It is far above any real checkpoint (the largest a user would upload is a few GB).
 */
export const MAX_EXPANDED_BYTES = 64 * 1024 ** 3;
/** Compressed input handed to the decoder at a time: even all zeros expand it to 32 MB at most. */
const ZSTD_SLICE = 1024;

function tooBig(max: number): SourceError {
  return new SourceError(
    `the archive expands beyond ${+(max / 1024 ** 3).toFixed(2)} GiB; that is no checkpoint this app will read`,
  );
}

/** Passes the stream on, failing it once it has carried more than `max` bytes. */
function capped(stream: Readable, max: number): Readable {
  let total = 0;
  const out = new PassThrough();
  stream.on('data', (c: Buffer) => {
    total += c.length;
    if (total > max) {
      stream.destroy();
      out.destroy(tooBig(max));
    }
  });
  stream.on('error', (e) => out.destroy(e));
  return stream.pipe(out);
}

/**
 * zstd through the zstd library itself (zstd-napi: native, ~10× fzstd's speed). Input goes in in
 * small slices and the next waits while the reader is behind: one slice can expand to 32 MB at
 * most, so memory stays flat however much a frame expands, and the expansion is capped.
 */
function zstdStream(rest: Readable, max: number): Readable {
  const dz = new DecompressStream();
  const invalid = (e: unknown) =>
    e instanceof SourceError ? e : new SourceError(`the archive is not valid zstd: ${(e as Error).message}`);
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  let total = 0;
  dz.on('data', (c: Buffer) => {
    total += c.length;
    if (total > max) {
      dz.destroy();
      out.destroy(tooBig(max));
    } else if (!out.write(c)) dz.pause();
  });
  out.on('drain', () => dz.resume());
  dz.on('end', () => out.end());
  dz.on('error', (e) => out.destroy(invalid(e)));
  void (async () => {
    try {
      for await (const c of rest) {
        const buf = c as Buffer;
        for (let i = 0; i < buf.length; i += ZSTD_SLICE) {
          if (out.destroyed || dz.destroyed) return;
          if (!dz.write(buf.subarray(i, i + ZSTD_SLICE)))
            await new Promise<void>((resolve) => {
              const done = () => {
                dz.off('drain', done);
                dz.off('close', done);
                resolve();
              };
              dz.on('drain', done);
              dz.on('close', done);
            });
        }
      }
      dz.end();
    } catch (e) {
      out.destroy(invalid(e));
    }
  })();
  out.on('close', () => {
    if (!dz.destroyed) dz.destroy();
  });
  return out;
}

/** Undoes gzip or zstd compression, found by magic numbers; a plain tar passes through. */
export async function decompressed(input: Readable, max = MAX_EXPANDED_BYTES): Promise<Readable> {
  const it = input[Symbol.asyncIterator]();
  const first = await it.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : (first.value as Buffer);
  const rest = Readable.from(
    (async function* () {
      if (head.length) yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer;
    })(),
  );
  if (head[0] === 0x1f && head[1] === 0x8b) {
    // pipe() would leave `rest` without an error listener: a reader that stops early (a memory
    // search with enough hits) makes it fail with a premature close, which would end the process.
    const gunzip = zlib.createGunzip();
    rest.on('error', (e) => gunzip.destroy(e));
    return capped(rest.pipe(gunzip), max);
  }
  if (head.readUInt32LE?.(0) === 0xfd2fb528) return zstdStream(rest, max);
  return rest;
}

/** A tar (compressed or not) from a stream factory. */
export function tarSource(
  label: string,
  format: CheckpointSource['format'],
  openStream: () => Promise<Readable>,
  stripPrefix?: string,
): CheckpointSource {
  return {
    label,
    format,
    async *open() {
      const raw = await openStream();
      const extract = tar.extract();
      const input = await decompressed(raw);
      input.on('error', (e) => extract.destroy(e));
      input.pipe(extract as unknown as NodeJS.WritableStream);
      try {
        for await (const entry of extract) {
          const h = entry.header;
          let name: string;
          try {
            name = safeEntryPath(h.name, h.type ?? 'file');
          } catch (e) {
            input.destroy();
            throw e;
          }
          const cls = h.type === 'file' ? classify(name, stripPrefix) : null;
          if (!cls) {
            entry.resume();
            continue;
          }
          let consumed = false;
          const chunks = () => {
            consumed = true;
            return entry as AsyncIterable<Buffer>;
          };
          yield {
            name: cls.name,
            role: cls.role,
            size: h.size ?? 0,
            mtimeMs: h.mtime ? h.mtime.getTime() : null,
            read: (limit: number) => collect(chunks(), limit, cls.name),
            chunks,
          };
          if (!consumed) entry.resume();
        }
      } catch (e) {
        if (e instanceof SourceError) throw e;
        throw new SourceError(`${label}: cannot read the archive (${(e as Error).message})`);
      } finally {
        raw.destroy();
      }
    },
  };
}

export function archiveFileSource(file: string): CheckpointSource {
  return tarSource(path.basename(file), 'podman-export', async () => fs.createReadStream(file));
}

/** A folder holding a checkpoint's images, or an unpacked Podman export (with checkpoint/). */
export function folderSource(dir: string): CheckpointSource {
  const podman = fs.existsSync(path.join(dir, 'checkpoint', INVENTORY));
  return {
    label: path.basename(dir),
    format: podman ? 'podman-export' : 'folder',
    async *open() {
      const listing: { full: string; name: string; role: EntryRole }[] = [];
      const imagesDir = podman ? path.join(dir, 'checkpoint') : dir;
      for (const name of fs.readdirSync(imagesDir).sort())
        listing.push({ full: path.join(imagesDir, name), name, role: 'image' });
      if (podman)
        for (const name of fs.readdirSync(dir).sort())
          if (name !== 'checkpoint') listing.push({ full: path.join(dir, name), name, role: 'meta' });
      for (const f of listing) {
        // lstat: a link in a checkpoint folder is not followed anywhere.
        const st = fs.lstatSync(f.full);
        if (!st.isFile()) continue;
        if (f.role === 'image' && !IMAGE_NAME.test(f.name) && !isPagesFile(f.name)) continue;
        yield {
          name: f.name,
          role: f.role,
          size: st.size,
          mtimeMs: st.mtimeMs,
          read: async (limit) => {
            if (st.size > limit)
              throw new SourceError(`${f.name} is larger than ${limit} bytes; not decoded`);
            return fs.promises.readFile(f.full);
          },
          chunks: () => fs.createReadStream(f.full, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>,
        };
      }
    },
  };
}

/** A path from the command line or the file picker: a folder, or an archive file. */
export function pathSource(p: string): CheckpointSource {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new SourceError(`${p} does not exist`);
  }
  if (st.isDirectory()) {
    if (!fs.existsSync(path.join(p, INVENTORY)) && !fs.existsSync(path.join(p, 'checkpoint', INVENTORY))) {
      throw new SourceError(`${p} holds no CRIU checkpoint (no ${INVENTORY}, nor checkpoint/${INVENTORY})`);
    }
    return folderSource(p);
  }
  if (st.isFile()) return archiveFileSource(p);
  throw new SourceError(`${p} is neither a folder nor a file`);
}
