// Socket: the classic socket API (the one C and Python's socket module teach) on the libuv
// loop, for AF_INET, AF_INET6 and AF_UNIX with SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET
// (SOCK_RAW and SOCK_RDM where the kernel allows them).
//
//   const server = createSocket({ family: 'unix', type: 'seqpacket' });
//   server.bind('./lesson.sock').listen();
//   const { socket, peer } = await server.accept();
//   const hello = await socket.recv(1024, { timeout: 5000 });
//   await socket.sendAll(hello);
//   socket.close(); server.close();
//
// Calls that set something up (bind, listen, shutdown, close, options) are synchronous and
// throw; calls that wait (accept, connect, recv*, send*) return promises. Every descriptor is
// non-blocking: a call that would block waits, without a thread, until the poll handle says
// the socket is ready (readiness.ts), behind the calls made before it on the same side
// (pending.ts). `timeout` (per call, or the socket's default: Python's settimeout) bounds the
// wait: null waits for ever, 0 never waits (the kernel's EAGAIN comes back at once).
//
// close() rejects every waiting call with ERR_SOCKET_CLOSED and releases the descriptor and
// the poll handle at once.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';

import { addon, type NativeSocket, type PeerCredentials } from '../addon.js';
import { constants } from '../constants.js';
import { ErrorCode, callError, socketError, type SocketError } from '../errors.js';
import type { Family, SocketType } from '../kinds.js';
import { getOptionOn, setOptionOn, type OptionRef, type RawOptionValue } from '../option-calls.js';
import type { OptionInput, OptionKind, OptionName, OptionValue } from '../options.js';
import { toAddress, type SocketAddress } from '../values.js';
import { DEFAULT_RECV_SIZE, SHUT, WAITING_FOR, bytesOf, checkBuffer, checkSize, checkTimeout, optionArgs, type ShutdownHow } from './arguments.js';
import { report, type CallArg, type CallHook, type CallInit } from './call-log.js';
import { resolveEndpoint, type Endpoint } from './endpoint.js';
import {
  acceptOperation,
  connectOperation,
  recvMsgOperation,
  recvIntoOperation,
  recvOperation,
  sendOperation,
  type Channel,
  type Message,
  type SendPlan,
  type Settle,
} from './operations.js';
import type { Operation } from './pending.js';
import { socketStream, type StreamOptions } from './stream.js';
import { Waits } from './waits.js';

type Side = 'readers' | 'writers';

export interface CallOptions {
  /** Milliseconds to wait; null waits for ever, 0 never waits. Default: the socket's `timeout`. */
  timeout?: number | null;
}

export interface RecvOptions extends CallOptions {
  /** recv flags (constants.MSG_PEEK, MSG_WAITALL, ...). */
  flags?: number;
}

export interface SendOptions extends CallOptions {
  /** send flags (constants.MSG_MORE, MSG_OOB, ...). */
  flags?: number;
}

/** What accept() gives: the connected socket and who is at the other end. */
export interface Accepted {
  socket: Socket;
  /** The peer's address ('' for an unnamed unix peer). */
  peer: SocketAddress;
}

export interface SocketEvents {
  /** connect() has succeeded (its promise resolves with it). */
  connect: [];
  /** A connection accepted for a 'connection' listener (adding one starts accepting). */
  connection: [socket: Socket, peer: SocketAddress];
  /** accept failed for the 'connection' listeners (EMFILE, ...): accepting has stopped. */
  error: [error: SocketError];
  close: [];
}

export class Socket extends EventEmitter<SocketEvents> {
  readonly family: Family;
  readonly type: SocketType;
  readonly protocol: number;
  /** Called with a record of each system call as it returns (call-log.ts); accepted sockets inherit it. */
  onCall: CallHook | null;

  #native: NativeSocket;
  #fd: number;
  #closed = false;
  #timeout: number | null = null;
  #refed = true;
  #accepting = false;
  #listening = false;
  #waits: Waits | null = null;
  #channel: Channel;

  /** @internal use createSocket(), socketpair() or accept(). */
  constructor(native: NativeSocket, family: Family, type: SocketType, protocol: number, onCall: CallHook | null) {
    super();
    this.#native = native;
    this.#fd = native.fd;
    this.family = family;
    this.type = type;
    this.protocol = protocol;
    this.onCall = onCall;
    this.#channel = new SocketChannel(this, native);
  }

