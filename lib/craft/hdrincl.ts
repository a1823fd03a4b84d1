// What Linux changes in a packet sent with IP_HDRINCL (raw(7), "IP Header fields modified on
// sending by IP_HDRINCL"; net/ipv4/raw.c raw_send_hdrinc), as data, and what that means for one
// packet. Checked on this machine (Linux 6.x, Debian 12) by capturing what leaves on lo:
//
//   field         rule                         observed
//   checksum      always filled in              0xdead sent as 0x76b5
//   totalLength   always filled in              200 and 20 both sent as 36, the bytes written
//   src           filled in when 0              0.0.0.0 sent as 127.0.0.1 (the route's source)
//   id            filled in when 0              0 sent as a kernel-chosen id; with DF set it stays 0
//                                               (ip_select_ident: DF packets need no id)
//
// Everything else (TTL, TOS, flags, fragment offset, options, and every byte after the IP
// header, transport checksums included) leaves exactly as written. The kernel refuses a packet
// shorter than its IHL says (EINVAL) and one larger than the route's MTU with DF (EMSGSIZE).
//
// IPv6 with IPV6_HDRINCL (net/ipv6/raw.c rawv6_send_hdrinc, Linux 4.5 and later) changes
// nothing: checked the same way, on lo and across a veth pair (test/craft/send6-wire.test.ts),
// a payload length of 0 or 200 on a 16-byte payload, a :: source, a hop limit of 0, a wrong
// checksum, a Next Header naming another protocol, even version 5 all leave as written. There
// is no checksum to fill (IPv6 has none) and no identification (a Fragment header's is ours).
// The kernel refuses a packet shorter than 40 bytes (EINVAL) and one larger than the route's
// MTU (EMSGSIZE: it never fragments; `send --frag` does, with lib/wire's fragmentIpv6), and it
// routes by the address handed to sendto, which `send` takes from the header's destination.

import { put16, put32, u16, u32 } from '../wire/bytes.js';
import { internetChecksum } from '../wire/checksum.js';
import { FIELD, FLAG, headerLengthOf, MIN_HEADER_LENGTH } from '../wire/ipv4.js';

export type KernelField = 'checksum' | 'totalLength' | 'src' | 'id';

export interface HdrinclRule {
  field: KernelField;
  /** Byte offset and size in the IPv4 header. */
  offset: number;
  size: number;
  when: 'always' | 'zero';
  rule: string;
}

/** What Linux changes with IPV6_HDRINCL: nothing (see above). */
export const HDRINCL6_RULES: readonly HdrinclRule[] = [];

/** raw(7)'s table, in its order. */
export const HDRINCL_RULES: readonly HdrinclRule[] = [
  { field: 'checksum', offset: FIELD.CHECKSUM, size: 2, when: 'always', rule: 'the header checksum is always computed by the kernel' },
  { field: 'src', offset: FIELD.SRC, size: 4, when: 'zero', rule: "source 0.0.0.0 is replaced by the route's source address" },
  { field: 'id', offset: FIELD.ID, size: 2, when: 'zero', rule: 'identification 0 is replaced by a kernel-chosen id (kept 0 when DF is set)' },
  { field: 'totalLength', offset: FIELD.TOTAL_LENGTH, size: 2, when: 'always', rule: 'the total length is always set to the bytes actually sent' },
];

/** One field the kernel will change in a given packet. */
export interface KernelChange {
  field: KernelField;
  /** The value in the packet as built. */
  given: number | string;
  /** The value that will leave, or null when the kernel chooses it at send time. */
  sent: number | string | null;
  rule: string;
}

/**
 * The fields of `packet` (an IP packet as handed to a raw IP_HDRINCL or IPV6_HDRINCL socket)
 * that the kernel will change on the way out. Empty when it leaves as built: always, for IPv6.
 */
export function kernelChanges(packet: Uint8Array): KernelChange[] {
  if (packet.length < MIN_HEADER_LENGTH || packet[0]! >>> 4 === 6) return []; // IPv6: HDRINCL6_RULES

  const changes: KernelChange[] = [];
  const totalLength = u16(packet, FIELD.TOTAL_LENGTH);
  const srcZero = u32(packet, FIELD.SRC) === 0;
  const id = u16(packet, FIELD.ID);
  const df = dfSet(packet);
  const rule = (f: KernelField): string => HDRINCL_RULES.find((r) => r.field === f)!.rule;
  if (srcZero) changes.push({ field: 'src', given: '0.0.0.0', sent: null, rule: rule('src') });
  if (id === 0 && !df) changes.push({ field: 'id', given: 0, sent: null, rule: rule('id') });
  if (totalLength !== packet.length) changes.push({ field: 'totalLength', given: totalLength, sent: packet.length, rule: rule('totalLength') });
  const given = u16(packet, FIELD.CHECKSUM);
  if (changes.some((c) => c.sent === null)) {
    // The checksum covers fields the kernel has yet to choose.
    changes.push({ field: 'checksum', given, sent: null, rule: rule('checksum') });
  } else {
    const expected = headerChecksumAsSent(packet);
    if (expected !== null && expected !== given) changes.push({ field: 'checksum', given, sent: expected, rule: rule('checksum') });
  }
  return changes;
}

/** The header checksum the kernel will write, for a packet whose src and id it keeps; null when the header is cut. */
function headerChecksumAsSent(packet: Uint8Array): number | null {
  const hl = headerLengthOf(packet, 0);
  if (hl < MIN_HEADER_LENGTH || hl > packet.length) return null;
  const h = Buffer.from(packet.subarray(0, hl));
  put16(h, FIELD.TOTAL_LENGTH, packet.length);
  put16(h, FIELD.CHECKSUM, 0);
  return internetChecksum(h, 0, hl);
}

/**
 * The packet as it will leave, as far as it can be known before sending: total length and
 * header checksum as the kernel writes them, with `src` (the route's source, u32) put in when
 * the packet has 0.0.0.0 and `id` when it has 0 (pass the values seen on the wire to compare a
 * capture byte for byte). Returns a copy.
 */
export function asSent(packet: Uint8Array, fill: { src?: number; id?: number } = {}): Buffer {
  const out = Buffer.from(packet);
  if (out.length < MIN_HEADER_LENGTH || out[0]! >>> 4 === 6) return out; // IPv6 leaves as built
  const hl = headerLengthOf(out, 0);
  if (fill.src !== undefined && u32(out, FIELD.SRC) === 0) put32(out, FIELD.SRC, fill.src >>> 0);
  if (fill.id !== undefined && u16(out, FIELD.ID) === 0 && !dfSet(out)) put16(out, FIELD.ID, fill.id);
  put16(out, FIELD.TOTAL_LENGTH, out.length & 0xffff);
  if (hl >= MIN_HEADER_LENGTH && hl <= out.length) {
    put16(out, FIELD.CHECKSUM, 0);
    put16(out, FIELD.CHECKSUM, internetChecksum(out, 0, hl));
  }
  return out;
}

/** Don't Fragment is set: the kernel leaves an id of 0 alone (ip_select_ident). */
function dfSet(packet: Uint8Array): boolean {
  return (u16(packet, FIELD.FLAGS_FRAGMENT) & FLAG.DF) !== 0;
}
