import type { ReactNode } from 'react';

export function EmptyState(props: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <h2>{props.title}</h2>
      {props.children}
    </div>
  );
}
