import { Fragment, type ReactNode } from 'react';

/**
 * A table's header row. A string is a plain column header; anything else is a header cell of its
 * own (a sort button, a hidden label), placed as it is.
 */
export function ColumnHeads({ titles }: { titles: ReactNode[] }) {
  return (
    <thead>
      <tr>
        {titles.map((t, i) =>
          typeof t === 'string' ? (
            <th key={i} scope="col">
              {t}
            </th>
          ) : (
            <Fragment key={i}>{t}</Fragment>
          ),
        )}
      </tr>
    </thead>
  );
}

/** The header of a column of buttons: named for screen readers, blank on screen. */
export const ACTIONS_HEAD = (
  <th scope="col">
    <span className="visually-hidden">Actions</span>
  </th>
);
