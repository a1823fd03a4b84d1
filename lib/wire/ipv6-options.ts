// Options of the Hop-by-Hop and Destination Options headers (RFC 8200 section 4.2).
//
// Pad1 is one zero byte; every other option is type(8) length(8) data(length), the length NOT
// counting type and length (unlike IPv4's). The type's two high bits say what a node that does
// not know the option must do (RFC 8200 section 4.2), the third whether the data may change en
// route:
//
//   action  00 skip it   01 discard the packet   10 discard, send ICMP Parameter Problem code 2
//           11 discard, send the ICMP only when the destination is not multicast
//
//   Pad1            0x00                                   RFC 8200 section 4.2
//   PadN            0x01  length, zero bytes               RFC 8200 section 4.2
//   Router Alert    0x05  length 2, value (0 = MLD)        RFC 2711
//   Jumbo Payload   0xc2  length 4, the jumbogram length   RFC 2675
//
// A header's options fill it to a multiple of 8 bytes; encodeOptions pads what the caller gave
// with Pad1 or PadN when needed, so decode(encode(x)) lists the padding it added.

import { put16, put32, u16, u32, view } from './bytes.js';
import { checkBytes, checkUint, DecodeError, EncodeError, showValue, typeOfKind } from './errors.js';

/** Option type bytes (action, change flag and number together, as on the wire). */
export const IPV6_OPTION = {
  PAD1: 0x00,
  PADN: 0x01,
  TUNNEL_ENCAPSULATION_LIMIT: 0x04,
  ROUTER_ALERT: 0x05,
  JUMBO_PAYLOAD: 0xc2,
  HOME_ADDRESS: 0xc9,
} as const;

/** RFC 2711 router alert values. */
export const ROUTER_ALERT = {
  MLD: 0,
  RSVP: 1,
  ACTIVE_NETWORKS: 2,
} as const;

/** What a node that does not recognise an option does (the type's two high bits). */
export const OPTION_ACTION = {
  SKIP: 0,
  DISCARD: 1,
  DISCARD_SEND_ICMP: 2,
  DISCARD_SEND_ICMP_UNLESS_MULTICAST: 3,
} as const;

export interface Pad1Option {
  kind: 'pad1';
  type: 0;
}
export interface PadNOption {
  kind: 'padn';
  type: 1;
  length: number;
  /** The padding bytes (zeros from a conforming sender). */
  data: Buffer;
}
export interface RouterAlertOption6 {
  kind: 'router-alert';
  type: 5;
  length: number;
  value: number;
}
export interface JumboPayloadOption {
  kind: 'jumbo-payload';
  type: 0xc2;
  length: number;
  /** Bytes after the IPv6 header (extension headers included), when > 65535. */
  jumboLength: number;
}
export interface UnknownOption6 {
  kind: 'unknown';
  type: number;
  length: number;
  data: Buffer;
  /** type >>> 6: OPTION_ACTION. */
  action: number;
  /** The option data may change en route (type bit 0x20). */
  mayChange: boolean;
}

export type Ipv6Option = Pad1Option | PadNOption | RouterAlertOption6 | JumboPayloadOption | UnknownOption6;

/** What encode takes: length is computed when absent, written as given when present. */
export type Ipv6OptionInit =
  | { kind: 'pad1'; type?: 0 }
  | { kind: 'padn'; type?: 1; length?: number; data?: Uint8Array }
  | { kind: 'router-alert'; type?: 5; length?: number; value?: number }
  | { kind: 'jumbo-payload'; type?: 0xc2; length?: number; jumboLength?: number }
  | { kind: 'unknown'; type: number; length?: number; data?: Uint8Array; action?: number; mayChange?: boolean };

const KIND_TYPE: Record<string, number> = {
  pad1: IPV6_OPTION.PAD1,
  padn: IPV6_OPTION.PADN,
  'router-alert': IPV6_OPTION.ROUTER_ALERT,
  'jumbo-payload': IPV6_OPTION.JUMBO_PAYLOAD,
};

// ---- decode -------------------------------------------------------------------------------------

/**
 * Decodes the options in b[start, end) (the header minus its first two bytes). A known option
 * with a length other than its own is kept as 'unknown' (its bytes survive a round trip).
 * Throws DecodeError at the length byte of an option that runs past `end`; `partial` holds the
 * options read before it.
 */
export function decodeOptions(b: Uint8Array, start: number, end: number): Ipv6Option[] {
  const out: Ipv6Option[] = [];
  let i = start;
  while (i < end) {
    const type = b[i]!;
    if (type === IPV6_OPTION.PAD1) {
      out.push({ kind: 'pad1', type: 0 });
      i++;
      continue;
    }
    if (i + 2 > end) {
      throw new DecodeError(`IPv6 option type 0x${type.toString(16)} has no length byte before the end of its header`, i, out);
    }
    const length = b[i + 1]!;
    const data = i + 2;
    if (data + length > end) {
      throw new DecodeError(`IPv6 option type 0x${type.toString(16)} length ${length} runs ${data + length - end} bytes past the end of its header`, i + 1, out);
    }
    out.push(readOption(b, type, length, data));
    i = data + length;
  }
  return out;
}

