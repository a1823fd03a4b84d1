// What the path did to a datagram we sent, read from an ICMP error's quote of it: every ICMP
// error quotes the datagram as the router received it (RFC 792; RFC 1812 section 4.3.2.3 asks
// for as much as fits in 576 bytes, and Linux sends that), so comparing the quote with what we
// sent, byte for byte as far as the quote goes, shows what the routers and middleboxes before
// that router rewrote. tracebox (Detal et al., IMC 2013) does this; ping and traceroute do not.
//
//   field      what it means when it differs                        values (sent / quoted)
//   tos        DSCP re-marked                                       TOS byte
//   tclass     the same in IPv6's traffic class                     traffic class byte
//   ecn        ECN codepoint changed (bleached to Not-ECT, or CE)   0-3 (ECN_NAMES)
//   flow       IPv6 flow label rewritten                            20 bits
//   df         Don't Fragment cleared (or set)                      0 / 1
//   id         IP identification rewritten (some NATs, scrubbers)   u16
//   length     total length changed (padding, options stripped)     bytes (IPv6: payload length)
//   options    IP options stripped, added or rewritten              option bytes as hex, '' for none
//   ttl        the quoted TTL is not 1 (see changes.ts)             sent TTL / quoted TTL
//   src, dst   addresses rewritten (NAT)                            address text
//   next       IPv6 Next Header changed (a header added, removed)   protocol number
//   srcPort    UDP / TCP source port rewritten (NAPT)               u16
//   dstPort    UDP / TCP destination port rewritten                 u16
//   seq, ack   TCP sequence / acknowledgment number rewritten       u32
//   dataOffset TCP header length changed (options added, removed)   32-bit words
//   tcpFlags   TCP flags changed (ECE and CWR cleared...)           flags byte (NS in bit 8)
//   window     TCP window rewritten                                 u16
//   udpLength  UDP length changed                                   bytes
//   checksum   the transport checksum changed (fixed up after one   u16
//              of the above, or a NAT)
//   urgent     TCP urgent pointer rewritten                         u16
//   tcpOption  one TCP option (`option`: mss, sackOK, wscale...)    its value as text (mss and
//              clamped, stripped, added or rewritten                wscale as numbers); null: absent
//   payload    data bytes changed, from byte `at` of the data       hex of the bytes that differ
//
// The IP header checksum is not compared: it changes at every hop with the TTL. IPv6 has none,
// and its quote is compared the same way (RFC 4443 section 2.4: as much as fits 1280 bytes):
// traffic class, flow label, payload length, hop limit, addresses, next header, then the same
// transport fields (ICMPv6's checksum sits where ICMP's does). A quote shorter
// than the datagram leaves what it does not reach unknown: nothing is reported there (reachOf
// names the part, so a report can say so). Nothing allocates unless something differs.
import { formatHex, formatIpv4, u16, u32 } from './bytes.js';
import { ecnOf } from './dscp.js';
import { FIELD as ICMP } from './icmpv4-codes.js';
import { FIELD as IP, FLAG, headerLengthOf, MIN_HEADER_LENGTH, PROTOCOL } from './ipv4.js';
import { PROTOCOL_NUMBER as ICMPV6 } from './icmpv6.js';
import { formatIpv6 } from './ipv6-address.js';
import { FIELD as IP6, HEADER_LENGTH as IPV6_HEADER_LENGTH } from './ipv6.js';
import { FIELD as TCP, MIN_HEADER_LENGTH as TCP_MIN } from './tcp.js';
import { decodeOptions, type TcpOption } from './tcp-options.js';
import { FIELD as UDP, HEADER_LENGTH as UDP_HEADER_LENGTH } from './udp.js';

/** The fields compared, in the order changes are reported. */
export const CHANGE_FIELDS = [
  'tos', 'tclass', 'ecn', 'flow', 'df', 'id', 'length', 'options', 'ttl', 'src', 'dst', 'next',
  'srcPort', 'dstPort', 'seq', 'ack', 'dataOffset', 'tcpFlags', 'window', 'udpLength', 'checksum', 'urgent',
  'tcpOption', 'payload',
] as const;
export type ChangeField = (typeof CHANGE_FIELDS)[number];

