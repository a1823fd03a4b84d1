// Neighbor Discovery options (RFC 4861 section 4.6): Type (8), Length (8, in units of 8 bytes,
// type and length included; 0 is invalid: section 4.6 says to discard the packet), data.
//
//   1, 2  source / target link-layer address   the address bytes (6 on Ethernet), zero-padded
//   3     prefix information                   length 4: prefix length, L A R flags, valid and
//                                              preferred lifetimes, reserved, prefix (RFC 4861
//                                              4.6.2; R from RFC 6275 7.2)
//   4     redirected header                    6 reserved bytes, then as much of the redirected
//                                              packet as fits (RFC 4861 4.6.3)
//   5     MTU                                  length 1: reserved (16), MTU (32) (RFC 4861 4.6.4)
//   14    nonce                                the nonce bytes (RFC 3971 5.3; Linux enhanced DAD, RFC 7527)
//   25    recursive DNS server                 reserved (16), lifetime (32), addresses (RFC 8106 5.1)
//
// A known option whose length does not fit its layout is kept as 'unknown', bytes intact.

import { parseHex } from './bytes.js';
import { put16, put32, u16, u32, view } from './bytes.js';
import { checkBool, checkBytes, checkUint, DecodeError, EncodeError, parseField, showValue, typeOfKind } from './errors.js';
import { address6Value, formatIpv6 } from './ipv6-address.js';
import { decodeQuoted6, type QuotedDatagram6 } from './icmpv6-quoted.js';

export const ND_OPTION = {
  SOURCE_LINK_LAYER_ADDRESS: 1,
  TARGET_LINK_LAYER_ADDRESS: 2,
  PREFIX_INFORMATION: 3,
  REDIRECTED_HEADER: 4,
  MTU: 5,
  NONCE: 14,
  ROUTE_INFORMATION: 24,
  RDNSS: 25,
  DNSSL: 31,
} as const;

const PREFIX_L = 0x80;
const PREFIX_A = 0x40;
const PREFIX_R = 0x20;

export interface LinkLayerAddressOption {
  kind: 'source-link-layer-address' | 'target-link-layer-address';
  type: 1 | 2;
  length: number;
  /** Every byte after type and length, colon-separated hex: "52:54:00:12:34:56" on Ethernet. */
  address: string;
}
export interface PrefixInformationOption {
  kind: 'prefix-information';
  type: 3;
  length: number;
  prefixLength: number;
  onLink: boolean;
  autonomous: boolean;
  routerAddress: boolean;
  /** The 5 flag bits after L, A and R. */
  reserved1: number;
  validLifetime: number;
  preferredLifetime: number;
  reserved2: number;
  prefix: string;
}
export interface RedirectedHeaderOption {
  kind: 'redirected-header';
  type: 4;
  length: number;
  /** The 6 bytes after the length (zeros from a conforming sender). */
  reserved: Buffer;
  /** The redirected packet's bytes, as many as the option holds. */
  data: Buffer;
  /** Those bytes read as a quoted datagram, or null when they do not start with a whole IPv6 header. */
  quoted: QuotedDatagram6 | null;
}
export interface MtuOption {
  kind: 'mtu';
  type: 5;
  length: number;
  reserved: number;
  mtu: number;
}
export interface NonceOption {
  kind: 'nonce';
  type: 14;
  length: number;
  nonce: Buffer;
}
export interface RdnssOption {
  kind: 'rdnss';
  type: 25;
  length: number;
  reserved: number;
  /** Seconds; 0xffffffff = infinity. */
  lifetime: number;
  servers: string[];
}
export interface UnknownNdOption {
  kind: 'unknown';
  type: number;
  length: number;
  /** The bytes after type and length. */
  data: Buffer;
}

export type NdOption =
  | LinkLayerAddressOption
  | PrefixInformationOption
  | RedirectedHeaderOption
  | MtuOption
  | NonceOption
  | RdnssOption
  | UnknownNdOption;

// ---- decode -------------------------------------------------------------------------------------

/**
 * Decodes the options in b[start, end). Throws DecodeError at the length byte of an option whose
 * length is 0 or runs past `end` (partial: the options before it).
 */
export function decodeNdOptions(b: Uint8Array, start: number, end: number): NdOption[] {
  const out: NdOption[] = [];
  let i = start;
  while (i < end) {
    if (end - i < 2) throw new DecodeError(`ND option needs 2 bytes, ${end - i} present`, i, out);
    const type = b[i]!;
    const length = b[i + 1]!;
    if (length === 0) throw new DecodeError(`ND option type ${type} has length 0 (RFC 4861 section 4.6: discard the packet)`, i + 1, out);
    if (i + length * 8 > end) {
      throw new DecodeError(`ND option type ${type} length ${length} (${length * 8} bytes) runs past the ${end - i} bytes left`, i + 1, out);
    }
    out.push(readNdOption(b, i, type, length));
    i += length * 8;
  }
  return out;
}

