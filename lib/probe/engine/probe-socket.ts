// The raw ICMP socket every probe session sends through (IP_HDRINCL: the datagram is ours) and
// hears its answers on: ICMP_FILTER keeps only the types the protocol wants, its BPF program
// drops what cannot be ours before it wakes us, the kernel stamps each probe and each answer
// (timestamps.ts), and receiving starts in batches, each slot long enough for a whole answer to
// the protocol's largest probe.
import { rawIcmpSocket, type RawSocket } from '../../socket/socket.js';
import { errnoName } from '../errors.js';
import { noSuchDevice } from '../resolve.js';
import type { ProbeProtocol } from './protocol.js';
import { useKernelTimestamps } from './timestamps.js';

export interface ProbeSocketOptions {
  /** Bind to this source address, or null. */
  source: string | null;
  /** Send and receive through this interface only (SO_BINDTODEVICE: ping -I IFNAME, traceroute -i), or null. */
  device?: string | null;
  /** Datagrams per recvmmsg call, and most taken per wake-up. */
  slotCount: number;
  maxPerWake: number;
  /** Socket options to set before receiving starts (buffer size, path MTU discovery). */
  setup?: (socket: RawSocket) => void;
  /** --hw-timestamps: the source address whose interface should stamp in hardware. */
  hardwareTimestampsFor?: string | null;
}

/** Opens it (CAP_NET_RAW); when a step fails, closes it again and throws. */
export function openProbeSocket(protocol: ProbeProtocol, options: ProbeSocketOptions): RawSocket {
  const socket = rawIcmpSocket({ hdrincl: true, ...(protocol.icmpTypes === null ? {} : { passTypes: protocol.icmpTypes }) });
  try {
    const filter = protocol.filter();
    if (filter !== null) socket.attachFilter(filter);
    if (options.device != null) bindToDevice(socket, options.device);
    if (options.source !== null) socket.bind(options.source);
    options.setup?.(socket);
    useKernelTimestamps(socket, options.hardwareTimestampsFor ?? null);
    socket.startReceiving({ slotCount: options.slotCount, slotSize: answerSlotSize(protocol.maxProbeLength), maxPerWake: options.maxPerWake });
  } catch (e) {
    socket.close();
    throw e;
  }
  return socket;
}

/** SO_BINDTODEVICE, with iputils' words when the interface does not exist (in this namespace). */
export function bindToDevice(socket: RawSocket, device: string): void {
  try {
    socket.setOption('SO_BINDTODEVICE', Buffer.from(device));
  } catch (e) {
    throw errnoName(e) === 'ENODEV' ? noSuchDevice(device) : e;
  }
}

/**
 * Receive slot bytes for the answers to probes of `length` bytes: an echo reply is as long as
 * its probe, ICMP errors from Linux are at most 576 bytes.
 */
export function answerSlotSize(length: number): number {
  return Math.min(65536, Math.max(2048, length + 128));
}
