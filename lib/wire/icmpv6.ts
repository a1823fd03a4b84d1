// ICMPv6 messages (RFC 4443; extensions RFC 4884; ND RFC 4861 in ndp.ts; MLD RFC 2710/3810 in mld.ts).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     Type      |     Code      |          Checksum             |
//   |                  Rest of header (by type)                     |
//   |                  Body (by type) ...
//
//   rest of header:  echo (128, 129)          identifier(16) sequence(16)
//                    destination unreachable  length(8) unused(24)      (RFC 4884: length in 64-bit words)
//                    time exceeded            length(8) unused(24)
//                    packet too big           MTU(32)
//                    parameter problem        pointer(32)
//   body of errors:  as much of the invoking packet as fits in 1280 bytes (icmpv6-quoted.ts);
//                    with an RFC 4884 length, exactly length * 8 bytes of it, then the extension
//                    structure (icmp-extensions.ts). A length past the end of a whole message is
//                    read as no extensions and flagged (RFC 4884 section 5), as for ICMPv4.
//
// The checksum covers the IPv6 pseudo-header (ipv6-checksum.ts): decode verifies it when given
// the addresses (or their sum), encode computes it from them. A type we do not decode keeps its
// bytes after the first 4 as `data`. A message too short for its type is a DecodeError at its
// first byte.

import { bytesEqual, presentBytes, encodeTarget, put16, put32, u16, u32, view } from './bytes.js';
import { internetChecksum, sum16 } from './checksum.js';
import { checkBytes, checkUint, DecodeError, EncodeError, encodeDefaults, typeOfKind } from './errors.js';
import { dataBodyLength, decodeEcho, echoRestOfHeader, hasDataBody, ICMP_HEADER_FIELD, writeDataBody, type IcmpBaseInit, type Rfc4884Init } from './icmp-common.js';
import { decodeExtensions, errorBodyLength, errorExtensions, hasExtensions, writeErrorBody, type IcmpExtensionStructure } from './icmp-extensions.js';
import type { Icmpv6Base } from './icmpv6-base.js';
import { decodeQuoted6, quoted6Length, writeQuoted6, type QuotedDatagram6, type QuotedDatagram6Init } from './icmpv6-quoted.js';
import { icmpv6TypeName } from './icmpv6-names.js';
import { addressSum6Of, withLengthAndProtocol } from './ipv6-checksum.js';
import { decodeMld, MLD_MIN_LENGTH, mldBodyLength, mldRestOfHeader, writeMldBody, type MldKind, type MldMessage, type MldMessageInit } from './mld.js';
import { decodeNd, ND_MIN_LENGTH, ndBodyLength, ndRestOfHeader, writeNdBody, type NdKind, type NdMessage, type NdMessageInit } from './ndp.js';

import { kindOf, KIND_TYPE, type Icmpv6Kind } from './icmpv6-codes.js';

export type { Icmpv6Base } from './icmpv6-base.js';
export {
  ICMPV6_TYPE,
  isError,
  KIND_TYPE,
  kindOf,
  PARAMETER_PROBLEM_CODE,
  TIME_EXCEEDED_CODE,
  UNREACHABLE_CODE,
  type Icmpv6Kind,
} from './icmpv6-codes.js';

/** Byte offsets of the fixed part (the first ones as ICMPv4's: icmp-common.ts). */
export const FIELD = {
  ...ICMP_HEADER_FIELD,
  LENGTH: 4,
  MTU: 4,
  POINTER: 4,
} as const;

export const HEADER_LENGTH = 8;
/** Type, code and checksum: all a message of an unknown type must have. */
export const BASE_HEADER_LENGTH = 4;
export const PROTOCOL_NUMBER = 58;

const ERROR_MIN = 8;

