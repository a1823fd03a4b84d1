// A netcat session on the classic socket API: `listen` (socket, setsockopt, bind, listen, accept,
// then a conversation per connection; or recvfrom on datagram sockets) or `connect` (socket,
// setsockopt, bind, connect, then one conversation), with every system call reported through
// `onCall` as it returns (lib/socket/classic/call-log.ts). `rawprobe socket` prints those records;
// this file decides only what is called when.
//
//   const session = new NetcatSession({ role: 'listen', family: 'unix', type: 'seqpacket',
//     address: './lesson.sock', port: null, echo: true, onCall: print });
//   const { outcome, error } = await session.run();   // session.stop() on Ctrl-C
//
// How a session ends (NetcatOutcome):
//   done     listen: --count connections (stream, seqpacket) or datagrams served; connect: the
//            peer's end of stream, --count messages received, or, on datagram sockets, the input
//            sent and no answer for `replyWaitMs`
//   stopped  stop() was called (Ctrl-C): every socket is closed, each close reported
//   idle     nothing moved for `timeoutMs` (--timeout)
//   short    a datagram `connect` whose answers stopped before --count came
//   failed   a call failed (`error` says which): the socket, an option, bind, connect, a reset...
//
// A listening session serves its connections one after the other; the others wait in the
// backlog. A connection that fails does not stop a server that has more to serve: the first such
// error is the session's `error` at the end. Unix socket files the session bound are removed
// when it ends (socat's unlink-close), and the removal is reported as an event.
import { unlinkSync } from 'node:fs';

import { createSocket, type Family, type OptionRef, type ProtocolName, type RawOptionValue, type Socket, type SocketCall, type SocketError, type SocketType } from '../socket/index.js';
import { closedByUs, datagramClient, datagramServer, isConnectionType, streamConversation, type Exchange } from './exchange.js';
import type { Input, InputSource } from './input.js';

export type Role = 'listen' | 'connect';
export type NetcatOutcome = 'done' | 'stopped' | 'idle' | 'short' | 'failed';

/** What the session reports besides system calls. */
export type NetcatEvent =
  /** A unix socket file it had bound, removed at the end (error: the errno name, or null). */
  | { type: 'unlink'; path: string; error: string | null }
  /** A datagram came from a sender with no address (an unbound unix socket): it cannot be answered. */
  | { type: 'unanswerable'; fd: number };

/** Where received bytes go. */
export interface Output {
  /**
   * Takes `data`, and must be done with it when it returns, or, when it returns a promise, when
   * that resolves: the bytes sit in a buffer the next recv reuses.
   */
  write(data: Buffer): void | Promise<void>;
}

export interface OptionSetting {
  name: OptionRef;
  value: RawOptionValue;
}

export interface NetcatOptions {
  role: Role;
  family: Family;
  type: SocketType;
  protocol?: ProtocolName | number;
  /** listen: the address to bind; connect: the peer. An IP address, a unix path, or "\0name". */
  address: string;
  /** The port for inet and inet6 (0 on listen: the kernel picks); null for unix and raw. */
  port: number | null;
  /** connect: an address of its own, bound before connecting (a unix dgram client needs one to be answered). */
  local?: { address: string; port: number | null } | null;
  /** setsockopt calls made right after socket(), in order. */
  options?: readonly OptionSetting[];
  /** What to send on each connection (or in answer to each datagram); null: nothing. */
  input?: InputSource | null;
  /** Send back what arrives (listen). */
  echo?: boolean;
  /** Where received bytes go when not echoed; null: nowhere. */
  output?: Output | null;
  /** listen: connections (stream, seqpacket) or datagrams to serve; connect: messages to receive. null: no limit. */
  count?: number | null;
  /** Give up when nothing has moved for this long (ms); null: never. */
  timeoutMs?: number | null;
  /** Datagram connect: how long to wait for answers once the input is sent (ms, default 1000). */
  replyWaitMs?: number;
  /** When the input is sent, close at once instead of shutting down writing and reading to the peer's end. */
  closeAfterSend?: boolean;
  backlog?: number;
  /** Bytes asked for per recv (default 256 KiB). */
  recvSize?: number;
  onCall?: ((call: SocketCall) => void) | null;
  onEvent?: ((event: NetcatEvent) => void) | null;
}

