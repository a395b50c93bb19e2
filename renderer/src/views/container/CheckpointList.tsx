import type { KeyboardEvent } from 'react';
import type { CheckpointRecordT } from '../../../../electron/ipc/contract';
import { ago, bytes, millis } from '../../../../electron/shared/format';
import { moveIndex } from '../../keys';
import { downtimeShort } from './downtime';

/** The same checkpoints as the timeline, as rows: dense histories stay readable and reachable by keyboard. */
export function CheckpointList(props: {
  checkpoints: CheckpointRecordT[];
  now: number;
  selected: string | null;
  onSelect: (name: string) => void;
}) {
  const rows = [...props.checkpoints].sort((a, b) => b.createdAt - a.createdAt);
  const onKey = (e: KeyboardEvent<HTMLTableRowElement>, i: number) => {
    const to = moveIndex(e.key, i, rows.length, 'vertical');
    if (to === null || !rows[to]) return;
    e.preventDefault();
    props.onSelect(rows[to].name);
    (e.currentTarget.parentElement?.children[to] as HTMLElement | undefined)?.focus();
  };
  return (
    <div className="checkpoint-list-scroll">
      <table className="grid compact checkpoint-list" aria-label="Checkpoints">
        <thead>
          <tr>
            <th scope="col">Checkpoint</th>
            <th scope="col">Made</th>
            <th scope="col">Container after</th>
            <th scope="col">Size</th>
            <th scope="col">Took</th>
            <th scope="col" title="How long the container was frozen (or that it stayed stopped)">
              Downtime
            </th>
            <th scope="col">Origin</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c, i) => (
            <tr
              key={c.name}
              data-checkpoint-row={c.name}
              tabIndex={c.name === props.selected || (!props.selected && i === 0) ? 0 : -1}
              aria-selected={c.name === props.selected}
              className={`${c.name === props.selected ? 'active' : ''} ${c.status}`}
              onClick={() => props.onSelect(c.name)}
              onFocus={() => props.onSelect(c.name)}
              onKeyDown={(e) => onKey(e, i)}
            >
              <td className="name">
                {c.name}
                {c.status === 'missing' && <span className="badge badge-dead"> missing</span>}
              </td>
              <td>{ago(c.createdAt, props.now)}</td>
              <td>{c.mode === 'running' ? 'kept running' : c.mode === 'stopped' ? 'stopped' : '—'}</td>
              <td className="num">{c.sizeBytes === null ? '…' : bytes(c.sizeBytes)}</td>
              <td className="num">{c.durationMs === null ? '—' : millis(c.durationMs)}</td>
              <td className="num">{downtimeShort(c)}</td>
              <td>{c.origin === 'external' ? 'elsewhere' : c.origin}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
