import { useEffect, useState, type ReactNode } from 'react';
import type { ClonePlanT, OperationProgressT, PortPlanT } from '../../../../electron/ipc/contract';
import { millis } from '../../../../electron/shared/format';
import { api } from '../../api/client';
import { CancelButton } from '../../components/CancelButton';
import { Carried } from '../../components/Carried';
import { ErrorBox } from '../../components/ErrorBox';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { Problems } from '../../components/Problems';
import { StateBadge } from '../../components/StateBadge';
import { key, newOpId, useCheckpoints } from '../../store/checkpoint-store';
import type { CheckpointDialogProps } from './dialog-props';
import { toErrorInfo } from '../../../../electron/ipc/errors';
import { OperationProgress, type Column } from '../../components/ProgressTable';
import { FormActions } from '../../components/FormActions';

type Instance = NonNullable<OperationProgressT['instances']>[number];

const CLONE_COLUMNS: Column<Instance>[] = [
  { title: 'Clone', cell: (i) => i.name, className: 'name' },
  {
    title: 'State',
    cell: (i) => (
      <StateBadge
        state={i.state === 'running' ? 'running' : i.state === 'failed' ? 'dead' : 'created'}
        label={i.state}
      />
    ),
  },
  {
    title: 'Ports',
    cell: (i) =>
      i.ports
        .filter((p) => p.publicPort)
        .map((p) => `${p.publicPort}→${p.privatePort}`)
        .join(', ') || 'none',
    className: 'mono',
  },
  {
    title: 'Restore',
    cell: (i) => (i.restoreMs === null ? '—' : millis(i.restoreMs)),
    className: 'num',
  },
  { title: 'Problem', cell: (i) => i.error ?? '', className: 'error-cell' },
];

/** One way to publish the clones' ports: a radio button and what it means. */
function PortChoice(props: {
  mode: PortPlanT['mode'];
  current: PortPlanT['mode'];
  onPick: (mode: PortPlanT['mode']) => void;
  children: ReactNode;
}) {
  return (
    <label className="check">
      <input
        type="radio"
        name="ports"
        checked={props.current === props.mode}
        onChange={() => props.onPick(props.mode)}
      />{' '}
      {props.children}
    </label>
  );
}

function PortInput(props: { value: number; onChange: (n: number) => void; disabled: boolean; name: string }) {
  return (
    <input
      type="number"
      className="port"
      min={1}
      max={65535}
      value={props.value}
      disabled={props.disabled}
      onChange={(e) => props.onChange(e.target.valueAsNumber)}
      aria-label={props.name}
    />
  );
}

/**
 * N clones from one checkpoint. Everything is checked before anything starts (the main process
 * plans the names and ports and says what is wrong); then each clone's progress is shown.
 */
