// ICMPv4 messages (RFC 792; next-hop MTU RFC 1191; extensions RFC 4884).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     Type      |     Code      |          Checksum             |
//   |                     Rest of header (by type)                  |
//   |                     Body (by type) ...
//
//   rest of header:  echo / timestamp   identifier(16) sequence(16)
//                    unreachable        unused(8) length(8) next-hop MTU(16, code 4 only)
//                    time exceeded      unused(8) length(8) unused(16)
//                    parameter problem  pointer(8) length(8) unused(16)
//                    redirect           gateway address(32)
//                    source quench      unused(32)
//   body of errors:  the original datagram (IPv4 header + at least 8 bytes of its payload);
//                    when length != 0 (RFC 4884, types 3/11/12) the original datagram is exactly
//                    length * 4 bytes and an extension structure follows. A length that runs
//                    past the end of the message is not compliant: RFC 4884 section 5 has it
//                    read as if there were no extension structure (the whole body is the
//                    original datagram), and so does tshark; the byte is kept and flagged.
//
// Unlike the other headers, an ICMP message is decoded and encoded whole: its body belongs to
// it (echo data, the quoted datagram). `headerLength` is the fixed 8-byte part.

import { addressValue, bytesEqual, decodeSpan, encodeTarget, put16, put32, readIpv4, u16, u32, view } from './bytes.js';
import { internetChecksum, sum16 } from './checksum.js';
import { checkBytes, checkUint, DecodeError, EncodeError, showValue } from './errors.js';
import * as ipv4 from './ipv4.js';

/** Byte offsets of the fixed part. */
export const FIELD = {
  TYPE: 0,
  CODE: 1,
  CHECKSUM: 2,
  REST: 4,
  IDENTIFIER: 4,
  SEQUENCE: 6,
  POINTER: 4,
  LENGTH: 5,
  NEXT_HOP_MTU: 6,
  GATEWAY: 4,
  BODY: 8,
} as const;

export const HEADER_LENGTH = 8;

export const ICMP_TYPE = {
  ECHO_REPLY: 0,
  DESTINATION_UNREACHABLE: 3,
  SOURCE_QUENCH: 4,
  REDIRECT: 5,
  ECHO_REQUEST: 8,
  ROUTER_ADVERTISEMENT: 9,
  ROUTER_SOLICITATION: 10,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
  TIMESTAMP_REQUEST: 13,
  TIMESTAMP_REPLY: 14,
  INFORMATION_REQUEST: 15,
  INFORMATION_REPLY: 16,
  ADDRESS_MASK_REQUEST: 17,
  ADDRESS_MASK_REPLY: 18,
} as const;

/** Destination unreachable codes (RFC 792, RFC 1122, RFC 1812). */
export const UNREACHABLE_CODE = {
  NET: 0,
  HOST: 1,
  PROTOCOL: 2,
  PORT: 3,
  FRAGMENTATION_NEEDED: 4,
  SOURCE_ROUTE_FAILED: 5,
  NET_UNKNOWN: 6,
  HOST_UNKNOWN: 7,
  HOST_ISOLATED: 8,
  NET_PROHIBITED: 9,
  HOST_PROHIBITED: 10,
  NET_TOS: 11,
  HOST_TOS: 12,
  ADMIN_PROHIBITED: 13,
  HOST_PRECEDENCE_VIOLATION: 14,
  PRECEDENCE_CUTOFF: 15,
} as const;

export const TIME_EXCEEDED_CODE = {
  TTL: 0,
  FRAGMENT_REASSEMBLY: 1,
} as const;

export const REDIRECT_CODE = {
  NET: 0,
  HOST: 1,
  TOS_NET: 2,
  TOS_HOST: 3,
} as const;

export const PARAMETER_PROBLEM_CODE = {
  POINTER: 0,
  MISSING_OPTION: 1,
  BAD_LENGTH: 2,
} as const;

