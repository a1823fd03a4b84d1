// The receive batch: what one wake-up of the event loop delivers, in one piece.
//
// When the socket becomes readable the addon drains every waiting datagram (recvmmsg, up
// to maxPerWake) and calls JavaScript once with:
//
//   data       Buffer   all the datagrams' bytes, back to back (new for every batch: a kept
//                       datagram is never overwritten by a later one; with the receive option
//                       reuseBatches, data and meta are the same objects every batch, each
//                       batch written over the last, and may be longer than the batch)
//   meta       Float64Array, BATCH.stride numbers per datagram, at the indices below
//   count      number of datagrams
//   addresses  null for AF_INET sockets (the source is meta[sourceV4]); otherwise one string
//              per datagram: IPv6 text ("::1"), or a unix path ("" when the sender is
//              unnamed, "\0name" in the abstract namespace). On AF_INET6 sockets the text is
//              made on first use from
//   sources6   the sources' 16 bytes each, back to back (AF_INET6 sockets; zeros when the kernel
//              gave none: meta[family] is then 0): what hot paths read
//   protocol   the receiving socket's protocol number: on a raw IPv6 socket the kernel keeps the
//              IPv6 header, so this is what says a datagram is ICMPv6, UDP or TCP
//
// Per-datagram fields (meta[i * BATCH.stride + BATCH.<field>]):
//
//   field       meaning
//   offset      where the datagram starts in data
//   length      bytes of it in data (at most the receive slot size)
//   wireLength  its real length; > length means it was truncated (MSG_TRUNC in msgFlags)
//   timestamp   the kernel's receive time (SO_TIMESTAMPNS, or SO_TIMESTAMPING's software time)
//               in clock.ts units; if the kernel gave none, the time of the drain, and flags
//               lacks FLAG_KERNEL_TIMESTAMP
//   family      AF_* of the source address, 0 when the kernel gave none (stream sockets)
//   sourceV4    IPv4 source as an unsigned 32-bit number (127.0.0.1 = 0x7f000001), else -1
//   port        source port (0 on raw IP sockets), -1 for non-IP families
//   scopeId     IPv6 scope id, -1 for other families
//   msgFlags    recvmsg's msg_flags (constants.MSG_TRUNC, MSG_CTRUNC, ...)
//   hopLimit    TTL / hop limit from IP_RECVTTL / IPV6_RECVHOPLIMIT, -1 when not asked for
//   tos         TOS / traffic class from IP_RECVTOS / IPV6_RECVTCLASS, -1 when not asked for
//   flags       rawprobe's flags: FLAG_KERNEL_TIMESTAMP, FLAG_HARDWARE_TIMESTAMP
//   hwTimestamp the interface's receive time (SO_TIMESTAMPING raw hardware), -1 when none
//
// With SO_TIMESTAMPING's send stamps on (RawSocket.setTimestamping), a batch also carries the
// send timestamps read from the error queue in the same wake-up, after the datagrams: the
// kernel queues a datagram's software send stamp before its answer can come back, so the send
// time of whatever a batch's datagrams answer is in that batch or an earlier one. `tx`, TX.stride
// numbers per stamp (TX.key: the datagram's key, RawSocket's SendResult.key; TX.timestamp: the
// software send time, -1 when none; TX.hwTimestamp: the interface's; TX.type: SCM_TSTAMP_*).
// A batch may hold stamps and no datagram (count 0, data and meta null).
//
// Hot paths read meta and data directly and allocate nothing per datagram. The layout is
// defined in native/socket.h; addon() checks at load that this copy matches it.

export const BATCH = {
  stride: 13,
  offset: 0,
  length: 1,
  wireLength: 2,
  timestamp: 3,
  family: 4,
  sourceV4: 5,
  port: 6,
  scopeId: 7,
  msgFlags: 8,
  hopLimit: 9,
  tos: 10,
  flags: 11,
  hwTimestamp: 12,
} as const;

/** A send timestamp's numbers in a batch's `tx` (native/socket.h). */
export const TX = { stride: 4, key: 0, type: 1, timestamp: 2, hwTimestamp: 3 } as const;

/** The first argument of the addon's receive callback: what happened (native/socket.h). */
export const RECEIVE_EVENT = { batch: 0, error: 1, errqueue: 2, end: 3 } as const;

/** meta[flags] bit: the timestamp came from the kernel (SO_TIMESTAMPNS, SO_TIMESTAMPING). */
export const FLAG_KERNEL_TIMESTAMP = 1;
/** meta[flags] bit: meta[hwTimestamp] holds the interface's receive time. */
export const FLAG_HARDWARE_TIMESTAMP = 2;

export interface ReceiveBatch {
  readonly data: Buffer;
  readonly meta: Float64Array;
  readonly count: number;
  readonly addresses: readonly string[] | null;
  /** AF_INET6 sockets: each datagram's source address, 16 bytes each (absent in batches made by hand). */
  readonly sources6?: Buffer | null;
  /** The socket's protocol (IPPROTO_ICMPV6, _UDP, _TCP...); absent in batches made by hand (tests). */
  readonly protocol?: number;
}

/** Send timestamps (TX.stride numbers each), as a 'txstamps' event delivers them. */
export interface SendStamps {
  readonly stamps: Float64Array;
  readonly count: number;
}

/** The bytes of datagram i: a view into batch.data (no copy). */
export function datagramAt(batch: ReceiveBatch, i: number): Buffer {
  const base = i * BATCH.stride;
  const offset = batch.meta[base + BATCH.offset] as number;
  return batch.data.subarray(offset, offset + (batch.meta[base + BATCH.length] as number));
}

