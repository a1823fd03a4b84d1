// IPv6 extension headers (RFC 8200 section 4), one at a time; ipv6-chain.ts walks and builds
// the chain they form.
//
//   Hop-by-Hop (0), Destination Options (60)      RFC 8200 4.3, 4.6
//     | Next Header | Hdr Ext Len |  Options (ipv6-options.ts) ...     length (Hdr Ext Len + 1) * 8
//   Routing (43)                                   RFC 8200 4.4
//     | Next Header | Hdr Ext Len | Routing Type | Segments Left | type data (ipv6-routing.ts)
//   Fragment (44)                                  RFC 8200 4.5, always 8 bytes
//     | Next Header |  Reserved   | Fragment Offset (13) |Res|M|  Identification (32) |
//   Authentication Header (51)                     RFC 4302 2: length (Payload Len + 2) * 4
//     | Next Header | Payload Len |  Reserved (16)  | SPI (32) | Sequence (32) | ICV ...
//   ESP (50)                                       RFC 4303 2: SPI (32) | Sequence (32) | opaque
//     Everything after the sequence number is encrypted, the next header included: the chain
//     ends here and the rest of the packet is its payload.
//
// Wire values keep their RFC names (headerExtLength in 8-byte units less one, AH payloadLength
// in 4-byte units less two, fragmentOffset in 8-byte units); headerLength is always bytes.

import { decodeSpan, encodeTarget, put16, put32, u16, u32, view } from './bytes.js';
import { checkInitObject, checkBool, checkBytes, checkUint, DecodeError, decodePart, EncodeError, showValue } from './errors.js';
import { at, layout } from './tables.js';
import {
  decodeOptions,
  encodeOptions,
  optionsLength,
  paddingFor,
  type Ipv6Option,
  type Ipv6OptionInit,
} from './ipv6-options.js';
import {
  decodeRoutingData,
  defaultSegmentsLeft,
  encodeRoutingData,
  routingDataLength,
  type RoutingData,
  type RoutingDataInit,
} from './ipv6-routing.js';

/** Next Header values that start an extension header we walk, by kind. */
export const EXTENSION_TYPE = {
  'hop-by-hop': 0,
  routing: 43,
  fragment: 44,
  esp: 50,
  ah: 51,
  'destination-options': 60,
} as const;

export type Ipv6ExtensionKind = keyof typeof EXTENSION_TYPE;

const TYPE_KIND: Record<number, Ipv6ExtensionKind> = {
  0: 'hop-by-hop',
  43: 'routing',
  44: 'fragment',
  50: 'esp',
  51: 'ah',
  60: 'destination-options',
};

/** The extension kind a Next Header value starts, or null for an upper layer (or 59, No Next Header). */
export function extensionKindOf(nextHeader: number): Ipv6ExtensionKind | null {
  return TYPE_KIND[nextHeader] ?? null;
}

/** Byte offsets shared by the headers that start with Next Header and a length. */
export const FIELD = {
  ...layout([['NEXT_HEADER', 1], ['LENGTH', 1]]),
  ...at(2, [['ROUTING_TYPE', 1], ['SEGMENTS_LEFT', 1]]), // routing (RFC 8200 section 4.4)
  ...at(2, [['FRAGMENT_OFFSET', 2], ['IDENTIFICATION', 4]]), // fragment (section 4.5)
  ...at(2, [['AH_RESERVED', 2]], [['AH_SPI', 4]], [['AH_SEQUENCE', 4]], [['AH_ICV', 0]]), // AH (RFC 4302)
  ...layout([['ESP_SPI', 4]], [['ESP_SEQUENCE', 4]]), // ESP (RFC 4303): no Next Header in front
};

export const FRAGMENT_HEADER_LENGTH = 8;
export const ESP_HEADER_LENGTH = 8;
const MIN_LENGTH = 8;
const AH_MIN_LENGTH = 12;

// ---- decoded shapes -------------------------------------------------------------------------------

export interface OptionsHeader {
  kind: 'hop-by-hop' | 'destination-options';
  nextHeader: number;
  /** Length in 8-byte units, not counting the first 8, as on the wire. */
  headerExtLength: number;
  /** Bytes: (headerExtLength + 1) * 8. */
  headerLength: number;
  options: Ipv6Option[];
}
export interface RoutingHeader extends RoutingData {
  kind: 'routing';
  nextHeader: number;
  headerExtLength: number;
  headerLength: number;
  routingType: number;
  segmentsLeft: number;
}
export interface FragmentHeader {
  kind: 'fragment';
  nextHeader: number;
  /** The byte after Next Header (0 from a conforming sender). */
  reserved: number;
  /** In 8-byte units, as on the wire. */
  fragmentOffset: number;
  /** fragmentOffset * 8. */
  fragmentOffsetBytes: number;
  /** The two reserved bits before M. */
  res: number;
  /** More fragments follow. */
  mf: boolean;
  identification: number;
  headerLength: number;
}
export interface AuthenticationHeader {
  kind: 'ah';
  nextHeader: number;
  /** Length in 4-byte units minus 2, as on the wire. */
  payloadLength: number;
  /** Bytes: (payloadLength + 2) * 4. */
  headerLength: number;
  reserved: number;
  spi: number;
  sequence: number;
  /** Integrity check value (and any padding), raw. */
  icv: Buffer;
}
export interface EspHeader {
  kind: 'esp';
  /** Encrypted with the payload: null. */
  nextHeader: null;
  spi: number;
  sequence: number;
  /** Always 8; the encrypted rest is the packet's payload. */
  headerLength: number;
}

