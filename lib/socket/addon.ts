// Loads the native addon (build/Release/rawprobe.node, built from native/ by node-gyp) and
// describes exactly what it exports. Nothing else in rawprobe touches the addon directly:
// everything goes through lib/socket/.
//
// The addon is loaded on first use, not at import, so that code which never opens a socket
// (checksum, decode) works even where the addon has not been built.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '../package-root.js';
import { BATCH, FLAG_HARDWARE_TIMESTAMP, FLAG_KERNEL_TIMESTAMP, RECEIVE_EVENT, TX } from './batch.js';
import { ErrorCode, socketError } from './errors.js';
import type { OptionKind } from './options.js';

/** One descriptor. Every method throws ERR_SOCKET_CLOSED once close() has run. */
export interface NativeSocket {
  readonly fd: number;
  readonly receiving: boolean;
  /** Returns true if this call closed the descriptor, false if it was already closed. */
  close(): boolean;
  ref(): void;
  unref(): void;
  bind(sockaddr: Uint8Array): void;
  /** true when connected now; false when a stream connect is in progress (EINPROGRESS). */
  connect(sockaddr: Uint8Array): boolean;
  address(): NativeAddress;
  remoteAddress(): NativeAddress;
  /** Bytes sent; the times before and after the syscall are left in sendInfo[0] and [2]. */
  send(buffer: Uint8Array, flags?: number): number;
  sendTo(buffer: Uint8Array, sockaddr: Uint8Array, flags?: number): number;
  /** Datagrams sent; sendInfo[0] = time before the first, [1] = errno that stopped it, [2] = time after. */
  sendMany(
    buffers: readonly Uint8Array[],
    target: Uint8Array | readonly Uint8Array[] | Uint32Array | null,
    flags?: number,
  ): number;
  /** Copies the datagrams to the socket's send thread (native/send-queue.h); the time read before. */
  queueMany(buffers: readonly Uint8Array[], target: Uint8Array | readonly Uint8Array[] | Uint32Array | null, tag: number): number;
  /** Waits until every queued datagram was handed to the kernel. */
  flushQueued(): void;
  /** Threads for the send queue queueMany makes; returns how many it will have. */
  setSendThreads(threads: number): number;
  /** [tag, errno] per queued datagram the kernel refused since the last call, or null. */
  takeSendFailures(): Float64Array | null;
  setOption(level: number, name: number, kind: OptionKind, value: unknown, label?: string): void;
  getOption(level: number, name: number, kind: OptionKind, size?: number, label?: string): unknown;
  attachFilter(program: Uint8Array): void;
  detachFilter(): void;
  startReceiving(
    callback: NativeReceiveCallback,
    slotCount: number,
    slotSize: number,
    maxPerWake: number,
    reuse: boolean,
  ): void;
  stopReceiving(): void;
  /** SO_TIMESTAMPING = flags (SOF_TIMESTAMPING_*); with receive stamps asked for, SO_TIMESTAMPNS goes off. */
  setTimestamping(flags: number): void;
  readStampsOf(sender: NativeSocket | null): void;
  /** SO_PEERCRED: who is at the other end of a unix socket. */
  peerCredentials(): PeerCredentials;
  // The classic calls (native/connection.cc, transfer.cc): one non-blocking syscall each.
  listen(backlog: number): void;
  /** The next connection, or null when none waits (EAGAIN). */
  accept(): { socket: NativeSocket; address: NativeAddress } | null;
  /** how: constants.SHUT_RD, SHUT_WR or SHUT_RDWR. */
  shutdown(how: number): void;
  /** What came (empty at a stream's end), or null when nothing waits (EAGAIN). */
  recv(size: number, flags?: number): Buffer | null;
  /** Bytes read into `buffer` (0 at a stream's end), or -1 when nothing waits (EAGAIN). */
  recvInto(buffer: Uint8Array, flags?: number): number;
  recvMsg(size: number, flags: number, maxFds: number): NativeMessage | null;
  /** Bytes the kernel took now, or -1 when it would take none (EAGAIN). */
  sendSome(buffer: Uint8Array, sockaddr: Uint8Array | null, flags?: number): number;
  /** As sendSome, with `fds` passed as one SCM_RIGHTS control message. */
  sendMsg(buffer: Uint8Array, fds: readonly number[], sockaddr: Uint8Array | null, flags?: number): number;
  /**
   * Polls for readiness (NativeReadiness bits readable | writable) and calls back with what
   * came; 0 stops polling and lets go of the callback.
   */
  watch(callback: NativeReadyCallback | null, events: number): void;
}

