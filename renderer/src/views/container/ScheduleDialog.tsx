import { useState } from 'react';
import type { PolicyT } from '../../../../electron/ipc/contract';
import { parseDuration, parseSize } from '../../../../electron/shared/units';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { Options } from '../../components/Options';
import { Problems } from '../../components/Problems';
import type { ScheduleSettings } from '../../store/schedule-store';
import { FormActions } from '../../components/FormActions';

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

/** A whole number as typed, named `name` for assistive technology (its label by default). */
function NumberField(props: {
  label: string;
  name?: string;
  min: number;
  value: string;
  onChange: (v: string) => void;
  autoFocus?: boolean;
}) {
  return (
    <Field label={props.label}>
      <input
        type="number"
        min={props.min}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-label={props.name ?? props.label}
        autoFocus={props.autoFocus}
      />
    </Field>
  );
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
          <NumberField label="Every" min={1} value={every} onChange={setEvery} autoFocus />
          <Field label="Unit">
            <select
              value={unit}
              onChange={(e) => setUnit(e.target.value as 's' | 'm' | 'h')}
              aria-label="Unit"
            >
              <Options items={UNITS} />
            </select>
          </Field>
          <NumberField label="Keep the last" min={1} value={keep} onChange={setKeep} />
        </div>
        <details className="advanced">
          <summary>Thinning, disk budget, failures</summary>
          <div className="row">
            <NumberField
              label="Also one per hour, for"
              name="Hourly"
              min={0}
              value={hourly}
              onChange={setHourly}
            />
            <NumberField label="One per day, for" name="Daily" min={0} value={daily} onChange={setDaily} />
          </div>
          <div className="row">
            <Field label="Disk budget">
              <input
                type="text"
                value={budget}
                placeholder="none, or e.g. 2G"
                onChange={(e) => setBudget(e.target.value)}
                aria-label="Disk budget"
              />
            </Field>
            <NumberField
              label="Pause after failures in a row"
              name="Pause after"
              min={1}
              value={maxFailures}
              onChange={setMaxFailures}
            />
          </div>
        </details>
        <Problems list={problems} />
        <FormActions onCancel={props.onClose} disabled={problems.length > 0}>
          {props.current ? 'Save schedule' : 'Start schedule'}
        </FormActions>
      </form>
    </Modal>
  );
}