/** Bytes a message of each kind needs (its fixed fields), for the "too short" check. */
const MIN_LENGTH: Record<Icmpv6Kind, number> = {
  'destination-unreachable': ERROR_MIN + 40,
  'packet-too-big': ERROR_MIN + 40,
  'time-exceeded': ERROR_MIN + 40,
  'parameter-problem': ERROR_MIN + 40,
  'echo-request': 8,
  'echo-reply': 8,
  ...MLD_MIN_LENGTH,
  ...ND_MIN_LENGTH,
  unknown: BASE_HEADER_LENGTH,
};

// ---- decoded shapes -------------------------------------------------------------------------------

export interface EchoMessage6 extends Icmpv6Base {
  kind: 'echo-request' | 'echo-reply';
  identifier: number;
  sequence: number;
  data: Buffer;
}
interface Rfc4884 {
  /** RFC 4884 length of the original datagram field in 64-bit words; 0 = no extensions. As on the wire. */
  extensionLength: number;
  /** False when extensionLength claims more than a whole message holds (then read as 0). */
  extensionLengthValid: boolean;
  /** The 24 bits after the length (0 from a conforming sender). */
  unused: number;
  /** The bytes after the original datagram field when extensionLength splits the body, else null. */
  extensions: Buffer | null;
  /** Those bytes read as an RFC 4884 extension structure, or null when they are not one. */
  extensionStructure: IcmpExtensionStructure | null;
}
export interface DestinationUnreachable6 extends Icmpv6Base, Rfc4884 {
  kind: 'destination-unreachable';
  quoted: QuotedDatagram6;
}
export interface TimeExceeded6 extends Icmpv6Base, Rfc4884 {
  kind: 'time-exceeded';
  quoted: QuotedDatagram6;
}
export interface PacketTooBig extends Icmpv6Base {
  kind: 'packet-too-big';
  mtu: number;
  quoted: QuotedDatagram6;
}
export interface ParameterProblem6 extends Icmpv6Base {
  kind: 'parameter-problem';
  /** Byte offset of the problem within the invoking packet (32 bits). */
  pointer: number;
  quoted: QuotedDatagram6;
}
export interface UnknownIcmpv6Message extends Icmpv6Base {
  kind: 'unknown';
  /** Every byte after type, code and checksum. */
  data: Buffer;
}

export type Icmpv6ErrorMessage = DestinationUnreachable6 | TimeExceeded6 | PacketTooBig | ParameterProblem6;
export type Icmpv6Message = EchoMessage6 | Icmpv6ErrorMessage | NdMessage | MldMessage | UnknownIcmpv6Message;

// ---- options ------------------------------------------------------------------------------------

/** The pseudo-header: source and final destination (text or 16 bytes), or their sum (ipv6-checksum.ts). */
export interface PseudoHeader6 {
  src?: string | Uint8Array;
  dst?: string | Uint8Array;
  addressSum?: number;
}

export interface Icmpv6DecodeOptions extends PseudoHeader6 {
  /** The bytes given are not the whole message (snaplen, first fragment): checksum null. */
  truncated?: boolean;
}

function addressSumOf(p: PseudoHeader6): number | undefined {
  if (p.addressSum !== undefined) return p.addressSum;
  if (p.src === undefined || p.dst === undefined) return undefined;
  return addressSum6Of(p.src, p.dst);
}

// ---- decode -------------------------------------------------------------------------------------

/**
 * Decodes the message at buf[offset, offset + length) (the whole upper-layer payload). Throws
 * DecodeError when the message is shorter than its type needs, a quoted IPv6 header is cut, or
 * an ND option or MLD record is malformed (partial: the message as far as it was read).
 */
