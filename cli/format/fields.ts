// Every field of every layer of a packet as a table (decode --verbose, send --verbose): the only
// packet output that needs the `table` package, which is slow to load, so it sits apart from
// packet.ts and loads only with --verbose.
import { LAYERS, STATUS } from '../../lib/check/index.js';
import { linkTypeName } from '../../lib/pcap/index.js';
import { describeIcmp, dscpName, formatHex, lengthFromCapture, type IcmpMessage } from '../../lib/wire/index.js';
import { describeOption } from '../../lib/wire/ipv4-options.js';
import type { DecodedFrame, FrameProblem } from './frame.js';
import { hex16, hex8 } from './hex.js';
import { ECN_NAME, extensionLengthNote, formatIsoTime, icmpDetail, protocolName } from './packet.js';
import { renderTable } from './table.js';

export function fieldTable(d: DecodedFrame): string {
  return renderTable(['LAYER', 'FIELD', 'VALUE', 'MEANING'], fieldRows(d), { columns: [{}, {}, { width: 40, wrapWord: false }, { width: 44, wrapWord: true }] });
}

/** "UDP header needs 8 bytes, 4 present (byte 20 of the frame, byte offset 5234 in the file)". */
function problemMeaning(p: FrameProblem): string {
  if (p.offset === null) return p.reason;
  const inFile = p.fileOffset !== null && p.fileOffset >= 0 ? `, byte offset ${p.fileOffset} in the file` : '';
  return `${p.reason} (byte ${p.offset} of the frame${inFile})`;
}

/** NETFILTER hook numbers (enum nf_inet_hooks), for NFLOG's packet header. */
const NF_HOOK = ['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress'] as const;

/** The link layer's own rows: MPLS labels, an NFLOG record's facts. */
function linkRows(d: DecodedFrame, rows: Row[]): void {
  d.frame.mpls.forEach((l, i) => {
    rows.push(['mpls', `labels[${i}].label`, String(l.label), l.label === 0 ? 'IPv4 explicit null' : l.label === 2 ? 'IPv6 explicit null' : l.label === 3 ? 'implicit null' : '']);
    rows.push(['mpls', `labels[${i}].tc`, String(l.tc), 'traffic class (RFC 5462)']);
    rows.push(['mpls', `labels[${i}].bottom`, String(l.bottom), l.bottom ? 'bottom of stack' : '']);
    rows.push(['mpls', `labels[${i}].ttl`, String(l.ttl), 'hops left']);
  });
  const n = d.frame.nflog;
  if (n === null) return;
  rows.push(['nflog', 'family', String(n.family), n.family === 2 ? 'IPv4' : n.family === 10 ? 'IPv6' : '']);
  rows.push(['nflog', 'group', String(n.group), 'log group (nft ... log group N)']);
  if (n.prefix !== null) rows.push(['nflog', 'prefix', JSON.stringify(n.prefix), 'log prefix']);
  if (n.hwProtocol !== null) rows.push(['nflog', 'hwProtocol', hex16(n.hwProtocol), 'ethertype']);
  if (n.hook !== null) rows.push(['nflog', 'hook', String(n.hook), NF_HOOK[n.hook] ?? '']);
  for (const key of ['indev', 'outdev', 'uid', 'gid', 'mark'] as const) {
    const value = n[key];
    if (value !== null) rows.push(['nflog', key, String(value), key.endsWith('dev') ? 'interface index' : '']);
  }
}

type Row = [layer: string, field: string, value: string, meaning: string];

/** What a yes/no field means, by name (decode --verbose's MEANING column). */
const FLAG_MEANING: Record<string, string> = {
  df: "don't fragment",
  mf: 'more fragments follow',
  reserved: 'reserved flag (must be 0)',
  syn: 'synchronize sequence numbers',
  ack: 'acknowledgment field is significant',
  fin: 'no more data from sender',
  rst: 'reset the connection',
  psh: 'push function',
  urg: 'urgent pointer is significant',
  ece: 'ECN-echo',
  cwr: 'congestion window reduced',
  ns: 'ECN nonce',
  truncated: 'fewer bytes captured than the IPv4 total length',
  checksumValid: '',
  checksumPresent: '',
};

/** The frame's ICMP message (whole, or decoded before a problem): the one the icmp rows walk. */
function icmpOf(d: DecodedFrame): IcmpMessage | null {
  return d.packet?.icmp ?? d.partial?.icmp ?? null;
}

