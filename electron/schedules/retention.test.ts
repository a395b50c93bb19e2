import { describe, expect, it } from 'vitest';
import { toDelete } from './retention';

const H = 3600_000;
const now = 100 * 24 * H;
const cp = (name: string, hoursAgo: number, size = 100) => ({
  name,
  createdAt: now - hoursAgo * H,
  sizeBytes: size,
});

describe('retention', () => {
  it('keeps the newest K', () => {
    const list = [cp('a', 5), cp('b', 4), cp('c', 3), cp('d', 2), cp('e', 1)];
    expect(
      toDelete(list, { keepLast: 2, keepHourly: 0, keepDaily: 0, budgetBytes: null }, now).sort(),
    ).toEqual(['a', 'b', 'c']);
  });

  it('thins older ones to one per hour and one per day', () => {
    const list = [
      cp('now', 0.1),
      cp('h1a', 1.2),
      cp('h1b', 1.5),
      cp('h2', 2.5),
      cp('d1', 30),
      cp('d1b', 40),
      cp('d5', 24 * 5 + 1),
    ];
    const del = toDelete(list, { keepLast: 1, keepHourly: 3, keepDaily: 2, budgetBytes: null }, now);
    // hour buckets 0,1,2 keep now, h1a, h2; day buckets 0,1 keep now and d1; d5 is past 2 days
    expect(del.sort()).toEqual(['d1b', 'd5', 'h1b']);
  });

  it('stays under the disk budget by dropping the oldest, never the newest', () => {
    const list = [cp('a', 3, 500), cp('b', 2, 500), cp('c', 1, 500)];
    expect(toDelete(list, { keepLast: 3, keepHourly: 0, keepDaily: 0, budgetBytes: 1000 }, now)).toEqual([
      'a',
    ]);
    expect(
      toDelete([cp('huge', 1, 10_000)], { keepLast: 3, keepHourly: 0, keepDaily: 0, budgetBytes: 10 }, now),
    ).toEqual([]);
  });
});