export type IcmpKind =
  | 'echo-request'
  | 'echo-reply'
  | 'destination-unreachable'
  | 'time-exceeded'
  | 'parameter-problem'
  | 'redirect'
  | 'source-quench'
  | 'timestamp-request'
  | 'timestamp-reply'
  | 'unknown';

/** The type number of each kind ('unknown' has none of its own). */
export const KIND_TYPE = {
  'echo-reply': 0,
  'destination-unreachable': 3,
  'source-quench': 4,
  redirect: 5,
  'echo-request': 8,
  'time-exceeded': 11,
  'parameter-problem': 12,
  'timestamp-request': 13,
  'timestamp-reply': 14,
} as const;

const TYPE_KIND: Record<number, Exclude<IcmpKind, 'unknown'>> = {
  0: 'echo-reply',
  3: 'destination-unreachable',
  4: 'source-quench',
  5: 'redirect',
  8: 'echo-request',
  11: 'time-exceeded',
  12: 'parameter-problem',
  13: 'timestamp-request',
  14: 'timestamp-reply',
};

/** The kind a type number decodes to. */
export function kindOf(type: number): IcmpKind {
  return TYPE_KIND[type] ?? 'unknown';
}

/** True for the types whose body quotes the datagram that caused them. */
export function isError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

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

export interface QuotedUdp {
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: number;
}
export interface QuotedTcp {
  srcPort: number;
  dstPort: number;
  sequence: number;
}
export interface QuotedIcmp {
  type: number;
  code: number;
  checksum: number;
  identifier: number;
  sequence: number;
}

/**
 * The original datagram an error quotes. `ip.totalLength` describes the original, not what is
 * here: being shorter is normal. `payload` is every byte after the quoted header that is
 * present (with RFC 4884, up to the length field, padding included). The first 8 bytes are also
 * read as what the quoted protocol says (null when another protocol, fewer than 8 bytes, or a
 * non-first fragment).
 */
export interface QuotedDatagram {
  ip: ipv4.Ipv4Header;
  payload: Buffer;
  udp: QuotedUdp | null;
  tcp: QuotedTcp | null;
  icmp: QuotedIcmp | null;
}

interface ErrorExtensions {
  /** RFC 4884 length of the original datagram field in 32-bit words; 0 = no extensions. As on the wire. */
  extensionLength: number;
  /**
   * False when extensionLength claims more bytes than the message holds: the message is then
   * read as if the length were 0 (RFC 4884 section 5), the quoted datagram running to the end
   * and `extensions` null. True otherwise, a cut message (IcmpDecodeOptions.truncated) included:
   * there the promised bytes are missing from the capture, not from the message.
   */
  extensionLengthValid: boolean;
  /** The bytes after the original datagram field when extensionLength splits the body, else null. */
  extensions: Buffer | null;
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

interface BaseInit {
  /** Must match the kind when given (free for 'unknown'). */
  type?: number;
  code?: number;
  checksum?: number;
}
export interface QuotedDatagramInit {
  ip: ipv4.Ipv4HeaderInit;
  /** Bytes after the quoted header. When absent they are built from udp / tcp / icmp (8 bytes). */
  payload?: Uint8Array;
  udp?: { srcPort: number; dstPort: number; length?: number; checksum?: number } | null;
  tcp?: { srcPort: number; dstPort: number; sequence?: number } | null;
  icmp?: { type: number; code?: number; checksum?: number; identifier?: number; sequence?: number } | null;
}
interface ErrorInit extends BaseInit {
  quoted?: QuotedDatagramInit;
  extensionLength?: number;
  extensions?: Uint8Array | null;
  unused?: number;
}
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
    case 3:
      return code === 4 ? 0x00ffffff : 0x00ff0000;
    case 11:
      return 0x00ff0000;
    case 12:
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
  const end = decodeSpan(buf, offset, length);
  const b = buf;
  const o = offset;
  const present = end - o;
  if (present < HEADER_LENGTH) {
    throw new DecodeError(`ICMP header needs 8 bytes, ${present} present`, o);
  }
  const truncated = opts.truncated === true;
  const type = b[o]!;
  const code = b[o + 1]!;
  const checksum = u16(b, o + FIELD.CHECKSUM);
  const checksumValid = truncated ? null : sum16(b, o, present) === 0xffff;
  const base: Base = { type, code, checksum, checksumValid, headerLength: HEADER_LENGTH };
  const bodyStart = o + HEADER_LENGTH;
  const kind = kindOf(type);
  switch (kind) {
    case 'echo-request':
    case 'echo-reply':
      // Spelled out rather than spread from `base`: this is the ping hot path.
      return {
        kind,
        type,
        code,
        checksum,
        checksumValid,
        headerLength: HEADER_LENGTH,
        identifier: u16(b, o + FIELD.IDENTIFIER),
        sequence: u16(b, o + FIELD.SEQUENCE),
        data: view(b, bodyStart, end - bodyStart),
      };
    case 'timestamp-request':
    case 'timestamp-reply':
      if (present < 20) {
        throw new DecodeError(`ICMP timestamp message needs 20 bytes, ${present} present`, o, { kind, ...base });
      }
      return {
        kind,
        ...base,
        identifier: u16(b, o + FIELD.IDENTIFIER),
        sequence: u16(b, o + FIELD.SEQUENCE),
        originate: u32(b, o + 8),
        receive: u32(b, o + 12),
        transmit: u32(b, o + 16),
        data: view(b, o + 20, end - o - 20),
      };
    case 'unknown':
      return { kind, ...base, restOfHeader: view(b, o + 4, 4), data: view(b, bodyStart, end - bodyStart) };
    default:
      break;
  }

