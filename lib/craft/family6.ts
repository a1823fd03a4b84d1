// `send`'s IPv6 table (family.ts). Packets go out through a raw IPPROTO_RAW socket with
// IPV6_HDRINCL (Linux 4.5 and later): every byte of the IPv6 header is ours, and the kernel
// changes none of them (hdrincl.ts). Answers come in on raw ICMPv6, UDP and TCP sockets, which
// never hand over the IPv6 header: a datagram starts at its ICMPv6 (UDP, TCP) header, its
// source is the batch's (sources6: its 16 bytes), its protocol the socket's, its hop limit and traffic
// class the IPV6_HOPLIMIT / IPV6_TCLASS control messages (IPV6_RECVHOPLIMIT and
// IPV6_RECVTCLASS on). The extension chain of what we send, and of the packet an ICMPv6 error
// quotes, is walked by the headers' lengths (lib/wire's walkChain) to the upper layer.
import { u16, u32 } from '../wire/bytes.js';
import { ICMPV6_TYPE, isError } from '../wire/icmpv6-codes.js';
import { FIELD as ICMPV6, HEADER_LENGTH as ICMPV6_HEADER_LENGTH } from '../wire/icmpv6.js';
import { formatIpv6, parseIpv6 } from '../wire/ipv6-address.js';
import { newChainWalk, walkChain } from '../wire/ipv6-chain.js';
import { addressSum6, withLengthAndProtocol } from '../wire/ipv6-checksum.js';
import { finalDestination } from '../wire/ipv6-routing.js';
import { FIELD as IP6, HEADER_LENGTH as IPV6_HEADER_LENGTH } from '../wire/ipv6.js';
import { answerPacket6, answerSource6, readAnswer6, readQuoted6 } from '../probe/family/family6.js';
import { FIELD as PORTS } from '../wire/udp.js';
import { echoReplyFilterV6 } from '../socket/bpf.js';
import { rawIcmpSocket } from '../socket/icmp-socket.js';
import { openSocket, type RawSocket } from '../socket/socket.js';
import { MATCH, type Match, type MatchKind } from '../probe/engine/protocol.js';
import type { SocketGroup } from '../probe/engine/socket-group.js';
import { counterAt, echoAnswerKey, otherKey, portsKey, type Counter, type CraftFamily, type ReplyKind } from './family.js';
import { echoIdentifiers, openSocketGroup } from './receive.js';

const WALK = newChainWalk();
const UDP = 17;
const TCP = 6;
const ICMPV6_PROTOCOL = 58;

/**
 * Where the upper layer of the IPv6 packet at b[o, end) starts (its Next Header in WALK.upperLayer),
 * or -1: no whole IPv6 header, a chain that runs out, ESP, a fragment that is not the first.
 */
function upperAt(b: Uint8Array, o: number, end: number): number {
  if (end - o < IPV6_HEADER_LENGTH || b[o]! >>> 4 !== 6) return -1;
  walkChain(b, o + IPV6_HEADER_LENGTH, end, b[o + IP6.NEXT_HEADER]!, WALK);
  return WALK.problem !== null || WALK.upperLayer < 0 ? -1 : WALK.end;
}

/** The key of the IPv6 packet at b[o, end) as we sent it (an answer carries the same), or -1. */
function packetKey(b: Uint8Array, o: number, end: number): number {
  const p = upperAt(b, o, end);
  if (p < 0) return -1;
  const upper = WALK.upperLayer;
  if (upper === ICMPV6_PROTOCOL) {
    if (p + ICMPV6_HEADER_LENGTH > end || b[p] !== ICMPV6_TYPE.ECHO_REQUEST) return -1;
    return echoAnswerKey(u16(b, p + ICMPV6.IDENTIFIER), u16(b, p + ICMPV6.SEQUENCE));
  }
  if (upper === UDP || upper === TCP) return p + 4 > end ? -1 : portsKey(upper, u16(b, p + PORTS.SRC_PORT), u16(b, p + PORTS.DST_PORT));
  return otherKey(upper, u32(b, o + IP6.DST + 12));
}

/**
 * Classifies a datagram from one of the listening IPv6 sockets (its protocol and source are the
 * batch's): an echo reply, a UDP or TCP segment back to our port, or an ICMPv6 error quoting one
 * of our packets. Fills m and returns its kind; MATCH.none for anything else.
 */
