// One probe session: what ping, trace, tos, sweep and send do around the engine the same way.
//
//   open     the capture file (--pcap-out) first, then the sockets (CAP_NET_RAW), under a
//            fragmenting wrapper when probes are larger than the MTU; a step that fails closes
//            what the steps before it opened
//   run      an engine made from the command's options, after the short wait kernel
//            timestamps may need (timestamps.ts); then, whatever happened (the end, stop(), a socket error, a
//            handler that threw, an engine that could not be made), the engine stopped, the
//            sockets closed and the capture flushed, so the process has nothing left to wait for
//   stop     from a signal handler: the run ends with what it has
//
// Commands keep their own options, events and handler; a session is the part they share.
import { now as clockNow } from '../../socket/clock.js';
import type { Capture } from './capture.js';
import { ProbeEngine } from './engine.js';
import { FragmentingSocket } from './fragmenting-socket.js';
import type { ProbeProtocol } from './protocol.js';
import { settleTimestamps } from './timestamps.js';
import type { EngineClock, EngineOptions, ProbeHandler, ProbeSocket } from './types.js';

/** What a session probes through: a RawSocket, a group of them (trace -T), or a test's fake. */
export type SessionSocket = ProbeSocket & { close(): void };

/** What a command or a test may give a session instead of what it opens itself. */
export interface SessionParts {
  /** Default: the command's own sockets (CAP_NET_RAW). Tests pass a fake. */
  socket?: SessionSocket;
  /** Default: the addon's clock and Node's timers. Tests pass a fake. */
  clock?: EngineClock;
  /** The open --pcap-out capture (openSessionCapture), or null; default none. */
  capture?: Capture | null;
}

export interface SessionSetup {
  /** Opens the real sockets when no fake is given; closes what it opened if it fails. */
  openSocket: () => SessionSocket;
  /** Probes larger than this are cut into fragments here (FragmentingSocket); null: they fit. */
  fragmentMtu: number | null;
  /** How long after opening the socket the first probe waits (settleTimestamps), ms. */
  settleMs: number;
}

/** The engine's options without what the session supplies itself; the handler made from the engine. */
export type RunOptions<H extends ProbeHandler> = Omit<EngineOptions, 'socket' | 'clock' | 'tap' | 'handler'> & {
  handler: (engine: ProbeEngine) => H;
};

/** The addon's clock (clock.ts ns) and Node's timers: what sessions run on outside tests. */
export const realClock: EngineClock = {
  now: clockNow,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (fn) => {
    setImmediate(fn);
  },
};

/**
 * Opens `pcapOut` (creating or truncating it), or gives null without one. The pcap writer is
 * loaded only here, so a run without --pcap-out never pays for it.
 */
export async function openSessionCapture(pcapOut: string | null): Promise<Capture | null> {
  if (pcapOut === null) return null;
  const { openPcapOut } = await import('./capture.js');
  return openPcapOut(pcapOut);
}

/**
 * Opens the capture for `pcapOut` (unless parts has one), then makes the session with it; when
 * making it fails (the socket would not open), the capture is closed before the error goes on.
 */
export async function openWithCapture<S>(pcapOut: string | null, parts: SessionParts, make: (parts: SessionParts) => S): Promise<S> {
  const capture = parts.capture !== undefined ? parts.capture : await openSessionCapture(pcapOut);
  try {
    return make({ ...parts, capture });
  } catch (e) {
    await capture?.close().catch(() => undefined);
    throw e;
  }
}

export class ProbeSession {
  /** What the engine sends through: the socket, or the fragmenting wrapper around it. */
  readonly socket: SessionSocket;
  /** The socket itself (for its drop count). */
  readonly rawSocket: SessionSocket;
  readonly clock: EngineClock;
  readonly capture: Capture | null;
  readonly #ownSocket: boolean;
  /** When the socket opened (clock.ts ns): the settle wait counts from there. */
  readonly #openedAt: number;
  readonly #settleMs: number;
  #engine: ProbeEngine | null = null;
  #stopRequested = false;
  #closing: Promise<void> | null = null;

  /** Opens the socket (unless parts has one); the capture in parts is closed if that fails. */
  constructor(setup: SessionSetup, parts: SessionParts = {}) {
    this.capture = parts.capture ?? null;
    this.clock = parts.clock ?? realClock;
    this.#settleMs = setup.settleMs;
    this.#ownSocket = parts.socket === undefined;
    this.#openedAt = this.#ownSocket ? clockNow() : 0;
    try {
      this.rawSocket = parts.socket ?? setup.openSocket();
    } catch (e) {
      this.capture?.close().catch(() => undefined);
      throw e;
    }
    this.socket = setup.fragmentMtu === null ? this.rawSocket : new FragmentingSocket(this.rawSocket, setup.fragmentMtu);
  }

  /** The engine of the run, null before run() made it. */
  get engine(): ProbeEngine | null {
    return this.#engine;
  }

  /** stop() was called. */
  get stopRequested(): boolean {
    return this.#stopRequested;
  }

  /** Packets written to the capture file so far. */
  get captured(): number {
    return this.capture?.count ?? 0;
  }

  /**
   * Runs an engine made from `options` to its end. `end(handler, engine)` runs once the engine
   * has stopped and before the sockets close (a sweep reads its drop count then); its value is
   * run()'s. Every path out closes the sockets and the capture.
   */
  async run<H extends ProbeHandler, T>(options: RunOptions<H>, end: (handler: H, engine: ProbeEngine) => T): Promise<T> {
    let engine: ProbeEngine | null = null;
    let handler: H | null = null;
    try {
      const make = options.handler;
      engine = new ProbeEngine({ ...options, handler: (e) => (handler = make(e)), socket: this.socket, clock: this.clock, tap: this.capture?.tap ?? null });
      this.#engine = engine;
      if (this.#ownSocket) await settleTimestamps(this.#openedAt, this.#settleMs);
      if (!this.#stopRequested) await engine.start();
      engine.stop();
      if (handler === null) throw new Error('the engine made no handler');
      return end(handler, engine);
    } finally {
      engine?.stop();
      await this.close();
    }
  }

  /** Probes are cut for `mtu` from now on, when the session fragments at all. */
  lowerMtu(mtu: number): void {
    if (this.socket instanceof FragmentingSocket) this.socket.lowerMtu(mtu);
  }

  /** Ends the run now (SIGINT): run() returns with what it has. */
  stop(): void {
    this.#stopRequested = true;
    this.#engine?.stop();
  }

  /** Closes the sockets and flushes and closes the capture. Safe to call again. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        this.rawSocket.close();
      } finally {
        await this.capture?.close();
      }
    })();
    return this.#closing;
  }
}

/**
 * A command's session around the one ProbeSession: its configuration, its probe protocol, and
 * stop() for Ctrl-C. ping, trace and sweep extend it with what they open and their run().
 */
export abstract class CommandSession<C, P extends ProbeProtocol> {
  readonly config: C;
  readonly protocol: P;
  protected readonly session: ProbeSession;

  constructor(config: C, protocol: P, session: ProbeSession) {
    this.config = config;
    this.protocol = protocol;
    this.session = session;
  }

  /** Ends the run now (SIGINT): run() returns with what it has. */
  stop(): void {
    this.session.stop();
  }

  /** Packets written to the capture file so far. */
  get captured(): number {
    return this.session.captured;
  }
}

export { settleTimestamps };
