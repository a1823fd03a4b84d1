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

import { u16 } from '../wire/bytes.js';
import { internetChecksum } from '../wire/checksum.js';

export type KernelField = 'checksum' | 'totalLength' | 'src' | 'id';

export interface HdrinclRule {
  field: KernelField;
  /** Byte offset and size in the IPv4 header. */
  offset: number;
  size: number;
  when: 'always' | 'zero';
  rule: string;
}

/** raw(7)'s table, in its order. */
export const HDRINCL_RULES: readonly HdrinclRule[] = [
  { field: 'checksum', offset: 10, size: 2, when: 'always', rule: 'the header checksum is always computed by the kernel' },
  { field: 'src', offset: 12, size: 4, when: 'zero', rule: "source 0.0.0.0 is replaced by the route's source address" },
  { field: 'id', offset: 4, size: 2, when: 'zero', rule: 'identification 0 is replaced by a kernel-chosen id (kept 0 when DF is set)' },
  { field: 'totalLength', offset: 2, size: 2, when: 'always', rule: 'the total length is always set to the bytes actually sent' },
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
 * The fields of `packet` (an IPv4 packet as handed to a raw IP_HDRINCL socket) that the
 * kernel will change on the way out. Empty when it leaves as built.
 */
export function kernelChanges(packet: Uint8Array): KernelChange[] {
  if (packet.length < 20) return [];
  const changes: KernelChange[] = [];
  const totalLength = u16(packet, 2);
  const srcZero = packet[12] === 0 && packet[13] === 0 && packet[14] === 0 && packet[15] === 0;
  const id = u16(packet, 4);
  const df = (packet[6]! & 0x40) !== 0;
  const rule = (f: KernelField): string => HDRINCL_RULES.find((r) => r.field === f)!.rule;
  if (srcZero) changes.push({ field: 'src', given: '0.0.0.0', sent: null, rule: rule('src') });
  if (id === 0 && !df) changes.push({ field: 'id', given: 0, sent: null, rule: rule('id') });
  if (totalLength !== packet.length) changes.push({ field: 'totalLength', given: totalLength, sent: packet.length, rule: rule('totalLength') });
  const given = u16(packet, 10);
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
  const hl = (packet[0]! & 0x0f) * 4;
  if (hl < 20 || hl > packet.length) return null;
  const h = Buffer.from(packet.subarray(0, hl));
  h[2] = packet.length >>> 8;
  h[3] = packet.length & 0xff;
  h[10] = 0;
  h[11] = 0;
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
  if (out.length < 20) return out;
  const hl = (out[0]! & 0x0f) * 4;
  if (fill.src !== undefined && out.readUInt32BE(12) === 0) out.writeUInt32BE(fill.src >>> 0, 12);
  if (fill.id !== undefined && out.readUInt16BE(4) === 0 && (out[6]! & 0x40) === 0) out.writeUInt16BE(fill.id, 4);
  out.writeUInt16BE(out.length & 0xffff, 2);
  if (hl >= 20 && hl <= out.length) {
    out.writeUInt16BE(0, 10);
    out.writeUInt16BE(internetChecksum(out, 0, hl), 10);
  }
  return out;
}
