// Checksum verification of one IPv4 packet, read in place: the IPv4 header checksum (RFC 791
// section 3.1) and the checksum of the transport it carries, ICMP (RFC 792), UDP (RFC 768) or
// TCP (RFC 793 section 3.1). Built for pcap files of hundreds of thousands of packets: the
// caller passes one reused PacketChecksums, sums run over the captured bytes by offset, and
// nothing is allocated unless a checksum is bad (then the expected value is computed too).
//
// What counts as what (the same calls tshark makes with ip/udp/tcp.check_checksum on):
//   good          the bytes sum to 0xffff
//   bad           they do not; `expected` holds the value that would make them good. Also a TCP
//                 checksum of 0xffff where 0x0000 is right (tshark flags it, RFC 1624 section 3)
//   unverifiable  bytes are missing (cut by the capture's snaplen, or a fragment whose other
//                 pieces hold the rest), or the UDP length field does not fit the datagram
//   absent        UDP checksum 0: the sender computed none (RFC 768)
// A packet whose structure is broken (IP version, IHL, total length below the header, a
// transport header that does not fit) is `malformed`: no layer of it is counted.
//
// Checksum offload: a packet captured on the host that sent it (always on loopback) may carry
// only the pseudo-header sum in its UDP/TCP checksum field, because the kernel leaves the rest to
// the network card (CHECKSUM_PARTIAL). Such a checksum is bad as captured, for us and for tshark
// alike; `offloaded` says the found value is exactly that partial sum.
//
// Segmentation offload (TSO/GSO): a header with total length 0 (lib/wire lengthFromCapture) is a
// segment the card had yet to cut. Its length is the capture's; its header checksum is
// unverifiable: the card writes every piece's length and checksum, so no packet on the wire ever
// carried the one captured.
//
// Received packets (options.received: read from a raw socket, not from a capture): the kernel
// checked the IPv4 header checksum before delivering the packet, then filled in the options it
// keeps (record route, timestamp: RFC 791) without summing again (ip_options_compile). A header
// sum that no longer holds is the kernel's own writing, not damage: unverifiable, never bad. So
// is a UDP/TCP checksum holding only the pseudo-header sum: a local sender's offload, which the
// kernel delivers as checked (CHECKSUM_PARTIAL).

import { u16, u32 } from '../wire/bytes.js';
import { pseudoHeaderSum, sum16 } from '../wire/checksum.js';
import { FIELD as ICMP_FIELD } from '../wire/icmpv4.js';
import { FIELD as IP_FIELD, FLAG, FRAGMENT_OFFSET_MASK, PROTOCOL } from '../wire/ipv4.js';
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

/** The layers whose checksums are checked, in report order. Indices are LAYER values. */
export const LAYERS = ['ipv4', 'icmp', 'udp', 'tcp'] as const;
export type Layer = (typeof LAYERS)[number];
export const LAYER = { IPV4: 0, ICMP: 1, UDP: 2, TCP: 3 } as const;

/** Why a checksum could not be verified (constant strings: nothing built per packet). */
export const UNVERIFIABLE = {
  TRUNCATED: 'bytes missing: fewer than the IPv4 total length says (a snaplen cut?)',
  FRAGMENT: 'a fragment: the checksum covers the reassembled datagram',
  UDP_LENGTH: 'the UDP length field does not fit the datagram',
  TSO: 'TSO: the card writes each segment\'s length and checksum',
  RECEIVED_OPTIONS: 'the kernel checked it on arrival, then filled in IP options (record route, timestamp) without summing again',
  RECEIVED_OFFLOAD: 'checksum offload: a local sender left it to the card, and the kernel delivered it as checked',
} as const;

/** What verifyIpv4 is told about where the packet came from. Reuse one object in loops. */
export interface VerifyOptions {
  /**
   * Bytes of the packet on the wire when the capture cut it (the record's original length less
   * the link header): the length a TSO header (total length 0) stands for. Default: the bytes present.
   */
  originalLength?: number;
  /** Read from a raw socket: judged as the kernel judged it on arrival (see the file header). */
  received?: boolean;
}

const NO_OPTIONS: VerifyOptions = {};

