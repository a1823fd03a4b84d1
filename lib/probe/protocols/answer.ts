// The read side every probe kind shares: what match() checks and reads in any answer before the
// protocol looks for its own fields. Everything reads the received bytes in place and allocates
// nothing (it runs once per datagram in a flood or a sweep). Offsets, types and codes are
// lib/wire's tables; where the quote sits is lib/wire/quoted.ts's.
//
//   answerHeaderLength  the outer IPv4 header: version 4, whole, 8 bytes after it, a first fragment
//   fillAnswer          the fields every answer has (source, TTL, TOS, type, code, bytes, cut)
//   icmpErrorAt         an ICMP error, which quotes a datagram (lib/wire/quoted.ts finds its parts)
//   quotedAnswer        the rest of an error quoting one of our probes (target, quoted TOS/TTL,
//                       MTU / pointer / gateway, checksum) and its kind: error, or notice
//   quotedProtocolFilter  the kernel-side version: a BPF program passing errors that quote a protocol
import { u16, u32 } from '../../wire/bytes.js';
import { sum16 } from '../../wire/checksum.js';
import { FIELD as ICMP, HEADER_LENGTH as ICMP_HEADER_LENGTH, ICMP_TYPE, isError, isFragmentationNeeded, isNotice } from '../../wire/icmpv4-codes.js';
import { FIELD as IP, isFirstFragment, PROTOCOL } from '../../wire/ipv4.js';
import { ipv4PayloadOffset } from '../../wire/peek.js';
import { constants } from '../../socket/constants.js';
import { jump, stmt, type BpfInstruction } from '../../socket/bpf.js';
import { MATCH, MATCH_FLAG, type Match, type MatchKind } from '../engine/protocol.js';

/**
 * The IPv4 header length of the datagram at b[offset, offset + length) when it can be an answer
 * (version 4, a whole header with at least 8 bytes after it, the size of an ICMP header and of
 * the TCP fields an answer is matched by; a first fragment), else -1. The caller checks the
 * protocol.
 */
export function answerHeaderLength(b: Uint8Array, offset: number, length: number): number {
  const p = ipv4PayloadOffset(b, offset, length);
  if (p < 0 || p + ICMP_HEADER_LENGTH > offset + length || !isFirstFragment(b, offset)) return -1;
  return p - offset;
}

/**
 * The ICMP header offset when the datagram at b[offset] (IPv4 header length hl) is an ICMP
 * error, which quotes the datagram that caused it; else -1.
 */
export function icmpErrorAt(b: Uint8Array, offset: number, hl: number): number {
  const p = offset + hl;
  return b[offset + IP.PROTOCOL] === PROTOCOL.ICMP && isError(b[p + ICMP.TYPE]!) ? p : -1;
}

/**
 * The fields every answer has, from its IPv4 header and the ICMP (or TCP) header after it.
 * m.bytes: the message after the IPv4 header, as long as the total length says or as long as it
 * came (wireLength). m.flags: truncated when it was cut (by the sender or by the receive slot),
 * else 0. m.data, m.offset, m.length: the datagram itself.
 */
export function fillAnswer(b: Uint8Array, offset: number, hl: number, length: number, wireLength: number, m: Match): void {
  const p = offset + hl;
  const totalLength = u16(b, offset + IP.TOTAL_LENGTH);
  m.data = b;
  m.offset = offset;
  m.length = length;
  m.from = u32(b, offset + IP.SRC);
  m.ttl = b[offset + IP.TTL]!;
  m.tos = b[offset + IP.TOS]!;
  m.type = b[p + ICMP.TYPE]!;
  m.code = b[p + ICMP.CODE]!;
  m.info = -1;
  m.quotedTos = -1;
  m.quotedTtl = -1;
  m.bytes = Math.min(totalLength, wireLength) - hl;
  m.flags = wireLength > length || totalLength > wireLength ? MATCH_FLAG.truncated : 0;
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
  const inner = p + ICMP_HEADER_LENGTH;
  const type = m.type;
  m.target = u32(b, inner + IP.DST);
  m.quotedTos = b[inner + IP.TOS]!;
  m.quotedTtl = b[inner + IP.TTL]!;
  if (isFragmentationNeeded(type, m.code)) m.info = u16(b, p + ICMP.NEXT_HOP_MTU);
  else if (type === ICMP_TYPE.PARAMETER_PROBLEM) m.info = b[p + ICMP.POINTER]!;
  else if (type === ICMP_TYPE.REDIRECT) m.info = u32(b, p + ICMP.GATEWAY);
  // A bad checksum can be told only when the message is whole (fillAnswer flagged a cut one).
  if (m.flags === 0 && sum16(b, p, m.bytes) !== 0xffff) m.flags = MATCH_FLAG.badChecksum;
  m.kind = isNotice(type) ? MATCH.notice : MATCH.error;
  return m.kind;
}

/**
 * An error that quotes one of our probes (`kind`, from quotedAnswer) and is unreachable `code`
 * sent by the probe's own destination: the probe arrived, which is the destination's answer
 * (UDP: port unreachable; raw IP: protocol unreachable). m.kind becomes reply; anything else keeps
 * its kind.
 */
export function arrivalAs(kind: MatchKind, m: Match, code: number): MatchKind {
  if (kind !== MATCH.error || m.type !== ICMP_TYPE.DESTINATION_UNREACHABLE || m.code !== code || m.from !== m.target) return kind;
  m.kind = MATCH.reply;
  return MATCH.reply;
}

/**
 * For a raw ICMP socket (the program sees the IPv4 header first): pass ICMP messages whose
 * quoted datagram has this protocol, drop the rest.
 */
export function quotedProtocolFilter(protocol: number): BpfInstruction[] {
  const c = constants;
  return [
    stmt(c.BPF_LDX | c.BPF_B | c.BPF_MSH, 0), // X = IP header length
    stmt(c.BPF_LD | c.BPF_B | c.BPF_IND, ICMP_HEADER_LENGTH + IP.PROTOCOL), // A = quoted protocol
    jump(c.BPF_JMP | c.BPF_JEQ | c.BPF_K, protocol, 0, 1),
    stmt(c.BPF_RET | c.BPF_K, 0xffffffff),
    stmt(c.BPF_RET | c.BPF_K, 0),
  ];
}
