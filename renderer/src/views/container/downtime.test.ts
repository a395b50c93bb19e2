import { describe, expect, it } from 'vitest';
import { downtimeShort, downtimeText } from './downtime';

const stats = (frozenUs: number | null) => ({
  freezingUs: 1000,
  frozenUs,
  memdumpUs: null,
  memwriteUs: null,
  pagesScanned: null,
  pagesSkippedParent: null,
  pagesWritten: null,
});

describe('downtime', () => {
  it("uses CRIU's count of the freeze where the engine kept it", () => {
    const r = { mode: 'running' as const, durationMs: 1200, criuStats: stats(71_000) };
    expect(downtimeShort(r)).toBe('71 ms');
    expect(downtimeText(r)).toBe("frozen 71 ms (CRIU's own count)");
  });
  it("otherwise bounds it by the app's measurement of the whole call", () => {
    const r = { mode: 'running' as const, durationMs: 750, criuStats: null };
    expect(downtimeShort(r)).toBe('≤ 750 ms');
    expect(downtimeText(r)).toMatch(/^at most 750 ms: the engine does not report the freeze/);
  });
  it('says a stopped container stays stopped, and what it knows of made-elsewhere ones', () => {
    expect(downtimeShort({ mode: 'stopped', durationMs: 400, criuStats: null })).toBe('stopped');
    expect(downtimeText({ mode: 'stopped', durationMs: 400, criuStats: stats(50_000) })).toBe(
      "frozen 50 ms (CRIU's own count), then stopped: it does not run again until a checkpoint is restored",
    );
    expect(downtimeText({ mode: 'unknown', durationMs: null, criuStats: null })).toBe(
      'not known (made elsewhere)',
    );
  });
});