  // An error message: read the rest-of-header fields, then the quoted datagram.
  const rest = u32(b, o + FIELD.REST);
  const unused = (rest & ~namedMask(type, code)) >>> 0;
  let message: Record<string, unknown>;
  let quotedEnd = end;
  let extensions: Buffer | null = null;
  if (kind === 'redirect') {
    message = { kind, ...base, gateway: readIpv4(b, o + FIELD.GATEWAY) };
  } else if (kind === 'source-quench') {
    message = { kind, ...base, unused };
  } else {
    const extensionLength = b[o + FIELD.LENGTH]!;
    let extensionLengthValid = true;
    if (extensionLength !== 0) {
      const claimed = bodyStart + extensionLength * 4;
      if (claimed <= end) {
        quotedEnd = claimed;
        extensions = view(b, claimed, end - claimed);
      } else if (!truncated) {
        // More words than the message holds. RFC 4884 section 5: read it as a message without
        // an extension structure (length 0): everything after the header is the original
        // datagram, as tshark reads it. The byte stays in extensionLength, so encode gives it back.
        extensionLengthValid = false;
      }
    }
    message =
      kind === 'destination-unreachable'
        ? { kind, ...base, nextHopMtu: code === 4 ? u16(b, o + FIELD.NEXT_HOP_MTU) : null, extensionLength, extensionLengthValid, unused }
        : kind === 'parameter-problem'
          ? { kind, ...base, pointer: b[o + FIELD.POINTER]!, extensionLength, extensionLengthValid, unused }
          : { kind, ...base, extensionLength, extensionLengthValid, unused };
    message.extensions = extensions;
  }
  message.quoted = decodeQuoted(b, bodyStart, quotedEnd, message);
  return message as unknown as IcmpErrorMessage;
}

