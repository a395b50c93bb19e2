import type { PolicyRunT, PolicyT } from '../../../../electron/ipc/contract';
import { ago, bytes, duration } from '../../../../electron/shared/format';
import { formatDuration } from '../../../../electron/shared/units';
import { useSchedules } from '../../store/schedule-store';

/** Stretches longer than two intervals without a successful run: the app was closed, or runs failed. */
export function scheduleGaps(runs: PolicyRunT[], everyMs: number): { from: number; to: number }[] {
  const ok = runs
    .filter((r) => r.outcome === 'ok')
    .map((r) => r.startedAt)
    .sort((a, b) => a - b);
  const gaps: { from: number; to: number }[] = [];
  for (let i = 1; i < ok.length; i++)
    if (ok[i]! - ok[i - 1]! > 2 * everyMs) gaps.push({ from: ok[i - 1]!, to: ok[i]! });
  return gaps;
}

/** The container's schedule at a glance, with pause/resume/remove. */
export function ScheduleBar(props: {
  policy: PolicyT;
  runs: PolicyRunT[];
  now: number;
  engineId: string;
  containerId: string;
}) {
  const p = props.policy;
  const { pause, remove } = useSchedules.getState();
  const last = props.runs[0];
  const failed = props.runs.filter((r) => r.outcome === 'failed').length;
  const keep = [
    `keep ${p.keepLast}`,
    p.keepHourly ? `${p.keepHourly} hourly` : '',
    p.keepDaily ? `${p.keepDaily} daily` : '',
    p.budgetBytes ? `within ${bytes(p.budgetBytes)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <div className={`schedule-bar ${p.state}`} data-schedule-state={p.state} role="status">
      <div>
        <strong>Every {formatDuration(p.everyMs)}</strong> · {keep}
        {p.state === 'active' && p.nextRunAt && (
          <> · next {p.nextRunAt <= props.now ? 'now' : `in ${duration(p.nextRunAt - props.now)}`}</>
        )}
        {last && (
          <>
            {' '}
            · last {last.outcome ?? 'running'} {ago(last.startedAt, props.now)}
          </>
        )}
        {failed > 0 && (
          <span className="muted">
            {' '}
            · {failed} failed of the last {props.runs.length}
          </span>
        )}
        {p.state === 'paused' && <div className="schedule-paused">{p.pausedReason ?? 'Paused.'}</div>}
      </div>
      <div className="toolbar">
        <button
          type="button"
          className={p.state === 'active' ? 'secondary' : 'primary'}
          onClick={() => void pause(props.engineId, props.containerId, p.state === 'active')}
        >
          {p.state === 'active' ? 'Pause' : 'Resume'}
        </button>
        <button type="button" className="link" onClick={() => void remove(props.engineId, props.containerId)}>
          Remove schedule
        </button>
      </div>
    </div>
  );
}
