import type { ReactNode } from 'react';

export function Banner(props: { kind: 'error' | 'warning' | 'info'; title: string; children?: ReactNode }) {
  return (
    <div className={`banner banner-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      <strong>{props.title}</strong>
      {props.children && <div className="banner-body">{props.children}</div>}
    </div>
  );
}
