// The sockets a trace probes through, as one ProbeSocket for the engine.
//
//   every kind   a raw ICMP socket with IP_HDRINCL: sends every probe (the kernel sends the
//                datagram we built as it is, whatever its protocol field says) and receives
//                the ICMP answers; ICMP_FILTER keeps only the types the protocol wants, and
//                its BPF program drops what cannot be ours before it wakes us
//   tcp          plus a raw TCP socket, which receives a copy of every TCP segment the host
//                gets: the destination's SYN-ACK or RST; its BPF program keeps only segments
//                from the target port to our source ports
//
// Both receive into the same handler; the engine never knows there are two.
import { openSocket, type RawSocket } from '../../socket/socket.js';
import type { ReceiveBatch } from '../../socket/batch.js';
import { constants } from '../../socket/constants.js';
import type { ProbeSocket } from '../engine/engine.js';
import { answerSlotSize, openProbeSocket } from '../engine/probe-socket.js';
import type { TraceProtocol } from '../protocols/trace-protocol.js';
import type { TcpSynProbe } from '../protocols/tcp-syn.js';

/** A ProbeSocket that can be closed (RawSocket, this composite, or a test's fake). */
export type TraceSocket = ProbeSocket & { close(): void };

/** Sends through one socket, receives from several. */
export class SocketGroup implements TraceSocket {
  readonly sender: RawSocket;
  readonly receivers: readonly RawSocket[];

  constructor(sender: RawSocket, receivers: readonly RawSocket[]) {
    this.sender = sender;
    this.receivers = receivers;
  }

  sendTo(buffer: Uint8Array, address: string): { bytes: number; sentAt: number } {
    return this.sender.sendTo(buffer, address);
  }

  sendMany(buffers: readonly Uint8Array[], target: string | Uint32Array): { sent: number; sentAt: number; error: Error | null } {
    return this.sender.sendMany(buffers, target);
  }

  on(event: 'batch', listener: (batch: ReceiveBatch) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'batch' | 'error', listener: ((batch: ReceiveBatch) => void) | ((error: Error) => void)): this {
    for (const r of this.receivers) r.on(event as 'batch', listener as (batch: ReceiveBatch) => void);
    return this;
  }

  off(event: 'batch', listener: (batch: ReceiveBatch) => void): this;
  off(event: 'error', listener: (error: Error) => void): this;
  off(event: 'batch' | 'error', listener: ((batch: ReceiveBatch) => void) | ((error: Error) => void)): this {
    for (const r of this.receivers) r.off(event as 'batch', listener as (batch: ReceiveBatch) => void);
    return this;
  }

  close(): void {
    for (const r of new Set([this.sender, ...this.receivers])) r.close();
  }
}

/** Receive batches of each socket: a trace's answers come a few at a time. */
const RECEIVE = { slotCount: 64, maxPerWake: 1024 } as const;

export interface TraceSocketOptions {
  /** Bind to this source address (-s), or null. */
  source: string | null;
}

/** Opens the sockets `protocol` needs (CAP_NET_RAW), filters attached, receiving started. */
export function openTraceSocket(protocol: TraceProtocol, options: TraceSocketOptions): TraceSocket {
  const icmp = openProbeSocket(protocol, {
    source: options.source,
    slotCount: RECEIVE.slotCount,
    maxPerWake: RECEIVE.maxPerWake,
    // Send at the interface's MTU, whatever path MTU the kernel learned from an earlier
    // Fragmentation Needed (as traceroute does): otherwise, once a router has said "mtu 1400",
    // our big DF probes would fail at home with EMSGSIZE instead of asking the path again.
    setup: (socket) => socket.setOption('IP_MTU_DISCOVER', constants.IP_PMTUDISC_PROBE),
  });
  if (protocol.kind !== 'tcp') return icmp;
  const opened: RawSocket[] = [icmp];
  try {
    const tcp = openSocket({ family: 'inet', type: 'raw', protocol: 'tcp' });
    opened.push(tcp);
    tcp.attachFilter((protocol as TcpSynProbe).tcpFilter());
    if (options.source !== null) tcp.bind(options.source);
    tcp.startReceiving({ ...RECEIVE, slotSize: answerSlotSize(protocol.packetLength) });
    return new SocketGroup(icmp, [icmp, tcp]);
  } catch (e) {
    for (const s of opened) s.close();
    throw e;
  }
}
