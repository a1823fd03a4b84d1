// UDP-Lite header (RFC 3828): UDP's layout, with the Length field turned into Checksum Coverage.
//
//    0      7 8     15 16    23 24    31
//   +--------+--------+--------+--------+
//   |   Source Port   |    Dest Port    |
//   |    Checksum     |    Checksum     |
//   |    Coverage     |                 |
//   +--------+--------+--------+--------+
//
// The coverage is how many bytes from the start of the header the checksum covers: 0 means the
// whole datagram, 1-7 are illegal, 8 covers the header only (traceroute -UL's default). The
// pseudo-header is UDP's with protocol 136 and the datagram's whole length (from the IP header:
// UDP-Lite has no length field of its own). The checksum is never optional: a computed 0 is sent
// as 0xffff, as in UDP (RFC 3828 section 3.1).
import { FIELD as UDP_FIELD, HEADER_LENGTH as UDP_HEADER_LENGTH } from './udp.js';

export const FIELD = {
  SRC_PORT: UDP_FIELD.SRC_PORT,
  DST_PORT: UDP_FIELD.DST_PORT,
  CHECKSUM_COVERAGE: UDP_FIELD.LENGTH,
  CHECKSUM: UDP_FIELD.CHECKSUM,
} as const;

export const HEADER_LENGTH = UDP_HEADER_LENGTH;
/** IANA's protocol number for UDP-Lite (RFC 3828 section 5). */
export const PROTOCOL_NUMBER = 136;
/** Coverage 0: the checksum covers the whole datagram. */
export const WHOLE_DATAGRAM = 0;
/** The smallest legal partial coverage: the header itself (traceroute -UL's default). */
export const MIN_COVERAGE = HEADER_LENGTH;

/** Bytes the checksum covers in a datagram of `length` bytes whose coverage field says `coverage` (RFC 3828 section 3.1). */
export function coveredBytes(coverage: number, length: number): number {
  return coverage === WHOLE_DATAGRAM ? length : Math.min(coverage, length);
}
