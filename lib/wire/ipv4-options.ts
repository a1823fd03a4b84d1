// IPv4 options (RFC 791 section 3.1 "Options"; RFC 1108 basic security; RFC 2113 router alert).
//
// Two single-byte options (end of list, no-operation); every other option is
// type, length (counting type and length bytes), data. Layouts:
//
//   record route / loose / strict source route   type len ptr  addr*            (RFC 791)
//   timestamp          type len ptr oflw|flg  (ts | addr ts)*                    (RFC 791)
//   basic security     type len classification protection-authority-flags...    (RFC 1108)
//   router alert       type 4 value(16)                                          (RFC 2113)
//
// After an end-of-list option the rest of the header is padding: it is kept (normally zeros) on
// the 'end' option so that encode(decode(bytes)) gives back the same bytes.

import { addressValue, put16, put32, readIpv4, u16, u32, view } from './bytes.js';
import { checkBytes, checkUint, DecodeError, EncodeError, showValue } from './errors.js';

/** Option type bytes (copied flag, class and number together, as on the wire). */
export const IPV4_OPTION = {
  END: 0,
  NOP: 1,
  RECORD_ROUTE: 7,
  TIMESTAMP: 68,
  SECURITY: 130,
  LOOSE_SOURCE_ROUTE: 131,
  STRICT_SOURCE_ROUTE: 137,
  ROUTER_ALERT: 148,
} as const;

/** The copied flag of an option type (RFC 791): set, the option is repeated in every fragment. */
export const OPTION_COPIED = 0x80;

/** Timestamp option `flag` values (RFC 791): what each entry holds. */
export const TIMESTAMP_FLAG = {
  TIMESTAMPS_ONLY: 0,
  WITH_ADDRESSES: 1,
  PRESPECIFIED: 3,
} as const;

/**
 * Calls `visit(type, at, length)` for each option of more than one byte in b[start, end), in
 * order, skipping NOPs, and stops at End of Options or at the first malformed one (a length
 * below 2 or past the end), as Linux walks them. For quick walks over received bytes;
 * decodeOptions() says what is wrong with a malformed one.
 */
export function eachOption(b: Uint8Array, start: number, end: number, visit: (type: number, at: number, length: number) => void): void {
  for (let p = start; p < end; ) {
    const type = b[p]!;
    if (type === IPV4_OPTION.END) return;
    if (type === IPV4_OPTION.NOP) {
      p++;
      continue;
    }
    const length = b[p + 1] ?? 0;
    if (length < 2 || p + length > end) return;
    visit(type, p, length);
    p += length;
  }
}

/**
 * The time a timestamp option entry carries (RFC 791): milliseconds since midnight UT, as Linux
 * writes it (inet_current_timestamp). Unix time has no leap seconds, so it is the epoch time
 * modulo a day.
 */
export function timestampNow(epochMs: number = Date.now()): number {
  return Math.floor(epochMs) % 86_400_000;
}

/** RFC 1108 classification levels (the byte after the length). */
export const SECURITY_CLASSIFICATION = {
  TOP_SECRET: 0x3d,
  SECRET: 0x5a,
  CONFIDENTIAL: 0x96,
  UNCLASSIFIED: 0xab,
} as const;

/** Most option bytes an IPv4 header can carry: IHL is 4 bits, so 15 words minus the fixed 5. */
export const MAX_OPTIONS_LENGTH = 40;

// ---- decoded shapes -------------------------------------------------------------------------------

