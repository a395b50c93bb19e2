import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { ago, bytes } from '../../../electron/shared/format';
import { Banner } from '../components/Banner';
import { EmptyState } from '../components/EmptyState';
import { ViewHeader } from '../components/ViewHeader';
import { selectedEngine, useApp } from '../store/app-store';
import { useNow } from '../hooks/use-now';
import { toErrorInfo } from '../../../electron/ipc/errors';

const ICON = { ok: '✓', warning: '!', blocking: '✕' } as const;
const LABEL = { ok: 'OK', warning: 'Warning', blocking: 'Blocking' } as const;

export function DoctorView() {
  const doctor = useApp((s) => s.doctor);
  const runDoctor = useApp((s) => s.runDoctor);
  const engine = useApp(selectedEngine);
  const now = useNow(5000);
  const [cleaning, setCleaning] = useState<{ busy: boolean; message: string | null }>({
    busy: false,
    message: null,
  });
  const clean = async () => {
    setCleaning({ busy: true, message: null });
    try {
      const c = await api.call('doctor.clean', engine ? { engineId: engine.id } : {});
      setCleaning({
        busy: false,
        message: `Removed ${c.removed} (${bytes(c.bytes)})${c.busy ? `; ${c.busy} left alone: in use or recent` : ''}${c.failed.length ? `; ${c.failed.length} could not be removed` : ''}.`,
      });
      void runDoctor();
    } catch (e) {
      setCleaning({ busy: false, message: toErrorInfo(e).message });
    }
  };

  useEffect(() => {
    void runDoctor();
  }, [runDoctor]);

  const report = doctor.report;
  return (
    <section aria-labelledby="doctor-title" className="view">
      <ViewHeader
        titleId="doctor-title"
        title="Host doctor"
        note={
          <>
            CRIU, the kernel{engine ? ` and ${engine.name}` : ''}: what works, what blocks checkpoints, and
            how to fix it. What the engine can do is measured, not guessed from its version: a throwaway
            container is checkpointed, restored and cloned on each kind of network.
          </>
        }
        toolbar={
          <>
            <button
              type="button"
              className="primary"
              onClick={() => void runDoctor()}
              disabled={doctor.running}
            >
              {doctor.running ? 'Checking…' : 'Check again'}
            </button>
            {engine && (
              <button
                type="button"
                className="secondary"
                data-remeasure
                title="Run the throwaway probe again: checkpoint, restore and clone on each network kind"
                onClick={() => void runDoctor(true)}
                disabled={doctor.running}
              >
                Measure {engine.name} again
              </button>
            )}
          </>
        }
      />
      {doctor.error && (
        <Banner kind="error" title={doctor.error.message}>
          {doctor.error.hint}
        </Banner>
      )}
      {!report && !doctor.error && <EmptyState title="Checking the host…" />}
      {report && (
        <>
          <p className="summary" aria-live="polite">
            <span className="pill pill-ok">{report.summary.ok} ok</span>
            <span className="pill pill-warning">
              {report.summary.warning} warning{report.summary.warning === 1 ? '' : 's'}
            </span>
            <span className="pill pill-blocking">{report.summary.blocking} blocking</span>
            <span className="muted"> · checked {ago(report.generatedAt, now)}</span>
          </p>
          <ul className="doctor-list">
            {report.items.map((item) => (
              <li key={item.id} className={`doctor-item doctor-${item.status}`} data-item={item.id}>
                <span className="doctor-icon" aria-hidden="true">
                  {ICON[item.status]}
                </span>
                <div>
                  <div className="doctor-title">
                    {item.title} <span className="visually-hidden">({LABEL[item.status]})</span>
                  </div>
                  <div className="doctor-detail">{item.detail}</div>
                  {item.fix && item.status !== 'ok' && (
                    <div className="doctor-fix">
                      <strong>Fix:</strong> {item.fix}
                    </div>
                  )}
                  {item.id === 'engine.leaked-restores' && item.status !== 'ok' && (
                    <button
                      type="button"
                      className="secondary"
                      data-clean-leftovers
                      disabled={cleaning.busy}
                      onClick={() => void clean()}
                    >
                      {cleaning.busy ? 'Removing…' : 'Remove leftovers'}
                    </button>
                  )}
                  {item.id === 'engine.leaked-restores' && cleaning.message && (
                    <p role="status" className="muted" data-cleaned>
                      {cleaning.message}
                    </p>
                  )}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