export function decode(buf: Uint8Array, offset = 0, length?: number, opts: Icmpv6DecodeOptions = {}): Icmpv6Message {
  const present = presentBytes(buf, offset, length, BASE_HEADER_LENGTH, 'ICMPv6');
  const b = buf;
  const o = offset;
  const end = o + present;
  const type = b[o]!;
  const code = b[o + 1]!;
  const checksum = u16(b, o + FIELD.CHECKSUM);
  const sum = opts.truncated ? undefined : addressSumOf(opts);
  const checksumValid = sum === undefined ? null : sum16(b, o, present, withLengthAndProtocol(sum, PROTOCOL_NUMBER, present)) === 0xffff;
  const kind = kindOf(type);
  if (kind === 'echo-request' || kind === 'echo-reply') {
    if (present < HEADER_LENGTH) throw tooShort(kind, type, present, o, { kind, type, code, checksum, checksumValid, headerLength: HEADER_LENGTH });
    return decodeEcho(kind, b, o, end, checksumValid);
  }
  const base: Icmpv6Base = { type, code, checksum, checksumValid, headerLength: kind === 'unknown' ? BASE_HEADER_LENGTH : HEADER_LENGTH };
  if (present < MIN_LENGTH[kind]) throw tooShort(kind, type, present, o, { kind, ...base });
  switch (kind) {
    case 'unknown':
      return { kind, ...base, data: view(b, o + BASE_HEADER_LENGTH, present - BASE_HEADER_LENGTH) };
    case 'destination-unreachable':
    case 'time-exceeded':
      return decodeRfc4884(kind, b, o, end, base, opts.truncated === true);
    case 'packet-too-big':
    case 'parameter-problem': {
      const value = u32(b, o + FIELD.REST);
      const m: Record<string, unknown> = kind === 'packet-too-big' ? { kind, ...base, mtu: value } : { kind, ...base, pointer: value };
      m.quoted = decodeQuoted6(b, o + HEADER_LENGTH, end, m);
      return m as unknown as Icmpv6ErrorMessage;
    }
    case 'mld-query':
    case 'mld-report':
    case 'mld-done':
    case 'mldv2-report':
      return decodeMld(kind, b, o, end, base);
    default:
      return decodeNd(kind, b, o, end, base);
  }
}

function tooShort(kind: Icmpv6Kind, type: number, present: number, o: number, partial: unknown): DecodeError {
  const what = kind === 'unknown' ? 'header' : `${icmpv6TypeName(type)} (type ${type})`;
  return new DecodeError(`ICMPv6 ${what} needs ${MIN_LENGTH[kind]} bytes, ${present} present`, o, partial);
}

function decodeRfc4884(
  kind: 'destination-unreachable' | 'time-exceeded',
  b: Uint8Array,
  o: number,
  end: number,
  base: Icmpv6Base,
  truncated: boolean,
): DestinationUnreachable6 | TimeExceeded6 {
  const bodyStart = o + HEADER_LENGTH;
  // RFC 4884 for ICMPv6: the length byte (byte 4) counts 64-bit words.
  const { extensionLength, extensionLengthValid, quotedEnd, extensions } = errorExtensions(b, o, end, truncated, FIELD.LENGTH, 8);
  const m: Record<string, unknown> = {
    kind,
    ...base,
    extensionLength,
    extensionLengthValid,
    unused: u32(b, o + FIELD.REST) & 0xffffff,
    extensions,
    extensionStructure: extensions === null ? null : decodeExtensions(b, quotedEnd, end),
  };
  m.quoted = decodeQuoted6(b, bodyStart, quotedEnd, m);
  return m as unknown as DestinationUnreachable6 | TimeExceeded6;
}

// ---- what encode takes ------------------------------------------------------------------------------

type BaseInit = IcmpBaseInit;
type ErrorInit6 = Rfc4884Init<QuotedDatagram6Init>;
export type Icmpv6MessageInit =
  | (BaseInit & { kind: 'echo-request' | 'echo-reply'; identifier?: number; sequence?: number; data?: Uint8Array })
  | (ErrorInit6 & { kind: 'destination-unreachable' | 'time-exceeded' })
  | (BaseInit & { kind: 'packet-too-big'; mtu?: number; quoted?: QuotedDatagram6Init })
  | (BaseInit & { kind: 'parameter-problem'; pointer?: number; quoted?: QuotedDatagram6Init })
  | NdMessageInit
  | MldMessageInit
  | (BaseInit & { kind: 'unknown'; type: number; data?: Uint8Array });