export interface NetcatResult {
  outcome: NetcatOutcome;
  /** What failed (outcome 'failed'), or null. */
  error: SocketError | null;
  /** Connections accepted or made. */
  connections: number;
  /** Messages received (recv calls that returned data), bytes received and sent. */
  messagesIn: number;
  bytesIn: number;
  bytesOut: number;
}

const DEFAULT_RECV_SIZE = 256 * 1024;
const DEFAULT_REPLY_WAIT_MS = 1000;

type StopReason = 'stop' | 'idle' | 'replies';

export class NetcatSession implements Exchange {
  readonly options: NetcatOptions;
  readonly recvSize: number;
  #sockets = new Set<Socket>();
  #inputs = new Set<Input>();
  #unlink: string[] = [];
  #stopReason: StopReason | null = null;
  #idle: NodeJS.Timeout | null = null;
  #idleOn = true;
  #replyWait: NodeJS.Timeout | null = null;
  #stats = { connections: 0, messagesIn: 0, bytesIn: 0, bytesOut: 0 };
  #firstError: SocketError | null = null;

  constructor(options: NetcatOptions) {
    this.options = options;
    this.recvSize = options.recvSize ?? DEFAULT_RECV_SIZE;
  }

  /** Runs the session to its end; never rejects (a failure is outcome 'failed'). */
  async run(): Promise<NetcatResult> {
    this.touch();
    let failure: SocketError | null = null;
    try {
      if (this.options.role === 'listen') await this.#listen();
      else await this.#connect();
    } catch (error) {
      failure = error as SocketError;
    } finally {
      this.#finish();
    }
    return this.#result(failure);
  }

  /** Ctrl-C: closes every socket now; run() then resolves with outcome 'stopped'. */
  stop(): void {
    this.#end('stop');
  }

  // ---- what the exchanges call (Exchange) -----------------------------------------------

  get stopping(): boolean {
    return this.#stopReason !== null;
  }

