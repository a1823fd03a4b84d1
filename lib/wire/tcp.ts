// TCP header (RFC 793 section 3.1; NS RFC 3540, CWR/ECE RFC 3168).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |          Source Port          |       Destination Port        |
//   |                        Sequence Number                        |
//   |                    Acknowledgment Number                      |
//   |  Data |Res  |N|C|E|U|A|P|R|S|F|                               |
//   | Offset|     |S|W|C|R|C|S|S|Y|I|            Window             |
//   |       |     | |R|E|G|K|H|T|N|N|                               |
//   |           Checksum            |         Urgent Pointer        |
//   |                    Options (raw bytes)                        |
//
// decode reports `headerLength` (data offset * 4) as the bytes it consumed. encode writes the
// header and its options; the checksum (pseudo-header: src, dst, zero, 6, TCP length) also
// covers the payloadLength bytes that must already follow the header in the buffer.

import { presentBytes, put16, put32, u16, u32, view } from './bytes.js';
import { sum16 } from './checksum.js';
import { checkInitObject, encodeDefaults, checkBool, checkBytes, checkUint, DecodeError, EncodeError, showValue } from './errors.js';
import { IP_PROTOCOL } from './ip-protocol.js';
import { layout } from './tables.js';
import { PORTS_ROW, transportTarget, hasPseudoHeader, pseudoSum, type TransportDecodeOptions, type TransportEncodeOptions } from './transport.js';

/** Byte offsets of the header fields, one row per word of the drawing above. */
export const FIELD = layout(
  PORTS_ROW,
  [['SEQUENCE', 4]],
  [['ACKNOWLEDGMENT', 4]],
  [['DATA_OFFSET', 1], ['FLAGS', 1], ['WINDOW', 2]],
  [['CHECKSUM', 2], ['URGENT_POINTER', 2]],
  [['OPTIONS', 0]],
);

export const MIN_HEADER_LENGTH = 20;
export const PROTOCOL_NUMBER = IP_PROTOCOL.TCP;

/**
 * The flags of the 16-bit word at offset 12, below the data offset, highest bit first (NS is
 * bit 8, FIN bit 0). The one list the flag bits, the decoded flags and the JSON shapes come from.
 */
export const FLAG_NAMES = ['ns', 'cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'syn', 'fin'] as const;
export type TcpFlagName = (typeof FLAG_NAMES)[number];

/** FLAG_NAMES[i]'s bit. */
const BIT: readonly number[] = FLAG_NAMES.map((_, i) => 1 << (FLAG_NAMES.length - 1 - i));

/** Each flag's bit in that word: FLAG.SYN = 0x02. */
export const FLAG = Object.freeze(Object.fromEntries(FLAG_NAMES.map((name, i) => [name.toUpperCase(), BIT[i]]))) as {
  readonly [K in Uppercase<TcpFlagName>]: number;
};

/** Option kinds (IANA), for callers reading the raw option bytes. */
export const OPTION_KIND = {
  END: 0,
  NOP: 1,
  MSS: 2,
  WINDOW_SCALE: 3,
  SACK_PERMITTED: 4,
  SACK: 5,
  TIMESTAMPS: 8,
} as const;

export type TcpFlags = Record<TcpFlagName, boolean>;

export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  sequence: number;
  acknowledgment: number;
  /** Header length in 32-bit words, as on the wire. */
  dataOffset: number;
  /** dataOffset * 4: the bytes decode consumed. */
  headerLength: number;
  /** The 3 reserved bits between data offset and NS. */
  reserved: number;
  flags: TcpFlags;
  window: number;
  checksum: number;
  /** null when unverifiable: segment cut (snaplen), a fragment, or no pseudo-header addresses. */
  checksumValid: boolean | null;
  urgentPointer: number;
  /** The option bytes, raw (between byte 20 and the data offset). */
  options: Buffer;
}

export interface TcpHeaderInit {
  srcPort: number;
  dstPort: number;
  sequence?: number;
  acknowledgment?: number;
  /** Computed from the options when absent (fixLengths). */
  dataOffset?: number;
  reserved?: number;
  flags?: Partial<TcpFlags>;
  window?: number;
  checksum?: number;
  urgentPointer?: number;
  /** Raw option bytes; zero-padded to a multiple of 4 when written. */
  options?: Uint8Array;
}

/** The options UDP's codec takes too (transport.ts). */
export type TcpDecodeOptions = TransportDecodeOptions;
export type TcpEncodeOptions = TransportEncodeOptions;

/** The flags set in the word at DATA_OFFSET. */
function flagsOf(word: number): TcpFlags {
  const flags = {} as TcpFlags;
  FLAG_NAMES.forEach((name, i) => (flags[name] = (word & BIT[i]!) !== 0));
  return flags;
}

/**
 * Decodes the header at buf[offset, offset + length), where the range is the whole segment as
 * far as it is present (the checksum covers all of it).
 */
