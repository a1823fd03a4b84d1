// The markdown table printed to stdout (and pasted into README's performance section).
// Every cell shows the median with the min-max of the runs beside it; a loss starts with "LOSS".

import type { Row } from './harness.js';
import type { Spread } from './stats.js';

/** A figure with three significant digits and a k/M suffix for large rates. */
export function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  return trim(v);
}

function trim(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/** "90.1k (88.0k-91.2k)", or "-" when the side has no figure. */
export function formatSpread(s: Spread | null): string {
  if (s === null) return '-';
  if (s.min === s.max) return formatNumber(s.median);
  return `${formatNumber(s.median)} (${formatNumber(s.min)}–${formatNumber(s.max)})`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The results as a GitHub markdown table, one line per row. */
export function markdownTable(rows: readonly Row[]): string {
  const head = ['#', 'what', 'units', 'rawprobe', 'ours', 'other tool', 'theirs', 'ours/theirs', 'runs', 'verdict'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const number = r.id.split('.')[0] ?? '';
    lines.push(
      `| ${[
        number,
        r.what,
        r.units,
        `\`${r.oursTool}\``,
        formatSpread(r.spread.ours),
        r.theirsTool === '' ? '-' : `\`${r.theirsTool}\``,
        formatSpread(r.spread.theirs),
        r.ratio === null ? '-' : r.ratio.toFixed(r.ratio >= 10 ? 0 : 2),
        String(r.runs),
        r.verdict,
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** Notes worth reading under the table (cross-checks, caveats), each once, with its row number. */
export function markdownNotes(rows: readonly Row[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of rows) {
    for (const n of r.notes) {
      const line = `- (${r.id.split('.')[0] ?? ''}) ${n}`;
      if (!seen.has(line)) {
        seen.add(line);
        out.push(line);
      }
    }
  }
  return out.join('\n');
}
