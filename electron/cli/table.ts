// Plain-text tables for the terminal: columns padded to their widest cell.
import type { CliIo } from './cli-io';

export function table(headers: string[], rawRows: string[][]): string {
  // A cell is one line: a note with a newline in it would break every column after it.
  const rows = rawRows.map((r) => r.map((c) => c.replace(/\r?\n/g, ' ⏎ ')));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/**
 * A listing command's output: its rows as JSON when asked (an empty list too, for scripts), else a
 * table, or `empty` said where there is nothing to show (on stderr with `emptyToErr`: a note, not data).
 */
export function printList<T>(
  io: CliIo,
  o: { json: boolean; empty?: string; emptyToErr?: boolean },
  rows: T[],
  headers: string[],
  cells: (row: T) => string[],
): void {
  if (o.json) io.out(JSON.stringify(rows, null, 2));
  else if (!rows.length && o.empty !== undefined) (o.emptyToErr ? io.err : io.out)(o.empty);
  else io.out(table(headers, rows.map(cells)));
}
