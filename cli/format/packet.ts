// How the CLI shows a packet: one summary line (decode, send, replies), a table of every field
// (decode --verbose) and one JSON object (decode --json). All three start from a DecodedFrame:
// a record located (lib/pcap), decoded (lib/wire) and checksum-checked (lib/check).
//
// Summary line, in the spirit of tcpdump -v and tshark's one-liners:
//   #0 10:23:45.123456 127.0.0.1 > 127.0.0.1 ICMP Echo Request (8/0) id 0x1234 seq 1, ttl 64, id 4660, tos 0x00, length 84, checksums ok
//   #1 10:23:45.123470 127.0.0.1 > 127.0.0.1 UDP 40000 > 33434, ttl 64, id 1, tos 0xb8 (EF), length 60, bad udp checksum 0xfe21 (expected 0x3417; offloaded)

import type { RecordView } from '../../lib/pcap/index.js';
import { describeNotIpv4, linkTypeName, locateIpv4InRecord, newIpv4Location } from '../../lib/pcap/index.js';
import { LAYERS, STATUS, newPacketChecksums, verifyIpv4, type PacketChecksums } from '../../lib/check/index.js';
import {
  DecodeError,
  decodePacket,
  describeIcmp,
  dscpName,
  formatHex,
  jsonify,
  type IcmpMessage,
  type Packet,
  type QuotedDatagram,
} from '../../lib/wire/index.js';
import { describeOption } from '../../lib/wire/ipv4-options.js';
import { hex16, hex8 } from './hex.js';

/** Where a packet came from. */
export interface FrameInfo {
  /** 0-based position in the input. */
  index: number;
  /** Capture time, null for hex input. */
  time: { sec: number; nsec: number } | null;
  /** The capture's timestamps are nanoseconds (print 9 digits, else 6). */
  nanosecond: boolean;
  capturedLength: number;
  originalLength: number;
  linkType: number;
  /** Bytes of link-layer header before the IPv4 header (0 for raw IP). */
  linkHeaderLength: number;
}

export interface FrameProblem {
  kind: 'not-ipv4' | 'malformed';
  reason: string;
  /** Byte offset in the frame where decoding broke (malformed only). */
  offset: number | null;
}

/** Layers decoded before a problem (DecodeError.partial), same keys as Packet. */
export interface PartialPacket {
  ip: Packet['ip'] | null;
  icmp: Packet['icmp'] | null;
  udp: Packet['udp'] | null;
  tcp: Packet['tcp'] | null;
}

export interface DecodedFrame {
  frame: FrameInfo;
  /** The whole packet, or null when there is a problem. */
  packet: Packet | null;
  /** With a malformed packet: what was decoded before the problem. */
  partial: PartialPacket | null;
  problem: FrameProblem | null;
  /** Checksum verdicts (a copy: safe to keep), null when not IPv4. */
  checks: PacketChecksums | null;
}

const LOC = newIpv4Location();
const CHECKS = newPacketChecksums();

/** Locates, decodes and checks one record. The result owns no reference to the reused view's buffer except Buffers inside `packet`. */
export function decodeFrame(v: RecordView, nanosecond: boolean): DecodedFrame {
  const loc = locateIpv4InRecord(v, LOC);
  const frame: FrameInfo = {
    index: v.index,
    time: v.hasTimestamp ? { sec: v.tsSec, nsec: v.tsNsec } : null,
    nanosecond,
    capturedLength: v.capturedLength,
    originalLength: v.originalLength,
    linkType: v.linkType,
    linkHeaderLength: loc.reason === null ? loc.linkHeaderLength : 0,
  };
  if (loc.reason !== null) {
    return { frame, packet: null, partial: null, problem: { kind: 'not-ipv4', reason: describeNotIpv4(loc), offset: null }, checks: null };
  }
  const checks = { ...verifyIpv4(v.buffer, loc.offset, loc.length, CHECKS) };
  // Copy the bytes: the view's buffer is reused by the reader after the callback.
  const bytes = Buffer.from(v.buffer.subarray(loc.offset, loc.offset + loc.length));
  try {
    return { frame, packet: decodePacket(bytes), partial: null, problem: null, checks };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    const partial = (e.partial ?? { ip: null, icmp: null, udp: null, tcp: null }) as PartialPacket;
    return {
      frame,
      packet: null,
      partial: { ip: partial.ip ?? null, icmp: partial.icmp ?? null, udp: partial.udp ?? null, tcp: partial.tcp ?? null },
      problem: { kind: 'malformed', reason: e.reason, offset: e.offset + frame.linkHeaderLength },
      checks,
    };
  }
}

