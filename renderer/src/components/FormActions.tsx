import type { ReactNode } from 'react';

/** A dialog form's last row: Cancel, and the button that submits it (labelled by `children`). */
export function FormActions(props: { onCancel: () => void; disabled: boolean; children: ReactNode }) {
  return (
    <div className="modal-actions">
      <button type="button" className="secondary" onClick={props.onCancel}>
        Cancel
      </button>
      <button type="submit" className="primary" disabled={props.disabled}>
        {props.children}
      </button>
    </div>
  );
}
