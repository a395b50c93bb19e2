import { CancelButton } from '../../components/CancelButton';
import { Carried } from '../../components/Carried';
import { useEffect, useMemo, useState } from 'react';
import { bytes, millis } from '../../../../electron/shared/format';
import { api } from '../../api/client';
import { ErrorBox } from '../../components/ErrorBox';
import { Modal } from '../../components/Modal';
import { useApp } from '../../store/app-store';
import { key, newOpId, useCheckpoints } from '../../store/checkpoint-store';
import { toErrorInfo } from '../../../../electron/ipc/errors';
import { OperationProgress, type Column } from '../../components/ProgressTable';
import type { OperationProgressT } from '../../../../electron/ipc/contract';
import { Field } from '../../components/Field';
import { Problems } from '../../components/Problems';
import type { ContainerDialogProps } from './dialog-props';
import { FormActions } from '../../components/FormActions';

const STAGE_LABEL: Record<string, string> = {
  check: 'Check the target',
  image: 'Image',
  create: 'Create there',
  checkpoint: 'Checkpoint here',
  files: 'File system changes',
  transfer: 'Carry the checkpoint',
  restore: 'Restore there',
  verify: 'Confirm it runs',
  finish: 'Source',
};

type Stage = NonNullable<OperationProgressT['stages']>[number];

const STAGE_COLUMNS: Column<Stage>[] = [
  { title: 'Stage', cell: (s) => STAGE_LABEL[s.name] ?? s.name },
  { title: 'State', cell: (s) => s.state },
  { title: 'Bytes', cell: (s) => (s.bytes ? bytes(s.bytes) : '—'), className: 'num' },
  { title: 'Time', cell: (s) => (s.ms ? millis(s.ms) : '—'), className: 'num' },
  {
    title: 'Detail',
    cell: (s) => s.detail,
    className: (s) => (s.state === 'failed' ? 'error-cell' : 'detail-cell'),
  },
];

/** Move a running container to another engine; each stage shown with its bytes and time. */
export function MigrateDialog(props: ContainerDialogProps) {
  // The name as it was when the dialog opened: the container may be gone by the end.
  const [containerName] = useState(props.containerName);
  const allEngines = useApp((s) => s.engines);
  const engines = useMemo(
    () => allEngines.filter((e) => e.id !== props.engineId),
    [allEngines, props.engineId],
  );
  const navigate = useApp((s) => s.navigate);
  const [to, setTo] = useState(engines.find((e) => e.state === 'online')?.id ?? '');
  const [keepSource, setKeepSource] = useState(false);
  const [check, setCheck] = useState<{
    problems: string[];
    warnings: string[];
    carried: string[];
    imagePresent: boolean;
    targetName: string;
  } | null>(null);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [opId, setOpId] = useState<string | null>(null);
  const op = useCheckpoints((s) => s.ops[key(props.engineId, props.containerId)]);
  const migrate = useCheckpoints((s) => s.migrate);
  const [done, setDone] = useState<{
    targetContainerId: string;
    durationMs: number;
    downtimeMs: number;
  } | null>(null);
  const targetId = done?.targetContainerId ?? null;
  const running = opId !== null && !op?.done;

  useEffect(() => {
    if (!to || opId) return;
    let cancelled = false;
    api
      .call('migrations.check', { engineId: props.engineId, container: props.containerId, to })
      .then((c) => {
        if (!cancelled) {
          setCheck(c);
          setCheckError(null);
        }
      })
      .catch((e) => {
        if (!cancelled) {
          setCheck(null);
          setCheckError(toErrorInfo(e).message);
        }
      });
    return () => {
      cancelled = true;
    };
  }, [to, opId, props.engineId, props.containerId]);

  const stages = op?.progress?.stages ?? [];
  return (
    <Modal
      open
      title={`Migrate ${containerName}`}
      onClose={() => !running && props.onClose()}
      busy={running}
      wide
    >
      {!opId ? (
        <form
          className="modal-body form"
          onSubmit={(e) => {
            e.preventDefault();
            const id = newOpId();
            setOpId(id);
            void migrate(props.engineId, props.containerId, to, keepSource, id).then((r) => r && setDone(r));
          }}
        >
          <Field label="To">
            <select value={to} onChange={(e) => setTo(e.target.value)} aria-label="Target engine">
              {engines.length === 0 && <option value="">no other engine — add one in Manage engines</option>}
              {engines.map((e) => (
                <option key={e.id} value={e.id} disabled={e.state !== 'online'}>
                  {e.name} ({e.state})
                </option>
              ))}
            </select>
          </Field>
          <label className="check">
            <input type="checkbox" checked={keepSource} onChange={(e) => setKeepSource(e.target.checked)} />{' '}
            Keep the source here, stopped (otherwise it is removed once the target runs)
          </label>
          <p className="muted">
            It is checkpointed here, carried with its file system changes, and restored there: it goes on
            where it stopped. If any step fails, it is restored here and nothing is left on the target.
          </p>
          {checkError && <p className="field-error">{checkError}</p>}
          {check && <Problems list={check.problems} attr="data-migrate-problems" />}
          {check && check.carried.length > 0 && <Carried items={check.carried} what="It takes along" />}
          {check && check.problems.length === 0 && check.warnings.length > 0 && (
            <ul className="field-warning" data-migrate-warnings>
              {check.warnings.map((w) => (
                <li key={w}>Before you go ahead: {w}.</li>
              ))}
            </ul>
          )}
          {check && check.problems.length === 0 && (
            <p className="muted" data-migrate-ready>
              {check.targetName} can take it
              {check.imagePresent ? '.' : '; its image will be transferred first.'}
            </p>
          )}
          <FormActions onCancel={props.onClose} disabled={!to || !check || check.problems.length > 0}>
            Migrate
          </FormActions>
        </form>
      ) : (
        <div className="modal-body">
          <OperationProgress
            statusAttr="data-migrate-status"
            message={op?.message}
            tableAttr="data-migrate-stages"
            rows={stages}
            rowAttr="data-stage"
            columns={STAGE_COLUMNS}
          />
          {done && (
            <p data-migrate-times>
              Moved in {millis(done.durationMs)}; it was not running for{' '}
              <strong data-downtime>{millis(done.downtimeMs)}</strong> (from its freeze here to running
              there).
            </p>
          )}
          {op?.error && <ErrorBox error={op.error} />}
          <div className="modal-actions">
            {targetId && (
              <button
                type="button"
                className="primary"
                onClick={() => navigate({ view: 'container', engineId: to, containerId: targetId })}
              >
                Open it on {engines.find((e) => e.id === to)?.name}
              </button>
            )}
            {running && opId && <CancelButton opId={opId} />}
            <button type="button" className="secondary" onClick={props.onClose} disabled={running}>
              Close
            </button>
          </div>
        </div>
      )}
    </Modal>
  );
}
