// The ICMP extension objects (RFC 4884) of an answer: MPLS label stacks (RFC 4950) and interface
// information (RFC 5837) that routers add to Time Exceeded and Destination Unreachable (and
// Parameter Problem), read with lib/wire/icmp-extensions.ts. Two places to look, as traceroute -e
// looks (its extension.c and traceroute.c):
//
//   RFC 4884    the length byte (ICMP byte 5) gives the original datagram field in 32-bit words;
//               the extension structure follows it
//   compliant   routers from before RFC 4884 (RFC 4884 section 5.5 calls them "non-compliant"
//   (legacy)    but keeps them working): length 0, the original datagram padded to 128 bytes,
//               the structure after it. Taken only when the datagram we sent is shorter than
//               128 bytes (so the bytes at 128 cannot be ours) and the bytes there are a whole,
//               well-formed structure whose checksum holds
//
// Called for every answer a trace keeps; it allocates only when an extension is there.
import { u16 } from '../../wire/bytes.js';
import { decodeExtensions, EXTENSION_HEADER_LENGTH, type IcmpExtensionObject } from '../../wire/icmp-extensions.js';
import { FIELD as ICMP, ICMP_TYPE } from '../../wire/icmpv4-codes.js';
import { FIELD as IP, headerLengthOf, MIN_HEADER_LENGTH, PROTOCOL } from '../../wire/ipv4.js';

/** RFC 4884 section 5.5: where a router that sets no length puts the structure. */
const LEGACY_QUOTE_BYTES = 128;

/** The ICMP types that may carry extensions (RFC 4884 section 4.1, 4.2, 4.3). */
function mayCarry(type: number): boolean {
  return type === ICMP_TYPE.DESTINATION_UNREACHABLE || type === ICMP_TYPE.TIME_EXCEEDED || type === ICMP_TYPE.PARAMETER_PROBLEM;
}

/**
 * The extension objects of the IPv4 datagram at b[offset, offset + length) when it is an ICMP
 * error carrying a structure, else null.
 */
export function answerExtensions(b: Uint8Array, offset: number, length: number): IcmpExtensionObject[] | null {
  const end = offset + length;
  if (length < MIN_HEADER_LENGTH || b[offset + IP.PROTOCOL] !== PROTOCOL.ICMP) return null;
  const icmp = offset + headerLengthOf(b, offset);
  const body = icmp + ICMP.BODY;
  if (body > end || !mayCarry(b[icmp + ICMP.TYPE]!)) return null;
  const words = b[icmp + ICMP.LENGTH]!;
  if (words > 0) {
    const at = body + words * 4;
    const structure = at + EXTENSION_HEADER_LENGTH <= end ? decodeExtensions(b, at, end) : null;
    // A checksum that is there must hold (0 means none was sent).
    return structure !== null && structure.checksumValid !== false ? structure.objects : null;
  }
  const at = body + LEGACY_QUOTE_BYTES;
  if (at + EXTENSION_HEADER_LENGTH > end || body + MIN_HEADER_LENGTH > end || u16(b, body + IP.TOTAL_LENGTH) > LEGACY_QUOTE_BYTES) return null;
  const structure = decodeExtensions(b, at, end);
  return structure !== null && structure.checksumValid === true ? structure.objects : null;
}
