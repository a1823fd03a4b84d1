// The Internet checksum (RFC 1071), its incremental update (RFC 1624) and the TCP/UDP
// pseudo-header (RFC 768, RFC 793 section 3.1).
//
// Vocabulary used below:
//   sum       the 16-bit one's complement sum of some bytes (folded, NOT complemented)
//   checksum  ~sum & 0xffff, the value that goes into a header
// A receiver verifies by summing everything including the checksum field: the result is 0xffff.

/**
 * One's complement sum of `length` bytes of `b` from `offset`, folded to 16 bits, starting from
 * `initial` (another sum, e.g. a pseudo-header's). An odd trailing byte is padded with a zero
 * on the right (RFC 1071 section 4.1). The caller guarantees the range is inside `b`.
 */
export function sum16(b: Uint8Array, offset: number, length: number, initial = 0): number {
  let sum = initial;
  let i = offset;
  const end = offset + length;
  const evenEnd = end - ((end - offset) & 1);
  // Deferred carries (RFC 1071 section 2(C)): a double holds 2^53 exactly, so millions of
  // 16-bit words add up without folding inside the loop.
  for (; i + 8 <= evenEnd; i += 8) {
    sum +=
      ((b[i]! << 8) | b[i + 1]!) +
      ((b[i + 2]! << 8) | b[i + 3]!) +
      ((b[i + 4]! << 8) | b[i + 5]!) +
      ((b[i + 6]! << 8) | b[i + 7]!);
  }
  for (; i < evenEnd; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (evenEnd !== end) sum += b[end - 1]! << 8;
  return fold(sum);
}

/** Folds carries above bit 15 back into the low 16 bits until none are left. */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum to store in a header: ~sum16(...) & 0xffff. */
export function internetChecksum(b: Uint8Array, offset = 0, length = b.byteLength - offset, initial = 0): number {
  return ~sum16(b, offset, length, initial) & 0xffff;
}

/** True when the bytes (checksum field included) sum to 0xffff, i.e. the checksum holds. */
export function verifyChecksum(b: Uint8Array, offset: number, length: number, initial = 0): boolean {
  return sum16(b, offset, length, initial) === 0xffff;
}

/**
 * RFC 1624 eqn. 3: the new checksum after one 16-bit word of the covered data changes from
 * `oldWord` to `newWord`, without re-summing: HC' = ~(~HC + ~m + m'). Unlike RFC 1141's
 * HC + m + ~m' it never produces 0xffff (-0) where a full recomputation gives 0x0000.
 */
export function incrementalUpdate(checksum: number, oldWord: number, newWord: number): number {
  return ~fold((~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff)) & 0xffff;
}

/** incrementalUpdate for a 32-bit field (an address, a sequence number): two 16-bit steps. */
export function incrementalUpdate32(checksum: number, oldValue: number, newValue: number): number {
  return ~fold(
    (~checksum & 0xffff) +
      (~(oldValue >>> 16) & 0xffff) +
      (~oldValue & 0xffff) +
      ((newValue >>> 16) & 0xffff) +
      (newValue & 0xffff),
  ) & 0xffff;
}

/**
 * Sum of the IPv4 pseudo-header used by UDP and TCP: source, destination, zero, protocol and
 * the transport length (RFC 768; RFC 793 section 3.1). Addresses are u32; pass the result as
 * `initial` to sum16/internetChecksum over the transport header and payload. A length above
 * 65535 (a BIG TCP segment before the card cuts it) is summed as 32 bits, as Linux sums it
 * (csum_tcpudp_nofold).
 */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return fold(
    (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + (protocol & 0xff) + ((length >>> 16) & 0xffff) + (length & 0xffff),
  );
}
