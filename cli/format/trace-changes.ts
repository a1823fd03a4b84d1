// What the path did to our probes, as trace prints it: each change on the hop line where it
// first shows ("tcp mss 1460->1300", "tcp option sackOK removed", "ecn ECT(0)->Not-ECT",
// "tcp seq +1000"), how much a short quote left unknown, and after the hops one sentence per
// middlebox: "MSS clamped to 1300 between hop 2 and hop 3 (198.51.100.6 -> 198.51.100.10)".
import type { HeaderChange, Middlebox, TraceHop } from '../../lib/probe/trace/index.js';
import { ECN_NAMES } from '../../lib/wire/quote-diff.js';
import { FLAG } from '../../lib/wire/tcp.js';
import { hex16, hex8 } from './hex.js';

/** "SYN|ECE|CWR": a TCP flags word (NS in bit 8), flags in tcpdump's order. */
export function tcpFlagNames(flags: number): string {
  const names = (['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'NS'] as const).filter((n) => (flags & FLAG[n]) !== 0);
  return names.length === 0 ? 'none' : names.join('|');
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : String(n);
}

/** A value of the change's field as the hop line writes it. */
function valueText(c: HeaderChange, v: number | string | null): string {
  if (v === null) return 'none';
  switch (c.field) {
    case 'tos':
    case 'tclass':
      return hex8(Number(v));
    case 'flow':
      return `0x${Number(v).toString(16).padStart(5, '0')}`;
    case 'id':
    case 'checksum':
      return hex16(Number(v));
    case 'ecn':
      return ECN_NAMES[(Number(v) & 3) as 0 | 1 | 2 | 3];
    case 'tcpFlags':
      return tcpFlagNames(Number(v));
    case 'options':
      return v === '' ? 'none' : String(v);
    default:
      return String(v);
  }
}

const NAMES: Partial<Record<HeaderChange['field'], string>> = {
  srcPort: 'sport',
  dstPort: 'dport',
  seq: 'tcp seq',
  ack: 'tcp ack',
  dataOffset: 'tcp offset',
  tcpFlags: 'tcp flags',
  window: 'tcp window',
  urgent: 'tcp urgent',
  udpLength: 'udp length',
};

/** One change as the hop line shows it: "tos 0xb8->0x20", "quoted ttl 0", "tcp option sackOK removed". */
export function changeText(c: HeaderChange): string {
  if (c.field === 'ttl') return `quoted ttl ${c.quoted}`;
  if (c.delta !== undefined) return `${NAMES[c.field]} ${signed(c.delta)}`;
  if (c.field === 'tcpOption') {
    if (c.quoted === null) return `tcp option ${c.option} removed`;
    if (c.sent === null) return `tcp option ${c.option} added`;
    const known = c.option === 'mss' || c.option === 'wscale' || c.option === 'timestamps';
    return `tcp ${known ? '' : 'option '}${c.option} ${c.sent}->${c.quoted}`;
  }
  if (c.field === 'payload') return `data from byte ${c.at} ${c.sent}->${c.quoted}`;
  return `${NAMES[c.field] ?? c.field} ${valueText(c, c.sent)}->${valueText(c, c.quoted)}`;
}

/** " [tos 0xb8->0x20, df 1->0]", or "" when nothing changed at this hop (and its quotes reached everything). */
export function changesSuffix(changes: readonly HeaderChange[], hop?: Pick<TraceHop, 'quote'>): string {
  const parts = changes.map(changeText);
  const quote = hop?.quote;
  if (quote !== undefined && quote.unknown !== null) parts.push(`quote ${quote.bytes} bytes: ${quote.unknown} unknown`);
  return parts.length === 0 ? '' : ` [${parts.join(', ')}]`;
}

/** Header changes for --json: {field, sent, quoted}, and option, at, delta where they apply. */
export function changesJson(changes: readonly HeaderChange[]): Record<string, unknown>[] {
  return changes.map((c) => {
    const o: Record<string, unknown> = { field: c.field };
    if (c.option !== undefined) o['option'] = c.option;
    if (c.at !== undefined) o['at'] = c.at;
    o['sent'] = c.sent;
    o['quoted'] = c.quoted;
    if (c.delta !== undefined) o['delta'] = c.delta;
    return o;
  });
}

/**
 * The middleboxes worth a line: every change but a transport checksum that merely follows
 * another change made at the same hop (a rewritten MSS or port brings a new checksum).
 */
export function reportedMiddleboxes(found: readonly Middlebox[]): Middlebox[] {
  return found.filter((m) => m.change.field !== 'checksum' || !found.some((o) => o !== m && o.at.ttl === m.at.ttl && o.change.field !== 'ttl'));
}

/** The fields' names in a sentence (the rest: as the hop line). */
const MIDDLEBOX_NAMES: Partial<Record<HeaderChange['field'], string>> = {
  length: 'IP total length',
  options: 'IP options',
  dataOffset: 'TCP header length (words)',
  window: 'TCP window',
  urgent: 'TCP urgent pointer',
  udpLength: 'UDP length',
  next: 'IPv6 next header',
};

/** What the middlebox did, in words: "MSS clamped to 1300", "ECN bleached (ECT(0) -> Not-ECT)". */
export function middleboxWhat(c: HeaderChange): string {
  const s = valueText(c, c.sent);
  const q = valueText(c, c.quoted);
  switch (c.field) {
    case 'tcpOption':
      if (c.quoted === null) return `TCP option ${c.option} removed`;
      if (c.sent === null) return `TCP option ${c.option} added`;
      if (c.option === 'mss') return Number(c.quoted) < Number(c.sent) ? `MSS clamped to ${q}` : `MSS changed from ${s} to ${q}`;
      return `TCP option ${c.option} changed from ${s} to ${q}`;
    case 'ecn':
      return c.quoted === 0 ? `ECN bleached (${s} -> ${q})` : `ECN changed (${s} -> ${q})`;
    case 'tos':
    case 'tclass':
      return `DSCP re-marked (${c.field === 'tos' ? 'TOS' : 'traffic class'} ${s} -> ${q})`;
    case 'flow':
      return `IPv6 flow label rewritten (${s} -> ${q})`;
    case 'tcpFlags': {
      const cleared = Number(c.sent) & ~Number(c.quoted);
      const set = Number(c.quoted) & ~Number(c.sent);
      return [cleared ? `TCP flags ${tcpFlagNames(cleared)} cleared` : '', set ? `TCP flags ${tcpFlagNames(set)} set` : ''].filter((x) => x !== '').join(', ');
    }
    case 'seq':
    case 'ack': {
      const what = c.field === 'seq' ? 'TCP sequence numbers' : 'TCP acknowledgment numbers';
      return c.delta !== undefined ? `${what} shifted by ${signed(c.delta)}` : `${what} rewritten`;
    }
    case 'src':
    case 'dst':
      return `${c.field === 'src' ? 'source' : 'destination'} address translated (NAT ${s} -> ${q})`;
    case 'srcPort':
    case 'dstPort':
      return `${c.field === 'srcPort' ? 'source' : 'destination'} port rewritten (NAPT)`;
    case 'id':
      return 'IP identification rewritten';
    case 'checksum':
      return 'transport checksum rewritten';
    case 'df':
      return c.quoted === 0 ? "Don't Fragment cleared" : "Don't Fragment set";
    case 'payload':
      return `data changed from byte ${c.at}`;
    default:
      return `${MIDDLEBOX_NAMES[c.field] ?? c.field} rewritten from ${s} to ${q}`;
  }
}

/** "MSS clamped to 1300 between hop 2 and hop 3 (198.51.100.6 -> 198.51.100.10)". */
export function middleboxLine(m: Middlebox): string {
  const at = m.at.from ?? '*';
  const where = m.after === null ? `before hop ${m.at.ttl} (${at})` : `between hop ${m.after.ttl} and hop ${m.at.ttl} (${m.after.from} -> ${at})`;
  return `${middleboxWhat(m.change)} ${where}`;
}

/** The --json middlebox line: the change, the hops it lies between, and the sentence. */
export function middleboxJson(m: Middlebox): Record<string, unknown> {
  return { type: 'middlebox', ...changesJson([m.change])[0], after: m.after, at: m.at, text: middleboxLine(m) };
}
