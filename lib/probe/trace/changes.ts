// What the path did to our header: every ICMP error quotes the datagram that caused it as the
// router received it (RFC 792; RFC 1812 section 4.3.2.3 asks for as much of it as fits in 576
// bytes, Linux does that), so comparing the quote field by field with what we sent shows what
// the routers and middleboxes before that router rewrote. tracebox (Detal et al., IMC 2013)
// does this; ping and traceroute do not.
//
//   field      what it means when it differs                       values (sent / quoted)
//   tos        DSCP and/or ECN re-marked                           TOS byte
//   df         Don't Fragment cleared (or set)                     0 / 1
//   id         IP identification rewritten (some NATs, scrubbers)  u16
//   length     total length changed (padding, options stripped)    bytes
//   options    IP options stripped, added or rewritten             option bytes as hex, '' for none
//   ttl        the quoted TTL is not 1 (see below)                 sent TTL / quoted TTL
//   src        source address rewritten (NAT)                      dotted quad
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
// The IP header checksum is not compared: it changes at every hop with the TTL.
//
// Everything here reads raw bytes; nothing allocates unless something differs.
import { formatHex, formatIpv4, u16, u32 } from '../../wire/bytes.js';
import { isQuotingType } from '../protocols/answer.js';

/** The fields compared, in the order changes are reported. */
export const CHANGE_FIELDS = ['tos', 'df', 'id', 'length', 'options', 'ttl', 'src', 'srcPort', 'dstPort', 'checksum', 'seq'] as const;
export type ChangeField = (typeof CHANGE_FIELDS)[number];

/** One field the path changed: what we sent, what the router quoted. */
export interface HeaderChange {
  field: ChangeField;
  /** Numbers, except `src` (dotted quad) and `options` (hex of the option bytes, '' for none). */
  sent: number | string;
  quoted: number | string;
}

/**
 * Fields whose sent value differs from probe to probe (an IP id per probe, a port per probe):
 * a hop reports "this field is rewritten from here on", not a value.
 */
const PER_PROBE: ReadonlySet<ChangeField> = new Set<ChangeField>(['id', 'srcPort', 'dstPort', 'checksum', 'seq']);

// IPv4 (RFC 791 section 3.1)
const IP = { VER_IHL: 0, TOS: 1, TOTAL_LENGTH: 2, ID: 4, FLAGS: 6, TTL: 8, PROTOCOL: 9, SRC: 12, DST: 16, OPTIONS: 20 } as const;
const DF = 0x40; // in the byte at FLAGS
// UDP (RFC 768), TCP (RFC 793), ICMP echo (RFC 792): offsets in the transport header
const UDP = { SRC_PORT: 0, DST_PORT: 2, CHECKSUM: 6 } as const;
const TCP = { SRC_PORT: 0, DST_PORT: 2, SEQUENCE: 4, CHECKSUM: 16 } as const;
const ICMP = { CHECKSUM: 2 } as const;

export interface CompareOptions {
  /** The TTL a normal router quotes (1); null to leave the TTL out (probes not sent to expire). */
  expectedTtl?: number | null;
}

/**
 * Offset of the quoted IPv4 header inside the ICMP error that is the IPv4 datagram at
 * b[offset, offset + length), or -1 when it is not an ICMP error quoting at least an IPv4 header.
 */
export function quotedHeaderOffset(b: Uint8Array, offset: number, length: number): number {
  const end = offset + length;
  if (length < 20 || end > b.length || b[offset]! >>> 4 !== 4) return -1;
  const hl = (b[offset]! & 0x0f) << 2;
  if (hl < 20 || b[offset + IP.PROTOCOL] !== 1) return -1;
  const p = offset + hl;
  if (p + 8 + 20 > end || !isQuotingType(b[p]!)) return -1;
  const inner = p + 8;
  if (b[inner]! >>> 4 !== 4 || (b[inner]! & 0x0f) < 5) return -1;
  return inner;
}

/**
 * The differences between the datagram we sent (sent[s, s + sentLength)) and the quote of it at
 * q[qOffset, qOffset + qLength) (from its IPv4 header on, as far as the router quoted). Transport
 * fields are compared only where the quote reaches them. Returns [] when nothing differs.
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
  const o = qOffset;
  if (sentLength < 20 || qLength < 20) return changes;
  const sentHl = (sent[s]! & 0x0f) << 2;
  const quotedHl = (q[o]! & 0x0f) << 2;

  const add = (field: ChangeField, a: number | string, b: number | string): void => {
    if (a !== b) changes.push({ field, sent: a, quoted: b });
  };
  add('tos', sent[s + IP.TOS]!, q[o + IP.TOS]!);
  add('df', (sent[s + IP.FLAGS]! & DF) === 0 ? 0 : 1, (q[o + IP.FLAGS]! & DF) === 0 ? 0 : 1);
  add('id', u16(sent, s + IP.ID), u16(q, o + IP.ID));
  add('length', u16(sent, s + IP.TOTAL_LENGTH), u16(q, o + IP.TOTAL_LENGTH));
  if (sentHl !== quotedHl || (sentHl > 20 && quotedHl <= qLength && !sameBytes(sent, s + 20, q, o + 20, sentHl - 20))) {
    const quotedOptions = quotedHl > 20 ? q.subarray(o + 20, o + Math.min(quotedHl, qLength)) : EMPTY;
    add('options', formatHex(sent.subarray(s + 20, s + sentHl)), formatHex(quotedOptions));
  }
  const expectedTtl = options.expectedTtl === undefined ? 1 : options.expectedTtl;
  if (expectedTtl !== null && q[o + IP.TTL] !== expectedTtl) changes.push({ field: 'ttl', sent: sent[s + IP.TTL]!, quoted: q[o + IP.TTL]! });
  add('src', formatIpv4(u32(sent, s + IP.SRC)), formatIpv4(u32(q, o + IP.SRC)));

  // The transport header, where both are the same protocol and the quote reaches the field.
  const protocol = sent[s + IP.PROTOCOL];
  if (protocol !== q[o + IP.PROTOCOL] || quotedHl > qLength) return changes;
  const st = s + sentHl;
  const qt = o + quotedHl;
  const have = (from: number, bytes: number): boolean => qt + from + bytes <= o + qLength && st + from + bytes <= s + sentLength;
  if (protocol === 17 || protocol === 6) {
    if (have(0, 4)) {
      add('srcPort', u16(sent, st + UDP.SRC_PORT), u16(q, qt + UDP.SRC_PORT));
      add('dstPort', u16(sent, st + UDP.DST_PORT), u16(q, qt + UDP.DST_PORT));
    }
    if (protocol === 17 && have(UDP.CHECKSUM, 2)) add('checksum', u16(sent, st + UDP.CHECKSUM), u16(q, qt + UDP.CHECKSUM));
    if (protocol === 6 && have(TCP.SEQUENCE, 4)) add('seq', u32(sent, st + TCP.SEQUENCE), u32(q, qt + TCP.SEQUENCE));
    if (protocol === 6 && have(TCP.CHECKSUM, 2)) add('checksum', u16(sent, st + TCP.CHECKSUM), u16(q, qt + TCP.CHECKSUM));
  } else if (protocol === 1 && have(ICMP.CHECKSUM, 2)) {
    add('checksum', u16(sent, st + ICMP.CHECKSUM), u16(q, qt + ICMP.CHECKSUM));
  }
  return changes;
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
