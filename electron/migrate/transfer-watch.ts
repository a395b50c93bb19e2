// Bytes on their way from one engine to another, counted and watched. A connection cut in the
// middle of a transfer does not fail by itself — TCP retries for a quarter of an hour — so a
// transfer that moves nothing for `stallMs` is given up, and the requests on both sides with it.
import { type Readable, Transform } from 'node:stream';
import { StudioError } from '../ipc/errors';

export const DEFAULT_STALL_MS = 30_000;

export class TransferStalled extends Error {
  constructor(readonly stallMs: number) {
    super(`no data moved for ${Math.round(stallMs / 1000)} s: the connection was lost`);
    this.name = 'TransferStalled';
  }
}

export interface Watch {
  /** Pass the bytes through this; it counts them and keeps the watch awake. */
  readonly meter: Transform;
  /** Aborted when the transfer stalls (or `stop` is called): give it to both requests. */
  readonly signal: AbortSignal;
  /** Ends both requests now (one side failed: the other must not wait). */
  abort(reason: unknown): void;
  stop(): void;
}

export function watchTransfer(
  onBytes: (n: number) => void,
  stallMs = DEFAULT_STALL_MS,
  outer?: AbortSignal,
): Watch {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const e = new TransferStalled(stallMs);
      abort.abort(e);
      meter.destroy(e);
    }, stallMs);
    timer.unref();
  };
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      onBytes(chunk.length);
      arm();
      cb(null, chunk);
    },
  });
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  meter.once('close', stop);
  const signal = outer ? AbortSignal.any([abort.signal, outer]) : abort.signal;
  arm();
  const abortNow = (reason: unknown) => {
    stop();
    if (!abort.signal.aborted) abort.abort(reason);
    if (!meter.destroyed) meter.destroy();
  };
  return { meter, signal, stop, abort: abortNow };
}

/** One transfer under a watch: given up when it stalls, or as a cancellation when `cancel` fires. */
export async function watched(
  onBytes: (n: number) => void,
  stallMs: number,
  cancel: AbortSignal,
  fn: (watch: Watch) => Promise<void>,
): Promise<void> {
  const watch = watchTransfer(onBytes, stallMs, cancel);
  try {
    await fn(watch);
  } catch (e) {
    const why = watch.signal.reason;
    // Whichever side failed, the other request and its stream end too (no paused stream left).
    watch.abort(e);
    // The user's cancel ends the transfer in flight: it is a cancellation, not a failure.
    if (cancel.aborted) throw new StudioError('cancelled', 'cancelled');
    throw why instanceof TransferStalled ? why : e;
  } finally {
    watch.stop();
  }
}

/**
 * When `signal` fires, the rest of `source` is read and dropped rather than destroyed: an ssh2
 * channel closed mid-archive leaves sshd waiting on the engine, the close is never confirmed, and
 * what ends with the archive (a source's helper container) stays. A drain that itself moves
 * nothing for `stallMs` is destroyed after all (then the source's own link is the one lost).
 */
export function dropRestOnAbort(signal: AbortSignal, source: Readable, stallMs = DEFAULT_STALL_MS): void {
  source.on('error', () => undefined);
  const drop = () => {
    source.unpipe();
    let timer: NodeJS.Timeout | null = null;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => source.destroy(), stallMs);
      timer.unref();
    };
    source.on('data', arm);
    source.once('close', () => timer && clearTimeout(timer));
    arm();
    source.resume();
  };
  if (signal.aborted) drop();
  else signal.addEventListener('abort', drop, { once: true });
}
