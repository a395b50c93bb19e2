import { useEffect, useMemo, useState } from 'react';
import { duration } from '../../../electron/shared/format';
import { Banner } from '../components/Banner';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { EmptyState } from '../components/EmptyState';
import { ErrorBox } from '../components/ErrorBox';
import { StateBadge } from '../components/StateBadge';
import { useNow } from '../hooks/use-now';
import { useApp } from '../store/app-store';
import { key, useCheckpoints } from '../store/checkpoint-store';
import { CheckpointDetails } from './container/CheckpointDetails';
import { CheckpointDialog } from './container/CheckpointDialog';
import { CloneDialog } from './container/CloneDialog';
import { CloneGroups } from './container/CloneGroups';
import { LogPane } from './container/LogPane';
import { Timeline } from './container/Timeline';
import { CheckpointList } from './container/CheckpointList';
import { ScheduleDialog } from './container/ScheduleDialog';
import { MigrateDialog } from './container/MigrateDialog';
import { ScheduleBar, scheduleGaps } from './container/ScheduleBar';
import { ExportDialog } from './portable/ExportDialog';
import { SaveImageDialog } from './portable/SaveImageDialog';
import type { CheckpointDialogProps } from './container/dialog-props';
import { useSchedules } from '../store/schedule-store';
import { lastLeaveRunning } from '../store/checkpoint-prefs';
import { useShortcuts } from '../hooks/use-shortcuts';

type Dialog =
  null | 'checkpoint' | 'clone' | 'export' | 'image' | 'delete' | 'restore-running' | 'schedule' | 'migrate';

