// Checksum verification of one IPv6 packet, read in place. IPv6 has no header checksum (RFC 8200
// section 8.1 leaves it to the upper layers): what is checked is the ICMPv6, UDP or TCP checksum
// behind the extension headers, over the pseudo-header with the final destination (a Routing
// header's last address while segments are left). The chain is walked by the headers' lengths
// (lib/wire's walkChain) into one reused ChainWalk: nothing is allocated per packet.
//
// Malformed (no layer counted): a header cut by the end of the packet or by the payload length,
// an extension chain that runs past the packet or never ends, an upper-layer header that does
// not fit. Unverifiable: the payload length runs past the bytes captured (a snaplen cut), or the
// packet is a first fragment (the checksum covers the reassembled datagram). A fragment that is
// not the first carries no upper-layer header at all.

import { u16 } from '../wire/bytes.js';
import { sum16Words, wordsOf } from '../wire/checksum.js';
import { newChainWalk, walkChain } from '../wire/ipv6-chain.js';
import { addressSum6 } from '../wire/ipv6-checksum.js';
import { jumboLength } from '../wire/ipv6-options.js';
import { finalDestination } from '../wire/ipv6-routing.js';
import { FIELD, HEADER_LENGTH, NEXT_HEADER } from '../wire/ipv6.js';
import { markMalformed, NO_OPTIONS, startVerify, type PacketChecksums, type VerifyOptions } from './status.js';
import { layerOf, SCRATCH, verifyUpper } from './transport.js';

const WALK = newChainWalk();

const MALFORMED = {
  EMPTY: 'no IPv6 header: the packet is empty',
  VERSION: 'IP version is not 6',
  SHORT: 'IPv6 header cut: it needs 40 bytes',
  PAST_WIRE: 'IPv6 payload length runs past the packet as it was on the wire',
} as const;

/**
 * Verifies the IPv6 packet whose captured bytes are b[offset, offset + length). Bytes past 40 +
 * payload length (Ethernet padding) are ignored. `options.originalLength`, when known (a pcap
 * record's original length less its link header), tells a snaplen cut from a payload length that
 * lies: past it, the packet is malformed at the Payload Length field, as decode says. Returns `out`.
 */
export function verifyIpv6(b: Uint8Array, offset: number, length: number, out: PacketChecksums, options: VerifyOptions = NO_OPTIONS): PacketChecksums {
  const o = offset;
  if (!startVerify(b, o, length, out, 6, MALFORMED.EMPTY, MALFORMED.VERSION)) return out;
  if (length < HEADER_LENGTH) return markMalformed(out, MALFORMED.SHORT, 0);
  const start = o + HEADER_LENGTH;
  const nextHeader = b[o + FIELD.NEXT_HEADER]!;
  let payloadLength = u16(b, o + FIELD.PAYLOAD_LENGTH);
  if (payloadLength === 0 && nextHeader === NEXT_HEADER.HOP_BY_HOP) payloadLength = jumboLength(b, start, o + length);
  const claimedEnd = start + payloadLength;
  const wireLength = options.originalLength;
  if (wireLength !== undefined && claimedEnd - o > wireLength) return markMalformed(out, MALFORMED.PAST_WIRE, FIELD.PAYLOAD_LENGTH);
  const end = Math.min(claimedEnd, o + length); // what was captured of it
  const w = walkChain(b, start, end, nextHeader, WALK);
  if (w.problem !== null) {
    // A header the capture cut is only missing bytes; one the payload length cuts is malformed.
    if (end < claimedEnd) return out;
    return markMalformed(out, w.problem, w.problemOffset - o);
  }
  const layer = layerOf(w.upperLayer, true);
  if (layer < 0) return out;
  const t = SCRATCH;
  t.b = b;
  t.w = wordsOf(b);
  t.o = o;
  t.hl = w.end - o;
  t.segment = claimedEnd - w.end;
  t.present = end - w.end;
  t.fragment = w.mf;
  t.complete = t.present >= t.segment && !w.mf;
  t.addressSum = pseudoAddressSum(b, t.w, o);
  t.ipv6 = true;
  t.received = options.received === true;
  return verifyUpper(layer, t, out);
}

/** Source and final destination, summed (RFC 8200 section 8.1). */
function pseudoAddressSum(b: Uint8Array, w: DataView, o: number): number {
  const r = WALK.routingOffset;
  if (r >= 0) {
    const final = finalDestination(b, r, (b[r + 1]! + 1) * 8, b, o + FIELD.DST);
    if (final !== null) return addressSum6(b, o + FIELD.SRC, final, 0);
  }
  // Source and destination sit side by side in the header: one pass over its bytes 8-40.
  return sum16Words(w, o + FIELD.SRC, 32);
}
