import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readJsonLines } from './json-lines';

describe('JSON lines from the event stream', () => {
  it('reassembles objects split across chunks', async () => {
    const s = new PassThrough();
    const out: unknown[] = [];
    const done = (async () => {
      for await (const v of readJsonLines(s)) out.push(v);
    })();
    s.write('{"a":1}\n{"b"');
    s.write(':2}\n\n{"c":');
    s.end('3}');
    await done;
    expect(out).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  it('stops when aborted', async () => {
    const s = new PassThrough();
    const ac = new AbortController();
    const out: unknown[] = [];
    const done = (async () => {
      try {
        for await (const v of readJsonLines(s, ac.signal)) out.push(v);
      } catch {
        /* destroyed */
      }
    })();
    s.write('{"a":1}\n');
    await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await done;
    expect(out).toEqual([{ a: 1 }]);
  });
});
