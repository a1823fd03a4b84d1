// How the CLI shows a packet, IPv4 or IPv6: one summary line (decode, send, replies) and one
// JSON object (decode --json), from a DecodedFrame (frame.ts: a record located, decoded and
// checked). The table of every field (decode --verbose) is fields.ts.
//
// Summary line, in the spirit of tcpdump -v and tshark's one-liners:
//   #0 10:23:45.123456 127.0.0.1 > 127.0.0.1 ICMP Echo Request (8/0) id 0x1234 seq 1, ttl 64, id 4660, tos 0x00, length 84, checksums ok
//   #1 10:23:45.123470 127.0.0.1 > 127.0.0.1 UDP 40000 > 33434, ttl 64, id 1, tos 0xb8 (EF), length 60, bad udp checksum 0xfe21 (expected 0x3417; offloaded)
//   #2 10:23:45.200000 MPLS (label 16005, tc 0, ttl 63) (label 100, tc 0, [S], ttl 63) 203.0.113.1 > 203.0.113.6 ICMP ...
//   #3 10:23:45.300000 203.0.113.1 > 203.0.113.6 UDP [malformed] UDP header needs 8 bytes, 4 present (byte offset 5234)
//   #4 10:23:45.400000 LINKTYPE 147, 60 bytes: not decoded: link type 147
//   #5 10:23:45.500000 ::1 > ::1 ICMPv6 Echo request (128/0) id 0x1234 seq 1, hlim 64, class 0x00, flowlabel 0x4d2a1, payload length 64, checksums ok
//   #6 10:23:45.600000 fe80::1 > ff02::16 HBH [router-alert 0, padn 0] ICMPv6 Version 2 Multicast Listener Report (143/0) 1 record [...], hlim 1, ...
//
// IPv4's part is tcpdump's "(tos 0x0, ttl 64, id 4660, offset 0, flags [DF], proto ICMP (1),
// length 84)" reordered; IPv6's is its "IP6 (class 0xb8, flowlabel 0x4d2a1, hlim 64, next-header
// ICMPv6 (58) payload length: 64)", the extension chain before the upper layer, as tcpdump
// prints "HBH (rtalert: 0x0000) (padn)" before it (ipv6-words.ts).

import { linkTypeName, type MplsLabel } from '../../lib/pcap/index.js';
import { LAYERS, STATUS, STATUS_NAME, type PacketChecksums } from '../../lib/check/index.js';
import {
  describeIcmp,
  dscpName,
  isPacket6,
  jsonify,
  lengthFromCapture,
  type IcmpMessage,
  type Packet,
  type Packet6,
  type QuotedDatagram,
} from '../../lib/wire/index.js';
import { describeOption } from '../../lib/wire/ipv4-options.js';
import { LAYER_KEYS, problemOffset, type DecodedFrame } from './frame.js';
import { hex16, hex8 } from './hex.js';
import { describeExtensions, describeIcmpv6Message, extensionLengthNote6 } from './ipv6-words.js';

export { decodeBytes, decodeFrame, LAYER_KEYS, type DecodedFrame, type FrameInfo, type FrameProblem, type PartialPacket } from './frame.js';

// ---- small formatters -----------------------------------------------------------------------------

export const ECN_NAME = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'] as const;
const PROTOCOL_NAME: Record<number, string> = {
  0: 'Hop-by-Hop',
  1: 'ICMP',
  2: 'IGMP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  43: 'Routing',
  44: 'Fragment',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
  59: 'No Next Header',
  60: 'Destination Options',
  132: 'SCTP',
};

/** "UDP", "ICMPv6", "proto 99": an IPv4 protocol or IPv6 Next Header number. */
export function protocolName(p: number): string {
  return PROTOCOL_NAME[p] ?? `proto ${p}`;
}

/** "0xb8 (EF)", "0x00", "0x03 (CS0, CE)": a TOS byte or an IPv6 traffic class. */
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

/** UDP or TCP, the same words over either IP version; null when neither. */
export function describePorts(p: Pick<Packet, 'udp' | 'tcp'>): string | null {
  if (p.udp) return `UDP ${p.udp.srcPort} > ${p.udp.dstPort} length ${p.udp.length}`;
  if (p.tcp) {
    const t = p.tcp;
    let s = `TCP ${t.srcPort} > ${t.dstPort} [${tcpFlagLetters(t.flags)}] seq ${t.sequence}`;
    if (t.flags.ack) s += ` ack ${t.acknowledgment}`;
    return `${s} win ${t.window}`;
  }
  return null;
}