/** RFC 3168's names of the four ECN codepoints. */
export const ECN_NAMES = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'] as const;

/** One field the path changed: what we sent, what the router quoted. */
export interface HeaderChange {
  field: ChangeField;
  /** Numbers, except addresses (dotted quads), IP options and payload (hex) and TCP options (text; null when absent). */
  sent: number | string | null;
  quoted: number | string | null;
  /** tcpOption: which option (its name in tcp-options.ts: "mss", "sackOK", "kind 30"). */
  option?: string;
  /** payload: the first data byte that differs (0 is the first byte after the transport header). */
  at?: number;
  /** seq, ack: quoted - sent (signed, 32 bits) when every probe of the hop was shifted alike (set by trace's ChangeTracker). */
  delta?: number;
}

export interface CompareOptions {
  /** The TTL a normal router quotes (1); null to leave the TTL out (probes not sent to expire). */
  expectedTtl?: number | null;
}

/**
 * The differences between the datagram we sent (sent[s, s + sentLength)) and the quote of it at
 * q[qOffset, qOffset + qLength) (from its IPv4 header on, as far as the router quoted). Transport
 * fields, options and data are compared only where the quote reaches them. [] when nothing differs.
 */
export function compareQuoted(
  sent: Uint8Array,
  s: number,
  sentLength: number,
  q: Uint8Array,
  qOffset: number,
  qLength: number,
  options: CompareOptions = {},
): HeaderChange[] {
  const changes: HeaderChange[] = [];
  const expectedTtl = options.expectedTtl === undefined ? 1 : options.expectedTtl;
  const v6 = sentLength > 0 && sent[s]! >>> 4 === 6;
  // Both fixed headers whole, or nothing to compare.
  const fixed = v6 ? IPV6_HEADER_LENGTH : MIN_HEADER_LENGTH;
  if (sentLength < fixed || qLength < fixed) return changes;
  const where = (v6 ? compareHeader6 : compareHeader4)({ b: sent, at: s, end: s + sentLength }, { b: q, at: qOffset, end: qOffset + qLength }, expectedTtl, changes);
  if (where !== null) compareTransport(where.protocol, where.sent, where.quoted, changes);
  return changes;
}

/** Where both transport headers start, and their protocol (when the quote is of the same one). */
interface TransportAt {
  protocol: number;
  sent: Span;
  quoted: Span;
}

function push(changes: HeaderChange[], field: ChangeField, a: number | string, b: number | string): void {
  if (a !== b) changes.push({ field, sent: a, quoted: b });
}

/** DSCP (tos, tclass) and ECN apart: a bleached ECN is no re-marked DSCP. */
function compareClass(field: 'tos' | 'tclass', sent: number, quoted: number, changes: HeaderChange[]): void {
  if ((sent ^ quoted) & ~0x03) changes.push({ field, sent, quoted });
  push(changes, 'ecn', ecnOf(sent), ecnOf(quoted));
}

