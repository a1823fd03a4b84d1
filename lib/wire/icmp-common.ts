// What ICMPv4 (icmpv4.ts) and ICMPv6 (icmpv6.ts) messages share: the first 8 bytes (type, code,
// checksum, and an echo's identifier and sequence where the rest of the header starts), and
// decoding an echo (the ping hot path: one object, spelled out). Checking an init's kind against
// its type is errors.ts's typeOfKind (options use it too). The tables of types and codes are each
// version's own.

import { u16, view } from './bytes.js';
import { checkBytes, checkUint } from './errors.js';
import { at, layout } from './tables.js';

/** Byte offsets both versions give the same meaning: the fixed part, and an echo's rest of header. */
export const ICMP_HEADER_FIELD = {
  ...layout([['TYPE', 1], ['CODE', 1], ['CHECKSUM', 2]], [['REST', 4]], [['BODY', 0]]),
  ...at(4, [['IDENTIFIER', 2], ['SEQUENCE', 2]]),
};

/** What every message to encode may give of its first 4 bytes. */
export interface IcmpBaseInit {
  /** Must match the kind when given (free for 'unknown'). */
  type?: number;
  code?: number;
  checksum?: number;
}

/** An error that may carry RFC 4884 extensions after the datagram it quotes (`Q`: the version's quote). */
export interface Rfc4884Init<Q> extends IcmpBaseInit {
  quoted?: Q;
  extensionLength?: number;
  extensions?: Uint8Array | null;
  unused?: number;
}

/** The fixed part of an echo: type, code, checksum, identifier, sequence. */
export const ECHO_HEADER_LENGTH = 8;

export interface EchoFields<K extends string> {
  kind: K;
  type: number;
  code: number;
  checksum: number;
  checksumValid: boolean | null;
  headerLength: number;
  identifier: number;
  sequence: number;
  data: Buffer;
}

/**
 * The echo request or reply at b[o, end) (8 bytes of it known to be there). Spelled out rather
 * than spread from a base: this runs for every reply a ping or a flood reads.
 */
export function decodeEcho<K extends string>(kind: K, b: Uint8Array, o: number, end: number, checksumValid: boolean | null): EchoFields<K> {
  return {
    kind,
    type: b[o + ICMP_HEADER_FIELD.TYPE]!,
    code: b[o + ICMP_HEADER_FIELD.CODE]!,
    checksum: u16(b, o + ICMP_HEADER_FIELD.CHECKSUM),
    checksumValid,
    headerLength: ECHO_HEADER_LENGTH,
    identifier: u16(b, o + ICMP_HEADER_FIELD.IDENTIFIER),
    sequence: u16(b, o + ICMP_HEADER_FIELD.SEQUENCE),
    data: view(b, o + ECHO_HEADER_LENGTH, end - o - ECHO_HEADER_LENGTH),
  };
}

// ---- encode -------------------------------------------------------------------------------------

/** The kinds whose body is their data as given: an echo (RFC 792; RFC 4443 section 4), and a type we know no layout of. */
export type DataBodyKind = 'echo-request' | 'echo-reply' | 'unknown';

/** Whether the message's body is its data, written as given (DataBodyKind). */
export function hasDataBody<I extends { kind: string }>(init: I): init is Extract<I, { kind: DataBodyKind }> {
  return init.kind === 'echo-request' || init.kind === 'echo-reply' || init.kind === 'unknown';
}

/** The bytes a data body takes (undefined: no data given). */
export function dataBodyLength(init: { data?: Uint8Array }): number | undefined {
  return init.data === undefined ? undefined : checkBytes(init.data, 'data').length;
}

/** Writes a data body at b[o...] (nothing when no data was given). */
export function writeDataBody(init: { data?: Uint8Array }, b: Uint8Array, o: number): void {
  if (init.data !== undefined) b.set(init.data, o);
}

/** An echo's rest of header (a timestamp's too, in ICMPv4): identifier and sequence, 0 when not given. */
export function echoRestOfHeader(init: { identifier?: number; sequence?: number }): number {
  const id = init.identifier === undefined ? 0 : checkUint(init.identifier, 0xffff, 'identifier');
  const seq = init.sequence === undefined ? 0 : checkUint(init.sequence, 0xffff, 'sequence');
  return ((id << 16) | seq) >>> 0;
}
