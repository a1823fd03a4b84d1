// A whole IPv6 packet: the IPv6 header, its extension headers, at most one upper layer (ICMPv6,
// UDP or TCP) and the bytes after it. The IPv6 twin of packet.ts, same rules:
//
// decodePacket6 reads layer by layer and stops where the bytes stop: a payload cut short is
// flagged (`truncated`), a cut header is a DecodeError whose `partial` holds the layers read so
// far. Upper-layer checksums are verified over the pseudo-header with the final destination
// (a Routing header's last address while segments are left, RFC 8200 section 8.1).
// encodePacket6 writes the extension headers, then the upper layer, then the IPv6 header, so
// outer lengths and checksums see the finished bytes; fixLengths and computeChecksums fill what
// the caller left out and never touch what the caller gave. Next Header values are chained
// automatically: the IPv6 header names the first extension, each extension the next, the last
// one the upper layer (59, No Next Header, when there is none).

import { decodeSpan, encodeTarget, view } from './bytes.js';
import { sum16 } from './checksum.js';
import { DecodeError, EncodeError } from './errors.js';
import type * as icmpv6 from './icmpv6.js';
import { address6Value } from './ipv6-address.js';
import { chainEncodingLength, decodeChain, encodeChain, firstNextHeader, type Chain } from './ipv6-chain.js';
import { addressSum6 } from './ipv6-checksum.js';
import type { Ipv6Extension, Ipv6ExtensionInit } from './ipv6-ext.js';
import { jumboLength } from './ipv6-options.js';
import type { PacketDecodeOptions } from './packet.js';
import { finalDestination } from './ipv6-routing.js';
import * as ipv6 from './ipv6.js';
import { decodeUpper, under, upperEncodingLength, upperOf, writeUpper, UPPER_PROTOCOL, type PacketTail, type PacketTailInit, type PacketWords } from './upper.js';

/** An IPv6 packet: its header, its extension chain, at most one upper layer (icmpv6, or udp / tcp and the rest: PacketTail). */
export interface Packet6 extends PacketTail {
  ip: ipv6.Ipv6Header;
  extensions: Ipv6Extension[];
  icmpv6: icmpv6.Icmpv6Message | null;
}

export interface Packet6Init extends PacketTailInit {
  /** nextHeader, when given, is written as given even if it names another header. */
  ip: ipv6.Ipv6HeaderInit;
  extensions?: readonly Ipv6ExtensionInit[];
  icmpv6?: icmpv6.Icmpv6MessageInit | null;
}

/**
 * decodePacket's options, read for IPv6: `originalLength`, the packet's length on the wire when
 * known (pcap: the record's original length less the link header). A payload length past it is a
 * lie, not a snaplen: a DecodeError at the Payload Length field. Without it a payload length past
 * the bytes given means `truncated`.
 */
export type Packet6DecodeOptions = PacketDecodeOptions;

export interface Packet6EncodeOptions {
  /** Compute absent lengths (payload length, extension lengths and padding, UDP length...). Default true. */
  fixLengths?: boolean;
  /** Compute absent checksums (ICMPv6, UDP, TCP). Default true. */
  computeChecksums?: boolean;
}

// ---- decode -------------------------------------------------------------------------------------

/** The layers read before a problem (a type, not an interface: decodeUpper takes it as a record). */
type Partial6 = {
  ip: unknown;
  extensions: unknown;
  icmpv6: unknown;
  udp: unknown;
  tcp: unknown;
};

function fail(e: unknown, partial: Partial6, layer: keyof Partial6): never {
  if (e instanceof DecodeError) {
    partial[layer] = e.partial ?? (layer === 'extensions' ? [] : null);
    e.partial = partial;
  }
  throw e;
}

/**
 * Decodes the IPv6 packet at buf[offset, offset + length). Bytes past 40 + payload length (link
 * padding) are ignored; `bytes` says how many were used. Throws DecodeError on structural
 * problems (a cut or malformed extension header or upper-layer header, a fragment that cannot
 * be reassembled, a payload length past `originalLength`); its `partial` is Packet6-shaped.
 */
