// What a checksum check says, for every layer of either IP version: the statuses, the layers in
// report order, the one reused result object, and the right checksum values computed with the
// field taken as zero. verify.ts (IPv4), verify6.ts (IPv6) and transport.ts (ICMP, ICMPv6, UDP,
// TCP over either) fill it; tally.ts counts it; fix.ts writes its expected values back.
//
// What counts as what (the same calls tshark makes with ip/udp/tcp.check_checksum on):
//   good          the bytes sum to 0xffff
//   bad           they do not; `expected` holds the value that would make them good. Also a TCP
//                 checksum of 0xffff where 0x0000 is right (tshark flags it, RFC 1624 section 3),
//                 and a UDP checksum of 0 over IPv6 (RFC 8200 section 8.1; tshark: "Illegal")
//   unverifiable  bytes are missing (cut by the capture's snaplen, or a fragment whose other
//                 pieces hold the rest), or the UDP length field does not fit the datagram
//   absent        UDP checksum 0 over IPv4: the sender computed none (RFC 768)

import { sum16 } from '../wire/checksum.js';
import { FIELD as ICMP_FIELD } from '../wire/icmpv4-codes.js';
import { FIELD as ICMPV6_FIELD } from '../wire/icmpv6.js';
import { FIELD as IP_FIELD } from '../wire/ipv4.js';
import { FIELD as TCP_FIELD } from '../wire/tcp.js';
import { FIELD as UDP_FIELD } from '../wire/udp.js';

/** Result of one checksum. NONE: the packet has no such layer. */
export const STATUS = {
  NONE: 0,
  GOOD: 1,
  BAD: 2,
  UNVERIFIABLE: 3,
  ABSENT: 4,
} as const;
export type Status = (typeof STATUS)[keyof typeof STATUS];

export const STATUS_NAME = ['none', 'good', 'bad', 'unverifiable', 'absent'] as const;
export type StatusName = (typeof STATUS_NAME)[number];

/**
 * The layers whose checksums are checked, in report order. Indices are LAYER values. UDP and
 * TCP count over both IP versions; ICMPv6 has its own row (IPv6 has no header checksum).
 */
export const LAYERS = ['ipv4', 'icmp', 'udp', 'tcp', 'icmpv6'] as const;
export type Layer = (typeof LAYERS)[number];
export const LAYER = { IPV4: 0, ICMP: 1, UDP: 2, TCP: 3, ICMPV6: 4 } as const;

/** Byte offset of a layer's checksum field from the start of that layer's header, by LAYER. */
export const CHECKSUM_FIELD = [IP_FIELD.CHECKSUM, ICMP_FIELD.CHECKSUM, UDP_FIELD.CHECKSUM, TCP_FIELD.CHECKSUM, ICMPV6_FIELD.CHECKSUM] as const;

/** Why a checksum could not be verified (constant strings: nothing built per packet). */
export const UNVERIFIABLE = {
  TRUNCATED: 'bytes missing: fewer than the IP header says (a snaplen cut?)',
  FRAGMENT: 'a fragment: the checksum covers the reassembled datagram',
  UDP_LENGTH: 'the UDP length field does not fit the datagram',
  TSO: 'TSO: the card writes each segment\'s length and checksum',
  RECEIVED_OPTIONS: 'the kernel checked it on arrival, then filled in IP options (record route, timestamp) without summing again',
  RECEIVED_OFFLOAD: 'checksum offload: a local sender left it to the card, and the kernel delivered it as checked',
} as const;

/** What a verify is told about where the packet came from. Reuse one object in loops. */
export interface VerifyOptions {
  /**
   * Bytes of the packet on the wire when the capture cut it (the record's original length less
   * the link header): the length an IPv4 TSO header (total length 0) stands for, and for IPv6
   * what tells a snaplen cut from a payload length that lies. Default: unknown (the bytes present).
   */
  originalLength?: number;
  /** Read from a raw socket: judged as the kernel judged it on arrival (verify.ts, transport.ts). */
  received?: boolean;
}

export const NO_OPTIONS: VerifyOptions = {};

