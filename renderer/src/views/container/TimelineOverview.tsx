import { useState, type PointerEvent } from 'react';
import type { Span } from './timeline-layout';

const W = 1000;
const H = 26;
const PAD = 24;

/**
 * The strip under the timeline: the whole history, one tick per checkpoint, and the window shown
 * as a box. A drag chooses the stretch to show; a click centres the window there.
 */
export function TimelineOverview(props: {
  times: number[];
  whole: Span;
  /** The window shown, when zoomed. */
  shown: Span | null;
  onCentre: (t: number) => void;
  onRange: (from: number, to: number) => void;
}) {
  const { whole } = props;
  const [brush, setBrush] = useState<{ a: number; b: number } | null>(null);
  const x = (t: number) => PAD + ((W - 2 * PAD) * (t - whole.from)) / (whole.to - whole.from);
  const timeAt = (e: PointerEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const px = ((e.clientX - box.left) / box.width) * W;
    return whole.from + ((px - PAD) / (W - 2 * PAD)) * (whole.to - whole.from);
  };
  return (
    <svg
      className="timeline-overview"
      viewBox={`0 0 ${W} ${H}`}
      aria-hidden="true"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        const t = timeAt(e);
        setBrush({ a: t, b: t });
      }}
      onPointerMove={(e) => brush && setBrush({ a: brush.a, b: timeAt(e) })}
      onPointerUp={(e) => {
        if (!brush) return;
        const t = timeAt(e);
        const [a, b] = [Math.min(brush.a, t), Math.max(brush.a, t)];
        setBrush(null);
        if (Math.abs(x(b) - x(a)) < 4) props.onCentre(t);
        else props.onRange(a, b);
      }}
    >
      <line x1={PAD} y1={H / 2} x2={W - PAD} y2={H / 2} className="timeline-axis thin" />
      {props.times.map((t, i) => (
        <line key={i} x1={x(t)} x2={x(t)} y1={6} y2={H - 6} className="overview-mark" />
      ))}
      {props.shown && (
        <rect
          x={x(props.shown.from)}
          y={1}
          width={Math.max(2, x(props.shown.to) - x(props.shown.from))}
          height={H - 2}
          className="overview-window"
          data-overview-window
        />
      )}
      {brush && (
        <rect
          x={x(Math.min(brush.a, brush.b))}
          y={1}
          width={Math.abs(x(brush.b) - x(brush.a))}
          height={H - 2}
          className="overview-brush"
        />
      )}
    </svg>
  );
}
