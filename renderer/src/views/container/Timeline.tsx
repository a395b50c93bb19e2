import { useMemo, type KeyboardEvent } from 'react';
import type { CheckpointRecordT } from '../../../../electron/ipc/contract';
import { ago, bytes, millis } from '../../../../electron/shared/format';
import { moveIndex } from '../../keys';

const W = 1000;
const H = 86;
const PAD = 28;
const AXIS_Y = 48;

function radius(size: number | null): number {
  if (!size) return 6;
  return Math.max(5, Math.min(14, 4 + Math.log2(size / 65536 + 1) * 1.6));
}

function timeLabel(t: number): string {
  const d = new Date(t);
  return d.toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/**
 * A container's checkpoints on a time axis, from its creation to now. Each marker is sized by the
 * checkpoint's size and colored by its origin; missing ones are hollow. Markers are focusable;
 * Left/Right move between them.
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
  const start = Math.min(
    props.containerCreatedAt || now,
    ...sorted.map((c) => c.createdAt),
    ...failures.map((f) => f.at),
  );
  const end = Math.max(now, ...sorted.map((c) => c.createdAt));
  const span = Math.max(1, end - start);
  const x = (t: number) => PAD + ((W - 2 * PAD) * (t - start)) / span;

  const onKey = (e: KeyboardEvent, index: number) => {
    const to = moveIndex(e.key, index, sorted.length, 'horizontal');
    if (to === null) return;
    e.preventDefault();
    const target = sorted[to];
    if (target) {
      props.onSelect(target.name);
      const el = (e.currentTarget.parentNode as SVGElement | null)?.querySelector<SVGGElement>(
        `[data-marker="${CSS.escape(target.name)}"]`,
      );
      el?.focus();
    }
  };

  return (
    <figure className="timeline" aria-label="Checkpoint timeline">
      <svg viewBox={`0 0 ${W} ${H}`} role="group" aria-label={`${sorted.length} checkpoints over time`}>
        <line x1={PAD} y1={AXIS_Y} x2={W - PAD} y2={AXIS_Y} className="timeline-axis" />
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
        {failures.map((f) => (
          <g key={`fail-${f.at}`} className="timeline-failure" data-failure>
            <title>{`Scheduled checkpoint failed: ${f.message}`}</title>
            <path d={`M${x(f.at) - 5} ${AXIS_Y + 14} l10 10 m0 -10 l-10 10`} />
          </g>
        ))}
        <line
          x1={x(props.containerCreatedAt || start)}
          y1={AXIS_Y - 8}
          x2={x(props.containerCreatedAt || start)}
          y2={AXIS_Y + 8}
          className="timeline-tick"
        />
        <line x1={x(now)} y1={AXIS_Y - 8} x2={x(now)} y2={AXIS_Y + 8} className="timeline-tick now" />
        {sorted.map((c, i) => {
          const r = radius(c.sizeBytes);
          const selected = c.name === props.selected;
          // Close neighbours take turns above and below the axis, so their labels stay readable.
          const crowded = i > 0 && x(c.createdAt) - x(sorted[i - 1]!.createdAt) < 90;
          const below = crowded && i % 2 === 1;
          return (
            <g
              key={c.name}
              data-marker={c.name}
              className={`marker origin-${c.origin} ${c.status} ${selected ? 'selected' : ''}`}
              role="button"
              tabIndex={selected || (!props.selected && i === sorted.length - 1) ? 0 : -1}
              aria-pressed={selected}
              aria-label={`${c.name}, ${timeLabel(c.createdAt)}, ${c.sizeBytes ? bytes(c.sizeBytes) : 'size unknown'}${c.status === 'missing' ? ', missing' : ''}`}
              onClick={() => props.onSelect(c.name)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  props.onSelect(c.name);
                } else onKey(e, i);
              }}
            >
              <title>{`${c.name} · ${ago(c.createdAt, now)}${c.durationMs ? ` · took ${millis(c.durationMs)}` : ''}`}</title>
              <circle cx={x(c.createdAt)} cy={AXIS_Y} r={r + (selected ? 4 : 0)} className="marker-halo" />
              <circle cx={x(c.createdAt)} cy={AXIS_Y} r={r} className="marker-dot" />
              <text
                x={x(c.createdAt)}
                y={below ? AXIS_Y + r + 16 : AXIS_Y - r - 8}
                textAnchor="middle"
                className="marker-label"
              >
                {c.name.length > 18 ? `${c.name.slice(0, 17)}…` : c.name}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="timeline-scale">
        <span>{timeLabel(start)}</span>
        <span className="legend">
          <span className="legend-item origin-manual">manual</span>
          <span className="legend-item origin-scheduled">scheduled</span>
          <span className="legend-item origin-external">made elsewhere</span>
          <span className="legend-item missing">missing</span>
          {failures.length > 0 && <span className="legend-item failed">failed run</span>}
        </span>
        <span>now</span>
      </figcaption>
    </figure>
  );
}
