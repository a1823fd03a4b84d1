// ICMPv4 messages (RFC 792; next-hop MTU RFC 1191; extensions RFC 4884).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     Type      |     Code      |          Checksum             |
//   |                     Rest of header (by type)                  |
//   |                     Body (by type) ...
//
//   rest of header:  by type (icmpv4-codes.ts has the table and every field's offset)
//   body of errors:  the original datagram (IPv4 header + at least 8 bytes of its payload);
//                    when length != 0 (RFC 4884, types 3/11/12) the original datagram is exactly
//                    length * 4 bytes and an extension structure follows. A length that runs
//                    past the end of the message is not compliant: RFC 4884 section 5 has it
//                    read as if there were no extension structure (the whole body is the
//                    original datagram), and so does tshark; the byte is kept and flagged.
//
// Unlike the other headers, an ICMP message is decoded and encoded whole: its body belongs to
// it (echo data, the quoted datagram: quoted.ts). `headerLength` is the fixed 8-byte part.
// The numbers (types, codes, offsets) live in icmpv4-codes.ts and are re-exported here.

import { addressValue, bytesEqual, presentBytes, encodeTarget, put16, put32, readIpv4, u16, u32, view } from './bytes.js';
import { internetChecksum, sum16 } from './checksum.js';
import { checkBytes, checkUint, DecodeError, EncodeError, encodeDefaults, typeOfKind } from './errors.js';
import { FIELD, HEADER_LENGTH, ICMP_TYPE, isFragmentationNeeded, KIND_TYPE, kindOf, TIMESTAMP_LENGTH, UNREACHABLE_CODE } from './icmpv4-codes.js';
import { dataBodyLength, decodeEcho, echoRestOfHeader, hasDataBody, writeDataBody, type IcmpBaseInit, type Rfc4884Init } from './icmp-common.js';
import { errorBodyLength, errorExtensions, extensionLengthFor, quotedFieldLength, writeErrorBody, type ErrorExtensions } from './icmp-extensions.js';
import { decodeQuoted, quotedLength, writeQuoted, type QuotedDatagram, type QuotedDatagramInit } from './quoted.js';

export * from './icmpv4-codes.js';
export type { QuotedDatagram, QuotedDatagramInit, QuotedIcmp, QuotedTcp, QuotedUdp } from './quoted.js';

/** A timestamp message's body: originate, receive and transmit timestamps (32 bits each). */
const TIMESTAMP_BODY = TIMESTAMP_LENGTH - HEADER_LENGTH;

// ---- decoded shapes -------------------------------------------------------------------------------

interface Base {
  type: number;
  code: number;
  checksum: number;
  /** null when the message is not all present (snaplen, or a fragment) so it cannot be checked. */
  checksumValid: boolean | null;
  /** The fixed part: always 8. The body follows. */
  headerLength: number;
}

export interface EchoMessage extends Base {
  kind: 'echo-request' | 'echo-reply';
  identifier: number;
  sequence: number;
  data: Buffer;
}

export interface DestinationUnreachableMessage extends Base, ErrorExtensions {
  kind: 'destination-unreachable';
  /** RFC 1191 next-hop MTU for code 4 (0 from routers that predate it); null for other codes. */
  nextHopMtu: number | null;
  /** Rest-of-header bits no named field covers (0 from a conforming sender). */
  unused: number;
  quoted: QuotedDatagram;
}
export interface TimeExceededMessage extends Base, ErrorExtensions {
  kind: 'time-exceeded';
  unused: number;
  quoted: QuotedDatagram;
}
export interface ParameterProblemMessage extends Base, ErrorExtensions {
  kind: 'parameter-problem';
  /** Byte offset of the problem within the quoted datagram. */
  pointer: number;
  unused: number;
  quoted: QuotedDatagram;
}
export interface RedirectMessage extends Base {
  kind: 'redirect';
  gateway: string;
  quoted: QuotedDatagram;
}
export interface SourceQuenchMessage extends Base {
  kind: 'source-quench';
  unused: number;
  quoted: QuotedDatagram;
}
export interface TimestampMessage extends Base {
  kind: 'timestamp-request' | 'timestamp-reply';
  identifier: number;
  sequence: number;
  /** Milliseconds since midnight UT (RFC 792), or any value with the high bit set. */
  originate: number;
  receive: number;
  transmit: number;
  /** Bytes after the three timestamps (none in a conforming message). */
  data: Buffer;
}
export interface UnknownIcmpMessage extends Base {
  kind: 'unknown';
  /** Bytes 4-7, as on the wire. */
  restOfHeader: Buffer;
  data: Buffer;
}

