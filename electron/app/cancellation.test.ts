import { describe, expect, it } from 'vitest';
import { Cancellation } from './cancellation';

describe('cancellation', () => {
  it('cancels one operation by its id, or all of them; an ended one is no longer known', () => {
    const c = new Cancellation();
    const a = c.begin('op-aaaaaaaa');
    const b = c.begin('op-bbbbbbbb');
    const anon = c.begin(undefined);
    expect(c.cancel('op-aaaaaaaa')).toBe(true);
    expect(a.signal.aborted).toBe(true);
    expect(b.signal.aborted).toBe(false);
    a.end();
    // Asked before it starts (it was still checking): it starts cancelled.
    expect(c.cancel('op-dddddddd')).toBe(true);
    expect(c.begin('op-dddddddd').signal.aborted).toBe(true);
    c.cancelAll();
    expect(b.signal.aborted).toBe(true);
    expect(anon.signal.aborted).toBe(true);
    expect(c.all.aborted).toBe(true);
    // Begun after Ctrl+C: born cancelled.
    expect(c.begin('op-cccccccc').signal.aborted).toBe(true);
  });
});
