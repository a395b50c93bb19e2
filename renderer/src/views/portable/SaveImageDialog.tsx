import { useState } from 'react';
import { toErrorInfo, type ErrorInfo } from '../../../../electron/ipc/errors';
import { bytes } from '../../../../electron/shared/format';
import { api } from '../../api/client';
import { ErrorBox } from '../../components/ErrorBox';
import { Modal } from '../../components/Modal';
import { useOperationProgress } from '../../hooks/use-operation-progress';
import { useApp } from '../../store/app-store';
import type { CheckpointDialogProps } from '../container/dialog-props';
import { defaultImageName, imageNameProblem } from './image-text';

/** A checkpoint kept as an OCI image in the engine's image store, to push, pull and restore from. */
export function SaveImageDialog(props: CheckpointDialogProps) {
  const [checkpoint] = useState(props.checkpoint);
  const navigate = useApp((s) => s.navigate);
  const [image, setImage] = useState(defaultImageName(props.containerName, props.checkpoint));
  const [phase, setPhase] = useState<'choose' | 'saving' | 'done'>('choose');
  const [outcome, setOutcome] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const progress = useOperationProgress();
  const problem = imageNameProblem(image);
  const close = () => {
    if (phase !== 'saving') props.onClose();
  };

  const run = async () => {
    const opId = progress.start();
    setPhase('saving');
    setError(null);
    try {
      const r = await api.call('images.create', {
        engineId: props.engineId,
        container: props.containerId,
        checkpoint,
        image,
        opId,
      });
      setOutcome(`${r.image} is in the engine’s images (${bytes(r.bytes)})`);
      setPhase('done');
    } catch (e) {
      setError(toErrorInfo(e));
      setPhase('choose');
    }
  };

  return (
    <Modal open title="Save as image" onClose={close} busy={phase === 'saving'}>
      <form
        className="modal-body form"
        data-image-dialog
        onSubmit={(e) => {
          e.preventDefault();
          if (phase === 'choose' && !problem) void run();
        }}
      >
        <p className="muted">
          {props.containerName}:{checkpoint} as an OCI image (one layer: its archive), which Podman restores
          itself and any registry can hold.
        </p>
        <label>
          <span>Image name</span>
          <input
            value={image}
            onChange={(e) => setImage(e.target.value)}
            disabled={phase !== 'choose'}
            aria-invalid={Boolean(problem)}
            spellCheck={false}
            autoFocus
          />
        </label>
        {problem && <p className="field-error">{problem}</p>}
        {phase === 'saving' && <p aria-live="polite">{progress.lines.at(-1) ?? 'Saving…'}</p>}
        {phase === 'done' && (
          <p role="status" data-image-done>
            {outcome}
          </p>
        )}
        {error && <ErrorBox error={error} />}
        <div className="modal-actions">
          {phase === 'done' ? (
            <>
              <button type="button" className="secondary" onClick={close}>
                Close
              </button>
              <button
                type="button"
                className="primary"
                onClick={() => navigate({ view: 'images' })}
                autoFocus
              >
                Show images
              </button>
            </>
          ) : (
            <>
              <button type="button" className="secondary" onClick={close} disabled={phase === 'saving'}>
                Cancel
              </button>
              <button type="submit" className="primary" disabled={phase === 'saving' || Boolean(problem)}>
                Save
              </button>
            </>
          )}
        </div>
      </form>
    </Modal>
  );
}