/** One packet's checksums. Reuse one object across packets: verifyIpv4 overwrites every field. */
export interface PacketChecksums {
  /** Why the packet could not be read (constant text), or null. No layer is counted when set. */
  malformed: string | null;
  /** Offset of the malformed field from the start of the IPv4 header. */
  malformedOffset: number;
  ipv4: Status;
  ipv4Found: number;
  /** The right checksum when known (good: the found value; bad: computed), else -1. */
  ipv4Expected: number;
  /** Why the IPv4 header checksum is unverifiable (constant text), else null. */
  ipv4Unverifiable: string | null;
  /** The total length was 0 (TSO) and the capture's length was used. */
  lengthFromCapture: boolean;
  /** LAYER.ICMP, UDP or TCP; -1 when there is no transport header to check (other protocol, later fragment). */
  transport: number;
  transportStatus: Status;
  transportFound: number;
  transportExpected: number;
  /** Reason text when a checksum is unverifiable, else null. */
  unverifiable: string | null;
  /** A bad UDP/TCP checksum equal to the pseudo-header sum: a sender-side capture with checksum offload. */
  offloaded: boolean;
  /** Offset of the transport header from the start of the IPv4 header (-1 when none). */
  transportOffset: number;
}

export function newPacketChecksums(): PacketChecksums {
  return {
    malformed: null,
    malformedOffset: 0,
    ipv4: STATUS.NONE,
    ipv4Found: 0,
    ipv4Expected: -1,
    ipv4Unverifiable: null,
    lengthFromCapture: false,
    transport: -1,
    transportStatus: STATUS.NONE,
    transportFound: 0,
    transportExpected: -1,
    unverifiable: null,
    offloaded: false,
    transportOffset: -1,
  };
}

// The field offsets used here, from lib/wire's field tables.
const IP_TOTAL_LENGTH = IP_FIELD.TOTAL_LENGTH;
const IP_FLAGS_FRAGMENT = IP_FIELD.FLAGS_FRAGMENT;
const IP_PROTOCOL = IP_FIELD.PROTOCOL;
const IP_CHECKSUM = IP_FIELD.CHECKSUM;
const IP_SRC = IP_FIELD.SRC;
const IP_DST = IP_FIELD.DST;
const ICMP_CHECKSUM = ICMP_FIELD.CHECKSUM;
const UDP_LENGTH = UDP_FIELD.LENGTH;
const UDP_CHECKSUM = UDP_FIELD.CHECKSUM;
const TCP_DATA_OFFSET = TCP_FIELD.DATA_OFFSET;
const TCP_CHECKSUM = TCP_FIELD.CHECKSUM;

function malformed(out: PacketChecksums, reason: string, offset: number): PacketChecksums {
  out.malformed = reason;
  out.malformedOffset = offset;
  out.ipv4 = STATUS.NONE;
  out.transport = -1;
  out.transportStatus = STATUS.NONE;
  return out;
}

/**
 * Verifies the IPv4 packet whose captured bytes are b[offset, offset + length). Bytes past the
 * IPv4 total length (Ethernet padding) are ignored. Returns `out`.
 */
export function verifyIpv4(b: Uint8Array, offset: number, length: number, out: PacketChecksums, options: VerifyOptions = NO_OPTIONS): PacketChecksums {
  reset(out);
  const o = offset;
  if (length < 1) return malformed(out, 'no IPv4 header: the packet is empty', 0);
  const version = b[o]! >>> 4;
  if (version !== 4) return malformed(out, 'IP version is not 4', 0);
  const hl = (b[o]! & 0x0f) << 2;
  if (hl < 20) return malformed(out, 'IPv4 IHL is below 5 (a 20-byte header)', 0);
  if (length < hl) {
    // The header itself was cut by the capture: nothing can be checked.
    out.ipv4 = STATUS.UNVERIFIABLE;
    out.unverifiable = UNVERIFIABLE.TRUNCATED;
    out.ipv4Unverifiable = UNVERIFIABLE.TRUNCATED;
    if (length >= IP_CHECKSUM + 2) out.ipv4Found = u16(b, o + IP_CHECKSUM);
    return out;
  }
  let totalLength = u16(b, o + IP_TOTAL_LENGTH);
  out.lengthFromCapture = totalLength === 0;
  if (out.lengthFromCapture) totalLength = Math.max(length, options.originalLength ?? 0);
  checkHeader(b, o, hl, out, options.received === true);
  if (totalLength < hl) return malformed(out, 'IPv4 total length is less than the header length', IP_TOTAL_LENGTH);

  const flagsFragment = u16(b, o + IP_FLAGS_FRAGMENT);
  if ((flagsFragment & FRAGMENT_OFFSET_MASK) !== 0) return out; // a later fragment: no transport header in it
  const protocol = b[o + IP_PROTOCOL]!;
  const layer = protocol === PROTOCOL.ICMP ? LAYER.ICMP : protocol === PROTOCOL.UDP ? LAYER.UDP : protocol === PROTOCOL.TCP ? LAYER.TCP : -1;
  if (layer < 0) return out;
  out.transport = layer;
  out.transportOffset = hl;
  const segment = totalLength - hl; // transport bytes the IP header announces
  const present = Math.min(length, totalLength) - hl; // of which captured
  const complete = present >= segment && (flagsFragment & FLAG.MF) === 0;
  const t = SCRATCH;
  t.received = options.received === true;
  t.b = b;
  t.o = o;
  t.hl = hl;
  t.segment = segment;
  t.present = present;
  t.complete = complete;
  t.flagsFragment = flagsFragment;
  if (layer === LAYER.ICMP) return verifyIcmp(t, out);
  if (layer === LAYER.UDP) return verifyUdp(t, out);
  return verifyTcp(t, out);
}

