// `send`'s IPv4 table (family.ts): keys read straight from the bytes of IPv4 datagrams, sent
// through a raw IPPROTO_RAW socket (IP_HDRINCL implied: every byte of the header is ours, except
// what hdrincl.ts lists), answers heard on raw ICMP, UDP and TCP sockets, whose datagrams start
// with the IPv4 header. Answers are credited only when they come from (or quote) the sent
// packet's destination.
import { readIpv4, u16, u32 } from '../wire/bytes.js';
import { ERROR_TYPES, FIELD as ICMP, HEADER_LENGTH as ICMP_HEADER_LENGTH, ICMP_TYPE, isError } from '../wire/icmpv4-codes.js';
import { FIELD as IP, headerLengthOf, MIN_HEADER_LENGTH, PROTOCOL } from '../wire/ipv4.js';
import { firstFragmentPayloadOffset } from '../wire/peek.js';
import { quotedHeaderAt } from '../wire/quoted.js';
import { FIELD as PORTS } from '../wire/udp.js';
import { echoReplyFilterV4 } from '../socket/bpf.js';
import { rawIcmpSocket } from '../socket/icmp-socket.js';
import { openSocket } from '../socket/socket.js';
import { fillAnswer } from '../probe/protocols/answer.js';
import { MATCH, type Match, type MatchKind } from '../probe/engine/protocol.js';
import type { SocketGroup } from '../probe/engine/socket-group.js';
import { counterAt, echoAnswerKey, otherKey, portsKey, type Counter, type CraftFamily, type ReplyKind } from './family.js';
import { echoIdentifiers, openSocketGroup } from './receive.js';

/**
 * The key of the datagram at b[offset] (transport header at p, end of the bytes at end): of a
 * request we sent, or (reversed: true) of a UDP/TCP segment coming back, whose ports are the
 * other way round. -1 when it has none.
 */
function keyOfDatagram(b: Uint8Array, offset: number, p: number, end: number, reversed: boolean): number {
  const protocol = b[offset + IP.PROTOCOL]!;
  if (protocol === PROTOCOL.ICMP) {
    const type = b[p + ICMP.TYPE];
    if (p + ICMP_HEADER_LENGTH > end || (type !== ICMP_TYPE.ECHO_REQUEST && type !== ICMP_TYPE.TIMESTAMP_REQUEST)) return -1;
    return echoAnswerKey(u16(b, p + ICMP.IDENTIFIER), u16(b, p + ICMP.SEQUENCE));
  }
  if (protocol === PROTOCOL.UDP || protocol === PROTOCOL.TCP) {
    if (p + 4 > end) return -1;
    const src = u16(b, p + PORTS.SRC_PORT);
    const dst = u16(b, p + PORTS.DST_PORT);
    return reversed ? portsKey(protocol, dst, src) : portsKey(protocol, src, dst);
  }
  return otherKey(protocol, u32(b, offset + IP.DST));
}

/** The key an answer to this sent IPv4 packet will carry, or -1 when nothing can answer it. */
export function requestKey(packet: Uint8Array, offset = 0, length = packet.length - offset): number {
  const p = firstFragmentPayloadOffset(packet, offset, length);
  if (p < 0) return -1;
  return keyOfDatagram(packet, offset, p, offset + length, false);
}

/** The key of the datagram an ICMP error (at b[p, end)) quotes, or -1. */
function quotedKey(b: Uint8Array, p: number, end: number): number {
  const inner = quotedHeaderAt(b, p, end);
  if (inner < 0) return -1;
  const innerP = inner + headerLengthOf(b, inner);
  const protocol = b[inner + IP.PROTOCOL];
  // Ports and echo fields must be there; another protocol is known by its destination alone.
  if ((protocol === PROTOCOL.ICMP && innerP + ICMP_HEADER_LENGTH > end) || ((protocol === PROTOCOL.UDP || protocol === PROTOCOL.TCP) && innerP + 4 > end)) return -1;
  return keyOfDatagram(b, inner, innerP, end, false);
}

/**
 * Classifies the IPv4 datagram at b[offset, offset + length) as an answer to a crafted packet:
 * an echo or timestamp reply (reply), a TCP or UDP segment (reply), or an ICMP error quoting one
 * (error, notices included: any answer is an answer here). Fills m (key, target, the answer's
 * fields) and returns its kind; MATCH.none for anything else.
 */