function decodeQuoted(b: Uint8Array, start: number, end: number, message: unknown): QuotedDatagram {
  let ip: ipv4.Ipv4Header;
  try {
    ip = ipv4.decode(b, start, end - start);
  } catch (e) {
    if (e instanceof DecodeError) {
      const err = new DecodeError(`quoted ${e.reason}`, e.offset, message);
      (message as { quoted: unknown }).quoted = { ip: e.partial, payload: null, udp: null, tcp: null, icmp: null };
      throw err;
    }
    throw e;
  }
  const p = start + ip.headerLength;
  const payload = view(b, p, end - p);
  const first8 = end - p >= 8 && ip.fragmentOffset === 0;
  return {
    ip,
    payload,
    udp:
      first8 && ip.protocol === 17
        ? { srcPort: u16(b, p), dstPort: u16(b, p + 2), length: u16(b, p + 4), checksum: u16(b, p + 6) }
        : null,
    tcp: first8 && ip.protocol === 6 ? { srcPort: u16(b, p), dstPort: u16(b, p + 2), sequence: u32(b, p + 4) } : null,
    icmp:
      first8 && ip.protocol === 1
        ? { type: b[p]!, code: b[p + 1]!, checksum: u16(b, p + 2), identifier: u16(b, p + 4), sequence: u16(b, p + 6) }
        : null,
  };
}

// ---- encode -------------------------------------------------------------------------------------

function checkKind(init: IcmpMessageInit): number {
  if (init === null || typeof init !== 'object') {
    throw new EncodeError('icmp', init, `${showValue(init)} is not an ICMP message object`, 'an object');
  }
  if (init.kind === 'unknown') return checkUint(init.type, 255, 'type');
  const expected = (KIND_TYPE as Record<string, number>)[init.kind as string];
  if (expected === undefined) {
    throw new EncodeError(
      'kind',
      init.kind,
      `${showValue(init.kind)} is not an ICMP kind (allowed ${[...Object.keys(KIND_TYPE), 'unknown'].join(', ')})`,
      'ICMP kind',
    );
  }
  if (init.type !== undefined && init.type !== expected) {
    throw new EncodeError(
      'type',
      init.type,
      `${showValue(init.type)} does not match kind ${init.kind} (type ${expected}); use kind "unknown" for other types`,
      String(expected),
    );
  }
  return expected;
}

/** Length of the quoted payload the init describes. */
function quotedPayloadLength(q: QuotedDatagramInit): number {
  if (q.payload !== undefined) return checkBytes(q.payload, 'quoted.payload').length;
  const given = (q.udp ? 1 : 0) + (q.tcp ? 1 : 0) + (q.icmp ? 1 : 0);
  if (given > 1) {
    throw new EncodeError('quoted', q, 'give at most one of udp, tcp, icmp (or payload bytes)', 'one of udp, tcp, icmp');
  }
  return given === 1 ? 8 : 0;
}

function quotedLength(q: QuotedDatagramInit | undefined): number {
  if (q === undefined) return 0;
  if (q === null || typeof q !== 'object') {
    throw new EncodeError('quoted', q, `${showValue(q)} is not a quoted datagram object {ip, payload}`, 'an object');
  }
  let ipLength: number;
  try {
    ipLength = ipv4.encodingLength(q.ip);
  } catch (e) {
    throw e instanceof EncodeError ? e.under('quoted.ip') : e;
  }
  return ipLength + quotedPayloadLength(q);
}

function hasExtensions(init: object): boolean {
  const e = (init as { extensions?: unknown }).extensions;
  return e !== undefined && e !== null;
}

/** Length of the quoted-datagram field: the quoted bytes, padded as RFC 4884 asks. */
function quotedFieldLength(init: { quoted?: QuotedDatagramInit; extensionLength?: number; extensions?: Uint8Array | null }): number {
  const q = quotedLength(init.quoted);
  // Padding only matters when extensions follow: it is what puts them where the length says.
  // Without extensions the quoted bytes are written as they are (a snaplen-cut message keeps
  // its length field but not the bytes it promised).
  if (!hasExtensions(init)) return q;
  let field = (q + 3) & ~3;
  if (init.extensionLength !== undefined) {
    field = Math.max(field, checkUint(init.extensionLength, 255, 'extensionLength') * 4);
  }
  return field;
}

