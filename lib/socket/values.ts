// What lib/socket hands out besides bytes: socket addresses, the facts of a received message,
// send results, error-queue entries, the events and options of RawSocket; and the conversion of
// the addon's raw values into them.
import type { NativeAddress, NativeErrQueueEntry } from './addon.js';
import { constants } from './constants.js';
import type { SocketError } from './errors.js';
import { familyName, type Family, type ProtocolName, type SocketType } from './kinds.js';
import { BATCH, FLAG_KERNEL_TIMESTAMP, type ReceiveBatch, type SendStamps } from './batch.js';
import { formatIpv4 } from '../wire/bytes.js';

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
  /**
   * Every batch in the same `data` Buffer and `meta` array (IPv6: and `sources6` Buffer),
   * overwritten by the next batch (default false: new ones for every batch). For a 'batch'
   * listener that reads what it needs and keeps nothing (no datagram, no subarray): no garbage
   * per wake-up. 'message' listeners get subarrays of that Buffer too, valid only while they run.
   */
  reuseBatches?: boolean;
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
  /** Read right before the send syscall, in clock.ts units: the datagram left after it. */
  sentAt: number;
  /**
   * The key its kernel send timestamp will carry (a 'txstamps' event), -1 when none will: send
   * stamps are off, or a refused send may have used a key up and the keys are no longer known.
   */
  key: number;
}

/** What queueMany() returns: every datagram is queued (refusals come later, takeSendFailures()). */
export interface QueueResult {
  /** Read right before the batch was queued: every datagram of it leaves after it. */
  sentAt: number;
  /** The first datagram's send-stamp key (the others' follow it), -1 as in SendResult. */
  firstKey: number;
}

/** A queued datagram the kernel refused: its tag (its batch's tag + its place in the batch), why. */
export interface QueuedSendFailure {
  tag: number;
  error: SocketError;
}

export interface SendManyResult {
  /** How many datagrams the kernel took (all of them unless `error` says why not). */
  sent: number;
  /** Read right before the first sendmmsg, in clock.ts units: every datagram left after it. */
  sentAt: number;
  /** Read right after the last sendmmsg: every datagram sent had left the call by then. */
  sentBy: number;
  /** Why the kernel stopped before the end; null when everything went out. */
  error: SocketError | null;
  /** The first datagram's send-stamp key (the others' follow it), -1 as in SendResult. */
  firstKey: number;
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
  /** Kernel send times (setTimestamping), each keyed as its send's result said; before the batch read with them. */
  txstamps: [stamps: SendStamps];
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

const ORIGINS: ReadonlyArray<readonly [ErrorOrigin, 'SO_EE_ORIGIN_NONE' | 'SO_EE_ORIGIN_LOCAL' | 'SO_EE_ORIGIN_ICMP' | 'SO_EE_ORIGIN_ICMP6']> = [
  ['none', 'SO_EE_ORIGIN_NONE'],
  ['local', 'SO_EE_ORIGIN_LOCAL'],
  ['icmp', 'SO_EE_ORIGIN_ICMP'],
  ['icmp6', 'SO_EE_ORIGIN_ICMP6'],
];

/** An address as the addon reports it, with the family named; null stays null. */
export function toAddress(native: NativeAddress | null): SocketAddress | null {
  if (native === null) return null;
  return {
    family: familyName(native.family),
    address: native.address ?? '',
    port: native.port,
    scopeId: native.scopeId,
  };
}

export function toQueuedError(e: NativeErrQueueEntry): QueuedError {
  let origin: ErrorOrigin | null = null;
  if (e.origin !== null) {
    origin = 'other';
    for (const [name, constant] of ORIGINS) if (constants[constant] === e.origin) origin = name;
  }
  return {
    code: e.code,
    errno: e.errno,
    origin,
    icmpType: e.icmpType,
    icmpCode: e.icmpCode,
    info: e.info,
    data: e.data,
    offender: toAddress(e.offender),
    destination: toAddress(e.destination),
    payload: e.payload,
    size: e.wireLength,
    timestamp: e.timestamp,
    kernelTimestamp: e.kernelTimestamp,
  };
}

/** What batch.meta says about datagram i, as a MessageInfo (an object per datagram: not for hot paths). */
export function messageInfoAt(batch: ReceiveBatch, i: number): MessageInfo {
  const { meta, addresses } = batch;
  const base = i * BATCH.stride;
  const length = meta[base + BATCH.length] as number;
  const size = meta[base + BATCH.wireLength] as number;
  const family = meta[base + BATCH.family] as number;
  const port = meta[base + BATCH.port] as number;
  const scopeId = meta[base + BATCH.scopeId] as number;
  const hopLimit = meta[base + BATCH.hopLimit] as number;
  const tos = meta[base + BATCH.tos] as number;
  return {
    address: family === constants.AF_INET ? formatIpv4(meta[base + BATCH.sourceV4] as number) : ((addresses?.[i] as string | undefined) ?? ''),
    family: familyName(family),
    port: port < 0 ? null : port,
    scopeId: scopeId < 0 ? null : scopeId,
    timestamp: meta[base + BATCH.timestamp] as number,
    kernelTimestamp: ((meta[base + BATCH.flags] as number) & FLAG_KERNEL_TIMESTAMP) !== 0,
    size,
    truncated: size > length,
    hopLimit: hopLimit < 0 ? null : hopLimit,
    tos: tos < 0 ? null : tos,
    flags: meta[base + BATCH.msgFlags] as number,
  };
}