export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

/** One recvmsg: the bytes, the message's real length, msg_flags, the sender, passed descriptors. */
export interface NativeMessage {
  data: Buffer;
  size: number;
  flags: number;
  address: NativeAddress | null;
  fds: number[];
}

/** (events) with NativeReadiness bits; (failed, error) when polling stopped for good. */
export type NativeReadyCallback = (events: number, error?: unknown) => void;

export interface NativeReadiness {
  readonly readable: number;
  readonly writable: number;
  /** A pending socket error (POLLERR): the next call on the socket reports it. */
  readonly error: number;
  /** Polling failed for good; the callback's second argument says why. */
  readonly failed: number;
}

export interface NativeAddress {
  family: number;
  address: string | null;
  port: number | null;
  scopeId: number | null;
}

/** An error-queue entry as the addon builds it (lib/socket/socket.ts names the origin). */
export interface NativeErrQueueEntry {
  payload: Buffer;
  wireLength: number;
  timestamp: number;
  kernelTimestamp: boolean;
  destination: NativeAddress | null;
  errno: number | null;
  code: string | null;
  origin: number | null;
  icmpType: number | null;
  icmpCode: number | null;
  info: number | null;
  data: number | null;
  offender: NativeAddress | null;
}

/**
 * Called once per wake-up. kind is one of NativeBatchLayout's event* numbers:
 * batch (data, meta, count, addresses: text, or for AF_INET6 sockets a Buffer of 16-byte sources, txStamps, txCount), error (error), errqueue (entries), end ().
 */
export type NativeReceiveCallback = (kind: number, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown) => void;

export interface NativeBatchLayout {
  readonly stride: number;
  readonly offset: number;
  readonly length: number;
  readonly wireLength: number;
  readonly timestamp: number;
  readonly family: number;
  readonly sourceV4: number;
  readonly port: number;
  readonly scopeId: number;
  readonly msgFlags: number;
  readonly hopLimit: number;
  readonly tos: number;
  readonly flags: number;
  readonly hwTimestamp: number;
  readonly flagKernelTimestamp: number;
  readonly flagHardwareTimestamp: number;
  readonly txStride: number;
  readonly txKey: number;
  readonly txType: number;
  readonly txTimestamp: number;
  readonly txHwTimestamp: number;
  readonly eventBatch: number;
  readonly eventError: number;
  readonly eventErrQueue: number;
  readonly eventEnd: number;
}

export interface NativeAddon {
  Socket: new (family: number, type: number, protocol: number) => NativeSocket;
  constants: Readonly<Record<string, number>>;
  batchLayout: NativeBatchLayout;
  clock: { readonly baseEpochNs: bigint; readonly baseEpochMs: number };
  now(): number;
  /** isatty(fd). */
  isTerminal(fd: number): boolean;
  sendInfo: Float64Array;
  sockaddr(family: number, address?: string, port?: number, scopeId?: number): Buffer;
  /** context picks the words the addon would use had the call itself failed. */
  errnoError(errno: number, syscall: string, context?: { family?: number; type?: number; address?: string }): Error;
  socketpair(family: number, type: number, protocol: number): [NativeSocket, NativeSocket];
  readiness: NativeReadiness;
  /** 1: the kernel stamps received datagrams now; 0: not yet (it is switching them on); -1: cannot tell. */
  timestampsLive(): number;
  /** ETHTOOL_GET_TS_INFO: SOF_TIMESTAMPING_* the interface supports, its PTP clock, HWTSTAMP_* bits. */
  interfaceTimestamping(name: string): { timestamping: number; phcIndex: number; txTypes: number; rxFilters: number };
  /** SIOCSHWTSTAMP: hardware stamps on for every datagram; what the driver agreed to. */
  enableHardwareTimestamps(name: string): { txType: number; rxFilter: number };
  /**
   * The checksum lane (native/checksum-lane.cc): takes the plainly good classic pcap records of
   * buf[pos, end) and leaves what it did in `out` (laneLayout). flags: 1 little-endian record
   * headers, 2 Ethernet frames (else raw IP). Absent from an addon built before it.
   */
  checkRecords?: (buf: Uint8Array, pos: number, end: number, flags: number, maxCaptured: number, out: Float64Array) => void;
  laneLayout?: NativeLaneLayout;
  /**
   * The address lane (native/address-lane.cc): reads lines from..to-1 of a target list (where
   * each begins and ends in bytes) while each is a plain address of `version`, into low (and,
   * IPv6, the first 12 bytes they all share into high); returns how many. Absent from an addon
   * built before it.
   */
  /**
   * lines.ts's line splitter over bytes[0, total), in the addon (native/address-lane.cc): the
   * lines into starts and ends; out[0] how many, out[1] where the unfinished rest begins, out[2]
   * 1 when starts or ends were too short (grow them, call again). Absent from an older addon.
   */
  splitLines?: (bytes: Uint8Array, total: number, eof: boolean, starts: Int32Array, ends: Int32Array, out: Float64Array) => void;
  plainAddresses?: (bytes: Uint8Array, starts: Int32Array, ends: Int32Array, from: number, to: number, version: number, low: Uint32Array, high: Uint8Array) => number;
  /** getifaddrs: [name, address, name, address, ...], every IPv4 and IPv6 address. */
  interfaceAddresses(): string[];
}

