// What ICMPv4 (icmpv4.ts) and ICMPv6 (icmpv6.ts) messages share: the first 8 bytes (type, code,
// checksum, and an echo's identifier and sequence where the rest of the header starts), and
// decoding an echo (the ping hot path: one object, spelled out). Checking an init's kind against
// its type is errors.ts's typeOfKind (options use it too). The tables of types and codes are each
// version's own.

import { u16, view } from './bytes.js';
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