export function classifyAnswer(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
  m.kind = MATCH.none;
  const p = firstFragmentPayloadOffset(b, offset, length);
  if (p < 0) return MATCH.none;
  const end = offset + length;
  const protocol = b[offset + IP.PROTOCOL];
  let key = -1;
  let kind: MatchKind = MATCH.reply;
  if (protocol === PROTOCOL.ICMP) {
    if (p + ICMP_HEADER_LENGTH > end) return MATCH.none;
    const type = b[p + ICMP.TYPE]!;
    if (type === ICMP_TYPE.ECHO_REPLY || type === ICMP_TYPE.TIMESTAMP_REPLY) {
      key = echoAnswerKey(u16(b, p + ICMP.IDENTIFIER), u16(b, p + ICMP.SEQUENCE));
      m.target = u32(b, offset + IP.SRC);
    } else if (isError(type)) {
      key = quotedKey(b, p, end);
      m.target = key < 0 ? -1 : u32(b, p + ICMP_HEADER_LENGTH + IP.DST);
      kind = MATCH.error;
    }
  } else if (protocol === PROTOCOL.UDP || protocol === PROTOCOL.TCP) {
    key = keyOfDatagram(b, offset, p, end, true);
    m.target = u32(b, offset + IP.SRC);
  }
  if (key < 0) return MATCH.none;
  fillAnswer(b, offset, p - offset, length, wireLength, m);
  m.key = key;
  m.kind = kind;
  return kind;
}

/** An echo or timestamp request's counter, else null. */
export function counterFor(packet: Uint8Array): Counter | null {
  const hl = firstFragmentPayloadOffset(packet, 0, packet.length);
  if (hl < 0 || packet[IP.PROTOCOL] !== PROTOCOL.ICMP || hl + ICMP_HEADER_LENGTH > packet.length) return null;
  const type = packet[hl + ICMP.TYPE];
  if (type !== ICMP_TYPE.ECHO_REQUEST && type !== ICMP_TYPE.TIMESTAMP_REQUEST) return null;
  const totalLength = u16(packet, IP.TOTAL_LENGTH);
  const end = Math.min(packet.length, totalLength >= hl ? totalLength : packet.length);
  return counterAt(packet, hl, end - hl, 0);
}

/** What kind of answer the datagram at b[offset] is, once classifyAnswer found it one. */
export function replyKind(b: Uint8Array, offset: number, kind: number, type: number): ReplyKind {
  const protocol = b[offset + IP.PROTOCOL];
  if (protocol === PROTOCOL.UDP) return 'udp';
  if (protocol === PROTOCOL.TCP) return 'tcp';
  if (kind === MATCH.error) return 'icmp-error';
  return type === ICMP_TYPE.TIMESTAMP_REPLY ? 'timestamp-reply' : 'echo-reply';
}

/**
 * The sending socket (raw IPPROTO_RAW: the datagram is ours whatever its protocol), and with
 * waitMs the sockets that can see the answers: raw ICMP always, raw TCP/UDP when we send those.
 */
function openSockets(packets: readonly Buffer[], waitMs: number): SocketGroup {
  return openSocketGroup(
    waitMs,
    () => openSocket({ family: 'inet', type: 'raw', protocol: 'raw' }),
    (receivers) => {
      const icmp = rawIcmpSocket({ passTypes: FAMILY4.icmpTypes });
      receivers.push(icmp);
      // A raw ICMP socket gets a copy of every ICMP message on the host: let the kernel drop
      // other processes' echo replies (iputils ping's filter) so a busy host cannot fill our
      // buffer. With several identifiers (a file of different pings) every echo reply passes.
      const ids = echoIdentifiers(packets, counterFor);
      if (ids.size <= 1) icmp.attachFilter(echoReplyFilterV4(ids.size === 1 ? [...ids][0]! : 0));
      const protocols = new Set(packets.map((p) => p[IP.PROTOCOL]));
      for (const [number, name] of [[PROTOCOL.UDP, 'udp'], [PROTOCOL.TCP, 'tcp']] as const) {
        if (protocols.has(number)) receivers.push(openSocket({ family: 'inet', type: 'raw', protocol: name }));
      }
    },
  );
}

export const FAMILY4: CraftFamily = {
  version: 4,
  icmpTypes: [ICMP_TYPE.ECHO_REPLY, ICMP_TYPE.TIMESTAMP_REPLY, ...ERROR_TYPES],
  destinationOf(packet) {
    if (packet.length < MIN_HEADER_LENGTH) throw new RangeError(`a ${packet.length}-byte packet has no IPv4 header to send`);
    return readIpv4(packet, IP.DST);
  },
  requestKey: (packet) => requestKey(packet),
  classifyAnswer,
  counterFor,
  replyKind: (m) => replyKind(m.data, m.offset, m.kind, m.type),
  answerPacket: (m) => Buffer.from(m.data.subarray(m.offset, m.offset + m.length)),
  openSockets,
};
