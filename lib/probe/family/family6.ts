// The probing commands' IPv6 table (family.ts). Probes go out through a raw IPPROTO_RAW socket
// with IPV6_HDRINCL (Linux 4.5 and later: every byte of the IPv6 header is ours and the kernel
// changes none); answers come in on a raw ICMPv6 socket (and a raw TCP one for trace -T), which
// never hands over the IPv6 header: a datagram starts at its ICMPv6 (TCP) header, its source is
// the batch's (sources6: its 16 bytes), its protocol the socket's, its hop limit and traffic class the
// IPV6_HOPLIMIT / IPV6_TCLASS control messages. The kernel checks an ICMPv6 message's checksum
// before a raw socket sees it (and drops a bad one), so no answer here is ever "corrupted".
// The packet an ICMPv6 error quotes (RFC 4443 section 2.4: as much as fits 1280 bytes) is
// walked through its extension headers (a Fragment header, when we sent fragments) to the
// upper layer with lib/wire's walkChain.
import { u32 } from '../../wire/bytes.js';
import { describeIcmpv6, traceMark6 } from '../../wire/icmpv6-names.js';
import { ICMPV6_TYPE, isError, UNREACHABLE_CODE } from '../../wire/icmpv6-codes.js';
import { FIELD as ICMPV6, HEADER_LENGTH as ICMPV6_HEADER_LENGTH, PROTOCOL_NUMBER as ICMPV6_PROTOCOL } from '../../wire/icmpv6.js';
import { address6Key, address6KeyOf, formatIpv6, IPV6_ADDRESS_LENGTH, ipv6OrNull, parseIpv6 } from '../../wire/ipv6-address.js';
import { routeSource } from '../../socket/route.js';
import { newChainWalk, walkChain } from '../../wire/ipv6-chain.js';
import { encode as encodeIpv6, FIELD as IP6, HEADER_LENGTH as IPV6_HEADER_LENGTH, NEXT_HEADER } from '../../wire/ipv6.js';
import { encodePacket6 } from '../../wire/packet6.js';
import { BATCH, type ReceiveBatch } from '../../socket/batch.js';
import { echoReplyFilterV6, jump, stmt, type BpfInstruction } from '../../socket/bpf.js';
import { constants } from '../../socket/constants.js';
import { MATCH, MATCH_FLAG, type Match } from '../engine/protocol.js';
import { openProbeSocket6, withTcpListener } from '../engine/probe-socket.js';
import { Probe6Template } from '../protocols/template6.js';
import { upperLayerOf, type ProbeFamily } from './family.js';

const WALK = newChainWalk();
/** Bytes of the quoted upper layer an answer is matched by (ports, echo identifier and sequence). */
const QUOTED_BYTES = 8;

/**
 * The address6Key of who sent datagram i of a batch from a raw IPv6 socket, -1 when the kernel
 * did not say: from its 16 bytes (sources6, what the socket gives; no text per datagram), or from
 * its text in a batch made by hand.
 */
export function answerSource6(batch: ReceiveBatch, i: number): number {
  if (batch.sources6 != null) return batch.meta[i * BATCH.stride + BATCH.family] === constants.AF_INET6 ? address6Key(batch.sources6, i * IPV6_ADDRESS_LENGTH) : -1;
  const text = batch.addresses?.[i] ?? '';
  return text === '' ? -1 : address6KeyOf(text);
}

/**
 * What every match of a datagram read on a raw IPv6 socket records (the probing commands' and
 * send's, lib/craft/family6.ts): where its bytes are, who sent it (`from`: answerSource6), its
 * hop limit and traffic class (the control messages), its length on the wire (the message
 * without its IPv6 header, as ping -6 counts "64 bytes") and whether the read cut it.
 */
export function readAnswer6(m: Match, batch: ReceiveBatch, from: number, b: Uint8Array, offset: number, length: number, wireLength: number): void {
  const base = m.index * BATCH.stride;
  m.data = b;
  m.offset = offset;
  m.length = length;
  m.from = from;
  m.ttl = batch.meta[base + BATCH.hopLimit]!;
  m.tos = batch.meta[base + BATCH.tos]!;
  m.bytes = wireLength;
  m.flags = wireLength > length ? MATCH_FLAG.truncated : 0;
}

