// What `rawprobe sockopt` prints: one row per option of the socket option table, value read from
// the kernel (or the kernel's refusal), what it means; --json gives the same rows as objects.
import { formatOptionValue, jsonOptionValue, type OptionReading, type SocketReading } from '../../lib/sockopt/index.js';
import { describeError } from '../errors.js';
import { renderTable } from './table.js';

/** Why there is no table: the kernel would not open the socket. The addon's message starts
 * "socket ECODE: "; the code goes in brackets at the end instead. */
export function socketRefused(family: string, type: string, protocol: string | number | undefined, e: unknown): string {
  const p = protocol === undefined ? '' : ` protocol ${protocol}`;
  const code = (e as { code?: unknown }).code;
  const why = describeError(e).replace(/^socket [A-Z]+: /, '');
  const article = family === 'unix' ? 'a' : 'an';
  return `sockopt: the kernel refuses ${article} ${family} ${type}${p} socket${typeof code === 'string' ? ` (${code})` : ''}: ${why}`;
}

/** The VALUE cell: the value, what was set when it differs, or the refusal. */
function valueCell(r: OptionReading): string {
  const parts: string[] = [];
  if (r.error !== null) parts.push(`refused: ${r.error.code}`);
  else parts.push(formatOptionValue(r.name, r.value));
  if (r.set !== null) {
    const asked = formatOptionValue(r.name, r.set.requested);
    if (r.set.error !== null) parts.push(`(set ${asked} refused: ${r.set.error.code})`);
    else if (r.set.ignored) parts.push(`(set ${asked}: accepted, ignored by Linux)`);
    else if (asked !== parts[0]) parts.push(`(set ${asked})`);
    else parts.push('(set)');
  }
  return parts.join(' ');
}

export function sockoptText(s: SocketReading, verbose: boolean): string {
  const readable = s.rows.filter((r) => r.error === null).length;
  const head = `${s.family} ${s.type} socket, protocol ${s.protocol}: ${s.rows.length} options, ${readable} read, ${s.rows.length - readable} refused by the kernel\n`;
  const header = verbose ? ['LEVEL', 'OPTION', 'VALUE', 'MEANING', 'NOTE'] : ['LEVEL', 'OPTION', 'VALUE', 'MEANING'];
  const rows = s.rows.map((r) => {
    const row: string[] = [r.level, r.name, valueCell(r), r.meaning];
    if (verbose) row.push([r.note ?? '', r.error !== null ? r.error.message : ''].filter((x) => x !== '').join('\n'));
    return row;
  });
  const columns = verbose
    ? [{}, {}, { width: 24, wrapWord: true }, { width: 40, wrapWord: true }, { width: 40, wrapWord: true }]
    : [{}, {}, { width: 28, wrapWord: true }, { width: 56, wrapWord: true }];
  return head + renderTable(header, rows, { columns });
}

/** One JSON object per row. */
export function sockoptJsonRows(s: SocketReading): Record<string, unknown>[] {
  return s.rows.map((r) => ({
    family: s.family,
    type: s.type,
    protocol: s.protocol,
    level: r.level,
    name: r.name,
    value: jsonOptionValue(r.value),
    display: r.error === null ? formatOptionValue(r.name, r.value) : null,
    error: r.error,
    set: r.set === null ? null : { requested: jsonOptionValue(r.set.requested), error: r.set.error, ignored: r.set.ignored },
    meaning: r.meaning,
    note: r.note,
    access: r.access,
    kind: r.kind,
  }));
}
