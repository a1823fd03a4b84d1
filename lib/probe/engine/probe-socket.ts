// The sockets every probe session sends through and hears its answers on.
//
//   IPv4  one raw ICMP socket with IP_HDRINCL (the datagram is ours) for both: ICMP_FILTER keeps
//         only the types the protocol wants, its BPF program drops what cannot be ours before it
//         wakes us
//   IPv6  a raw IPPROTO_RAW socket with IPV6_HDRINCL sends; a raw ICMPv6 socket hears (ICMPV6_FILTER
//         and the BPF program as for IPv4), told each datagram's hop limit and traffic class
//         (IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS): an IPv6 raw socket never hands the header over
//   both  a raw TCP socket beside them when the probes are TCP SYNs (trace -T), for the answers
//         that are TCP, connected to the target so that only its segments come in
//
// The kernel stamps each probe and each answer (timestamps.ts). Receiving starts in batches, each slot long enough for a whole answer to the protocol's
// largest probe. When a step fails, what was opened is closed again.
import { rawIcmpSocket } from '../../socket/icmp-socket.js';
import { openSocket, type RawSocket } from '../../socket/socket.js';
import type { BpfInstruction } from '../../socket/bpf.js';
import { ipv6OrNull } from '../../wire/ipv6-address.js';
import { errnoName } from '../errors.js';
import { noSuchDevice } from '../resolve.js';
import type { ProbeProtocol } from './protocol.js';
import type { SessionSocket } from './session.js';
import { SocketGroup } from './socket-group.js';
import { useKernelTimestamps, useUserTimes } from './timestamps.js';

export interface ProbeSocketOptions {
  /** Bind to this source address, or null. */
  source: string | null;
  /** Datagrams per recvmmsg call, and most taken per wake-up. */
  slotCount: number;
  maxPerWake: number;
  /**
   * Every receive batch in the same Buffer and array (ReceiveOptions.reuseBatches): for a session
   * whose handler keeps no bytes of an answer past its dispatch (no capture tap).
   */
  reuseBatches?: boolean;
  /** Socket options to set before receiving starts (buffer size, path MTU discovery). */
  setup?: (socket: RawSocket) => void;
  /** --hw-timestamps: the source address whose interface should stamp in hardware. */
  hardwareTimestampsFor?: string | null;
  /** Send and receive through this interface only (SO_BINDTODEVICE: ping -I IFNAME, traceroute -i), or null. */
  device?: string | null;
  /** No kernel stamps (ping -U): the clock at each send call and when each answer is read. */
  userTimes?: boolean;
  /** false: kernel receive stamps only, each send timed by the clock before its call (a sweep, as fping). */
  sendStamps?: boolean;
  /** Options for the socket that sends (IPv4: the same socket, before `setup`; IPv6: IPV6_HDRINCL's). */
  senderSetup?: (socket: RawSocket) => void;
  /**
   * IPv6: the source address every probe carries, or null when probes differ. The IPPROTO_RAW
   * sender is bound to it: an unbound one makes the kernel choose a source address for the route
   * lookup of every datagram (ipv6_dev_get_saddr), only for IPV6_HDRINCL to keep ours.
   */
  senderSource?: string | null;
  /** The BPF program of a raw TCP socket to open beside (trace -T), or null. */
  tcpFilter?: BpfInstruction[] | null;
  /**
   * The target the raw TCP socket is connected to: a connected raw socket gets only what that
   * address sent (raw(7)), so another host's segments never reach the filter. IPv6's program
   * cannot check the source itself: the socket hands over no IPv6 header. null: any source.
   */
  tcpPeer?: string | null;
}

