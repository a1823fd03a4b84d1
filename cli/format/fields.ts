// Every field of every layer of a packet, IPv4 or IPv6, as a table (decode --verbose, send
// --verbose): the only packet output that needs the `table` package, which is slow to load, so it
// sits apart from packet.ts and loads only with --verbose. The value column shows numbers the way
// the summary line does (checksums and ids in hex); the meaning column says what a value stands
// for, from its key: the checksum verdict, the DSCP name, the ICMP message, the option, the next
// header's name.
import { LAYERS, STATUS, type PacketChecksums } from '../../lib/check/index.js';
import { linkTypeName } from '../../lib/pcap/index.js';
import { describeIcmp, dscpName, formatHex, lengthFromCapture, type IcmpMessage, type Icmpv6Message } from '../../lib/wire/index.js';
import { describeOption } from '../../lib/wire/ipv4-options.js';
import { LAYER_KEYS, type DecodedFrame, type FrameProblem } from './frame.js';
import { hex16, hex8 } from './hex.js';
import { describeNdOption, describeOption6, extensionLengthNote6, icmpv6Words } from './ipv6-words.js';
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
  truncated: 'fewer bytes captured than the IP header says',
  router: 'sent by a router',
  solicited: 'an answer to a solicitation',
  override: 'replaces a cached link-layer address',
  managed: 'addresses from DHCPv6',
  other: 'other configuration from DHCPv6',
  chainComplete: 'the quote holds every extension header whole',
  checksumValid: '',
  checksumPresent: '',
};

function dscpMeaning(value: number): string {
  return `DSCP ${value >>> 2}${dscpName(value >>> 2) ? ` (${dscpName(value >>> 2)})` : ''}, ECN ${ECN_NAME[value & 3]}`;
}

/** What a number means, by its key (and the path for the few keys that mean more than one thing). */
const NUMBER_MEANING: Record<string, (value: number, path: string[], d: DecodedFrame) => string> = {
  version: (v) => (v === 4 ? 'IPv4' : v === 6 ? 'IPv6' : ''),
  ihl: (v) => `${v * 4} bytes of header`,
  dataOffset: (v) => `${v * 4} bytes of header`,
  headerExtLength: (v) => `${(v + 1) * 8} bytes of header`,
  tos: dscpMeaning,
  trafficClass: dscpMeaning,
  dscp: (v) => dscpName(v) ?? '',
  ecn: (v) => ECN_NAME[v & 3] ?? '',
  fragmentOffset: (v, path) => (v === 0 ? '' : path[0] === 'extensions' ? `byte ${v * 8} of the original packet's fragmentable part` : `byte ${v * 8} of the original datagram`),
  protocol: protocolName,
  nextHeader: protocolName,
  upperLayer: protocolName,
  ttl: () => 'hops left',
  hopLimit: () => 'hops left',
  flowLabel: () => '20 bits chosen by the sender for its flow (RFC 6437)',
  totalLength: (v, path, d) =>
    v === 0 && path[0] === 'ip' && d.packet !== null && lengthFromCapture(d.packet.ip as { totalLength: number })
      ? `0: segmentation offload (TSO); ${d.packet.bytes} bytes, from the capture`
      : 'bytes, header included',
  payloadLength: (_v, path) => (path[0] === 'ip' || path.includes('quoted') ? 'bytes after the 40-byte header' : ''),
  nextHopMtu: () => 'bytes: the MTU of the next hop (RFC 1191)',
  mtu: () => 'bytes: the MTU of the next link',
  capturedLength: () => 'bytes in the file',
  originalLength: () => 'bytes on the wire',
  linkType: linkTypeName,
  linkHeaderLength: () => 'bytes before the IP header',
  segmentsLeft: () => 'route segments still to visit',
  routerLifetime: () => 'seconds as a default router (0: none)',
  reachableTime: () => 'ms',
  retransTimer: () => 'ms',
  maxResponseDelay: () => 'ms',
};

/** The frame's ICMP or ICMPv6 message (whole, or decoded before a problem): the one the rows walk. */
function messageOf(d: DecodedFrame, key: 'icmp' | 'icmpv6'): IcmpMessage | Icmpv6Message | null {
  const whole = d.packet as Record<string, unknown> | null;
  return ((whole?.[key] ?? d.partial?.[key] ?? null) as IcmpMessage | Icmpv6Message | null) ?? null;
}

