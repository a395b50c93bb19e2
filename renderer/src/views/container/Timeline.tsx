import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { CheckpointRecordT } from '../../../../electron/ipc/contract';
import { ago, bytes, millis } from '../../../../electron/shared/format';
import { moveIndex } from '../../keys';
import { TimelineOverview } from './TimelineOverview';
import {
  clusterMarkers,
  fitSpan,
  panSpan,
  PILL_PAD,
  placeLabels,
  showTime,
  textWidth,
  timeTicks,
  zoomSpan,
  type Span,
} from './timeline-layout';

const W = 1000;
const H = 132;
const PAD = 24;
const AXIS_Y = 66;
const LABEL_ROWS = [AXIS_Y - 22, AXIS_Y - 40];
const SIZE_Y = AXIS_Y + 34;
const TICK_Y = AXIS_Y + 58;

function radius(size: number | null): number {
  if (!size) return 6;
  return Math.max(5, Math.min(14, 4 + Math.log2(size / 65536 + 1) * 1.6));
}

function timeLabel(t: number): string {
  return new Date(t).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

const short = (name: string) => (name.length > 22 ? `${name.slice(0, 21)}…` : name);

/**
 * A container's checkpoints on a time axis. Round time ticks fit the window shown; the wheel, the
 * keyboard (+ − 0, Shift+arrows) and the overview strip below zoom and pan; markers too close to
 * tell apart gather into a cluster with a count (a click zooms into it); labels never overlap (one
 * with no room is left out — the marker still names itself). Each marker is sized by the
 * checkpoint's size, written under it where there is room; missing ones are hollow. Left/Right,
 * Home/End move between checkpoints.
 */
export function Timeline(props: {
  checkpoints: CheckpointRecordT[];
  containerCreatedAt: number;
  now: number;
  selected: string | null;
  onSelect: (name: string) => void;
  /** Scheduled runs that failed, drawn as crosses below the axis. */
  failures?: { at: number; message: string }[];
  /** Stretches where a schedule should have made checkpoints and did not. */
  gaps?: { from: number; to: number }[];
}) {
  const { checkpoints, now } = props;
  const sorted = useMemo(() => [...checkpoints].sort((a, b) => a.createdAt - b.createdAt), [checkpoints]);
  const failures = props.failures ?? [];
  const gaps = props.gaps ?? [];
  const whole = fitSpan(
    [props.containerCreatedAt || now, ...sorted.map((c) => c.createdAt), ...failures.map((f) => f.at)],
    now,
  );
  // null: the whole history, growing with it; otherwise the window the user zoomed to.
  const [zoomed, setZoomed] = useState<Span | null>(null);
  const view = zoomed ? panSpan(zoomed, 0, whole) : whole;
  const len = view.to - view.from;
  const x = (t: number) => PAD + ((W - 2 * PAD) * (t - view.from)) / len;
  const selectedIndex = sorted.findIndex((c) => c.name === props.selected);
  const focusIndex = selectedIndex >= 0 ? selectedIndex : sorted.length - 1;

  const svgRef = useRef<SVGSVGElement>(null);
  const figureRef = useRef<HTMLElement>(null);
  const wantFocus = useRef(false);

  // Only what is in the window is drawn: a thousand checkpoints cost what the visible ones cost.
  const layout = useMemo(() => {
    const lo = sorted.findIndex((c) => c.createdAt >= view.from);
    const first = lo === -1 ? sorted.length : lo;
    let last = first;
    while (last < sorted.length && sorted[last]!.createdAt <= view.to) last++;
    const visible = sorted.slice(first, last);
    const xs = visible.map((c) => PAD + ((W - 2 * PAD) * (c.createdAt - view.from)) / len);
    const clusters = clusterMarkers(xs).map((c) => ({
      ...c,
      members: visible.slice(c.first, c.last + 1),
      first: c.first + first,
      last: c.last + first,
    }));
    const labels = placeLabels(
      clusters.map((c) => {
        const text = c.members.length === 1 ? short(c.members[0]!.name) : `${c.members.length} checkpoints`;
        return { item: { key: c.first, text }, x: (c.x0 + c.x1) / 2, width: textWidth(text) };
      }),
      LABEL_ROWS.length,
      { left: 2, right: W - 2 },
    );
    const sizes = placeLabels(
      clusters
        .filter((c) => c.members.length === 1 && c.members[0]!.sizeBytes)
        .map((c) => {
          const text = bytes(c.members[0]!.sizeBytes!);
          return { item: { key: c.first, text }, x: c.x0, width: textWidth(text, 10) };
        }),
      1,
      { left: 2, right: W - 2 },
    );
    return {
      clusters,
      labels: new Map(labels.map((l) => [l.item.key, l])),
      sizes: new Map(sizes.map((l) => [l.item.key, l])),
    };
  }, [sorted, view.from, view.to, len]);

  const ticks = timeTicks(view, W - 2 * PAD);
  const holderShown = layout.clusters.some((c) => focusIndex >= c.first && focusIndex <= c.last);

  // Wheel: zoom around the pointer; sideways (or with Shift): pan. Not passive, so the page stays put.
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const box = svg.getBoundingClientRect();
      const px = ((e.clientX - box.left) / box.width) * W;
      const sideways = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
      setZoomed((z) => {
        const v = z ? panSpan(z, 0, whole) : whole;
        const l = v.to - v.from;
        if (sideways) return panSpan(v, ((e.deltaX || e.deltaY) / 1000) * l, whole);
        const at = v.from + ((px - PAD) / (W - 2 * PAD)) * l;
        return zoomSpan(v, e.deltaY > 0 ? 1.25 : 0.8, at, whole);
      });
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  });

  // A checkpoint chosen anywhere (the list below, a key) is brought into the window: adjusted while
  // rendering, as React advises for state that follows a prop.
  const [shownFor, setShownFor] = useState(props.selected);
  if (shownFor !== props.selected) {
    setShownFor(props.selected);
    const c = sorted[selectedIndex];
    if (c && zoomed) setZoomed(showTime(view, c.createdAt, whole));
  }
  useEffect(() => {
    if (!wantFocus.current) return;
    wantFocus.current = false;
    // The selected one may be out of the window: then the timeline itself keeps the keys.
    (figureRef.current?.querySelector<SVGGElement>('[data-holds-selected]') ?? figureRef.current)?.focus();
  }, [props.selected, zoomed]);

  const select = (name: string) => {
    wantFocus.current = true;
    props.onSelect(name);
  };

  // Keys may come faster than renders: each change starts from the latest window, not this render's.
  // The element holding the focus may be redrawn (a cluster splits, it leaves the window): the
  // focus follows to the new one, or to the timeline itself.
  const change = (fn: (v: Span) => Span | null) => {
    wantFocus.current = Boolean(figureRef.current?.contains(document.activeElement));
    setZoomed((z) => fn(z ? panSpan(z, 0, whole) : whole));
  };
  const onKey = (e: KeyboardEvent) => {
    const at = sorted[focusIndex]?.createdAt;
    const around = (v: Span) => at ?? v.from + (v.to - v.from) / 2;
    const pan = (dir: number) => (v: Span) => panSpan(v, dir * 0.25 * (v.to - v.from), whole);
    if (e.key === '+' || e.key === '=') change((v) => zoomSpan(v, 0.5, around(v), whole));
    else if (e.key === '-' || e.key === '_') change((v) => zoomSpan(v, 2, around(v), whole));
    else if (e.key === '0') change(() => null);
    else if (e.shiftKey && e.key === 'ArrowLeft') change(pan(-1));
    else if (e.shiftKey && e.key === 'ArrowRight') change(pan(1));
    else {
      const to = moveIndex(e.key, focusIndex, sorted.length, 'horizontal');
      if (to === null) return;
      const target = sorted[to];
      if (target) select(target.name);
    }
    e.preventDefault();
  };

  const zoomInto = (from: number, to: number) => {
    const pad = Math.max(1000, (to - from) * 0.3);
    setZoomed(zoomSpan({ from: from - pad, to: to + pad }, 1, (from + to) / 2, whole));
  };

  const created = props.containerCreatedAt;
  return (
    <figure
      className="timeline"
      aria-label="Checkpoint timeline"
      ref={figureRef}
      onKeyDown={onKey}
      tabIndex={holderShown ? -1 : 0}
      data-zoomed={zoomed ? 'yes' : 'no'}
    >
      <svg
        ref={svgRef}
        viewBox={`0 0 ${W} ${H}`}
        role="group"
        aria-label={`${sorted.length} checkpoints over time; + and − zoom, 0 shows all, Shift+arrows pan`}
        onDoubleClick={(e) => {
          if (e.target === e.currentTarget) setZoomed(null);
        }}
      >
        <line x1={PAD} y1={AXIS_Y} x2={W - PAD} y2={AXIS_Y} className="timeline-axis" />
        {ticks.map((t) => (
          <g key={t.t} className="timeline-time">
            <line x1={x(t.t)} y1={AXIS_Y + 4} x2={x(t.t)} y2={TICK_Y - 12} />
            <text x={x(t.t)} y={TICK_Y} textAnchor="middle">
              {t.label}
            </text>
          </g>
        ))}
        {gaps.map((g) => (
          <rect
            key={`gap-${g.from}`}
            className="timeline-gap"
            x={x(g.from)}
            y={AXIS_Y - 6}
            width={Math.max(2, x(g.to) - x(g.from))}
            height={12}
          >
            <title>{`No scheduled checkpoint for ${Math.round((g.to - g.from) / 1000)} s`}</title>
          </rect>
        ))}
        {failures
          .filter((f) => f.at >= view.from && f.at <= view.to)
          .map((f) => (
            <g key={`fail-${f.at}`} className="timeline-failure" data-failure>
              <title>{`Scheduled checkpoint failed: ${f.message}`}</title>
              <path d={`M${x(f.at) - 5} ${AXIS_Y + 12} l10 10 m0 -10 l-10 10`} />
            </g>
          ))}
        {created > view.from && created < view.to && (
          <line x1={x(created)} y1={AXIS_Y - 8} x2={x(created)} y2={AXIS_Y + 8} className="timeline-tick" />
        )}
        {now < view.to && (
          <line x1={x(now)} y1={AXIS_Y - 8} x2={x(now)} y2={AXIS_Y + 8} className="timeline-tick now" />
        )}
        {layout.clusters.map((c) => {
          const label = layout.labels.get(c.first);
          const holdsSelected = focusIndex >= c.first && focusIndex <= c.last;
          const labelText = label && (
            <text
              x={(label.left + label.right) / 2}
              y={LABEL_ROWS[label.row]}
              textAnchor="middle"
              className="marker-label"
              data-label
            >
              {label.item.text}
            </text>
          );
          if (c.members.length > 1) {
            const from = c.members[0]!;
            const to = c.members[c.members.length - 1]!;
            return (
              <g
                key={`cluster-${from.name}`}
                className={`marker cluster ${holdsSelected && props.selected ? 'selected' : ''}`}
                data-cluster={c.members.length}
                data-holds-selected={holdsSelected || undefined}
                role="button"
                tabIndex={holdsSelected ? 0 : -1}
                aria-label={`${c.members.length} checkpoints, ${timeLabel(from.createdAt)} to ${timeLabel(to.createdAt)}: zoom in`}
                onClick={() => zoomInto(from.createdAt, to.createdAt)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    e.stopPropagation();
                    zoomInto(from.createdAt, to.createdAt);
                  }
                }}
              >
                <title>{`${c.members.length} checkpoints, ${from.name} … ${to.name}`}</title>
                <rect
                  x={c.x0 - PILL_PAD}
                  y={AXIS_Y - 10}
                  width={c.x1 - c.x0 + 2 * PILL_PAD}
                  height={20}
                  rx={10}
                  className="cluster-pill"
                />
                <text x={(c.x0 + c.x1) / 2} y={AXIS_Y + 4} textAnchor="middle" className="cluster-count">
                  {c.members.length}
                </text>
                {labelText}
              </g>
            );
          }
          const cp = c.members[0]!;
          const r = radius(cp.sizeBytes);
          const selected = cp.name === props.selected;
          const size = layout.sizes.get(c.first);
          return (
            <g
              key={cp.name}
              data-marker={cp.name}
              data-holds-selected={holdsSelected || undefined}
              className={`marker origin-${cp.origin} ${cp.status} ${selected ? 'selected' : ''}`}
              role="button"
              tabIndex={holdsSelected ? 0 : -1}
              aria-pressed={selected}
              aria-label={`${cp.name}, ${timeLabel(cp.createdAt)}, ${cp.sizeBytes ? bytes(cp.sizeBytes) : 'size unknown'}${cp.status === 'missing' ? ', missing' : ''}`}
              onClick={() => select(cp.name)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  e.stopPropagation();
                  select(cp.name);
                }
              }}
            >
              <title>{`${cp.name} · ${ago(cp.createdAt, now)}${cp.sizeBytes ? ` · ${bytes(cp.sizeBytes)}` : ''}${cp.durationMs ? ` · took ${millis(cp.durationMs)}` : ''}`}</title>
              <circle cx={c.x0} cy={AXIS_Y} r={r + (selected ? 4 : 0)} className="marker-halo" />
              <circle cx={c.x0} cy={AXIS_Y} r={r} className="marker-dot" />
              {labelText}
              {size && (
                <text x={(size.left + size.right) / 2} y={SIZE_Y} textAnchor="middle" className="marker-size">
                  {size.item.text}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <TimelineOverview
        times={sorted.map((c) => c.createdAt)}
        whole={whole}
        shown={zoomed ? view : null}
        onCentre={(t) => setZoomed(panSpan(view, t - (view.from + len / 2), whole))}
        onRange={(a, b) => setZoomed(zoomSpan({ from: a, to: b }, 1, (a + b) / 2, whole))}
      />
      <figcaption className="timeline-scale">
        <span>{timeLabel(view.from)}</span>
        <span className="legend">
          <span className="legend-item origin-manual">manual</span>
          <span className="legend-item origin-scheduled">scheduled</span>
          <span className="legend-item origin-external">made elsewhere</span>
          <span className="legend-item missing">missing</span>
          {failures.length > 0 && <span className="legend-item failed">failed run</span>}
          {zoomed && (
            <button type="button" className="link" onClick={() => setZoomed(null)}>
              Show all <kbd>0</kbd>
            </button>
          )}
        </span>
        <span>{zoomed && view.to < now - 1000 ? timeLabel(view.to) : 'now'}</span>
      </figcaption>
    </figure>
  );
}