export interface Icmpv6EncodeOptions extends PseudoHeader6 {
  /** Compute lengths (RFC 4884 length, quoted lengths, option lengths) when absent. Default true. */
  fixLengths?: boolean;
  /** Compute the checksum when absent. Default true; needs the pseudo-header. */
  computeChecksums?: boolean;
  /**
   * Raw bytes for everything after the fixed part (after 8 bytes, 4 for 'unknown'), instead of
   * what the init describes. If the init also describes a body, the two must agree.
   */
  body?: Uint8Array;
}

// ---- encode -------------------------------------------------------------------------------------

function checkKind(init: Icmpv6MessageInit): number {
  return typeOfKind(init, KIND_TYPE, 'icmpv6', { object: 'an ICMPv6 message object', kind: 'an ICMPv6 kind', allowed: 'ICMPv6 kind', at: '' });
}

/**
 * Length of the original-datagram field of an RFC 4884 message: the quote as it is, or with
 * extensions padded to 8 bytes and at least 128 (RFC 4884 section 4.5), or the length the init
 * gives when longer.
 */
function quotedFieldLength(init: ErrorInit6, fixLengths: boolean): number {
  const q = quoted6Length(init.quoted, fixLengths);
  // Padding only matters when extensions follow: it is what puts them where the length says.
  // Without them the quote is written as it is (a length past the end stays a lie, as decoded).
  if (!hasExtensions(init)) return q;
  if (init.extensionLength !== undefined) return Math.max(q, checkUint(init.extensionLength, 255, 'extensionLength') * 8);
  return fixLengths ? Math.max((q + 7) & ~7, 128) : q;
}

/** Bytes the init's own body takes (undefined = it describes none). */
function initBodyLength(init: Icmpv6MessageInit, fixLengths: boolean): number | undefined {
  if (hasDataBody(init)) return dataBodyLength(init);
  switch (init.kind) {
    case 'packet-too-big':
    case 'parameter-problem':
      return init.quoted === undefined ? undefined : quoted6Length(init.quoted, fixLengths);
    case 'destination-unreachable':
    case 'time-exceeded':
      return errorBodyLength(init, () => quotedFieldLength(init, fixLengths));
    case 'mld-query':
    case 'mld-report':
    case 'mld-done':
    case 'mldv2-report':
      return mldBodyLength(init);
    default:
      return ndBodyLength(init);
  }
}

/** Bytes encode will write: the fixed part and the body (`body` as in Icmpv6EncodeOptions). */
export function encodingLength(init: Icmpv6MessageInit, body?: Uint8Array, opts: Pick<Icmpv6EncodeOptions, 'fixLengths'> = {}): number {
  checkKind(init);
  const fixed = init.kind === 'unknown' ? BASE_HEADER_LENGTH : HEADER_LENGTH;
  if (body !== undefined) return fixed + checkBytes(body, 'payload').length;
  return fixed + (initBodyLength(init, opts.fixLengths ?? true) ?? 0);
}

/**
 * Writes the whole message into `buf` at `offset` (or a new buffer) and returns it. The
 * checksum, when absent and computeChecksums is on, is computed last over the pseudo-header
 * (opts.src/dst or addressSum) and every byte written.
 */