export type IcmpErrorMessage =
  | DestinationUnreachableMessage
  | TimeExceededMessage
  | ParameterProblemMessage
  | RedirectMessage
  | SourceQuenchMessage;

export type IcmpMessage = EchoMessage | IcmpErrorMessage | TimestampMessage | UnknownIcmpMessage;

// ---- what encode takes ------------------------------------------------------------------------------

type BaseInit = IcmpBaseInit;
type ErrorInit = Rfc4884Init<QuotedDatagramInit>;
export type IcmpMessageInit =
  | (BaseInit & { kind: 'echo-request' | 'echo-reply'; identifier?: number; sequence?: number; data?: Uint8Array })
  | (ErrorInit & { kind: 'destination-unreachable'; nextHopMtu?: number | null })
  | (ErrorInit & { kind: 'time-exceeded' })
  | (ErrorInit & { kind: 'parameter-problem'; pointer?: number })
  | (BaseInit & { kind: 'redirect'; gateway?: string | number; quoted?: QuotedDatagramInit })
  | (BaseInit & { kind: 'source-quench'; unused?: number; quoted?: QuotedDatagramInit })
  | (BaseInit & {
      kind: 'timestamp-request' | 'timestamp-reply';
      identifier?: number;
      sequence?: number;
      originate?: number;
      receive?: number;
      transmit?: number;
      data?: Uint8Array;
    })
  | (BaseInit & { kind: 'unknown'; type: number; restOfHeader?: Uint8Array; data?: Uint8Array });

export interface IcmpDecodeOptions {
  /**
   * The bytes given are not the whole message (cut by snaplen, or the first fragment of a
   * fragmented datagram): the checksum is reported as null, and an RFC 4884 length running
   * past the end is not flagged (extensionLengthValid stays true).
   */
  truncated?: boolean;
}

export interface IcmpEncodeOptions {
  /** Compute lengths (RFC 4884 length, quoted header lengths) when absent. Default true. */
  fixLengths?: boolean;
  /** Compute checksums (this message's, the quoted header's) when absent. Default true. */
  computeChecksums?: boolean;
  /**
   * Raw bytes for everything after the 8-byte header, instead of what the init describes
   * (echo data, quoted datagram...). If the init also describes a body, the two must agree.
   */
  body?: Uint8Array;
}

// ---- decode -------------------------------------------------------------------------------------

/** Rest-of-header bits owned by named fields, per kind (and code for unreachable). */
function namedMask(type: number, code: number): number {
  switch (type) {
    case ICMP_TYPE.DESTINATION_UNREACHABLE:
      return code === UNREACHABLE_CODE.FRAGMENTATION_NEEDED ? 0x00ffffff : 0x00ff0000;
    case ICMP_TYPE.TIME_EXCEEDED:
      return 0x00ff0000;
    case ICMP_TYPE.PARAMETER_PROBLEM:
      return 0xffff0000;
    default:
      return 0;
  }
}

/**
 * Decodes the message at buf[offset, offset + length) (the whole IP payload). Throws
 * DecodeError when the 8-byte header, a timestamp message's 20 bytes or an error's quoted IPv4
 * header are not all present. An RFC 4884 length running past the end of a complete message is
 * data, not an error: extensionLengthValid false.
 */
