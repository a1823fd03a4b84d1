// IPv6 addresses as text (RFC 4291 section 2.2 for what may be read, RFC 5952 for what we write).
//
// Written form (RFC 5952 section 4): lowercase hex, no leading zeros in a group, the longest run
// of two or more all-zero groups shortened to "::" (the first such run on a tie; a lone zero
// group is never shortened), and the two forms with a well-known RFC 4291 prefix (section
// 2.5.5) with their last 32 bits in dotted decimal (RFC 5952 section 5): IPv4-mapped
// "::ffff:192.0.2.1" and the deprecated IPv4-compatible "::192.0.2.1" (when the last 32 bits
// are not all in the zero run: "::1" stays "::1"). That is what glibc's inet_ntop, so iputils,
// and tshark print.
// Read form: anything RFC 4291 allows (full, "::"-compressed, a dotted-quad tail, any case,
// leading zeros up to four digits per group), and a zone ("fe80::1%eth0", RFC 4007 section 11):
// the zone names an interface of this host, it never goes on the wire, so it is returned apart.
//
// formatIpv6 is on the decode hot path (two addresses per packet): table lookups, one pass to
// find the zero run, no intermediate arrays.

import { ipv4At } from './bytes.js';
import { EncodeError, ParseError, parseField, showValue } from './errors.js';

/** Bytes in an IPv6 address. */
export const IPV6_ADDRESS_LENGTH = 16;

// The text of each 16-bit group value, filled in as values are met: one lookup per group instead
// of building each group's string (512 KiB of slots, allocated on the first address formatted so
// that loading the library costs nothing; a string only for the values seen).
let groupTexts: string[] | null = null;

function groupText(b: Uint8Array, i: number): string {
  return groupValueText((b[i]! << 8) | b[i + 1]!);
}

/** A 16-bit group's text (lowercase hex, no leading zeros), from the table. */
export function groupValueText(v: number): string {
  const table = groupTexts ?? (groupTexts = new Array<string>(0x10000).fill(''));
  const t = table[v]!;
  return t !== '' ? t : (table[v] = v.toString(16));
}

// Decoding a capture or a stream of replies meets the same few addresses again and again, and a
// lookup in this direct-mapped cache (a hash of some bytes, then a 16-byte compare) costs a
// fraction of formatting. Keyed by all 16 bytes: a hit is always the right text.
const CACHE_SLOTS = 256;
const cacheKeys = new Uint8Array(CACHE_SLOTS * 16);
const cacheText: string[] = new Array<string>(CACHE_SLOTS).fill('');

/** The 16 bytes at b[o] in RFC 5952 text. The caller guarantees they are present. */
export function formatIpv6(b: Uint8Array, o = 0): string {
  const slot = (b[o + 15]! ^ (b[o + 14]! << 1) ^ (b[o + 13]! << 2) ^ (b[o + 11]! << 3) ^ b[o + 7]! ^ (b[o + 5]! << 4)) & (CACHE_SLOTS - 1);
  const k = slot * 16;
  let same = cacheText[slot] !== '';
  for (let i = 15; same && i >= 0; i--) same = cacheKeys[k + i] === b[o + i];
  if (same) return cacheText[slot]!;
  const text = format(b, o);
  for (let i = 0; i < 16; i++) cacheKeys[k + i] = b[o + i]!;
  cacheText[slot] = text;
  return text;
}

/** The text of the 16 bytes at b[o], computed (formatIpv6 is the cached face of this). */
function format(b: Uint8Array, o: number): string {
  // Longest run of zero groups (length >= 2; the first one wins a tie).
  let bestStart = -1;
  let bestLength = 1;
  let runStart = -1;
  for (let g = 0; g < 8; g++) {
    if ((b[o + 2 * g]! | b[o + 2 * g + 1]!) === 0) {
      if (runStart < 0) runStart = g;
      if (g - runStart + 1 > bestLength) {
        bestLength = g - runStart + 1;
        bestStart = runStart;
      }
    } else {
      runStart = -1;
    }
  }
  if (bestStart === 0 && (bestLength === 6 || (bestLength === 5 && b[o + 10] === 0xff && b[o + 11] === 0xff))) {
    return `${bestLength === 6 ? '::' : '::ffff:'}${b[o + 12]!}.${b[o + 13]!}.${b[o + 14]!}.${b[o + 15]!}`;
  }
  // The groups before the run, "::", the groups after it (or all eight when there is no run).
  const leftEnd = bestStart < 0 ? 8 : bestStart;
  let left = '';
  for (let g = 0; g < leftEnd; g++) left = g === 0 ? groupText(b, o) : `${left}:${groupText(b, o + 2 * g)}`;
  if (bestStart < 0) return left;
  let right = '';
  for (let g = bestStart + bestLength; g < 8; g++) right = right === '' ? groupText(b, o + 2 * g) : `${right}:${groupText(b, o + 2 * g)}`;
  return `${left}::${right}`;
}

