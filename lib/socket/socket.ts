// RawSocket: the typed face of the addon's socket, shaped like node:dgram.
//
//   const s = openSocket({ family: 'inet', type: 'raw', protocol: 'icmp' });
//   s.on('message', (msg, info) => ...);          // receiving starts with the first listener
//   const { bytes, sentAt } = s.sendTo(packet, '127.0.0.1');
//   s.close();
//
// Mechanism only: no timeouts, retries or matching here (lib/probe/ decides those). What
// this layer adds to the addon is names instead of numbers, the option table, events, an
// async iterator, and the sockaddr cache that keeps a flood's sendTo from parsing the same
// address 260 000 times a second.
import { EventEmitter } from 'node:events';

import { addon, type NativeErrQueueEntry, type NativeSocket } from './addon.js';
import { datagramAt, RECEIVE_EVENT, type ReceiveBatch, type SendStamps } from './batch.js';
import { Inet6Batch } from './batch6.js';
import { encodeProgram, type BpfInstruction } from './bpf.js';
import { constants } from './constants.js';
import { ErrorCode, rethrow, socketError, type SocketError } from './errors.js';
import {
  familyNumber,
  checkKind,
  resolveProtocol,
  typeNumber,
  type Family,
  type SocketType,
} from './kinds.js';
import { getOptionOn, setOptionOn } from './option-calls.js';
import { SockaddrCache } from './sockaddr-cache.js';
import { KEY_SPACE, keepsKeys, sendStampFlags } from './send-stamps.js';
import { MessageIterator, type MessageSource } from './raw-messages.js';
import {
  messageInfoAt,
  toAddress,
  toQueuedError,
  type Destination,
  type MessagesOptions,
  type OpenOptions,
  type QueuedSendFailure,
  type QueueResult,
  type RawSocketEvents,
  type ReceiveOptions,
  type ReceivedMessage,
  type SendManyResult,
  type SendResult,
  type SocketAddress,
} from './values.js';
import {
  type Linger,
  type OptionInput,
  type OptionKind,
  type OptionLevel,
  type OptionName,
  type OptionValue,
  type Timeval,
} from './options.js';


const DEFAULT_RECEIVE: Required<ReceiveOptions> = { slotCount: 64, slotSize: 65536, maxPerWake: 1024, reuseBatches: false };

function invalid(message: string): SocketError {
  return socketError(ErrorCode.invalidArgValue, message, 'RangeError');
}

/** The most send threads a socket takes (RawSocket.setSendThreads; native/send-queue.h's kMaxThreads). */
export const MAX_SEND_THREADS = 16;

export class RawSocket extends EventEmitter<RawSocketEvents> {
  readonly family: Family;
  readonly type: SocketType;
  readonly protocol: number;

  #native: NativeSocket;
  #closed = false;
  #familyNumber: number;
  #receiveOptions: Required<ReceiveOptions> = DEFAULT_RECEIVE;
  #paused = false;
  #refed = true;
  #sendInfo: Float64Array;
  /** SO_TIMESTAMPING flags set (0: none). */
  #timestamping = 0;
  /** The key the kernel gives the next datagram's send stamp (a u32), -1 when unknown or off. */
  #nextKey = -1;

  // The last sendTo destination, parsed: a flood sends to one address over and over.
  #lastAddress: string | null = null;
  #lastPort = -1;
  #lastSockaddr: Buffer | null = null;
  readonly #sockaddrs = new SockaddrCache((address, port) => this.#sockaddr(address, port));

  /** Opens a socket; see openSocket(). */
  static open(options: OpenOptions): RawSocket {
    return openSocket(options);
  }

  /** @internal use openSocket() or RawSocket.open(). */
  constructor(native: NativeSocket, family: Family, type: SocketType, protocol: number) {
    super();
    this.#native = native;
    this.family = family;
    this.type = type;
    this.protocol = protocol;
    this.#familyNumber = familyNumber(family);
    this.#sendInfo = addon().sendInfo;
    // Receiving starts when someone listens, as a dgram socket starts when bound.
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      if ((event === 'message' || event === 'batch') && !this.#closed && !this.#native.receiving && !this.#paused) {
        this.startReceiving();
      }
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The descriptor number, -1 once closed (for diagnostics; do not close it yourself). */
  get fd(): number {
    return this.#native.fd;
  }

  get receiving(): boolean {
    return this.#native.receiving;
  }

  #check(what: string): NativeSocket {
    if (this.#closed) {
      throw socketError(ErrorCode.socketClosed, `cannot ${what}: the socket is closed`);
    }
    return this.#native;
  }

