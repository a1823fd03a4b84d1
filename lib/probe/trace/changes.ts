// What the path did to our header: every ICMP error quotes the datagram that caused it as the
// router received it (RFC 792; RFC 1812 section 4.3.2.3 asks for as much of it as fits in 576
// bytes, Linux does that), so comparing the quote field by field with what we sent shows what
// the routers and middleboxes before that router rewrote. tracebox (Detal et al., IMC 2013)
// does this; ping and traceroute do not.
//
//   field      what it means when it differs                       values (sent / quoted)
//   tos        DSCP and/or ECN re-marked                           TOS byte
//   tclass     the same in IPv6's traffic class                    traffic class byte
//   flow       IPv6 flow label rewritten                           20 bits
//   df         Don't Fragment cleared (or set)                     0 / 1
//   id         IP identification rewritten (some NATs, scrubbers)  u16
//   length     total length changed (padding, options stripped)    bytes (IPv6: payload length)
//   options    IP options stripped, added or rewritten             option bytes as hex, '' for none
//   ttl        the quoted TTL (hop limit) is not 1 (see below)     sent TTL / quoted TTL
//   src        source address rewritten (NAT)                      dotted quad (IPv6 text)
//   next       IPv6 Next Header changed (a header added, removed)  protocol number
//   srcPort    UDP / TCP source port rewritten (NAPT)              u16
//   dstPort    UDP / TCP destination port rewritten                u16
//   checksum   the transport checksum changed (NAT fixes it up)    u16
//   seq        TCP sequence number rewritten (ISN randomisers)     u32
//
// The quoted TTL: a probe sent with TTL h that expires at hop h arrives there with TTL 1, and
// Linux (like most routers) quotes it before decrementing. A router that quotes 0 decrements
// first; anything else means a hop before it did not decrement (or reset) the TTL. The
// destination's answer to a probe of the first TTL that reaches it quotes 1 as well.
//
// The IP header checksum is not compared: it changes at every hop with the TTL. IPv6 has none,
// and its quote is compared the same way (RFC 4443 section 2.4: as much as fits 1280 bytes):
// traffic class, flow label, payload length, hop limit, source, next header, then the same
// transport fields.
//
// Everything here reads raw bytes; nothing allocates unless something differs.
import { formatHex, formatIpv4, u16, u32 } from '../../wire/bytes.js';
import { FIELD as ICMP } from '../../wire/icmpv4-codes.js';
import { FIELD as IP, FLAG, headerLengthOf, MIN_HEADER_LENGTH, PROTOCOL } from '../../wire/ipv4.js';
import { formatIpv6 } from '../../wire/ipv6-address.js';
import { FIELD as IP6, HEADER_LENGTH as IPV6_HEADER_LENGTH } from '../../wire/ipv6.js';
import { PROTOCOL_NUMBER as ICMPV6 } from '../../wire/icmpv6.js';
import { FIELD as TCP } from '../../wire/tcp.js';
import { FIELD as UDP } from '../../wire/udp.js';

/** The fields compared, in the order changes are reported. */
export const CHANGE_FIELDS = ['tos', 'tclass', 'flow', 'df', 'id', 'length', 'options', 'ttl', 'src', 'next', 'srcPort', 'dstPort', 'checksum', 'seq'] as const;
export type ChangeField = (typeof CHANGE_FIELDS)[number];

/** One field the path changed: what we sent, what the router quoted. */
export interface HeaderChange {
  field: ChangeField;
  /** Numbers, except `src` (address text) and `options` (hex of the option bytes, '' for none). */
  sent: number | string;
  quoted: number | string;
}

/**
 * Fields whose sent value differs from probe to probe (an IP id per probe, a port per probe):
 * a hop reports "this field is rewritten from here on", not a value.
 */
const PER_PROBE: ReadonlySet<ChangeField> = new Set<ChangeField>(['id', 'srcPort', 'dstPort', 'checksum', 'seq']);


export interface CompareOptions {
  /** The TTL a normal router quotes (1); null to leave the TTL out (probes not sent to expire). */
  expectedTtl?: number | null;
}