/** Closes `socket` and throws when `steps` fail; else returns it. */
function closingOnError(socket: RawSocket, steps: (socket: RawSocket) => void): RawSocket {
  try {
    steps(socket);
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

/** Filter, interface, bind, setup, start receiving: what every listening socket goes through. */
function listen(socket: RawSocket, protocol: ProbeProtocol, options: ProbeSocketOptions, filter: BpfInstruction[] | null): void {
  if (filter !== null) socket.attachFilter(filter);
  if (options.device != null) bindToDevice(socket, options.device);
  if (options.source !== null) socket.bind(options.source);
  options.setup?.(socket);
  if (options.userTimes === true) useUserTimes(socket);
  else useKernelTimestamps(socket, options.hardwareTimestampsFor ?? null, options.sendStamps !== false);
  socket.startReceiving({
    slotCount: options.slotCount,
    slotSize: answerSlotSize(protocol.maxProbeLength),
    maxPerWake: options.maxPerWake,
    reuseBatches: options.reuseBatches === true,
  });
}

/** The IPv4 socket: sends and hears (CAP_NET_RAW). */
export function openProbeSocket(protocol: ProbeProtocol, options: ProbeSocketOptions): RawSocket {
  const socket = rawIcmpSocket({ hdrincl: true, ...(protocol.icmpTypes === null ? {} : { passTypes: protocol.icmpTypes }) });
  return closingOnError(socket, (s) => {
    options.senderSetup?.(s);
    listen(s, protocol, options, protocol.filter());
  });
}

/** Asks an IPv6 socket for each datagram's hop limit and traffic class (the batch's meta). */
export function hearHopLimitAndClass(socket: RawSocket): RawSocket {
  socket.setOption('IPV6_RECVHOPLIMIT', true);
  socket.setOption('IPV6_RECVTCLASS', true);
  return socket;
}

/**
 * Binds IPv6's sender to the probes' source, when it can be: a link-local address needs its
 * zone, and an address the kernel will not bind (not on the interface -I chose) leaves the
 * socket as it was, which sends the same packets, a little more slowly.
 */
function bindSender6(socket: RawSocket, source: string): void {
  const bytes = ipv6OrNull(source);
  if (bytes === null || bytes.every((b) => b === 0) || (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80)) return;
  try {
    socket.bind(source);
  } catch {
    // unbound: the kernel chooses a source per datagram, which IPV6_HDRINCL then ignores
  }
}

/**
 * The IPv6 sockets: IPPROTO_RAW with IPV6_HDRINCL sends, raw ICMPv6 hears (CAP_NET_RAW). The
 * sender is never polled: its kernel send stamps are read with the ICMPv6 socket's batches
 * (readStampsOf), so an answer's probe has its stamp when the answer arrives, as on IPv4's one
 * socket.
 */
export function openProbeSocket6(protocol: ProbeProtocol, options: ProbeSocketOptions): SocketGroup {
  const sender = closingOnError(openSocket({ family: 'inet6', type: 'raw', protocol: 'raw' }), (s) => {
    s.setOption('IPV6_HDRINCL', true);
    if (options.device != null) bindToDevice(s, options.device);
    options.senderSetup?.(s);
    if (options.senderSource != null) bindSender6(s, options.senderSource);
    if (options.userTimes === true || options.sendStamps === false) useUserTimes(s);
    else useKernelTimestamps(s, options.hardwareTimestampsFor ?? null);
  });
  try {
    const icmp = rawIcmpSocket({ family: 'inet6', ...(protocol.icmpTypes === null ? {} : { passTypes: protocol.icmpTypes }) });
    closingOnError(icmp, (s) => {
      listen(hearHopLimitAndClass(s), protocol, options, protocol.filter());
      if (sender.timestamping !== 0) s.readStampsOf(sender);
    });
    return new SocketGroup(sender, [icmp], sender.timestamping !== 0 ? icmp : null);
  } catch (e) {
    sender.close();
    throw e;
  }
}

/**
 * `socket` alone, or, with options.tcpFilter, in a group with a raw TCP socket of `family` that
 * hears the segments the filter passes (every TCP segment the host receives is copied to it).
 */
export function withTcpListener(socket: SessionSocket & (RawSocket | SocketGroup), family: 'inet' | 'inet6', protocol: ProbeProtocol, options: ProbeSocketOptions): SessionSocket {
  const filter = options.tcpFilter ?? null;
  if (filter === null) return socket;
  try {
    const tcp = closingOnError(openSocket({ family, type: 'raw', protocol: 'tcp' }), (s) => {
      if (family === 'inet6') hearHopLimitAndClass(s);
      const peer = options.tcpPeer ?? null;
      listen(s, protocol, { ...options, setup: peer === null ? undefined : (tcp) => void tcp.connect(peer), senderSetup: undefined }, filter);
    });
    if (socket instanceof SocketGroup) return new SocketGroup(socket.sender, [...socket.receivers, tcp], socket.stampReader);
    return new SocketGroup(socket, [socket, tcp]);
  } catch (e) {
    socket.close();
    throw e;
  }
}

/**
 * Receive slot bytes for the answers to probes of `length` bytes: an echo reply is as long as
 * its probe, ICMP errors from Linux are at most 576 bytes (1280 for ICMPv6).
 */
export function answerSlotSize(length: number): number {
  return Math.min(65536, Math.max(2048, length + 128));
}