export function decodePacket6(buf: Uint8Array, offset = 0, length?: number, opts: Packet6DecodeOptions = {}): Packet6 {
  const end = decodeSpan(buf, offset, length);
  const partial: Partial6 = { ip: null, extensions: [], icmpv6: null, udp: null, tcp: null };
  let ip: ipv6.Ipv6Header;
  try {
    ip = ipv6.decode(buf, offset, end - offset);
  } catch (e) {
    fail(e, partial, 'ip');
  }
  partial.ip = ip;
  const start = offset + ipv6.HEADER_LENGTH;
  let claimed = ipv6.HEADER_LENGTH + ip.payloadLength;
  if (ip.payloadLength === 0 && ip.nextHeader === 0) claimed = ipv6.HEADER_LENGTH + jumboLength(buf, start, end);
  if (opts.originalLength !== undefined && claimed > opts.originalLength) {
    throw new DecodeError(`IPv6 payload length ${claimed - ipv6.HEADER_LENGTH} runs past the ${opts.originalLength}-byte packet`, offset + ipv6.FIELD.PAYLOAD_LENGTH, partial);
  }
  const present = end - offset;
  const truncated = claimed > present;
  const ipEnd = offset + (truncated ? present : claimed);
  let chain: Chain;
  try {
    chain = decodeChain(buf, start, ipEnd, ip.nextHeader);
  } catch (e) {
    fail(e, partial, 'extensions');
  }
  partial.extensions = chain.extensions;
  if (chain.fragment !== null) checkFragment(chain, offset + claimed, start, partial);
  const packet: Packet6 = { ip, extensions: chain.extensions, icmpv6: null, udp: null, tcp: null, payload: EMPTY, truncated, bytes: ipEnd - offset };
  const nonFirst = chain.fragment !== null && chain.fragment.fragmentOffset !== 0;
  const incomplete = truncated || (chain.fragment !== null && chain.fragment.mf);
  const upper = nonFirst ? -1 : (chain.upperLayer ?? -1);
  const addressSum = upper === 58 || upper === 17 || upper === 6 ? pseudoAddressSum(buf, offset, chain) : 0;
  const payloadStart = decodeUpper(packet, upper, buf, chain.end, ipEnd, addressSum, incomplete, true, partial);
  packet.payload = view(buf, payloadStart, ipEnd - payloadStart);
  return packet;
}

const EMPTY = Buffer.alloc(0);

/** The pseudo-header's address sum: source, and the final destination (RFC 8200 section 8.1). */
function pseudoAddressSum(buf: Uint8Array, offset: number, chain: Chain): number {
  const src = offset + ipv6.FIELD.SRC;
  const dst = offset + ipv6.FIELD.DST;
  if (chain.routingOffset >= 0) {
    const r = chain.routingOffset;
    const final = finalDestination(buf, r, (buf[r + 1]! + 1) * 8, buf, dst);
    if (final !== null) return addressSum6(buf, src, final, 0);
  }
  // Source and destination sit side by side in the header: one pass over its bytes 8-40.
  return sum16(buf, src, 32);
}

/**
 * RFC 8200 section 4.5: a fragment whose data is not a multiple of 8 bytes while M is set, or
 * whose offset and length would make the reassembled payload longer than 65535 bytes, cannot be
 * reassembled (a receiver answers Parameter Problem code 0, pointing at the field we name).
 */
function checkFragment(chain: Chain, claimedEnd: number, start: number, partial: Partial6): void {
  const f = chain.fragment!;
  const data = claimedEnd - chain.end;
  if (f.mf && data % 8 !== 0) {
    throw new DecodeError(`IPv6 fragment data is ${data} bytes, not a multiple of 8, with M set (RFC 8200 section 4.5)`, start - ipv6.HEADER_LENGTH + ipv6.FIELD.PAYLOAD_LENGTH, partial);
  }
  const unfragmentable = chain.fragmentAt - start;
  if (unfragmentable + f.fragmentOffsetBytes + data > 0xffff) {
    throw new DecodeError(
      `IPv6 fragment offset ${f.fragmentOffsetBytes} bytes plus ${data} bytes of data makes a reassembled payload of ${unfragmentable + f.fragmentOffsetBytes + data} bytes, over 65535 (RFC 8200 section 4.5)`,
      chain.fragmentAt + 2,
      partial,
    );
  }
}

