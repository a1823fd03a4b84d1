// The shapes lib/socket hands out and takes: options, addresses, what a received datagram
// came with, send results, error-queue entries, events. Types only; socket.ts, convert.ts and
// messages.ts make and use them.
import type { ReceiveBatch } from './batch.js';
import type { SocketError } from './errors.js';
import type { Family, ProtocolName, SocketType } from './kinds.js';

export interface OpenOptions {
  family: Family;
  type: SocketType;
  /**
   * The protocol number or name. Defaults: 'icmp' for inet raw, 'icmpv6' for inet6 raw
   * (a raw socket needs one), 0 (the type's usual protocol) for everything else.
   */
  protocol?: ProtocolName | number;
}

export interface ReceiveOptions {
  /** Datagrams per recvmmsg call, 1..1024 (default 64). */
  slotCount?: number;
  /** Bytes kept of each datagram (default 65536: any IPv4 packet whole); longer ones are truncated. */
  slotSize?: number;
  /** Most datagrams taken per wake-up before the loop gets a turn (default 1024). */
  maxPerWake?: number;
}

/** A socket address as getsockname reports it. */
export interface SocketAddress {
  family: Family | null;
  /** "127.0.0.1", "::1", a unix path ("" when unnamed, "\0name" when abstract). */
  address: string;
  /** null for unix sockets. */
  port: number | null;
  /** IPv6 scope id; null for other families. */
  scopeId: number | null;
}

/** Everything known about one received datagram besides its bytes. */
export interface MessageInfo {
  /** Source address: "a.b.c.d", IPv6 text, or a unix path ("" when the sender is unnamed). */
  address: string;
  family: Family | null;
  /** Source port; 0 on raw IP sockets, null for unix sockets. */
  port: number | null;
  scopeId: number | null;
  /** Kernel receive time, in clock.ts units (ns since the clock base). */
  timestamp: number;
  /** false when the kernel gave no timestamp and `timestamp` is the time of the drain. */
  kernelTimestamp: boolean;
  /** The datagram's real length (more than msg.length when truncated). */
  size: number;
  truncated: boolean;
  /** TTL / hop limit if IP_RECVTTL / IPV6_RECVHOPLIMIT is on, else null. */
  hopLimit: number | null;
  /** TOS / traffic class if IP_RECVTOS / IPV6_RECVTCLASS is on, else null. */
  tos: number | null;
  /** recvmsg's msg_flags (constants.MSG_TRUNC, ...). */
  flags: number;
}

export interface ReceivedMessage {
  msg: Buffer;
  info: MessageInfo;
}

export interface SendResult {
  bytes: number;
  /** Taken right before the send syscall, in clock.ts units. */
  sentAt: number;
}

export interface SendManyResult {
  /** How many datagrams the kernel took (all of them unless `error` says why not). */
  sent: number;
  /** Taken right before the first sendmmsg, in clock.ts units. */
  sentAt: number;
  /** Why the kernel stopped before the end; null when everything went out. */
  error: SocketError | null;
}

/** A destination for sendMany: an address (port 0) or an address and port. */
export type Destination = string | { address: string; port?: number };

/** Where an error-queue entry came from (struct sock_extended_err.ee_origin). */
export type ErrorOrigin = 'none' | 'local' | 'icmp' | 'icmp6' | 'other';

/** One entry of the socket error queue (IP_RECVERR / IPV6_RECVERR on). */
export interface QueuedError {
  /** The error as an errno name ('EHOSTUNREACH', 'EMSGSIZE', ...). */
  code: string | null;
  /** Negated, as in Node's errors. */
  errno: number | null;
  origin: ErrorOrigin | null;
  /** ICMP type and code of the error message (origin icmp/icmp6). */
  icmpType: number | null;
  icmpCode: number | null;
  /** ee_info: the next-hop MTU for "fragmentation needed" / EMSGSIZE. */
  info: number | null;
  data: number | null;
  /** Who reported it (the router that sent the ICMP error), when known. */
  offender: SocketAddress | null;
  /** Where the datagram that failed was going. */
  destination: SocketAddress | null;
  /** The datagram (or its start) the error is about. */
  payload: Buffer;
  size: number;
  timestamp: number;
  kernelTimestamp: boolean;
}

export interface RawSocketEvents {
  message: [msg: Buffer, info: MessageInfo];
  batch: [batch: ReceiveBatch];
  errqueue: [entry: QueuedError];
  error: [error: SocketError];
  /** A stream peer closed its side; receiving has stopped. */
  end: [];
  close: [];
}

export interface MessagesOptions {
  /** Messages buffered before receiving pauses (the kernel then holds the rest) (default 1024). */
  highWaterMark?: number;
  /** Close the socket when the loop ends (break, return, throw). Default true, as streams do. */
  close?: boolean;
}
