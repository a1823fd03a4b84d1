// The sockets a trace probes through, as one ProbeSocket for the engine (the family table opens
// them: lib/probe/engine/probe-socket.ts).
//
//   every kind   IPv4: a raw ICMP socket with IP_HDRINCL sends every probe (the kernel sends the
//                datagram we built as it is, whatever its protocol field says) and receives the
//                ICMP answers; IPv6: a raw IPPROTO_RAW socket with IPV6_HDRINCL sends, a raw
//                ICMPv6 socket receives. ICMP_FILTER keeps only the types the protocol wants,
//                and its BPF program drops what cannot be ours before it wakes us
//   tcp          plus a raw TCP socket, which receives a copy of every TCP segment the host
//                gets: the destination's SYN-ACK or RST; connected to the target, it gets only
//                the target's (the kernel checks the source address, IPv4 and IPv6 alike), and
//                its BPF program keeps only segments from the target port to our source ports
//
// All receive into the same handler; the engine never knows there are several.
import { constants } from '../../socket/constants.js';
import type { SessionSocket } from '../engine/session.js';
import type { ProbeFamily } from '../family/family.js';
import type { TraceProtocol } from '../protocols/trace-protocol.js';
import type { TcpSynProbe } from '../protocols/tcp-syn.js';

/** What a trace probes through: a RawSocket, a SocketGroup, or a test's fake. */
export type TraceSocket = SessionSocket;

/** Receive batches of each socket: a trace's answers come a few at a time. */
const RECEIVE = { slotCount: 64, maxPerWake: 1024 } as const;

export interface TraceSocketOptions {
  /** Bind to this source address (-s), or null. */
  source: string | null;
  /** Only through this interface (-i: SO_BINDTODEVICE), or null. */
  device?: string | null;
  /** The target: TCP answers are heard from it only. Default: from any address. */
  target?: string | null;
}

/** Opens the sockets `protocol` needs (CAP_NET_RAW), filters attached, receiving started. */
export function openTraceSocket(protocol: TraceProtocol, family: ProbeFamily, options: TraceSocketOptions): TraceSocket {
  return family.openSockets(protocol, {
    source: options.source,
    device: options.device ?? null,
    ...RECEIVE,
    // Send at the interface's MTU, whatever path MTU the kernel learned from an earlier
    // Fragmentation Needed (as traceroute does): otherwise, once a router has said "mtu 1400",
    // our big DF probes would fail at home with EMSGSIZE instead of asking the path again.
    // (IPv6: not set; after a Packet Too Big, larger probes fail at home, marked !F.)
    ...(family.version === 4 ? { setup: (socket) => socket.setOption('IP_MTU_DISCOVER', constants.IP_PMTUDISC_PROBE) } : {}),
    tcpFilter: protocol.kind === 'tcp' ? (protocol as TcpSynProbe).tcpFilter() : null,
    tcpPeer: options.target ?? null,
  });
}