/** formatIpv6 under the name the other address readers use (readIpv4). */
export const readIpv6 = formatIpv6;

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * The groups parseInto has read: the first eight kept, all counted (more than eight is an error
 * found once the text is read, as before). One, reused: a parse allocates nothing.
 */
class Groups {
  readonly values = new Uint16Array(8);
  count = 0;
  push(v: number): void {
    if (this.count < 8) this.values[this.count] = v;
    this.count++;
  }
}
const GROUPS = new Groups();

/**
 * Reads the address text[from..end) without its zone into out[0..16), or returns the 0-based
 * position of the first character that cannot be part of one (end when the text ends too early
 * or has too many or too few groups). Allocates nothing.
 */
function parseInto(text: string, end: number, out: Uint8Array, from = 0): number {
  const groups = GROUPS;
  groups.count = 0;
  let gap = -1; // index in groups where "::" stands
  let i = from;
  if (text.charCodeAt(from) === 58) {
    if (from + 1 >= end || text.charCodeAt(from + 1) !== 58) return from; // a single leading ":"
    gap = 0;
    i = from + 2;
    if (i === end) return finish(groups, gap, out) ? -1 : end;
  }
  while (i < end) {
    // One group of 1-4 hex digits, or a dotted quad that ends the address.
    let value = 0;
    let digits = 0;
    const start = i;
    while (i < end && digits < 5) {
      const d = hexDigit(text.charCodeAt(i));
      if (d < 0) break;
      value = value * 16 + d;
      digits++;
      i++;
    }
    if (i < end && text.charCodeAt(i) === 46) {
      const v4 = ipv4At(text, start, end);
      if (v4 < 0 || groups.count > 6) return start;
      groups.push(Math.floor(v4 / 0x10000));
      groups.push(v4 & 0xffff);
      i = end;
      break;
    }
    if (digits === 0 || digits > 4) return digits === 0 ? i : start + 4;
    groups.push(value);
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return i;
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (gap >= 0) return i - 1; // a second "::"
      gap = groups.count;
      i++;
      if (i === end) break;
    } else if (i === end) {
      return i - 1; // a trailing single ":"
    }
  }
  if (groups.count > 8) return end;
  return finish(groups, gap, out) ? -1 : end;
}

/** Places the groups (the "::" gap filled with zeros) into out; false when the count is wrong. */
function finish(groups: Groups, gap: number, out: Uint8Array): boolean {
  if (gap < 0 ? groups.count !== 8 : groups.count > 7) return false;
  out.fill(0);
  const zeros = 8 - groups.count;
  for (let k = 0; k < groups.count; k++) {
    const g = gap >= 0 && k >= gap ? k + zeros : k;
    out[2 * g] = groups.values[k]! >>> 8;
    out[2 * g + 1] = groups.values[k]! & 0xff;
  }
  return true;
}

export interface Ipv6WithZone {
  /** The 16 address bytes. */
  address: Buffer;
  /** What followed "%" (an interface name or index), or null. Never on the wire. */
  zone: string | null;
}

const IPV6_HELP = 'need an IPv6 address like 2001:db8::1 (RFC 4291 section 2.2)';

/** parseIpv6 that also returns the zone ("fe80::1%eth0" -> zone "eth0"). Throws ParseError. */
export function parseIpv6WithZone(text: string): Ipv6WithZone {
  if (typeof text !== 'string') {
    throw new ParseError(`${String(text)} is not an IPv6 address (${IPV6_HELP})`, String(text), null);
  }
  const percent = text.indexOf('%');
  const end = percent < 0 ? text.length : percent;
  if (percent >= 0 && percent === text.length - 1) {
    throw new ParseError(`"${text}" is not an IPv6 address: empty zone after "%" at position ${percent}`, text, percent);
  }
  const out = Buffer.alloc(IPV6_ADDRESS_LENGTH);
  const bad = end === 0 ? 0 : parseInto(text, end, out);
  if (bad >= 0) {
    const where = bad >= end ? 'wrong number of groups' : `unexpected "${text[bad]}" at position ${bad}`;
    throw new ParseError(`"${text}" is not an IPv6 address: ${where} (${IPV6_HELP})`, text, Math.min(bad, end));
  }
  return { address: out, zone: percent < 0 ? null : text.slice(percent + 1) };
}

/** IPv6 text (with or without a zone, which is dropped) to its 16 bytes. Throws ParseError. */
export function parseIpv6(text: string): Buffer {
  return parseIpv6WithZone(text).address;
}

/** parseIpv6 for a yes-or-no caller: the 16 bytes, or null. */
export function ipv6OrNull(text: string): Buffer | null {
  if (typeof text !== 'string') return null;
  const out = Buffer.alloc(IPV6_ADDRESS_LENGTH);
  return parseIpv6Into(text, out) ? out : null;
}

// An encoder building packet after packet meets the same few address texts again and again (a
// ping's source and destination): parsed once each. Small on purpose, and emptied when full, so a
// sweep of many addresses keeps nothing alive; the bytes are shared, read-only.
const PARSED_LIMIT = 64;
const parsed = new Map<string, Uint8Array>();

