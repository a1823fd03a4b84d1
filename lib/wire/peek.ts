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
// IHL, lengths, types), not checksums. Use decodePacket when you want to know more.

/** (identifier << 16 | sequence) >>> 0: the key the helpers below return for an echo. */
export function echoKey(identifier: number, sequence: number): number {
  return (((identifier & 0xffff) << 16) | (sequence & 0xffff)) >>> 0;
}

/** Offset of the IPv4 payload (offset + IHL * 4), or -1 when this is not a whole IPv4 header. */
export function ipv4PayloadOffset(b: Uint8Array, offset: number, length: number): number {
  if (length < 20 || offset < 0 || offset + length > b.length) return -1;
  const vihl = b[offset]!;
  if (vihl >>> 4 !== 4) return -1;
  const hl = (vihl & 0x0f) << 2;
  if (hl < 20 || hl > length) return -1;
  return offset + hl;
}

/**
 * Offset of the transport header (offset + IHL * 4) when this is a whole IPv4 header of the
 * first (or only) fragment, the one that carries the transport header; else -1.
 */
export function firstFragmentPayloadOffset(b: Uint8Array, offset: number, length: number): number {
  const p = ipv4PayloadOffset(b, offset, length);
  if (p < 0 || ((b[offset + 6]! & 0x1f) | b[offset + 7]!) !== 0) return -1;
  return p;
}

/** The IPv4 source address as a u32, or -1. */
export function peekIpv4Source(b: Uint8Array, offset: number, length: number): number {
  if (ipv4PayloadOffset(b, offset, length) < 0) return -1;
  return ((b[offset + 12]! << 24) | (b[offset + 13]! << 16) | (b[offset + 14]! << 8) | b[offset + 15]!) >>> 0;
}

/**
 * For an ICMP message of type `type` (default 0, echo reply) that starts a first fragment:
 * echoKey(identifier, sequence), else -1.
 */
export function peekIcmpEcho(b: Uint8Array, offset: number, length: number, type = 0): number {
  const p = icmpOffset(b, offset, length);
  if (p < 0 || p + 8 > offset + length || b[p] !== type) return -1;
  return (((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0);
}

/** (type << 8 | code) of the ICMP message in this datagram, or -1. */
export function peekIcmpTypeCode(b: Uint8Array, offset: number, length: number): number {
  const p = icmpOffset(b, offset, length);
  if (p < 0 || p + 2 > offset + length) return -1;
  return (b[p]! << 8) | b[p + 1]!;
}

/**
 * For an ICMP error (types 3, 4, 5, 11, 12) whose quoted datagram is an ICMP echo request:
 * echoKey(identifier, sequence) of that request, else -1.
 */
export function peekQuotedEcho(b: Uint8Array, offset: number, length: number): number {
  const q = quotedPayloadOffset(b, offset, length, 1);
  if (q < 0 || b[q] !== 8) return -1;
  return (((b[q + 4]! << 24) | (b[q + 5]! << 16) | (b[q + 6]! << 8) | b[q + 7]!) >>> 0);
}

/** For an ICMP error quoting UDP: (srcPort << 16 | dstPort) >>> 0 of the quoted datagram, else -1. */
export function peekQuotedUdpPorts(b: Uint8Array, offset: number, length: number): number {
  const q = quotedPayloadOffset(b, offset, length, 17);
  if (q < 0) return -1;
  return (((b[q]! << 24) | (b[q + 1]! << 16) | (b[q + 2]! << 8) | b[q + 3]!) >>> 0);
}

/** For an ICMP error quoting TCP: (srcPort << 16 | dstPort) >>> 0 of the quoted segment, else -1. */
export function peekQuotedTcpPorts(b: Uint8Array, offset: number, length: number): number {
  const q = quotedPayloadOffset(b, offset, length, 6);
  if (q < 0) return -1;
  return (((b[q]! << 24) | (b[q + 1]! << 16) | (b[q + 2]! << 8) | b[q + 3]!) >>> 0);
}

/** The quoted datagram's destination address (u32) in an ICMP error, or -1. */
export function peekQuotedDestination(b: Uint8Array, offset: number, length: number): number {
  const inner = quotedHeaderOffset(b, offset, length);
  if (inner < 0) return -1;
  return ((b[inner + 16]! << 24) | (b[inner + 17]! << 16) | (b[inner + 18]! << 8) | b[inner + 19]!) >>> 0;
}

// ---- internals ---------------------------------------------------------------------------------

/** Offset of the ICMP header when protocol is 1 and this is a first fragment, else -1. */
function icmpOffset(b: Uint8Array, offset: number, length: number): number {
  const p = firstFragmentPayloadOffset(b, offset, length);
  if (p < 0 || b[offset + 9] !== 1) return -1;
  return p;
}

/** Offset of the quoted IPv4 header inside an ICMP error, or -1. */
function quotedHeaderOffset(b: Uint8Array, offset: number, length: number): number {
  const p = icmpOffset(b, offset, length);
  if (p < 0) return -1;
  const t = b[p];
  if (t !== 3 && t !== 4 && t !== 5 && t !== 11 && t !== 12) return -1;
  const inner = p + 8;
  const end = offset + length;
  if (inner + 20 > end || b[inner]! >>> 4 !== 4) return -1;
  return inner;
}

/** Offset of the first 8 bytes of the quoted payload when its protocol is `protocol`, else -1. */
function quotedPayloadOffset(b: Uint8Array, offset: number, length: number, protocol: number): number {
  const inner = quotedHeaderOffset(b, offset, length);
  if (inner < 0 || b[inner + 9] !== protocol) return -1;
  if (((b[inner + 6]! & 0x1f) | b[inner + 7]!) !== 0) return -1;
  const hl = (b[inner]! & 0x0f) << 2;
  if (hl < 20 || inner + hl + 8 > offset + length) return -1;
  return inner + hl;
}