/** The IPv4 header checksum of b[o, o + hl), judged as the file header says. */
function checkHeader(b: Uint8Array, o: number, hl: number, out: PacketChecksums, received: boolean): void {
  const found = u16(b, o + IP_CHECKSUM);
  out.ipv4Found = found;
  const holds = sum16(b, o, hl) === 0xffff;
  out.ipv4Expected = holds ? found : ipv4HeaderChecksum(b, o, hl);
  if (out.lengthFromCapture) out.ipv4Unverifiable = UNVERIFIABLE.TSO;
  else if (!holds && received) out.ipv4Unverifiable = UNVERIFIABLE.RECEIVED_OPTIONS;
  out.ipv4 = out.ipv4Unverifiable !== null ? STATUS.UNVERIFIABLE : holds ? STATUS.GOOD : STATUS.BAD;
}

/** What the transport checks need of the IPv4 packet around it. */
interface Transport {
  b: Uint8Array;
  /** Where the IPv4 header starts, and its length. */
  o: number;
  hl: number;
  /** Transport bytes the IP header announces, of which captured. */
  segment: number;
  present: number;
  /** All of it is here (captured, and not a first fragment with more to come). */
  complete: boolean;
  flagsFragment: number;
  /** Read from a raw socket (VerifyOptions.received). */
  received: boolean;
}

/** One Transport, reused: this runs for every packet of a capture and allocates nothing. */
const SCRATCH: Transport = { b: new Uint8Array(0), o: 0, hl: 0, segment: 0, present: 0, complete: false, flagsFragment: 0, received: false };

function reset(out: PacketChecksums): void {
  out.malformed = null;
  out.malformedOffset = 0;
  out.ipv4 = STATUS.NONE;
  out.ipv4Found = 0;
  out.ipv4Expected = -1;
  out.ipv4Unverifiable = null;
  out.lengthFromCapture = false;
  out.transport = -1;
  out.transportStatus = STATUS.NONE;
  out.transportFound = 0;
  out.transportExpected = -1;
  out.unverifiable = null;
  out.offloaded = false;
  out.transportOffset = -1;
}

/**
 * The checks every transport starts with: a segment too short for its header is malformed
 * (false), else the checksum field is read where it was captured. Returns whether to go on.
 */
function transportHeader(t: Transport, out: PacketChecksums, minLength: number, checksumField: number, what: string): boolean {
  if (t.segment < minLength) {
    malformed(out, `${what} shorter than its ${minLength}-byte header`, t.hl);
    return false;
  }
  if (t.present >= checksumField + 2) out.transportFound = u16(t.b, t.o + t.hl + checksumField);
  return true;
}

function verifyIcmp(t: Transport, out: PacketChecksums): PacketChecksums {
  const { b, hl, segment, complete, flagsFragment } = t;
  const p = t.o + hl;
  if (!transportHeader(t, out, 8, ICMP_CHECKSUM, 'ICMP message')) return out;
  if (!complete) return unverifiable(out, flagsFragment);
  if (sum16(b, p, segment) === 0xffff) good(out);
  else bad(out, icmpChecksum(b, p, segment));
  return out;
}

function verifyUdp(t: Transport, out: PacketChecksums): PacketChecksums {
  const { b, o, hl, segment, present, complete, flagsFragment } = t;
  const p = o + hl;
  if (!transportHeader(t, out, 8, UDP_CHECKSUM, 'UDP datagram')) return out;
  if (present >= 8 && out.transportFound === 0) {
    out.transportStatus = STATUS.ABSENT;
    out.transportExpected = 0;
    return out;
  }
  if (!complete) return unverifiable(out, flagsFragment);
  const udpLength = u16(b, p + UDP_LENGTH);
  if (udpLength < 8 || udpLength > segment) {
    out.transportStatus = STATUS.UNVERIFIABLE;
    out.unverifiable = UNVERIFIABLE.UDP_LENGTH;
    return out;
  }
  const pseudo = pseudoHeaderSum(u32(b, o + IP_SRC), u32(b, o + IP_DST), PROTOCOL.UDP, udpLength);
  if (sum16(b, p, udpLength, pseudo) === 0xffff) good(out);
  else offloadedOrBad(t, out, udpChecksum(b, p, udpLength, pseudo), pseudo);
  return out;
}

