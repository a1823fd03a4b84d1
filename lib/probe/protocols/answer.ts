// The read side every probe kind shares: what match() checks and reads in any answer before the
// protocol looks for its own fields. Everything reads the received bytes in place and allocates
// nothing (it runs once per datagram in a flood or a sweep).
//
//   answerHeaderLength  the outer IPv4 header: version 4, whole, 8 bytes after it, a first fragment
//   fillAnswer          the fields every answer has (source, TTL, TOS, type, code, bytes, cut)
//   quotedTransport     an ICMP error's quote (RFC 792): its IPv4 header, then 8 transport bytes
//   quotedAnswer        the rest of an error quoting one of our probes (target, quoted TOS/TTL,
//                       MTU / pointer / gateway, checksum) and its kind: error, or notice
//   quotedProtocolFilter  the kernel-side version: a BPF program passing errors that quote a protocol
import { u16, u32 } from '../../wire/bytes.js';
import { sum16 } from '../../wire/checksum.js';
import { ipv4PayloadOffset } from '../../wire/peek.js';
import { constants } from '../../socket/constants.js';
import { jump, stmt, type BpfInstruction } from '../../socket/bpf.js';
import { MATCH, MATCH_FLAG, type Match, type MatchKind } from '../engine/protocol.js';

// Offsets in the IPv4 header (RFC 791 section 3.1).
const IP = { TOS: 1, TOTAL_LENGTH: 2, FLAGS_FRAGMENT: 6, TTL: 8, PROTOCOL: 9, SRC: 12, DST: 16 } as const;
/** The ICMP header before an error's quote: type, code, checksum and 4 bytes (RFC 792). */
const ICMP_HEADER = 8;

/** ICMP types an error quoting a probe can have: unreachable, source quench, redirect, time exceeded, parameter problem. */
export function isQuotingType(type: number): boolean {
  return type === 3 || type === 11 || type === 12 || type === 4 || type === 5;
}

/** A first fragment (offset 0, MF ignored): the only one that holds the transport header. */
function firstFragment(b: Uint8Array, ip: number): boolean {
  return ((b[ip + IP.FLAGS_FRAGMENT]! & 0x1f) | b[ip + IP.FLAGS_FRAGMENT + 1]!) === 0;
}

/**
 * The IPv4 header length of the datagram at b[offset, offset + length) when it can be an answer
 * (version 4, a whole header with at least 8 bytes after it, a first fragment), else -1. The
 * caller checks the protocol.
 */
export function answerHeaderLength(b: Uint8Array, offset: number, length: number): number {
  const p = ipv4PayloadOffset(b, offset, length);
  if (p < 0 || p + 8 > offset + length || !firstFragment(b, offset)) return -1;
  return p - offset;
}

/**
 * The fields every answer has, from its IPv4 header and the ICMP (or TCP) header after it.
 * m.bytes: the message after the IPv4 header, as long as the total length says or as long as it
 * came (wireLength). m.flags: truncated when it was cut (by the sender or by the receive slot),
 * else 0.
 */
export function fillAnswer(b: Uint8Array, offset: number, hl: number, length: number, wireLength: number, m: Match): void {
  const p = offset + hl;
  const totalLength = u16(b, offset + IP.TOTAL_LENGTH);
  m.from = u32(b, offset + IP.SRC);
  m.ttl = b[offset + IP.TTL]!;
  m.tos = b[offset + IP.TOS]!;
  m.type = b[p]!;
  m.code = b[p + 1]!;
  m.info = -1;
  m.quotedTos = -1;
  m.quotedTtl = -1;
  m.bytes = Math.min(totalLength, wireLength) - hl;
  m.flags = wireLength > length || totalLength > wireLength ? MATCH_FLAG.truncated : 0;
}

/**
 * Offset of the first 8 bytes of the datagram an ICMP error quotes, when the error is
 * b[p, end) (p at the ICMP header), the quote is a first fragment of protocol `protocol`, and
 * it reaches 8 bytes past its IPv4 header; else -1. The quoted header itself is at p + 8.
 */
export function quotedTransport(b: Uint8Array, p: number, end: number, protocol: number): number {
  const inner = p + ICMP_HEADER;
  if (inner + 20 > end || b[inner]! >>> 4 !== 4 || b[inner + IP.PROTOCOL] !== protocol) return -1;
  const hl = (b[inner]! & 0x0f) << 2;
  if (hl < 20 || inner + hl + 8 > end || !firstFragment(b, inner)) return -1;
  return inner + hl;
}

/**
 * An ICMP error (header length hl) whose quote the protocol found to be one of its probes (it
 * sets m.key): fills m (target = the quoted destination; info = the next-hop MTU of 3/4, the
 * pointer of 12, the gateway of 5) and returns its kind, a notice for source quench and
 * redirect, else an error.
 */
export function quotedAnswer(b: Uint8Array, offset: number, hl: number, length: number, wireLength: number, m: Match): MatchKind {
  fillAnswer(b, offset, hl, length, wireLength, m);
  const p = offset + hl;
  const inner = p + ICMP_HEADER;
  const type = m.type;
  m.target = u32(b, inner + IP.DST);
  m.quotedTos = b[inner + IP.TOS]!;
  m.quotedTtl = b[inner + IP.TTL]!;
  if (type === 3 && m.code === 4) m.info = u16(b, p + 6);
  else if (type === 12) m.info = b[p + 4]!;
  else if (type === 5) m.info = u32(b, p + 4);
  // A bad checksum can be told only when the message is whole (fillAnswer flagged a cut one).
  if (m.flags === 0 && sum16(b, p, m.bytes) !== 0xffff) m.flags = MATCH_FLAG.badChecksum;
  m.kind = type === 4 || type === 5 ? MATCH.notice : MATCH.error;
  return m.kind;
}

/**
 * For a raw ICMP socket (the program sees the IPv4 header first): pass ICMP messages whose
 * quoted datagram has this protocol, drop the rest.
 */
export function quotedProtocolFilter(protocol: number): BpfInstruction[] {
  const c = constants;
  return [
    stmt(c.BPF_LDX | c.BPF_B | c.BPF_MSH, 0), // X = IP header length
    stmt(c.BPF_LD | c.BPF_B | c.BPF_IND, ICMP_HEADER + IP.PROTOCOL), // A = quoted protocol
    jump(c.BPF_JMP | c.BPF_JEQ | c.BPF_K, protocol, 0, 1),
    stmt(c.BPF_RET | c.BPF_K, 0xffffffff),
    stmt(c.BPF_RET | c.BPF_K, 0),
  ];
}