/** One packet's checksums. Reuse one object across packets: every verify overwrites every field. */
export interface PacketChecksums {
  /** The packet's IP version (4 or 6); 0 when it has none we read. */
  version: number;
  /** Why the packet could not be read (constant text), or null. No layer is counted when set. */
  malformed: string | null;
  /** Offset of the malformed field from the start of the IP header. */
  malformedOffset: number;
  /** The IPv4 header checksum (NONE for IPv6, which has none). */
  ipv4: Status;
  ipv4Found: number;
  /** The right checksum when known (good: the found value; bad: computed), else -1. */
  ipv4Expected: number;
  /** Why the IPv4 header checksum is unverifiable (constant text), else null. */
  ipv4Unverifiable: string | null;
  /** The IPv4 total length was 0 (TSO) and the capture's length was used. */
  lengthFromCapture: boolean;
  /** LAYER.ICMP, UDP, TCP or ICMPV6; -1 when there is no upper layer to check (other protocol, later fragment). */
  transport: number;
  transportStatus: Status;
  transportFound: number;
  transportExpected: number;
  /** Reason text when a checksum is unverifiable, else null. */
  unverifiable: string | null;
  /** A bad UDP/TCP checksum equal to the pseudo-header sum: a sender-side capture with checksum offload. */
  offloaded: boolean;
  /** Offset of the upper-layer header from the start of the IP header (-1 when none). */
  transportOffset: number;
}

export function newPacketChecksums(): PacketChecksums {
  const out = {} as PacketChecksums;
  resetChecksums(out);
  return out;
}

/** Every field back to "nothing known" (verify does this first). */
export function resetChecksums(out: PacketChecksums): void {
  out.version = 0;
  out.malformed = null;
  out.malformedOffset = 0;
  // The IPv4 header's facts and the upper layer's, side by side: they start out alike.
  out.ipv4 = out.transportStatus = STATUS.NONE;
  out.ipv4Found = out.transportFound = 0;
  out.ipv4Expected = out.transportExpected = -1;
  out.ipv4Unverifiable = out.unverifiable = null;
  out.lengthFromCapture = out.offloaded = false;
  out.transport = out.transportOffset = -1;
}

/**
 * Where both versions' verify starts: `out` reset, and an empty packet or one of another IP
 * version malformed at byte 0 (`empty`, `wrong`: the words). True when the packet reads on.
 */
export function startVerify(b: Uint8Array, o: number, length: number, out: PacketChecksums, version: 4 | 6, empty: string, wrong: string): boolean {
  resetChecksums(out);
  if (length < 1) markMalformed(out, empty, 0);
  else if (b[o]! >>> 4 !== version) markMalformed(out, wrong, 0);
  else out.version = version;
  return out.malformed === null;
}

/** The packet cannot be read far enough: no layer of it counts. */
export function markMalformed(out: PacketChecksums, reason: string, offset: number): PacketChecksums {
  out.malformed = reason;
  out.malformedOffset = offset;
  out.ipv4 = STATUS.NONE;
  out.transport = -1;
  out.transportStatus = STATUS.NONE;
  return out;
}

// ---- the right values, with the checksum field taken as zero ----------------------------------

/**
 * The checksum for b[p, p + length) with the field at p + field taken as zero: the bytes on
 * both sides of it, summed from `initial`. Both split points are at an even distance from p, so
 * the 16-bit words line up as in one pass.
 */
export function checksumWithout(b: Uint8Array, p: number, length: number, field: number, initial: number): number {
  return ~sum16(b, p + field + 2, length - field - 2, sum16(b, p, field, initial)) & 0xffff;
}

/** The IPv4 header checksum for the header at b[o, o + headerLength). */
export function ipv4HeaderChecksum(b: Uint8Array, o: number, headerLength: number): number {
  return checksumWithout(b, o, headerLength, IP_FIELD.CHECKSUM, 0);
}

/** The ICMP checksum for the message at b[p, p + length). */
export function icmpChecksum(b: Uint8Array, p: number, length: number): number {
  return checksumWithout(b, p, length, ICMP_FIELD.CHECKSUM, 0);
}

/** The ICMPv6 checksum of the message at b[p, p + length), `pseudo` its pseudo-header sum. */
export function icmpv6Checksum(b: Uint8Array, p: number, length: number, pseudo: number): number {
  return checksumWithout(b, p, length, ICMPV6_FIELD.CHECKSUM, pseudo);
}

/** The UDP checksum (never 0: a computed 0 is sent as 0xffff, RFC 768) of the datagram at b[p, p + udpLength). */
export function udpChecksum(b: Uint8Array, p: number, udpLength: number, pseudo: number): number {
  const c = checksumWithout(b, p, udpLength, UDP_FIELD.CHECKSUM, pseudo);
  return c === 0 ? 0xffff : c;
}

/** The TCP checksum of the segment at b[p, p + length). */
export function tcpChecksum(b: Uint8Array, p: number, length: number, pseudo: number): number {
  return checksumWithout(b, p, length, TCP_FIELD.CHECKSUM, pseudo);
}