function readNdOption(b: Uint8Array, o: number, type: number, length: number): NdOption {
  const size = length * 8;
  const d = o + 2;
  switch (type) {
    case 1:
    case 2:
      return { kind: type === 1 ? 'source-link-layer-address' : 'target-link-layer-address', type, length, address: linkLayerText(b, d, size - 2) };
    case 3:
      if (length !== 4) break;
      return {
        kind: 'prefix-information',
        type,
        length,
        prefixLength: b[d]!,
        onLink: (b[d + 1]! & PREFIX_L) !== 0,
        autonomous: (b[d + 1]! & PREFIX_A) !== 0,
        routerAddress: (b[d + 1]! & PREFIX_R) !== 0,
        reserved1: b[d + 1]! & 0x1f,
        validLifetime: u32(b, o + 4),
        preferredLifetime: u32(b, o + 8),
        reserved2: u32(b, o + 12),
        prefix: formatIpv6(b, o + 16),
      };
    case 4: {
      const data = view(b, o + 8, size - 8);
      let quoted: QuotedDatagram6 | null = null;
      try {
        quoted = decodeQuoted6(b, o + 8, o + size, {});
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
      }
      return { kind: 'redirected-header', type, length, reserved: view(b, d, 6), data, quoted };
    }
    case 5:
      if (length !== 1) break;
      return { kind: 'mtu', type, length, reserved: u16(b, d), mtu: u32(b, o + 4) };
    case 14:
      return { kind: 'nonce', type, length, nonce: view(b, d, size - 2) };
    case 25: {
      if (length < 3 || length % 2 === 0) break;
      const servers: string[] = [];
      for (let k = o + 8; k < o + size; k += 16) servers.push(formatIpv6(b, k));
      return { kind: 'rdnss', type, length, reserved: u16(b, d), lifetime: u32(b, o + 4), servers };
    }
    default:
      break;
  }
  return { kind: 'unknown', type, length, data: view(b, d, size - 2) };
}

function linkLayerText(b: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += (k === 0 ? '' : ':') + b[o + k]!.toString(16).padStart(2, '0');
  return s;
}

// ---- encode -------------------------------------------------------------------------------------

/** length is computed (content padded with zeros to 8 bytes) when absent, written as given when present. */
export type NdOptionInit =
  | { kind: 'source-link-layer-address' | 'target-link-layer-address'; type?: number; length?: number; address: string | Uint8Array }
  | {
      kind: 'prefix-information';
      type?: number;
      length?: number;
      prefixLength?: number;
      onLink?: boolean;
      autonomous?: boolean;
      routerAddress?: boolean;
      reserved1?: number;
      validLifetime?: number;
      preferredLifetime?: number;
      reserved2?: number;
      prefix: string | Uint8Array;
    }
  | { kind: 'redirected-header'; type?: number; length?: number; reserved?: Uint8Array; data?: Uint8Array; quoted?: unknown }
  | { kind: 'mtu'; type?: number; length?: number; reserved?: number; mtu: number }
  | { kind: 'nonce'; type?: number; length?: number; nonce: Uint8Array }
  | { kind: 'rdnss'; type?: number; length?: number; reserved?: number; lifetime?: number; servers: (string | Uint8Array)[] }
  | { kind: 'unknown'; type: number; length?: number; data?: Uint8Array };

const KIND_TYPE: Record<string, number> = {
  'source-link-layer-address': 1,
  'target-link-layer-address': 2,
  'prefix-information': 3,
  'redirected-header': 4,
  mtu: 5,
  nonce: 14,
  rdnss: 25,
};

/** Link-layer address text ("52:54:00:12:34:56", "-" also separates) or bytes, to bytes. */
export function linkLayerBytes(v: unknown, field: string): Uint8Array {
  if (v instanceof Uint8Array) return checkBytes(v, field, 253);
  if (typeof v !== 'string' || !/^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2})*$/.test(v)) {
    throw new EncodeError(field, v, `${showValue(v)} is not a link-layer address (hex bytes separated by ":", e.g. 52:54:00:12:34:56)`, 'aa:bb:cc:dd:ee:ff');
  }
  return parseField(field, v, 'aa:bb:cc:dd:ee:ff', (text) => parseHex(text.replaceAll('-', ':')));
}

function optionType(o: NdOptionInit, field: string): number {
  return typeOfKind(o, KIND_TYPE, field, { object: 'an ND option object {kind, ...}', kind: 'an ND option kind', allowed: 'ND option kind', at: `${field}.` });
}