export function decode(buf: Uint8Array, offset = 0, length?: number, opts: IcmpDecodeOptions = {}): IcmpMessage {
  const present = presentBytes(buf, offset, length, HEADER_LENGTH, 'ICMP');
  const b = buf;
  const o = offset;
  const end = o + present;
  const truncated = opts.truncated === true;
  const type = b[o + FIELD.TYPE]!;
  const code = b[o + FIELD.CODE]!;
  const checksum = u16(b, o + FIELD.CHECKSUM);
  const checksumValid = truncated ? null : sum16(b, o, present) === 0xffff;
  const base: Base = { type, code, checksum, checksumValid, headerLength: HEADER_LENGTH };
  const body = o + FIELD.BODY;
  const kind = kindOf(type);
  switch (kind) {
    case 'echo-request':
    case 'echo-reply':
      return decodeEcho(kind, b, o, end, checksumValid);
    case 'timestamp-request':
    case 'timestamp-reply':
      if (present < TIMESTAMP_LENGTH) {
        throw new DecodeError(`ICMP timestamp message needs 20 bytes, ${present} present`, o, { kind, ...base });
      }
      return {
        kind,
        ...base,
        identifier: u16(b, o + FIELD.IDENTIFIER),
        sequence: u16(b, o + FIELD.SEQUENCE),
        originate: u32(b, o + FIELD.ORIGINATE),
        receive: u32(b, o + FIELD.RECEIVE),
        transmit: u32(b, o + FIELD.TRANSMIT),
        data: view(b, o + TIMESTAMP_LENGTH, end - o - TIMESTAMP_LENGTH),
      };
    case 'unknown':
      return { kind, ...base, restOfHeader: view(b, o + FIELD.REST, 4), data: view(b, body, end - body) };
    default:
      return decodeError(kind, base, b, o, end, truncated);
  }
}

/**
 * An error message: the rest-of-header fields, then the quoted datagram. A quote that cannot be
 * read is a DecodeError whose partial is the message with what the quote held.
 */
function decodeError(kind: IcmpErrorMessage['kind'], base: Base, b: Uint8Array, o: number, end: number, truncated: boolean): IcmpErrorMessage {
  const body = o + FIELD.BODY;
  const unused = (u32(b, o + FIELD.REST) & ~namedMask(base.type, base.code)) >>> 0;
  if (kind === 'redirect') {
    const head = { kind, ...base, gateway: readIpv4(b, o + FIELD.GATEWAY) };
    return { ...head, quoted: decodeQuoted(b, body, end, (quoted) => ({ ...head, quoted })) };
  }
  if (kind === 'source-quench') {
    const head = { kind, ...base, unused };
    return { ...head, quoted: decodeQuoted(b, body, end, (quoted) => ({ ...head, quoted })) };
  }
  const { extensionLength, extensionLengthValid, quotedEnd, extensions } = errorExtensions(b, o, end, truncated);
  const ext = { extensionLength, extensionLengthValid, unused, extensions };
  if (kind === 'destination-unreachable') {
    const nextHopMtu = isFragmentationNeeded(base.type, base.code) ? u16(b, o + FIELD.NEXT_HOP_MTU) : null;
    const head = { kind, ...base, nextHopMtu, ...ext };
    return { ...head, quoted: decodeQuoted(b, body, quotedEnd, (quoted) => ({ ...head, quoted })) };
  }
  if (kind === 'parameter-problem') {
    const head = { kind, ...base, pointer: b[o + FIELD.POINTER]!, ...ext };
    return { ...head, quoted: decodeQuoted(b, body, quotedEnd, (quoted) => ({ ...head, quoted })) };
  }
  const head = { kind, ...base, ...ext };
  return { ...head, quoted: decodeQuoted(b, body, quotedEnd, (quoted) => ({ ...head, quoted })) };
}

// ---- encode -------------------------------------------------------------------------------------

function checkKind(init: IcmpMessageInit): number {
  return typeOfKind(init, KIND_TYPE, 'icmp', { object: 'an ICMP message object', kind: 'an ICMP kind', allowed: 'ICMP kind', at: '' });
}