export function CloneDialog(props: CheckpointDialogProps & { open: boolean }) {
  const [count, setCount] = useState(3);
  const [prefix, setPrefix] = useState(`${props.containerName}-clone`);
  const [portMode, setPortMode] = useState<PortPlanT['mode']>('auto');
  const [from, setFrom] = useState(7000);
  const [to, setTo] = useState(7100);
  const [plan, setPlan] = useState<ClonePlanT | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [opId, setOpId] = useState<string | null>(null);
  const op = useCheckpoints((s) => s.ops[key(props.engineId, props.containerId)]);
  const clone = useCheckpoints((s) => s.clone);
  const running = opId !== null && op?.kind === 'clone' && !op.done;
  const finished = opId !== null && op?.kind === 'clone' && op.done;

  const ports: PortPlanT = portMode === 'range' ? { mode: 'range', from, to } : { mode: portMode };
  const countOk = Number.isInteger(count) && count >= 1 && count <= 50;

  useEffect(() => {
    if (!props.open || opId || !countOk) return;
    const t = setTimeout(() => {
      api
        .call('clones.plan', {
          engineId: props.engineId,
          container: props.containerId,
          checkpoint: props.checkpoint,
          count,
          prefix,
          ports,
        })
        .then((p) => {
          setPlan(p);
          setPlanError(null);
        })
        .catch((e) => {
          setPlan(null);
          setPlanError(toErrorInfo(e).message);
        });
    }, 250);
    return () => clearTimeout(t);
    // `ports` is derived from the three values below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [
    props.open,
    count,
    prefix,
    portMode,
    from,
    to,
    countOk,
    opId,
    props.engineId,
    props.containerId,
    props.checkpoint,
  ]);

  const problems = !countOk
    ? ['Between 1 and 50 clones at once.']
    : planError
      ? [planError]
      : (plan?.problems ?? []);
  const instances = op?.progress?.instances ?? [];
  const made = instances.filter((i) => i.id && i.state === 'running');
  const [removal, setRemoval] = useState<{ busy: boolean; message: string | null; failed: boolean }>({
    busy: false,
    message: null,
    failed: false,
  });
  // The user tried the clones and wants them gone: one click, each reported.
  const removeThese = async () => {
    setRemoval({ busy: true, message: `Removing ${made.length}…`, failed: false });
    try {
      const out = await api.call('containers.act', {
        engineId: props.engineId,
        containers: made.map((i) => i.id!),
        action: 'remove',
      });
      const bad = out.filter((r) => !r.ok);
      setRemoval({
        busy: false,
        failed: bad.length > 0,
        message: bad.length
          ? `${out.length - bad.length} removed; ${bad.map((r) => `${r.name ?? r.container}: ${r.error ?? 'failed'}`).join('; ')}`
          : `${out.length} removed.`,
      });
    } catch (e) {
      setRemoval({ busy: false, failed: true, message: toErrorInfo(e).message });
    }
  };

  const close = () => {
    if (running) return;
    setOpId(null);
    props.onClose();
  };

  return (
    <Modal open={props.open} title={`Clone from ${props.checkpoint}`} onClose={close} busy={running} wide>
      {!opId ? (
        <form
          className="modal-body form"
          onSubmit={(e) => {
            e.preventDefault();
            if (problems.length || !plan) return;
            const id = newOpId();
            setOpId(id);
            void clone(
              props.engineId,
              props.containerId,
              { checkpoint: props.checkpoint, count, prefix, ports },
              id,
            );
          }}
        >
          <div className="row">
            <Field label="How many">
              <input
                type="number"
                min={1}
                max={50}
                value={Number.isNaN(count) ? '' : count}
                onChange={(e) => setCount(e.target.valueAsNumber)}
                autoFocus
              />
            </Field>
            <Field label="Name prefix" className="grow">
              <input type="text" value={prefix} onChange={(e) => setPrefix(e.target.value.trim())} />
            </Field>
          </div>
          <fieldset>
            <legend>Host ports{plan?.sourcePorts.length ? ` for ${plan.sourcePorts.join(', ')}` : ''}</legend>
            {plan && plan.sourcePorts.length === 0 && (
              <p className="muted">The source publishes no ports; clones publish none either.</p>
            )}
            <PortChoice mode="auto" current={portMode} onPick={setPortMode}>
              A free port for each clone, chosen by the engine
            </PortChoice>
            <PortChoice mode="range" current={portMode} onPick={setPortMode}>
              From a range:
              <PortInput value={from} onChange={setFrom} disabled={portMode !== 'range'} name="First port" />
              –
              <PortInput value={to} onChange={setTo} disabled={portMode !== 'range'} name="Last port" />
            </PortChoice>
            <PortChoice mode="none" current={portMode} onPick={setPortMode}>
              None (reach clones through the engine only)
            </PortChoice>
          </fieldset>
          {problems.length > 0 ? (
            <Problems list={problems} attr="data-clone-problems" />
          ) : (
            plan && (
              <p className="muted" data-clone-names>
                Will create{' '}
                {plan.names.length === 1
                  ? plan.names[0]
                  : `${plan.names[0]} … ${plan.names[plan.names.length - 1]}`}
                .
              </p>
            )
          )}
          {plan && plan.carried.length > 0 && <Carried items={plan.carried} what="Each clone gets" />}
          <FormActions onCancel={close} disabled={problems.length > 0 || !plan}>
            Clone {countOk ? count : ''}
          </FormActions>
        </form>
      ) : (
        <div className="modal-body">
          <OperationProgress
            statusAttr="data-clone-status"
            message={op?.message}
            tableAttr="data-clone-results"
            rows={instances}
            rowAttr="data-clone"
            columns={CLONE_COLUMNS}
          />
          {instances.some((i) => i.loopbackRepaired) && (
            <p className="muted" data-clone-loopback>
              This engine brings clones back with their loopback interface down; Checkpoint Studio brought it
              up again, so services inside answer on 127.0.0.1.
            </p>
          )}
          {op?.error && <ErrorBox error={op.error} />}
          {removal.message && (
            <p role="status" className={removal.failed ? 'field-error' : 'muted'} data-clone-removed>
              {removal.message}
            </p>
          )}
          <div className="modal-actions">
            {!finished && opId && <CancelButton opId={opId} />}
            {finished && made.length > 0 && !removal.message && (
              <button
                type="button"
                className="danger"
                disabled={removal.busy}
                onClick={() => void removeThese()}
                title="Stop and remove the clones just made"
              >
                Remove these {made.length}
              </button>
            )}
            <button type="button" className="primary" onClick={close} disabled={!finished}>
              {finished ? 'Close' : 'Working…'}
            </button>
          </div>
        </div>
      )}
    </Modal>
  );
}