/** A decoded packet built in memory (send, replies): a DecodedFrame without a capture. */
export function decodeBytes(bytes: Uint8Array, index: number, time: { sec: number; nsec: number } | null = null): DecodedFrame {
  const view: RecordView = {
    buffer: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    index,
    offset: 0,
    fileOffset: -1,
    capturedLength: bytes.length,
    originalLength: bytes.length,
    tsSec: time?.sec ?? 0,
    tsNsec: time?.nsec ?? 0,
    hasTimestamp: time !== null,
    linkType: 101,
    fcsLength: 0,
    interfaceId: 0,
  };
  return decodeFrame(view, true);
}

// ---- small formatters -----------------------------------------------------------------------------


const ECN_NAME = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'] as const;
const PROTOCOL_NAME: Record<number, string> = { 1: 'ICMP', 2: 'IGMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 50: 'ESP', 51: 'AH', 132: 'SCTP' };

export function protocolName(p: number): string {
  return PROTOCOL_NAME[p] ?? `proto ${p}`;
}

/** "0xb8 (EF)", "0x00", "0x03 (CS0, CE)". */
export function describeTos(tos: number): string {
  const dscp = tos >>> 2;
  const ecn = tos & 3;
  const parts: string[] = [];
  if (dscp !== 0) parts.push(dscpName(dscp)?.replace('_', '-') ?? `DSCP ${dscp}`);
  if (ecn !== 0) {
    if (parts.length === 0) parts.push('CS0');
    parts.push(ECN_NAME[ecn]!);
  }
  return parts.length === 0 ? hex8(tos) : `${hex8(tos)} (${parts.join(', ')})`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Local time of day, as tcpdump prints it: 10:23:45.123456 (9 digits for nanosecond captures). */
export function formatTimeOfDay(t: { sec: number; nsec: number }, nanosecond: boolean): string {
  const d = new Date(t.sec * 1000);
  const fraction = nanosecond ? pad(t.nsec, 9) : pad(Math.floor(t.nsec / 1000), 6);
  return `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${fraction}`;
}

/** UTC, ISO 8601, with every digit the capture has: 2026-11-25T10:23:45.123456789Z. */
export function formatIsoTime(t: { sec: number; nsec: number }, nanosecond: boolean): string {
  const base = new Date(t.sec * 1000).toISOString().slice(0, 19);
  return `${base}.${nanosecond ? pad(t.nsec, 9) : pad(Math.floor(t.nsec / 1000), 6)}Z`;
}

/** tcpdump's TCP flag letters, in its order (bit order from FIN): F S R P . U E W, then N for NS. */
export function tcpFlagLetters(f: { syn: boolean; fin: boolean; rst: boolean; psh: boolean; ack: boolean; urg: boolean; ece: boolean; cwr: boolean; ns: boolean }): string {
  let s = '';
  if (f.fin) s += 'F';
  if (f.syn) s += 'S';
  if (f.rst) s += 'R';
  if (f.psh) s += 'P';
  if (f.ack) s += '.';
  if (f.urg) s += 'U';
  if (f.ece) s += 'E';
  if (f.cwr) s += 'W';
  if (f.ns) s += 'N';
  return s === '' ? 'none' : s;
}

function icmpDetail(m: IcmpMessage): { nextHopMtu?: number | null; gateway?: string | null; pointer?: number | null } {
  if (m.kind === 'destination-unreachable') return { nextHopMtu: m.nextHopMtu };
  if (m.kind === 'redirect') return { gateway: m.gateway };
  if (m.kind === 'parameter-problem') return { pointer: m.pointer };
  return {};
}

/**
 * The one note for an RFC 4884 length the message cannot hold (extensionLengthValid false), or
 * null: "RFC 4884 length 40 words (160 bytes) overruns the 33 bytes there: read as no extensions".
 */
export function extensionLengthNote(m: IcmpMessage | null): string | null {
  if (m === null || !('extensionLengthValid' in m) || m.extensionLengthValid) return null;
  const present = m.quoted.ip.headerLength + m.quoted.payload.length;
  return `RFC 4884 length ${m.extensionLength} words (${m.extensionLength * 4} bytes) overruns the ${present} bytes there: read as no extensions`;
}

/** "ICMP Echo Request (8/0) id 0x1234 seq 1", "ICMP Time to live exceeded (11/0) quoting ...". */
export function describeIcmpMessage(m: IcmpMessage): string {
  let s = `ICMP ${describeIcmp(m.type, m.code, icmpDetail(m))} (${m.type}/${m.code})`;
  if (m.kind === 'echo-request' || m.kind === 'echo-reply' || m.kind === 'timestamp-request' || m.kind === 'timestamp-reply') {
    s += ` id ${hex16(m.identifier)} seq ${m.sequence}`;
  }
  if ('quoted' in m && m.quoted) s += ` quoting ${describeQuoted(m.quoted)}`;
  return s;
}

function describeQuoted(q: QuotedDatagram): string {
  let s = `[${q.ip.src} > ${q.ip.dst} ${protocolName(q.ip.protocol)}`;
  if (q.udp) s += ` ${q.udp.srcPort} > ${q.udp.dstPort}`;
  else if (q.tcp) s += ` ${q.tcp.srcPort} > ${q.tcp.dstPort}`;
  else if (q.icmp) s += ` ${q.icmp.type}/${q.icmp.code} id ${hex16(q.icmp.identifier)} seq ${q.icmp.sequence}`;
  return `${s}, ttl ${q.ip.ttl}, id ${q.ip.id}]`;
}

/** The transport part of a summary line. */
function describeTransport(p: Pick<Packet, 'ip' | 'icmp' | 'udp' | 'tcp'>): string {
  const ip = p.ip;
  if (p.icmp) return describeIcmpMessage(p.icmp);
  if (p.udp) return `UDP ${p.udp.srcPort} > ${p.udp.dstPort} length ${p.udp.length}`;
  if (p.tcp) {
    const t = p.tcp;
    let s = `TCP ${t.srcPort} > ${t.dstPort} [${tcpFlagLetters(t.flags)}] seq ${t.sequence}`;
    if (t.flags.ack) s += ` ack ${t.acknowledgment}`;
    return `${s} win ${t.window}`;
  }
  if (ip.fragmentOffset !== 0) return `${protocolName(ip.protocol)} fragment`;
  return protocolName(ip.protocol);
}

const LAYER_WORD = ['ip', 'icmp', 'udp', 'tcp'] as const;

/** "checksums ok", "bad ip checksum 0xdead (expected 0x76b5)", "udp checksum unverifiable (...)". */
export function describeChecks(c: PacketChecksums): string {
  if (c.malformed !== null) return 'checksums not checked (malformed)';
  const problems: string[] = [];
  const one = (layer: string, status: number, found: number, expected: number, offloaded: boolean): void => {
    if (status === STATUS.BAD) {
      problems.push(`bad ${layer} checksum ${hex16(found)} (expected ${hex16(expected)}${offloaded ? '; offloaded: captured before the NIC filled it in' : ''})`);
    } else if (status === STATUS.UNVERIFIABLE) {
      problems.push(`${layer} checksum unverifiable (${c.unverifiable ?? 'incomplete'})`);
    } else if (status === STATUS.ABSENT) {
      problems.push(`no ${layer} checksum (0: none sent)`);
    }
  };
  one('ip', c.ipv4, c.ipv4Found, c.ipv4Expected, false);
  if (c.transport >= 0) one(LAYER_WORD[c.transport]!, c.transportStatus, c.transportFound, c.transportExpected, c.offloaded);
  return problems.length === 0 ? 'checksums ok' : problems.join(', ');
}

function ipPart(ip: Packet['ip'], captured: number | null): string {
  const flags = [ip.flags.df ? 'DF' : '', ip.flags.mf ? 'MF' : '', ip.flags.reserved ? 'reserved flag' : ''].filter((f) => f !== '');
  let s = `ttl ${ip.ttl}, id ${ip.id}, tos ${describeTos(ip.tos)}`;
  if (flags.length > 0) s += `, ${flags.join(' ')}`;
  if (ip.fragmentOffset !== 0) s += `, offset ${ip.fragmentOffset * 8}`;
  if (ip.options.length > 0) s += `, options [${ip.options.map(describeOption).join(', ')}]`;
  s += `, length ${ip.totalLength}`;
  if (captured !== null && captured < ip.totalLength) s += ` (${captured} captured)`;
  return s;
}

/** One line for a frame, without a trailing newline. */
export function summaryLine(d: DecodedFrame): string {
  const head: string[] = [`#${d.frame.index}`];
  if (d.frame.time !== null) head.push(formatTimeOfDay(d.frame.time, d.frame.nanosecond));
  if (d.problem?.kind === 'not-ipv4') return `${head.join(' ')} ${d.problem.reason} (not decoded: rawprobe decodes IPv4)`;
  const ipBytes = d.frame.capturedLength - d.frame.linkHeaderLength;
  if (d.packet !== null) {
    const p = d.packet;
    const note = extensionLengthNote(p.icmp);
    return `${head.join(' ')} ${p.ip.src} > ${p.ip.dst} ${describeTransport(p)}, ${ipPart(p.ip, ipBytes)}, ${describeChecks(d.checks!)}${note === null ? '' : `, ${note}`}`;
  }
  const where = d.problem!.offset === null ? '' : ` (at byte ${d.problem!.offset})`;
  const ip = d.partial?.ip;
  if (ip && typeof ip === 'object' && typeof ip.src === 'string') {
    return `${head.join(' ')} ${ip.src} > ${ip.dst} ${protocolName(ip.protocol)} malformed: ${d.problem!.reason}${where}`;
  }
  return `${head.join(' ')} malformed: ${d.problem!.reason}${where}`;
}

// ---- every field (decode --verbose) --------------------------------------------------------------

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
    if (status === STATUS.UNVERIFIABLE) return `unverifiable: ${c.unverifiable ?? 'incomplete'}`;
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
        return 'bytes, header included';
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
  if (d.problem !== null) {
    rows.push(['frame', 'problem', d.problem.kind, `${d.problem.reason}${d.problem.offset === null ? '' : ` (at byte ${d.problem.offset})`}`]);
  }
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

// ---- JSON (decode --json; send reads it back) -------------------------------------------------------

/**
 * One object per frame: `frame` (where it came from), every decoded field of `ip`, `icmp`,
 * `udp`, `tcp` (null when absent), `payload` (hex), `truncated`, `bytes`, and `problem` (null, or
 * why the frame could not be decoded; then the layers read before the problem are kept).
 * `rawprobe send --json` takes these objects back: it ignores `frame`.
 */
export function frameJson(d: DecodedFrame): Record<string, unknown> {
  const f = d.frame;
  const frame = {
    index: f.index,
    time: f.time === null ? null : formatIsoTime(f.time, f.nanosecond),
    capturedLength: f.capturedLength,
    originalLength: f.originalLength,
    linkType: f.linkType,
    linkHeaderLength: f.linkHeaderLength,
  };
  if (d.packet !== null) return { frame, ...(jsonify(d.packet) as object), problem: null };
  const partial = d.partial;
  return {
    frame,
    ip: partial?.ip ? jsonify(partial.ip) : null,
    icmp: partial?.icmp ? jsonify(partial.icmp) : null,
    udp: partial?.udp ? jsonify(partial.udp) : null,
    tcp: partial?.tcp ? jsonify(partial.tcp) : null,
    payload: null,
    truncated: null,
    bytes: null,
    problem: d.problem,
  };
}
