import { useState } from 'react';
import { api } from '../api/client';

/**
 * Cancels a long operation. Cancelling is a failure asked for: the operation undoes what it made
 * (clones removed, a migrated source back where it was) and reports it like any failure.
 */
export function CancelButton(props: { opId: string }) {
  const [asked, setAsked] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      data-cancel-op
      disabled={asked}
      onClick={() => {
        setAsked(true);
        void api.call('operations.cancel', { opId: props.opId }).catch(() => setAsked(false));
      }}
    >
      {asked ? 'Cancelling…' : 'Cancel'}
    </button>
  );
}