/** The IPv4 header's fields (both fixed headers there); where the transport headers are, or null when they cannot be compared. */
function compareHeader4(a: Span, q: Span, expectedTtl: number | null, changes: HeaderChange[]): TransportAt | null {
  const s = a.at;
  const o = q.at;
  const sent = a.b;
  const qb = q.b;
  const sentHl = headerLengthOf(sent, s);
  const quotedHl = headerLengthOf(qb, o);
  const df = (b: Uint8Array, at: number): number => ((u16(b, at + IP.FLAGS_FRAGMENT) & FLAG.DF) === 0 ? 0 : 1);
  compareClass('tos', sent[s + IP.TOS]!, qb[o + IP.TOS]!, changes);
  push(changes, 'df', df(sent, s), df(qb, o));
  push(changes, 'id', u16(sent, s + IP.ID), u16(qb, o + IP.ID));
  push(changes, 'length', u16(sent, s + IP.TOTAL_LENGTH), u16(qb, o + IP.TOTAL_LENGTH));
  const optionBytes = sentHl - IP.OPTIONS;
  const qLength = q.end - o;
  if (sentHl !== quotedHl || (optionBytes > 0 && quotedHl <= qLength && !sameBytes(sent, s + IP.OPTIONS, qb, o + IP.OPTIONS, optionBytes))) {
    const quotedOptions = quotedHl > IP.OPTIONS ? qb.subarray(o + IP.OPTIONS, o + Math.min(quotedHl, qLength)) : EMPTY;
    push(changes, 'options', formatHex(sent.subarray(s + IP.OPTIONS, s + sentHl)), formatHex(quotedOptions));
  }
  if (expectedTtl !== null && qb[o + IP.TTL] !== expectedTtl) changes.push({ field: 'ttl', sent: sent[s + IP.TTL]!, quoted: qb[o + IP.TTL]! });
  push(changes, 'src', formatIpv4(u32(sent, s + IP.SRC)), formatIpv4(u32(qb, o + IP.SRC)));
  // The destination is written per probe and checked by the match; a NAT on the way changes it.
  if (u32(sent, s + IP.DST) !== u32(qb, o + IP.DST)) push(changes, 'dst', formatIpv4(u32(sent, s + IP.DST)), formatIpv4(u32(qb, o + IP.DST)));
  const protocol = sent[s + IP.PROTOCOL]!;
  if (protocol !== qb[o + IP.PROTOCOL] || quotedHl > qLength) return null;
  return { protocol, sent: { ...a, at: s + sentHl }, quoted: { ...q, at: o + quotedHl } };
}

/** The IPv6 header's fields (RFC 8200 section 3; both fixed headers there); the transport headers follow the fixed header when Next Header names them. */
function compareHeader6(a: Span, q: Span, expectedTtl: number | null, changes: HeaderChange[]): TransportAt | null {
  const s = a.at;
  const o = q.at;
  const sent = a.b;
  const qb = q.b;
  const tclass = (b: Uint8Array, at: number): number => ((b[at]! & 0x0f) << 4) | (b[at + 1]! >>> 4);
  compareClass('tclass', tclass(sent, s), tclass(qb, o), changes);
  push(changes, 'flow', u32(sent, s) & 0xfffff, u32(qb, o) & 0xfffff);
  push(changes, 'length', u16(sent, s + IP6.PAYLOAD_LENGTH), u16(qb, o + IP6.PAYLOAD_LENGTH));
  if (expectedTtl !== null && qb[o + IP6.HOP_LIMIT] !== expectedTtl) changes.push({ field: 'ttl', sent: sent[s + IP6.HOP_LIMIT]!, quoted: qb[o + IP6.HOP_LIMIT]! });
  push(changes, 'src', formatIpv6(sent, s + IP6.SRC), formatIpv6(qb, o + IP6.SRC));
  if (!sameBytes(sent, s + IP6.DST, qb, o + IP6.DST, 16)) push(changes, 'dst', formatIpv6(sent, s + IP6.DST), formatIpv6(qb, o + IP6.DST));
  const next = sent[s + IP6.NEXT_HEADER]!;
  push(changes, 'next', next, qb[o + IP6.NEXT_HEADER]!);
  if (next !== qb[o + IP6.NEXT_HEADER]) return null;
  return { protocol: next === ICMPV6 ? PROTOCOL.ICMP : next, sent: { ...a, at: s + IPV6_HEADER_LENGTH }, quoted: { ...q, at: o + IPV6_HEADER_LENGTH } };
}

/** A transport header and what follows it: b[at, end). */
interface Span {
  b: Uint8Array;
  at: number;
  end: number;
}