  #sockaddr(address: string, port: number): Buffer {
    if (typeof address !== 'string') {
      throw socketError(ErrorCode.invalidArgType, 'address must be a string', 'TypeError');
    }
    return addon().sockaddr(this.#familyNumber, address, port);
  }

  /** sendMany()'s and queueMany()'s destinations as the addon takes them. */
  #destinations(target: Destination | readonly Destination[] | Uint32Array | null | undefined): Buffer | Buffer[] | Uint32Array | null {
    if (target instanceof Uint32Array) return target;
    if (Array.isArray(target)) return target.map((t: Destination) => this.#sockaddrs.destination(t));
    if (target !== undefined && target !== null) return this.#sockaddrs.destination(target as Destination);
    return null;
  }

  /** Binds to a local address ("0.0.0.0", "127.0.0.1", "::1", "fe80::1%eth0", a unix path, "\0name"). */
  bind(address: string, port = 0): this {
    const native = this.#check('bind');
    native.bind(this.#sockaddr(address, port));
    return this;
  }

  /**
   * Connects (datagram sockets: fixes the peer so send() needs no address and only its
   * datagrams arrive). Returns true when connected, false when a stream connect is still in
   * progress (the socket is non-blocking).
   */
  connect(address: string, port = 0): boolean {
    const native = this.#check('connect');
    return native.connect(this.#sockaddr(address, port));
  }

  /** Dissolves a datagram socket's connection (connect to AF_UNSPEC). */
  disconnect(): void {
    const native = this.#check('disconnect');
    native.connect(addon().sockaddr(constants.AF_UNSPEC));
  }

  /** The local address (getsockname). */
  address(): SocketAddress {
    return toAddress(this.#check('read the address').address()) as SocketAddress;
  }

  /** The connected peer's address (getpeername); ENOTCONN when not connected. */
  remoteAddress(): SocketAddress {
    return toAddress(this.#check('read the remote address').remoteAddress()) as SocketAddress;
  }

  /** Sends on a connected socket. */
  send(buffer: Uint8Array, flags = 0): SendResult {
    const native = this.#check('send');
    const bytes = this.#keyed(() => native.send(buffer, flags), () => 1);
    return { bytes, sentAt: this.#sendInfo[0] as number, key: this.#lastKey };
  }

  /**
   * Sends one datagram to `address` (port: UDP/TCP port; leave 0 for raw IP sockets; unused
   * for unix paths). An IPv6 zone goes in the address: "fe80::1%eth0".
   */
  sendTo(buffer: Uint8Array, address: string, port = 0, flags = 0): SendResult {
    const native = this.#check('send');
    if (address !== this.#lastAddress || port !== this.#lastPort) {
      this.#lastSockaddr = this.#sockaddr(address, port);
      this.#lastAddress = address;
      this.#lastPort = port;
    }
    const sockaddr = this.#lastSockaddr as Buffer;
    const bytes = this.#keyed(() => native.sendTo(buffer, sockaddr, flags), () => 1);
    return { bytes, sentAt: this.#sendInfo[0] as number, key: this.#lastKey };
  }

  /**
   * Sends several datagrams with sendmmsg: all to one destination, each to its own
   * (`targets[i]` for `buffers[i]`), or, with no destination, on a connected socket.
   * On an inet socket the per-datagram destinations may also be a Uint32Array of IPv4
   * addresses as numbers (a.b.c.d = a << 24 | b << 16 | c << 8 | d, port 0): a raw-socket sweep
   * sends to thousands of addresses once each, and this spares it an address object per probe.
   * On an inet6 socket, the same with four numbers per datagram: the address's 16 bytes as four
   * big-endian words (2001:db8::1 = 0x20010db8, 0, 0, 1; lib/wire readIpv6Words), port 0, no
   * zone: no text to parse and no socket address made per destination.
   * The kernel may stop early (a full buffer, an unreachable destination): `sent` says how
   * many went out and `error` why the rest did not. If the very first is refused, it throws.
   */
  sendMany(buffers: readonly Uint8Array[], target?: Destination | readonly Destination[] | Uint32Array | null, flags = 0): SendManyResult {
    const native = this.#check('send');
    const nativeTarget = this.#destinations(target);
    const sent = this.#keyed(() => native.sendMany(buffers, nativeTarget, flags), (n) => n);
    const stoppedBy = this.#sendInfo[1] as number;
    const error = sent < buffers.length && stoppedBy !== 0 ? (addon().errnoError(stoppedBy, 'sendmmsg') as SocketError) : null;
    if (error !== null && !keepsKeys(stoppedBy)) this.#nextKey = -1;
    return { sent, sentAt: this.#sendInfo[0] as number, sentBy: this.#sendInfo[2] as number, error, firstKey: this.#lastKey };
  }

  /**
   * Hands datagrams to the socket's own send thread (made with the first call; native/
   * send-queue.h) and returns at once: a flood's sends run on another CPU while this one reads
   * the answers. The thread sends in the order queued (with setSendThreads() above 1, chunk by
   * chunk on each thread in turn: about that order) and retries what the kernel refuses for
   * now (a full buffer) for up to 100 ms; any other refusal is told by takeSendFailures(), with
   * the datagram's tag: `tag` + its index in `buffers`. Do not mix with sendTo()/sendMany()
   * while anything is queued (flushQueued() first), or the send-stamp keys no longer follow.
   */
  queueMany(buffers: readonly Uint8Array[], target: Destination | readonly Destination[] | Uint32Array | null, tag: number): QueueResult {
    const native = this.#check('send');
    const nativeTarget = this.#destinations(target);
    const firstKey = this.#nextKey;
    const sentAt = native.queueMany(buffers, nativeTarget, tag);
    if (firstKey >= 0) this.#nextKey = (firstKey + buffers.length) % KEY_SPACE;
    return { sentAt, firstKey };
  }

  /**
   * How many threads queueMany()'s queue sends on (1 to MAX_SEND_THREADS; before the first
   * queueMany(), which makes it): the kernel's own work for each datagram (a lab's forwarding,
   * loopback's delivery) runs on the thread that sends it, so more threads use more CPUs, and
   * datagrams leave in about the order queued, not exactly. Returns how many it will have: a
   * socket that stamps its sends (SO_TIMESTAMPING's keys count in the order sent) keeps one.
   */
  setSendThreads(threads: number): number {
    return this.#check('send').setSendThreads(threads);
  }

  /** Waits until everything queueMany() queued was handed to the kernel (or refused). */
  flushQueued(): void {
    if (!this.#closed) this.#native.flushQueued();
  }

  /** The queued datagrams the kernel refused since the last call, or null when none. */
  takeSendFailures(): QueuedSendFailure[] | null {
    if (this.#closed) return null;
    const raw = this.#native.takeSendFailures();
    if (raw === null) return null;
    const failures: QueuedSendFailure[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const errno = raw[i + 1] as number;
      // A refusal that may have used a send-stamp key ends the keys, as for sendMany().
      if (!keepsKeys(errno)) this.#nextKey = -1;
      failures.push({ tag: raw[i] as number, error: addon().errnoError(errno, 'sendmmsg') as SocketError });
    }
    return failures;
  }

  /** The key of the first datagram of the last send (-1: none). */
  #lastKey = -1;

  /**
   * Runs a send and moves the send-stamp keys on by the datagrams it sent (`datagrams` of what
   * it returned: the kernel numbers datagrams as it builds them). A refusal that may have used a
   * key up ends the keys: the stamps after it can no longer be told apart.
   */
  #keyed(send: () => number, datagrams: (returned: number) => number): number {
    this.#lastKey = this.#nextKey;
    let returned: number;
    try {
      returned = send();
    } catch (error) {
      if (!keepsKeys(-((error as { errno?: number }).errno ?? 0))) this.#nextKey = -1;
      this.#lastKey = -1;
      throw error;
    }
    if (this.#nextKey >= 0) this.#nextKey = (this.#nextKey + datagrams(returned)) % KEY_SPACE;
    return returned;
  }

  /**
   * Kernel timestamps (SO_TIMESTAMPING; `flags` are constants.SOF_TIMESTAMPING_*). With a send
   * stamp and SOF_TIMESTAMPING_OPT_ID asked for, every datagram sent from then on leaves its
   * kernel send time in a 'txstamps' event, keyed as its send's result says (SendResult.key,
   * SendManyResult.firstKey). With a receive stamp asked for, batches carry SO_TIMESTAMPING's
   * receive times instead of SO_TIMESTAMPNS's. Throws what the kernel says when it refuses.
   */
  setTimestamping(flags: number): this {
    const native = this.#check('set SO_TIMESTAMPING');
    native.setTimestamping(flags);
    const optId = constants.SOF_TIMESTAMPING_OPT_ID;
    const keyed = (f: number): boolean => (f & optId) !== 0 && (f & sendStampFlags()) !== 0;
    // The kernel counts from 0 when OPT_ID goes on, and goes on counting while it stays on.
    if (!keyed(flags)) this.#nextKey = -1;
    else if ((this.#timestamping & optId) === 0) this.#nextKey = 0;
    else if (!keyed(this.#timestamping)) this.#nextKey = -1;
    this.#timestamping = flags;
    return this;
  }

  /**
   * Reads `sender`'s send timestamps with every batch of this socket, as if they were its own
   * ('txstamps' events here, before the batch's datagrams): for a socket that only sends and is
   * never polled (IPv6 probes go out through an IPPROTO_RAW socket and their answers come in on
   * a raw ICMPv6 one). The sender keeps its own keys (SendResult.key). null stops it.
   */
  readStampsOf(sender: RawSocket | null): this {
    this.#check('read send timestamps').readStampsOf(sender === null ? null : sender.#check('give its send timestamps'));
    return this;
  }

  /** The SO_TIMESTAMPING flags set (0: none). */
  get timestamping(): number {
    return this.#timestamping;
  }

  /**
   * Sets an option by name from the option table (value in the option's shape), or by
   * number as [level, name] (the shape then follows the value: number, boolean, Buffer,
   * {enabled, seconds}, {seconds, microseconds}). By number nothing is refused on the
   * kernel's behalf: that is the way to watch Linux accept SO_BSDCOMPAT and ignore it.
   */
  setOption<N extends OptionName>(name: N, value: OptionInput<N>): this;
  setOption(option: readonly [level: OptionLevel | number, name: number], value: number | boolean | Uint8Array | Linger | Timeval): this;
  setOption(option: OptionName | readonly [OptionLevel | number, number], value: unknown): this {
    setOptionOn(this.#check('set an option'), option, value);
    return this;
  }

  /**
   * Reads an option by name (in the option's shape), or by number as [level, name] with the
   * shape to read ('int' unless told) and, for 'bytes', the buffer size.
   */
  getOption<N extends OptionName>(name: N): OptionValue<N>;
  getOption(option: readonly [level: OptionLevel | number, name: number], kind?: OptionKind, size?: number): unknown;
  getOption(option: OptionName | readonly [OptionLevel | number, number], kind: OptionKind = 'int', size?: number): unknown {
    return getOptionOn(this.#check('read an option'), option, kind, size);
  }

  /** Attaches a classic BPF filter: encoded bytes, or instructions (see bpf.ts). */
  attachFilter(program: Uint8Array | readonly BpfInstruction[]): this {
    const native = this.#check('attach a filter');
    native.attachFilter(program instanceof Uint8Array ? program : encodeProgram(program));
    return this;
  }

  detachFilter(): this {
    this.#check('detach a filter').detachFilter();
    return this;
  }

  /**
   * Starts receiving on the event loop (adding a 'message' or 'batch' listener does this for
   * you). Options apply from now on; calling it while receiving changes nothing.
   */
  startReceiving(options: ReceiveOptions = {}): this {
    const native = this.#check('receive');
    this.#receiveOptions = { ...DEFAULT_RECEIVE, ...this.#receiveOptions, ...options };
    this.#paused = false;
    if (native.receiving) return this;
    const { slotCount, slotSize, maxPerWake, reuseBatches } = this.#receiveOptions;
    native.startReceiving(this.#onNative, slotCount, slotSize, maxPerWake, reuseBatches);
    return this;
  }

  /** Stops receiving; datagrams wait in the kernel (up to SO_RCVBUF) until it starts again. */
  stopReceiving(): this {
    this.#check('stop receiving').stopReceiving();
    return this;
  }

  /** Keep the process alive while receiving (the default). */
  ref(): this {
    this.#check('ref').ref();
    this.#refed = true;
    return this;
  }

  /** Let the process exit even while this socket is receiving. */
  unref(): this {
    this.#check('unref').unref();
    this.#refed = false;
    return this;
  }

  get refed(): boolean {
    return this.#refed;
  }

  /** Closes the descriptor. Safe to call again; every other call afterwards throws ERR_SOCKET_CLOSED. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#native.close();
    this.#lastSockaddr = null;
    this.#sockaddrs.clear();
    process.nextTick(() => this.emit('close'));
  }

  // The addon calls this once per wake-up (see batch.ts for the batch format).
  #onNative = (kind: number, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown): void => {
    if (kind === RECEIVE_EVENT.batch) {
      // The send stamps read with the batch first: they time what the batch answers.
      if ((f as number) > 0 && this.listenerCount('txstamps') > 0) {
        const stamps: SendStamps = { stamps: e as Float64Array, count: f as number };
        this.emit('txstamps', stamps);
      }
      if ((c as number) === 0) return;
      const batch: ReceiveBatch = Buffer.isBuffer(d)
        ? new Inet6Batch(a as Buffer, b as Float64Array, c as number, d, this.protocol)
        : { data: a as Buffer, meta: b as Float64Array, count: c as number, addresses: d as string[] | null, protocol: this.protocol };
      // A throwing listener must not cost the datagrams after it (with one callback per
      // datagram, as in node:dgram, it would not): deliver the whole batch, then rethrow.
      let failures: unknown[] | null = null;
      if (this.listenerCount('batch') > 0) {
        try {
          this.emit('batch', batch);
        } catch (error) {
          failures = [error];
        }
      }
      if (this.listenerCount('message') > 0) failures = this.#emitMessages(batch, failures);
      if (failures !== null) rethrow(failures);
    } else if (kind === RECEIVE_EVENT.error) {
      this.emit('error', a as SocketError);
    } else if (kind === RECEIVE_EVENT.errqueue) {
      for (const entry of a as NativeErrQueueEntry[]) {
        if (this.#closed) break;
        this.emit('errqueue', toQueuedError(entry));
      }
    } else if (kind === RECEIVE_EVENT.end) {
      this.emit('end');
    }
  };

  #emitMessages(batch: ReceiveBatch, failures: unknown[] | null): unknown[] | null {
    for (let i = 0; i < batch.count && !this.#closed; i++) {
      try {
        this.emit('message', datagramAt(batch, i), messageInfoAt(batch, i));
      } catch (error) {
        (failures ??= []).push(error);
      }
    }
    return failures;
  }

  /**
   * Received messages as an async iterator. Messages are buffered up to highWaterMark; past
   * that, receiving pauses (the kernel keeps the rest, up to SO_RCVBUF) until the loop
   * catches up. Ending the loop closes the socket unless `close: false`. An 'error' ends the
   * iteration by throwing it.
   */
  messages(options: MessagesOptions = {}): AsyncIterableIterator<ReceivedMessage> {
    const highWaterMark = options.highWaterMark ?? 1024;
    if (!Number.isInteger(highWaterMark) || highWaterMark < 1) throw invalid('highWaterMark must be a positive integer');
    const self = this;
    const source: MessageSource = {
      emitter: this,
      get closed() {
        return self.#closed;
      },
      get paused() {
        return self.#paused;
      },
      pause: () => {
        this.#paused = true;
        this.#native.stopReceiving();
      },
      resume: () => {
        this.#paused = false;
        this.startReceiving();
      },
      close: () => this.close(),
    };
    return new MessageIterator(source, highWaterMark, options.close ?? true);
  }

  /** `for await (const { msg, info } of socket)`: messages() with its defaults. */
  [Symbol.asyncIterator](): AsyncIterableIterator<ReceivedMessage> {
    return this.messages();
  }
}

/**
 * Opens a socket: non-blocking, close-on-exec, one descriptor. Raw sockets need
 * CAP_NET_RAW (the error says how to get it).
 */
export function openSocket(options: OpenOptions): RawSocket {
  const { family, type } = options;
  checkKind(family, type);
  const protocol = resolveProtocol(family, type, options.protocol);
  const native = new (addon().Socket)(familyNumber(family), typeNumber(type), protocol);
  return new RawSocket(native, family, type, protocol);
}
