// MPLS label stacks (RFC 3032 section 2.1): 4-byte entries, label(20) TC(3) S(1) TTL(8), S set on
// the last one. They sit between a link header (ethertype 0x8847 / 0x8848, PPP protocol 0x0281 /
// 0x0283) and the packet they carry. RFC 3032 gives no type for that packet: tshark, and we,
// read IPv4 or IPv6 from its version nibble (RFC 4928 keeps the other values for pseudowires).

import { u32 as be32 } from '../wire/bytes.js';

/** Ethertypes of MPLS (RFC 5332). */
export const MPLS_ETHERTYPE = { UNICAST: 0x8847, MULTICAST: 0x8848 } as const;

/** Bytes per label stack entry. */
export const MPLS_ENTRY_LENGTH = 4;

/** One label stack entry, decoded. */
export interface MplsLabel {
  /** 0-1048575; 0 IPv4 explicit null, 2 IPv6 explicit null, 3 implicit null (RFC 3032 2.1). */
  label: number;
  /** Traffic class (RFC 5462; "EXP" before it). */
  tc: number;
  /** Bottom of stack. */
  bottom: boolean;
  ttl: number;
}

/**
 * The label stack starting at buf[o]: the offset after its bottom entry, or -1 when the frame
 * ends before an entry with S set. Allocates nothing.
 */
export function mplsStackEnd(buf: Uint8Array, o: number, end: number): number {
  while (end - o >= MPLS_ENTRY_LENGTH) {
    const bottom = (buf[o + 2]! & 1) === 1;
    o += MPLS_ENTRY_LENGTH;
    if (bottom) return o;
  }
  return -1;
}

/** The `count` entries at buf[o], decoded (for display: decode's line, -v and JSON). */
export function mplsLabels(buf: Uint8Array, o: number, count: number): MplsLabel[] {
  const labels: MplsLabel[] = [];
  for (let i = 0; i < count; i++) {
    const entry = be32(buf, o + i * MPLS_ENTRY_LENGTH);
    labels.push({ label: entry >>> 12, tc: (entry >>> 9) & 7, bottom: ((entry >>> 8) & 1) === 1, ttl: entry & 0xff });
  }
  return labels;
}