export function decode(buf: Uint8Array, offset = 0, length?: number, opts: TcpDecodeOptions = {}): TcpHeader {
  const present = presentBytes(buf, offset, length, MIN_HEADER_LENGTH, 'TCP');
  const b = buf;
  const o = offset;
  const word = u16(b, o + FIELD.DATA_OFFSET);
  const dataOffset = word >>> 12;
  const headerLength = dataOffset * 4;
  const header: TcpHeader = {
    srcPort: u16(b, o + FIELD.SRC_PORT),
    dstPort: u16(b, o + FIELD.DST_PORT),
    sequence: u32(b, o + FIELD.SEQUENCE),
    acknowledgment: u32(b, o + FIELD.ACKNOWLEDGMENT),
    dataOffset,
    headerLength,
    reserved: (word >>> 9) & 7,
    flags: flagsOf(word),
    window: u16(b, o + FIELD.WINDOW),
    checksum: u16(b, o + FIELD.CHECKSUM),
    checksumValid: null,
    urgentPointer: u16(b, o + FIELD.URGENT_POINTER),
    options: view(b, o + MIN_HEADER_LENGTH, 0),
  };
  if (dataOffset < 5) {
    throw new DecodeError(`TCP data offset is ${dataOffset} (${headerLength} bytes), less than the 20-byte minimum`, o + FIELD.DATA_OFFSET, header);
  }
  if (headerLength > present) {
    throw new DecodeError(`TCP header needs ${headerLength} bytes (data offset ${dataOffset}), ${present} present`, o, header);
  }
  header.options = view(b, o + MIN_HEADER_LENGTH, headerLength - MIN_HEADER_LENGTH);
  if (!opts.truncated && hasPseudoHeader(opts)) {
    header.checksumValid = sum16(b, o, present, pseudoSum(opts, PROTOCOL_NUMBER, present)) === 0xffff;
  }
  return header;
}

function paddedOptions(init: TcpHeaderInit): number {
  if (init.options === undefined) return 0;
  const n = checkBytes(init.options, 'options', 40).length;
  return (n + 3) & ~3;
}

/** Bytes encode writes: 20 plus the options padded to a multiple of 4. */
export function encodingLength(init: TcpHeaderInit): number {
  return MIN_HEADER_LENGTH + paddedOptions(init);
}

/**
 * Writes the header (and options) into `buf` at `offset` (or a new buffer) and returns it.
 * Missing dataOffset is computed from the options (fixLengths) or written as 0; a missing
 * checksum is computed over pseudo-header, header and the payloadLength bytes that follow.
 */
export function encode(init: TcpHeaderInit, buf?: Uint8Array, offset = 0, opts: TcpEncodeOptions = {}): Buffer {
  checkInitObject(init, 'tcp', 'a TCP header object');
  const { fixLengths, computeChecksums, payloadLength } = encodeDefaults(opts);
  const headerLength = encodingLength(init);
  const srcPort = checkUint(init.srcPort, 0xffff, 'srcPort');
  const dstPort = checkUint(init.dstPort, 0xffff, 'dstPort');
  const sequence = init.sequence === undefined ? 0 : checkUint(init.sequence, 0xffffffff, 'sequence');
  const acknowledgment = init.acknowledgment === undefined ? 0 : checkUint(init.acknowledgment, 0xffffffff, 'acknowledgment');
  const dataOffset = init.dataOffset !== undefined ? checkUint(init.dataOffset, 15, 'dataOffset') : fixLengths ? headerLength >>> 2 : 0;
  const reserved = init.reserved === undefined ? 0 : checkUint(init.reserved, 7, 'reserved');
  const f = init.flags ?? {};
  if (f === null || typeof f !== 'object') {
    throw new EncodeError('flags', f, `${showValue(f)} is not an object of booleans {syn, ack, ...}`, '{ns, cwr, ece, urg, ack, psh, rst, syn, fin}');
  }
  let flags = 0;
  FLAG_NAMES.forEach((name, i) => {
    const v = f[name];
    if (v !== undefined && checkBool(v, `flags.${name}`)) flags |= BIT[i]!;
  });
  const window = init.window === undefined ? 0 : checkUint(init.window, 0xffff, 'window');
  const urgentPointer = init.urgentPointer === undefined ? 0 : checkUint(init.urgentPointer, 0xffff, 'urgentPointer');
  const given = init.checksum === undefined ? undefined : checkUint(init.checksum, 0xffff, 'checksum');
  const compute = given === undefined && computeChecksums;
  const b = transportTarget('TCP', compute, opts, buf, offset, headerLength, payloadLength, srcPort, dstPort);
  const o = offset;
  put32(b, o + FIELD.SEQUENCE, sequence);
  put32(b, o + FIELD.ACKNOWLEDGMENT, acknowledgment);
  put16(b, o + FIELD.DATA_OFFSET, (dataOffset << 12) | (reserved << 9) | flags);
  put16(b, o + FIELD.WINDOW, window);
  put16(b, o + FIELD.CHECKSUM, 0);
  put16(b, o + FIELD.URGENT_POINTER, urgentPointer);
  b.fill(0, o + MIN_HEADER_LENGTH, o + headerLength);
  if (init.options !== undefined) b.set(init.options, o + MIN_HEADER_LENGTH);
  let checksum = given ?? 0;
  if (compute) {
    const segment = headerLength + payloadLength;
    checksum = ~sum16(b, o, segment, pseudoSum(opts, PROTOCOL_NUMBER, segment)) & 0xffff;
  }
  put16(b, o + FIELD.CHECKSUM, checksum);
  return view(b, o, headerLength);
}
