// UDP header (RFC 768).
//
//    0      7 8     15 16    23 24    31
//   +--------+--------+--------+--------+
//   |   Source Port   |    Dest Port    |
//   |     Length      |    Checksum     |
//   +--------+--------+--------+--------+
//
// The checksum covers a pseudo-header (src, dst, zero, protocol 17, UDP length), the header and
// the data. Checksum 0 means "no checksum"; a computed 0 is sent as 0xffff instead.
// encode writes the 8-byte header only; the data must already sit right after it in the
// buffer (payloadLength bytes) when a length or checksum is to be computed over it.

import { presentBytes, put16, u16, view } from './bytes.js';
import { sum16 } from './checksum.js';
import { checkInitObject, encodeDefaults, checkUint, lengthField } from './errors.js';
import { IP_PROTOCOL } from './ip-protocol.js';
import { layout } from './tables.js';
import { PORTS_ROW, transportTarget, hasPseudoHeader, pseudoSum, type TransportDecodeOptions, type TransportEncodeOptions } from './transport.js';

/** Byte offsets of the header fields, one row per line of the drawing above. */
export const FIELD = layout(PORTS_ROW, [['LENGTH', 2], ['CHECKSUM', 2]], [['PAYLOAD', 0]]);

export const HEADER_LENGTH = 8;
export const PROTOCOL_NUMBER = IP_PROTOCOL.UDP;

export interface UdpHeader {
  srcPort: number;
  dstPort: number;
  /** Header plus data in bytes, as on the wire. */
  length: number;
  checksum: number;
  /**
   * true/false when verified; null when it cannot be: the datagram is cut (snaplen), is a
   * fragment, its length field is under 8 or runs past the bytes present, or no addresses were
   * given for the pseudo-header. Checksum 0 (none sent) counts as valid, see checksumPresent.
   */
  checksumValid: boolean | null;
  /** false when the sender put 0: "no checksum" (RFC 768). */
  checksumPresent: boolean;
  /** Always 8: the bytes decode consumed. */
  headerLength: number;
}

export interface UdpHeaderInit {
  srcPort: number;
  dstPort: number;
  length?: number;
  checksum?: number;
}

/** The options TCP's codec takes too (transport.ts). */
export type UdpDecodeOptions = TransportDecodeOptions;
export type UdpEncodeOptions = TransportEncodeOptions;

/**
 * Decodes the header at buf[offset, offset + length), where the range is the whole UDP
 * datagram as far as it is present (header and data), so the checksum can be verified.
 */
export function decode(buf: Uint8Array, offset = 0, length?: number, opts: UdpDecodeOptions = {}): UdpHeader {
  const present = presentBytes(buf, offset, length, HEADER_LENGTH, 'UDP');
  const b = buf;
  const o = offset;
  const udpLength = u16(b, o + FIELD.LENGTH);
  const checksum = u16(b, o + FIELD.CHECKSUM);
  let checksumValid: boolean | null;
  if (checksum === 0) checksumValid = true;
  else if (opts.truncated || !hasPseudoHeader(opts) || udpLength < HEADER_LENGTH || udpLength > present) {
    checksumValid = null;
  } else {
    checksumValid = sum16(b, o, udpLength, pseudoSum(opts, PROTOCOL_NUMBER, udpLength)) === 0xffff;
  }
  return {
    srcPort: u16(b, o + FIELD.SRC_PORT),
    dstPort: u16(b, o + FIELD.DST_PORT),
    length: udpLength,
    checksum,
    checksumValid,
    checksumPresent: checksum !== 0,
    headerLength: HEADER_LENGTH,
  };
}

export function encodingLength(_init?: UdpHeaderInit): number {
  return HEADER_LENGTH;
}

/**
 * Writes the header into `buf` at `offset` (or a new buffer) and returns its 8 bytes. Missing
 * length = 8 + payloadLength; missing checksum is computed over the pseudo-header, the header
 * and the payloadLength bytes that follow (they must be in place), or 0 when computeChecksums
 * is off.
 */
export function encode(init: UdpHeaderInit, buf?: Uint8Array, offset = 0, opts: UdpEncodeOptions = {}): Buffer {
  checkInitObject(init, 'udp', 'a UDP header object');
  const { fixLengths, computeChecksums, payloadLength } = encodeDefaults(opts);
  const srcPort = checkUint(init.srcPort, 0xffff, 'srcPort');
  const dstPort = checkUint(init.dstPort, 0xffff, 'dstPort');
  const length = lengthField(init.length, 'length', fixLengths, HEADER_LENGTH + payloadLength);
  const given = init.checksum === undefined ? undefined : checkUint(init.checksum, 0xffff, 'checksum');
  const compute = given === undefined && computeChecksums;
  const b = transportTarget('UDP', compute, opts, buf, offset, HEADER_LENGTH, payloadLength, srcPort, dstPort);
  const o = offset;
  put16(b, o + FIELD.LENGTH, length);
  put16(b, o + FIELD.CHECKSUM, 0);
  let checksum = given ?? 0;
  if (compute) {
    // Cover what a receiver will: the length field's worth when it is sane, else all we wrote.
    const actual = HEADER_LENGTH + payloadLength;
    const covered = length >= HEADER_LENGTH && length <= actual ? length : actual;
    checksum = ~sum16(b, o, covered, pseudoSum(opts, PROTOCOL_NUMBER, length)) & 0xffff;
    if (checksum === 0) checksum = 0xffff; // RFC 768: 0 would mean "no checksum"
  }
  put16(b, o + FIELD.CHECKSUM, checksum);
  return view(b, o, HEADER_LENGTH);
}

