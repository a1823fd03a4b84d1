// IPv4 header (RFC 791 section 3.1; DSCP RFC 2474, ECN RFC 3168).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Version|  IHL  |   DSCP    |ECN|          Total Length         |
//   |         Identification        |R|D|M|      Fragment Offset    |
//   |  Time to Live |    Protocol   |         Header Checksum       |
//   |                       Source Address                          |
//   |                    Destination Address                        |
//   |                    Options                    |    Padding    |
//
// decode reports `headerLength` (IHL * 4) as the bytes it consumed; the payload follows.
// encode writes the header only (options included, zero-padded to 32 bits) and returns it.

import { addressValue, presentBytes, encodeTarget, put16, put32, readIpv4, u16, view } from './bytes.js';
import { sum16, internetChecksum } from './checksum.js';
import { checkInitObject, encodeDefaults, checkBool, checkUint, DecodeError, decodePart, EncodeError, lengthField, showValue } from './errors.js';
import { dsFieldOf } from './dscp.js';
import { IP_PROTOCOL } from './ip-protocol.js';
import { layout } from './tables.js';
import {
  decodeOptions,
  encodeOptions,
  MAX_OPTIONS_LENGTH,
  optionsLength,
  type Ipv4Option,
  type Ipv4OptionInit,
} from './ipv4-options.js';

/** Byte offsets of the fixed header fields, one row per word of the drawing above. */
export const FIELD = layout(
  [['VER_IHL', 1], ['TOS', 1], ['TOTAL_LENGTH', 2]],
  [['ID', 2], ['FLAGS_FRAGMENT', 2]],
  [['TTL', 1], ['PROTOCOL', 1], ['CHECKSUM', 2]],
  [['SRC', 4]],
  [['DST', 4]],
  [['OPTIONS', 0]],
);

/** Size of the header without options. */
export const MIN_HEADER_LENGTH = 20;

/** The Protocol field's numbers: the registry IPv6's Next Header shares (ip-protocol.ts). */
export const PROTOCOL = IP_PROTOCOL;

/** ECN codepoints (RFC 3168 section 5). */
export const ECN = {
  NOT_ECT: 0,
  ECT1: 1,
  ECT0: 2,
  CE: 3,
} as const;

/** Bits of the 16-bit word at FLAGS_FRAGMENT, above the fragment offset. */
export const FLAG = {
  RESERVED: 0x8000,
  DF: 0x4000,
  MF: 0x2000,
} as const;

/** The fragment offset's bits in that word (in 8-byte units). */
export const FRAGMENT_OFFSET_MASK = 0x1fff;

/** The version nibble of the header at b[o]. */
export function versionOf(b: Uint8Array, o: number): number {
  return b[o]! >>> 4;
}

/** The header length in bytes (IHL * 4) of the header at b[o]. */
export function headerLengthOf(b: Uint8Array, o: number): number {
  return (b[o]! & 0x0f) << 2;
}

/** True when the datagram at b[o] is a fragment (more fragments follow, or it is not the first). */
export function isFragment(b: Uint8Array, o: number): boolean {
  return (u16(b, o + FIELD.FLAGS_FRAGMENT) & (FLAG.MF | FRAGMENT_OFFSET_MASK)) !== 0;
}

/** True when the datagram at b[o] is a first (or only) fragment: offset 0, the one that carries the transport header. */
export function isFirstFragment(b: Uint8Array, o: number): boolean {
  return (u16(b, o + FIELD.FLAGS_FRAGMENT) & FRAGMENT_OFFSET_MASK) === 0;
}

export interface Ipv4Flags {
  reserved: boolean;
  df: boolean;
  mf: boolean;
}

export interface Ipv4Header {
  version: number;
  /** Header length in 32-bit words, as on the wire. */
  ihl: number;
  /** Header length in bytes (ihl * 4): the bytes decode consumed. */
  headerLength: number;
  /** The whole second byte (DSCP << 2 | ECN). */
  tos: number;
  dscp: number;
  ecn: number;
  totalLength: number;
  id: number;
  flags: Ipv4Flags;
  /** In 8-byte units, as on the wire (multiply by 8 for bytes). */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  checksum: number;
  checksumValid: boolean;
  src: string;
  dst: string;
  options: Ipv4Option[];
}