export interface EndOption {
  kind: 'end';
  type: 0;
  /** Bytes after the end-of-list option up to the end of the header (RFC 791 says zeros). */
  padding: Buffer;
}
export interface NopOption {
  kind: 'nop';
  type: 1;
}
export type RouteKind = 'record-route' | 'loose-source-route' | 'strict-source-route';
export interface RouteOption {
  kind: RouteKind;
  type: 7 | 131 | 137;
  length: number;
  /** 1-based byte offset within the option of the next free slot (4 = first). */
  pointer: number;
  addresses: string[];
}
export interface TimestampEntry {
  /** Null when the flag says entries are timestamps only. */
  address: string | null;
  timestamp: number;
}
export interface TimestampOption {
  kind: 'timestamp';
  type: 68;
  length: number;
  /** 1-based byte offset within the option of the next free slot (5 = first). */
  pointer: number;
  overflow: number;
  flag: number;
  entries: TimestampEntry[];
}
export interface RouterAlertOption {
  kind: 'router-alert';
  type: 148;
  length: number;
  value: number;
}
export interface SecurityOption {
  kind: 'security';
  type: 130;
  length: number;
  classification: number;
  /** Protection authority flag bytes (RFC 1108), possibly empty. */
  protection: Buffer;
}
export interface UnknownOption {
  kind: 'unknown';
  type: number;
  length: number;
  /** The bytes after type and length. */
  data: Buffer;
}

export type Ipv4Option =
  | EndOption
  | NopOption
  | RouteOption
  | TimestampOption
  | RouterAlertOption
  | SecurityOption
  | UnknownOption;

// ---- what encode takes: computed fields optional --------------------------------------------------

export type Ipv4OptionInit =
  | { kind: 'end'; type?: 0; padding?: Uint8Array }
  | { kind: 'nop'; type?: 1 }
  | { kind: RouteKind; type?: number; length?: number; pointer?: number; addresses?: (string | number)[] }
  | {
      kind: 'timestamp';
      type?: number;
      length?: number;
      pointer?: number;
      overflow?: number;
      flag?: number;
      entries?: { address?: string | number | null; timestamp?: number }[];
    }
  | { kind: 'router-alert'; type?: number; length?: number; value?: number }
  | { kind: 'security'; type?: number; length?: number; classification: number; protection?: Uint8Array }
  | { kind: 'unknown'; type: number; length?: number; data?: Uint8Array };

const ROUTE_TYPE: Record<RouteKind, number> = {
  'record-route': IPV4_OPTION.RECORD_ROUTE,
  'loose-source-route': IPV4_OPTION.LOOSE_SOURCE_ROUTE,
  'strict-source-route': IPV4_OPTION.STRICT_SOURCE_ROUTE,
};
const KIND_TYPE: Record<string, number> = {
  end: IPV4_OPTION.END,
  nop: IPV4_OPTION.NOP,
  ...ROUTE_TYPE,
  timestamp: IPV4_OPTION.TIMESTAMP,
  security: IPV4_OPTION.SECURITY,
  'router-alert': IPV4_OPTION.ROUTER_ALERT,
};

function timestampHasAddresses(flag: number): boolean {
  return flag === TIMESTAMP_FLAG.WITH_ADDRESSES || flag === TIMESTAMP_FLAG.PRESPECIFIED;
}

// ---- decode -------------------------------------------------------------------------------------

/**
 * Decodes the options in b[start, end). Offsets in errors are absolute. A malformed option
 * (length below 2, running past the header, a layout its type forbids) throws DecodeError whose
 * `partial` is the options decoded before it.
 */
export function decodeOptions(b: Uint8Array, start: number, end: number): Ipv4Option[] {
  const out: Ipv4Option[] = [];
  let o = start;
  while (o < end) {
    const type = b[o]!;
    if (type === IPV4_OPTION.END) {
      out.push({ kind: 'end', type: 0, padding: view(b, o + 1, end - o - 1) });
      return out;
    }
    if (type === IPV4_OPTION.NOP) {
      out.push({ kind: 'nop', type: 1 });
      o += 1;
      continue;
    }
    if (o + 2 > end) {
      throw new DecodeError(`IPv4 option ${type} has no length byte before the header ends`, o, out);
    }
    const length = b[o + 1]!;
    if (length < 2) {
      throw new DecodeError(`IPv4 option ${type} has length ${length}, less than its 2-byte type and length`, o + 1, out);
    }
    if (o + length > end) {
      throw new DecodeError(`IPv4 option ${type} has length ${length} but only ${end - o} option bytes remain in the header`, o + 1, out);
    }
    out.push(decodeOne(b, o, type, length, out));
    o += length;
  }
  return out;
}

