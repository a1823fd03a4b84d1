// The one table style of the CLI (lab show, sockopt, checksum, decode --verbose, tos): light
// box-drawing borders, a rule under the header and at the bottom only, so long tables stay
// readable in a terminal and in a pasted lesson.
import { getBorderCharacters, table, type ColumnUserConfig } from 'table';

export interface TableOptions {
  /** Per-column settings of the `table` package (alignment, width, wrapping). */
  columns?: ColumnUserConfig[];
}

/** Renders a header row plus data rows; every cell is turned into a string. */
export function renderTable(header: readonly string[], rows: readonly (readonly unknown[])[], options: TableOptions = {}): string {
  const cells = [header.map(String), ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))))];
  return table(cells, {
    border: getBorderCharacters('norc'),
    drawHorizontalLine: (index, size) => index <= 1 || index === size,
    ...(options.columns ? { columns: options.columns } : {}),
  });
}
