import { useState } from 'react';
import type { ContainerSummaryT } from '../../../../electron/ipc/contract';
import { toErrorInfo, type ErrorInfo } from '../../../../electron/ipc/errors';
import { api } from '../../api/client';
import { ConfirmMany, FewNames } from '../../components/ConfirmMany';
import { ErrorBox } from '../../components/ErrorBox';
import { useOperationProgress } from '../../hooks/use-operation-progress';
import type { CheckpointFacts } from './list-rules';

export type Action = 'start' | 'stop' | 'restart' | 'kill' | 'pause' | 'unpause' | 'remove';

const LABEL: Record<Action, [string, string]> = {
  start: ['Start', 'started'],
  stop: ['Stop', 'stopped'],
  restart: ['Restart', 'restarted'],
  kill: ['Kill', 'killed'],
  pause: ['Pause', 'paused'],
  unpause: ['Unpause', 'unpaused'],
  remove: ['Remove…', 'removed'],
};

interface Outcome {
  action: Action;
  ok: string[];
  failed: { name: string; error: string }[];
}

/** What can be done to the selected containers, one or many: each reported on its own. */
export function BulkActions(props: {
  engineId: string;
  engineKind: 'docker' | 'podman' | null;
  selected: ContainerSummaryT[];
  facts: Record<string, CheckpointFacts | undefined>;
  onClear: () => void;
  /** The actions offered (all by default); a clone group offers stop and remove. */
  only?: Action[];
  /** What the selection is called, e.g. "10 clones of warm". */
  label?: string;
}) {
  const { selected } = props;
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [running, setRunning] = useState<Action | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const progress = useOperationProgress();
  const anyRunning = selected.some((c) => c.state === 'running');
  const anyPaused = selected.some((c) => c.state === 'paused');
  const anyStopped = selected.some((c) => c.state !== 'running' && c.state !== 'paused');
  const enabled: Record<Action, boolean> = {
    start: anyStopped,
    stop: anyRunning || anyPaused,
    restart: true,
    kill: anyRunning,
    pause: anyRunning,
    unpause: anyPaused,
    remove: true,
  };

  const run = async (action: Action) => {
    const opId = progress.start();
    setRunning(action);
    setOutcome(null);
    setError(null);
    try {
      const out = await api.call('containers.act', {
        engineId: props.engineId,
        containers: selected.map((c) => c.id),
        action,
        opId,
      });
      setOutcome({
        action,
        ok: out.filter((r) => r.ok).map((r) => r.name ?? r.container),
        failed: out
          .filter((r) => !r.ok)
          .map((r) => ({ name: r.name ?? r.container, error: r.error ?? 'failed' })),
      });
      if (action === 'remove' && out.every((r) => r.ok)) props.onClear();
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setRunning(null);
    }
  };

  const withCheckpoints = selected.filter((c) => (props.facts[c.id]?.count ?? 0) > 0);
  const checkpointCount = withCheckpoints.reduce((n, c) => n + (props.facts[c.id]?.count ?? 0), 0);

  return (
    <div className="bulk-bar" role="toolbar" aria-label="Actions on the selected containers" data-bulk-bar>
      <span className="bulk-count" aria-live="polite">
        {props.label ?? `${selected.length} selected`}
      </span>
      {(props.only ?? (Object.keys(LABEL) as Action[])).map((a) => (
        <button
          key={a}
          type="button"
          className={a === 'remove' ? 'danger' : 'secondary'}
          disabled={!enabled[a] || running !== null}
          aria-busy={running === a}
          onClick={() => (a === 'remove' ? setConfirmRemove(true) : void run(a))}
        >
          {props.only ? `${LABEL[a][0].replace('…', '')} all${a === 'remove' ? '…' : ''}` : LABEL[a][0]}
        </button>
      ))}
      {!props.only && (
        <button type="button" className="link" onClick={props.onClear} disabled={running !== null}>
          Clear <kbd>Esc</kbd>
        </button>
      )}
      {running && (
        <p className="bulk-progress">{progress.lines.at(-1) ?? `${LABEL[running][0].replace('…', '')}…`}</p>
      )}
      {outcome && (
        <div role="status" className="bulk-result" data-bulk-result={outcome.action}>
          <p>
            {outcome.ok.length} {LABEL[outcome.action][1]}
            {outcome.failed.length ? `, ${outcome.failed.length} failed` : ''}.
          </p>
          {outcome.failed.length > 0 && (
            <ul>
              {outcome.failed.map((f) => (
                <li key={f.name} data-bulk-failed={f.name}>
                  <strong>{f.name}</strong>: {f.error}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {error && <ErrorBox error={error} />}
      <ConfirmMany
        open={confirmRemove}
        verb="Remove"
        noun="containers"
        names={selected.map((c) => c.name)}
        onCancel={() => setConfirmRemove(false)}
        onConfirm={() => {
          setConfirmRemove(false);
          void run('remove');
        }}
      >
        <p>
          <FewNames names={selected.map((c) => c.name)} />: removed with their file changes
          {selected.some((c) => c.state === 'running') ? ' (running ones are stopped first)' : ''}. Their
          volumes stay.
        </p>
        {withCheckpoints.length > 0 && (
          <p className="banner banner-warning" data-remove-checkpoints>
            {withCheckpoints.length === 1
              ? `${withCheckpoints[0]!.name} has`
              : `${withCheckpoints.length} of them have`}{' '}
            {checkpointCount} checkpoint{checkpointCount === 1 ? '' : 's'}.{' '}
            {props.engineKind === 'podman'
              ? 'Checkpoint Studio keeps their archives; they stay in the catalog.'
              : 'Docker keeps a container’s checkpoints in its folder: they go with it (export them first to keep them).'}
          </p>
        )}
      </ConfirmMany>
    </div>
  );
}