/** What an ICMPv6 error tells of the packet it quotes (its IPv6 header at b[inner]): where it went, its traffic class and hop limit. */
export function readQuoted6(m: Match, b: Uint8Array, inner: number): void {
  m.target = address6Key(b, inner + IP6.DST);
  m.quotedTos = ((b[inner]! & 0x0f) << 4) | (b[inner + 1]! >>> 4);
  m.quotedTtl = b[inner + IP6.HOP_LIMIT]!;
}

/**
 * For the raw ICMPv6 socket (the program sees the ICMPv6 message first): pass errors whose quoted
 * packet's Next Header is `protocol`, or a Fragment header (our probes cut for the MTU), drop the rest.
 */
function quotedProtocolFilter6(protocol: number): BpfInstruction[] {
  const c = constants;
  return [
    stmt(c.BPF_LD | c.BPF_B | c.BPF_ABS, ICMPV6_HEADER_LENGTH + IP6.NEXT_HEADER), // A = quoted Next Header
    jump(c.BPF_JMP | c.BPF_JEQ | c.BPF_K, protocol, 1, 0),
    jump(c.BPF_JMP | c.BPF_JEQ | c.BPF_K, NEXT_HEADER.FRAGMENT, 0, 1),
    stmt(c.BPF_RET | c.BPF_K, 0xffffffff),
    stmt(c.BPF_RET | c.BPF_K, 0),
  ];
}

/**
 * An answer as a whole IPv6 packet, for captures and printing: the header the kernel kept,
 * rebuilt from what it told (source, hop limit, traffic class, the socket's protocol as Next
 * Header) around the message b[offset, offset + length); its destination `dst` (ours: the
 * kernel does not tell) and its flow label 0.
 */
export function answerPacket6(b: Uint8Array, offset: number, length: number, batch: ReceiveBatch, index: number, dst: Uint8Array | string): Buffer {
  const out = Buffer.alloc(IPV6_HEADER_LENGTH + length);
  const base = index * BATCH.stride;
  encodeIpv6(
    {
      src: batch.sources6 != null ? batch.sources6.subarray(index * IPV6_ADDRESS_LENGTH, (index + 1) * IPV6_ADDRESS_LENGTH) : batch.addresses![index]!,
      dst,
      hopLimit: Math.max(0, batch.meta[base + BATCH.hopLimit]!),
      trafficClass: Math.max(0, batch.meta[base + BATCH.tos]!),
      flowLabel: 0,
      nextHeader: batch.protocol ?? NEXT_HEADER.NO_NEXT_HEADER,
      payloadLength: length,
    },
    out,
    0,
  );
  out.set(b.subarray(offset, offset + length), IPV6_HEADER_LENGTH);
  return out;
}

/** Destinations' /64s remembered at most (then forgotten all at once): a sweep meets few. */
const ROUTE_SOURCES_KEPT = 4096;

/**
 * The source address of the route to each destination, asked of the routing table once per /64
 * (a connected UDP socket that sends nothing, lib/socket/route.ts); null when there is no route,
 * so that the send fails and says so.
 */
function routeSources(): (destination: Uint8Array) => Uint8Array | null {
  const known = new Map<string, Uint8Array | null>();
  // The last /64 and its source: a sweep's targets come a block at a time, so most probes need
  // neither a key nor a lookup.
  const lastPrefix = Buffer.alloc(8);
  let last: Uint8Array | null | undefined;
  const samePrefix = (destination: Uint8Array): boolean => {
    for (let i = 0; i < 8; i++) if (lastPrefix[i] !== destination[i]) return false;
    return true;
  };
  return (destination) => {
    // Compared in place: this runs for every target of a sweep, and a view each would be garbage.
    if (last !== undefined && samePrefix(destination)) return last;
    const key = Buffer.from(destination.buffer, destination.byteOffset, 8).toString('hex');
    let source = known.get(key);
    if (source === undefined) {
      if (known.size >= ROUTE_SOURCES_KEPT) known.clear();
      try {
        source = parseIpv6(routeSource(formatIpv6(destination)));
      } catch {
        source = null;
      }
      known.set(key, source);
    }
    lastPrefix.set(destination.subarray(0, 8));
    last = source;
    return source;
  };
}

