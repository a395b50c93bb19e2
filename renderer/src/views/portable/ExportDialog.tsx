import { useEffect, useRef, useState } from 'react';
import type { CompressionT } from '../../../../electron/ipc/contract';
import { toErrorInfo, type ErrorInfo } from '../../../../electron/ipc/errors';
import { bytes } from '../../../../electron/shared/format';
import { api } from '../../api/client';
import { downloadFile } from '../../api/download';
import { CancelButton } from '../../components/CancelButton';
import { ErrorBox } from '../../components/ErrorBox';
import { Modal } from '../../components/Modal';
import { useOperationProgress } from '../../hooks/use-operation-progress';
import { useApp } from '../../store/app-store';
import type { CheckpointDialogProps } from '../container/dialog-props';

const COMPRESSIONS: { value: CompressionT; label: string }[] = [
  { value: 'zstd', label: 'zstd (small and quick)' },
  { value: 'gzip', label: 'gzip (for older tools)' },
  { value: 'none', label: 'none (a plain tar)' },
];

type Phase = 'choose' | 'exporting' | 'downloading' | 'done';

/**
 * One checkpoint as one archive: saved where the user says on the desktop, downloaded in browser
 * mode. An export reads the checkpoint and changes nothing on the engine; cancelled, its
 * half-written file is removed.
 */
export function ExportDialog(props: CheckpointDialogProps) {
  // The checkpoint as it was when the dialog opened: a new one arriving moves the selection.
  const [checkpoint] = useState(props.checkpoint);
  const desktop = useApp((s) => s.info?.host === 'electron');
  const [compression, setCompression] = useState<CompressionT>('zstd');
  const [phase, setPhase] = useState<Phase>('choose');
  const [outcome, setOutcome] = useState('');
  const [downloading, setDownloading] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [opId, setOpId] = useState<string | null>(null);
  const progress = useOperationProgress();
  const working = phase === 'exporting' || phase === 'downloading';
  const select = useRef<HTMLSelectElement>(null);

  // The fields were disabled while it ran, which took the focus away: give it back to try again.
  useEffect(() => {
    if (error) select.current?.focus();
  }, [error]);

  const close = () => {
    if (!working) props.onClose();
  };

  const run = async () => {
    const opId = progress.start();
    setOpId(opId);
    setPhase('exporting');
    setError(null);
    try {
      const r = await api.call('checkpoints.export', {
        engineId: props.engineId,
        container: props.containerId,
        checkpoint,
        compression,
        opId,
      });
      if (r.savedTo) {
        setOutcome(`Saved to ${r.savedTo} (${bytes(r.bytes)})`);
        setPhase('done');
      } else if (r.fileId) {
        setDownloading(r.name);
        setPhase('downloading');
        await downloadFile(r.fileId, r.name);
        setOutcome(`${r.name} (${bytes(r.bytes)}) is in your browser’s downloads`);
        setPhase('done');
      } else {
        // The user closed the save dialog: that was their answer, nothing to report.
        props.onClose();
      }
    } catch (e) {
      setError(toErrorInfo(e));
      setPhase('choose');
    }
  };

  const status =
    phase === 'downloading'
      ? `Downloading ${downloading}…`
      : (progress.lines[progress.lines.length - 1] ?? (desktop ? 'Choose where to save it…' : 'Exporting…'));

  return (
    <Modal open title="Export checkpoint" onClose={close} busy={working}>
      <form
        className="modal-body form"
        data-export-dialog
        onSubmit={(e) => {
          e.preventDefault();
          if (phase === 'choose') void run();
        }}
      >
        <p className="muted">
          {props.containerName}:{checkpoint} as one archive, in the layout Podman and checkpointctl read.
        </p>
        <label>
          <span>Compression</span>
          <select
            ref={select}
            value={compression}
            disabled={phase !== 'choose'}
            onChange={(e) => setCompression(e.target.value as CompressionT)}
            // A select does not submit its form on Enter by itself; the other dialogs' fields do.
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
            autoFocus
          >
            {COMPRESSIONS.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        {working && (
          <p aria-live="polite" data-export-status>
            {status}
          </p>
        )}
        {phase === 'done' && (
          <p role="status" data-export-done>
            {outcome}
          </p>
        )}
        {error && <ErrorBox error={error} />}
        <div className="modal-actions">
          {phase === 'done' ? (
            <button type="button" className="primary" onClick={close} autoFocus>
              Close
            </button>
          ) : (
            <>
              {/* While it writes, Cancel ends the export (its half-written file is removed). */}
              {phase === 'exporting' && opId ? (
                <CancelButton opId={opId} />
              ) : (
                <button type="button" className="secondary" onClick={close} disabled={working}>
                  Cancel
                </button>
              )}
              <button type="submit" className="primary" disabled={working} aria-busy={working}>
                Export
              </button>
            </>
          )}
        </div>
      </form>
    </Modal>
  );
}
