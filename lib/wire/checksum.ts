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
  if (length < WIDE_FROM && initial >= 0 && initial <= 0xffffff) return sum16Short(b, offset, length, initial);
  if (LITTLE_ENDIAN && length <= WIDE_UP_TO) return sum16Wide(b, offset, length, initial);
  return sum16Bytes(b, offset, length, initial);
}

/**
 * sum16 of a header: under WIDE_FROM bytes and an initial sum below 2^24 the total stays far
 * below 2^31, so it is added and folded in 32-bit integers, which V8 keeps in registers.
 */
function sum16Short(b: Uint8Array, offset: number, length: number, initial: number): number {
  let sum = initial | 0;
  const end = offset + length;
  let i = offset;
  for (; i + 1 < end; i += 2) sum = (sum + ((b[i]! << 8) | b[i + 1]!)) | 0;
  if (i < end) sum = (sum + (b[i]! << 8)) | 0;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** sum16 two bytes at a time: machines that store words big-endian. */
function sum16Bytes(b: Uint8Array, offset: number, length: number, initial: number): number {
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

/** Below this many bytes the byte loop is as fast as setting up the word loop. */
const WIDE_FROM = 64;
/** The word loop's 32-bit sums hold 2 x 16383 words: any IPv4 datagram, with room to spare. */
const WIDE_UP_TO = 65536;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The last array seen, as 32-bit words: a capture's chunk is summed packet after packet. */
let wordsFor: Uint8Array | null = null;
let words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

/**
 * sum16 four bytes at a time, for long ranges (a UDP or TCP payload). The words are read as the
 * machine stores them, little-endian: RFC 1071 section 2(B), the sum of byte-swapped words is the
 * byte-swapped sum. The aligned middle is summed as 32-bit words (their two halves fold into one
 * 16-bit sum), the bytes before and after it one by one, each on the side of its 16-bit word (the
 * high byte at an even distance from `offset`). A middle that starts at an even distance holds
 * whole 16-bit words, read swapped, so its sum is swapped back; at an odd distance each
 * little-endian half pairs the low byte of one word with the high byte of the next, which is
 * what it adds to the sum anyway.
 */
function sum16Wide(b: Uint8Array, offset: number, length: number, initial: number): number {
  if (wordsFor !== b) {
    wordsFor = b;
    words = new Uint32Array(b.buffer, 0, b.buffer.byteLength >>> 2);
  }
  const w32 = words;
  const shift = b.byteOffset;
  const start = shift + offset;
  const end = start + length;
  const first = (start + 3) >>> 2; // first whole word
  const last = end >>> 2; // words [first, last) lie inside the range
  // Each word's two halves are added as 32-bit integers (a word adds at most 0x1fffe, so up to
  // 16383 words fit), into two sums that do not wait on each other.
  let s0 = 0;
  let s1 = 0;
  let w = first;
  for (; w + 2 <= last; w += 2) {
    const a = w32[w]!;
    const c = w32[w + 1]!;
    s0 = (s0 + (a & 0xffff) + (a >>> 16)) | 0;
    s1 = (s1 + (c & 0xffff) + (c >>> 16)) | 0;
  }
  if (w < last) {
    const a = w32[w]!;
    s0 = (s0 + (a & 0xffff) + (a >>> 16)) | 0;
  }
  let middle = s0 + s1; // below 2^31
  middle = (middle & 0xffff) + (middle >>> 16);
  middle = (middle & 0xffff) + (middle >>> 16);
  if ((((first << 2) - start) & 1) === 0) middle = ((middle & 0xff) << 8) | (middle >>> 8);
  let edges = 0;
  let i = offset;
  for (const stop = (first << 2) - shift; i < stop; i++) edges += (i - offset) & 1 ? b[i]! : b[i]! << 8;
  for (i = (last << 2) - shift; i < offset + length; i++) edges += (i - offset) & 1 ? b[i]! : b[i]! << 8;
  return fold(initial + edges + middle);
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