/** The batch's source address text of the datagram m came in as, or '' (made only when printed). */
function sourceOf(m: Match): string {
  return m.batch?.addresses?.[m.index] ?? '';
}

export const FAMILY6: ProbeFamily = {
  version: 6,
  ipHeaderBytes: IPV6_HEADER_LENGTH,
  icmpProtocol: ICMPV6_PROTOCOL,
  echoRequest: ICMPV6_TYPE.ECHO_REQUEST,
  echoReply: ICMPV6_TYPE.ECHO_REPLY,
  errorTypes: [ICMPV6_TYPE.DESTINATION_UNREACHABLE, ICMPV6_TYPE.PACKET_TOO_BIG, ICMPV6_TYPE.TIME_EXCEEDED, ICMPV6_TYPE.PARAMETER_PROBLEM],
  destinationUnreachable: ICMPV6_TYPE.DESTINATION_UNREACHABLE,
  portUnreachable: [ICMPV6_TYPE.DESTINATION_UNREACHABLE, UNREACHABLE_CODE.PORT],

  template(h, upper) {
    const ip = { src: h.source, dst: '::', hopLimit: 64, trafficClass: 0, flowLabel: (h.flowLabel ?? 0) & 0xfffff };
    const unspecified = ipv6OrNull(h.source)?.every((byte) => byte === 0) ?? false;
    return new Probe6Template(encodePacket6({ ip, ...upperLayerOf(upper, 'icmpv6') }), unspecified ? routeSources() : null);
  },

  open(b, offset, length, wireLength, m) {
    const batch = m.batch;
    if (batch === null || length < ICMPV6_HEADER_LENGTH) return -1;
    const from = answerSource6(batch, m.index);
    if (from < 0) return -1;
    readAnswer6(m, batch, from, b, offset, length, wireLength);
    m.type = b[offset]!;
    m.code = b[offset + 1]!;
    m.info = -1;
    m.quotedTos = -1;
    m.quotedTtl = -1;
    return offset;
  },
  protocolOf: (_b, _offset, m) => m.batch?.protocol ?? -1,
  quoted(b, _offset, p, end, protocol, m) {
    if (m.batch?.protocol !== ICMPV6_PROTOCOL || !isError(b[p]!)) return -1;
    const inner = p + ICMPV6_HEADER_LENGTH;
    if (end - inner < IPV6_HEADER_LENGTH || b[inner]! >>> 4 !== 6) return -1;
    walkChain(b, inner + IPV6_HEADER_LENGTH, end, b[inner + IP6.NEXT_HEADER]!, WALK);
    if (WALK.problem !== null || WALK.upperLayer !== protocol || WALK.end + QUOTED_BYTES > end) return -1;
    return WALK.end;
  },
  quotedIpId: () => -1,
  error(b, _offset, p, _length, _wireLength, m) {
    readQuoted6(m, b, p + ICMPV6_HEADER_LENGTH);
    if (m.type === ICMPV6_TYPE.PACKET_TOO_BIG || m.type === ICMPV6_TYPE.PARAMETER_PROBLEM) m.info = u32(b, p + ICMPV6.MTU);
    m.kind = MATCH.error;
    return MATCH.error;
  },
  echoFilter: echoReplyFilterV6,
  quotedFilter: quotedProtocolFilter6,

  openSockets(protocol, options) {
    return withTcpListener(openProbeSocket6(protocol, options), 'inet6', protocol, options);
  },

  fromText: (m) => sourceOf(m),
  detailOf(m) {
    return {
      mtu: m.type === ICMPV6_TYPE.PACKET_TOO_BIG ? m.info : null,
      gateway: null,
      pointer: m.type === ICMPV6_TYPE.PARAMETER_PROBLEM ? m.info : null,
    };
  },
  describe: (type, code, detail) => describeIcmpv6(type, code, { mtu: detail.mtu, pointer: detail.pointer }),
  traceMark: (type, code, mtu) => traceMark6(type, code, { mtu }),
};