/** The meaning column for a field, from its path and value. */
function meaningOf(path: string[], value: unknown, d: DecodedFrame): string {
  const key = path[path.length - 1]!;
  const layer = path[0]!;
  const inQuoted = path.includes('quoted');
  const c = d.checks;
  if (key === 'checksum' && !inQuoted && c !== null && c.malformed === null) {
    const index = layer === 'ip' ? 0 : LAYERS.indexOf(layer as (typeof LAYERS)[number]);
    const status = index === 0 ? c.ipv4 : c.transport === index ? c.transportStatus : STATUS.NONE;
    const expected = index === 0 ? c.ipv4Expected : c.transportExpected;
    if (status === STATUS.GOOD) return 'correct';
    if (status === STATUS.BAD) return `WRONG: should be ${hex16(expected)}${index > 0 && c.offloaded ? ' (checksum offload: the sender\'s NIC fills it in)' : ''}`;
    if (status === STATUS.UNVERIFIABLE) return `unverifiable: ${(index === 0 ? c.ipv4Unverifiable : null) ?? c.unverifiable ?? 'incomplete'}`;
    if (status === STATUS.ABSENT) return 'none sent (RFC 768 allows 0 for UDP)';
  }
  if (typeof value === 'number') {
    switch (key) {
      case 'version':
        return value === 4 ? 'IPv4' : '';
      case 'ihl':
        return `${value * 4} bytes of header`;
      case 'dataOffset':
        return `${value * 4} bytes of header`;
      case 'tos':
        return `DSCP ${value >>> 2}${dscpName(value >>> 2) ? ` (${dscpName(value >>> 2)})` : ''}, ECN ${ECN_NAME[value & 3]}`;
      case 'dscp':
        return dscpName(value) ?? '';
      case 'ecn':
        return ECN_NAME[value & 3] ?? '';
      case 'fragmentOffset':
        return value === 0 ? '' : `byte ${value * 8} of the original datagram`;
      case 'protocol':
        return protocolName(value);
      case 'ttl':
        return 'hops left';
      case 'totalLength':
        return value === 0 && lengthFromCapture(d.packet?.ip ?? { totalLength: -1 })
          ? `0: segmentation offload (TSO); ${d.packet!.bytes} bytes, from the capture`
          : 'bytes, header included';
      case 'type':
        if (layer === 'icmp' && !inQuoted) {
          const m = icmpOf(d);
          return m === null ? '' : describeIcmp(value, m.code, icmpDetail(m));
        }
        return '';
      case 'srcPort':
      case 'dstPort':
        return '';
      case 'nextHopMtu':
        return 'bytes: the MTU of the next hop (RFC 1191)';
      case 'capturedLength':
        return 'bytes in the file';
      case 'originalLength':
        return 'bytes on the wire';
      case 'linkType':
        return linkTypeName(value);
      case 'linkHeaderLength':
        return 'bytes before the IPv4 header';
      default:
        return '';
    }
  }
  if (typeof value === 'boolean') {
    // Only an ICMP error message itself has this field (never its quoted datagram).
    if (key === 'extensionLengthValid') return value ? '' : (extensionLengthNote(icmpOf(d)) ?? '');
    return FLAG_MEANING[key] ?? '';
  }
  if (Buffer.isBuffer(value)) return `${value.length} bytes`;
  return '';
}

function showValue(path: string[], value: unknown): string {
  const key = path[path.length - 1]!;
  if (value === null) return 'null';
  if (Buffer.isBuffer(value)) return value.length === 0 ? '(none)' : formatHex(value);
  if (typeof value === 'number') {
    if (key === 'checksum' || key === 'restOfHeader') return hex16(value);
    if (key === 'id' || key === 'identifier') return `${value} (${hex16(value)})`;
    if (key === 'tos') return hex8(value);
    return String(value);
  }
  return String(value);
}

function walk(value: unknown, path: string[], rows: Row[], d: DecodedFrame): void {
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    if (Array.isArray(value)) {
      if (path[path.length - 1] === 'options' && value.length === 0) {
        rows.push([path[0]!, path.slice(1).join('.'), '(none)', '']);
        return;
      }
      value.forEach((item, i) => {
        const p = [...path.slice(0, -1), `${path[path.length - 1]}[${i}]`];
        if (path[path.length - 1] === 'options' && item && typeof item === 'object' && 'kind' in item) {
          rows.push([p[0]!, p.slice(1).join('.'), String((item as { kind: string }).kind), describeOption(item as never)]);
          for (const [k, v] of Object.entries(item)) if (k !== 'kind') walk(v, [...p, k], rows, d);
        } else walk(item, p, rows, d);
      });
      return;
    }
    for (const [k, v] of Object.entries(value)) walk(v, [...path, k], rows, d);
    return;
  }
  rows.push([path[0]!, path.slice(1).join('.'), showValue(path, value), meaningOf(path, value, d)]);
}

/** Rows [layer, field, value, meaning] for every field of every layer, frame first. */
export function fieldRows(d: DecodedFrame): Row[] {
  const rows: Row[] = [];
  const f = d.frame;
  rows.push(['frame', 'index', String(f.index), '0-based position in the input']);
  if (f.time !== null) rows.push(['frame', 'time', formatIsoTime(f.time, f.nanosecond), 'capture time, UTC']);
  walk(f.capturedLength, ['frame', 'capturedLength'], rows, d);
  walk(f.originalLength, ['frame', 'originalLength'], rows, d);
  walk(f.linkType, ['frame', 'linkType'], rows, d);
  walk(f.linkHeaderLength, ['frame', 'linkHeaderLength'], rows, d);
  if (f.fileOffset >= 0) rows.push(['frame', 'fileOffset', String(f.fileOffset), 'byte offset of its first byte in the file']);
  if (d.problem !== null) rows.push(['frame', 'problem', d.problem.kind, problemMeaning(d.problem)]);
  linkRows(d, rows);
  const layers = d.packet ?? d.partial;
  if (layers !== null) {
    for (const key of ['ip', 'icmp', 'udp', 'tcp'] as const) {
      const layer = layers[key];
      if (layer !== null && layer !== undefined) walk(layer, [key], rows, d);
    }
  }
  if (d.packet !== null) {
    walk(d.packet.payload, ['payload'], rows, d);
    walk(d.packet.truncated, ['packet', 'truncated'], rows, d);
  }
  return rows;
}