function decodeOne(b: Uint8Array, o: number, type: number, length: number, done: Ipv4Option[]): Ipv4Option {
  switch (type) {
    case IPV4_OPTION.RECORD_ROUTE:
    case IPV4_OPTION.LOOSE_SOURCE_ROUTE:
    case IPV4_OPTION.STRICT_SOURCE_ROUTE: {
      if (length < 3 || (length - 3) % 4 !== 0) {
        throw new DecodeError(`IPv4 route option ${type} has length ${length}; it must be 3 + 4 per address`, o + 1, done);
      }
      const addresses: string[] = [];
      for (let a = o + 3; a < o + length; a += 4) addresses.push(readIpv4(b, a));
      const kind: RouteKind = type === 7 ? 'record-route' : type === 131 ? 'loose-source-route' : 'strict-source-route';
      return { kind, type: type as 7 | 131 | 137, length, pointer: b[o + 2]!, addresses };
    }
    case IPV4_OPTION.TIMESTAMP: {
      if (length < 4) {
        throw new DecodeError(`IPv4 timestamp option has length ${length}; it needs at least 4`, o + 1, done);
      }
      const flag = b[o + 3]! & 0x0f;
      const withAddress = timestampHasAddresses(flag);
      const size = withAddress ? 8 : 4;
      if ((length - 4) % size !== 0) {
        throw new DecodeError(
          `IPv4 timestamp option has length ${length}; with flag ${flag} it must be 4 + ${size} per entry`,
          o + 1,
          done,
        );
      }
      const entries: TimestampEntry[] = [];
      for (let e = o + 4; e < o + length; e += size) {
        entries.push(
          withAddress ? { address: readIpv4(b, e), timestamp: u32(b, e + 4) } : { address: null, timestamp: u32(b, e) },
        );
      }
      return { kind: 'timestamp', type: 68, length, pointer: b[o + 2]!, overflow: b[o + 3]! >>> 4, flag, entries };
    }
    case IPV4_OPTION.ROUTER_ALERT:
      if (length !== 4) {
        throw new DecodeError(`IPv4 router alert option has length ${length}; RFC 2113 says 4`, o + 1, done);
      }
      return { kind: 'router-alert', type: 148, length, value: u16(b, o + 2) };
    case IPV4_OPTION.SECURITY:
      if (length < 3) {
        throw new DecodeError(`IPv4 security option has length ${length}; RFC 1108 needs at least 3`, o + 1, done);
      }
      return { kind: 'security', type: 130, length, classification: b[o + 2]!, protection: view(b, o + 3, length - 3) };
    default:
      return { kind: 'unknown', type, length, data: view(b, o + 2, length - 2) };
  }
}

// ---- encode -------------------------------------------------------------------------------------

/** Bytes the options occupy, before padding to a 32-bit boundary. */
export function optionsLength(options: readonly Ipv4OptionInit[] | undefined): number {
  if (!options) return 0;
  let n = 0;
  for (let i = 0; i < options.length; i++) n += optionLength(options[i]!, `options[${i}]`);
  return n;
}

function optionLength(opt: Ipv4OptionInit, field: string): number {
  if (opt === null || typeof opt !== 'object') {
    throw new EncodeError(field, opt, `${showValue(opt)} is not an option object`, 'an option object');
  }
  switch (opt.kind) {
    case 'end':
      return 1 + (opt.padding ? checkBytes(opt.padding, `${field}.padding`, 39).length : 0);
    case 'nop':
      return 1;
    case 'record-route':
    case 'loose-source-route':
    case 'strict-source-route':
      return 3 + 4 * listOf(opt.addresses, `${field}.addresses`).length;
    case 'timestamp': {
      const flag = opt.flag === undefined ? 0 : checkUint(opt.flag, 15, `${field}.flag`);
      return 4 + (timestampHasAddresses(flag) ? 8 : 4) * listOf(opt.entries, `${field}.entries`).length;
    }
    case 'router-alert':
      return 4;
    case 'security':
      return 3 + (opt.protection ? checkBytes(opt.protection, `${field}.protection`, 252).length : 0);
    case 'unknown':
      return 2 + (opt.data ? checkBytes(opt.data, `${field}.data`, 253).length : 0);
    default:
      throw new EncodeError(
        `${field}.kind`,
        (opt as { kind: unknown }).kind,
        `${showValue((opt as { kind: unknown }).kind)} is not an option kind (allowed end, nop, record-route, loose-source-route, strict-source-route, timestamp, router-alert, security, unknown)`,
        'option kind',
      );
  }
}