function readOption(b: Uint8Array, type: number, length: number, data: number): Ipv6Option {
  if (type === IPV6_OPTION.PADN) return { kind: 'padn', type: 1, length, data: view(b, data, length) };
  if (type === IPV6_OPTION.ROUTER_ALERT && length === 2) return { kind: 'router-alert', type: 5, length, value: u16(b, data) };
  if (type === IPV6_OPTION.JUMBO_PAYLOAD && length === 4) {
    return { kind: 'jumbo-payload', type: 0xc2, length, jumboLength: u32(b, data) };
  }
  return { kind: 'unknown', type, length, data: view(b, data, length), action: type >>> 6, mayChange: (type & 0x20) !== 0 };
}

// ---- encode -------------------------------------------------------------------------------------

function checkOption(o: Ipv6OptionInit, field: string): number {
  return typeOfKind(o, KIND_TYPE, field, { object: 'an option object {kind, ...}', kind: 'an IPv6 option kind', allowed: 'option kind', at: `${field}.` });
}

/** Data bytes an option's init describes (after type and length). */
function dataLength(o: Ipv6OptionInit, field: string): number {
  switch (o.kind) {
    case 'pad1':
      return -1;
    case 'padn':
      return o.data === undefined ? (o.length === undefined ? 0 : checkUint(o.length, 255, `${field}.length`)) : checkBytes(o.data, `${field}.data`, 255).length;
    case 'router-alert':
      return 2;
    case 'jumbo-payload':
      return 4;
    default:
      return o.data === undefined ? 0 : checkBytes(o.data, `${field}.data`, 255).length;
  }
}

/** Bytes the options take on the wire, before padding. */
export function optionsLength(options: readonly Ipv6OptionInit[] | undefined, field = 'options'): number {
  if (options === undefined) return 0;
  if (!Array.isArray(options)) {
    throw new EncodeError(field, options, `${showValue(options)} is not an array of options`, 'an array');
  }
  let n = 0;
  options.forEach((o, i) => {
    checkOption(o, `${field}[${i}]`);
    const d = dataLength(o, `${field}[${i}]`);
    n += d < 0 ? 1 : 2 + d;
  });
  return n;
}

/** Padding that brings `used` bytes (the 2-byte header start included) to a multiple of 8. */
export function paddingFor(used: number): number {
  return (8 - (used % 8)) % 8;
}

/**
 * Writes the options at b[o...] followed by `pad` bytes of padding (Pad1 for one byte, PadN for
 * more) and returns the bytes written. Lengths the caller gave are written as given.
 */
export function encodeOptions(options: readonly Ipv6OptionInit[] | undefined, b: Uint8Array, o: number, pad: number, field = 'options'): number {
  let i = o;
  (options ?? []).forEach((opt, k) => {
    const f = `${field}[${k}]`;
    const type = checkOption(opt, f);
    const d = dataLength(opt, f);
    b[i] = type;
    if (d < 0) {
      i++;
      return;
    }
    const given = (opt as { length?: number }).length;
    b[i + 1] = given === undefined ? d : checkUint(given, 255, `${f}.length`);
    const at = i + 2;
    switch (opt.kind) {
      case 'padn':
        b.fill(0, at, at + d);
        if (opt.data !== undefined) b.set(opt.data, at);
        break;
      case 'router-alert':
        put16(b, at, opt.value === undefined ? 0 : checkUint(opt.value, 0xffff, `${f}.value`));
        break;
      case 'jumbo-payload':
        put32(b, at, opt.jumboLength === undefined ? 0 : checkUint(opt.jumboLength, 0xffffffff, `${f}.jumboLength`));
        break;
      default:
        if (opt.kind === 'unknown') checkDerived(opt, type, f);
        if ('data' in opt && opt.data !== undefined) b.set(opt.data, at);
    }
    i = at + d;
  });
  if (pad === 1) b[i++] = IPV6_OPTION.PAD1;
  else if (pad > 1) {
    b[i] = IPV6_OPTION.PADN;
    b[i + 1] = pad - 2;
    b.fill(0, i + 2, i + pad);
    i += pad;
  }
  return i - o;
}

/** action and mayChange of an unknown option follow from its type: when given they must agree. */
function checkDerived(o: Extract<Ipv6OptionInit, { kind: 'unknown' }>, type: number, field: string): void {
  if (o.action !== undefined && o.action !== type >>> 6) {
    throw new EncodeError(`${field}.action`, o.action, `${showValue(o.action)} disagrees with type 0x${type.toString(16)} (action ${type >>> 6}); the action is the type's two high bits`, String(type >>> 6));
  }
  if (o.mayChange !== undefined && o.mayChange !== ((type & 0x20) !== 0)) {
    throw new EncodeError(`${field}.mayChange`, o.mayChange, `disagrees with type 0x${type.toString(16)}; the change flag is the type's bit 0x20`, String((type & 0x20) !== 0));
  }
}

/**
 * A Hop-by-Hop header's Jumbo Payload length (RFC 2675) at b[o, end), or 0 when there is none
 * (or the header is not whole: decodeChain then says what is wrong with it).
 */
export function jumboLength(b: Uint8Array, o: number, end: number): number {
  if (end - o < 2) return 0;
  const hbhEnd = o + (b[o + 1]! + 1) * 8;
  let i = o + 2;
  while (i + 1 < Math.min(hbhEnd, end)) {
    const type = b[i]!;
    if (type === 0) {
      i++;
      continue;
    }
    const n = b[i + 1]!;
    if (type === 0xc2 && n === 4 && i + 6 <= Math.min(hbhEnd, end)) {
      return ((b[i + 2]! << 24) | (b[i + 3]! << 16) | (b[i + 4]! << 8) | b[i + 5]!) >>> 0;
    }
    i += 2 + n;
  }
  return 0;
}