/**
 * What encode takes. Only src, dst and protocol are required. ihl, totalLength and checksum are
 * computed when absent; when given they are written as given, right or wrong. Give `tos`, or
 * `dscp` and `ecn`; both is fine when they agree.
 */
export interface Ipv4HeaderInit {
  version?: number;
  ihl?: number;
  tos?: number;
  dscp?: number;
  ecn?: number;
  totalLength?: number;
  id?: number;
  flags?: Partial<Ipv4Flags>;
  fragmentOffset?: number;
  ttl?: number;
  protocol: number;
  checksum?: number;
  src: string | number;
  dst: string | number;
  options?: readonly Ipv4OptionInit[];
}

export interface Ipv4EncodeOptions {
  /** Bytes that will follow the header, for the computed totalLength. Default 0. */
  payloadLength?: number;
  /** Compute ihl and totalLength when absent (default true); off writes 0 for them. */
  fixLengths?: boolean;
  /** Compute the checksum when absent (default true); off writes 0. */
  computeChecksums?: boolean;
  /** Protocol to write when init.protocol is absent (encodePacket derives it from the transport). */
  protocol?: number;
}

// ---- decode -------------------------------------------------------------------------------------

/**
 * Decodes the header at buf[offset, offset + length). Throws DecodeError when fewer than 20
 * bytes (or fewer than IHL * 4) are present, the version is not 4, IHL is below 5, or an
 * option is malformed. totalLength is reported, not checked: it may describe more bytes than
 * are present (a quoted or truncated datagram); decodePacket decides what that means.
 */
export function decode(buf: Uint8Array, offset = 0, length?: number): Ipv4Header {
  const present = presentBytes(buf, offset, length, MIN_HEADER_LENGTH, 'IPv4');
  const b = buf;
  const o = offset;
  const version = b[o]! >>> 4;
  const ihl = b[o]! & 0x0f;
  const headerLength = ihl * 4;
  const tos = b[o + FIELD.TOS]!;
  const flagsFragment = u16(b, o + FIELD.FLAGS_FRAGMENT);
  const header: Ipv4Header = {
    version,
    ihl,
    headerLength,
    tos,
    dscp: tos >>> 2,
    ecn: tos & 3,
    totalLength: u16(b, o + FIELD.TOTAL_LENGTH),
    id: u16(b, o + FIELD.ID),
    flags: {
      reserved: (flagsFragment & FLAG.RESERVED) !== 0,
      df: (flagsFragment & FLAG.DF) !== 0,
      mf: (flagsFragment & FLAG.MF) !== 0,
    },
    fragmentOffset: flagsFragment & FRAGMENT_OFFSET_MASK,
    ttl: b[o + FIELD.TTL]!,
    protocol: b[o + FIELD.PROTOCOL]!,
    checksum: u16(b, o + FIELD.CHECKSUM),
    checksumValid: false,
    src: readIpv4(b, o + FIELD.SRC),
    dst: readIpv4(b, o + FIELD.DST),
    options: [],
  };
  if (version !== 4) {
    throw new DecodeError(`IP version is ${version}, expected 4`, o, header);
  }
  if (ihl < 5) {
    throw new DecodeError(`IPv4 IHL is ${ihl} (${headerLength} bytes), less than the 20-byte minimum`, o, header);
  }
  if (headerLength > present) {
    throw new DecodeError(`IPv4 header needs ${headerLength} bytes (IHL ${ihl}), ${present} present`, o, header);
  }
  // Before the options: a malformed option must not leave a right checksum reported wrong in
  // the DecodeError's partial header.
  header.checksumValid = sum16(b, o, headerLength) === 0xffff;
  if (headerLength > MIN_HEADER_LENGTH) decodePart(header, 'options', () => decodeOptions(b, o + MIN_HEADER_LENGTH, o + headerLength));
  return header;
}

// ---- encode -------------------------------------------------------------------------------------

function paddedOptionsLength(init: Ipv4HeaderInit): number {
  if (init.options !== undefined && !Array.isArray(init.options)) {
    throw new EncodeError('options', init.options, `${showValue(init.options)} is not an array of options`, 'an array');
  }
  const n = optionsLength(init.options);
  if (n > MAX_OPTIONS_LENGTH) {
    throw new EncodeError('options', n, `${n} bytes of options do not fit the 40 an IPv4 header can hold`, '0-40 bytes');
  }
  return (n + 3) & ~3;
}

