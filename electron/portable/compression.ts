// The compressions an export can have. zstd (level 3, as `zstd -3`) through the zstd library
// itself (zstd-napi; with workers set, zstd compresses on threads of its own); gzip through Node's
// zlib. Reading back is sources.ts's `decompressed`, which recognises each by its magic.
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import { CompressStream } from 'zstd-napi';

export const COMPRESSIONS = ['zstd', 'gzip', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export const ZSTD_LEVEL = 3;

/** A compressing stream, or null for none. */
export function compressor(c: Compression): Transform | null {
  if (c === 'none') return null;
  if (c === 'gzip') return zlib.createGzip({ level: 6 });
  return new CompressStream({ compressionLevel: ZSTD_LEVEL, nbWorkers: 2 });
}

/** What a file of that compression is called (the archive is a tar). */
export function extensionOf(c: Compression): string {
  return c === 'zstd' ? '.tar.zst' : c === 'gzip' ? '.tar.gz' : '.tar';
}