function listOf<T>(v: T[] | undefined, field: string): T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new EncodeError(field, v, `${showValue(v)} is not an array`, 'an array');
  return v;
}

/**
 * Writes the options at b[o...] and returns the bytes written (no padding: the header encoder
 * pads). With `fixLengths` off, a missing option length or pointer is written as 0.
 */
export function encodeOptions(options: readonly Ipv4OptionInit[], b: Uint8Array, o: number, fixLengths = true): number {
  const start = o;
  for (let i = 0; i < options.length; i++) o += encodeOption(options[i]!, `options[${i}]`, b, o, fixLengths);
  return o - start;
}

/** How one option's length byte and pointer are written: as given, or computed (fixLengths), or 0. */
interface OptionFields {
  field: string;
  length: (given: number | undefined) => number;
  pointer: (given: number | undefined, nextFree: () => number) => number;
}

/** Writes one option at b[o...] and returns its size. */
function encodeOption(opt: Ipv4OptionInit, field: string, b: Uint8Array, o: number, fixLengths: boolean): number {
  const size = optionLength(opt, field);
  if (size > 255 && opt.kind !== 'end') {
    throw new EncodeError(field, opt, `option is ${size} bytes; an option length byte holds at most 255`, '2-255 bytes');
  }
  const f: OptionFields = {
    field,
    length: (given) => (given === undefined ? (fixLengths ? size : 0) : checkUint(given, 255, `${field}.length`)),
    // A pointer as given; left out, the next free slot (fixLengths) or 0.
    pointer: (given, nextFree) => (given !== undefined ? checkUint(given, 255, `${field}.pointer`) : fixLengths ? nextFree() : 0),
  };
  b[o] = optionType(opt, field);
  switch (opt.kind) {
    case 'end':
      if (opt.padding) b.set(opt.padding, o + 1);
      break;
    case 'nop':
      break;
    case 'record-route':
    case 'loose-source-route':
    case 'strict-source-route':
      encodeRoute(opt, f, b, o);
      break;
    case 'timestamp':
      encodeTimestamp(opt, f, b, o);
      break;
    case 'router-alert':
      b[o + 1] = f.length(opt.length);
      put16(b, o + 2, opt.value === undefined ? 0 : checkUint(opt.value, 0xffff, `${field}.value`));
      break;
    case 'security':
      b[o + 1] = f.length(opt.length);
      b[o + 2] = checkUint(opt.classification, 255, `${field}.classification`);
      if (opt.protection) b.set(opt.protection, o + 3);
      break;
    case 'unknown':
      b[o + 1] = f.length(opt.length);
      if (opt.data) b.set(opt.data, o + 2);
      break;
  }
  return size;
}

/** The type byte of an option: its kind's, or an unknown option's own (which must then be given). */
function optionType(opt: Ipv4OptionInit, field: string): number {
  if (opt.kind === 'unknown') return checkUint(opt.type, 255, `${field}.type`);
  const expected = KIND_TYPE[opt.kind]!;
  if (opt.type !== undefined && opt.type !== expected) {
    throw new EncodeError(
      `${field}.type`,
      opt.type,
      `${showValue(opt.type)} does not match kind ${opt.kind} (type ${expected}); use kind "unknown" to write other bytes`,
      String(expected),
    );
  }
  return expected;
}

