// Neighbor Discovery messages (RFC 4861 section 4), the part after ICMPv6's type, code and
// checksum (icmpv6.ts reads those and hands the rest here). Every message ends in options
// (ndp-options.ts).
//
//   133 Router Solicitation     | Reserved (32) |                                      8 bytes + options
//   134 Router Advertisement    | Cur Hop Limit | M O H Prf P Rsv | Router Lifetime |
//                               | Reachable Time (32) | Retrans Timer (32) |          16 bytes + options
//   135 Neighbor Solicitation   | Reserved (32) | Target Address |                     24 bytes + options
//   136 Neighbor Advertisement  | R S O Reserved (29) | Target Address |               24 bytes + options
//   137 Redirect                | Reserved (32) | Target | Destination Address |       40 bytes + options
//
// RA flags: M, O (RFC 4861), H home agent (RFC 6275 7.1), Prf default router preference (RFC
// 4191 2.2, 2 bits), P proxy (RFC 4389 4.1); the remaining 2 bits are `reserved`.

import { put32, u32 } from './bytes.js';
import { checkBool, checkUint, decodePart } from './errors.js';
import { address6Value, formatIpv6 } from './ipv6-address.js';
import type { Icmpv6Base } from './icmpv6-base.js';
import { decodeNdOptions, encodeNdOptions, ndOptionsLength, type NdOption, type NdOptionInit } from './ndp-options.js';

export type NdKind = 'router-solicitation' | 'router-advertisement' | 'neighbor-solicitation' | 'neighbor-advertisement' | 'redirect';

/** Bytes before the options, ICMPv6's 4 included: shorter is a DecodeError. */
export const ND_MIN_LENGTH: Record<NdKind, number> = {
  'router-solicitation': 8,
  'router-advertisement': 16,
  'neighbor-solicitation': 24,
  'neighbor-advertisement': 24,
  redirect: 40,
};

/** Router Advertisement flag bits (byte 5). */
export const RA_FLAG = { MANAGED: 0x80, OTHER: 0x40, HOME_AGENT: 0x20, PREFERENCE: 0x18, PROXY: 0x04, RESERVED: 0x03 } as const;
/** Neighbor Advertisement flag bits (of the 32-bit word at byte 4). */
export const NA_FLAG = { ROUTER: 0x80000000, SOLICITED: 0x40000000, OVERRIDE: 0x20000000, RESERVED: 0x1fffffff } as const;

export interface RouterSolicitation extends Icmpv6Base {
  kind: 'router-solicitation';
  reserved: number;
  options: NdOption[];
}
export interface RouterAdvertisement extends Icmpv6Base {
  kind: 'router-advertisement';
  curHopLimit: number;
  flags: { managed: boolean; other: boolean; homeAgent: boolean; proxy: boolean };
  /** Default router preference (RFC 4191): 1 high, 0 medium, 3 low, 2 reserved. */
  preference: number;
  /** The 2 flag bits nobody assigned. */
  reserved: number;
  /** Seconds; 0 = not a default router. */
  routerLifetime: number;
  /** Milliseconds. */
  reachableTime: number;
  /** Milliseconds. */
  retransTimer: number;
  options: NdOption[];
}
export interface NeighborSolicitation extends Icmpv6Base {
  kind: 'neighbor-solicitation';
  reserved: number;
  target: string;
  options: NdOption[];
}
export interface NeighborAdvertisement extends Icmpv6Base {
  kind: 'neighbor-advertisement';
  flags: { router: boolean; solicited: boolean; override: boolean };
  /** The 29 bits after R, S and O. */
  reserved: number;
  target: string;
  options: NdOption[];
}
export interface Redirect extends Icmpv6Base {
  kind: 'redirect';
  reserved: number;
  target: string;
  destination: string;
  options: NdOption[];
}

export type NdMessage = RouterSolicitation | RouterAdvertisement | NeighborSolicitation | NeighborAdvertisement | Redirect;

/**
 * Decodes the message at b[o, end) (ICMPv6 header included; length already checked against
 * ND_MIN_LENGTH). Options errors are DecodeErrors whose partial is this message so far.
 */
