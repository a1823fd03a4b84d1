// How the CLI shows a packet: one summary line (decode, send, replies) and one JSON object
// (decode --json), from a DecodedFrame (frame.ts: a record located, decoded and checked). The
// table of every field (decode --verbose) is fields.ts.
//
// Summary line, in the spirit of tcpdump -v and tshark's one-liners:
//   #0 10:23:45.123456 127.0.0.1 > 127.0.0.1 ICMP Echo Request (8/0) id 0x1234 seq 1, ttl 64, id 4660, tos 0x00, length 84, checksums ok
//   #1 10:23:45.123470 127.0.0.1 > 127.0.0.1 UDP 40000 > 33434, ttl 64, id 1, tos 0xb8 (EF), length 60, bad udp checksum 0xfe21 (expected 0x3417; offloaded)
//   #2 10:23:45.200000 MPLS (label 16005, tc 0, ttl 63) (label 100, tc 0, [S], ttl 63) 203.0.113.1 > 203.0.113.6 ICMP ...
//   #3 10:23:45.300000 203.0.113.1 > 203.0.113.6 UDP [malformed] UDP header needs 8 bytes, 4 present (byte offset 5234)
//   #4 10:23:45.400000 LINKTYPE 147, 60 bytes: not decoded: link type 147

import { linkTypeName, type MplsLabel } from '../../lib/pcap/index.js';
import { LAYERS, STATUS, STATUS_NAME, type PacketChecksums } from '../../lib/check/index.js';
import { describeIcmp, dscpName, jsonify, lengthFromCapture, type IcmpMessage, type Packet, type QuotedDatagram } from '../../lib/wire/index.js';
import { describeOption } from '../../lib/wire/ipv4-options.js';
import { problemOffset, type DecodedFrame } from './frame.js';
import { hex16, hex8 } from './hex.js';

export { decodeBytes, decodeFrame, type DecodedFrame, type FrameInfo, type FrameProblem, type PartialPacket } from './frame.js';

// ---- small formatters -----------------------------------------------------------------------------


export const ECN_NAME = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'] as const;
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

export function icmpDetail(m: IcmpMessage): { nextHopMtu?: number | null; gateway?: string | null; pointer?: number | null } {
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
  const one = (layer: string, status: number, found: number, expected: number, offloaded: boolean, why: string | null): void => {
    if (status === STATUS.BAD) {
      problems.push(`bad ${layer} checksum ${hex16(found)} (expected ${hex16(expected)}${offloaded ? '; offloaded: captured before the NIC filled it in' : ''})`);
    } else if (status === STATUS.UNVERIFIABLE) {
      problems.push(`${layer} checksum unverifiable (${why ?? 'incomplete'})`);
    } else if (status === STATUS.ABSENT) {
      problems.push(`no ${layer} checksum (0: none sent)`);
    }
  };
  one('ip', c.ipv4, c.ipv4Found, c.ipv4Expected, false, c.ipv4Unverifiable ?? c.unverifiable);
  if (c.transport >= 0) one(LAYER_WORD[c.transport]!, c.transportStatus, c.transportFound, c.transportExpected, c.offloaded, c.unverifiable);
  return problems.length === 0 ? 'checksums ok' : problems.join(', ');
}

/** "length 84", "length 1500 (96 captured)", "length 0 (TSO: 131018 from the capture)". */
function lengthPart(p: Pick<Packet, 'ip' | 'bytes' | 'truncated'>, wire: number, captured: number): string {
  if (lengthFromCapture(p.ip)) {
    const length = Math.max(wire, captured);
    return `length 0 (TSO: ${p.truncated ? `${length} on the wire, ${captured} captured` : `${length} from the capture`})`;
  }
  return `length ${p.ip.totalLength}${captured < p.ip.totalLength ? ` (${captured} captured)` : ''}`;
}