export function encode(init: Icmpv6MessageInit, buf?: Uint8Array, offset = 0, opts: Icmpv6EncodeOptions = {}): Buffer {
  const type = checkKind(init);
  const { fixLengths, computeChecksums } = encodeDefaults(opts);
  const code = init.code === undefined ? 0 : checkUint(init.code, 255, 'code');
  const checksum = init.checksum === undefined ? undefined : checkUint(init.checksum, 0xffff, 'checksum');
  const sum = checksum === undefined && computeChecksums ? addressSumOf(opts) : undefined;
  if (checksum === undefined && computeChecksums && sum === undefined) {
    throw new EncodeError('checksum', undefined, 'cannot compute an ICMPv6 checksum without src and dst for the pseudo-header; pass them or give checksum', 'a number');
  }
  const fixed = init.kind === 'unknown' ? BASE_HEADER_LENGTH : HEADER_LENGTH;
  const rest = init.kind === 'unknown' ? 0 : restOfHeader(init, fixLengths);
  const own = initBodyLength(init, fixLengths);
  const override = opts.body === undefined ? undefined : checkBytes(opts.body, 'payload');
  const total = fixed + (override !== undefined ? override.length : (own ?? 0));

  const b = encodeTarget(buf, offset, total);
  const o = offset;
  if (override !== undefined) {
    if (own !== undefined) {
      const mine = Buffer.alloc(fixed + own);
      writeBody(init, mine, fixed, fixLengths);
      if (!bytesEqual(mine.subarray(fixed), override)) {
        throw new EncodeError('payload', override, `${override.length} payload bytes disagree with the ${own} body bytes the ICMPv6 fields describe; give one of them`, 'the same bytes as the ICMPv6 fields');
      }
    }
    b.set(override, o + fixed);
  } else if (own !== undefined) {
    writeBody(init, b, o + fixed, fixLengths);
  }
  b[o] = type;
  b[o + 1] = code;
  if (fixed === HEADER_LENGTH) put32(b, o + FIELD.REST, rest);
  put16(b, o + FIELD.CHECKSUM, 0);
  const value = checksum !== undefined ? checksum : sum !== undefined ? internetChecksum(b, o, total, withLengthAndProtocol(sum, PROTOCOL_NUMBER, total)) : 0;
  put16(b, o + FIELD.CHECKSUM, value);
  return view(b, o, total);
}

function restOfHeader(init: Exclude<Icmpv6MessageInit, { kind: 'unknown' }>, fixLengths: boolean): number {
  switch (init.kind) {
    case 'echo-request':
    case 'echo-reply':
      return echoRestOfHeader(init);
    case 'destination-unreachable':
    case 'time-exceeded': {
      const unused = init.unused === undefined ? 0 : checkUint(init.unused, 0xffffff, 'unused');
      let length = 0;
      if (init.extensionLength !== undefined) length = checkUint(init.extensionLength, 255, 'extensionLength');
      else if (fixLengths && hasExtensions(init)) {
        length = quotedFieldLength(init, fixLengths) / 8;
        if (length > 255) {
          throw new EncodeError('extensionLength', length, `the quoted datagram is ${length} 64-bit words; the length byte holds at most 255`, '0-255');
        }
      }
      return ((length << 24) | unused) >>> 0;
    }
    case 'packet-too-big':
      return init.mtu === undefined ? 1280 : checkUint(init.mtu, 0xffffffff, 'mtu');
    case 'parameter-problem':
      return init.pointer === undefined ? 0 : checkUint(init.pointer, 0xffffffff, 'pointer');
    case 'mld-query':
    case 'mld-report':
    case 'mld-done':
    case 'mldv2-report':
      return mldRestOfHeader(init);
    default:
      return ndRestOfHeader(init);
  }
}

/** Writes the body the init describes at b[o...] (o = message offset + fixed part). */
function writeBody(init: Icmpv6MessageInit, b: Uint8Array, o: number, fixLengths: boolean): void {
  if (hasDataBody(init)) return writeDataBody(init, b, o);
  switch (init.kind) {
    case 'packet-too-big':
    case 'parameter-problem':
      if (init.quoted !== undefined) writeQuoted6(init.quoted, b, o, fixLengths);
      return;
    case 'destination-unreachable':
    case 'time-exceeded': {
      const written = init.quoted === undefined ? 0 : writeQuoted6(init.quoted, b, o, fixLengths);
      writeErrorBody(init, b, o, written, quotedFieldLength(init, fixLengths));
      return;
    }
    case 'mld-query':
    case 'mld-report':
    case 'mld-done':
    case 'mldv2-report':
      writeMldBody(init, b, o);
      return;
    default:
      writeNdBody(init, b, o);
  }
}
