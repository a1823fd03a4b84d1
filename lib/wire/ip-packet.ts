// A whole IP packet of either version: the version nibble (or, to encode, the addresses) chooses
// packet.ts (IPv4) or packet6.ts (IPv6). What reads packets off a capture, a file or a socket
// (decode, checksum, send, capture) goes through here and never asks which one it has until it
// must: `isPacket6` tells them apart.
//
//   const p = decodeIpPacket(bytes);          // Packet | Packet6, or throws DecodeError
//   const b = encodeIpPacket({ ip: { src: '::1', dst: '::1' }, icmpv6: { kind: 'echo-request' } });

import { decodeSpan } from './bytes.js';
import { DecodeError, EncodeError, showValue } from './errors.js';
import type { FromJsonOptions } from './json.js';
import { jsonify, packetInitFromJson, type Jsonified } from './json.js';
import { packet6InitFromJson } from './json6.js';
import { decodePacket, encodePacket, type Packet, type PacketEncodeOptions, type PacketInit } from './packet.js';
import { decodePacket6, encodePacket6, type Packet6, type Packet6DecodeOptions, type Packet6EncodeOptions, type Packet6Init } from './packet6.js';

export type IpPacket = Packet | Packet6;
export type IpPacketInit = PacketInit | Packet6Init;
export type IpPacketJson = Jsonified<IpPacket>;

/** The IP version of the packet at b[offset] (its first nibble); -1 when there is no byte. */
export function ipVersionAt(b: Uint8Array, offset = 0): number {
  return offset < b.length ? b[offset]! >>> 4 : -1;
}

/** An IPv6 packet (it has an extension chain, even an empty one). */
export function isPacket6(p: IpPacket): p is Packet6 {
  return 'extensions' in p;
}

/**
 * Decodes the IP packet at buf[offset, offset + length) by its version: IPv4 (decodePacket) or
 * IPv6 (decodePacket6), `opts` read by either. Any other version, or no byte at all, is a
 * DecodeError at the first byte.
 */
export function decodeIpPacket(buf: Uint8Array, offset = 0, length?: number, opts: Packet6DecodeOptions = {}): IpPacket {
  const end = decodeSpan(buf, offset, length);
  if (end === offset) throw new DecodeError('no IP header: the packet is empty', offset);
  const version = buf[offset]! >>> 4;
  if (version === 6) return decodePacket6(buf, offset, end - offset, opts);
  if (version === 4) return decodePacket(buf, offset, end - offset, opts);
  throw new DecodeError(`IP version is ${version}: neither 4 nor 6`, offset);
}

/** The version an init describes: 6 when it says so, has IPv6-only keys, or IPv6 addresses. */
export function initVersion(init: IpPacketInit | Record<string, unknown>): 4 | 6 {
  if (init === null || typeof init !== 'object') return 4;
  const o = init as Record<string, unknown>;
  if ('extensions' in o || 'icmpv6' in o) return 6;
  const ip = o.ip as Record<string, unknown> | null | undefined;
  if (ip === null || typeof ip !== 'object') return 4;
  if (ip.version === 6 || 'flowLabel' in ip || 'hopLimit' in ip || 'trafficClass' in ip) return 6;
  const src = ip.src;
  const dst = ip.dst;
  return (typeof src === 'string' && src.includes(':')) || (typeof dst === 'string' && dst.includes(':')) ? 6 : 4;
}

/** encodePacket or encodePacket6, as the init's version says (initVersion). */
export function encodeIpPacket(init: IpPacketInit, options: PacketEncodeOptions & Packet6EncodeOptions = {}): Buffer {
  return initVersion(init) === 6 ? encodePacket6(init as Packet6Init, options) : encodePacket(init as PacketInit, options);
}

export function ipPacketToJson(p: IpPacket): IpPacketJson {
  return jsonify(p);
}

/**
 * A packet init from JSON of either version (what decode --json prints, or a subset): IPv6 when
 * initVersion says so. Throws EncodeError naming the JSON path of the first bad field.
 */
export function ipPacketInitFromJson(obj: unknown, options: FromJsonOptions = {}): IpPacketInit {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new EncodeError(options.path || 'packet', obj, `${showValue(obj)} is not an object`, 'an object');
  }
  return initVersion(obj as Record<string, unknown>) === 6 ? packet6InitFromJson(obj, options) : packetInitFromJson(obj, options);
}