  /** The descriptor number (it stays readable after close, for logs). */
  get fd(): number {
    return this.#fd;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The default wait of every call (Python's settimeout): ms, null for ever, 0 never. */
  get timeout(): number | null {
    return this.#timeout;
  }

  set timeout(value: number | null) {
    this.#timeout = checkTimeout(value);
  }

  // ---- set-up calls: synchronous, throw on refusal -------------------------------------

  /** bind: ('127.0.0.1', 8080), ('', 0), ('::1', 0), ('./x.sock'), ('\0abstract'). */
  bind(address: Endpoint, port?: number): this {
    const native = this.#open('bind');
    const to = resolveEndpoint(this.family, address, port, 'bind');
    this.#traced({ call: 'bind', args: [to.address] }, () => native.bind(to.sockaddr));
    return this;
  }

  /** listen: the backlog defaults to min(SOMAXCONN, 128), as Python's. */
  listen(backlog = Math.min(constants.SOMAXCONN, 128)): this {
    const native = this.#open('listen');
    this.#traced({ call: 'listen', args: [backlog] }, () => native.listen(backlog));
    // Only a listening socket has connections to announce: 'connection' listeners, added
    // before or after this call, start the accept loop (accepted sockets never pay for it).
    if (!this.#listening) {
      this.#listening = true;
      (this as EventEmitter).on('newListener', (event: string | symbol) => {
        if (event === 'connection') queueMicrotask(() => void this.#acceptLoop());
      });
      if (this.listenerCount('connection') > 0) queueMicrotask(() => void this.#acceptLoop());
    }
    return this;
  }

  /** shutdown: 'write' sends the peer its end of stream (its recv gets 0 bytes), 'read' stops receiving. */
  shutdown(how: ShutdownHow): this {
    const native = this.#open('shutdown');
    const name = SHUT[how];
    if (name === undefined) {
      throw socketError(ErrorCode.invalidArgValue, `how must be 'read', 'write' or 'both' (got '${String(how)}')`, 'RangeError');
    }
    this.#traced({ call: 'shutdown', args: [name] }, () => native.shutdown(constants[name]));
    return this;
  }

  /** The local address (getsockname). */
  address(): SocketAddress {
    const native = this.#open('getsockname');
    return this.#traced({ call: 'getsockname' }, () => toAddress(native.address()) as SocketAddress, true);
  }

  /** The connected peer's address (getpeername): ENOTCONN when there is none. */
  remoteAddress(): SocketAddress {
    const native = this.#open('getpeername');
    return this.#traced({ call: 'getpeername' }, () => toAddress(native.remoteAddress()) as SocketAddress, true);
  }

  /** SO_PEERCRED: the pid, uid and gid of the process at the other end of a unix socket. */
  peerCredentials(): PeerCredentials {
    const native = this.#open('getsockopt');
    return this.#traced({ call: 'getsockopt', args: ['SOL_SOCKET', 'SO_PEERCRED'] }, () => native.peerCredentials(), true);
  }

  /** setsockopt, by the option table's name or as [level, name] (see RawSocket.setOption). */
  setOption<N extends OptionName>(name: N, value: OptionInput<N>): this;
  setOption(option: OptionRef, value: RawOptionValue): this;
  setOption(option: OptionRef, value: unknown): this {
    const native = this.#open('setsockopt');
    this.#traced({ call: 'setsockopt', args: [...optionArgs(option), value as CallArg] }, () => setOptionOn(native, option, value));
    return this;
  }

  /** getsockopt, by name or as [level, name] with the shape to read. */
  getOption<N extends OptionName>(name: N): OptionValue<N>;
  getOption(option: OptionRef, kind?: OptionKind, size?: number): unknown;
  getOption(option: OptionRef, kind?: OptionKind, size?: number): unknown {
    const native = this.#open('getsockopt');
    return this.#traced({ call: 'getsockopt', args: optionArgs(option) }, () => getOptionOn(native, option, kind, size), true);
  }

  /** Keep the process alive while calls wait (the default). */
  ref(): this {
    this.#refed = true;
    if (!this.#closed) this.#native.ref();
    this.#waits?.setRefed(true);
    return this;
  }

  /** Let the process exit even while calls wait on this socket. */
  unref(): this {
    this.#refed = false;
    if (!this.#closed) this.#native.unref();
    this.#waits?.setRefed(false);
    return this;
  }

  get refed(): boolean {
    return this.#refed;
  }

  /**
   * Closes the descriptor. Every call still waiting is rejected with ERR_SOCKET_CLOSED; the
   * descriptor and the poll handle are released now. Safe to call again.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#native.close();
    this.#channel.trace?.({ call: 'close', fd: this.#fd, result: 0 });
    this.#waits?.close((op) => callError(ErrorCode.socketClosed, op.call, `${op.call}: the socket was closed while the call waited`));
    process.nextTick(() => this.emit('close'));
  }

  // ---- server calls ---------------------------------------------------------------------

  /** accept: the next connection, as a connected, non-blocking, close-on-exec Socket. */
  accept(options?: CallOptions): Promise<Accepted> {
    const adopt = (native: NativeSocket, peer: SocketAddress): Accepted => ({
      socket: new Socket(native, this.family, this.type, this.protocol, this.onCall),
      peer,
    });
    return this.#wait('readers', 'accept', options, (done) => acceptOperation(this.#channel, adopt, done));
  }

  /** Accepted connections as an async iterator; it ends when the socket is closed. */
  async *connections(options?: CallOptions): AsyncGenerator<Accepted, void, undefined> {
    while (!this.#closed) {
      try {
        yield await this.accept(options);
      } catch (error) {
        if (this.#closed && (error as SocketError).code === ErrorCode.socketClosed) return;
        throw error;
      }
    }
  }

  // ---- client calls ---------------------------------------------------------------------

  /** connect: resolves once connected (and emits 'connect'); rejects with the kernel's reason (ECONNREFUSED, ...). */
  connect(address: Endpoint, port?: number, options?: CallOptions): Promise<void> {
    const connected = this.#waitFor('writers', 'connect', options, () => resolveEndpoint(this.family, address, port, 'connect'), (to, done: Settle<void>) =>
      connectOperation(this.#channel, to, () => this.#io().changed(this.#io().writers), done),
    );
    return connected.then(() => {
      this.emit('connect');
    });
  }

  /**
   * connect_ex: resolves 0 when connected, or the errno name when the kernel refused
   * ('ECONNREFUSED', 'ENETUNREACH', 'ETIMEDOUT' (also when `timeout` passed), ...). Bad
   * arguments and a closed socket still reject.
   */
  async connectEx(address: Endpoint, port?: number, options?: CallOptions): Promise<0 | string> {
    try {
      await this.connect(address, port, options);
      return 0;
    } catch (error) {
      const e = error as SocketError;
      if (e.code === ErrorCode.socketTimeout) return 'ETIMEDOUT';
      if (typeof e.errno === 'number') return e.code;
      throw error;
    }
  }

  // ---- common calls ---------------------------------------------------------------------

  /** recv: what came, at most `size` bytes; an empty Buffer is the end of the stream. */
  recv(size = DEFAULT_RECV_SIZE, options?: RecvOptions): Promise<Buffer> {
    return this.#waitFor('readers', 'recv', options, () => checkSize(size, 'size'), (n, done) =>
      recvOperation(this.#channel, n, options?.flags ?? 0, done),
    );
  }

  /**
   * recv_into: reads into `buffer` (or a subarray of it) and resolves with the byte count, 0 at
   * the end of a stream. No Buffer is made per call: the way to read a lot, fast.
   */
  recvInto(buffer: Uint8Array, options?: RecvOptions): Promise<number> {
    return this.#waitFor('readers', 'recv', options, () => checkBuffer(buffer), (b, done) =>
      recvIntoOperation(this.#channel, b, options?.flags ?? 0, done),
    );
  }

  /** recvfrom: one message and its sender. */
  recvFrom(size = DEFAULT_RECV_SIZE, options?: RecvOptions): Promise<Message> {
    return this.#waitFor('readers', 'recvfrom', options, () => checkSize(size, 'size'), (n, done) =>
      recvMsgOperation(this.#channel, n, options?.flags ?? 0, 0, done),
    );
  }

  /** recvmsg with SCM_RIGHTS: a message and up to `maxFds` descriptors passed with it. */
  recvFds(size: number, maxFds: number, options?: RecvOptions): Promise<Message> {
    return this.#waitFor('readers', 'recvmsg', options, () => [checkSize(size, 'size'), checkSize(maxFds, 'maxFds')] as const, ([n, fds], done) =>
      recvMsgOperation(this.#channel, n, options?.flags ?? 0, fds, done),
    );
  }

  /** send: one call; resolves with the bytes the kernel took (possibly fewer on a stream). */
  send(data: Uint8Array | string, options?: SendOptions): Promise<number> {
    return this.#send('send', options, () => ({ data: bytesOf(data), to: null, flags: options?.flags ?? 0, fds: null, whole: false }));
  }

  /** sendall: every byte, following partial writes and waiting for room (back-pressure). */
  sendAll(data: Uint8Array | string, options?: SendOptions): Promise<number> {
    return this.#send('send', options, () => ({ data: bytesOf(data), to: null, flags: options?.flags ?? 0, fds: null, whole: true }));
  }

  /** sendto: one datagram to `address`. */
  sendTo(data: Uint8Array | string, address: Endpoint, port?: number, options?: SendOptions): Promise<number> {
    return this.#send('sendto', options, () => ({
      data: bytesOf(data),
      to: resolveEndpoint(this.family, address, port, 'sendto'),
      flags: options?.flags ?? 0,
      fds: null,
      whole: false,
    }));
  }

  /** sendmsg with SCM_RIGHTS: `data` (at least one byte) and copies of the descriptors `fds`. */
  sendFds(data: Uint8Array | string, fds: readonly number[], options?: SendOptions): Promise<number> {
    return this.#send('sendmsg', options, () => ({ data: bytesOf(data), to: null, flags: options?.flags ?? 0, fds: [...fds], whole: true }));
  }

  /** The makefile idea: a Duplex over this socket, for stream.pipeline (see stream.ts). */
  toStream(options?: StreamOptions): Duplex {
    return socketStream(this, options);
  }

  // ---- the machinery ---------------------------------------------------------------------

  #open(call: string): NativeSocket {
    if (this.#closed) throw callError(ErrorCode.socketClosed, call, `cannot ${call}: the socket is closed`);
    return this.#native;
  }

  /** Runs a synchronous call, recording it (result 0, or -1 and the error it threw). */
  #traced<T>(init: Omit<CallInit, 'fd' | 'result'>, call: () => T, keepValue = false): T {
    const trace = this.#channel.trace;
    if (trace === null) return call();
    try {
      const value = call();
      trace({ ...init, fd: this.#fd, result: 0, value: keepValue ? value : null });
      return value;
    } catch (error) {
      trace({ ...init, fd: this.#fd, result: -1, error: error as SocketError });
      throw error;
    }
  }

  #send(call: string, options: SendOptions | undefined, plan: () => SendPlan): Promise<number> {
    return this.#waitFor('writers', call, options, plan, (p, done) => sendOperation(this.#channel, p, done));
  }

  /** #wait with arguments checked first: a bad argument rejects without any syscall. */
  #waitFor<A, T>(queue: Side, call: string, options: CallOptions | undefined, check: () => A, make: (args: A, done: Settle<T>) => Operation): Promise<T> {
    let args: A;
    try {
      this.#open(call);
      args = check();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#wait(queue, call, options, (done) => make(args, done));
  }

  /** Runs an operation on `queue`: now if it can, else when the socket is ready. */
  #wait<T>(side: Side, call: string, options: CallOptions | undefined, make: (done: Settle<T>) => Operation): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timeout: number | null;
      try {
        this.#open(call);
        timeout = options?.timeout === undefined ? this.#timeout : checkTimeout(options.timeout);
      } catch (error) {
        reject(error);
        return;
      }
      const op = make({ resolve, reject });
      // Nothing ahead of it: try it now, before anything is built to wait with.
      const idle = this.#waits === null || this.#waits[side].length === 0;
      if (timeout === 0) {
        // Never wait: one try, and the kernel's "would block" when it cannot finish now.
        if (!idle || !op.attempt()) op.abandon(this.#wouldBlock(call));
        return;
      }
      if (idle && op.attempt()) return;
      if (this.#closed) {
        // The call log hook closed the socket from inside the call.
        op.abandon(callError(ErrorCode.socketClosed, call, `${call}: the socket was closed while the call waited`));
        return;
      }
      const timedOut = (): SocketError =>
        callError(ErrorCode.socketTimeout, call, `${call}: ${WAITING_FOR[call] ?? 'nothing happened'} within ${timeout} ms (timeout)`);
      const waits = this.#io();
      waits[side].wait(op, timeout, timedOut);
      waits.sync();
    });
  }

  #wouldBlock(call: string): SocketError {
    const errno = call === 'connect' ? constants.EINPROGRESS : constants.EAGAIN;
    return addon().errnoError(errno, call) as SocketError;
  }

  /** The waiting calls' queues and readiness, made on first use. */
  #io(): Waits {
    if (this.#waits === null) {
      this.#waits = new Waits(this.#native, () => !this.#closed);
      if (!this.#refed) this.#waits.setRefed(false);
    }
    return this.#waits;
  }

  async #acceptLoop(): Promise<void> {
    if (this.#accepting) return;
    this.#accepting = true;
    try {
      while (!this.#closed && this.listenerCount('connection') > 0) {
        const { socket, peer } = await this.accept({ timeout: null });
        // A connection that arrives after the last listener left has nobody to serve it.
        if (this.listenerCount('connection') === 0) socket.close();
        else this.emit('connection', socket, peer);
      }
    } catch (error) {
      if (!this.#closed) this.emit('error', error as SocketError);
    } finally {
      this.#accepting = false;
    }
  }
}

/** What the operations see of a socket (operations.ts): its descriptor and its call log. */
class SocketChannel implements Channel {
  readonly native: NativeSocket;
  readonly fd: number;
  readonly family: Family;
  readonly type: SocketType;
  #socket: Socket;

  constructor(socket: Socket, native: NativeSocket) {
    this.#socket = socket;
    this.native = native;
    this.fd = native.fd;
    this.family = socket.family;
    this.type = socket.type;
  }

  get trace(): ((init: CallInit) => void) | null {
    return this.#socket.onCall === null ? null : this.#report;
  }

  #report = (init: CallInit): void => {
    const hook = this.#socket.onCall;
    if (hook !== null) report(hook, init);
  };
}
