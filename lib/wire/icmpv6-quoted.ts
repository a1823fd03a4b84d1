// The invoking packet an ICMPv6 error quotes (RFC 4443 section 2.4 (c): "as much of the invoking
// packet as possible without the ICMPv6 packet exceeding the minimum IPv6 MTU"), read as far as
// it goes: its IPv6 header (required whole), its extension headers while they are whole, and the
// first 8 bytes of the upper layer read as UDP, TCP or ICMPv6 said them. Also what the Redirected
// Header option of an ND Redirect carries (RFC 4861 section 4.6.3).

import { u16, u32, view } from './bytes.js';
import { checkBytes, DecodeError, EncodeError, showValue } from './errors.js';
import { chainEncodingLength, decodeChain, encodeChain, firstNextHeader } from './ipv6-chain.js';
import type { Ipv6Extension, Ipv6ExtensionInit } from './ipv6-ext.js';
import * as ipv6 from './ipv6.js';
import { checkQuotedSummary, writeQuotedSummary } from './quoted.js';

export interface QuotedUdp6 {
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: number;
}
export interface QuotedTcp6 {
  srcPort: number;
  dstPort: number;
  sequence: number;
}
export interface QuotedIcmpv6 {
  type: number;
  code: number;
  checksum: number;
  identifier: number;
  sequence: number;
}

/**
 * The quoted packet. `ip.payloadLength` describes the original, not what is here. `payload` is
 * every byte after the extension headers that are whole (with RFC 4884, up to the length field).
 */
export interface QuotedDatagram6 {
  ip: ipv6.Ipv6Header;
  extensions: Ipv6Extension[];
  /** The Next Header where the walk stopped: the quoted upper layer (null after ESP). */
  upperLayer: number | null;
  /** False when the quote ends inside an extension header: that header starts `payload`. */
  chainComplete: boolean;
  payload: Buffer;
  udp: QuotedUdp6 | null;
  tcp: QuotedTcp6 | null;
  icmpv6: QuotedIcmpv6 | null;
}

/**
 * Decodes the quote at b[start, end). Throws DecodeError (reason prefixed "quoted") when the
 * IPv6 header is not all there or not version 6, or an extension header is malformed; the
 * caller's `message` becomes its partial, with `quoted` holding what was read.
 */
export function decodeQuoted6(b: Uint8Array, start: number, end: number, message: Record<string, unknown>): QuotedDatagram6 {
  let ip: ipv6.Ipv6Header | null = null;
  try {
    ip = ipv6.decode(b, start, end - start);
    const chain = decodeChain(b, start + ipv6.HEADER_LENGTH, end, ip.nextHeader, true);
    const p = chain.end;
    const first8 = chain.complete && end - p >= 8 && (chain.fragment === null || chain.fragment.fragmentOffset === 0);
    const upper = chain.complete ? chain.upperLayer : null;
    return {
      ip,
      extensions: chain.extensions,
      upperLayer: chain.complete ? chain.upperLayer : (chain.extensions.at(-1)?.nextHeader ?? ip.nextHeader),
      chainComplete: chain.complete,
      payload: view(b, p, end - p),
      udp: first8 && upper === 17 ? { srcPort: u16(b, p), dstPort: u16(b, p + 2), length: u16(b, p + 4), checksum: u16(b, p + 6) } : null,
      tcp: first8 && upper === 6 ? { srcPort: u16(b, p), dstPort: u16(b, p + 2), sequence: u32(b, p + 4) } : null,
      icmpv6:
        first8 && upper === 58
          ? { type: b[p]!, code: b[p + 1]!, checksum: u16(b, p + 2), identifier: u16(b, p + 4), sequence: u16(b, p + 6) }
          : null,
    };
  } catch (e) {
    if (e instanceof DecodeError) {
      const inChain = ip !== null;
      message.quoted = {
        ip: inChain ? ip : e.partial,
        extensions: inChain ? e.partial : [],
        upperLayer: null,
        chainComplete: false,
        payload: null,
        udp: null,
        tcp: null,
        icmpv6: null,
      };
      throw new DecodeError(`quoted ${e.reason}`, e.offset, message);
    }
    throw e;
  }
}

