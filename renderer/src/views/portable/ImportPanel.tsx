import { useId, useState } from 'react';
import type { ImportResultT } from '../../../../electron/ipc/contract';
import { toErrorInfo, type ErrorInfo } from '../../../../electron/ipc/errors';
import { api } from '../../api/client';
import { CancelButton } from '../../components/CancelButton';
import { ColumnHeads } from '../../components/ColumnHeads';
import { ErrorBox } from '../../components/ErrorBox';
import { Field } from '../../components/Field';
import { Options } from '../../components/Options';
import { StateBadge } from '../../components/StateBadge';
import { useOnlineEngine } from '../../hooks/use-online-engine';
import { useOperationProgress } from '../../hooks/use-operation-progress';
import { containerNameProblem, instanceRunning, originLine } from './portable-text';

/**
 * New containers from the archive being inspected (uploaded or picked), restored where it stopped,
 * on any online engine. The engine must be of the kind that made the archive; the main process says
 * so when it is not.
 */
export function ImportPanel({ fileId }: { fileId: string }) {
  const headingId = useId();
  const { online, engineId, choose } = useOnlineEngine();
  const [name, setName] = useState('');
  const [count, setCount] = useState(1);
  const [running, setRunning] = useState(false);
  const [opId, setOpId] = useState<string | null>(null);
  const [result, setResult] = useState<ImportResultT | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const progress = useOperationProgress();

  const nameError = containerNameProblem(name);
  const countOk = Number.isInteger(count) && count >= 1 && count <= 50;
  const ready = Boolean(engineId) && !nameError && countOk && !running;

  const run = async () => {
    if (!engineId) return;
    const opId = progress.start();
    setOpId(opId);
    setRunning(true);
    setResult(null);
    setError(null);
    try {
      setResult(
        await api.call('archives.import', { fileId, engineId, count, opId, ...(name ? { name } : {}) }),
      );
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <section className="panel import-panel" aria-labelledby={headingId} data-import-panel>
      <h2 id={headingId}>Import as containers</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) void run();
        }}
      >
        <div className="row">
          <Field label="Engine">
            <select
              value={engineId ?? ''}
              onChange={(e) => choose(e.target.value)}
              disabled={online.length === 0}
            >
              {online.length === 0 && <option value="">no engine is online</option>}
              <Options items={online.map((e) => [e.id, `${e.name} (${e.kind})`])} />
            </select>
          </Field>
          <Field label="Name" className="grow">
            <input
              type="text"
              value={name}
              placeholder="name from the archive"
              maxLength={100}
              onChange={(e) => setName(e.target.value.trim())}
              aria-invalid={Boolean(nameError)}
            />
          </Field>
          <Field label="Count">
            <input
              type="number"
              className="count"
              min={1}
              max={50}
              value={Number.isNaN(count) ? '' : count}
              onChange={(e) => setCount(e.target.valueAsNumber)}
              aria-invalid={!countOk}
            />
          </Field>
        </div>
        {nameError && <p className="field-error">{nameError}</p>}
        {!countOk && <p className="field-error">Between 1 and 50 containers at once.</p>}
        <div className="toolbar">
          {/* aria-disabled while running: a disabled button would drop the keyboard focus. */}
          <button
            type="submit"
            className="primary"
            disabled={!ready && !running}
            aria-disabled={running || undefined}
            aria-busy={running}
          >
            Import
          </button>
          {/* Cancelling undoes it: the containers it made are removed, as on a failure. */}
          {running && opId && <CancelButton key={opId} opId={opId} />}
        </div>
      </form>
      {progress.lines.length > 0 && (
        <ul className="progress-lines" aria-live="polite" data-import-progress>
          {progress.lines.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      )}
      {error && <ErrorBox error={error} />}
      {result && <ImportResults result={result} />}
    </section>
  );
}

export function ImportResults({ result }: { result: ImportResultT }) {
  return (
    <div data-import-result>
      <p className="muted" data-import-origin>
        {originLine(result.origin)}
      </p>
      <table className="grid compact" data-import-results>
        <ColumnHeads titles={['Container', 'State', 'Problem']} />
        <tbody>
          {result.instances.map((i) => {
            const ok = instanceRunning(i);
            return (
              <tr key={i.name} data-import={i.name} data-state={ok ? 'running' : 'failed'}>
                <td className="name">{i.name}</td>
                <td>
                  <StateBadge state={ok ? 'running' : 'dead'} label={ok ? 'running' : 'failed'} />
                </td>
                <td className="error-cell">{i.error ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {result.instances.some((i) => i.loopbackRepaired) && (
        <p className="muted" data-import-loopback>
          This engine brings restored containers back with their loopback interface down; Checkpoint Studio
          brought it up again, so services inside answer on 127.0.0.1.
        </p>
      )}
      {result.notes.length > 0 && (
        <ul className="import-notes" data-import-notes>
          {result.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
