// The one table style of the CLI (lab show, sockopt, checksum, decode --verbose, tos): light
// box-drawing borders, a rule under the header and at the bottom only, so long tables stay
// readable in a terminal and in a pasted lesson. On a terminal a table fits its width: the widest
// columns wrap first (fitWidths); into a pipe or a file it keeps its natural widths.
import { getBorderCharacters, table, type ColumnUserConfig } from 'table';

export interface TableOptions {
  /** Per-column settings of the `table` package (alignment, width, wrapping). */
  columns?: ColumnUserConfig[];
  /** The widest the table may be, borders included; default: the terminal's, when stdout is one. */
  maxWidth?: number | null;
}

/** Columns of stdout when it is a terminal, else null (a pipe or a file takes any width). */
export function stdoutWidth(): number | null {
  return process.stdout.isTTY === true && (process.stdout.columns ?? 0) > 0 ? process.stdout.columns : null;
}

/** The narrowest a column is made, unless its header is wider (or its widest cell narrower). */
const MIN_COLUMN = 8;

/** Characters of the widest line of `text` (cells here are plain text, one column per character). */
function lineWidth(text: string): number {
  let widest = 0;
  for (const line of text.split('\n')) widest = Math.max(widest, [...line].length);
  return widest;
}

/**
 * Column widths (text only) that make a table of these cells at most `maxWidth` wide. Every
 * column starts at its natural width (capped by `widths`, the widths asked for); while too wide,
 * the widest columns are narrowed to a common cap, never below a floor (MIN_COLUMN or the
 * header's width). The columns given a width (prose that wraps) give way first; the others
 * (names, addresses) only when that is not enough. A table that cannot fit even at the floors
 * is left at them.
 */
export function fitWidths(cells: readonly (readonly string[])[], maxWidth: number, widths: readonly (number | undefined)[] = []): number[] {
  const n = cells[0]?.length ?? 0;
  const natural = Array.from({ length: n }, (_, i) => {
    const w = Math.max(1, ...cells.map((row) => lineWidth(row[i] ?? '')));
    return Math.min(w, widths[i] ?? w);
  });
  const floor = natural.map((w, i) => Math.min(w, Math.max(MIN_COLUMN, lineWidth(cells[0]?.[i] ?? ''))));
  const budget = maxWidth - (1 + 3 * n); // "│ " before each cell, " " after it, "│" at the end
  const prose = natural.map((_, i) => widths[i] !== undefined);
  const anyProse = prose.some((p) => p);
  const fitted = waterFill(natural, floor, budget, anyProse ? prose : natural.map(() => true));
  return fitted ?? waterFill(natural, floor, budget, natural.map(() => true)) ?? floor;
}

/** `natural` with the columns marked `narrowable` capped at the largest cap that fits `budget` (null: none does). */
function waterFill(natural: readonly number[], floor: readonly number[], budget: number, narrowable: readonly boolean[]): number[] | null {
  const at = (cap: number): number[] => natural.map((w, i) => (narrowable[i] ? Math.max(floor[i]!, Math.min(w, cap)) : w));
  const sum = (ws: number[]): number => ws.reduce((a, b) => a + b, 0);
  if (sum(at(Number.POSITIVE_INFINITY)) <= budget) return [...natural];
  if (sum(at(0)) > budget) return null;
  let low = 0;
  let high = Math.max(...natural);
  while (low < high) {
    const cap = Math.ceil((low + high) / 2);
    if (sum(at(cap)) <= budget) low = cap;
    else high = cap - 1;
  }
  return at(low);
}

/** Renders a header row plus data rows; every cell is turned into a string. */
export function renderTable(header: readonly string[], rows: readonly (readonly unknown[])[], options: TableOptions = {}): string {
  const cells = [header.map(String), ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))))];
  let columns = options.columns;
  const maxWidth = options.maxWidth === undefined ? stdoutWidth() : options.maxWidth;
  if (maxWidth !== null) {
    const asked = header.map((_, i) => columns?.[i]?.width);
    const fitted = fitWidths(cells, maxWidth, asked);
    // A table that fits as it is keeps its columns: the simple drawing below can take it.
    const natural = fitWidths(cells, Number.POSITIVE_INFINITY, asked);
    if (fitted.some((w, i) => w !== natural[i])) columns = fitted.map((width, i) => ({ ...columns?.[i], width, wrapWord: columns?.[i]?.wrapWord ?? true }));
  }
  return plainTable(cells, { columns: columns ?? [] }) ?? table(cells, {
    border: getBorderCharacters('norc'),
    drawHorizontalLine: (index, size) => index <= 1 || index === size,
    ...(columns ? { columns } : {}),
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
