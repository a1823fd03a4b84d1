// What the UDP and TCP codecs share. Both checksums cover a pseudo-header made of the IPv4
// source and destination the caller passes (RFC 768; RFC 793 section 3.1), or, over IPv6, of
// the sum of its source and final destination (RFC 8200 section 8.1: `addressSum`, from
// ipv6-checksum.ts), and both are computed over data the caller has already written right after
// the header.

import { addressValue, encodeTarget, put16 } from './bytes.js';
import { pseudoHeaderSum } from './checksum.js';
import { EncodeError } from './errors.js';
import { withLengthAndProtocol } from './ipv6-checksum.js';
import { layout } from './tables.js';

/** The word both headers start with: the source and destination ports (their field tables' first row). */
export const PORTS_ROW = [['SRC_PORT', 2], ['DST_PORT', 2]] as const;
const PORT = layout(PORTS_ROW);

/** The pseudo-header addresses, as decode and encode options carry them. */
export interface PseudoHeaderAddresses {
  src?: string | number;
  dst?: string | number;
  /**
   * Instead of src and dst: the folded sum of the pseudo-header's addresses (IPv6: source and
   * final destination, ipv6-checksum.ts addressSum6). Length and protocol are added here.
   */
  addressSum?: number;
}

/** What UDP's and TCP's decode take: the pseudo-header, and whether the bytes are all of the segment. */
export interface TransportDecodeOptions extends PseudoHeaderAddresses {
  /** The bytes given are not all of the datagram (snaplen, or a fragment): checksum is null. */
  truncated?: boolean;
}

/** What UDP's and TCP's encode take. src and dst (or addressSum): the pseudo-header, for the checksum. */
export interface TransportEncodeOptions extends PseudoHeaderAddresses {
  /** Data bytes already written right after the header in the buffer. Default 0. */
  payloadLength?: number;
  fixLengths?: boolean;
  computeChecksums?: boolean;
}

/** True when the options say enough to build the pseudo-header. */
export function hasPseudoHeader(opts: PseudoHeaderAddresses): boolean {
  return opts.addressSum !== undefined || (opts.src !== undefined && opts.dst !== undefined);
}

/** pseudoHeaderSum from the caller's addresses (dotted text or u32; EncodeError names a bad one). */
export function pseudoSum(opts: PseudoHeaderAddresses, protocol: number, length: number): number {
  if (opts.addressSum !== undefined) return withLengthAndProtocol(opts.addressSum, protocol, length);
  return pseudoHeaderSum(addressValue(opts.src, 'src'), addressValue(opts.dst, 'dst'), protocol, length);
}

/**
 * Encode's checks before anything is written (a checksum to compute needs both addresses, and
 * the payloadLength bytes it covers must already be in the buffer after the header), then the
 * buffer to write into (encodeTarget's) with the two ports in place: both headers start with them.
 */
export function transportTarget(
  name: 'UDP' | 'TCP',
  compute: boolean,
  opts: PseudoHeaderAddresses,
  buf: Uint8Array | undefined,
  offset: number,
  headerLength: number,
  payloadLength: number,
  srcPort: number,
  dstPort: number,
): Uint8Array {
  if (compute && !hasPseudoHeader(opts)) {
    throw new EncodeError('checksum', undefined, `cannot compute a ${name} checksum without src and dst for the pseudo-header; pass them or give checksum`, 'a number');
  }
  const available = buf === undefined ? 0 : buf.byteLength - offset - headerLength;
  if (payloadLength > Math.max(0, available)) {
    throw new EncodeError('payloadLength', payloadLength, `${payloadLength} payload bytes are not in the buffer after the header`, `0-${Math.max(0, available)}`);
  }
  const b = encodeTarget(buf, offset, headerLength);
  put16(b, offset + PORT.SRC_PORT, srcPort);
  put16(b, offset + PORT.DST_PORT, dstPort);
  return b;
}
