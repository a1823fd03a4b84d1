// RFC 4884 in ICMPv4 errors: the length byte of an unreachable, time exceeded or parameter
// problem (byte 5) counts the original-datagram field in 32-bit words, and an extension
// structure (RFC 4950 MPLS labels, RFC 5837 interface information) follows that field. A
// length of 0 means no extensions: the quote runs to the end of the message.
//
// Decoding keeps the byte as it came and says whether it holds; encoding pads the quote to the
// length (only when extensions follow: the padding is what puts them where the length says).
import { view } from './bytes.js';
import { checkUint, EncodeError } from './errors.js';
import { FIELD } from './icmpv4-codes.js';
import { quotedLength, type QuotedDatagramInit } from './quoted.js';

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

/** RFC 4884's length byte of an unreachable, time exceeded or parameter problem, and where it puts the quote's end. */
export function errorExtensions(b: Uint8Array, o: number, end: number, truncated: boolean): ErrorExtensions & { quotedEnd: number } {
  const extensionLength = b[o + FIELD.LENGTH]!;
  if (extensionLength === 0) return { extensionLength, extensionLengthValid: true, quotedEnd: end, extensions: null };
  const claimed = o + FIELD.BODY + extensionLength * 4;
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
