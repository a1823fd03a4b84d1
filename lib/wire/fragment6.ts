// IPv6 fragmentation at the source (RFC 8200 section 4.5), as Linux's ip6_fragment does it.
//
// The packet splits into an unfragmentable part, repeated in every fragment (the IPv6 header,
// and the extension headers routers en route must see: up to and including the Routing header
// when there is one, else the Hop-by-Hop header when there is one), and a fragmentable part
// (everything after: Destination Options for the final destination, AH, ESP, the upper layer),
// cut into pieces of a multiple of 8 bytes. Each fragment is the unfragmentable part, a Fragment
// header (offset in 8-byte units, M on all but the last, one identification for all), and its
// piece; the last unfragmentable header's Next Header becomes 44 and the Fragment header carries
// the value it had. Only the source fragments in IPv6, and a raw IPPROTO_RAW socket never does it
// for us (Linux refuses a datagram over the MTU with EMSGSIZE).
//
// reassembleIpv6 puts fragments back together (RFC 8200 section 4.5, reassembly), for tests and
// for reading captures.

import { put16, put32, u16 } from './bytes.js';
import { DecodeError, EncodeError } from './errors.js';
import { decodeChain } from './ipv6-chain.js';
import { FRAGMENT_HEADER_LENGTH } from './ipv6-ext.js';
import { FIELD, HEADER_LENGTH, NEXT_HEADER } from './ipv6.js';

/** The smallest link MTU IPv6 allows (RFC 8200 section 5). */
export const MIN_IPV6_MTU = 1280;

export interface Fragment6Options {
  /** The Fragment header identification; random (as Linux picks it) when absent. */
  identification?: number;
}

interface Layout {
  /** Bytes the packet spans: min(40 + payload length, bytes given). */
  total: number;
  /** End of the unfragmentable part. */
  unfragmentable: number;
  /** Offset of the Next Header byte that names the first fragmentable header. */
  nextHeaderAt: number;
}

/** Where the unfragmentable part ends. Throws EncodeError for a packet we cannot read or that is a fragment already. */
function layoutOf(packet: Uint8Array): Layout {
  if (!(packet instanceof Uint8Array) || packet.byteLength < HEADER_LENGTH || packet[0]! >>> 4 !== 6) {
    throw new EncodeError('ip', null, 'not an IPv6 packet with a whole 40-byte header');
  }
  const total = Math.min(HEADER_LENGTH + u16(packet, FIELD.PAYLOAD_LENGTH), packet.byteLength);
  let chain;
  try {
    chain = decodeChain(packet, HEADER_LENGTH, total, packet[FIELD.NEXT_HEADER]!);
  } catch (e) {
    if (e instanceof DecodeError) throw new EncodeError('extensions', null, `cannot fragment a packet whose extension chain is malformed: ${e.message}`);
    throw e;
  }
  if (chain.fragment !== null) throw new EncodeError('extensions', null, 'the packet is a fragment already (it has a Fragment header)');
  let unfragmentable = HEADER_LENGTH;
  let nextHeaderAt: number = FIELD.NEXT_HEADER;
  let at = HEADER_LENGTH;
  const lastRouting = chain.extensions.map((x) => x.kind).lastIndexOf('routing');
  chain.extensions.forEach((x, k) => {
    const inUnfragmentable = lastRouting >= 0 ? k <= lastRouting : k === 0 && x.kind === 'hop-by-hop';
    if (inUnfragmentable) {
      nextHeaderAt = at;
      unfragmentable = at + x.headerLength;
    }
    at += x.headerLength;
  });
  return { total, unfragmentable, nextHeaderAt };
}

/**
 * An unpredictable Fragment identification (RFC 7739), from the Web Crypto global: it loads
 * node:crypto on first use, so a program that never fragments does not load it at start.
 */