/** Bytes the init's own body takes (undefined = the init describes no body). */
function initBodyLength(init: IcmpMessageInit): number | undefined {
  if (hasDataBody(init)) return dataBodyLength(init);
  switch (init.kind) {
    case 'timestamp-request':
    case 'timestamp-reply':
      if (init.originate === undefined && init.receive === undefined && init.transmit === undefined && init.data === undefined) {
        return undefined;
      }
      return TIMESTAMP_BODY + (init.data === undefined ? 0 : checkBytes(init.data, 'data').length);
    case 'redirect':
    case 'source-quench':
      return init.quoted === undefined ? undefined : quotedLength(init.quoted);
    default:
      return errorBodyLength(init, () => quotedFieldLength(init));
  }
}

/** Default body when neither the init nor a body override gives one. */
function defaultBodyLength(init: IcmpMessageInit): number {
  return init.kind === 'timestamp-request' || init.kind === 'timestamp-reply' ? TIMESTAMP_BODY : 0;
}

/** Bytes encode will write: the 8-byte header and the body (`body` as in IcmpEncodeOptions). */
export function encodingLength(init: IcmpMessageInit, body?: Uint8Array): number {
  checkKind(init);
  const own = initBodyLength(init);
  if (body !== undefined) return HEADER_LENGTH + checkBytes(body, 'payload').length;
  return HEADER_LENGTH + (own ?? defaultBodyLength(init));
}

/**
 * Writes the whole message (header and body) into `buf` at `offset` (or a new buffer) and
 * returns it. The checksum, when absent and computeChecksums is on, is computed last over
 * every byte written.
 */
export function encode(init: IcmpMessageInit, buf?: Uint8Array, offset = 0, opts: IcmpEncodeOptions = {}): Buffer {
  const type = checkKind(init);
  const { fixLengths, computeChecksums } = encodeDefaults(opts);
  const code = init.code === undefined ? 0 : checkUint(init.code, 255, 'code');
  const checksum = init.checksum === undefined ? undefined : checkUint(init.checksum, 0xffff, 'checksum');
  const rest = restOfHeader(init, code, fixLengths);
  const own = initBodyLength(init);
  const override = opts.body === undefined ? undefined : checkBytes(opts.body, 'payload');
  const bodyLength = override !== undefined ? override.length : (own ?? defaultBodyLength(init));
  const total = HEADER_LENGTH + bodyLength;

  const b = encodeTarget(buf, offset, total);
  const o = offset;
  if (override !== undefined) {
    if (own !== undefined) {
      // Both the init and the caller describe the body: they must say the same thing.
      const mine = Buffer.alloc(own);
      writeBody(init, mine, 0, fixLengths, computeChecksums);
      if (!bytesEqual(mine, override)) {
        throw new EncodeError(
          'payload',
          override,
          `${override.length} payload bytes disagree with the ${own} body bytes the ICMP fields describe; give one of them`,
          'the same bytes as the ICMP fields',
        );
      }
    }
    b.set(override, o + HEADER_LENGTH);
  } else if (own !== undefined) {
    writeBody(init, b, o + HEADER_LENGTH, fixLengths, computeChecksums);
  } else {
    b.fill(0, o + HEADER_LENGTH, o + total);
  }
  b[o + FIELD.TYPE] = type;
  b[o + FIELD.CODE] = code;
  if (init.kind === 'unknown' && init.restOfHeader !== undefined) b.set(init.restOfHeader, o + FIELD.REST);
  else put32(b, o + FIELD.REST, rest);
  put16(b, o + FIELD.CHECKSUM, 0);
  put16(b, o + FIELD.CHECKSUM, checksum !== undefined ? checksum : computeChecksums ? internetChecksum(b, o, total) : 0);
  return view(b, o, total);
}