function classifyAnswer(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
  m.kind = MATCH.none;
  const batch = m.batch;
  if (batch === null) return MATCH.none;
  const from = answerSource6(batch, m.index);
  if (from < 0) return MATCH.none;
  const protocol = batch.protocol;
  const end = offset + length;
  let key = -1;
  let kind: MatchKind = MATCH.reply;
  m.info = -1;
  m.quotedTos = -1;
  m.quotedTtl = -1;
  if (protocol === ICMPV6_PROTOCOL) {
    if (length < ICMPV6_HEADER_LENGTH) return MATCH.none;
    const type = b[offset]!;
    if (type === ICMPV6_TYPE.ECHO_REPLY) {
      key = echoAnswerKey(u16(b, offset + ICMPV6.IDENTIFIER), u16(b, offset + ICMPV6.SEQUENCE));
      m.target = from;
    } else if (isError(type)) {
      const inner = offset + ICMPV6_HEADER_LENGTH;
      key = packetKey(b, inner, end);
      if (key < 0) return MATCH.none;
      readQuoted6(m, b, inner);
      if (type === ICMPV6_TYPE.PACKET_TOO_BIG || type === ICMPV6_TYPE.PARAMETER_PROBLEM) m.info = u32(b, offset + ICMPV6.MTU);
      kind = MATCH.error;
    }
  } else if ((protocol === UDP || protocol === TCP) && length >= 4) {
    // Coming back, the ports are the other way round.
    key = portsKey(protocol, u16(b, offset + PORTS.DST_PORT), u16(b, offset + PORTS.SRC_PORT));
    m.target = from;
  }
  if (key < 0) return MATCH.none;
  readAnswer6(m, batch, from, b, offset, length, wireLength);
  m.type = protocol === ICMPV6_PROTOCOL ? b[offset]! : -1;
  m.code = protocol === ICMPV6_PROTOCOL ? b[offset + 1]! : -1;
  m.key = key;
  m.kind = kind;
  return kind;
}

/** An ICMPv6 echo request's counter, else null. */
function counterFor(packet: Uint8Array): Counter | null {
  const p = upperAt(packet, 0, packet.length);
  if (p < 0 || WALK.upperLayer !== ICMPV6_PROTOCOL || p + ICMPV6_HEADER_LENGTH > packet.length || packet[p] !== ICMPV6_TYPE.ECHO_REQUEST) return null;
  // The checksum covers the pseudo-header: source and final destination (RFC 8200 section 8.1).
  const r = WALK.routingOffset;
  const final = r < 0 ? null : finalDestination(packet, r, (packet[r + 1]! + 1) * 8, packet, IP6.DST);
  const pseudo = withLengthAndProtocol(addressSum6(packet, IP6.SRC, final ?? packet, final === null ? IP6.DST : 0), ICMPV6_PROTOCOL, packet.length - p);
  return counterAt(packet, p, packet.length - p, pseudo);
}

function replyKind(m: Match): ReplyKind {
  const protocol = m.batch?.protocol;
  if (protocol === UDP) return 'udp';
  if (protocol === TCP) return 'tcp';
  return m.kind === MATCH.error ? 'icmp-error' : 'echo-reply';
}

/** The answer as a whole IPv6 packet (answerPacket6), its destination the sent packet's source. */
function answerPacket(m: Match, sent: Uint8Array): Buffer {
  return answerPacket6(m.data, m.offset, m.length, m.batch!, m.index, sent.subarray(IP6.SRC, IP6.SRC + 16));
}

/** Adds a raw IPv6 socket to the listeners (first: closed with them if a step fails), reporting each datagram's hop limit and traffic class. */
function listen(receivers: RawSocket[], socket: RawSocket): RawSocket {
  receivers.push(socket);
  socket.setOption('IPV6_RECVHOPLIMIT', true);
  socket.setOption('IPV6_RECVTCLASS', true);
  return socket;
}

/**
 * The sending socket (raw IPPROTO_RAW with IPV6_HDRINCL: the packet is ours whatever it holds),
 * and with waitMs the sockets that can see the answers: raw ICMPv6 always, raw UDP/TCP when we
 * send those.
 */
function openSockets(packets: readonly Buffer[], waitMs: number): SocketGroup {
  return openSocketGroup(
    waitMs,
    () => {
      const sender = openSocket({ family: 'inet6', type: 'raw', protocol: 'raw' });
      try {
        return sender.setOption('IPV6_HDRINCL', true);
      } catch (e) {
        sender.close();
        throw e;
      }
    },
    (receivers) => {
      const icmp = listen(receivers, rawIcmpSocket({ family: 'inet6', passTypes: FAMILY6.icmpTypes }));
      const ids = echoIdentifiers(packets, counterFor);
      if (ids.size <= 1) icmp.attachFilter(echoReplyFilterV6(ids.size === 1 ? [...ids][0]! : 0));
      const uppers = new Set(packets.map((p) => (upperAt(p, 0, p.length) < 0 ? -1 : WALK.upperLayer)));
      for (const [number, name] of [[UDP, 'udp'], [TCP, 'tcp']] as const) {
        if (uppers.has(number)) listen(receivers, openSocket({ family: 'inet6', type: 'raw', protocol: name }));
      }
    },
  );
}

export const FAMILY6: CraftFamily = {
  version: 6,
  icmpTypes: [ICMPV6_TYPE.ECHO_REPLY, ICMPV6_TYPE.DESTINATION_UNREACHABLE, ICMPV6_TYPE.PACKET_TOO_BIG, ICMPV6_TYPE.TIME_EXCEEDED, ICMPV6_TYPE.PARAMETER_PROBLEM],
  destinationOf(packet) {
    if (packet.length < IPV6_HEADER_LENGTH) throw new RangeError(`a ${packet.length}-byte packet has no IPv6 header to send`);
    return formatIpv6(packet, IP6.DST);
  },
  requestKey: (packet) => packetKey(packet, 0, packet.length),
  classifyAnswer,
  counterFor,
  replyKind,
  answerPacket,
  openSockets,
};
