// The type-specific part of the IPv6 Routing header (RFC 8200 section 4.4), and the final
// destination it names for the pseudo-header (RFC 8200 section 8.1).
//
//   | Next Header | Hdr Ext Len | Routing Type | Segments Left |   <- ipv6-ext.ts reads these
//   type 0 (RFC 2460, deprecated by RFC 5095), type 2 (RFC 6275 Mobile IPv6):
//   |                          Reserved                           |
//   |                 Address[1..n] (16 bytes each)               |
//   type 3 (RFC 6554, RPL source route):
//   | CmprI | CmprE |  Pad  |               Reserved              |
//   |  Address[1..n], the first 16-CmprI bytes of each but the last (16-CmprE), then Pad zeros
//   type 4 (RFC 8754, Segment Routing Header):
//   |  Last Entry   |     Flags     |              Tag              |
//   |        Segment List[0..n] (16 bytes each: Segment List[0] is the LAST segment)
//   |        optional TLVs
//
// A header whose length does not fit its type's layout (a type 0 header of 12 bytes, an SRH
// whose Last Entry promises more segments than it holds) is kept raw in `data`, so its bytes
// survive a round trip; finalDestination then falls back to the IPv6 destination.

import { put32, u16, u32, view } from './bytes.js';
import { checkBytes, checkUint, EncodeError } from './errors.js';
import { address6Value, formatIpv6 } from './ipv6-address.js';

/** Routing Type values (IANA "IPv6 Routing Types"). */
export const ROUTING_TYPE = {
  SOURCE_ROUTE: 0,
  NIMROD: 1,
  MOBILE_IPV6: 2,
  RPL: 3,
  SEGMENT_ROUTING: 4,
  CRH_16: 5,
  CRH_32: 6,
} as const;

/** Byte offsets within a Routing header. */
export const FIELD = {
  NEXT_HEADER: 0,
  HEADER_EXT_LENGTH: 1,
  ROUTING_TYPE: 2,
  SEGMENTS_LEFT: 3,
  TYPE_DATA: 4,
  ADDRESSES: 8,
} as const;

/** Segment Routing Header fields (type 4) after Segments Left. */
export interface SegmentRoutingFields {
  lastEntry: number;
  flags: number;
  tag: number;
  /** Bytes after the segment list (TLVs, RFC 8754 section 2.1), raw. */
  tlvs: Buffer;
}
/** RPL source route fields (type 3). */
export interface RplFields {
  cmprI: number;
  cmprE: number;
  pad: number;
}

/** What the type-specific part decodes to; every key present, null when the type has no such field. */
export interface RoutingData {
  /** Types 0 and 2: the 32-bit reserved field; type 3: the 20 bits after Pad. */
  reserved: number | null;
  /** Types 0 and 2: the addresses; type 4: Segment List[0..n] as on the wire (the last segment first). */
  addresses: string[] | null;
  srh: SegmentRoutingFields | null;
  rpl: RplFields | null;
  /** Bytes no field above holds: type 3's compressed addresses and padding, all of an unknown type's data. */
  data: Buffer | null;
}

/** Decodes bytes 4.. of a Routing header at b[o, o + headerLength). headerLength >= 8. */
export function decodeRoutingData(b: Uint8Array, o: number, headerLength: number, routingType: number): RoutingData {
  const out: RoutingData = { reserved: null, addresses: null, srh: null, rpl: null, data: null };
  const room = headerLength - FIELD.ADDRESSES;
  if ((routingType === 0 || routingType === 2) && room % 16 === 0) {
    out.reserved = u32(b, o + FIELD.TYPE_DATA);
    out.addresses = readAddresses(b, o + FIELD.ADDRESSES, room / 16);
  } else if (routingType === 4 && (b[o + 4]! + 1) * 16 <= room) {
    const count = b[o + 4]! + 1;
    out.addresses = readAddresses(b, o + FIELD.ADDRESSES, count);
    const tlvs = o + FIELD.ADDRESSES + count * 16;
    out.srh = { lastEntry: b[o + 4]!, flags: b[o + 5]!, tag: u16(b, o + 6), tlvs: view(b, tlvs, o + headerLength - tlvs) };
  } else if (routingType === 3) {
    const word = u32(b, o + FIELD.TYPE_DATA);
    out.rpl = { cmprI: word >>> 28, cmprE: (word >>> 24) & 0xf, pad: (word >>> 20) & 0xf };
    out.reserved = word & 0xfffff;
    out.data = view(b, o + FIELD.ADDRESSES, room);
  } else {
    out.data = view(b, o + FIELD.TYPE_DATA, headerLength - FIELD.TYPE_DATA);
  }
  return out;
}

function readAddresses(b: Uint8Array, o: number, n: number): string[] {
  const out: string[] = new Array(n);
  for (let k = 0; k < n; k++) out[k] = formatIpv6(b, o + 16 * k);
  return out;
}

/**
 * The final destination a Routing header at b[o, o + headerLength) names, as 16 new bytes, or
 * null when the IPv6 header's destination is final: no segments left, or a type whose last
 * address we cannot tell (unknown, or malformed). `ipDst` is the IPv6 destination (type 3
 * addresses elide its first CmprE bytes).
 */