function restOfHeader(init: IcmpMessageInit, code: number, fixLengths: boolean): number {
  const unusedOf = (mask: number): number => {
    const u = (init as { unused?: number }).unused;
    if (u === undefined) return 0;
    const v = checkUint(u, 0xffffffff, 'unused');
    if ((v & mask) !== 0) {
      throw new EncodeError(
        'unused',
        v,
        `0x${v.toString(16)} sets bits that belong to named fields (mask 0x${(mask >>> 0).toString(16)}); set those fields instead`,
        `bits outside 0x${(mask >>> 0).toString(16)}`,
      );
    }
    return v;
  };
  const lengthOf = (i: ErrorInit): number => extensionLengthFor(i, fixLengths);
  switch (init.kind) {
    case 'echo-request':
    case 'echo-reply':
    case 'timestamp-request':
    case 'timestamp-reply':
      return echoRestOfHeader(init);
    case 'destination-unreachable': {
      const mask = namedMask(ICMP_TYPE.DESTINATION_UNREACHABLE, code);
      let mtu = 0;
      if (init.nextHopMtu !== undefined && init.nextHopMtu !== null) {
        if (code !== UNREACHABLE_CODE.FRAGMENTATION_NEEDED) {
          throw new EncodeError(
            'nextHopMtu',
            init.nextHopMtu,
            `only code 4 (fragmentation needed) carries a next-hop MTU, this is code ${code}; put other bits in unused`,
            'null',
          );
        }
        mtu = checkUint(init.nextHopMtu, 0xffff, 'nextHopMtu');
      }
      return (unusedOf(mask) | (lengthOf(init) << 16) | mtu) >>> 0;
    }
    case 'time-exceeded':
      return (unusedOf(namedMask(ICMP_TYPE.TIME_EXCEEDED, code)) | (lengthOf(init) << 16)) >>> 0;
    case 'parameter-problem': {
      const pointer = init.pointer === undefined ? 0 : checkUint(init.pointer, 255, 'pointer');
      return ((pointer << 24) | unusedOf(namedMask(ICMP_TYPE.PARAMETER_PROBLEM, code)) | (lengthOf(init) << 16)) >>> 0;
    }
    case 'redirect':
      return init.gateway === undefined ? 0 : addressValue(init.gateway, 'gateway');
    case 'source-quench':
      return unusedOf(0);
    case 'unknown':
      if (init.restOfHeader !== undefined && checkBytes(init.restOfHeader, 'restOfHeader').length !== 4) {
        throw new EncodeError('restOfHeader', init.restOfHeader, `${init.restOfHeader.length} bytes; the rest of the header is exactly 4`, '4 bytes');
      }
      return 0;
  }
}

/** Writes the body the init describes at b[o...]; initBodyLength(init) bytes. */
function writeBody(init: IcmpMessageInit, b: Uint8Array, o: number, fixLengths: boolean, computeChecksums: boolean): void {
  if (hasDataBody(init)) return writeDataBody(init, b, o);
  switch (init.kind) {
    case 'timestamp-request':
    case 'timestamp-reply': {
      const message = o - FIELD.BODY; // the fields' offsets count from the message's start
      put32(b, message + FIELD.ORIGINATE, init.originate === undefined ? 0 : checkUint(init.originate, 0xffffffff, 'originate'));
      put32(b, message + FIELD.RECEIVE, init.receive === undefined ? 0 : checkUint(init.receive, 0xffffffff, 'receive'));
      put32(b, message + FIELD.TRANSMIT, init.transmit === undefined ? 0 : checkUint(init.transmit, 0xffffffff, 'transmit'));
      if (init.data !== undefined) b.set(init.data, message + TIMESTAMP_LENGTH);
      return;
    }
    case 'redirect':
    case 'source-quench':
      if (init.quoted !== undefined) writeQuoted(init.quoted, b, o, fixLengths, computeChecksums);
      return;
    default: {
      const written = init.quoted === undefined ? 0 : writeQuoted(init.quoted, b, o, fixLengths, computeChecksums);
      writeErrorBody(init, b, o, written, quotedFieldLength(init));
    }
  }
}
