// The library's pure rules: which checkpoints a filter keeps, their order, and the disk they use.
import type { LibraryEntryT } from '../../../../electron/ipc/contract';
import { naturalCompare } from '../../../../electron/shared/format';

export const AGES = { any: Infinity, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
export type Age = keyof typeof AGES | 'older';

export interface LibraryFilter {
  engineId: string; // '' = every engine
  container: string; // part of the name or id
  origin: LibraryEntryT['origin'] | '';
  age: Age;
  kept: LibraryEntryT['kept'] | '';
}

export const NO_FILTER: LibraryFilter = { engineId: '', container: '', origin: '', age: 'any', kept: '' };

export function entryKey(e: Pick<LibraryEntryT, 'engineId' | 'containerId' | 'name'>): string {
  return `${e.engineId}/${e.containerId}/${e.name}`;
}

export function filterEntries(all: LibraryEntryT[], f: LibraryFilter, now: number): LibraryEntryT[] {
  const needle = f.container.trim().toLowerCase();
  return all.filter((e) => {
    if (f.engineId && e.engineId !== f.engineId) return false;
    if (f.origin && e.origin !== f.origin) return false;
    if (f.kept && e.kept !== f.kept) return false;
    if (needle && !e.containerName.toLowerCase().includes(needle) && !e.containerId.startsWith(needle))
      return false;
    const age = now - e.createdAt;
    return f.age === 'older' ? age > AGES.week : age <= AGES[f.age];
  });
}

export type LibrarySort = { key: 'age' | 'size' | 'container'; dir: 'asc' | 'desc' };

export function sortEntries(rows: LibraryEntryT[], s: LibrarySort): LibraryEntryT[] {
  const sign = s.dir === 'asc' ? 1 : -1;
  const by = (e: LibraryEntryT): number | string =>
    s.key === 'size' ? (e.sizeBytes ?? -1) : s.key === 'age' ? -e.createdAt : e.containerName;
  return [...rows].sort((a, b) => {
    const x = by(a);
    const y = by(b);
    const c = typeof x === 'string' ? naturalCompare(x, y as string) : x - (y as number);
    return sign * c || b.createdAt - a.createdAt;
  });
}

/** Bytes on disk per engine (only what is still kept somewhere), largest first, and the total. */
export function diskUse(rows: LibraryEntryT[]): {
  perEngine: { engineId: string; bytes: number; count: number }[];
  total: number;
} {
  const per = new Map<string, { engineId: string; bytes: number; count: number }>();
  for (const e of rows) {
    if (e.kept === 'gone') continue;
    const p = per.get(e.engineId) ?? { engineId: e.engineId, bytes: 0, count: 0 };
    p.bytes += e.sizeBytes ?? 0;
    p.count += 1;
    per.set(e.engineId, p);
  }
  const perEngine = [...per.values()].sort((a, b) => b.bytes - a.bytes);
  return { perEngine, total: perEngine.reduce((n, p) => n + p.bytes, 0) };
}
