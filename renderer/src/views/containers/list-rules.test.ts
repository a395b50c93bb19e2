import { describe, expect, it } from 'vitest';
import type { ContainerSummaryT } from '../../../../electron/ipc/contract';
import { naturalCompare } from '../../../../electron/shared/format';
import {
  clickSelect,
  EMPTY_SELECTION,
  groupClones,
  keepShown,
  nextSort,
  portList,
  sortRows,
} from './list-rules';

const row = (name: string, extra: Partial<ContainerSummaryT> = {}): ContainerSummaryT => ({
  engineId: 'e',
  id: name,
  name,
  image: 'img',
  command: '',
  state: 'running',
  status: '',
  createdAt: 0,
  startedAt: 0,
  ports: [],
  ...extra,
});

describe('the container list', () => {
  it('sorts names as people count', () => {
    const names = ['cache-clone-10', 'cache-clone-2', 'Cache-clone-1', 'cache'];
    expect([...names].sort(naturalCompare)).toEqual([
      'cache',
      'Cache-clone-1',
      'cache-clone-2',
      'cache-clone-10',
    ]);
  });

  it('shows a port published on IPv4 and IPv6 once', () => {
    const ports = [
      { privatePort: 6379, publicPort: 7000, ip: '0.0.0.0', type: 'tcp' },
      { privatePort: 6379, publicPort: 7000, ip: '::', type: 'tcp' },
      { privatePort: 80, type: 'tcp' },
    ];
    expect(portList({ ports })).toBe('80/tcp, 7000→6379/tcp');
  });

  it('sorts by checkpoints and newest, names breaking ties, and turns around on a second click', () => {
    const rows = [row('b-10'), row('b-2'), row('a')];
    const facts = { 'b-10': { count: 2, newestAt: 5 }, a: { count: 2, newestAt: 9 } };
    expect(sortRows(rows, { key: 'checkpoints', dir: 1 }, facts).map((r) => r.name)).toEqual([
      'b-2',
      'a',
      'b-10',
    ]);
    expect(sortRows(rows, { key: 'newest', dir: -1 }, facts).map((r) => r.name)).toEqual([
      'a',
      'b-10',
      'b-2',
    ]);
    expect(nextSort({ key: 'name', dir: 1 }, 'name')).toEqual({ key: 'name', dir: -1 });
    expect(nextSort({ key: 'name', dir: -1 }, 'image')).toEqual({ key: 'image', dir: 1 });
  });

  it('selects by click, ctrl-click and shift-click', () => {
    const order = ['a', 'b', 'c', 'd', 'e'];
    let s = clickSelect(EMPTY_SELECTION, order, 'b', { shift: false, toggle: false });
    expect([...s.ids]).toEqual(['b']);
    s = clickSelect(s, order, 'd', { shift: true, toggle: false });
    expect([...s.ids]).toEqual(['b', 'c', 'd']);
    s = clickSelect(s, order, 'c', { shift: false, toggle: true });
    expect([...s.ids].sort()).toEqual(['b', 'd']);
    // A range from the new anchor, added to what is held with ctrl.
    s = clickSelect(s, order, 'e', { shift: true, toggle: true });
    expect([...s.ids].sort()).toEqual(['b', 'c', 'd', 'e']);
    expect([...keepShown(s, ['a', 'b', 'c']).ids].sort()).toEqual(['b', 'c']);
  });
});

describe('clone groups', () => {
  it('puts clones under their source, folded until opened; an orphan stands alone', () => {
    const rows = [
      row('warm'),
      row('warm-1', { cloneOf: { sourceId: 'warm', checkpoint: 'cp' } }),
      row('warm-2', { cloneOf: { sourceId: 'warm', checkpoint: 'cp' } }),
      row('orphan-1', { cloneOf: { sourceId: 'gone', checkpoint: 'cp' } }),
    ];
    const folded = groupClones(rows, new Set());
    expect(folded.map((e) => [e.row.name, e.depth, e.clones])).toEqual([
      ['warm', 0, 2],
      ['orphan-1', 0, 0],
    ]);
    const open = groupClones(rows, new Set(['warm']));
    expect(open.map((e) => [e.row.name, e.depth])).toEqual([
      ['warm', 0],
      ['warm-1', 1],
      ['warm-2', 1],
      ['orphan-1', 0],
    ]);
  });
});