type RouteInit = Extract<Ipv4OptionInit, { kind: 'record-route' | 'loose-source-route' | 'strict-source-route' }>;
type TimestampInit = Extract<Ipv4OptionInit, { kind: 'timestamp' }>;

function encodeRoute(opt: RouteInit, f: OptionFields, b: Uint8Array, o: number): void {
  const values = listOf(opt.addresses, `${f.field}.addresses`).map((a, k) => addressValue(a, `${f.field}.addresses[${k}]`));
  b[o + 1] = f.length(opt.length);
  b[o + 2] = f.pointer(opt.pointer, () => {
    // Just past the leading addresses already recorded (non-zero).
    let filled = 0;
    while (filled < values.length && values[filled] !== 0) filled++;
    return 4 + 4 * filled;
  });
  for (let k = 0; k < values.length; k++) put32(b, o + 3 + 4 * k, values[k]!);
}

function encodeTimestamp(opt: TimestampInit, f: OptionFields, b: Uint8Array, o: number): void {
  const field = f.field;
  const flag = opt.flag === undefined ? 0 : checkUint(opt.flag, 15, `${field}.flag`);
  const overflow = opt.overflow === undefined ? 0 : checkUint(opt.overflow, 15, `${field}.overflow`);
  const entries = listOf(opt.entries, `${field}.entries`);
  const withAddress = timestampHasAddresses(flag);
  b[o + 1] = f.length(opt.length);
  b[o + 2] = f.pointer(opt.pointer, () => {
    // Past the leading entries that already carry a timestamp.
    let filled = 0;
    while (filled < entries.length && (entries[filled]!.timestamp ?? 0) !== 0) filled++;
    return 5 + (withAddress ? 8 : 4) * filled;
  });
  b[o + 3] = (overflow << 4) | flag;
  let e = o + 4;
  for (let k = 0; k < entries.length; k++) {
    const entry = entries[k]!;
    const ef = `${field}.entries[${k}]`;
    if (entry === null || typeof entry !== 'object') {
      throw new EncodeError(ef, entry, `${showValue(entry)} is not an entry object`, '{address, timestamp}');
    }
    const ts = entry.timestamp === undefined ? 0 : checkUint(entry.timestamp, 0xffffffff, `${ef}.timestamp`);
    if (withAddress) {
      put32(b, e, entry.address === undefined || entry.address === null ? 0 : addressValue(entry.address, `${ef}.address`));
      put32(b, e + 4, ts);
      e += 8;
      continue;
    }
    if (entry.address !== undefined && entry.address !== null) {
      throw new EncodeError(`${ef}.address`, entry.address, `timestamp flag ${flag} records timestamps only; set flag 1 or 3 to carry addresses`, 'null');
    }
    put32(b, e, ts);
    e += 4;
  }
}

/** A one-line human description, e.g. "RR 127.0.0.1 0.0.0.0 (ptr 8)". */
export function describeOption(opt: Ipv4Option): string {
  switch (opt.kind) {
    case 'end':
      return 'EOL';
    case 'nop':
      return 'NOP';
    case 'record-route':
    case 'loose-source-route':
    case 'strict-source-route': {
      const tag = opt.kind === 'record-route' ? 'RR' : opt.kind === 'loose-source-route' ? 'LSRR' : 'SSRR';
      return [tag, ...opt.addresses, `(ptr ${opt.pointer})`].join(' ');
    }
    case 'timestamp':
      return `TS flag ${opt.flag} ${opt.entries
        .map((e) => (e.address === null ? String(e.timestamp) : `${e.address}@${e.timestamp}`))
        .join(' ')} (ptr ${opt.pointer}, overflow ${opt.overflow})`;
    case 'router-alert':
      return `RA ${opt.value}`;
    case 'security':
      return `SEC class 0x${opt.classification.toString(16).padStart(2, '0')} protection ${opt.protection.toString('hex') || '-'}`;
    case 'unknown':
      return `option ${opt.type} (${opt.length} bytes)`;
  }
}