/** Bytes the init's own body takes (undefined = the init describes no body). */
function initBodyLength(init: IcmpMessageInit): number | undefined {
  switch (init.kind) {
    case 'echo-request':
    case 'echo-reply':
    case 'unknown':
      return init.data === undefined ? undefined : checkBytes(init.data, 'data').length;
    case 'timestamp-request':
    case 'timestamp-reply':
      if (init.originate === undefined && init.receive === undefined && init.transmit === undefined && init.data === undefined) {
        return undefined;
      }
      return 12 + (init.data === undefined ? 0 : checkBytes(init.data, 'data').length);
    case 'redirect':
    case 'source-quench':
      return init.quoted === undefined ? undefined : quotedLength(init.quoted);
    default: {
      if (init.quoted === undefined && !hasExtensions(init)) return undefined;
      const ext = hasExtensions(init) ? checkBytes(init.extensions, 'extensions').length : 0;
      return quotedFieldLength(init) + ext;
    }
  }
}

/** Default body when neither the init nor a body override gives one. */
function defaultBodyLength(init: IcmpMessageInit): number {
  return init.kind === 'timestamp-request' || init.kind === 'timestamp-reply' ? 12 : 0;
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
  const fixLengths = opts.fixLengths ?? true;
  const computeChecksums = opts.computeChecksums ?? true;
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
  b[o] = type;
  b[o + 1] = code;
  if (init.kind === 'unknown' && init.restOfHeader !== undefined) b.set(init.restOfHeader, o + 4);
  else put32(b, o + 4, rest);
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
  const lengthOf = (i: ErrorInit): number => {
    if (i.extensionLength !== undefined) return checkUint(i.extensionLength, 255, 'extensionLength');
    if (!fixLengths || !hasExtensions(i)) return 0;
    const words = quotedFieldLength(i) / 4;
    if (words > 255) {
      throw new EncodeError('extensionLength', words, `the quoted datagram is ${words} words; the length byte holds at most 255`, '0-255');
    }
    return words;
  };
  switch (init.kind) {
    case 'echo-request':
    case 'echo-reply':
    case 'timestamp-request':
    case 'timestamp-reply': {
      const id = init.identifier === undefined ? 0 : checkUint(init.identifier, 0xffff, 'identifier');
      const seq = init.sequence === undefined ? 0 : checkUint(init.sequence, 0xffff, 'sequence');
      return ((id << 16) | seq) >>> 0;
    }
    case 'destination-unreachable': {
      const mask = namedMask(3, code);
      let mtu = 0;
      if (init.nextHopMtu !== undefined && init.nextHopMtu !== null) {
        if (code !== 4) {
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
      return (unusedOf(namedMask(11, code)) | (lengthOf(init) << 16)) >>> 0;
    case 'parameter-problem': {
      const pointer = init.pointer === undefined ? 0 : checkUint(init.pointer, 255, 'pointer');
      return ((pointer << 24) | unusedOf(namedMask(12, code)) | (lengthOf(init) << 16)) >>> 0;
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
  switch (init.kind) {
    case 'echo-request':
    case 'echo-reply':
    case 'unknown':
      if (init.data !== undefined) b.set(init.data, o);
      return;
    case 'timestamp-request':
    case 'timestamp-reply':
      put32(b, o, init.originate === undefined ? 0 : checkUint(init.originate, 0xffffffff, 'originate'));
      put32(b, o + 4, init.receive === undefined ? 0 : checkUint(init.receive, 0xffffffff, 'receive'));
      put32(b, o + 8, init.transmit === undefined ? 0 : checkUint(init.transmit, 0xffffffff, 'transmit'));
      if (init.data !== undefined) b.set(init.data, o + 12);
      return;
    case 'redirect':
    case 'source-quench':
      if (init.quoted !== undefined) writeQuoted(init.quoted, b, o, fixLengths, computeChecksums);
      return;
    default: {
      const written = init.quoted === undefined ? 0 : writeQuoted(init.quoted, b, o, fixLengths, computeChecksums);
      const field = quotedFieldLength(init);
      b.fill(0, o + written, o + field);
      if (hasExtensions(init)) b.set(init.extensions!, o + field);
    }
  }
}

function writeQuoted(q: QuotedDatagramInit, b: Uint8Array, o: number, fixLengths: boolean, computeChecksums: boolean): number {
  const payloadLength = quotedPayloadLength(q);
  let ipBytes: Buffer;
  try {
    ipBytes = ipv4.encode(q.ip, b, o, { payloadLength, fixLengths, computeChecksums });
  } catch (e) {
    throw e instanceof EncodeError ? e.under('quoted.ip') : e;
  }
  const p = o + ipBytes.length;
  if (q.payload !== undefined) {
    b.set(q.payload, p);
    checkSummaries(q, q.payload);
  } else if (q.udp) {
    put16(b, p, checkUint(q.udp.srcPort, 0xffff, 'quoted.udp.srcPort'));
    put16(b, p + 2, checkUint(q.udp.dstPort, 0xffff, 'quoted.udp.dstPort'));
    put16(b, p + 4, q.udp.length === undefined ? (fixLengths ? 8 : 0) : checkUint(q.udp.length, 0xffff, 'quoted.udp.length'));
    put16(b, p + 6, q.udp.checksum === undefined ? 0 : checkUint(q.udp.checksum, 0xffff, 'quoted.udp.checksum'));
  } else if (q.tcp) {
    put16(b, p, checkUint(q.tcp.srcPort, 0xffff, 'quoted.tcp.srcPort'));
    put16(b, p + 2, checkUint(q.tcp.dstPort, 0xffff, 'quoted.tcp.dstPort'));
    put32(b, p + 4, q.tcp.sequence === undefined ? 0 : checkUint(q.tcp.sequence, 0xffffffff, 'quoted.tcp.sequence'));
  } else if (q.icmp) {
    b[p] = checkUint(q.icmp.type, 255, 'quoted.icmp.type');
    b[p + 1] = q.icmp.code === undefined ? 0 : checkUint(q.icmp.code, 255, 'quoted.icmp.code');
    put16(b, p + 2, q.icmp.checksum === undefined ? 0 : checkUint(q.icmp.checksum, 0xffff, 'quoted.icmp.checksum'));
    put16(b, p + 4, q.icmp.identifier === undefined ? 0 : checkUint(q.icmp.identifier, 0xffff, 'quoted.icmp.identifier'));
    put16(b, p + 6, q.icmp.sequence === undefined ? 0 : checkUint(q.icmp.sequence, 0xffff, 'quoted.icmp.sequence'));
  }
  return ipBytes.length + payloadLength;
}

/** When both payload bytes and a udp/tcp/icmp summary are given, every given field must match. */
function checkSummaries(q: QuotedDatagramInit, payload: Uint8Array): void {
  const fields: [string, Record<string, number | undefined> | null | undefined, Record<string, (p: Uint8Array) => number>][] = [
    ['udp', q.udp, { srcPort: (p) => u16(p, 0), dstPort: (p) => u16(p, 2), length: (p) => u16(p, 4), checksum: (p) => u16(p, 6) }],
    ['tcp', q.tcp, { srcPort: (p) => u16(p, 0), dstPort: (p) => u16(p, 2), sequence: (p) => u32(p, 4) }],
    [
      'icmp',
      q.icmp,
      {
        type: (p) => p[0]!,
        code: (p) => p[1]!,
        checksum: (p) => u16(p, 2),
        identifier: (p) => u16(p, 4),
        sequence: (p) => u16(p, 6),
      },
    ],
  ];
  for (const [name, summary, readers] of fields) {
    if (!summary) continue;
    for (const [key, read] of Object.entries(readers)) {
      const want = summary[key];
      if (want === undefined) continue;
      const have = payload.length >= 8 ? read(payload) : undefined;
      if (have !== want) {
        throw new EncodeError(
          `quoted.${name}.${key}`,
          want,
          `${showValue(want)} disagrees with quoted.payload (${have === undefined ? `only ${payload.length} bytes` : have}); give one of them`,
          have === undefined ? 'payload of 8+ bytes' : String(have),
        );
      }
    }
  }
}
