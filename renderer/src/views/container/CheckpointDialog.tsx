import { useState } from 'react';
import { lastLeaveRunning, rememberLeaveRunning } from '../../store/checkpoint-prefs';
import { Modal } from '../../components/Modal';
import { FormActions } from '../../components/FormActions';

const NAME_RULE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function nameProblem(name: string): string | null {
  if (!name) return null;
  if (!NAME_RULE.test(name))
    return 'Start with a letter or digit; then letters, digits, "_", "." or "-" (at least 2 characters).';
  if (name.endsWith('.')) return 'A name cannot end with ".".';
  if (name.length > 128) return 'At most 128 characters.';
  return null;
}

export function CheckpointDialog(props: {
  open: boolean;
  containerName: string;
  taken: string[];
  onClose: () => void;
  onCreate: (o: { name?: string; leaveRunning: boolean; note?: string }) => void;
}) {
  const [name, setName] = useState('');
  const [leaveRunning, setLeaveRunning] = useState(lastLeaveRunning);
  const [note, setNote] = useState('');
  const problem =
    nameProblem(name) ??
    (props.taken.includes(name) ? `${props.containerName} already has a checkpoint named "${name}".` : null);

  return (
    <Modal open={props.open} title={`Checkpoint ${props.containerName}`} onClose={props.onClose}>
      <form
        className="modal-body form"
        onSubmit={(e) => {
          e.preventDefault();
          if (problem) return;
          rememberLeaveRunning(leaveRunning);
          props.onCreate({ leaveRunning, ...(name ? { name } : {}), ...(note ? { note } : {}) });
        }}
      >
        <label>
          <span>Name</span>
          <input
            type="text"
            value={name}
            placeholder="automatic: cp-date-time"
            onChange={(e) => setName(e.target.value.trim())}
            aria-invalid={Boolean(problem)}
            autoFocus
          />
        </label>
        {problem && <p className="field-error">{problem}</p>}
        <label className="check">
          <input type="checkbox" checked={leaveRunning} onChange={(e) => setLeaveRunning(e.target.checked)} />
          Leave it running (otherwise it stops, to be restored later)
        </label>
        <label>
          <span>Note</span>
          <input
            type="text"
            value={note}
            maxLength={2000}
            onChange={(e) => setNote(e.target.value)}
            placeholder="optional"
          />
        </label>
        <details className="advanced">
          <summary>Options Docker cannot pass</summary>
          <label className="check disabled">
            <input type="checkbox" disabled /> Keep established TCP connections
          </label>
          <label className="check disabled">
            <input type="checkbox" disabled /> Save file locks
          </label>
          <p className="muted">
            Docker&apos;s checkpoint API hands runc only &quot;leave running&quot;; CRIU&apos;s
            --tcp-established and --file-locks cannot be asked for. A container with open client connections
            or held locks fails to checkpoint, and the error says so. Close them first, or use a Podman
            engine.
          </p>
        </details>
        <FormActions onCancel={props.onClose} disabled={Boolean(problem)}>
          Checkpoint
        </FormActions>
      </form>
    </Modal>
  );
}
