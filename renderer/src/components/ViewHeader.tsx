import type { ReactNode } from 'react';

/** A view's title (its id names the view's section), a line under it, and its toolbar. */
export function ViewHeader(props: {
  titleId: string;
  title: ReactNode;
  /** Above the title: a way back. */
  back?: ReactNode;
  note?: ReactNode;
  toolbar?: ReactNode;
}) {
  return (
    <header className="view-header">
      <div>
        {props.back}
        <h1 id={props.titleId}>{props.title}</h1>
        {props.note && <p className="muted">{props.note}</p>}
      </div>
      {props.toolbar && <div className="toolbar">{props.toolbar}</div>}
    </header>
  );
}
