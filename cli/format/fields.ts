// Every field of every layer of a packet as a table (decode --verbose, send --verbose): the only
// packet output that needs the `table` package, which is slow to load, so it sits apart from
// packet.ts and loads only with --verbose.
import { fieldRows, type DecodedFrame } from './packet.js';
import { renderTable } from './table.js';

export function fieldTable(d: DecodedFrame): string {
  return renderTable(['LAYER', 'FIELD', 'VALUE', 'MEANING'], fieldRows(d), { columns: [{}, {}, { width: 40, wrapWord: false }, { width: 44, wrapWord: true }] });
}