export type Ipv6Extension = OptionsHeader | RoutingHeader | FragmentHeader | AuthenticationHeader | EspHeader;

// ---- what encode takes ------------------------------------------------------------------------------

/** nextHeader is filled in by the chain (ipv6-chain.ts) when absent. */
export type Ipv6ExtensionInit =
  | { kind: 'hop-by-hop' | 'destination-options'; nextHeader?: number; headerExtLength?: number; options?: readonly Ipv6OptionInit[] }
  | (RoutingDataInit & { kind: 'routing'; nextHeader?: number; headerExtLength?: number; routingType: number; segmentsLeft?: number })
  | {
      kind: 'fragment';
      nextHeader?: number;
      reserved?: number;
      fragmentOffset?: number;
      res?: number;
      mf?: boolean;
      identification?: number;
    }
  | { kind: 'ah'; nextHeader?: number; payloadLength?: number; reserved?: number; spi?: number; sequence?: number; icv?: Uint8Array }
  | { kind: 'esp'; nextHeader?: null; spi?: number; sequence?: number };

export interface ExtensionEncodeOptions {
  /** Compute length fields and pad to 8 bytes when absent (default true); off writes 0 and no padding. */
  fixLengths?: boolean;
  /** Next Header to write when init.nextHeader is absent. */
  nextHeader?: number;
  /** Prefix for error field names, e.g. "extensions[1]". */
  field?: string;
}

// ---- decode -------------------------------------------------------------------------------------

/**
 * Bytes the extension header of type `nextHeader` at b[o] says it takes (its minimum while its
 * length byte is not among the `present` bytes). For walkers that stop at a cut header.
 */
export function claimedLength(b: Uint8Array, o: number, present: number, nextHeader: number): number {
  const kind = extensionKindOf(nextHeader);
  if (kind === 'fragment' || kind === 'esp') return 8;
  if (kind === 'ah') return present < 2 ? AH_MIN_LENGTH : Math.max(AH_MIN_LENGTH, (b[o + 1]! + 2) * 4);
  return present < 2 ? MIN_LENGTH : (b[o + 1]! + 1) * 8;
}

const NAME: Record<Ipv6ExtensionKind, string> = {
  'hop-by-hop': 'Hop-by-Hop Options',
  routing: 'Routing',
  fragment: 'Fragment',
  esp: 'ESP',
  ah: 'Authentication',
  'destination-options': 'Destination Options',
};

/**
 * Decodes the extension header of type `nextHeader` (the previous header's Next Header) at
 * buf[offset, offset + length). Throws DecodeError when the header is not all present or is
 * malformed; `partial` holds what was read (an options header with the options before a bad one).
 */
export function decode(buf: Uint8Array, offset: number, length: number | undefined, nextHeader: number): Ipv6Extension {
  const end = decodeSpan(buf, offset, length);
  const b = buf;
  const o = offset;
  const present = end - o;
  const kind = extensionKindOf(nextHeader);
  if (kind === null) throw new DecodeError(`Next Header ${nextHeader} is not an IPv6 extension header`, o);
  const min = kind === 'ah' ? AH_MIN_LENGTH : MIN_LENGTH;
  if (present < min) {
    throw new DecodeError(`IPv6 ${NAME[kind]} header needs ${min} bytes, ${present} present`, o);
  }
  switch (kind) {
    case 'fragment': {
      const word = u16(b, o + FIELD.FRAGMENT_OFFSET);
      return {
        kind,
        nextHeader: b[o]!,
        reserved: b[o + 1]!,
        fragmentOffset: word >>> 3,
        fragmentOffsetBytes: (word >>> 3) * 8,
        res: (word >>> 1) & 3,
        mf: (word & 1) !== 0,
        identification: u32(b, o + FIELD.IDENTIFICATION),
        headerLength: FRAGMENT_HEADER_LENGTH,
      };
    }
    case 'esp':
      return { kind, nextHeader: null, spi: u32(b, o), sequence: u32(b, o + 4), headerLength: ESP_HEADER_LENGTH };
    case 'ah':
      return decodeAh(b, o, present);
    default:
      break;
  }
  const headerExtLength = b[o + FIELD.LENGTH]!;
  const headerLength = (headerExtLength + 1) * 8;
  if (headerLength > present) {
    throw new DecodeError(
      `IPv6 ${NAME[kind]} header needs ${headerLength} bytes (header ext length ${headerExtLength}), ${present} present`,
      o,
      { kind, nextHeader: b[o]!, headerExtLength, headerLength },
    );
  }
  if (kind === 'routing') {
    const routingType = b[o + FIELD.ROUTING_TYPE]!;
    return {
      kind,
      nextHeader: b[o]!,
      headerExtLength,
      headerLength,
      routingType,
      segmentsLeft: b[o + FIELD.SEGMENTS_LEFT]!,
      ...decodeRoutingData(b, o, headerLength, routingType),
    };
  }
  const header: OptionsHeader = { kind, nextHeader: b[o]!, headerExtLength, headerLength, options: [] };
  decodePart(header, 'options', () => decodeOptions(b, o + 2, o + headerLength));
  return header;
}

