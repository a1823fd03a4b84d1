// The ICMP extension structure (RFC 4884 section 7) that may follow the original datagram of
// Destination Unreachable and Time Exceeded (ICMPv4 and ICMPv6 alike), and the objects routers
// put in it:
//
//   | Version (4) = 2 |  Reserved (12)  |             Checksum (16)            |
//   object: | Length (16, header included) | Class-Num (8) | C-Type (8) | payload ...
//
//   class 1, c-type 1  MPLS label stack (RFC 4950): per entry Label (20) TC (3) S (1) TTL (8)
//   class 2            Interface Information (RFC 5837): the c-type says which fields follow:
//                      bits Role (2) Reserved (2) ifIndex (1) IP address (1) name (1) MTU (1), then
//                      ifIndex (32) | AFI (16) Reserved (16) address | name length (8) name | MTU (32)
//
// The messages keep the structure's bytes raw (so they re-encode exactly); decodeExtensions
// reads them for display and returns null for bytes that are not a version 2 structure whose
// objects tile it exactly (RFC 4884 section 5: such bytes are ignored, not an error).
//
// The length byte (RFC 4884 section 4) of an ICMPv4 unreachable, time exceeded or parameter
// problem (byte 5) counts the original-datagram field in 32-bit words; a length of 0 means no
// extensions, the quote running to the end of the message. Decoding keeps the byte as it came
// and says whether it holds; encoding pads the quote to the length (only when extensions follow:
// the padding is what puts them where the length says).

import { formatIpv4, put16, put32, u16, u32, view } from './bytes.js';
import { internetChecksum, sum16 } from './checksum.js';
import { checkBytes, checkUint, EncodeError } from './errors.js';
import { formatIpv6 } from './ipv6-address.js';
import { FIELD } from './icmpv4-codes.js';
import { quotedLength, type QuotedDatagramInit } from './quoted.js';

export const EXTENSION_VERSION = 2;
export const EXTENSION_HEADER_LENGTH = 4;
export const OBJECT_HEADER_LENGTH = 4;

/** Class-Num values (IANA "ICMP Extension Object Classes"). */
export const EXTENSION_CLASS = {
  MPLS_LABEL_STACK: 1,
  INTERFACE_INFORMATION: 2,
  INTERFACE_IDENTIFICATION: 3,
  EXTENDED_INFORMATION: 4,
} as const;

/** RFC 5837 interface roles. */
export const INTERFACE_ROLE = {
  INCOMING: 0,
  SUB_IP_COMPONENT: 1,
  OUTGOING: 2,
  NEXT_HOP: 3,
} as const;

export interface MplsLabelEntry {
  label: number;
  /** Traffic class (RFC 5462; "EXP" in RFC 4950). */
  tc: number;
  /** Bottom of stack. */
  s: boolean;
  ttl: number;
}

interface ObjectBase {
  classNum: number;
  cType: number;
  /** Bytes, object header included, as on the wire. */
  length: number;
}
export interface MplsObject extends ObjectBase {
  kind: 'mpls-label-stack';
  entries: MplsLabelEntry[];
}
export interface InterfaceInformationObject extends ObjectBase {
  kind: 'interface-information';
  role: number;
  ifIndex: number | null;
  address: string | null;
  name: string | null;
  mtu: number | null;
}
export interface UnknownObject extends ObjectBase {
  kind: 'unknown';
  data: Buffer;
}
export type IcmpExtensionObject = MplsObject | InterfaceInformationObject | UnknownObject;

export interface IcmpExtensionStructure {
  version: number;
  reserved: number;
  checksum: number;
  /** The checksum over the whole structure holds; null when it is 0 ("no checksum transmitted"). */
  checksumValid: boolean | null;
  objects: IcmpExtensionObject[];
}

/** Reads the structure at b[o, end), or null when those bytes are not one (see the file comment). */
export function decodeExtensions(b: Uint8Array, o: number, end: number): IcmpExtensionStructure | null {
  if (end - o < EXTENSION_HEADER_LENGTH || b[o]! >>> 4 !== EXTENSION_VERSION) return null;
  const checksum = u16(b, o + 2);
  const objects: IcmpExtensionObject[] = [];
  let i = o + EXTENSION_HEADER_LENGTH;
  while (i < end) {
    if (end - i < OBJECT_HEADER_LENGTH) return null;
    const length = u16(b, i);
    if (length < OBJECT_HEADER_LENGTH || i + length > end) return null;
    objects.push(readObject(b, i, length));
    i += length;
  }
  return {
    version: b[o]! >>> 4,
    reserved: u16(b, o) & 0x0fff,
    checksum,
    checksumValid: checksum === 0 ? null : sum16(b, o, end - o) === 0xffff,
    objects,
  };
}

