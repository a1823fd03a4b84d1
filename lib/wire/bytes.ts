// Big-endian byte access, IPv4 address text and hex text.
//
// Why local helpers instead of Buffer#readUInt16BE: in a decoder that reads a dozen fields the
// Buffer methods stop being inlined and cost several times a plain `(b[o] << 8) | b[o + 1]`, and
// they only exist on Buffer while we accept any Uint8Array view. Callers check lengths first
// (once per header), so these helpers never check bounds themselves.

import { DecodeError, EncodeError, ParseError, parseField } from './errors.js';

/**
 * Whether this machine keeps numbers little end first: the byte order of the pcap files it
 * writes and of the filter programs its kernel runs (os.endianness() without node:os).
 */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function u8(b: Uint8Array, o: number): number {
  return b[o]!;
}

export function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Unsigned 32-bit read (>>> 0 keeps values >= 2^31 positive). */
export function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function put8(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
}

export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}

export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/**
 * A Buffer over `len` bytes of `b` starting at `o`, sharing memory (no copy). Works for Buffers
 * and plain Uint8Array views at any byteOffset: pooled Buffers share one ArrayBuffer, so the
 * view must be built from byteOffset, never from offset 0 of `.buffer`.
 */
export function view(b: Uint8Array, o: number, len: number): Buffer {
  // Buffer#subarray is the cheaper of the two and already relative to the view.
  return Buffer.isBuffer(b) ? b.subarray(o, o + len) : Buffer.from(b.buffer, b.byteOffset + o, len);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---- IPv4 addresses -------------------------------------------------------------------------------

const IPV4_HELP = 'need a dotted quad a.b.c.d, each 0-255, e.g. 192.0.2.1';

/**
 * Strict dotted quad to an unsigned 32-bit number. Rejects what inet_aton would guess at:
 * fewer than four parts ("1.2.3"), leading zeros ("010.0.0.1", octal to inet_aton), signs,
 * spaces, hex. Throws ParseError naming the offending text.
 */
export function parseIpv4(text: string): number {
  const fast = typeof text === 'string' ? ipv4OrMinusOne(text) : -1;
  return fast >= 0 ? fast : explainIpv4(text);
}

/**
 * parseIpv4 for a caller that only needs yes or no: the value, or -1 for anything that is not a
 * strict dotted quad. Allocates nothing.
 */
export function ipv4OrMinusOne(text: string): number {
  return ipv4At(text, 0, text.length);
}

/** ipv4OrMinusOne of text[from..end): for a reader holding many addresses in one string, no string per address. */
export function ipv4At(text: string, from: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** The slow path: finds what is wrong with `text` and throws a ParseError saying so. */
function explainIpv4(text: string): number {
  if (typeof text !== 'string') {
    throw new ParseError(`${String(text)} is not an IPv4 address (${IPV4_HELP})`, String(text), null);
  }
  const parts = text.split('.');
  if (parts.length !== 4) {
    throw new ParseError(`"${text}" is not an IPv4 address: ${parts.length} part${parts.length === 1 ? '' : 's'}, ${IPV4_HELP}`, text, null);
  }
  let value = 0;
  let pos = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) {
      throw new ParseError(`"${text}" is not an IPv4 address: "${part}" at position ${pos} is not 0-255 (${IPV4_HELP})`, text, pos);
    }
    value = value * 256 + Number(part);
    pos += part.length + 1;
  }
  return value;
}

export function formatIpv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Address field of an encoder: a dotted string or a u32. Throws EncodeError naming `field`. */
export function addressValue(v: unknown, field: string): number {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
    throw new EncodeError(field, v, `${v} is not an IPv4 address (allowed a dotted quad or 0-4294967295)`, 'dotted quad');
  }
  if (typeof v !== 'string') {
    throw new EncodeError(field, v, `${v === undefined ? 'missing' : typeof v} is not an IPv4 address (${IPV4_HELP})`, 'dotted quad');
  }
  return parseField(field, v, 'dotted quad', parseIpv4);
}

export function readIpv4(b: Uint8Array, o: number): string {
  return `${b[o]!}.${b[o + 1]!}.${b[o + 2]!}.${b[o + 3]!}`;
}

// ---- hex text -------------------------------------------------------------------------------------

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/**
 * Hex text to bytes. Accepts "45 00 00 54", "4500 0054", "45:00:00:54", "450000...", an optional
 * leading "0x", and newlines/tabs between byte pairs. Throws ParseError naming the first
 * character that is not a hex digit (0-based position in `text`) or the odd digit count.
 */