function decodeAh(b: Uint8Array, o: number, present: number): AuthenticationHeader {
  const payloadLength = b[o + FIELD.LENGTH]!;
  const headerLength = (payloadLength + 2) * 4;
  const partial = { kind: 'ah', nextHeader: b[o]!, payloadLength, headerLength };
  if (headerLength < AH_MIN_LENGTH) {
    throw new DecodeError(`IPv6 Authentication header payload length ${payloadLength} (${headerLength} bytes) is less than the 12-byte minimum`, o + FIELD.LENGTH, partial);
  }
  if (headerLength > present) {
    throw new DecodeError(`IPv6 Authentication header needs ${headerLength} bytes (payload length ${payloadLength}), ${present} present`, o, partial);
  }
  return {
    kind: 'ah',
    nextHeader: b[o]!,
    payloadLength,
    headerLength,
    reserved: u16(b, o + FIELD.AH_RESERVED),
    spi: u32(b, o + FIELD.AH_SPI),
    sequence: u32(b, o + FIELD.AH_SEQUENCE),
    icv: view(b, o + FIELD.AH_ICV, headerLength - AH_MIN_LENGTH),
  };
}

// ---- encode -------------------------------------------------------------------------------------

function kindOfInit(init: Ipv6ExtensionInit, field: string): Ipv6ExtensionKind {
  checkInitObject(init, field, 'an extension header object {kind, ...}');
  if (!(init.kind in EXTENSION_TYPE)) {
    throw new EncodeError(`${field}.kind`, init.kind, `${showValue(init.kind)} is not an IPv6 extension header kind (allowed ${Object.keys(EXTENSION_TYPE).join(', ')})`, 'extension kind');
  }
  return init.kind;
}

/** Bytes before padding, and the length field's unit and overhead, per kind. */
function contentLength(init: Ipv6ExtensionInit, field: string): number {
  switch (init.kind) {
    case 'hop-by-hop':
    case 'destination-options':
      return 2 + optionsLength(init.options, `${field}.options`);
    case 'routing':
      return 4 + routingDataLength(init, checkUint(init.routingType, 255, `${field}.routingType`), field);
    case 'fragment':
      return FRAGMENT_HEADER_LENGTH;
    case 'ah':
      return AH_MIN_LENGTH + (init.icv === undefined ? 0 : checkBytes(init.icv, `${field}.icv`).length);
    case 'esp':
      return ESP_HEADER_LENGTH;
  }
}

/** The length the init's own length field asks for, in bytes, or undefined. */
function givenLength(init: Ipv6ExtensionInit, field: string): number | undefined {
  if (init.kind === 'ah') {
    return init.payloadLength === undefined ? undefined : (checkUint(init.payloadLength, 255, `${field}.payloadLength`) + 2) * 4;
  }
  if (init.kind === 'fragment' || init.kind === 'esp') return undefined;
  return init.headerExtLength === undefined ? undefined : (checkUint(init.headerExtLength, 255, `${field}.headerExtLength`) + 1) * 8;
}

/**
 * Bytes encode writes: the content, padded with zeros up to the length the init's own length
 * field gives when it gives one (a decoded header comes back byte for byte); else, with
 * fixLengths (default), padded to a multiple of 8 (RFC 8200 section 4); else as it is.
 */
export function encodingLength(init: Ipv6ExtensionInit, opts: Pick<ExtensionEncodeOptions, 'fixLengths' | 'field'> = {}): number {
  const field = opts.field ?? 'extension';
  kindOfInit(init, field);
  const content = contentLength(init, field);
  if (init.kind === 'fragment' || init.kind === 'esp') return content;
  const given = givenLength(init, field);
  if (given !== undefined) return Math.max(content, given);
  return opts.fixLengths === false ? content : content + paddingFor(content);
}