function ipPart(p: Pick<Packet, 'ip' | 'bytes' | 'truncated'>, wire: number, captured: number): string {
  const ip = p.ip;
  const flags = [ip.flags.df ? 'DF' : '', ip.flags.mf ? 'MF' : '', ip.flags.reserved ? 'reserved flag' : ''].filter((f) => f !== '');
  let s = `ttl ${ip.ttl}, id ${ip.id}, tos ${describeTos(ip.tos)}`;
  if (flags.length > 0) s += `, ${flags.join(' ')}`;
  if (ip.fragmentOffset !== 0) s += `, offset ${ip.fragmentOffset * 8}`;
  if (ip.options.length > 0) s += `, options [${ip.options.map(describeOption).join(', ')}]`;
  return `${s}, ${lengthPart(p, wire, captured)}`;
}

/** tcpdump's way: "MPLS (label 16005, tc 0, ttl 64) (label 100, tc 0, [S], ttl 64) ". */
export function mplsPart(labels: readonly MplsLabel[]): string {
  if (labels.length === 0) return '';
  return `MPLS ${labels.map((l) => `(label ${l.label}, tc ${l.tc}, ${l.bottom ? '[S], ' : ''}ttl ${l.ttl})`).join(' ')} `;
}

/** One line for a frame, without a trailing newline. */
export function summaryLine(d: DecodedFrame): string {
  const f = d.frame;
  let head = `#${f.index}`;
  if (f.time !== null) head += ` ${formatTimeOfDay(f.time, f.nanosecond)}`;
  const problem = d.problem;
  if (problem?.kind === 'unknown-link-type') return `${head} ${linkTypeName(f.linkType)}, ${f.capturedLength} bytes: ${problem.reason}`;
  head += ` ${mplsPart(f.mpls)}`;
  if (problem?.kind === 'not-ipv4') return `${head}${problem.reason} (not decoded: rawprobe decodes IPv4)`;
  const captured = f.capturedLength - f.linkHeaderLength;
  if (d.packet !== null) {
    const p = d.packet;
    const note = extensionLengthNote(p.icmp);
    const wire = f.originalLength - f.linkHeaderLength;
    return `${head}${p.ip.src} > ${p.ip.dst} ${describeTransport(p)}, ${ipPart(p, wire, captured)}, ${describeChecks(d.checks!)}${note === null ? '' : `, ${note}`}`;
  }
  const at = problemOffset(problem!);
  const tail = `[malformed] ${problem!.reason}${at === null ? '' : ` (byte offset ${at})`}`;
  const ip = d.partial?.ip;
  if (ip && typeof ip === 'object' && typeof ip.src === 'string') return `${head}${ip.src} > ${ip.dst} ${protocolName(ip.protocol)} ${tail}`;
  return `${head}${tail}`;
}

/**
 * The verdicts `rawprobe checksum` gives this packet: {"ipv4":"good","transport":"udp",
 * "transportStatus":"bad","offloaded":true,...}, with the reason for any "unverifiable".
 */
function checksumsJson(c: PacketChecksums): Record<string, unknown> {
  return {
    ipv4: STATUS_NAME[c.ipv4],
    ipv4Unverifiable: c.ipv4 === STATUS.UNVERIFIABLE ? (c.ipv4Unverifiable ?? c.unverifiable) : null,
    transport: c.transport < 0 ? null : LAYERS[c.transport],
    transportStatus: STATUS_NAME[c.transportStatus],
    transportUnverifiable: c.transportStatus === STATUS.UNVERIFIABLE ? c.unverifiable : null,
    offloaded: c.offloaded,
  };
}

// ---- JSON (decode --json; send reads it back) -------------------------------------------------------

/**
 * One object per frame: `frame` (where it came from: index, time, lengths, link type, the file
 * offset of its first byte, MPLS labels, NFLOG facts, whether a TSO length was taken from the
 * capture, whether it was read from a raw socket), every decoded field of `ip`, `icmp`, `udp`,
 * `tcp` (null when absent), `payload` (hex), `truncated`, `bytes`, and `problem` (null, or why
 * the frame could not be decoded, with its offset in the frame and in the file; then the layers
 * read before the problem are kept). `rawprobe send --json` takes these objects back: it
 * ignores `frame`.
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
    fileOffset: f.fileOffset,
    mpls: f.mpls,
    nflog: f.nflog,
    lengthFromCapture: d.checks?.lengthFromCapture ?? false,
    received: f.received,
    checksums: d.checks === null || d.checks.malformed !== null ? null : checksumsJson(d.checks),
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
