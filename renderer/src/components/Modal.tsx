import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal built on <dialog>: the browser traps focus and handles Esc; we refuse to close while
 * `busy` so that a running operation is never hidden by accident.
 */
export function Modal(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  busy?: boolean;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className={`modal ${props.wide ? 'modal-wide' : ''}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!props.busy) props.onClose();
      }}
    >
      {props.open && (
        <>
          <h2 id={titleId} className="modal-title">
            {props.title}
          </h2>
          {props.children}
        </>
      )}
    </dialog>
  );
}
