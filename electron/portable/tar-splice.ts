// Several tar streams written as one archive, bytes passed through as they come: each part but the
// last loses its end-of-archive marker. The engine's archive of a checkpoint folder (hundreds of
// MB) then goes into an export without being unpacked and packed again in JavaScript.
//
// A tar is 512-byte blocks: a header (its size in octal at offset 124, or base-256 when the first
// byte has its top bit set), the data padded to a whole block, the next header… and two zero
// blocks at the end. Only headers are read here; the data is never looked at, so a file ending in
// zeros is passed whole.
import type { Writable } from 'node:stream';
import type tar from 'tar-stream';

const BLOCK = 512;

function entrySize(header: Buffer): number {
  const field = header.subarray(124, 136);
  if (field[0]! & 0x80) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = field
    .toString('ascii')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]*$/.test(text)) throw new Error(`a tar header with a size that is not a number ("${text}")`);
  return text ? parseInt(text, 8) : 0;
}

const isZero = (b: Buffer) => b.every((x) => x === 0);

/** The archive's blocks up to (not including) its end-of-archive marker. */
export async function* tarBody(src: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  /** Bytes of data (padded) still to pass before the next header. */
  let data = 0;
  let ended = false;
  for await (const chunk of src) {
    // Past the end: the marker's second block and any padding are read and dropped.
    if (ended) continue;
    const u8 = chunk as Uint8Array;
    const bytes = Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
    pending = pending.length ? Buffer.concat([pending, bytes]) : bytes;
    const out: Buffer[] = [];
    while (!ended) {
      if (data > 0) {
        if (!pending.length) break;
        const n = Math.min(data, pending.length);
        out.push(pending.subarray(0, n));
        pending = pending.subarray(n);
        data -= n;
        continue;
      }
      if (pending.length < BLOCK) break;
      const header = pending.subarray(0, BLOCK);
      if (isZero(header)) {
        ended = true;
        break;
      }
      out.push(header);
      pending = pending.subarray(BLOCK);
      data = Math.ceil(entrySize(header) / BLOCK) * BLOCK;
    }
    if (out.length) yield Buffer.concat(out);
  }
  if (!ended) throw new Error('the archive ended without its end-of-archive marker');
}

/** Writes `src` into `dest` (left open), minding back-pressure. */
export async function append(dest: Writable, src: AsyncIterable<unknown>): Promise<void> {
  for await (const chunk of src) {
    if (dest.destroyed) throw new Error('the export was ended');
    if (!dest.write(chunk))
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          dest.off('drain', done);
          dest.off('close', closed);
          resolve();
        };
        const closed = () => {
          dest.off('drain', done);
          reject(new Error('the export was ended'));
        };
        dest.on('drain', done);
        dest.once('close', closed);
      });
  }
}

export type EntryHeader = Parameters<tar.Pack['entry']>[0];

/** Copies `from` into a new entry of `pack` of exactly `header.size` bytes, minding back-pressure. */
export async function streamEntry(
  pack: tar.Pack,
  header: EntryHeader,
  from: AsyncIterable<unknown>,
): Promise<void> {
  let done!: (e?: Error | null) => void;
  const written = new Promise<void>((resolve, reject) => (done = (e) => (e ? reject(e) : resolve())));
  written.catch(() => undefined);
  // Throws at once when the archive was ended meanwhile (cancelled, or its file failed).
  const sink = pack.entry(header, done);
  try {
    for await (const c of from) {
      if (!sink.write(c as Buffer)) await new Promise<void>((r) => sink.once('drain', () => r()));
    }
  } catch (e) {
    sink.destroy(e as Error);
    throw e;
  }
  (sink as unknown as { end(): void }).end();
  await written;
}