function readObject(b: Uint8Array, o: number, length: number): IcmpExtensionObject {
  const classNum = b[o + 2]!;
  const cType = b[o + 3]!;
  const p = o + OBJECT_HEADER_LENGTH;
  const size = length - OBJECT_HEADER_LENGTH;
  if (classNum === EXTENSION_CLASS.MPLS_LABEL_STACK && cType === 1 && size % 4 === 0) {
    const entries: MplsLabelEntry[] = [];
    for (let k = p; k < p + size; k += 4) {
      const w = u32(b, k);
      entries.push({ label: w >>> 12, tc: (w >>> 9) & 7, s: (w & 0x100) !== 0, ttl: w & 0xff });
    }
    return { kind: 'mpls-label-stack', classNum, cType, length, entries };
  }
  if (classNum === EXTENSION_CLASS.INTERFACE_INFORMATION) {
    const info = readInterfaceInformation(b, p, p + size, cType);
    if (info !== null) return { kind: 'interface-information', classNum, cType, length, ...info };
  }
  return { kind: 'unknown', classNum, cType, length, data: view(b, p, size) };
}

type InterfaceFields = Pick<InterfaceInformationObject, 'role' | 'ifIndex' | 'address' | 'name' | 'mtu'>;

/** RFC 5837 section 4.1 fields in their order, or null when they do not fill the payload exactly. */
function readInterfaceInformation(b: Uint8Array, p: number, end: number, cType: number): InterfaceFields | null {
  const out: InterfaceFields = { role: cType >>> 6, ifIndex: null, address: null, name: null, mtu: null };
  let i = p;
  if (cType & 0x08) {
    if (i + 4 > end) return null;
    out.ifIndex = u32(b, i);
    i += 4;
  }
  if (cType & 0x04) {
    if (i + 4 > end) return null;
    const afi = u16(b, i);
    const size = afi === 1 ? 4 : afi === 2 ? 16 : -1;
    if (size < 0 || i + 4 + size > end) return null;
    out.address = size === 4 ? formatIpv4(u32(b, i + 4)) : formatIpv6(b, i + 4);
    i += 4 + size;
  }
  if (cType & 0x02) {
    const n = b[i];
    if (n === undefined || i >= end || n < 1 || n % 4 !== 0 || i + n > end) return null;
    out.name = Buffer.from(b.subarray(i + 1, i + n)).toString('utf8').replace(/\0+$/, '');
    i += n;
  }
  if (cType & 0x01) {
    if (i + 4 > end) return null;
    out.mtu = u32(b, i);
    i += 4;
  }
  return i === end ? out : null;
}

// ---- encode -------------------------------------------------------------------------------------

export type IcmpExtensionObjectInit =
  | { kind: 'mpls-label-stack'; entries: { label: number; tc?: number; s?: boolean; ttl?: number }[] }
  | { kind: 'unknown'; classNum: number; cType: number; data?: Uint8Array };

function objectLength(o: IcmpExtensionObjectInit, field: string): number {
  if (o.kind === 'mpls-label-stack') return OBJECT_HEADER_LENGTH + 4 * o.entries.length;
  if (o.kind === 'unknown') return OBJECT_HEADER_LENGTH + (o.data === undefined ? 0 : checkBytes(o.data, `${field}.data`).length);
  throw new EncodeError(`${field}.kind`, (o as { kind: unknown }).kind, 'not an extension object kind (allowed mpls-label-stack, unknown)', 'mpls-label-stack, unknown');
}

/**
 * An extension structure's bytes (version 2, checksum computed unless `computeChecksum` is false)
 * for the `extensions` field of an ICMP error: MPLS label stacks by their entries, anything else
 * as raw objects.
 */
export function encodeExtensions(objects: readonly IcmpExtensionObjectInit[], computeChecksum = true): Buffer {
  const sizes = objects.map((o, k) => objectLength(o, `extensions[${k}]`));
  const out = Buffer.alloc(EXTENSION_HEADER_LENGTH + sizes.reduce((a, n) => a + n, 0));
  out[0] = EXTENSION_VERSION << 4;
  let i = EXTENSION_HEADER_LENGTH;
  objects.forEach((o, k) => {
    const field = `extensions[${k}]`;
    put16(out, i, sizes[k]!);
    if (o.kind === 'mpls-label-stack') {
      out[i + 2] = EXTENSION_CLASS.MPLS_LABEL_STACK;
      out[i + 3] = 1;
      o.entries.forEach((e, n) => {
        const f = `${field}.entries[${n}]`;
        const w =
          (checkUint(e.label, 0xfffff, `${f}.label`) * 4096) +
          ((e.tc === undefined ? 0 : checkUint(e.tc, 7, `${f}.tc`)) << 9) +
          (e.s ? 0x100 : 0) +
          (e.ttl === undefined ? 0 : checkUint(e.ttl, 255, `${f}.ttl`));
        put32(out, i + 4 + 4 * n, w);
      });
    } else {
      out[i + 2] = checkUint(o.classNum, 255, `${field}.classNum`);
      out[i + 3] = checkUint(o.cType, 255, `${field}.cType`);
      if (o.data !== undefined) out.set(o.data, i + 4);
    }
    i += sizes[k]!;
  });
  if (computeChecksum) put16(out, 2, internetChecksum(out));
  return out;
}