/**
 * Address field of an encoder: IPv6 text (a zone is allowed and dropped) or 16 bytes. Throws
 * EncodeError naming `field`. The bytes returned for a text may be shared: read them, never
 * write them.
 */
export function address6Value(v: unknown, field: string): Uint8Array {
  if (v instanceof Uint8Array) {
    if (v.length === IPV6_ADDRESS_LENGTH) return v;
    throw new EncodeError(field, v, `${v.length} bytes is not an IPv6 address (16 bytes)`, 'IPv6 address');
  }
  if (typeof v !== 'string') {
    throw new EncodeError(field, v, `${v === undefined ? 'missing' : showValue(v)} is not an IPv6 address (${IPV6_HELP})`, 'IPv6 address');
  }
  const known = parsed.get(v);
  if (known !== undefined) return known;
  const bytes = parseField(field, v, 'IPv6 address', parseIpv6);
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  parsed.set(v, bytes);
  return bytes;
}

/** True when the 16 bytes at b[o] are a multicast address (ff00::/8). */
export function isMulticast6(b: Uint8Array, o = 0): boolean {
  return b[o] === 0xff;
}

/**
 * The 16 bytes at b[o] as one number below 2^53, for code that compares addresses as numbers
 * (the probe engine's targets, an answer's source): two 32-bit FNV-1a hashes of the address,
 * 32 + 21 bits of them. Two addresses that differ get different numbers but for a chance of
 * about 1 in 2^53; no allocation.
 */
export function address6Key(b: Uint8Array, o = 0): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < IPV6_ADDRESS_LENGTH; i++) {
    h1 = Math.imul(h1 ^ b[o + i]!, 0x01000193);
    h2 = Math.imul(h2 ^ b[o + IPV6_ADDRESS_LENGTH - 1 - i]!, 0x01000193);
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) >>> 11);
}

/** Where address6KeyOf and ipv6WordsOf read text into: they run once per answer or target, so nothing is allocated. */
const SCRATCH = new Uint8Array(IPV6_ADDRESS_LENGTH);

/** IPv6 text (a zone is dropped) into out[0..16); false (out undefined) when it is none. Allocates no bytes. */
export function parseIpv6Into(text: string, out: Uint8Array): boolean {
  const percent = text.indexOf('%');
  const end = percent < 0 ? text.length : percent;
  if (end === 0 || percent === text.length - 1) return false;
  return parseInto(text, end, out) < 0;
}

/**
 * The IPv6 address text[from..end) (no zone) into out; false when it is none. For a reader that
 * holds many addresses in one string (a target list read a chunk at a time): no string per address.
 */
export function parseIpv6At(text: string, from: number, end: number, out: Uint8Array): boolean {
  return end > from && parseInto(text, end, out, from) < 0;
}

/**
 * net.isIPv6's answer (a zone allowed), without loading node:net: that module brings streams and
 * TCP and pipe bindings (about 1.6 MB of a process) that a probe command has no use for.
 */
export function isIpv6Text(text: string): boolean {
  return typeof text === 'string' && parseIpv6Into(text, SCRATCH);
}

/** address6Key of IPv6 text (a zone is dropped). Throws ParseError. */
export function address6KeyOf(text: string): number {
  return parseIpv6Into(text, SCRATCH) ? address6Key(SCRATCH) : address6Key(parseIpv6(text));
}

/**
 * An IPv6 address as four 32-bit words, the first its first four bytes read big-endian
 * (2001:db8::1 is 0x20010db8, 0, 0, 1): what the probe engine keeps per target and sendMany
 * takes (RawSocket.sendMany), so that an address is neither text nor an object of its own.
 */
export function readIpv6Words(b: Uint8Array, o: number, out: Uint32Array, at: number): void {
  for (let w = 0; w < 4; w++) {
    const i = o + 4 * w;
    out[at + w] = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
  }
}

/** The words at words[at..at+4) back into 16 bytes at b[o]. */
export function writeIpv6Words(words: ArrayLike<number>, at: number, b: Uint8Array, o: number): void {
  for (let w = 0; w < 4; w++) {
    const v = words[at + w]!;
    const i = o + 4 * w;
    b[i] = v >>> 24;
    b[i + 1] = (v >>> 16) & 0xff;
    b[i + 2] = (v >>> 8) & 0xff;
    b[i + 3] = v & 0xff;
  }
}

/** IPv6 text (a zone dropped) into words[at..at+4) (readIpv6Words). Throws ParseError. */
export function ipv6WordsOf(text: string, out: Uint32Array, at: number): void {
  readIpv6Words(parseIpv6Into(text, SCRATCH) ? SCRATCH : parseIpv6(text), 0, out, at);
}

/** The text of the address at words[at..at+4) (formatIpv6's). */
export function formatIpv6Words(words: ArrayLike<number>, at: number): string {
  writeIpv6Words(words, at, SCRATCH, 0);
  return formatIpv6(SCRATCH);
}