export function decodeNd(kind: NdKind, b: Uint8Array, o: number, end: number, base: Icmpv6Base): NdMessage {
  let m: NdMessage;
  const word = u32(b, o + 4);
  switch (kind) {
    case 'router-advertisement': {
      const f = b[o + 5]!;
      m = {
        kind,
        ...base,
        curHopLimit: b[o + 4]!,
        flags: { managed: (f & RA_FLAG.MANAGED) !== 0, other: (f & RA_FLAG.OTHER) !== 0, homeAgent: (f & RA_FLAG.HOME_AGENT) !== 0, proxy: (f & RA_FLAG.PROXY) !== 0 },
        preference: (f & RA_FLAG.PREFERENCE) >>> 3,
        reserved: f & RA_FLAG.RESERVED,
        routerLifetime: word & 0xffff,
        reachableTime: u32(b, o + 8),
        retransTimer: u32(b, o + 12),
        options: [],
      };
      break;
    }
    case 'neighbor-advertisement':
      m = {
        kind,
        ...base,
        flags: { router: (word & NA_FLAG.ROUTER) !== 0, solicited: (word & NA_FLAG.SOLICITED) !== 0, override: (word & NA_FLAG.OVERRIDE) !== 0 },
        reserved: word & NA_FLAG.RESERVED,
        target: formatIpv6(b, o + 8),
        options: [],
      };
      break;
    case 'neighbor-solicitation':
      m = { kind, ...base, reserved: word, target: formatIpv6(b, o + 8), options: [] };
      break;
    case 'redirect':
      m = { kind, ...base, reserved: word, target: formatIpv6(b, o + 8), destination: formatIpv6(b, o + 24), options: [] };
      break;
    default:
      m = { kind, ...base, reserved: word, options: [] };
  }
  decodePart(m, 'options', () => decodeNdOptions(b, o + ND_MIN_LENGTH[kind], end));
  return m;
}

// ---- encode -------------------------------------------------------------------------------------

interface InitBase {
  type?: number;
  code?: number;
  checksum?: number;
  options?: readonly NdOptionInit[];
}
export type NdMessageInit =
  | (InitBase & { kind: 'router-solicitation'; reserved?: number })
  | (InitBase & {
      kind: 'router-advertisement';
      curHopLimit?: number;
      flags?: Partial<RouterAdvertisement['flags']>;
      preference?: number;
      reserved?: number;
      routerLifetime?: number;
      reachableTime?: number;
      retransTimer?: number;
    })
  | (InitBase & { kind: 'neighbor-solicitation'; reserved?: number; target: string | Uint8Array })
  | (InitBase & { kind: 'neighbor-advertisement'; flags?: Partial<NeighborAdvertisement['flags']>; reserved?: number; target: string | Uint8Array })
  | (InitBase & { kind: 'redirect'; reserved?: number; target: string | Uint8Array; destination: string | Uint8Array });

/** Bytes after the first 8 (the fixed fields past the rest-of-header word, then the options). */
export function ndBodyLength(init: NdMessageInit): number {
  return ND_MIN_LENGTH[init.kind] - 8 + ndOptionsLength(init.options);
}

const bit = (v: boolean | undefined, mask: number, field: string): number => (v !== undefined && checkBool(v, field) ? mask : 0);

/** The 32-bit word at bytes 4-7. */
export function ndRestOfHeader(init: NdMessageInit): number {
  switch (init.kind) {
    case 'router-advertisement': {
      const f = init.flags ?? {};
      const flags =
        bit(f.managed, RA_FLAG.MANAGED, 'flags.managed') |
        bit(f.other, RA_FLAG.OTHER, 'flags.other') |
        bit(f.homeAgent, RA_FLAG.HOME_AGENT, 'flags.homeAgent') |
        bit(f.proxy, RA_FLAG.PROXY, 'flags.proxy') |
        ((init.preference === undefined ? 0 : checkUint(init.preference, 3, 'preference')) << 3) |
        (init.reserved === undefined ? 0 : checkUint(init.reserved, 3, 'reserved'));
      const hop = init.curHopLimit === undefined ? 64 : checkUint(init.curHopLimit, 255, 'curHopLimit');
      const lifetime = init.routerLifetime === undefined ? 1800 : checkUint(init.routerLifetime, 0xffff, 'routerLifetime');
      return ((hop << 24) | (flags << 16) | lifetime) >>> 0;
    }
    case 'neighbor-advertisement': {
      const f = init.flags ?? {};
      return (
        (bit(f.router, NA_FLAG.ROUTER, 'flags.router') |
          bit(f.solicited, NA_FLAG.SOLICITED, 'flags.solicited') |
          bit(f.override, NA_FLAG.OVERRIDE, 'flags.override') |
          (init.reserved === undefined ? 0 : checkUint(init.reserved, NA_FLAG.RESERVED, 'reserved'))) >>>
        0
      );
    }
    default:
      return init.reserved === undefined ? 0 : checkUint(init.reserved, 0xffffffff, 'reserved');
  }
}

/** Writes the body (ndBodyLength bytes) at b[o...], o being the message offset + 8. */
export function writeNdBody(init: NdMessageInit, b: Uint8Array, o: number): void {
  let i = o;
  switch (init.kind) {
    case 'router-advertisement':
      put32(b, i, init.reachableTime === undefined ? 0 : checkUint(init.reachableTime, 0xffffffff, 'reachableTime'));
      put32(b, i + 4, init.retransTimer === undefined ? 0 : checkUint(init.retransTimer, 0xffffffff, 'retransTimer'));
      i += 8;
      break;
    case 'neighbor-solicitation':
    case 'neighbor-advertisement':
      b.set(address6Value(init.target, 'target'), i);
      i += 16;
      break;
    case 'redirect':
      b.set(address6Value(init.target, 'target'), i);
      b.set(address6Value(init.destination, 'destination'), i + 16);
      i += 32;
      break;
    default:
      break;
  }
  encodeNdOptions(init.options, b, i);
}
