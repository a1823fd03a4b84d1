// The IPv6 pseudo-header (RFC 8200 section 8.1) that ICMPv6 (RFC 4443 section 2.3), UDP and
// TCP checksums cover:
//
//   source address (16) | destination address (16) | upper-layer length (32) | zero (24) | next header (8)
//
// The destination is the final one: when a Routing header with segments left is present, the
// last address it will visit (ipv6-routing.ts finalDestination), not the IPv6 header's.
// The addresses are summed once (addressSum6) and the length and protocol added per layer
// (withLengthAndProtocol), so a decoder reads 32 bytes per packet and allocates nothing.

import { fold, sum16 } from './checksum.js';
import { address6Value } from './ipv6-address.js';

/**
 * One's complement sum (folded, not complemented) of the 16-byte source at src[srcOffset] and
 * the 16-byte destination at dst[dstOffset]. The caller guarantees both are present.
 */
export function addressSum6(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number): number {
  return sum16(src, srcOffset, 16, sum16(dst, dstOffset, 16));
}

/**
 * A pseudo-header sum from its address part: adds the upper-layer length (32 bits on the wire
 * for IPv6, 16 for IPv4: both come out the same for lengths below 65536) and the protocol.
 */
export function withLengthAndProtocol(addressSum: number, protocol: number, length: number): number {
  return fold(addressSum + (protocol & 0xff) + Math.floor(length / 0x10000) + (length & 0xffff));
}

/** The whole IPv6 pseudo-header sum; pass it as `initial` to sum16 / internetChecksum. */
export function pseudoHeaderSum6(
  src: Uint8Array,
  srcOffset: number,
  dst: Uint8Array,
  dstOffset: number,
  nextHeader: number,
  upperLayerLength: number,
): number {
  return withLengthAndProtocol(addressSum6(src, srcOffset, dst, dstOffset), nextHeader, upperLayerLength);
}

/** addressSum6 from addresses as text or bytes (encoders); EncodeError names a bad one. */
export function addressSum6Of(src: string | Uint8Array, dst: string | Uint8Array): number {
  return addressSum6(address6Value(src, 'src'), 0, address6Value(dst, 'dst'), 0);
}