function randomIdentification(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/**
 * The packet cut into fragments of at most `mtu` bytes, or the packet itself (one element, not
 * copied) when it fits.
 */
export function fragmentIpv6(packet: Uint8Array, mtu: number, options: Fragment6Options = {}): Uint8Array[] {
  if (!Number.isInteger(mtu) || mtu < MIN_IPV6_MTU) {
    throw new EncodeError('mtu', mtu, `${String(mtu)} is below the IPv6 minimum of ${MIN_IPV6_MTU} (RFC 8200 section 5)`, `${MIN_IPV6_MTU} or more`);
  }
  const { total, unfragmentable, nextHeaderAt } = layoutOf(packet);
  if (total <= mtu) return [packet];
  const identification =
    options.identification === undefined ? randomIdentification() : options.identification;
  if (!Number.isInteger(identification) || identification < 0 || identification > 0xffffffff) {
    throw new EncodeError('identification', identification, `${String(identification)} is out of range 0-4294967295`, '0-4294967295');
  }
  const room = Math.floor((mtu - unfragmentable - FRAGMENT_HEADER_LENGTH) / 8) * 8;
  if (room <= 0) {
    throw new EncodeError('mtu', mtu, `${mtu} leaves no room for data after ${unfragmentable} unfragmentable bytes and the Fragment header`);
  }
  const original = packet[nextHeaderAt]!;
  const dataLength = total - unfragmentable;
  const fragments: Uint8Array[] = [];
  for (let done = 0; done < dataLength; done += room) {
    const size = Math.min(room, dataLength - done);
    const last = done + size === dataLength;
    const out = Buffer.alloc(unfragmentable + FRAGMENT_HEADER_LENGTH + size);
    out.set(packet.subarray(0, unfragmentable), 0);
    out[nextHeaderAt] = NEXT_HEADER.FRAGMENT;
    put16(out, FIELD.PAYLOAD_LENGTH, out.length - HEADER_LENGTH);
    const f = unfragmentable;
    out[f] = original;
    out[f + 1] = 0;
    put16(out, f + 2, ((done / 8) << 3) | (last ? 0 : 1));
    put32(out, f + 4, identification);
    out.set(packet.subarray(unfragmentable + done, unfragmentable + done + size), f + FRAGMENT_HEADER_LENGTH);
    fragments.push(out);
  }
  return fragments;
}

/**
 * The packet a complete set of fragments (any order, one identification) came from. Throws
 * DecodeError naming the fragment (by index in `fragments`) that does not fit: no Fragment
 * header, another identification, overlap, a hole, or no last fragment.
 */
export function reassembleIpv6(fragments: readonly Uint8Array[]): Buffer {
  const pieces = fragments.map((p, index) => {
    const total = Math.min(HEADER_LENGTH + u16(p, FIELD.PAYLOAD_LENGTH), p.byteLength);
    const chain = decodeChain(p, HEADER_LENGTH, total, p[FIELD.NEXT_HEADER]!);
    const f = chain.fragment;
    if (f === null) throw new DecodeError(`fragment ${index} has no Fragment header`, HEADER_LENGTH);
    const nextHeaderAt = chain.fragmentAt === HEADER_LENGTH ? FIELD.NEXT_HEADER : previousHeaderAt(p, chain.fragmentAt);
    return { index, p, f, at: chain.fragmentAt, nextHeaderAt, data: p.subarray(chain.fragmentAt + FRAGMENT_HEADER_LENGTH, total) };
  });
  pieces.sort((a, b) => a.f.fragmentOffsetBytes - b.f.fragmentOffsetBytes);
  const first = pieces[0];
  if (first === undefined || first.f.fragmentOffset !== 0) throw new DecodeError('no first fragment (offset 0)', 0);
  let expected = 0;
  for (const x of pieces) {
    if (x.f.identification !== first.f.identification) {
      throw new DecodeError(`fragment ${x.index} has identification ${x.f.identification}, not ${first.f.identification}`, x.at + 4);
    }
    if (x.f.fragmentOffsetBytes !== expected) {
      throw new DecodeError(`fragment ${x.index} starts at byte ${x.f.fragmentOffsetBytes}, expected ${expected} (a hole or an overlap)`, x.at + 2);
    }
    expected += x.data.length;
  }
  if (pieces.at(-1)!.f.mf) throw new DecodeError('the last fragment has M set: fragments are missing', pieces.at(-1)!.at + 2);
  const out = Buffer.concat([first.p.subarray(0, first.at), ...pieces.map((x) => x.data)]);
  out[first.nextHeaderAt] = first.f.nextHeader;
  put16(out, FIELD.PAYLOAD_LENGTH, out.length - HEADER_LENGTH);
  return out;
}

/** Offset of the header (in the chain before `target`) whose Next Header byte names `target`. */
function previousHeaderAt(p: Uint8Array, target: number): number {
  const chain = decodeChain(p, HEADER_LENGTH, target, p[FIELD.NEXT_HEADER]!, true);
  let at = HEADER_LENGTH;
  for (const x of chain.extensions) {
    if (at + x.headerLength === target) return at;
    at += x.headerLength;
  }
  return FIELD.NEXT_HEADER;
}
