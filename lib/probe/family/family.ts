// What the probing commands (ping, trace, tos, sweep) do differently per IP version, as one
// table of functions (iputils' ping_func_set, once for IPv4 and once for IPv6; lib/craft's
// family tables do the same for `send`). The protocols (lib/probe/protocols), the handlers and
// the engine run either table the same way; family4.ts and family6.ts fill them.
//
//                  IPv4 (family4.ts)                      IPv6 (family6.ts)
//   probes         a raw ICMP socket with IP_HDRINCL      a raw IPPROTO_RAW socket with IPV6_HDRINCL
//   answers        the same socket, IPv4 header and all   raw ICMPv6 (TCP) sockets: the message only;
//                                                         source, hop limit, traffic class from the
//                                                         batch (IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS)
//   a quote        quoted.ts: IPv4 header + 8 bytes       the quoted IPv6 chain walked to its upper layer
//   addresses      u32                                    address6Key (a 53-bit hash of the 16 bytes)
//   words, marks   iputils ping / traceroute              iputils ping -6 / traceroute -6
import type { BpfInstruction } from '../../socket/bpf.js';
import type { RawSocket } from '../../socket/socket.js';
import type { Match, MatchKind, ProbeProtocol, ProbeSlot } from '../engine/protocol.js';
import type { SessionSocket } from '../engine/session.js';

/** What every probe's IP header takes. */
export interface TemplateHeader {
  /** Our source address, written into every header. */
  source: string;
  /** IPv4: Don't Fragment. (IPv6 routers never fragment.) */
  df: boolean;
  /** IPv4 options carried by every probe. */
  ipOptions?: readonly import('../../wire/ipv4-options.js').Ipv4OptionInit[];
  /** IPv6 flow label (ping -F), 20 bits. */
  flowLabel?: number;
  /**
   * IPv4: where in the datagram a timestamp option entry takes the send time (RFC 791 ms since
   * midnight UT), written as each probe goes, as Linux writes a sender's own (ping -T); -1: none.
   */
  stampAt?: number;
}

/** The upper layer of a template: ICMP (ICMPv6) echo request, UDP or TCP, and data after it. */
export interface UpperInit {
  echo?: { identifier: number; sequence: number; data?: Uint8Array };
  udp?: { srcPort: number; dstPort: number };
  tcp?: { srcPort: number; dstPort: number; sequence?: number; flags?: { syn?: boolean }; window?: number; options?: Uint8Array };
  payload?: Uint8Array;
}

type EchoRequestInit = NonNullable<UpperInit['echo']> & { kind: 'echo-request' };

/**
 * A template's upper layer as lib/wire's packets take it (encodePacket, encodePacket6): the same
 * for both versions but for the key the echo goes under (icmp, icmpv6).
 */
export function upperLayerOf<K extends 'icmp' | 'icmpv6'>(upper: UpperInit, echoKey: K): Omit<UpperInit, 'echo'> & Partial<Record<K, EchoRequestInit>> {
  const init: Omit<UpperInit, 'echo'> & Partial<Record<K, EchoRequestInit>> = {};
  if (upper.echo !== undefined) init[echoKey] = { kind: 'echo-request', ...upper.echo } as (typeof init)[K];
  if (upper.udp !== undefined) init.udp = upper.udp;
  if (upper.tcp !== undefined) init.tcp = upper.tcp;
  if (upper.payload !== undefined) init.payload = upper.payload;
  return init;
}

/**
 * The datagram every probe starts from, copied once into each buffer the engine hands over; per
 * probe only the IP fields that change are written again (write), then the protocol's own
 * fields, then its checksum over the pseudo-header (pseudoSum).
 */
export interface HeaderTemplate {
  readonly bytes: Buffer;
  /** Where the upper layer starts (IPv4: the header length with options; IPv6: 40). */
  readonly hl: number;
  /** Probe n's IPv4 identification (IPv6 has none: its flow label is fixed; 0). */
  ipIdOf(n: number): number;
  /** Puts the template into b (once per buffer), then the fields that change per probe. */
  write(b: Uint8Array, probe: ProbeSlot): void;
  /** The pseudo-header sum of the probe written in b (0 for ICMPv4, which has none). */
  pseudoSum(b: Uint8Array): number;
}

