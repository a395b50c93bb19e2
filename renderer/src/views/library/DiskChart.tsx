import { bytes } from '../../../../electron/shared/format';
import type { diskUse } from './library-rules';

/** Disk used by checkpoints, one bar per engine against the largest, and the total. */
export function DiskChart(props: { disk: ReturnType<typeof diskUse>; engineName: (id: string) => string }) {
  const { perEngine, total } = props.disk;
  const max = Math.max(1, ...perEngine.map((p) => p.bytes));
  return (
    <figure className="disk-chart" aria-label="Disk used by checkpoints" data-disk-total={total}>
      <figcaption>
        Disk used: <strong>{bytes(total)}</strong>
      </figcaption>
      <ul>
        {perEngine.map((p) => (
          <li key={p.engineId} data-disk-engine={p.engineId}>
            <span className="disk-label">{props.engineName(p.engineId)}</span>
            <span className="disk-track" aria-hidden="true">
              <span className="disk-bar" style={{ width: `${(100 * p.bytes) / max}%` }} />
            </span>
            <span className="disk-value">
              {bytes(p.bytes)} · {p.count} checkpoint{p.count === 1 ? '' : 's'}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
