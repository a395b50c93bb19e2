import { describe, expect, it } from 'vitest';
import type { LibraryEntryT } from '../../../../electron/ipc/contract';
import { AGES, diskUse, filterEntries, NO_FILTER, sortEntries } from './library-rules';

const NOW = 1_800_000_000_000;
function entry(name: string, o: Partial<LibraryEntryT> = {}): LibraryEntryT {
  return {
    engineId: 'a',
    containerId: 'c'.repeat(64),
    containerName: 'redis',
    image: 'redis',
    name,
    createdAt: NOW - AGES.hour / 2,
    mode: 'running',
    origin: 'manual',
    note: '',
    status: 'present',
    sizeBytes: 100,
    pagesBytes: null,
    pagesDumped: null,
    processes: null,
    durationMs: null,
    criuStats: null,
    kept: 'engine',
    ...o,
  };
}

describe('the library', () => {
  const all = [
    entry('new'),
    entry('old', { createdAt: NOW - 2 * AGES.week, engineId: 'b', sizeBytes: 5000, origin: 'scheduled' }),
    entry('gone', { kept: 'gone', status: 'missing', containerName: 'job', sizeBytes: 70 }),
    entry('kept', { kept: 'archive', status: 'missing', engineId: 'b', containerName: 'pi', sizeBytes: 10 }),
  ];

  it('filters by engine, container, origin, age and where it is kept', () => {
    const names = (f: Partial<typeof NO_FILTER>) =>
      filterEntries(all, { ...NO_FILTER, ...f }, NOW).map((e) => e.name);
    expect(names({})).toEqual(['new', 'old', 'gone', 'kept']);
    expect(names({ engineId: 'b' })).toEqual(['old', 'kept']);
    expect(names({ container: 'PI' })).toEqual(['kept']);
    expect(names({ origin: 'scheduled' })).toEqual(['old']);
    expect(names({ age: 'day' })).toEqual(['new', 'gone', 'kept']);
    expect(names({ age: 'older' })).toEqual(['old']);
    expect(names({ kept: 'gone' })).toEqual(['gone']);
  });

  it('sorts by size and by age, either way', () => {
    expect(sortEntries(all, { key: 'size', dir: 'desc' }).map((e) => e.name)).toEqual([
      'old',
      'new',
      'gone',
      'kept',
    ]);
    expect(sortEntries(all, { key: 'age', dir: 'asc' }).map((e) => e.name)[3]).toBe('old');
  });

  it('counts the disk used per engine and in all, leaving out what nothing keeps', () => {
    expect(diskUse(all)).toEqual({
      perEngine: [
        { engineId: 'b', bytes: 5010, count: 2 },
        { engineId: 'a', bytes: 100, count: 1 },
      ],
      total: 5110,
    });
  });
});