/** Where checkRecords leaves its facts in `out`. */
export interface NativeLaneLayout {
  readonly facts: number;
  readonly records: number;
  readonly next: number;
  readonly ipv4Good: number;
  /** IPv6 packets (no IPv4 header checksum: counted as its "none"). */
  readonly ipv6: number;
  readonly icmpGood: number;
  readonly udpGood: number;
  readonly udpAbsent: number;
  readonly tcpGood: number;
  readonly icmpv6Good: number;
}

/** Where node-gyp leaves the addon, in the package root. */
function addonPath(): string {
  return join(packageRoot(), 'build', 'Release', 'rawprobe.node');
}

let loaded: NativeAddon | null = null;
let unavailable = false;

/**
 * The addon as this process loaded it, on `process`: each bundle of dist/app has its own copy of
 * this module (and of `loaded`), and one process loads the addon once, as require() would.
 */
const PROCESS_ADDON = Symbol.for('rawprobe.addon');
const processSlot = process as NodeJS.Process & { [PROCESS_ADDON]?: NativeAddon };

/** The addon when it is built and loads, else null, quietly: for code with a JavaScript way too. */
export function addonIfBuilt(): NativeAddon | null {
  if (loaded !== null || unavailable) return loaded;
  try {
    return addon();
  } catch {
    unavailable = true;
    return null;
  }
}

/** The addon, loaded on first call. Throws ERR_ADDON_NOT_BUILT with what to do. */
export function addon(): NativeAddon {
  if (loaded !== null) return loaded;
  const shared = processSlot[PROCESS_ADDON];
  if (shared !== undefined) return (loaded = shared);
  const path = addonPath();
  if (!existsSync(path)) {
    throw socketError(
      ErrorCode.addonNotBuilt,
      `the rawprobe addon is not built: run npm ci or npm run build (looked for ${path})`,
    );
  }
  try {
    // process.dlopen is what require() does for a .node file, without node:module (and the ES
    // module loader it brings: about 1 ms of a one-probe ping's start).
    const holder = { exports: {} };
    process.dlopen(holder, path);
    const candidate = holder.exports as NativeAddon;
    checkLayout(candidate.batchLayout, path);
    loaded = candidate;
    processSlot[PROCESS_ADDON] = candidate;
  } catch (cause) {
    if (cause instanceof Error && (cause as { code?: unknown }).code === ErrorCode.addonLoad) throw cause;
    const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw socketError(
      ErrorCode.addonLoad,
      `the rawprobe addon at ${path} did not load (${why}): rebuild it with npm run build`,
    );
  }
  return loaded;
}


// batch.ts reads receive batches with its own copy of the layout (constant indices keep the
// hot path fast); a stale build with another layout must fail loudly, not misread packets.
function checkLayout(native: NativeBatchLayout | undefined, path: string): void {
  const expected: Record<string, number> = {
    ...BATCH,
    flagKernelTimestamp: FLAG_KERNEL_TIMESTAMP,
    flagHardwareTimestamp: FLAG_HARDWARE_TIMESTAMP,
    txStride: TX.stride,
    txKey: TX.key,
    txType: TX.type,
    txTimestamp: TX.timestamp,
    txHwTimestamp: TX.hwTimestamp,
    eventBatch: RECEIVE_EVENT.batch,
    eventError: RECEIVE_EVENT.error,
    eventErrQueue: RECEIVE_EVENT.errqueue,
    eventEnd: RECEIVE_EVENT.end,
  };
  for (const [field, index] of Object.entries(expected)) {
    if (native?.[field as keyof NativeBatchLayout] !== index) {
      throw socketError(
        ErrorCode.addonLoad,
        `the rawprobe addon at ${path} is out of date (receive batch layout differs): rebuild it with npm run build`,
      );
    }
  }
}