/** One container: its checkpoints on a timeline, what each holds, and the actions on them. */
export function ContainerDetailView(props: { engineId: string; containerId: string }) {
  const { engineId, containerId } = props;
  const container = useApp((s) => s.containers[engineId]?.[containerId]);
  const loaded = useApp((s) => s.loaded[engineId]);
  const navigate = useApp((s) => s.navigate);
  const k = key(engineId, containerId);
  const list = useCheckpoints((s) => s.lists[k]?.data);
  const listError = useCheckpoints((s) => s.lists[k]?.error);
  const op = useCheckpoints((s) => s.ops[k]);
  const { load, create, restore, remove, saveNote, clearOp } = useCheckpoints.getState();
  const schedule = useSchedules((s) => s.schedules[k]);
  const { policy, runs } = schedule?.data ?? {};
  const failure = useSchedules((s) => s.failures[k]);
  const scheduleError = schedule?.error;
  const [selected, setSelected] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const now = useNow();

  useEffect(() => {
    void load(engineId, containerId);
    void useSchedules.getState().load(engineId, containerId);
  }, [engineId, containerId, load]);

  const sorted = useMemo(() => [...(list ?? [])].sort((a, b) => a.createdAt - b.createdAt), [list]);
  const current = sorted.find((c) => c.name === selected) ?? sorted[sorted.length - 1] ?? null;
  const busy = Boolean(op && !op.done);
  const running = container?.state === 'running';

  const restoreNewest = () => {
    const newest = [...sorted].reverse().find((c) => c.status === 'present');
    if (!newest) return;
    setSelected(newest.name);
    void restore(engineId, containerId, newest.name, false);
  };

  // One click: the options used last time (leave running, unless the user chose to stop it).
  const checkpointNow = () => {
    void create(engineId, containerId, { leaveRunning: lastLeaveRunning() }).then(
      (r) => r && setSelected(r.name),
    );
  };

  const doRestore = (replace: boolean) => {
    if (!current) return;
    setDialog(null);
    void restore(engineId, containerId, current.name, replace);
  };

  const free = !dialog && !busy;
  const inspectCurrent = () =>
    current &&
    navigate({
      view: 'inspect',
      source: { kind: 'engine', engineId, container: containerId, checkpoint: current.name },
    });
  useShortcuts([
    { key: 'c', when: free && running, run: checkpointNow },
    { key: 'C', when: free && running, run: () => setDialog('checkpoint') },
    {
      key: 'r',
      when: free && Boolean(current),
      run: () => (running ? setDialog('restore-running') : doRestore(false)),
    },
    { key: 'n', when: free && Boolean(current), run: () => setDialog('clone') },
    { key: 'm', when: free && running, run: () => setDialog('migrate') },
    { key: 's', when: !dialog && (running || Boolean(policy)), run: () => setDialog('schedule') },
    { key: 'i', when: !dialog && Boolean(current), run: inspectCurrent },
    { key: 'Delete', when: free && Boolean(current), run: () => setDialog('delete') },
    { key: 'Escape', when: !dialog, run: () => navigate({ view: 'containers' }) },
  ]);

  // The migrate dialog sits first in both trees below, so that it stays open (with its progress)
  // when a migration removes this container from under it.
  const migrateDialog =
    dialog === 'migrate' ? (
      <MigrateDialog
        engineId={engineId}
        containerId={containerId}
        containerName={container?.name ?? containerId}
        onClose={() => setDialog(null)}
      />
    ) : null;

  if (!container) {
    return loaded ? (
      <>
        {migrateDialog}
        <EmptyState title="This container is gone">
          <p>
            It was removed from the engine
            {op?.kind === 'migrate' && op.done && !op.error ? ' after moving to another one' : ''}.
          </p>
          <button type="button" className="secondary" onClick={() => navigate({ view: 'containers' })}>
            Back to containers
          </button>
        </EmptyState>
      </>
    ) : (
      <EmptyState title="Loading…" />
    );
  }

  // What the dialogs on the selected checkpoint act on.
  const onCurrent: CheckpointDialogProps | null = current && {
    engineId,
    containerId,
    containerName: container.name,
    checkpoint: current.name,
    onClose: () => setDialog(null),
  };

  return (
    <>
      {migrateDialog}
      <section className="view container-view" aria-labelledby="container-title">
        <header className="view-header">
          <div>
            <button type="button" className="link" onClick={() => navigate({ view: 'containers' })}>
              ← Containers
            </button>
            <h1 id="container-title">
              {container.name} <StateBadge state={container.state} label={container.status} />
            </h1>
            <p className="muted">
              {container.image} · {container.command}
              {container.startedAt ? ` · up ${duration(now - container.startedAt)}` : ''}
            </p>
          </div>
          <div className="toolbar">
            {!running && sorted.some((c) => c.status === 'present') && (
              <button
                type="button"
                className="secondary"
                disabled={busy}
                onClick={restoreNewest}
                title="Bring the container back from its newest checkpoint"
              >
                Restore newest
              </button>
            )}
            <button
              type="button"
              className="secondary"
              disabled={!running || busy}
              onClick={() => setDialog('migrate')}
              title="Move it to another engine (m)"
            >
              Migrate…
            </button>
            <button
              type="button"
              className="secondary"
              disabled={!running && !policy}
              onClick={() => setDialog('schedule')}
              title="Checkpoint on a schedule (s)"
            >
              Schedule…
            </button>
            <span className="split-button">
              <button
                type="button"
                className="primary"
                disabled={!running || busy}
                onClick={checkpointNow}
                title={
                  running
                    ? `Checkpoint now, ${lastLeaveRunning() ? 'leaving it running' : 'stopping it'} as last time (c)`
                    : 'Only a running container can be checkpointed'
                }
                data-checkpoint-now
              >
                Checkpoint now
                <small>{lastLeaveRunning() ? 'keeps running' : 'stops it'}</small>
              </button>
              <button
                type="button"
                className="primary"
                disabled={!running || busy}
                onClick={() => setDialog('checkpoint')}
                aria-label="Checkpoint…"
                title="Name, note and options (Shift+C)"
              >
                ▾
              </button>
            </span>
          </div>
        </header>

        {op && (
          <div className="op-status" data-op-kind={op.kind} data-op-done={op.done ? 'yes' : 'no'}>
            {op.error ? (
              <ErrorBox error={op.error} />
            ) : (
              <Banner kind={op.done ? 'info' : 'warning'} title={op.message || 'Working…'} />
            )}
            {op.done && (
              <button type="button" className="link" onClick={() => clearOp(engineId, containerId)}>
                Dismiss
              </button>
            )}
          </div>
        )}

        {failure && (
          <div className="op-status" data-schedule-failure>
            <Banner
              kind="error"
              title={`A scheduled checkpoint failed ${new Date(failure.startedAt).toLocaleTimeString()}`}
            >
              <p>{failure.error}</p>
            </Banner>
            <button
              type="button"
              className="link"
              onClick={() => useSchedules.getState().dismissFailure(engineId, containerId)}
            >
              Dismiss
            </button>
          </div>
        )}
        {scheduleError && <ErrorBox error={scheduleError} />}
        {policy && (
          <ScheduleBar
            policy={policy}
            runs={runs ?? []}
            now={now}
            engineId={engineId}
            containerId={containerId}
          />
        )}
        {listError && <ErrorBox error={listError} />}
        <CloneGroups engineId={engineId} containerId={containerId} />

        {list && sorted.length === 0 ? (
          <EmptyState title="No checkpoints yet">
            <p>
              {running
                ? 'Press Checkpoint now (or c) to save this container’s whole state: memory, processes, open files; ▾ (or Shift+C) for a name, a note and options.'
                : 'Start the container to checkpoint it.'}
            </p>
          </EmptyState>
        ) : (
          sorted.length > 0 && (
            <>
              <Timeline
                checkpoints={sorted}
                containerCreatedAt={container.createdAt}
                now={now}
                selected={current?.name ?? null}
                onSelect={setSelected}
                failures={(runs ?? [])
                  .filter((r) => r.outcome === 'failed')
                  .map((r) => ({ at: r.startedAt, message: r.error ?? 'failed' }))}
                gaps={policy ? scheduleGaps(runs ?? [], policy.everyMs) : []}
              />
              <CheckpointList
                checkpoints={sorted}
                now={now}
                selected={current?.name ?? null}
                onSelect={setSelected}
              />
            </>
          )
        )}

        {current && (
          <CheckpointDetails
            key={`${current.name}\n${current.note}`}
            record={current}
            now={now}
            containerRunning={running}
            busy={busy}
            onRestore={() => (running ? setDialog('restore-running') : doRestore(false))}
            onClone={() => setDialog('clone')}
            onExport={() => setDialog('export')}
            onSaveImage={() => setDialog('image')}
            onDelete={() => setDialog('delete')}
            onInspect={inspectCurrent}
            onSaveNote={(note) => saveNote(engineId, containerId, current.name, note)}
          />
        )}

        <LogPane engineId={engineId} containerId={containerId} />

        {dialog === 'checkpoint' && (
          <CheckpointDialog
            open
            containerName={container.name}
            taken={sorted.filter((c) => c.status === 'present').map((c) => c.name)}
            onClose={() => setDialog(null)}
            onCreate={(o) => {
              setDialog(null);
              void create(engineId, containerId, o).then((r) => r && setSelected(r.name));
            }}
          />
        )}
        {onCurrent && dialog === 'clone' && <CloneDialog open {...onCurrent} />}
        {onCurrent && dialog === 'export' && <ExportDialog {...onCurrent} />}
        {onCurrent && dialog === 'image' && <SaveImageDialog {...onCurrent} />}
        {dialog === 'schedule' && (
          <ScheduleDialog
            open
            containerName={container.name}
            current={policy ?? null}
            onClose={() => setDialog(null)}
            onSave={(settings) => {
              setDialog(null);
              void useSchedules.getState().save(engineId, containerId, settings);
            }}
          />
        )}
        <ConfirmDialog
          open={dialog === 'delete'}
          title={`Delete ${current?.name ?? ''}?`}
          confirmLabel="Delete"
          danger
          onCancel={() => setDialog(null)}
          onConfirm={() => {
            if (!current) return;
            setDialog(null);
            void remove(engineId, containerId, current.name).then(() => setSelected(null));
          }}
        >
          <p>The checkpoint&apos;s files are removed from the engine. This cannot be undone.</p>
        </ConfirmDialog>
        <ConfirmDialog
          open={dialog === 'restore-running'}
          title={`Replace the running ${container.name}?`}
          confirmLabel="Stop and restore"
          danger
          onCancel={() => setDialog(null)}
          onConfirm={() => doRestore(true)}
        >
          <p>
            {container.name} is running. Restoring <strong>{current?.name}</strong> stops it and replaces its
            current state — memory, processes, everything since — with the checkpoint&apos;s. Its current
            state is saved first: if the restore fails, it runs on from there.
          </p>
        </ConfirmDialog>
      </section>
    </>
  );
}