/** The transport header, its options and the data, field by field (appended to `changes`). */
function compareTransport(protocol: number, a: Span, q: Span, changes: HeaderChange[]): void {
  const have = (from: number, bytes: number): boolean => q.at + from + bytes <= q.end && a.at + from + bytes <= a.end;
  const read = (x: Span, at: number, bytes: 1 | 2 | 4): number => (bytes === 1 ? x.b[x.at + at]! : bytes === 2 ? u16(x.b, x.at + at) : u32(x.b, x.at + at));
  const field = (name: ChangeField, at: number, bytes: 1 | 2 | 4, mask = -1): void => {
    if (!have(at, bytes)) return;
    const v = read(a, at, bytes) & mask;
    const w = read(q, at, bytes) & mask;
    if (v !== w) changes.push({ field: name, sent: v >>> 0, quoted: w >>> 0 });
  };
  if (protocol === PROTOCOL.UDP || protocol === PROTOCOL.TCP) {
    // Both start with the source and destination ports (UDP.SRC_PORT = TCP.SRC_PORT...).
    field('srcPort', UDP.SRC_PORT, 2);
    field('dstPort', UDP.DST_PORT, 2);
  }
  let headerLength = protocol === PROTOCOL.TCP ? tcpHeaderLength(a) : UDP_HEADER_LENGTH; // ICMP's echo header is 8 bytes too
  let quotedHeaderLength = headerLength;
  if (protocol === PROTOCOL.UDP) {
    field('udpLength', UDP.LENGTH, 2);
    field('checksum', UDP.CHECKSUM, 2);
  } else if (protocol === PROTOCOL.TCP) {
    field('seq', TCP.SEQUENCE, 4);
    field('ack', TCP.ACKNOWLEDGMENT, 4);
    field('dataOffset', TCP.DATA_OFFSET, 1, 0xf0);
    if (changes.length > 0 && changes[changes.length - 1]!.field === 'dataOffset') {
      const last = changes[changes.length - 1]!;
      last.sent = Number(last.sent) >>> 4;
      last.quoted = Number(last.quoted) >>> 4;
    }
    field('tcpFlags', TCP.DATA_OFFSET, 2, 0x1ff);
    field('window', TCP.WINDOW, 2);
    field('checksum', TCP.CHECKSUM, 2);
    field('urgent', TCP.URGENT_POINTER, 2);
    if (have(TCP.DATA_OFFSET, 1)) quotedHeaderLength = tcpHeaderLength(q);
    compareTcpOptions(a, q, headerLength, quotedHeaderLength, changes);
  } else if (protocol === PROTOCOL.ICMP) {
    field('checksum', ICMP.CHECKSUM, 2);
  } else {
    return;
  }
  if (protocol === PROTOCOL.TCP && !have(TCP.DATA_OFFSET, 1)) return;
  comparePayload({ ...a, at: a.at + headerLength }, { ...q, at: q.at + quotedHeaderLength }, changes);
}

function tcpHeaderLength(x: Span): number {
  return Math.max(TCP_MIN, (x.b[x.at + TCP.DATA_OFFSET]! >>> 4) * 4);
}

/** Each TCP option by kind: a value changed, an option removed or added (as far as the quote's options go). */
function compareTcpOptions(a: Span, q: Span, sentHl: number, quotedHl: number, changes: HeaderChange[]): void {
  const quotedEnd = Math.min(q.at + quotedHl, q.end);
  const sentStart = a.at + TCP_MIN;
  const quotedStart = q.at + TCP_MIN;
  if (quotedEnd <= quotedStart) return; // the quote ends before the options: unknown
  if (sentHl === quotedHl && sameBytes(a.b, sentStart, q.b, quotedStart, quotedEnd - quotedStart)) return;
  const ours = decodeOptions(a.b, sentStart, a.at + sentHl).options;
  const theirs = decodeOptions(q.b, quotedStart, quotedEnd);
  const value = (o: TcpOption | undefined): string | number | null => {
    if (o === undefined) return null;
    return o.name === 'mss' || o.name === 'wscale' ? Number(o.value) : o.value;
  };
  for (const mine of ours) {
    const other = theirs.options.find((x) => x.kind === mine.kind);
    // Absent from a quote cut inside the options means unknown, not removed.
    if (other === undefined && !theirs.complete) continue;
    if (other === undefined || other.value !== mine.value) changes.push({ field: 'tcpOption', option: mine.name, sent: value(mine), quoted: value(other) });
  }
  for (const added of theirs.options) {
    if (!ours.some((x) => x.kind === added.kind)) changes.push({ field: 'tcpOption', option: added.name, sent: null, quoted: value(added) });
  }
}