function verifyTcp(t: Transport, out: PacketChecksums): PacketChecksums {
  const { b, o, hl, segment, present, complete, flagsFragment } = t;
  const p = o + hl;
  if (!transportHeader(t, out, 20, TCP_CHECKSUM, 'TCP segment')) return out;
  if (present >= TCP_DATA_OFFSET + 1) {
    const dataOffset = (b[p + TCP_DATA_OFFSET]! >>> 4) << 2;
    if (dataOffset < 20 || dataOffset > segment) {
      return malformed(out, 'TCP data offset is below 5 or past the end of the segment', hl + TCP_DATA_OFFSET);
    }
  }
  if (!complete) return unverifiable(out, flagsFragment);
  const pseudo = pseudoHeaderSum(u32(b, o + IP_SRC), u32(b, o + IP_DST), PROTOCOL.TCP, segment);
  if (sum16(b, p, segment, pseudo) === 0xffff) {
    if (out.transportFound === 0xffff) {
      // Valid in one's complement, but a computed TCP checksum is never 0xffff (it is 0x0000
      // here): RFC 1624 section 3. tshark reports it as bad; so do we, to count alike.
      bad(out, 0);
    } else good(out);
  } else offloadedOrBad(t, out, tcpChecksum(b, p, segment, pseudo), pseudo);
  return out;
}

/** A UDP/TCP checksum that does not hold: bad (offloaded when it is the pseudo-header sum), or for a received offloaded one, unverifiable. */
function offloadedOrBad(t: Transport, out: PacketChecksums, expected: number, pseudo: number): void {
  bad(out, expected);
  out.offloaded = out.transportFound === pseudo;
  if (out.offloaded && t.received) {
    out.transportStatus = STATUS.UNVERIFIABLE;
    out.unverifiable = UNVERIFIABLE.RECEIVED_OFFLOAD;
  }
}

function good(out: PacketChecksums): void {
  out.transportStatus = STATUS.GOOD;
  out.transportExpected = out.transportFound;
}

function bad(out: PacketChecksums, expected: number): void {
  out.transportStatus = STATUS.BAD;
  out.transportExpected = expected;
}

function unverifiable(out: PacketChecksums, flagsFragment: number): PacketChecksums {
  out.transportStatus = STATUS.UNVERIFIABLE;
  out.unverifiable = (flagsFragment & FLAG.MF) !== 0 ? UNVERIFIABLE.FRAGMENT : UNVERIFIABLE.TRUNCATED;
  return out;
}

// ---- the right values, with the checksum field taken as zero ----------------------------------

/**
 * The checksum for b[p, p + length) with the field at p + field taken as zero: the bytes on
 * both sides of it, summed from `initial`. Both split points are at an even distance from p, so
 * the 16-bit words line up as in one pass.
 */
function checksumWithout(b: Uint8Array, p: number, length: number, field: number, initial: number): number {
  return ~sum16(b, p + field + 2, length - field - 2, sum16(b, p, field, initial)) & 0xffff;
}

/** The IPv4 header checksum for the header at b[o, o + headerLength). */
export function ipv4HeaderChecksum(b: Uint8Array, o: number, headerLength: number): number {
  return checksumWithout(b, o, headerLength, IP_CHECKSUM, 0);
}

/** The ICMP checksum for the message at b[p, p + length). */
export function icmpChecksum(b: Uint8Array, p: number, length: number): number {
  return checksumWithout(b, p, length, ICMP_CHECKSUM, 0);
}

/** The UDP checksum (never 0: a computed 0 is sent as 0xffff, RFC 768) of the datagram at b[p, p + udpLength). */
export function udpChecksum(b: Uint8Array, p: number, udpLength: number, pseudo: number): number {
  const c = checksumWithout(b, p, udpLength, UDP_CHECKSUM, pseudo);
  return c === 0 ? 0xffff : c;
}

/** The TCP checksum of the segment at b[p, p + length). */
export function tcpChecksum(b: Uint8Array, p: number, length: number, pseudo: number): number {
  return checksumWithout(b, p, length, TCP_CHECKSUM, pseudo);
}

/** Byte offset of a layer's checksum field from the start of that layer's header. */
export const CHECKSUM_FIELD = [IP_CHECKSUM, ICMP_CHECKSUM, UDP_CHECKSUM, TCP_CHECKSUM] as const;
