// CRIU's image files: a magic number (after a common or service magic for all but the inventory),
// then protobuf entries, each prefixed by its length as a little-endian u32. pages-*.img are raw.
// Hostile input must give a clear error naming the file and the offset, never a crash or a hang.
import { IMG_COMMON_MAGIC, IMG_SERVICE_MAGIC, MAGIC } from './image-names';

/** An entry larger than this is not a real CRIU entry (the biggest are a few hundred KiB). */
export const MAX_ENTRY_BYTES = 16 * 1024 * 1024;

export class CriuImageError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    reason: string,
  ) {
    super(`${file}: ${reason} at offset ${offset}`);
    this.name = 'CriuImageError';
  }
}

export interface ParsedImage {
  file: string;
  magic: number;
  /** Protobuf bytes of each entry, in order. */
  entries: Buffer[];
}

export function parseImage(file: string, buf: Buffer, maxEntries = 1_000_000): ParsedImage {
  if (buf.length < 4) throw new CriuImageError(file, 0, 'file too short for a magic number');
  let offset = 0;
  let magic = buf.readUInt32LE(0);
  offset = 4;
  if (magic === IMG_COMMON_MAGIC || magic === IMG_SERVICE_MAGIC) {
    if (buf.length < 8) throw new CriuImageError(file, 4, 'file ends after the common magic');
    magic = buf.readUInt32LE(4);
    offset = 8;
  } else if (magic !== MAGIC.INVENTORY) {
    throw new CriuImageError(file, 0, `unknown magic 0x${magic.toString(16)}`);
  }
  const entries: Buffer[] = [];
  while (offset < buf.length) {
    if (buf.length - offset < 4) throw new CriuImageError(file, offset, 'truncated entry length');
    const len = buf.readUInt32LE(offset);
    if (len > MAX_ENTRY_BYTES) throw new CriuImageError(file, offset, `entry length ${len} is absurd`);
    if (offset + 4 + len > buf.length) {
      throw new CriuImageError(file, offset, `entry of ${len} bytes runs past the end (${buf.length})`);
    }
    entries.push(buf.subarray(offset + 4, offset + 4 + len));
    offset += 4 + len;
    if (entries.length > maxEntries)
      throw new CriuImageError(file, offset, `more than ${maxEntries} entries`);
  }
  return { file, magic, entries };
}
