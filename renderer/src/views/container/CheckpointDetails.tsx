import { useState } from 'react';
import type { CheckpointRecordT } from '../../../../electron/ipc/contract';
import { ago, bytes, millis } from '../../../../electron/shared/format';
import { downtimeText } from './downtime';

const ORIGIN: Record<CheckpointRecordT['origin'], string> = {
  manual: 'made by hand',
  scheduled: 'made by a schedule',
  'clone-source': 'made to clone from',
  imported: 'imported',
  external: 'made outside Checkpoint Studio',
};

function us(v: number | null): string {
  return v === null ? '—' : millis(v / 1000);
}

export function CheckpointDetails(props: {
  record: CheckpointRecordT;
  now: number;
  containerRunning: boolean;
  busy: boolean;
  onRestore: () => void;
  onClone: () => void;
  onExport: () => void;
  onSaveImage: () => void;
  onDelete: () => void;
  onInspect: () => void;
  onSaveNote: (note: string) => Promise<boolean>;
}) {
  const r = props.record;
  const [note, setNote] = useState(r.note);
  // The parent keys this component by checkpoint and note: a saved note starts it afresh.
  const missing = r.status === 'missing';
  const comms = r.processes ? [...new Set(r.processes.map((p) => p.comm))] : [];
  // Each button: its label, class, action, whether it is disabled, and its tooltip.
  const actions: [string, string, () => void, boolean, string][] = [
    ['Restore', 'primary', props.onRestore, props.busy || missing, 'Restore into this container (r)'],
    ['Clone…', 'secondary', props.onClone, props.busy || missing, 'Start new containers from it (n)'],
    ['Inspect', 'secondary', props.onInspect, missing, 'See what it holds (i)'],
    [
      'Export…',
      'secondary',
      props.onExport,
      missing,
      'Write it to one archive file, for another host or Podman',
    ],
    [
      'Save as image…',
      'secondary',
      props.onSaveImage,
      missing,
      'Keep it as an OCI image, to push to a registry and restore anywhere',
    ],
    ['Delete…', 'danger', props.onDelete, props.busy, 'Delete (Del)'],
  ];

  return (
    <section className="details" aria-labelledby="details-title" data-checkpoint-details={r.name}>
      <header className="details-header">
        <div>
          <h2 id="details-title">{r.name}</h2>
          <p className="muted">
            {new Date(r.createdAt).toLocaleString()} · {ago(r.createdAt, props.now)} · {ORIGIN[r.origin]}
          </p>
        </div>
        <div className="toolbar">
          {actions.map(([label, className, onClick, disabled, title]) => (
            <button
              key={label}
              type="button"
              className={className}
              onClick={onClick}
              disabled={disabled}
              title={title}
            >
              {label}
            </button>
          ))}
        </div>
      </header>
      {missing && (
        <p className="banner banner-warning">
          The engine no longer has this checkpoint (deleted outside the app, or its container was removed).
          Its record and note are kept.
        </p>
      )}
      <dl className="facts">
        <dt>Container after checkpoint</dt>
        <dd>{r.mode === 'running' ? 'kept running' : r.mode === 'stopped' ? 'stopped' : 'not known'}</dd>
        <dt>Size on disk</dt>
        <dd>{r.sizeBytes === null ? 'reading…' : bytes(r.sizeBytes)}</dd>
        <dt>Memory dumped</dt>
        <dd>
          {r.pagesBytes === null
            ? '—'
            : `${bytes(r.pagesBytes)} (${(r.pagesDumped ?? 0).toLocaleString()} pages)`}
        </dd>
        <dt>Processes</dt>
        <dd data-processes>{r.processes ? `${r.processes.length}: ${comms.join(', ')}` : '—'}</dd>
        <dt>Downtime</dt>
        <dd data-downtime>{downtimeText(r)}</dd>
        <dt>Checkpoint took</dt>
        <dd>
          {r.durationMs === null
            ? 'not measured (made elsewhere)'
            : `${millis(r.durationMs)} (measured by Checkpoint Studio)`}
        </dd>
      </dl>
      <h3>CRIU timings</h3>
      {r.criuStats ? (
        <dl className="facts">
          <dt>Freezing</dt>
          <dd>{us(r.criuStats.freezingUs)}</dd>
          <dt>Frozen</dt>
          <dd>{us(r.criuStats.frozenUs)}</dd>
          <dt>Memory dump</dt>
          <dd>{us(r.criuStats.memdumpUs)}</dd>
          <dt>Memory write</dt>
          <dd>{us(r.criuStats.memwriteUs)}</dd>
          <dt>Pages scanned / written</dt>
          <dd>
            {r.criuStats.pagesScanned ?? '—'} / {r.criuStats.pagesWritten ?? '—'}
          </dd>
        </dl>
      ) : (
        <p className="muted">
          Not recorded: Docker (through containerd) deletes CRIU&apos;s statistics file after each dump. The
          time above is measured around the whole checkpoint.
        </p>
      )}
      <label className="note">
        <span>Note</span>
        <textarea
          value={note}
          rows={2}
          maxLength={2000}
          placeholder="Why this checkpoint matters…"
          onChange={(e) => setNote(e.target.value)}
        />
      </label>
      <div className="toolbar">
        <button
          type="button"
          className="secondary"
          disabled={note === r.note}
          onClick={() => void props.onSaveNote(note)}
        >
          Save note
        </button>
      </div>
    </section>
  );
}
