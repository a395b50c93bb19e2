import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io';
import { printList, table } from './table';

function io(): CliIo & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return { outs, errs, out: (t) => outs.push(t), err: (t) => errs.push(t), env: {} };
}

describe('table', () => {
  it('pads columns to their widest cell and keeps a cell on one line', () => {
    expect(table(['A', 'BB'], [['xyz', 'a\nb']])).toBe('A    BB\nxyz  a ⏎ b');
  });
});

describe('printList', () => {
  const rows = [{ n: 'one' }, { n: 'two' }];
  it('prints JSON when asked, an empty list included', () => {
    const t = io();
    printList(t, { json: true, empty: 'none' }, [], ['N'], (r: { n: string }) => [r.n]);
    expect(t.outs).toEqual(['[]']);
  });
  it('prints a table, or says so where there is nothing, on stderr when a note', () => {
    const t = io();
    printList(t, { json: false }, rows, ['N'], (r) => [r.n]);
    printList(t, { json: false, empty: 'Nothing yet.', emptyToErr: true }, [], ['N'], (r: { n: string }) => [
      r.n,
    ]);
    printList(t, { json: false }, [], ['N'], (r: { n: string }) => [r.n]);
    expect(t.outs).toEqual(['N\none\ntwo', 'N']);
    expect(t.errs).toEqual(['Nothing yet.']);
  });
});