// ---- encode -------------------------------------------------------------------------------------

type Upper = 'icmpv6' | 'udp' | 'tcp' | null;
const UPPERS = ['icmpv6', 'udp', 'tcp'] as const;
const WORDS: PacketWords = {
  shape: 'ip, extensions, icmpv6|udp|tcp, payload',
  header: 'an IPv6 header',
  upper: 'upper-layer header',
  maxPayload: Number.MAX_SAFE_INTEGER,
};

interface Measured {
  t: Upper;
  extensions: number;
  upper: number;
}

function measure(init: Packet6Init, options: Packet6EncodeOptions): Measured {
  const t = upperOf(init, UPPERS, WORDS);
  const fixLengths = options.fixLengths ?? true;
  return { t, extensions: chainEncodingLength(init.extensions, { fixLengths }), upper: upperEncodingLength(init, t, fixLengths) };
}

/** Bytes encodePacket6 will write. */
export function packet6EncodingLength(init: Packet6Init, options: Packet6EncodeOptions = {}): number {
  const m = measure(init, options);
  return ipv6.HEADER_LENGTH + m.extensions + m.upper;
}

/** Encodes into a new Buffer of exactly the packet's length. */
export function encodePacket6(init: Packet6Init, options: Packet6EncodeOptions = {}): Buffer {
  const m = measure(init, options);
  const buf = Buffer.alloc(ipv6.HEADER_LENGTH + m.extensions + m.upper);
  writePacket6(init, m, buf, 0, options);
  return buf;
}

/**
 * Encodes into `buf` at `offset` and returns the bytes written; for loops that reuse one buffer.
 * The input is never modified. Throws EncodeError (field path like "ip.hopLimit",
 * "extensions[1].options[0].value" or "udp.dstPort"), or on "buffer" when it is too small.
 */
export function encodePacket6Into(init: Packet6Init, buf: Uint8Array, offset = 0, options: Packet6EncodeOptions = {}): number {
  const m = measure(init, options);
  if (buf === undefined) throw new EncodeError('buffer', buf, 'missing: encodePacket6Into needs a buffer (use encodePacket6)', 'bytes');
  encodeTarget(buf, offset, ipv6.HEADER_LENGTH + m.extensions + m.upper);
  return writePacket6(init, m, buf, offset, options);
}

/** The packet into room already checked: extensions, then the upper layer, then the IPv6 header. */
function writePacket6(init: Packet6Init, m: Measured, buf: Uint8Array, offset: number, options: Packet6EncodeOptions): number {
  const fixLengths = options.fixLengths ?? true;
  const computeChecksums = options.computeChecksums ?? true;
  const upperNumber = m.t === null ? ipv6.NEXT_HEADER.NO_NEXT_HEADER : UPPER_PROTOCOL[m.t];
  const chain = encodeChain(init.extensions, buf, offset + ipv6.HEADER_LENGTH, upperNumber, { fixLengths });
  // Parsed once here: the pseudo-header needs them, and a bad address is the IPv6 header's fault.
  const src = address6Value(init.ip.src, 'ip.src');
  const dst = address6Value(init.ip.dst, 'ip.dst');
  const final = chain.routingOffset < 0 ? null : finalDestination(buf, chain.routingOffset, chain.routingLength, dst, 0);
  const addressSum = addressSum6(src, 0, final ?? dst, 0);
  writeUpper(init, m.t, buf, offset + ipv6.HEADER_LENGTH + chain.length, m.upper, { addressSum, fixLengths, computeChecksums });
  under('ip', () =>
    ipv6.encode(init.ip, buf, offset, {
      payloadLength: chain.length + m.upper,
      fixLengths,
      nextHeader: firstNextHeader(init.extensions, upperNumber),
    }),
  );
  return ipv6.HEADER_LENGTH + chain.length + m.upper;
}