/** Bytes of content after type and length, before padding. */
function contentLength(o: NdOptionInit, field: string): number {
  switch (o.kind) {
    case 'source-link-layer-address':
    case 'target-link-layer-address':
      return linkLayerBytes(o.address, `${field}.address`).length;
    case 'prefix-information':
      return 30;
    case 'redirected-header':
      return 6 + (o.data === undefined ? 0 : checkBytes(o.data, `${field}.data`).length);
    case 'mtu':
      return 6;
    case 'nonce':
      return checkBytes(o.nonce, `${field}.nonce`, 253).length;
    case 'rdnss':
      if (!Array.isArray(o.servers)) throw new EncodeError(`${field}.servers`, o.servers, 'not an array of IPv6 addresses', 'an array');
      return 6 + 16 * o.servers.length;
    default:
      return o.data === undefined ? 0 : checkBytes(o.data, `${field}.data`).length;
  }
}

/** Bytes the options take, each padded to a multiple of 8. */
export function ndOptionsLength(options: readonly NdOptionInit[] | undefined, field = 'options'): number {
  if (options === undefined) return 0;
  if (!Array.isArray(options)) throw new EncodeError(field, options, `${showValue(options)} is not an array of ND options`, 'an array');
  let n = 0;
  options.forEach((o, k) => {
    optionType(o, `${field}[${k}]`);
    n += (2 + contentLength(o, `${field}[${k}]`) + 7) & ~7;
  });
  return n;
}

/** Writes the options at b[o...]; returns the bytes written (ndOptionsLength). */
export function encodeNdOptions(options: readonly NdOptionInit[] | undefined, b: Uint8Array, o: number, field = 'options'): number {
  let i = o;
  (options ?? []).forEach((opt, k) => {
    const f = `${field}[${k}]`;
    const type = optionType(opt, f);
    const size = (2 + contentLength(opt, f) + 7) & ~7;
    b.fill(0, i, i + size);
    b[i] = type;
    b[i + 1] = opt.length === undefined ? size / 8 : checkUint(opt.length, 255, `${f}.length`);
    writeContent(opt, b, i, f);
    i += size;
  });
  return i - o;
}

function writeContent(opt: NdOptionInit, b: Uint8Array, i: number, f: string): void {
  const d = i + 2;
  switch (opt.kind) {
    case 'source-link-layer-address':
    case 'target-link-layer-address':
      b.set(linkLayerBytes(opt.address, `${f}.address`), d);
      return;
    case 'prefix-information': {
      b[d] = opt.prefixLength === undefined ? 64 : checkUint(opt.prefixLength, 255, `${f}.prefixLength`);
      const flag = (v: boolean | undefined, bit: number, name: string): number => (v !== undefined && checkBool(v, `${f}.${name}`) ? bit : 0);
      b[d + 1] =
        flag(opt.onLink, PREFIX_L, 'onLink') |
        flag(opt.autonomous, PREFIX_A, 'autonomous') |
        flag(opt.routerAddress, PREFIX_R, 'routerAddress') |
        (opt.reserved1 === undefined ? 0 : checkUint(opt.reserved1, 0x1f, `${f}.reserved1`));
      put32(b, i + 4, opt.validLifetime === undefined ? 0xffffffff : checkUint(opt.validLifetime, 0xffffffff, `${f}.validLifetime`));
      put32(b, i + 8, opt.preferredLifetime === undefined ? 0xffffffff : checkUint(opt.preferredLifetime, 0xffffffff, `${f}.preferredLifetime`));
      put32(b, i + 12, opt.reserved2 === undefined ? 0 : checkUint(opt.reserved2, 0xffffffff, `${f}.reserved2`));
      b.set(address6Value(opt.prefix, `${f}.prefix`), i + 16);
      return;
    }
    case 'redirected-header':
      if (opt.reserved !== undefined) {
        if (checkBytes(opt.reserved, `${f}.reserved`).length !== 6) {
          throw new EncodeError(`${f}.reserved`, opt.reserved, `${opt.reserved.length} bytes; the reserved field is exactly 6`, '6 bytes');
        }
        b.set(opt.reserved, d);
      }
      if (opt.data !== undefined) b.set(opt.data, i + 8);
      return;
    case 'mtu':
      put16(b, d, opt.reserved === undefined ? 0 : checkUint(opt.reserved, 0xffff, `${f}.reserved`));
      put32(b, i + 4, checkUint(opt.mtu, 0xffffffff, `${f}.mtu`));
      return;
    case 'nonce':
      b.set(opt.nonce, d);
      return;
    case 'rdnss':
      put16(b, d, opt.reserved === undefined ? 0 : checkUint(opt.reserved, 0xffff, `${f}.reserved`));
      put32(b, i + 4, opt.lifetime === undefined ? 0xffffffff : checkUint(opt.lifetime, 0xffffffff, `${f}.lifetime`));
      opt.servers.forEach((s, k) => b.set(address6Value(s, `${f}.servers[${k}]`), i + 8 + 16 * k));
      return;
    default:
      if (opt.data !== undefined) b.set(opt.data, d);
  }
}
