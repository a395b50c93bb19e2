import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TransferStalled, watchTransfer } from './transfer-watch';

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