/** The sockets a session opens: where they bind, how many datagrams per wake-up. */
export interface FamilySocketOptions {
  source: string | null;
  slotCount: number;
  maxPerWake: number;
  /** Every receive batch in the same Buffer and array (ReceiveOptions.reuseBatches): a session that keeps no answer's bytes. */
  reuseBatches?: boolean;
  /** Options for the socket that hears ICMP answers, before it starts receiving. */
  setup?: (socket: RawSocket) => void;
  /** The BPF program of a raw TCP socket to open beside (trace -T), or null. */
  tcpFilter?: BpfInstruction[] | null;
  /** The address that raw TCP socket hears from (the target), or null for any. */
  tcpPeer?: string | null;
  /** --hw-timestamps: the source address whose interface should stamp in hardware. */
  hardwareTimestampsFor?: string | null;
  /** Send and receive through this interface only (SO_BINDTODEVICE: traceroute -i), or null. */
  device?: string | null;
  /** No kernel stamps (ping -U): the clock at each send call and when each answer is read. */
  userTimes?: boolean;
  /** false: kernel receive stamps only, each send timed by the clock before its call (sweep). */
  sendStamps?: boolean;
  /** Options for the socket that sends (IPv4: the one socket; IPv6: IPV6_HDRINCL's). */
  senderSetup?: (socket: RawSocket) => void;
  /** The source address every probe carries (IPv6's sender is bound to it), or null when they differ. */
  senderSource?: string | null;
}

/** What an ICMP error carries beyond its type and code. */
export interface ErrorDetail {
  mtu: number | null;
  gateway: string | null;
  pointer: number | null;
}

export interface ProbeFamily {
  readonly version: 4 | 6;
  /** Bytes of a probe's IP header without options: 20 or 40. */
  readonly ipHeaderBytes: number;
  /** The ICMP protocol of this version: 1 or 58. */
  readonly icmpProtocol: number;
  readonly echoRequest: number;
  readonly echoReply: number;
  /** Types of the ICMP errors that quote a probe (the ICMP_FILTER / ICMPV6_FILTER a socket needs). */
  readonly errorTypes: readonly number[];
  /** The Destination Unreachable type: the last hop of a trace. */
  readonly destinationUnreachable: number;
  /** [type, code] of "port unreachable": a UDP probe reached its destination. */
  readonly portUnreachable: readonly [number, number];

  /** The template datagram (src and upper layer from `h` and `upper`, destination unset). */
  template(h: TemplateHeader, upper: UpperInit, ipIdBase?: number): HeaderTemplate;

  /**
   * The start of the message after the IP header of a received datagram, when it can be an
   * answer (m.batch and m.index say where it came from), with the fields every answer has
   * filled into m (source, TTL / hop limit, TOS / traffic class, type, code, bytes, cut); else -1.
   */
  open(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): number;
  /** The protocol of the message at p that open() found. */
  protocolOf(b: Uint8Array, offset: number, m: Match): number;
  /**
   * When the message at p is an ICMP error quoting a datagram of `protocol`, where the quote's
   * first 8 transport bytes are; else -1.
   */
  quoted(b: Uint8Array, offset: number, p: number, end: number, protocol: number, m: Match): number;
  /** The quote's IPv4 identification (IPv6: -1), for a NAT's moved port. */
  quotedIpId(b: Uint8Array, p: number): number;
  /**
   * An error at p whose quote is one of our probes (m.key set): fills the rest of m (target =
   * the quoted destination, quoted TOS and TTL, MTU / pointer / gateway) and returns its kind.
   */
  error(b: Uint8Array, offset: number, p: number, length: number, wireLength: number, m: Match): MatchKind;
  /** A BPF program passing echo replies with this identifier (and everything else). */
  echoFilter(identifier: number): BpfInstruction[];
  /** A BPF program for the ICMP socket passing errors that quote `protocol`. */
  quotedFilter(protocol: number): BpfInstruction[];

  /** The sockets `protocol`'s probes go through, filters attached, receiving started (CAP_NET_RAW). */
  openSockets(protocol: ProbeProtocol, options: FamilySocketOptions): SessionSocket;

  /** The text of the address of whoever sent the answer in m. */
  fromText(m: Match): string;
  /** What an ICMP error in m carries: the MTU (Fragmentation Needed, Packet Too Big), a redirect's gateway, a parameter problem's pointer. */
  detailOf(m: Match): ErrorDetail;
  /** iputils ping's words for an ICMP error. */
  describe(type: number, code: number, detail: ErrorDetail): string;
  /** traceroute's mark after a hop's time, or null. */
  traceMark(type: number, code: number, mtu: number | null): string | null;
}
