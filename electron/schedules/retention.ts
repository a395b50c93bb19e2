// Which scheduled checkpoints to delete: keep the newest K, the newest of each of the last H
// hours and D days, and stay under the disk budget by dropping the oldest. Manual checkpoints are
// never the schedule's to delete. Pure, so every rule is unit-tested.
export interface Retained {
  name: string;
  createdAt: number;
  sizeBytes: number | null;
}

export interface RetentionRules {
  keepLast: number;
  keepHourly: number;
  keepDaily: number;
  budgetBytes: number | null;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export function toDelete(checkpoints: Retained[], rules: RetentionRules, now: number): string[] {
  const newestFirst = [...checkpoints].sort((a, b) => b.createdAt - a.createdAt);
  const keep = new Set(newestFirst.slice(0, rules.keepLast).map((c) => c.name));
  const bucketKeep = (span: number, count: number) => {
    const seen = new Set<number>();
    for (const c of newestFirst) {
      const bucket = Math.floor((now - c.createdAt) / span);
      if (bucket < count && !seen.has(bucket)) {
        seen.add(bucket);
        keep.add(c.name);
      }
    }
  };
  bucketKeep(HOUR, rules.keepHourly);
  bucketKeep(DAY, rules.keepDaily);
  if (rules.budgetBytes !== null) {
    let total = newestFirst.filter((c) => keep.has(c.name)).reduce((n, c) => n + (c.sizeBytes ?? 0), 0);
    // Oldest first out; the newest always stays, whatever its size.
    for (const c of [...newestFirst].reverse()) {
      if (total <= rules.budgetBytes) break;
      if (!keep.has(c.name) || c.name === newestFirst[0]?.name) continue;
      keep.delete(c.name);
      total -= c.sizeBytes ?? 0;
    }
  }
  return newestFirst.filter((c) => !keep.has(c.name)).map((c) => c.name);
}
