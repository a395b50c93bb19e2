// Plain-text tables for the terminal: columns padded to their widest cell.
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