// ---- the length byte of ICMPv4 errors -------------------------------------------------------------

/** The RFC 4884 fields of a decoded unreachable, time exceeded or parameter problem. */
export interface ErrorExtensions {
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

/** The init fields that describe the original-datagram field and what follows it. */
export interface ExtensionsInit {
  quoted?: QuotedDatagramInit;
  extensionLength?: number;
  extensions?: Uint8Array | null;
}

/** Most words the length byte holds. */
const MAX_WORDS = 255;

/**
 * RFC 4884's length byte of an unreachable, time exceeded or parameter problem at b[o], and where
 * it puts the quote's end: ICMPv4's byte 5 counting 32-bit words (the defaults), or ICMPv6's
 * byte 4 counting 64-bit words.
 */
export function errorExtensions(b: Uint8Array, o: number, end: number, truncated: boolean, lengthField: number = FIELD.LENGTH, unit = 4): ErrorExtensions & { quotedEnd: number } {
  const extensionLength = b[o + lengthField]!;
  if (extensionLength === 0) return { extensionLength, extensionLengthValid: true, quotedEnd: end, extensions: null };
  const claimed = o + FIELD.BODY + extensionLength * unit;
  if (claimed <= end) return { extensionLength, extensionLengthValid: true, quotedEnd: claimed, extensions: view(b, claimed, end - claimed) };
  // More words than the message holds. RFC 4884 section 5: read it as a message without an
  // extension structure (length 0): everything after the header is the original datagram, as
  // tshark reads it. The byte stays in extensionLength, so encode gives it back. A cut message
  // (truncated) lacks the promised bytes in the capture only: the length is not flagged.
  return { extensionLength, extensionLengthValid: truncated, quotedEnd: end, extensions: null };
}

/** Whether the init gives extension bytes (then the quote is padded to the length). */
export function hasExtensions(init: object): boolean {
  const e = (init as { extensions?: unknown }).extensions;
  return e !== undefined && e !== null;
}

/**
 * Bytes of an RFC 4884 error body: the quoted-datagram field (`field`: each version pads it its
 * own way), then the extensions. Undefined when the init gives neither.
 */
export function errorBodyLength(init: { quoted?: unknown }, field: () => number): number | undefined {
  if (init.quoted === undefined && !hasExtensions(init)) return undefined;
  return field() + (hasExtensions(init) ? checkBytes((init as { extensions?: unknown }).extensions, 'extensions').length : 0);
}

/** Writes an RFC 4884 error body at b[o]: the quote (`written` bytes), zeros to `field`, the extensions. */
export function writeErrorBody(init: { extensions?: Uint8Array | null }, b: Uint8Array, o: number, written: number, field: number): void {
  b.fill(0, o + written, o + field);
  if (hasExtensions(init)) b.set(init.extensions!, o + field);
}

/** Length of the quoted-datagram field: the quoted bytes, padded as RFC 4884 asks. */
export function quotedFieldLength(init: ExtensionsInit): number {
  const q = quotedLength(init.quoted);
  // Padding only matters when extensions follow: it is what puts them where the length says.
  // Without extensions the quoted bytes are written as they are (a snaplen-cut message keeps
  // its length field but not the bytes it promised).
  if (!hasExtensions(init)) return q;
  let field = (q + 3) & ~3;
  if (init.extensionLength !== undefined) {
    field = Math.max(field, checkUint(init.extensionLength, MAX_WORDS, 'extensionLength') * 4);
  }
  return field;
}

/** The length byte to write: as given, or computed when extensions follow (fixLengths), else 0. */
export function extensionLengthFor(init: ExtensionsInit, fixLengths: boolean): number {
  if (init.extensionLength !== undefined) return checkUint(init.extensionLength, MAX_WORDS, 'extensionLength');
  if (!fixLengths || !hasExtensions(init)) return 0;
  const words = quotedFieldLength(init) / 4;
  if (words > MAX_WORDS) {
    throw new EncodeError('extensionLength', words, `the quoted datagram is ${words} words; the length byte holds at most 255`, '0-255');
  }
  return words;
}
