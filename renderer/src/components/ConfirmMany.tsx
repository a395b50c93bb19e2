import type { ReactNode } from 'react';
import { ConfirmDialog } from './ConfirmDialog';

/** Asks before doing something that cannot be undone to one thing or many, named by count. */
export function ConfirmMany(props: {
  open: boolean;
  verb: string;
  /** What many of them are called, e.g. "containers". */
  noun: string;
  names: string[];
  onCancel: () => void;
  onConfirm: () => void;
  children: ReactNode;
}) {
  const one = props.names.length === 1;
  return (
    <ConfirmDialog
      open={props.open}
      danger
      title={one ? `${props.verb} ${props.names[0]}?` : `${props.verb} ${props.names.length} ${props.noun}?`}
      confirmLabel={one ? props.verb : `${props.verb} ${props.names.length}`}
      onCancel={props.onCancel}
      onConfirm={props.onConfirm}
    >
      {props.children}
    </ConfirmDialog>
  );
}

/** The first eight names, and how many more: enough to recognise a selection. */
export function FewNames({ names }: { names: string[] }) {
  return (
    <>
      {names.slice(0, 8).join(', ')}
      {names.length > 8 ? ` and ${names.length - 8} more` : ''}
    </>
  );
}
