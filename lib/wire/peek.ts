// Allocation-free reads for flood and probe loops: "is this datagram a reply to me, and to
// which probe?" without decoding it. Each helper takes the raw IPv4 datagram as the kernel hands
// it to a raw ICMP socket (buf[offset, offset + length)), reads IHL and a few fields directly,
// and returns a number: -1 for "no", otherwise a key. Keys pack two 16-bit values as
// (high << 16 | low) >>> 0, so they are non-negative and fit a Map or a typed-array index.
//
//   const key = peekIcmpEcho(buf, 0, n);                  // echo reply?
//   if (key >= 0 && key >>> 16 === myIdentifier) onReply(key & 0xffff);
//   const err = peekQuotedEcho(buf, 0, n);                // error quoting one of my echoes?
//   if (err >= 0 && err >>> 16 === myIdentifier) onError(err & 0xffff, peekIcmpTypeCode(buf, 0, n));
//
// They never throw and never read outside the range; they check only what they need (version,
// IHL, lengths, types), not checksums. Use decodePacket when you want to know more. Offsets,
// types and protocol numbers are the headers' own tables; the quote's layout is quoted.ts's.
import { u32 } from './bytes.js';
import { FIELD as ICMP, ICMP_TYPE, isError } from './icmpv4-codes.js';
import { FIELD as IP, headerLengthOf, isFirstFragment, MIN_HEADER_LENGTH, PROTOCOL, versionOf } from './ipv4.js';
import { quotedHeaderAt, quotedTransportAt } from './quoted.js';

/** (identifier << 16 | sequence) >>> 0: the key the helpers below return for an echo. */
export function echoKey(identifier: number, sequence: number): number {
  return (((identifier & 0xffff) << 16) | (sequence & 0xffff)) >>> 0;
}

/** Offset of the IPv4 payload (offset + IHL * 4), or -1 when this is not a whole IPv4 header. */
export function ipv4PayloadOffset(b: Uint8Array, offset: number, length: number): number {
  if (length < MIN_HEADER_LENGTH || offset < 0 || offset + length > b.length) return -1;
  if (versionOf(b, offset) !== 4) return -1;
  const hl = headerLengthOf(b, offset);
  if (hl < MIN_HEADER_LENGTH || hl > length) return -1;
  return offset + hl;
}

/**
 * Offset of the transport header (offset + IHL * 4) when this is a whole IPv4 header of the
 * first (or only) fragment, the one that carries the transport header; else -1.
 */
export function firstFragmentPayloadOffset(b: Uint8Array, offset: number, length: number): number {
  const p = ipv4PayloadOffset(b, offset, length);
  if (p < 0 || !isFirstFragment(b, offset)) return -1;
  return p;
}

/** The IPv4 source address as a u32, or -1. */
export function peekIpv4Source(b: Uint8Array, offset: number, length: number): number {
  if (ipv4PayloadOffset(b, offset, length) < 0) return -1;
  return u32(b, offset + IP.SRC);
}

/**
 * For an ICMP message of type `type` (default 0, echo reply) that starts a first fragment:
 * echoKey(identifier, sequence), else -1.
 */
export function peekIcmpEcho(b: Uint8Array, offset: number, length: number, type: number = ICMP_TYPE.ECHO_REPLY): number {
  const p = icmpOffset(b, offset, length);
  if (p < 0 || p + ICMP.BODY > offset + length || b[p + ICMP.TYPE] !== type) return -1;
  return u32(b, p + ICMP.IDENTIFIER);
}

/** (type << 8 | code) of the ICMP message in this datagram, or -1. */
export function peekIcmpTypeCode(b: Uint8Array, offset: number, length: number): number {
  const p = icmpOffset(b, offset, length);
  if (p < 0 || p + ICMP.CHECKSUM > offset + length) return -1;
  return (b[p + ICMP.TYPE]! << 8) | b[p + ICMP.CODE]!;
}

/**
 * For an ICMP error (types 3, 4, 5, 11, 12) whose quoted datagram is an ICMP echo request:
 * echoKey(identifier, sequence) of that request, else -1.
 */
export function peekQuotedEcho(b: Uint8Array, offset: number, length: number): number {
  const q = quotedPayloadOffset(b, offset, length, PROTOCOL.ICMP);
  if (q < 0 || b[q + ICMP.TYPE] !== ICMP_TYPE.ECHO_REQUEST) return -1;
  return u32(b, q + ICMP.IDENTIFIER);
}

/** For an ICMP error quoting UDP: (srcPort << 16 | dstPort) >>> 0 of the quoted datagram, else -1. */
export function peekQuotedUdpPorts(b: Uint8Array, offset: number, length: number): number {
  const q = quotedPayloadOffset(b, offset, length, PROTOCOL.UDP);
  return q < 0 ? -1 : u32(b, q); // source port, then destination port: the first 4 bytes of UDP and TCP
}

/** For an ICMP error quoting TCP: (srcPort << 16 | dstPort) >>> 0 of the quoted segment, else -1. */
export function peekQuotedTcpPorts(b: Uint8Array, offset: number, length: number): number {
  const q = quotedPayloadOffset(b, offset, length, PROTOCOL.TCP);
  return q < 0 ? -1 : u32(b, q);
}

/** The quoted datagram's destination address (u32) in an ICMP error, or -1. */
export function peekQuotedDestination(b: Uint8Array, offset: number, length: number): number {
  const inner = quotedHeaderOffset(b, offset, length);
  if (inner < 0) return -1;
  return u32(b, inner + IP.DST);
}

/**
 * Offset of the quoted IPv4 header when the datagram at b[offset, offset + length) is an ICMP
 * error (a first fragment) quoting at least a whole IPv4 header, else -1.
 */
export function quotedHeaderOffset(b: Uint8Array, offset: number, length: number): number {
  const p = icmpOffset(b, offset, length);
  if (p < 0 || !isError(b[p + ICMP.TYPE]!)) return -1;
  return quotedHeaderAt(b, p, offset + length);
}

// ---- internals ---------------------------------------------------------------------------------

/** Offset of the ICMP header when the protocol is ICMP and this is a first fragment, else -1. */
function icmpOffset(b: Uint8Array, offset: number, length: number): number {
  const p = firstFragmentPayloadOffset(b, offset, length);
  if (p < 0 || b[offset + IP.PROTOCOL] !== PROTOCOL.ICMP) return -1;
  return p;
}

/** Offset of the first 8 bytes of the quoted payload when its protocol is `protocol`, else -1. */
function quotedPayloadOffset(b: Uint8Array, offset: number, length: number, protocol: number): number {
  const p = icmpOffset(b, offset, length);
  if (p < 0 || !isError(b[p + ICMP.TYPE]!)) return -1;
  return quotedTransportAt(b, p, offset + length, protocol);
}
