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
  // A header's few bytes are summed in place, unless `b` is the array whose words are already
  // at hand (a capture's chunk: every sum of every packet in it).
  if (length < NEW_VIEW_FROM && WORDS.of !== b) return sum16Short(b, offset, length, initial);
  return sum16Words(wordsOf(b), offset, length, initial);
}

/**
 * sum16 of a header: under NEW_VIEW_FROM bytes and an initial sum below 2^24 the total stays far
 * below 2^31, so it is added and folded in 32-bit integers, which V8 keeps in registers.
 */
function sum16Short(b: Uint8Array, offset: number, length: number, initial: number): number {
  if (initial < 0 || initial > 0xffffff) return fold(initial + sum16Short(b, offset, length, 0));
  let sum = initial | 0;
  const end = offset + length;
  let i = offset;
  for (; i + 1 < end; i += 2) sum = (sum + ((b[i]! << 8) | b[i + 1]!)) | 0;
  if (i < end) sum = (sum + (b[i]! << 8)) | 0;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/**
 * From this many bytes, reading words through a DataView pays for making one: making it costs
 * about what the byte loop takes for 150 bytes (a decoded packet's 64-byte ICMP sum was twice
 * as slow through a new view).
 */
const NEW_VIEW_FROM = 192;
/** Bytes sum16Words adds up in 32-bit integers: 8192 words of at most 0x1fffe, below 2^30. */
const WORDS_UP_TO = 32768;

/** The last array summed and a DataView over its bytes: a capture's chunk is summed packet after packet. */
const WORDS: { of: Uint8Array | null; view: DataView } = { of: null, view: new DataView(new ArrayBuffer(0)) };

/**
 * A DataView over exactly the bytes of `b` (offset 0 is b[0]), for sum16Words. The last one made
 * is kept: a loop over the packets of one buffer makes it once.
 */
export function wordsOf(b: Uint8Array): DataView {
  if (WORDS.of !== b) {
    WORDS.of = b;
    WORDS.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  return WORDS.view;
}

/**
 * sum16 of `words`' bytes [offset, offset + length), four bytes at a time: hot loops that sum
 * many ranges of one buffer pass its wordsOf() down, which V8 keeps at hand. A DataView reads a
 * 32-bit big-endian word at any offset (one load and a byte swap), so no alignment is needed:
 * each word's two halves are two 16-bit words of the sum, added as 32-bit integers into two sums
 * that do not wait on each other.
 */
export function sum16Words(words: DataView, offset: number, length: number, initial = 0): number {
  if (length > WORDS_UP_TO) return sum16Words(words, offset + WORDS_UP_TO, length - WORDS_UP_TO, sum16Words(words, offset, WORDS_UP_TO, initial));
  const end = offset + length;
  let s0 = 0;
  let s1 = 0;
  let i = offset;
  for (; i + 8 <= end; i += 8) {
    const a = words.getUint32(i);
    const c = words.getUint32(i + 4);
    s0 = (s0 + (a >>> 16) + (a & 0xffff)) | 0;
    s1 = (s1 + (c >>> 16) + (c & 0xffff)) | 0;
  }
  if (i + 4 <= end) {
    const a = words.getUint32(i);
    s0 = (s0 + (a >>> 16) + (a & 0xffff)) | 0;
    i += 4;
  }
  if (i + 2 <= end) {
    s1 = (s1 + words.getUint16(i)) | 0;
    i += 2;
  }
  if (i < end) s1 = (s1 + (words.getUint8(i) << 8)) | 0;
  // Below 2^30 + 0xffff; with an initial sum below 2^24, still below 2^31.
  if (initial < 0 || initial > 0xffffff) return fold(initial + s0 + s1);
  let sum = (initial + s0 + s1) | 0;
  sum = (sum & 0xffff) + (sum >>> 16);
  return (sum & 0xffff) + (sum >>> 16);
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
