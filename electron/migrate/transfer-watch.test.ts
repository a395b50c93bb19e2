import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { dropRestOnAbort, TransferStalled, watchTransfer } from './transfer-watch';

describe('transfer watch', () => {
  it('counts what passes and stays quiet while bytes keep moving', async () => {
    let n = 0;
    const w = watchTransfer((b) => (n += b), 100);
    const src = new PassThrough();
    src.pipe(w.meter).resume();
    for (let i = 0; i < 5; i++) {
      src.write(Buffer.alloc(10));
      await new Promise((r) => setTimeout(r, 40));
    }
    src.end();
    await new Promise((r) => w.meter.once('end', r));
    w.stop();
    expect(n).toBe(50);
    expect(w.signal.aborted).toBe(false);
  });

  it('gives up a transfer that moves nothing for its time, and signals the requests to end', async () => {
    const w = watchTransfer(() => undefined, 50);
    const errored = new Promise<unknown>((r) => w.meter.once('error', r));
    new PassThrough().pipe(w.meter);
    const e = await errored;
    expect(e).toBeInstanceOf(TransferStalled);
    expect(w.signal.aborted).toBe(true);
    expect(w.signal.reason).toBe(e);
    expect((e as Error).message).toMatch(/no data moved for 0 s/);
  });

  it("follows the user's cancel too", () => {
    const outer = new AbortController();
    const w = watchTransfer(() => undefined, 10_000, outer.signal);
    outer.abort();
    expect(w.signal.aborted).toBe(true);
    w.stop();
  });
});

describe('transfer watch, one side failing', () => {
  it('abort ends the meter and signals the other request at once', () => {
    const w = watchTransfer(() => undefined, 10_000);
    const e = new Error('the target refused');
    w.abort(e);
    expect(w.signal.reason).toBe(e);
    expect(w.meter.destroyed).toBe(true);
  });
});

describe('a source whose transfer was given up', () => {
  it('is read to its end and dropped, not destroyed (its end is what removes its helper)', async () => {
    const abort = new AbortController();
    const src = new PassThrough();
    const dst = new PassThrough({ highWaterMark: 4 });
    src.pipe(dst);
    dropRestOnAbort(abort.signal, src, 1_000);
    src.write(Buffer.alloc(64));
    dst.destroy();
    abort.abort();
    for (let i = 0; i < 10; i++) src.write(Buffer.alloc(1024));
    src.end();
    await new Promise((r) => src.once('close', r));
    // Ended (all of it read), not cut short: a destroyed stream never ends.
    expect(src.readableEnded).toBe(true);
  });

  it('is destroyed after all when the drain itself moves nothing', async () => {
    const abort = new AbortController();
    abort.abort();
    const src = new PassThrough();
    dropRestOnAbort(abort.signal, src, 30);
    await new Promise((r) => src.once('close', r));
    expect(src.destroyed).toBe(true);
    expect(src.readableEnded).toBe(false);
  });
});