export function finalDestination(b: Uint8Array, o: number, headerLength: number, ipDst: Uint8Array, ipDstOffset: number): Uint8Array | null {
  const routingType = b[o + FIELD.ROUTING_TYPE]!;
  if (b[o + FIELD.SEGMENTS_LEFT] === 0 || headerLength < FIELD.ADDRESSES) return null;
  const room = headerLength - FIELD.ADDRESSES;
  if ((routingType === 0 || routingType === 2) && room % 16 === 0 && room > 0) {
    return Uint8Array.from(b.subarray(o + headerLength - 16, o + headerLength));
  }
  if (routingType === 4 && (b[o + 4]! + 1) * 16 <= room) {
    return Uint8Array.from(b.subarray(o + FIELD.ADDRESSES, o + FIELD.ADDRESSES + 16));
  }
  if (routingType === 3) {
    const cmprE = b[o + 4]! & 0xf;
    const pad = b[o + 5]! >>> 4;
    const lastEnd = o + headerLength - pad;
    const lastStart = lastEnd - (16 - cmprE);
    if (lastStart < o + FIELD.ADDRESSES) return null;
    const out = new Uint8Array(16);
    out.set(ipDst.subarray(ipDstOffset, ipDstOffset + cmprE), 0);
    out.set(b.subarray(lastStart, lastEnd), cmprE);
    return out;
  }
  return null;
}

// ---- encode -------------------------------------------------------------------------------------

export interface RoutingDataInit {
  reserved?: number | null;
  addresses?: (string | Uint8Array)[] | null;
  srh?: { lastEntry?: number; flags?: number; tag?: number; tlvs?: Uint8Array } | null;
  rpl?: { cmprI?: number; cmprE?: number; pad?: number } | null;
  data?: Uint8Array | null;
}

/** Bytes after the first 4 that the init describes, before padding to 8. */
export function routingDataLength(init: RoutingDataInit, routingType: number, field: string): number {
  const addresses = init.addresses ?? null;
  if (addresses !== null && !Array.isArray(addresses)) {
    throw new EncodeError(`${field}.addresses`, addresses, 'not an array of IPv6 addresses', 'an array');
  }
  const data = init.data === undefined || init.data === null ? 0 : checkBytes(init.data, `${field}.data`).length;
  if (routingType === 0 || routingType === 2 || routingType === 4) {
    if (addresses === null) return data;
    const tlvs = routingType === 4 && init.srh?.tlvs !== undefined ? checkBytes(init.srh.tlvs, `${field}.srh.tlvs`).length : 0;
    return 4 + addresses.length * 16 + tlvs + data;
  }
  if (routingType === 3 && init.rpl) return 4 + data;
  return data;
}

/** Writes the type-specific part at b[o...]; routingDataLength bytes. */
export function encodeRoutingData(init: RoutingDataInit, routingType: number, b: Uint8Array, o: number, field: string): number {
  let i = o;
  const addresses = init.addresses ?? null;
  if ((routingType === 0 || routingType === 2 || routingType === 4) && addresses !== null) {
    if (routingType === 4) {
      const srh = init.srh ?? {};
      const lastEntry = srh.lastEntry === undefined ? Math.max(0, addresses.length - 1) : checkUint(srh.lastEntry, 255, `${field}.srh.lastEntry`);
      b[i] = lastEntry;
      b[i + 1] = srh.flags === undefined ? 0 : checkUint(srh.flags, 255, `${field}.srh.flags`);
      const tag = srh.tag === undefined ? 0 : checkUint(srh.tag, 0xffff, `${field}.srh.tag`);
      b[i + 2] = tag >>> 8;
      b[i + 3] = tag & 0xff;
    } else {
      put32(b, i, init.reserved === undefined || init.reserved === null ? 0 : checkUint(init.reserved, 0xffffffff, `${field}.reserved`));
    }
    i += 4;
    addresses.forEach((a, k) => {
      b.set(address6Value(a, `${field}.addresses[${k}]`), i);
      i += 16;
    });
    if (routingType === 4 && init.srh?.tlvs !== undefined) {
      b.set(init.srh.tlvs, i);
      i += init.srh.tlvs.length;
    }
  } else if (routingType === 3 && init.rpl) {
    const r = init.rpl;
    const cmprI = r.cmprI === undefined ? 0 : checkUint(r.cmprI, 15, `${field}.rpl.cmprI`);
    const cmprE = r.cmprE === undefined ? 0 : checkUint(r.cmprE, 15, `${field}.rpl.cmprE`);
    const pad = r.pad === undefined ? 0 : checkUint(r.pad, 15, `${field}.rpl.pad`);
    const reserved = init.reserved === undefined || init.reserved === null ? 0 : checkUint(init.reserved, 0xfffff, `${field}.reserved`);
    put32(b, i, ((cmprI << 28) | (cmprE << 24) | (pad << 20) | reserved) >>> 0);
    i += 4;
  }
  if (init.data !== undefined && init.data !== null) {
    b.set(init.data, i);
    i += init.data.length;
  }
  return i - o;
}

/** Default Segments Left: every address still to visit (type 0), 1 (type 2), Last Entry (type 4). */
export function defaultSegmentsLeft(init: RoutingDataInit, routingType: number): number {
  const n = init.addresses?.length ?? 0;
  if (routingType === 0) return n;
  if (routingType === 2) return 1;
  if (routingType === 4) return init.srh?.lastEntry ?? Math.max(0, n - 1);
  return 0;
}
