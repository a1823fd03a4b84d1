// IPv6 header (RFC 8200 section 3; DSCP RFC 2474, ECN RFC 3168, flow label RFC 6437).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Version| Traffic Class |           Flow Label                  |
//   |         Payload Length        |  Next Header  |   Hop Limit   |
//   |                    Source Address (128 bits)                  |
//   |                 Destination Address (128 bits)                |
//
// No checksum and no options: what IPv4 carried in options travels in extension headers
// (ipv6-ext.ts), chained by Next Header. decode reads the fixed 40 bytes and returns them;
// payloadLength is reported, not checked (decodePacket6 decides what a length past the bytes
// means). encode writes the 40 bytes only.

import { presentBytes, encodeTarget, put16, put32, u16, u32, view } from './bytes.js';
import { checkInitObject, checkUint, DecodeError, lengthField } from './errors.js';
import { address6Value, formatIpv6 } from './ipv6-address.js';
import { dsFieldOf } from './dscp.js';
import { IP_PROTOCOL } from './ip-protocol.js';
import { layout } from './tables.js';

/** Byte offsets of the header fields, one row per line of the drawing above. */
export const FIELD = layout(
  [['VERSION_CLASS_FLOW', 4]],
  [['PAYLOAD_LENGTH', 2], ['NEXT_HEADER', 1], ['HOP_LIMIT', 1]],
  [['SRC', 16]],
  [['DST', 16]],
);

export const HEADER_LENGTH = 40;

/** Next Header values: the registry IPv4's Protocol field shares (ip-protocol.ts). */
export const NEXT_HEADER = IP_PROTOCOL;

const VERSION_SHIFT = 28;
const CLASS_SHIFT = 20;
const FLOW_MASK = 0xfffff;

export interface Ipv6Header {
  version: number;
  /** The whole traffic class byte (DSCP << 2 | ECN). */
  trafficClass: number;
  dscp: number;
  ecn: number;
  flowLabel: number;
  /** Bytes after this header (extension headers included), as on the wire; 0 for a jumbogram. */
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  src: string;
  dst: string;
  /** Always 40: the bytes decode consumed. */
  headerLength: number;
}

/**
 * What encode takes. src and dst are required; nextHeader too unless the encode options give it.
 * payloadLength is computed when absent; when given it is written as given, right or wrong.
 * Give `trafficClass`, or `dscp` and `ecn`; both is fine when they agree.
 */
export interface Ipv6HeaderInit {
  version?: number;
  trafficClass?: number;
  dscp?: number;
  ecn?: number;
  flowLabel?: number;
  payloadLength?: number;
  nextHeader?: number;
  hopLimit?: number;
  src: string | Uint8Array;
  dst: string | Uint8Array;
}

export interface Ipv6EncodeOptions {
  /** Bytes that will follow the header, for the computed payloadLength. Default 0. */
  payloadLength?: number;
  /** Compute payloadLength when absent (default true); off writes 0. */
  fixLengths?: boolean;
  /** Next header to write when init.nextHeader is absent (encodePacket6 derives it). */
  nextHeader?: number;
}

// ---- decode -------------------------------------------------------------------------------------

/**
 * Decodes the header at buf[offset, offset + length). Throws DecodeError when fewer than 40
 * bytes are present or the version is not 6 (the partial header rides on the error).
 */
export function decode(buf: Uint8Array, offset = 0, length?: number): Ipv6Header {
  presentBytes(buf, offset, length, HEADER_LENGTH, 'IPv6');
  const b = buf;
  const o = offset;
  const first = u32(b, o);
  const trafficClass = (first >>> CLASS_SHIFT) & 0xff;
  const header: Ipv6Header = {
    version: first >>> VERSION_SHIFT,
    trafficClass,
    dscp: trafficClass >>> 2,
    ecn: trafficClass & 3,
    flowLabel: first & FLOW_MASK,
    payloadLength: u16(b, o + FIELD.PAYLOAD_LENGTH),
    nextHeader: b[o + FIELD.NEXT_HEADER]!,
    hopLimit: b[o + FIELD.HOP_LIMIT]!,
    src: formatIpv6(b, o + FIELD.SRC),
    dst: formatIpv6(b, o + FIELD.DST),
    headerLength: HEADER_LENGTH,
  };
  if (header.version !== 6) {
    throw new DecodeError(`IP version is ${header.version}, expected 6`, o, header);
  }
  return header;
}

// ---- encode -------------------------------------------------------------------------------------

/** Always 40. */
export function encodingLength(_init?: Ipv6HeaderInit): number {
  return HEADER_LENGTH;
}

/** The traffic class byte an init describes; throws when trafficClass and dscp/ecn disagree. */
export function trafficClassOf(init: Pick<Ipv6HeaderInit, 'trafficClass' | 'dscp' | 'ecn'>): number {
  return dsFieldOf('trafficClass', init.trafficClass, init.dscp, init.ecn);
}

/**
 * Writes the 40-byte header into `buf` at `offset` (or a new buffer) and returns it. Fields the
 * caller gave are written as given; payloadLength is computed when absent (see options).
 */
export function encode(init: Ipv6HeaderInit, buf?: Uint8Array, offset = 0, opts: Ipv6EncodeOptions = {}): Buffer {
  checkInitObject(init, 'ip', 'an IPv6 header object');
  const fixLengths = opts.fixLengths ?? true;
  const version = init.version === undefined ? 6 : checkUint(init.version, 15, 'version');
  const trafficClass = trafficClassOf(init);
  const flowLabel = init.flowLabel === undefined ? 0 : checkUint(init.flowLabel, FLOW_MASK, 'flowLabel');
  const payloadLength = lengthField(init.payloadLength, 'payloadLength', fixLengths, opts.payloadLength ?? 0, '; a jumbogram needs payloadLength 0 and a Jumbo Payload option');
  const nextHeader = checkUint(init.nextHeader ?? opts.nextHeader, 255, 'nextHeader');
  const hopLimit = init.hopLimit === undefined ? 64 : checkUint(init.hopLimit, 255, 'hopLimit');
  const src = address6Value(init.src, 'src');
  const dst = address6Value(init.dst, 'dst');

  const b = encodeTarget(buf, offset, HEADER_LENGTH);
  const o = offset;
  put32(b, o, ((version << VERSION_SHIFT) | (trafficClass << CLASS_SHIFT) | flowLabel) >>> 0);
  put16(b, o + FIELD.PAYLOAD_LENGTH, payloadLength);
  b[o + FIELD.NEXT_HEADER] = nextHeader;
  b[o + FIELD.HOP_LIMIT] = hopLimit;
  b.set(src, o + FIELD.SRC);
  b.set(dst, o + FIELD.DST);
  return view(b, o, HEADER_LENGTH);
}
