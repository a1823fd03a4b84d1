// What trace and tos probe with: the engine's function table (protocol.ts) plus what a TTL
// probe needs beyond ping's: the probe kind, where the datagram just matched sits (to compare
// the header an ICMP error quotes with the one we sent), and the IPv4 part every kind shares.
//
// Three kinds, as traceroute has them (-I, -U, -T):
//
//   kind  probe                                   the destination answers with   key
//   icmp  echo request, seq n + 1                 echo reply                     (identifier, seq)
//   udp   UDP to port base + n (33434 + n)        port unreachable               destination port
//   tcp   SYN from port base + n to port p        SYN-ACK or RST                 source port
//
// Routers answer every kind with Time Exceeded (or an unreachable) that quotes our header; the
// key comes from the quote. Each probe is a whole IPv4 datagram we build (IP_HDRINCL): a
// template made once with lib/wire, and per probe only TOS, id, TTL, destination, the key
// fields and the checksums are written again.
import { internetChecksum } from '../wire/checksum.js';
import type { Ipv4OptionInit } from '../wire/ipv4-options.js';
import type { ProbeProtocol, ProbeSlot } from './protocol.js';

export const PROBE_KINDS = ['icmp', 'udp', 'tcp'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** A datagram in a receive batch: bytes[offset, offset + length). */
export interface DatagramRef {
  bytes: Uint8Array;
  offset: number;
  length: number;
}

export interface TraceProtocol extends ProbeProtocol {
  readonly kind: ProbeKind;
  /** Bytes of every probe (IPv4 header, options and all): traceroute's "60 byte packets". */
  readonly packetLength: number;
  /**
   * The datagram match() looked at last. The engine calls the handler's answer() right after
   * match() for the same datagram, so inside answer() this is the answer's datagram. Valid
   * until the next match(); copy what you keep.
   */
  readonly last: DatagramRef;
}

/** What every probe kind's IPv4 header takes. */
export interface ProbeHeaderOptions {
  /** Our source address, written into every header. */
  source: string;
  /** Don't Fragment (traceroute -F). */
  df: boolean;
  /** IPv4 options carried by every probe (to see whether the path strips them). */
  ipOptions?: readonly Ipv4OptionInit[];
  /** Bytes of the whole datagram; raised to the smallest that holds the headers. */
  length: number;
  /** IP identification of probe 0; probe n gets base + n (mod 2^16, never 0). */
  ipIdBase?: number;
}

// Offsets in the IPv4 header (RFC 791 section 3.1).
const IP = { VER_IHL: 0, TOS: 1, ID: 4, TTL: 8, PROTOCOL: 9, CHECKSUM: 10, SRC: 12, DST: 16 } as const;

/** Probe n's IP identification: 0 would let the kernel choose one. */
export function probeIpId(base: number, n: number): number {
  return (base + n) & 0xffff || 1;
}

/**
 * Writes what changes per probe into the IPv4 header at b[0, hl) (the template is already in
 * b): TOS, identification, TTL, destination, then the header checksum.
 */
export function patchIpv4(b: Uint8Array, hl: number, probe: ProbeSlot, id: number): void {
  const dst = probe.addressValue;
  b[IP.TOS] = probe.tos;
  b[IP.ID] = id >>> 8;
  b[IP.ID + 1] = id & 0xff;
  b[IP.TTL] = probe.ttl;
  b[IP.DST] = dst >>> 24;
  b[IP.DST + 1] = (dst >>> 16) & 0xff;
  b[IP.DST + 2] = (dst >>> 8) & 0xff;
  b[IP.DST + 3] = dst & 0xff;
  b[IP.CHECKSUM] = 0;
  b[IP.CHECKSUM + 1] = 0;
  const sum = internetChecksum(b, 0, hl);
  b[IP.CHECKSUM] = sum >>> 8;
  b[IP.CHECKSUM + 1] = sum & 0xff;
}

/** traceroute's probe data: 0x40, 0x41 ... 0x7f, 0x40 ... (any bytes would do; these are familiar in captures). */
export function probeData(length: number): Buffer {
  const data = Buffer.alloc(Math.max(0, length));
  for (let i = 0; i < data.length; i++) data[i] = 0x40 + (i & 0x3f);
  return data;
}

/** Reads a u32 (an address) at b[o]. */
export function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/**
 * Offset of the first 8 bytes of the datagram an ICMP error quotes, when the error is
 * b[p, end) (p at the ICMP header), the quote is a first fragment of protocol `protocol`, and
 * it reaches 8 bytes past its IPv4 header; else -1. `inner` gets the quoted header's offset.
 */
export function quotedTransport(b: Uint8Array, p: number, end: number, protocol: number): number {
  const inner = p + 8;
  if (inner + 20 > end || b[inner]! >>> 4 !== 4 || b[inner + IP.PROTOCOL] !== protocol) return -1;
  const hl = (b[inner]! & 0x0f) << 2;
  if (hl < 20 || inner + hl + 8 > end) return -1;
  if (((b[inner + 6]! & 0x1f) | b[inner + 7]!) !== 0) return -1;
  return inner + hl;
}

/** ICMP types an error quoting a probe can have: unreachable, source quench, redirect, time exceeded, parameter problem. */
export const QUOTING_TYPES: readonly number[] = [3, 4, 5, 11, 12];

export function isQuotingType(type: number): boolean {
  return type === 3 || type === 11 || type === 12 || type === 4 || type === 5;
}