  /** Something moved: the --timeout clock starts again. */
  touch(): void {
    if (this.#idle !== null) clearTimeout(this.#idle);
    this.#idle = null;
    const ms = this.options.timeoutMs ?? null;
    if (ms === null || !this.#idleOn || this.stopping) return;
    this.#idle = setTimeout(() => this.#end('idle'), ms);
  }

  received(bytes: number): void {
    this.#stats.messagesIn += 1;
    this.#stats.bytesIn += bytes;
    this.touch();
    if (this.#replyWait !== null) this.#armReplyWait();
  }

  sent(bytes: number): void {
    this.#stats.bytesOut += bytes;
    this.touch();
  }

  get messagesIn(): number {
    return this.#stats.messagesIn;
  }

  input(): Input | null {
    const source = this.options.input ?? null;
    if (source === null) return null;
    const input = source();
    this.#inputs.add(input);
    return input;
  }

  event(event: NetcatEvent): void {
    this.options.onEvent?.(event);
  }

  /** A datagram client's input is all sent: answers may come for replyWaitMs (renewed by each). */
  inputSent(): void {
    this.#idleOn = false; // the answer window takes over from --timeout
    if (this.#idle !== null) clearTimeout(this.#idle);
    this.#armReplyWait();
  }

  // ---- the two roles ----------------------------------------------------------------------

  async #listen(): Promise<void> {
    const o = this.options;
    const server = this.#open();
    this.#bind(server, o.address, o.port);
    if (!isConnectionType(o.type)) {
      await datagramServer(this, server);
      return;
    }
    server.listen(o.backlog);
    const count = o.count ?? null;
    while (!this.stopping && (count === null || this.#stats.connections < count)) {
      let conn: Socket;
      try {
        ({ socket: conn } = await server.accept());
      } catch (error) {
        if (closedByUs(error, server)) return;
        throw error;
      }
      this.#track(conn);
      this.#stats.connections += 1;
      this.touch();
      try {
        await streamConversation(this, conn);
      } catch (error) {
        this.#firstError ??= error as SocketError; // the next connection is served all the same
      } finally {
        conn.close();
      }
    }
    server.close();
  }

  async #connect(): Promise<void> {
    const o = this.options;
    const socket = this.#open();
    if (o.local) this.#bind(socket, o.local.address, o.local.port);
    try {
      await socket.connect(o.address, o.port ?? undefined);
    } catch (error) {
      if (closedByUs(error, socket)) return;
      throw error;
    }
    this.#stats.connections += 1;
    this.touch();
    if (isConnectionType(o.type)) await streamConversation(this, socket);
    else await datagramClient(this, socket);
    socket.close();
  }

  // ---- set-up and the end -----------------------------------------------------------------

  /** socket() and the setsockopt calls; the socket is closed at the end whatever happens. */
  #open(): Socket {
    const o = this.options;
    const socket = createSocket({
      family: o.family,
      type: o.type,
      ...(o.protocol === undefined ? {} : { protocol: o.protocol }),
      onCall: o.onCall ?? null,
    });
    this.#track(socket);
    for (const { name, value } of o.options ?? []) socket.setOption(name, value);
    return socket;
  }

  /** bind(), then getsockname() when the kernel chose the port (port 0): the log shows which. */
  #bind(socket: Socket, address: string, port: number | null): void {
    socket.bind(address, port ?? undefined);
    if (this.options.family === 'unix' && !address.startsWith('\0')) this.#unlink.push(address);
    if (port === 0) socket.address();
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  #armReplyWait(): void {
    if (this.#replyWait !== null) clearTimeout(this.#replyWait);
    const ms = this.options.timeoutMs ?? this.options.replyWaitMs ?? DEFAULT_REPLY_WAIT_MS;
    this.#replyWait = setTimeout(() => this.#end('replies'), ms);
  }

  /** Ends the session early: every socket closes now, so every waiting call returns. */
  #end(reason: StopReason): void {
    if (this.#stopReason !== null) return;
    this.#stopReason = reason;
    this.#closeEverything();
  }

  #closeEverything(): void {
    for (const input of this.#inputs) input.close();
    // Connections first, then the listening socket, as a server shuts down.
    for (const socket of [...this.#sockets].reverse()) socket.close();
  }

  #finish(): void {
    if (this.#idle !== null) clearTimeout(this.#idle);
    if (this.#replyWait !== null) clearTimeout(this.#replyWait);
    this.#idle = null;
    this.#replyWait = null;
    this.#closeEverything();
    for (const path of this.#unlink.splice(0)) {
      let error: string | null = null;
      try {
        unlinkSync(path);
      } catch (e) {
        error = (e as NodeJS.ErrnoException).code ?? 'EIO';
      }
      this.event({ type: 'unlink', path, error });
    }
  }

  #result(failure: SocketError | null): NetcatResult {
    const stats = { ...this.#stats };
    const count = this.options.count ?? null;
    let outcome: NetcatOutcome;
    let error: SocketError | null = null;
    if (this.#stopReason === 'stop') outcome = 'stopped';
    else if (this.#stopReason === 'idle') outcome = 'idle';
    else if (failure !== null || this.#firstError !== null) {
      outcome = 'failed';
      error = failure ?? this.#firstError;
    } else if (this.#stopReason === 'replies' && count !== null && stats.messagesIn < count) outcome = 'short';
    else outcome = 'done';
    return { outcome, error, ...stats };
  }
}
