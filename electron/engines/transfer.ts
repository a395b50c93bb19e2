// Files streamed to and from an engine in large slices. Node's defaults (64 KiB reads, 16 KiB
// writes) cost a system call and an event-loop turn per slice: a ~100 MB Podman export was written
// in 0.44–0.56 s with them and 0.20–0.25 s with 4 MiB slices, an import read in 0.73 s vs 0.53 s
// (issue 17's measurements, on this machine kind).
import fs from 'node:fs';

export const TRANSFER_SLICE = 4 << 20;

export function transferReadStream(file: string): fs.ReadStream {
  return fs.createReadStream(file, { highWaterMark: TRANSFER_SLICE });
}

export function transferWriteStream(file: string, o: { mode?: number; flags?: string } = {}): fs.WriteStream {
  return fs.createWriteStream(file, {
    mode: o.mode ?? 0o600,
    flags: o.flags ?? 'w',
    highWaterMark: TRANSFER_SLICE,
  });
}
