// Checksum verification of one IP packet, read in place: for IPv4 the header checksum (RFC 791
// section 3.1), for either version the checksum of the upper layer it carries (transport.ts:
// ICMP, ICMPv6, UDP, TCP; IPv6: verify6.ts). Built for pcap files of hundreds of thousands of
// packets: the caller passes one reused PacketChecksums, sums run over the captured bytes by
// offset, and nothing is allocated unless a checksum is bad (then the expected value is computed too).
//
// What counts as good, bad, unverifiable or absent is in status.ts. A packet whose structure is
// broken (IP version, IHL, total length below the header, an IPv6 extension chain that runs past
// the packet, an upper-layer header that does not fit) is `malformed`: no layer of it is counted.
//
// Segmentation offload (TSO/GSO): a header with total length 0 (lib/wire lengthFromCapture) is a
// segment the card had yet to cut. Its length is the capture's; its header checksum is
// unverifiable: the card writes every piece's length and checksum, so no packet on the wire ever
// carried the one captured.
//
// Received packets (options.received: read from a raw socket, not from a capture): the kernel
// checked the IPv4 header checksum before delivering the packet, then filled in the options it
// keeps (record route, timestamp: RFC 791) without summing again (ip_options_compile). A header
// sum that no longer holds is the kernel's own writing, not damage: unverifiable, never bad. So
// is a UDP/TCP checksum holding only the pseudo-header sum: a local sender's offload, which the
// kernel delivers as checked (CHECKSUM_PARTIAL; transport.ts).

import { u16 } from '../wire/bytes.js';
import { sum16Words, wordsOf } from '../wire/checksum.js';
import { FIELD as IP_FIELD, FLAG, FRAGMENT_OFFSET_MASK } from '../wire/ipv4.js';
import {
  ipv4HeaderChecksum,
  markMalformed,
  NO_OPTIONS,
  resetChecksums,
  startVerify,
  STATUS,
  UNVERIFIABLE,
  type PacketChecksums,
  type VerifyOptions,
} from './status.js';
import { layerOf, SCRATCH, verifyUpper } from './transport.js';
import { verifyIpv6 } from './verify6.js';

export { verifyIpv6 } from './verify6.js';

const MALFORMED = {
  EMPTY: 'no IP header: the packet is empty',
  VERSION: 'IP version is neither 4 nor 6',
  VERSION4: 'IP version is not 4',
  IHL: 'IPv4 IHL is below 5 (a 20-byte header)',
  TOTAL_LENGTH: 'IPv4 total length is less than the header length',
} as const;

/**
 * Verifies the IP packet whose captured bytes are b[offset, offset + length), IPv4 or IPv6 by
 * its version nibble. Bytes past the packet's own length (Ethernet padding) are ignored.
 * Returns `out`.
 */
export function verifyIp(b: Uint8Array, offset: number, length: number, out: PacketChecksums, options: VerifyOptions = NO_OPTIONS): PacketChecksums {
  if (length >= 1 && b[offset]! >>> 4 === 6) return verifyIpv6(b, offset, length, out, options);
  if (length >= 1 && b[offset]! >>> 4 !== 4) {
    resetChecksums(out);
    return markMalformed(out, MALFORMED.VERSION, 0);
  }
  return verifyIpv4(b, offset, length, out, options);
}

/**
 * Verifies the IPv4 packet whose captured bytes are b[offset, offset + length). Bytes past the
 * IPv4 total length (Ethernet padding) are ignored. Returns `out`.
 */
export function verifyIpv4(b: Uint8Array, offset: number, length: number, out: PacketChecksums, options: VerifyOptions = NO_OPTIONS): PacketChecksums {
  const o = offset;
  if (!startVerify(b, o, length, out, 4, MALFORMED.EMPTY, MALFORMED.VERSION4)) return out;
  const hl = (b[o]! & 0x0f) << 2;
  if (hl < 20) return markMalformed(out, MALFORMED.IHL, 0);
  if (length < hl) {
    // The header itself was cut by the capture: nothing can be checked.
    out.ipv4 = STATUS.UNVERIFIABLE;
    out.unverifiable = UNVERIFIABLE.TRUNCATED;
    out.ipv4Unverifiable = UNVERIFIABLE.TRUNCATED;
    if (length >= IP_FIELD.CHECKSUM + 2) out.ipv4Found = u16(b, o + IP_FIELD.CHECKSUM);
    return out;
  }
  let totalLength = u16(b, o + IP_FIELD.TOTAL_LENGTH);
  out.lengthFromCapture = totalLength === 0;
  if (out.lengthFromCapture) totalLength = Math.max(length, options.originalLength ?? 0);
  const received = options.received === true;
  const w = wordsOf(b);
  checkHeader(b, w, o, hl, out, received);
  if (totalLength < hl) return markMalformed(out, MALFORMED.TOTAL_LENGTH, IP_FIELD.TOTAL_LENGTH);

  const flagsFragment = u16(b, o + IP_FIELD.FLAGS_FRAGMENT);
  if ((flagsFragment & FRAGMENT_OFFSET_MASK) !== 0) return out; // a later fragment: no transport header in it
  const layer = layerOf(b[o + IP_FIELD.PROTOCOL]!, false);
  if (layer < 0) return out;
  const t = SCRATCH;
  const segment = totalLength - hl; // transport bytes the IP header announces
  const present = Math.min(length, totalLength) - hl; // of which captured
  t.b = b;
  t.w = w;
  t.o = o;
  t.hl = hl;
  t.segment = segment;
  t.present = present;
  t.fragment = (flagsFragment & FLAG.MF) !== 0;
  t.complete = present >= segment && !t.fragment;
  // Source and destination sit side by side in the header: one pass over its bytes 12-20.
  t.addressSum = sum16Words(w, o + IP_FIELD.SRC, 8);
  t.ipv6 = false;
  t.received = received;
  return verifyUpper(layer, t, out);
}

/** The IPv4 header checksum of b[o, o + hl), judged as the file header says. */
function checkHeader(b: Uint8Array, w: DataView, o: number, hl: number, out: PacketChecksums, received: boolean): void {
  const found = u16(b, o + IP_FIELD.CHECKSUM);
  out.ipv4Found = found;
  const holds = sum16Words(w, o, hl) === 0xffff;
  out.ipv4Expected = holds ? found : ipv4HeaderChecksum(b, o, hl);
  if (out.lengthFromCapture) out.ipv4Unverifiable = UNVERIFIABLE.TSO;
  else if (!holds && received) out.ipv4Unverifiable = UNVERIFIABLE.RECEIVED_OPTIONS;
  out.ipv4 = out.ipv4Unverifiable !== null ? STATUS.UNVERIFIABLE : holds ? STATUS.GOOD : STATUS.BAD;
}