/**
 * Writes the header into `buf` at `offset` (or a new buffer) and returns it. Length fields the
 * caller gave are written as given (even when they do not describe the bytes written, to craft
 * a broken chain on purpose); absent ones are computed (fixLengths) or written as 0.
 */
export function encode(init: Ipv6ExtensionInit, buf?: Uint8Array, offset = 0, opts: ExtensionEncodeOptions = {}): Buffer {
  const field = opts.field ?? 'extension';
  const kind = kindOfInit(init, field);
  const fixLengths = opts.fixLengths ?? true;
  const total = encodingLength(init, { fixLengths, field });
  const content = contentLength(init, field);
  const nextHeader = kind === 'esp' ? null : checkUint(init.nextHeader ?? opts.nextHeader, 255, `${field}.nextHeader`);
  const b = encodeTarget(buf, offset, total);
  const o = offset;
  if (nextHeader !== null) b[o] = nextHeader;
  switch (init.kind) {
    case 'fragment':
      writeFragment(init, b, o, field);
      break;
    case 'esp':
      put32(b, o, init.spi === undefined ? 0 : checkUint(init.spi, 0xffffffff, `${field}.spi`));
      put32(b, o + 4, init.sequence === undefined ? 0 : checkUint(init.sequence, 0xffffffff, `${field}.sequence`));
      break;
    case 'ah': {
      b[o + 1] = lengthField(init, total, fixLengths, field);
      put16(b, o + FIELD.AH_RESERVED, init.reserved === undefined ? 0 : checkUint(init.reserved, 0xffff, `${field}.reserved`));
      put32(b, o + FIELD.AH_SPI, init.spi === undefined ? 0 : checkUint(init.spi, 0xffffffff, `${field}.spi`));
      put32(b, o + FIELD.AH_SEQUENCE, init.sequence === undefined ? 0 : checkUint(init.sequence, 0xffffffff, `${field}.sequence`));
      if (init.icv !== undefined) b.set(init.icv, o + FIELD.AH_ICV);
      b.fill(0, o + content, o + total);
      break;
    }
    case 'routing': {
      const routingType = checkUint(init.routingType, 255, `${field}.routingType`);
      b[o + 1] = lengthField(init, total, fixLengths, field);
      b[o + FIELD.ROUTING_TYPE] = routingType;
      b[o + FIELD.SEGMENTS_LEFT] =
        init.segmentsLeft === undefined ? Math.min(255, defaultSegmentsLeft(init, routingType)) : checkUint(init.segmentsLeft, 255, `${field}.segmentsLeft`);
      encodeRoutingData(init, routingType, b, o + 4, field);
      b.fill(0, o + content, o + total);
      break;
    }
    default:
      b[o + 1] = lengthField(init, total, fixLengths, field);
      encodeOptions(init.options, b, o + 2, total - content, `${field}.options`);
  }
  return view(b, o, total);
}

/** The length byte: as given, else computed from the bytes written (fixLengths), else 0. */
function lengthField(init: Ipv6ExtensionInit, total: number, fixLengths: boolean, field: string): number {
  const ah = init.kind === 'ah';
  const name = ah ? 'payloadLength' : 'headerExtLength';
  const given = (init as { payloadLength?: number; headerExtLength?: number })[name];
  if (given !== undefined) return checkUint(given, 255, `${field}.${name}`);
  if (!fixLengths) return 0;
  const value = ah ? total / 4 - 2 : total / 8 - 1;
  if (value > 255) {
    throw new EncodeError(`${field}.${name}`, value, `${total} bytes do not fit the length byte (at most ${ah ? 1028 : 2048} bytes)`, '0-255');
  }
  return value;
}

function writeFragment(init: Extract<Ipv6ExtensionInit, { kind: 'fragment' }>, b: Uint8Array, o: number, field: string): void {
  b[o + 1] = init.reserved === undefined ? 0 : checkUint(init.reserved, 255, `${field}.reserved`);
  const offset = init.fragmentOffset === undefined ? 0 : checkUint(init.fragmentOffset, 0x1fff, `${field}.fragmentOffset`);
  const res = init.res === undefined ? 0 : checkUint(init.res, 3, `${field}.res`);
  const mf = init.mf === undefined ? false : checkBool(init.mf, `${field}.mf`);
  put16(b, o + FIELD.FRAGMENT_OFFSET, (offset << 3) | (res << 1) | (mf ? 1 : 0));
  put32(b, o + FIELD.IDENTIFICATION, init.identification === undefined ? 0 : checkUint(init.identification, 0xffffffff, `${field}.identification`));
}
