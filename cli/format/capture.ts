// The words of `rawprobe capture`: tcpdump's "listening on" and end-of-run lines (to stderr, as
// tcpdump), and each packet as decode shows it (cli/format/packet.ts), with tcpdump -x's hex.
import type { RecordView } from '../../lib/pcap/index.js';
import { decodeFrame, frameJson, summaryLine, type DecodedFrame } from './packet.js';

/** libpcap's names for the link types a capture gets ("link-type EN10MB (Ethernet)"). */
const LINK_TYPE_WORDS: Readonly<Record<number, string>> = {
  1: 'EN10MB (Ethernet)',
  101: 'RAW (Raw IP)',
  276: 'LINUX_SLL2 (Linux cooked v2)',
};

/** tcpdump's first line, once the capture is open. */
export function listeningLine(interfaceName: string, linkType: number, snaplen: number): string {
  return `listening on ${interfaceName}, link-type ${LINK_TYPE_WORDS[linkType] ?? `${linkType}`}, snapshot length ${snaplen} bytes\n`;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** tcpdump's three lines at the end of a capture. */
export function statsLines(s: { captured: number; received: number; dropped: number }): string {
  return `${plural(s.captured, 'packet')} captured\n${plural(s.received, 'packet')} received by filter\n${plural(s.dropped, 'packet')} dropped by kernel\n`;
}

/** tcpdump -x: from `from` on, 16 bytes a line in groups of two, "\t0x0010:  4500 0054 ...". */
export function hexLines(bytes: Uint8Array, from: number, to: number): string {
  let out = '';
  for (let line = from; line < to; line += 16) {
    let text = `\t0x${(line - from).toString(16).padStart(4, '0')}: `;
    for (let i = line; i < Math.min(line + 16, to); i += 2) {
      text += ` ${bytes[i]!.toString(16).padStart(2, '0')}${i + 1 < to ? bytes[i + 1]!.toString(16).padStart(2, '0') : ''}`;
    }
    out += `${text}\n`;
  }
  return out;
}

export interface PacketStyle {
  json: boolean;
  verbose: boolean;
  hex: boolean;
}

/** decode --verbose's table of every field (cli/format/fields.ts, loaded only with -v). */
export type FieldTable = (d: DecodedFrame) => string;

/** One packet's text: decode's line (or JSON object), then the field table with -v and the hex with -x. */
export function packetText(view: RecordView, style: PacketStyle, fieldTable: FieldTable | null): string {
  const d = decodeFrame(view, true);
  if (style.json) return `${JSON.stringify(frameJson(d))}\n`;
  let out = `${summaryLine(d)}\n`;
  if (style.verbose && fieldTable !== null) out += fieldTable(d);
  if (style.hex) out += hexLines(view.buffer, view.offset + d.frame.linkHeaderLength, view.offset + view.capturedLength);
  return out;
}

/** -d: the program, one instruction a line, as tcpdump -d prints it. */
export function programText(listing: readonly string[]): string {
  return listing.map((line) => `${line}\n`).join('');
}