/**
 * The differences between the datagram we sent (sent[s, s + sentLength)) and the quote of it at
 * q[qOffset, qOffset + qLength) (from its IP header on, as far as the router quoted), IPv4 or
 * IPv6 by the version we sent. Transport fields are compared only where the quote reaches them.
 * Returns [] when nothing differs.
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
  const add = (field: ChangeField, a: number | string, b: number | string): void => {
    if (a !== b) changes.push({ field, sent: a, quoted: b });
  };
  const expectedTtl = options.expectedTtl === undefined ? 1 : options.expectedTtl;
  const header = sentLength > 0 && sent[s]! >>> 4 === 6 ? compareHeader6 : compareHeader4;
  const where = header(sent, s, sentLength, q, qOffset, qLength, expectedTtl, add, changes);
  if (where !== null) compareTransport(sent, s + sentLength, q, qOffset + qLength, where, add);
  return changes;
}

type Add = (field: ChangeField, a: number | string, b: number | string) => void;

/** Where both transport headers start, and their protocol (when the quote is of the same one). */
interface TransportAt {
  protocol: number;
  st: number;
  qt: number;
}

/** The IPv4 header's fields; where the transport headers are, or null when they cannot be compared. */
function compareHeader4(sent: Uint8Array, s: number, sentLength: number, q: Uint8Array, o: number, qLength: number, expectedTtl: number | null, add: Add, changes: HeaderChange[]): TransportAt | null {
  if (sentLength < MIN_HEADER_LENGTH || qLength < MIN_HEADER_LENGTH) return null;
  const sentHl = headerLengthOf(sent, s);
  const quotedHl = headerLengthOf(q, o);
  const df = (b: Uint8Array, at: number): number => ((u16(b, at + IP.FLAGS_FRAGMENT) & FLAG.DF) === 0 ? 0 : 1);
  add('tos', sent[s + IP.TOS]!, q[o + IP.TOS]!);
  add('df', df(sent, s), df(q, o));
  add('id', u16(sent, s + IP.ID), u16(q, o + IP.ID));
  add('length', u16(sent, s + IP.TOTAL_LENGTH), u16(q, o + IP.TOTAL_LENGTH));
  const optionBytes = sentHl - IP.OPTIONS;
  if (sentHl !== quotedHl || (optionBytes > 0 && quotedHl <= qLength && !sameBytes(sent, s + IP.OPTIONS, q, o + IP.OPTIONS, optionBytes))) {
    const quotedOptions = quotedHl > IP.OPTIONS ? q.subarray(o + IP.OPTIONS, o + Math.min(quotedHl, qLength)) : EMPTY;
    add('options', formatHex(sent.subarray(s + IP.OPTIONS, s + sentHl)), formatHex(quotedOptions));
  }
  if (expectedTtl !== null && q[o + IP.TTL] !== expectedTtl) changes.push({ field: 'ttl', sent: sent[s + IP.TTL]!, quoted: q[o + IP.TTL]! });
  add('src', formatIpv4(u32(sent, s + IP.SRC)), formatIpv4(u32(q, o + IP.SRC)));
  const protocol = sent[s + IP.PROTOCOL]!;
  if (protocol !== q[o + IP.PROTOCOL] || quotedHl > qLength) return null;
  return { protocol, st: s + sentHl, qt: o + quotedHl };
}