/** The data after the transport header: the first and last bytes that differ, as far as the quote goes. */
function comparePayload(a: Span, q: Span, changes: HeaderChange[]): void {
  const n = Math.min(a.end - a.at, q.end - q.at);
  let first = -1;
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (a.b[a.at + i] === q.b[q.at + i]) continue;
    if (first < 0) first = i;
    last = i;
  }
  if (first < 0) return;
  const end = Math.min(last + 1, first + 16);
  changes.push({
    field: 'payload',
    at: first,
    sent: formatHex(a.b.subarray(a.at + first, a.at + end)),
    quoted: formatHex(q.b.subarray(q.at + first, q.at + end)),
  });
}

const EMPTY = new Uint8Array(0);

function sameBytes(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

/**
 * Bytes of the datagram a quote must hold to show `change`'s field (the end of the field in
 * what we sent at sent[s...]): whether a shorter quote could have seen it.
 */
export function fieldEnd(sent: Uint8Array, s: number, change: HeaderChange): number {
  const { hl, protocol } = ipHeaderOf(sent, s);
  const tcp = protocol === PROTOCOL.TCP;
  const thl = tcp ? Math.max(TCP_MIN, (sent[s + hl + TCP.DATA_OFFSET]! >>> 4) * 4) : UDP_HEADER_LENGTH;
  const ends: Partial<Record<ChangeField, number>> = {
    options: hl,
    srcPort: hl + 2,
    dstPort: hl + 4,
    seq: hl + 8,
    udpLength: hl + 6,
    checksum: hl + (tcp ? TCP.CHECKSUM + 2 : 8),
    ack: hl + 12,
    dataOffset: hl + 13,
    tcpFlags: hl + 14,
    window: hl + 16,
    urgent: hl + 20,
    tcpOption: hl + thl,
    payload: hl + thl + (change.at ?? 0) + 1,
  };
  return ends[change.field] ?? (sent[s]! >>> 4 === 6 ? IPV6_HEADER_LENGTH : MIN_HEADER_LENGTH);
}

/** The IP header's length and the protocol after it (ICMPv6 read as ICMP), IPv4 or IPv6. */
function ipHeaderOf(b: Uint8Array, s: number): { hl: number; protocol: number } {
  if (b[s]! >>> 4 === 6) {
    const next = b[s + IP6.NEXT_HEADER]!;
    return { hl: IPV6_HEADER_LENGTH, protocol: next === ICMPV6 ? PROTOCOL.ICMP : next };
  }
  return { hl: headerLengthOf(b, s), protocol: b[s + IP.PROTOCOL]! };
}

/**
 * What a quote of `quoteLength` bytes leaves unknown of the datagram we sent at sent[s,
 * s + sentLength): "tcp options", "tcp header from byte 8", "data from byte 12"...; null when
 * it holds all of it.
 */
export function unknownPart(sent: Uint8Array, s: number, sentLength: number, quoteLength: number): string | null {
  if (quoteLength >= sentLength) return null;
  const { hl, protocol } = ipHeaderOf(sent, s);
  if (quoteLength < hl) return 'ip header from byte ' + String(quoteLength);
  const name = protocol === PROTOCOL.TCP ? 'tcp' : protocol === PROTOCOL.UDP ? 'udp' : protocol === PROTOCOL.ICMP ? 'icmp' : `protocol ${protocol}`;
  const thl = protocol === PROTOCOL.TCP ? Math.max(TCP_MIN, (sent[s + hl + TCP.DATA_OFFSET]! >>> 4) * 4) : UDP_HEADER_LENGTH;
  const into = quoteLength - hl;
  if (protocol === PROTOCOL.TCP && into >= TCP_MIN && into < thl) return 'tcp options';
  if (into < thl) return `${name} header from byte ${into}`;
  return `data from byte ${into - thl}`;
}
