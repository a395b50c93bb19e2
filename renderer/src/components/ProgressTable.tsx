import type { ReactNode } from 'react';

export interface Column<T> {
  title: string;
  cell: (row: T) => ReactNode;
  className?: string | ((row: T) => string);
}

/**
 * A long operation's parts as rows (clones, migration stages), each with its state: one table for
 * every dialog that shows work under way. Rows carry data-state and a data attribute naming them.
 */
interface TableProps<T> {
  /** The data attribute that names the table, e.g. 'data-clone-results'. */
  tableAttr: `data-${string}`;
  rows: T[];
  columns: Column<T>[];
  /** The data attribute that names a row, e.g. 'data-clone'. */
  rowAttr: `data-${string}`;
}

type Part = { name: string; state: string };

export function ProgressTable<T extends Part>(props: TableProps<T>) {
  return (
    <table className="grid compact" {...{ [props.tableAttr]: '' }}>
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th key={c.title} scope="col">
              {c.title}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.name} {...{ [props.rowAttr]: r.name }} data-state={r.state}>
            {props.columns.map((c) => (
              <td key={c.title} className={typeof c.className === 'function' ? c.className(r) : c.className}>
                {c.cell(r)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The operation's last message, announced as it changes, above its table of parts. */
export function OperationProgress<T extends Part>(
  props: TableProps<T> & {
    /** The data attribute that names the message, e.g. 'data-clone-status'. */
    statusAttr: `data-${string}`;
    message: string | undefined;
  },
) {
  const { statusAttr, message, ...table } = props;
  return (
    <>
      <p aria-live="polite" {...{ [statusAttr]: true }}>
        {message}
      </p>
      <ProgressTable {...table} />
    </>
  );
}