/** The transport part of an IPv4 summary line. */
function describeTransport(p: Packet): string {
  if (p.icmp) return describeIcmpMessage(p.icmp);
  const ports = describePorts(p);
  if (ports !== null) return ports;
  if (p.ip.fragmentOffset !== 0) return `${protocolName(p.ip.protocol)} fragment`;
  return protocolName(p.ip.protocol);
}

/** The upper-layer part of an IPv6 summary line, after its extension chain. */
function describeUpper6(p: Packet6): string {
  const chain = describeExtensions(p.extensions);
  let upper: string;
  if (p.icmpv6) upper = describeIcmpv6Message(p.icmpv6);
  else {
    const ports = describePorts(p);
    const last = p.extensions[p.extensions.length - 1];
    const next = last === undefined ? p.ip.nextHeader : last.nextHeader;
    if (ports !== null) upper = ports;
    else if (last?.kind === 'fragment' && last.fragmentOffset !== 0) upper = `${protocolName(last.nextHeader)} fragment`;
    else upper = next === null ? 'encrypted payload' : protocolName(next);
  }
  return chain === '' ? upper : `${chain} ${upper}`;
}

const LAYER_WORD = ['ip', 'icmp', 'udp', 'tcp', 'icmpv6'] as const;

/** "checksums ok", "bad ip checksum 0xdead (expected 0x76b5)", "udp checksum unverifiable (...)". */
export function describeChecks(c: PacketChecksums): string {
  if (c.malformed !== null) return 'checksums not checked (malformed)';
  const problems: string[] = [];
  const one = (layer: string, status: number, found: number, expected: number, offloaded: boolean, why: string | null): void => {
    if (status === STATUS.BAD) {
      const right = expected < 0 ? 'never 0 over IPv6' : `expected ${hex16(expected)}`;
      problems.push(`bad ${layer} checksum ${hex16(found)} (${right}${offloaded ? '; offloaded: captured before the NIC filled it in' : ''})`);
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

/** tcpdump's "(class 0xb8, flowlabel 0x4d2a1, hlim 64, ... payload length: 64)", in our order. */
function ip6Part(ip: Packet6['ip'], captured: number): string {
  let s = `hlim ${ip.hopLimit}, class ${describeTos(ip.trafficClass)}, flowlabel 0x${ip.flowLabel.toString(16).padStart(5, '0')}, payload length ${ip.payloadLength}`;
  if (captured < ip.payloadLength + 40) s += ` (${Math.max(0, captured - 40)} captured)`;
  return s;
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
  if (problem?.kind === 'not-ipv4') return `${head}${problem.reason} (not decoded: rawprobe decodes IPv4 and IPv6)`;
  const captured = f.capturedLength - f.linkHeaderLength;
  if (d.packet !== null) {
    const p = d.packet;
    const wire = f.originalLength - f.linkHeaderLength;
    const parts = isPacket6(p)
      ? [describeUpper6(p), ip6Part(p.ip, captured), describeChecks(d.checks!), extensionLengthNote6(p.icmpv6)]
      : [describeTransport(p), ipPart(p, wire, captured), describeChecks(d.checks!), extensionLengthNote(p.icmp)];
    return `${head}${p.ip.src} > ${p.ip.dst} ${parts.filter((x) => x !== null).join(', ')}`;
  }
  const at = problemOffset(problem!);
  const tail = `[malformed] ${problem!.reason}${at === null ? '' : ` (byte offset ${at})`}`;
  const ip = d.partial?.ip as Record<string, unknown> | null | undefined;
  if (ip && typeof ip.src === 'string') {
    const next = (d.version === 6 ? ip.nextHeader : ip.protocol) as number;
    return `${head}${ip.src} > ${String(ip.dst)} ${protocolName(next)} ${tail}`;
  }
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
 * capture, whether it was read from a raw socket), every decoded field of each layer of the
 * packet's version (IPv4: `ip`, `icmp`, `udp`, `tcp`; IPv6: `ip`, `extensions`, `icmpv6`,
 * `udp`, `tcp`; null when absent), `payload` (hex), `truncated`, `bytes`, and `problem` (null,
 * or why the frame could not be decoded, with its offset in the frame and in the file; then the
 * layers read before the problem are kept). `rawprobe send --json` takes these objects back: it
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
  const layers: Record<string, unknown> = {};
  for (const key of LAYER_KEYS[d.version === 6 ? 6 : 4]) layers[key] = d.partial?.[key] ? jsonify(d.partial[key]) : key === 'extensions' ? [] : null;
  return { frame, ...layers, payload: null, truncated: null, bytes: null, problem: d.problem };
}