/** Bytes encode will write: 20 plus the options padded to a multiple of 4. */
export function encodingLength(init: Ipv4HeaderInit): number {
  return MIN_HEADER_LENGTH + paddedOptionsLength(init);
}

/** The TOS byte an init describes; throws when tos and dscp/ecn disagree. */
export function tosOf(init: Pick<Ipv4HeaderInit, 'tos' | 'dscp' | 'ecn'>): number {
  return dsFieldOf('tos', init.tos, init.dscp, init.ecn);
}

/**
 * Writes the header into `buf` at `offset` (or a new buffer) and returns the bytes written.
 * Fields the caller gave are written as given; ihl, totalLength and checksum are computed when
 * absent (see Ipv4EncodeOptions). The checksum is computed last, over the header as written.
 */
export function encode(init: Ipv4HeaderInit, buf?: Uint8Array, offset = 0, opts: Ipv4EncodeOptions = {}): Buffer {
  checkInitObject(init, 'ip', 'an IPv4 header object');
  const { fixLengths, computeChecksums, payloadLength } = encodeDefaults(opts);
  const headerLength = encodingLength(init);

  // Validate the fixed fields before touching the buffer (a bad option value is only found while
  // writing, so after a failed encode the target may hold partial bytes).
  const version = init.version === undefined ? 4 : checkUint(init.version, 15, 'version');
  const ihl = init.ihl !== undefined ? checkUint(init.ihl, 15, 'ihl') : fixLengths ? headerLength >>> 2 : 0;
  const tos = tosOf(init);
  const totalLength = lengthField(init.totalLength, 'totalLength', fixLengths, headerLength + payloadLength);
  const id = init.id === undefined ? 0 : checkUint(init.id, 0xffff, 'id');
  const flags = init.flags ?? {};
  if (flags === null || typeof flags !== 'object') {
    throw new EncodeError('flags', flags, `${showValue(flags)} is not an object {reserved, df, mf}`, '{reserved, df, mf}');
  }
  const reserved = flags.reserved === undefined ? false : checkBool(flags.reserved, 'flags.reserved');
  const df = flags.df === undefined ? false : checkBool(flags.df, 'flags.df');
  const mf = flags.mf === undefined ? false : checkBool(flags.mf, 'flags.mf');
  const fragmentOffset = init.fragmentOffset === undefined ? 0 : checkUint(init.fragmentOffset, FRAGMENT_OFFSET_MASK, 'fragmentOffset');
  const ttl = init.ttl === undefined ? 64 : checkUint(init.ttl, 255, 'ttl');
  const protocol = checkUint(init.protocol ?? opts.protocol, 255, 'protocol');
  const checksum = init.checksum === undefined ? undefined : checkUint(init.checksum, 0xffff, 'checksum');
  const src = addressValue(init.src, 'src');
  const dst = addressValue(init.dst, 'dst');

  const b = encodeTarget(buf, offset, headerLength);
  const o = offset;
  // Options first: their validation errors leave the fixed header unwritten too.
  b.fill(0, o + MIN_HEADER_LENGTH, o + headerLength);
  if (init.options) encodeOptions(init.options, b, o + MIN_HEADER_LENGTH, fixLengths);
  b[o] = (version << 4) | ihl;
  b[o + FIELD.TOS] = tos;
  put16(b, o + FIELD.TOTAL_LENGTH, totalLength);
  put16(b, o + FIELD.ID, id);
  put16(
    b,
    o + FIELD.FLAGS_FRAGMENT,
    (reserved ? FLAG.RESERVED : 0) | (df ? FLAG.DF : 0) | (mf ? FLAG.MF : 0) | fragmentOffset,
  );
  b[o + FIELD.TTL] = ttl;
  b[o + FIELD.PROTOCOL] = protocol;
  put32(b, o + FIELD.SRC, src);
  put32(b, o + FIELD.DST, dst);
  put16(b, o + FIELD.CHECKSUM, 0);
  const sum = checksum !== undefined ? checksum : computeChecksums ? internetChecksum(b, o, headerLength) : 0;
  put16(b, o + FIELD.CHECKSUM, sum);
  return view(b, o, headerLength);
}