export function parseHex(text: string): Buffer {
  let start = 0;
  while (start < text.length && /\s/.test(text[start]!)) start++;
  if (text[start] === '0' && (text[start + 1] === 'x' || text[start + 1] === 'X')) start += 2;
  const out = Buffer.allocUnsafe(text.length >>> 1);
  let n = 0;
  let high = -1;
  let highPos = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const d = hexDigit(c);
    if (d < 0) {
      // Separators are allowed only between whole bytes so "4 500" is not silently read as 45 00.
      if ((c === 32 || c === 9 || c === 10 || c === 13 || c === 58) && high < 0) continue;
      const what = c === 32 || c === 9 || c === 10 || c === 13 || c === 58 ? 'a separator inside a byte' : `"${text[i]}" is not a hex digit`;
      throw new ParseError(`bad hex at position ${i}: ${what}`, text, i);
    }
    if (high < 0) {
      high = d;
      highPos = i;
    } else {
      out[n++] = (high << 4) | d;
      high = -1;
    }
  }
  if (high >= 0) {
    throw new ParseError(`bad hex: odd number of hex digits (the digit at position ${highPos} has no pair)`, text, highPos);
  }
  return Buffer.from(out.subarray(0, n));
}

/** Lowercase hex; `separator` goes between bytes (e.g. " "). */
export function formatHex(b: Uint8Array, separator = ''): string {
  const hex = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  if (separator === '' || hex.length <= 2) return hex;
  const pairs: string[] = [];
  for (let i = 0; i < hex.length; i += 2) pairs.push(hex.slice(i, i + 2));
  return pairs.join(separator);
}

// ---- argument checks shared by every decoder ------------------------------------------------------

/**
 * Validates decode(buf, offset, length) arguments and returns the end offset. Bad arguments are
 * reported as DecodeError too, so a caller handling untrusted input catches one type.
 */
export function decodeSpan(buf: Uint8Array, offset: number, length: number | undefined): number {
  if (!(buf instanceof Uint8Array)) {
    throw new DecodeError(`expected a Buffer or Uint8Array, got ${buf === null ? 'null' : typeof buf}`, 0);
  }
  if (!Number.isInteger(offset) || offset < 0 || offset > buf.byteLength) {
    throw new DecodeError(`offset ${String(offset)} is outside the ${buf.byteLength}-byte buffer`, 0);
  }
  const len = length === undefined ? buf.byteLength - offset : length;
  if (!Number.isInteger(len) || len < 0 || offset + len > buf.byteLength) {
    throw new DecodeError(`length ${String(length)} at offset ${offset} runs past the ${buf.byteLength}-byte buffer`, offset);
  }
  return offset + len;
}

/**
 * decodeSpan, then the check every header decoder makes first: at least `need` bytes present
 * (DecodeError "<name> header needs N bytes, M present" otherwise). Returns the bytes present.
 */
export function presentBytes(buf: Uint8Array, offset: number, length: number | undefined, need: number, name: string): number {
  const present = decodeSpan(buf, offset, length) - offset;
  if (present < need) throw new DecodeError(`${name} header needs ${need} bytes, ${present} present`, offset);
  return present;
}

/**
 * The buffer encode writes into: `buf` when given (checked for room), else a new zeroed one.
 * Too little room is an EncodeError on field "buffer".
 */
export function encodeTarget(buf: Uint8Array | undefined, offset: number, needed: number): Uint8Array {
  if (buf === undefined) {
    if (offset !== 0) {
      throw new EncodeError('offset', offset, `${offset} given without a buffer to write into`, '0 when no buffer is given');
    }
    return Buffer.alloc(needed);
  }
  if (!(buf instanceof Uint8Array)) {
    throw new EncodeError('buffer', buf, `expected a Buffer or Uint8Array to write into`, 'bytes');
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new EncodeError('offset', offset, `${String(offset)} is not a byte offset (allowed 0-${buf.byteLength})`, `0-${buf.byteLength}`);
  }
  if (offset + needed > buf.byteLength) {
    throw new EncodeError(
      'buffer',
      buf.byteLength,
      `needs ${needed} bytes at offset ${offset}, only ${Math.max(0, buf.byteLength - offset)} available`,
      `at least ${offset + needed} bytes`,
    );
  }
  return buf;
}
