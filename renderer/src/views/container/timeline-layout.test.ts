import { describe, expect, it } from 'vitest';
import {
  clusterMarkers,
  fitSpan,
  MIN_SPAN,
  panSpan,
  placeLabels,
  showTime,
  timeTicks,
  zoomSpan,
} from './timeline-layout';

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

describe('the timeline window', () => {
  const whole = fitSpan([T0, T0 + 3_600_000], T0 + 3_600_000);
  it('fits the history with a margin, zooms around a point, pans within it', () => {
    expect(whole.from).toBeLessThan(T0);
    expect(whole.to).toBeGreaterThan(T0 + 3_600_000);
    const z = zoomSpan(whole, 0.5, T0 + 1_800_000, whole);
    expect(z.to - z.from).toBeCloseTo((whole.to - whole.from) / 2);
    expect(z.from).toBeLessThan(T0 + 1_800_000);
    expect(z.to).toBeGreaterThan(T0 + 1_800_000);
    // Never narrower than two seconds, never wider than the whole, never outside it.
    let tiny = z;
    for (let i = 0; i < 40; i++) tiny = zoomSpan(tiny, 0.1, T0, whole);
    expect(tiny.to - tiny.from).toBe(MIN_SPAN);
    expect(zoomSpan(z, 10, T0, whole)).toEqual(whole);
    expect(panSpan(z, -10 * 3_600_000, whole).from).toBe(whole.from);
    expect(panSpan(z, 10 * 3_600_000, whole).to).toBe(whole.to);
    // Brought into view only when outside it.
    expect(showTime(z, z.from + (z.to - z.from) / 2, whole)).toBe(z);
    const moved = showTime(z, whole.from + 1000, whole);
    expect(moved.from).toBe(whole.from);
  });

  it('puts ticks at round times that fit the width', () => {
    const minute = timeTicks({ from: T0, to: T0 + 60_000 }, 1000);
    expect(minute.length).toBeGreaterThanOrEqual(4);
    expect(minute.length).toBeLessThanOrEqual(10);
    for (const t of minute) expect(t.t % 5000).toBe(0);
    expect(minute[0]!.label).toMatch(/^\d\d:\d\d:\d\d$/);
    const day = timeTicks({ from: T0, to: T0 + 86_400_000 }, 1000);
    for (const t of day) expect(t.t % 3_600_000).toBe(0);
    for (let i = 1; i < day.length; i++)
      expect(day[i]!.t - day[i - 1]!.t).toBeGreaterThanOrEqual(3 * 3_600_000);
  });
});

describe('crowded markers and their labels', () => {
  it('gathers close markers into clusters no wider than allowed', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 + i * 4);
    const cs = clusterMarkers(xs, 14, 48);
    expect(cs.reduce((n, c) => n + c.last - c.first + 1, 0)).toBe(100);
    for (const c of cs) expect(c.x1 - c.x0).toBeLessThanOrEqual(48);
    for (let i = 1; i < cs.length; i++) expect(cs[i]!.first).toBe(cs[i - 1]!.last + 1);
    expect(clusterMarkers([10, 100, 200]).map((c) => c.last - c.first)).toEqual([0, 0, 0]);
  });

  it('never lets two placed labels touch, in any row', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({
      item: i,
      x: (i * 37) % 1000,
      width: 40 + (i % 7) * 10,
    }));
    items.sort((a, b) => a.x - b.x);
    const placed = placeLabels(items, 2, { left: 0, right: 1000 });
    expect(placed.length).toBeGreaterThan(10);
    for (const a of placed)
      for (const b of placed)
        if (a !== b && a.row === b.row) expect(a.right <= b.left || b.right <= a.left).toBe(true);
    for (const p of placed) {
      expect(p.left).toBeGreaterThanOrEqual(0);
      expect(p.right).toBeLessThanOrEqual(1000);
    }
  });
});
