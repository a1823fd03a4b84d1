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
  return plainTable(cells, options) ?? table(cells, {
    border: getBorderCharacters('norc'),
    drawHorizontalLine: (index, size) => index <= 1 || index === size,
    ...(options.columns ? { columns: options.columns } : {}),
  });
}

/** One printable ASCII character per column of the terminal: a cell the simple drawing can measure by its length. */
const PLAIN = /^[\x20-\x7e]*$/;

/**
 * The same drawing as the `table` package's for a table of printable ASCII cells with no column
 * option but left or right alignment, or null for any other table. The package measures every
 * character of every cell for terminal width (ANSI codes, wide and astral characters) and wraps
 * them: for checksum's list of a thousand bad packets that alone cost more than checking 200,000
 * packets. test/cli/table.test.ts checks that both draw the same.
 */
export function plainTable(cells: readonly (readonly string[])[], options: TableOptions = {}): string | null {
  const columns = options.columns ?? [];
  if (columns.some((c) => Object.keys(c).some((k) => k !== 'alignment') || (c.alignment !== undefined && c.alignment !== 'left' && c.alignment !== 'right'))) return null;
  const count = cells[0]?.length ?? 0;
  const widths = new Array<number>(count).fill(0);
  for (const row of cells) {
    if (row.length !== count) return null;
    for (let i = 0; i < count; i++) {
      const cell = row[i]!;
      if (!PLAIN.test(cell)) return null;
      if (cell.length > widths[i]!) widths[i] = cell.length;
    }
  }
  const rule = (left: string, join: string, right: string): string => `${left}${widths.map((w) => '─'.repeat(w + 2)).join(join)}${right}\n`;
  const line = (row: readonly string[]): string =>
    `│${row.map((cell, i) => ` ${columns[i]?.alignment === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)} `).join('│')}│\n`;
  const out = [rule('┌', '┬', '┐'), line(cells[0]!)];
  if (cells.length > 1) out.push(rule('├', '┼', '┤'));
  for (let r = 1; r < cells.length; r++) out.push(line(cells[r]!));
  out.push(rule('└', '┴', '┘'));
  return out.join('');
}