// ---- encode -------------------------------------------------------------------------------------

export interface QuotedDatagram6Init {
  /** nextHeader is derived from the extensions / udp / tcp / icmpv6 when absent (59 otherwise). */
  ip: ipv6.Ipv6HeaderInit;
  extensions?: readonly Ipv6ExtensionInit[];
  /** Bytes after the extension headers. When absent they are built from udp / tcp / icmpv6 (8 bytes). */
  payload?: Uint8Array;
  udp?: { srcPort: number; dstPort: number; length?: number; checksum?: number } | null;
  tcp?: { srcPort: number; dstPort: number; sequence?: number } | null;
  icmpv6?: { type: number; code?: number; checksum?: number; identifier?: number; sequence?: number } | null;
  /** Derived on decode; ignored when encoding. */
  upperLayer?: number | null;
  chainComplete?: boolean;
}

const UPPER = { udp: 17, tcp: 6, icmpv6: 58 } as const;

function summaryOf(q: QuotedDatagram6Init): 'udp' | 'tcp' | 'icmpv6' | null {
  const given = (['udp', 'tcp', 'icmpv6'] as const).filter((k) => q[k] !== undefined && q[k] !== null);
  if (given.length > 1) {
    throw new EncodeError('quoted', q, 'give at most one of udp, tcp, icmpv6 (or payload bytes)', 'one of udp, tcp, icmpv6');
  }
  return given[0] ?? null;
}

function payloadLength(q: QuotedDatagram6Init): number {
  if (q.payload !== undefined) return checkBytes(q.payload, 'quoted.payload').length;
  return summaryOf(q) === null ? 0 : 8;
}

/** Bytes the quote takes. */
export function quoted6Length(q: QuotedDatagram6Init | undefined, fixLengths: boolean): number {
  if (q === undefined) return 0;
  if (q === null || typeof q !== 'object') {
    throw new EncodeError('quoted', q, `${showValue(q)} is not a quoted datagram object {ip, extensions, payload}`, 'an object');
  }
  return ipv6.HEADER_LENGTH + chainEncodingLength(q.extensions, { fixLengths, field: 'quoted.extensions' }) + payloadLength(q);
}

/** Writes the quote at b[o...] and returns its length (quoted6Length). */
export function writeQuoted6(q: QuotedDatagram6Init, b: Uint8Array, o: number, fixLengths: boolean): number {
  const summary = summaryOf(q);
  const payload = payloadLength(q);
  const upper = summary === null ? 59 : UPPER[summary];
  const chain = encodeChain(q.extensions, b, o + ipv6.HEADER_LENGTH, upper, { fixLengths, field: 'quoted.extensions' });
  const p = o + ipv6.HEADER_LENGTH + chain.length;
  try {
    ipv6.encode(q.ip, b, o, { payloadLength: chain.length + payload, fixLengths, nextHeader: firstNextHeader(q.extensions, upper) });
  } catch (e) {
    throw e instanceof EncodeError ? e.under('quoted.ip') : e;
  }
  if (q.payload !== undefined) {
    b.set(q.payload, p);
    for (const name of ['udp', 'tcp', 'icmpv6'] as const) checkQuotedSummary(LAYOUT[name], name, q[name], q.payload);
  } else if (summary !== null) {
    writeQuotedSummary(LAYOUT[summary], summary, q[summary]!, b, p, fixLengths);
  }
  return p + payload - o;
}

/** How each summary's 8 bytes read (quoted.ts): ICMPv6's echo fields sit where ICMPv4's do. */
const LAYOUT = { udp: 'udp', tcp: 'tcp', icmpv6: 'icmp' } as const;
