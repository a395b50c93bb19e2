import { useState } from 'react';
import type { PolicyT } from '../../../../electron/ipc/contract';
import { parseDuration, parseSize } from '../../../../electron/shared/units';
import { Modal } from '../../components/Modal';
import type { ScheduleSettings } from '../../store/schedule-store';

const UNITS = [
  ['s', 'seconds'],
  ['m', 'minutes'],
  ['h', 'hours'],
] as const;

function split(ms: number): [number, 's' | 'm' | 'h'] {
  if (ms % 3_600_000 === 0) return [ms / 3_600_000, 'h'];
  if (ms % 60_000 === 0) return [ms / 60_000, 'm'];
  return [Math.round(ms / 1000), 's'];
}

/** Every N, keep K, optionally thin out and cap the disk; saved as one policy per container. */
export function ScheduleDialog(props: {
  open: boolean;
  containerName: string;
  current: PolicyT | null;
  onClose: () => void;
  onSave: (s: ScheduleSettings) => void;
}) {
  const [n0, u0] = split(props.current?.everyMs ?? 300_000);
  const [every, setEvery] = useState(String(n0));
  const [unit, setUnit] = useState<'s' | 'm' | 'h'>(u0);
  const [keep, setKeep] = useState(String(props.current?.keepLast ?? 10));
  const [hourly, setHourly] = useState(String(props.current?.keepHourly ?? 0));
  const [daily, setDaily] = useState(String(props.current?.keepDaily ?? 0));
  const [budget, setBudget] = useState(
    props.current?.budgetBytes ? `${Math.round(props.current.budgetBytes / 1024 ** 2)}M` : '',
  );
  const [maxFailures, setMaxFailures] = useState(String(props.current?.maxFailures ?? 3));

  const everyMs = parseDuration(`${every}${unit}`);
  const int = (v: string, min: number) => (/^\d+$/.test(v) && Number(v) >= min ? Number(v) : null);
  const budgetBytes = budget.trim() ? parseSize(budget) : null;
  const problems = [
    everyMs === null || everyMs < 1000
      ? 'The interval is a whole number of seconds, minutes or hours (at least 1 second).'
      : null,
    int(keep, 1) === null ? 'Keep at least 1 checkpoint.' : null,
    int(hourly, 0) === null || int(daily, 0) === null
      ? 'Hourly and daily counts are whole numbers (0 for none).'
      : null,
    budget.trim() && budgetBytes === null
      ? 'The disk budget is a size such as 500M or 2G, or empty for none.'
      : null,
    int(maxFailures, 1) === null ? 'Pause after at least 1 failure.' : null,
  ].filter((p): p is string => p !== null);

  return (
    <Modal open={props.open} title={`Schedule checkpoints of ${props.containerName}`} onClose={props.onClose}>
      <form
        className="modal-body form"
        onSubmit={(e) => {
          e.preventDefault();
          if (problems.length) return;
          props.onSave({
            everyMs: everyMs!,
            keepLast: int(keep, 1)!,
            keepHourly: int(hourly, 0)!,
            keepDaily: int(daily, 0)!,
            budgetBytes,
            maxFailures: int(maxFailures, 1)!,
          });
        }}
      >
        <p className="muted">
          The container keeps running; each checkpoint is taken with “leave running”. Schedules run while
          Checkpoint Studio runs.
        </p>
        <div className="row">
          <label>
            <span>Every</span>
            <input
              type="number"
              min={1}
              value={every}
              onChange={(e) => setEvery(e.target.value)}
              aria-label="Every"
              autoFocus
            />
          </label>
          <label>
            <span>Unit</span>
            <select
              value={unit}
              onChange={(e) => setUnit(e.target.value as 's' | 'm' | 'h')}
              aria-label="Unit"
            >
              {UNITS.map(([u, label]) => (
                <option key={u} value={u}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Keep the last</span>
            <input
              type="number"
              min={1}
              value={keep}
              onChange={(e) => setKeep(e.target.value)}
              aria-label="Keep the last"
            />
          </label>
        </div>
        <details className="advanced">
          <summary>Thinning, disk budget, failures</summary>
          <div className="row">
            <label>
              <span>Also one per hour, for</span>
              <input
                type="number"
                min={0}
                value={hourly}
                onChange={(e) => setHourly(e.target.value)}
                aria-label="Hourly"
              />
            </label>
            <label>
              <span>One per day, for</span>
              <input
                type="number"
                min={0}
                value={daily}
                onChange={(e) => setDaily(e.target.value)}
                aria-label="Daily"
              />
            </label>
          </div>
          <div className="row">
            <label>
              <span>Disk budget</span>
              <input
                type="text"
                value={budget}
                placeholder="none, or e.g. 2G"
                onChange={(e) => setBudget(e.target.value)}
                aria-label="Disk budget"
              />
            </label>
            <label>
              <span>Pause after failures in a row</span>
              <input
                type="number"
                min={1}
                value={maxFailures}
                onChange={(e) => setMaxFailures(e.target.value)}
                aria-label="Pause after"
              />
            </label>
          </div>
        </details>
        {problems.length > 0 && (
          <ul className="field-error" role="alert">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        <div className="modal-actions">
          <button type="button" className="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={problems.length > 0}>
            {props.current ? 'Save schedule' : 'Start schedule'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