/** The IPv6 header's fields (RFC 8200 section 3); the transport headers follow the fixed header when Next Header names them. */
function compareHeader6(sent: Uint8Array, s: number, sentLength: number, q: Uint8Array, o: number, qLength: number, expectedTtl: number | null, add: Add, changes: HeaderChange[]): TransportAt | null {
  if (sentLength < IPV6_HEADER_LENGTH || qLength < IPV6_HEADER_LENGTH) return null;
  const tclass = (b: Uint8Array, at: number): number => ((b[at]! & 0x0f) << 4) | (b[at + 1]! >>> 4);
  add('tclass', tclass(sent, s), tclass(q, o));
  add('flow', u32(sent, s) & 0xfffff, u32(q, o) & 0xfffff);
  add('length', u16(sent, s + IP6.PAYLOAD_LENGTH), u16(q, o + IP6.PAYLOAD_LENGTH));
  if (expectedTtl !== null && q[o + IP6.HOP_LIMIT] !== expectedTtl) changes.push({ field: 'ttl', sent: sent[s + IP6.HOP_LIMIT]!, quoted: q[o + IP6.HOP_LIMIT]! });
  add('src', formatIpv6(sent, s + IP6.SRC), formatIpv6(q, o + IP6.SRC));
  const next = sent[s + IP6.NEXT_HEADER]!;
  add('next', next, q[o + IP6.NEXT_HEADER]!);
  if (next !== q[o + IP6.NEXT_HEADER]) return null;
  return { protocol: next === ICMPV6 ? PROTOCOL.ICMP : next, st: s + IPV6_HEADER_LENGTH, qt: o + IPV6_HEADER_LENGTH };
}

/** The transport header, where the quote reaches each field (ICMPv6's checksum sits where ICMP's does). */
function compareTransport(sent: Uint8Array, sentEnd: number, q: Uint8Array, qEnd: number, at: TransportAt, add: Add): void {
  const { protocol, st, qt } = at;
  const have = (from: number, bytes: number): boolean => qt + from + bytes <= qEnd && st + from + bytes <= sentEnd;
  const field16 = (name: ChangeField, off: number): void => {
    if (have(off, 2)) add(name, u16(sent, st + off), u16(q, qt + off));
  };
  if ((protocol === PROTOCOL.UDP || protocol === PROTOCOL.TCP) && have(UDP.SRC_PORT, 4)) {
    // Both start with the source and destination ports (UDP.SRC_PORT = TCP.SRC_PORT...).
    add('srcPort', u16(sent, st + UDP.SRC_PORT), u16(q, qt + UDP.SRC_PORT));
    add('dstPort', u16(sent, st + UDP.DST_PORT), u16(q, qt + UDP.DST_PORT));
  }
  if (protocol === PROTOCOL.UDP) field16('checksum', UDP.CHECKSUM);
  if (protocol === PROTOCOL.TCP) {
    if (have(TCP.SEQUENCE, 4)) add('seq', u32(sent, st + TCP.SEQUENCE), u32(q, qt + TCP.SEQUENCE));
    field16('checksum', TCP.CHECKSUM);
  }
  if (protocol === PROTOCOL.ICMP) field16('checksum', ICMP.CHECKSUM);
}

const EMPTY = new Uint8Array(0);

function sameBytes(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

/**
 * Reports each change at the first hop whose quotes show it (tracebox's rule): a TOS re-marked
 * by the router before hop 3 shows in the quotes of hops 3, 4, 5..., and is reported at hop 3
 * only. Feed it the hops in TTL order. A field changed to another value further on is reported
 * again there; a per-probe field (id, ports, checksum, seq) is reported once, where it starts
 * being rewritten. The quoted TTL is a fact about each answering router, so it is reported at
 * every hop where it is unusual.
 */
export class ChangeTracker {
  readonly #seen = new Map<ChangeField, string>();

  /**
   * `quotes`: the changes of each answer of this hop that quoted our header (an empty list for
   * an answer whose quote matched exactly). Returns the changes new at this hop, in field order.
   */
  hop(quotes: readonly (readonly HeaderChange[])[]): HeaderChange[] {
    const out: HeaderChange[] = [];
    for (const field of CHANGE_FIELDS) {
      let first: HeaderChange | null = null;
      for (const list of quotes) {
        first = list.find((c) => c.field === field) ?? null;
        if (first !== null) break;
      }
      if (first === null) continue;
      if (field === 'ttl') {
        out.push(first);
        continue;
      }
      const signature = PER_PROBE.has(field) ? 'rewritten' : String(first.quoted);
      if (this.#seen.get(field) === signature) continue;
      this.#seen.set(field, signature);
      out.push(first);
    }
    return out;
  }
}