/** The verdict on a checksum field of the packet itself (not of a quoted one), or null. */
function checksumMeaning(layer: string, c: PacketChecksums): string | null {
  if (c.malformed !== null) return null;
  const index = layer === 'ip' ? 0 : LAYERS.indexOf(layer as (typeof LAYERS)[number]);
  if (index < 0) return null;
  const status = index === 0 ? c.ipv4 : c.transport === index ? c.transportStatus : STATUS.NONE;
  const expected = index === 0 ? c.ipv4Expected : c.transportExpected;
  if (status === STATUS.GOOD) return 'correct';
  if (status === STATUS.BAD) {
    const right = expected < 0 ? 'never 0 over IPv6 (RFC 8200 section 8.1)' : `should be ${hex16(expected)}`;
    return `WRONG: ${right}${index > 0 && c.offloaded ? " (checksum offload: the sender's NIC fills it in)" : ''}`;
  }
  if (status === STATUS.UNVERIFIABLE) return `unverifiable: ${(index === 0 ? c.ipv4Unverifiable : null) ?? c.unverifiable ?? 'incomplete'}`;
  if (status === STATUS.ABSENT) return 'none sent (RFC 768 allows 0 for UDP)';
  return null;
}

/** The meaning column for a field, from its path and value. */
function meaningOf(path: string[], value: unknown, d: DecodedFrame): string {
  const key = path[path.length - 1]!;
  const layer = path[0]!;
  const inQuoted = path.includes('quoted');
  if (key === 'checksum' && !inQuoted && d.checks !== null) {
    const verdict = checksumMeaning(layer, d.checks);
    if (verdict !== null) return verdict;
  }
  if (typeof value === 'number') {
    if (key === 'type' && !inQuoted && path.length === 2 && (layer === 'icmp' || layer === 'icmpv6')) {
      const m = messageOf(d, layer);
      if (m === null) return '';
      if (layer === 'icmp') return describeIcmp(value, m.code, icmpDetail(m as IcmpMessage));
      return icmpv6Words(value, m.code, { mtu: (m as { mtu?: number }).mtu ?? null, pointer: (m as { pointer?: number }).pointer ?? null });
    }
    return NUMBER_MEANING[key]?.(value, path, d) ?? '';
  }
  if (typeof value === 'boolean') {
    // Only an ICMP error message itself has this field (never its quoted datagram).
    if (key === 'extensionLengthValid') {
      if (value) return '';
      return (layer === 'icmp' ? extensionLengthNote(messageOf(d, 'icmp') as IcmpMessage | null) : extensionLengthNote6(messageOf(d, 'icmpv6') as Icmpv6Message | null)) ?? '';
    }
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
    if (key === 'tos' || key === 'trafficClass') return hex8(value);
    if (key === 'flowLabel') return `0x${value.toString(16).padStart(5, '0')}`;
    return String(value);
  }
  return String(value);
}

/** An option's one-line description: IPv4 option, IPv6 option (extension headers) or ND option. */
function describeAnyOption(path: string[], item: unknown): string {
  if (path[0]!.startsWith('extensions') || path.includes('extensions')) return describeOption6(item as never);
  if (path[0] === 'icmpv6') return describeNdOption(item as never);
  return describeOption(item as never);
}

/**
 * The LAYER and FIELD columns for a path. The top-level extension list's items are rows of one
 * layer, "extensions", their fields "[0].nextHeader".
 */
function place(path: string[]): [layer: string, field: string] {
  const first = path[0]!;
  if (!first.startsWith('extensions[')) return [first, path.slice(1).join('.')];
  return ['extensions', [first.slice('extensions'.length), ...path.slice(1)].join('.')];
}

function walk(value: unknown, path: string[], rows: Row[], d: DecodedFrame): void {
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    if (Array.isArray(value)) {
      const last = path[path.length - 1]!;
      if ((last === 'options' || last === 'extensions') && value.length === 0) {
        rows.push([...place(path), '(none)', '']);
        return;
      }
      value.forEach((item, i) => {
        const p = [...path.slice(0, -1), `${last}[${i}]`];
        if (last === 'options' && item && typeof item === 'object' && 'kind' in item) {
          rows.push([...place(p), String((item as { kind: string }).kind), describeAnyOption(path, item)]);
          for (const [k, v] of Object.entries(item)) if (k !== 'kind') walk(v, [...p, k], rows, d);
        } else walk(item, p, rows, d);
      });
      return;
    }
    for (const [k, v] of Object.entries(value)) walk(v, [...path, k], rows, d);
    return;
  }
  rows.push([...place(path), showValue(path, value), meaningOf(path, value, d)]);
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
  const layers = (d.packet ?? d.partial) as Record<string, unknown> | null;
  if (layers !== null) {
    for (const key of LAYER_KEYS[d.version === 6 ? 6 : 4]) {
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

