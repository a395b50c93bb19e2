// The timeline's pure geometry: the window of time shown (zoom and pan), time ticks that fit it,
// markers close together gathered into clusters, and labels placed so that no two overlap.

export interface Span {
  from: number;
  to: number;
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
/** Steps a person reads at a glance. */
const STEPS = [
  S,
  2 * S,
  5 * S,
  10 * S,
  15 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  D,
  2 * D,
  7 * D,
  14 * D,
  30 * D,
  90 * D,
  365 * D,
];
/** The narrowest window: two seconds. */
export const MIN_SPAN = 2 * S;

/** The whole history, a little padded so the first and last markers are not on the edge. */
export function fitSpan(times: number[], now: number): Span {
  const from = Math.min(now, ...times);
  const to = Math.max(now, ...times);
  const pad = Math.max(500, (to - from) * 0.03);
  return { from: from - pad, to: to + pad };
}

/** Zoomed by `factor` (< 1 zooms in) around `at`, kept within the whole history. */
export function zoomSpan(v: Span, factor: number, at: number, whole: Span): Span {
  const wholeLen = whole.to - whole.from;
  const len = Math.min(wholeLen, Math.max(MIN_SPAN, (v.to - v.from) * factor));
  const ratio = (at - v.from) / (v.to - v.from || 1);
  return clampSpan({ from: at - ratio * len, to: at - ratio * len + len }, whole);
}

export function panSpan(v: Span, by: number, whole: Span): Span {
  return clampSpan({ from: v.from + by, to: v.to + by }, whole);
}

/** The same length, moved just enough to show `t`. */
export function showTime(v: Span, t: number, whole: Span): Span {
  const len = v.to - v.from;
  if (t >= v.from + len * 0.05 && t <= v.to - len * 0.05) return v;
  return clampSpan({ from: t - len / 2, to: t + len / 2 }, whole);
}

function clampSpan(v: Span, whole: Span): Span {
  const len = Math.min(v.to - v.from, whole.to - whole.from);
  const from = Math.min(Math.max(v.from, whole.from), whole.to - len);
  return { from, to: from + len };
}

export interface Tick {
  t: number;
  label: string;
}

/** Ticks at a round step, at least `minGap` of `width` apart, labelled as precisely as the step needs. */
export function timeTicks(v: Span, width: number, minGap = 110): Tick[] {
  const len = v.to - v.from;
  const step = STEPS.find((s) => (s / len) * width >= minGap) ?? STEPS[STEPS.length - 1]!;
  // Round steps fall on round local times (midnight for days), not on the epoch's.
  const offset = step >= D ? new Date(v.from).getTimezoneOffset() * M : 0;
  const first = Math.ceil((v.from - offset) / step) * step + offset;
  const out: Tick[] = [];
  for (let t = first; t <= v.to && out.length < 200; t += step) out.push({ t, label: tickLabel(t, step) });
  return out;
}

function tickLabel(t: number, step: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}`;
  if (step < M) return `${hm}:${p(d.getSeconds())}`;
  if (step < D) return d.getHours() === 0 && d.getMinutes() === 0 ? dayLabel(d) : hm;
  return dayLabel(d);
}

function dayLabel(d: Date): string {
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** Markers closer than this gather; a cluster's pill reaches less than half of it past its ends. */
export const CLUSTER_NEAR = 18;
export const PILL_PAD = 6;

export interface Cluster {
  /** Indices into the markers, in order. */
  first: number;
  last: number;
  x0: number;
  x1: number;
}

/**
 * Markers (x ascending) closer than `near` to the one before gather into one cluster, which
 * grows at most `wide` across: crowded stretches read as counts, not as a smear of dots.
 */
export function clusterMarkers(xs: number[], near = CLUSTER_NEAR, wide = 48): Cluster[] {
  const out: Cluster[] = [];
  xs.forEach((x, i) => {
    const c = out[out.length - 1];
    if (c && x - c.x1 < near && x - c.x0 <= wide) {
      c.last = i;
      c.x1 = x;
    } else out.push({ first: i, last: i, x0: x, x1: x });
  });
  return out;
}

export interface Placed<T> {
  item: T;
  row: number;
  left: number;
  right: number;
}

/**
 * Labels centred on their x, put in the first row where they touch nothing; one that fits no row
 * is left out (its marker still names itself on hover and to screen readers).
 */
export function placeLabels<T>(
  items: { item: T; x: number; width: number }[],
  rows: number,
  bounds: { left: number; right: number },
  gap = 8,
): Placed<T>[] {
  const ends: number[] = Array.from({ length: rows }, () => -Infinity);
  const out: Placed<T>[] = [];
  for (const it of items) {
    const left = Math.max(bounds.left, Math.min(bounds.right - it.width, it.x - it.width / 2));
    const right = left + it.width;
    const row = ends.findIndex((end) => left >= end + gap);
    if (row === -1) continue;
    ends[row] = right;
    out.push({ item: it.item, row, left, right });
  }
  return out;
}

/** A label's width in the timeline's units: generous, so a placed label never overlaps another. */
export function textWidth(text: string, fontSize = 11): number {
  return text.length * fontSize * 0.62 + 4;
}
