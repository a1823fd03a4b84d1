// What plugs into the probe engine besides the protocol (protocol.ts): the application's
// handler and what it answers, the socket as the engine uses it, the clock, the capture tap,
// and the engine's options. engine.ts runs them; tests pass fakes for the socket and the clock.
import type { ReceiveBatch, SendStamps } from '../../socket/batch.js';
import type { ProbeEngine } from './engine.js';
import type { Match, ProbeProtocol, ProbeSlot } from './protocol.js';

/**
 * What the application answers when asked for the next probe:
 *
 *   send  the slot is filled in: send it
 *   wait  nothing to send until something is answered or times out (trace between hops)
 *   done  nothing more to send, ever; the engine stops once nothing is in flight
 */
export const NEXT = { send: 0, wait: 1, done: 2 } as const;
export type Next = (typeof NEXT)[keyof typeof NEXT];

/**
 * How an answer was counted:
 *
 *   reply      the first good reply: counted as received, its time in the statistics
 *   duplicate  another copy of an answered probe (iputils counts its time too)
 *   late       a reply after the probe timed out: counted as late, not received
 *   corrupted  a reply with a bad checksum: counted as corrupted; the probe stays outstanding
 *   error      an ICMP error about the probe: counted as an error
 *   notice     a redirect or source quench about the probe: reported, counted nowhere
 */
export const OUTCOME = { reply: 0, duplicate: 1, late: 2, corrupted: 3, error: 4, notice: 5 } as const;
export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];

/** The application side of the engine. Calls happen inside socket and timer callbacks. */
export interface ProbeHandler {
  /** Fill in probe.target (and probe.ttl / tos / timeoutMs to change the defaults). */
  next(probe: ProbeSlot): Next;
  /**
   * Probe n went out (error null), or the kernel refused it (counted as sent and as an error).
   * `later`: it was refused after a first call said it went (a send thread's refusal).
   */
  sent?(n: number, error: Error | null, later?: boolean): void;
  /** An answer to probe n; `m` is valid during the call only. receivedAt is the kernel's time. */
  answer?(n: number, outcome: Outcome, m: Match, receivedAt: number): void;
  /** Probe n's time ran out (or the ring reused its slot) without an answer. */
  timeout?(n: number): void;
  /** End of a burst of calls (a receive batch, a timer): flush buffered output here. */
  flush?(): void;
  /**
   * A datagram whose key is probe n's but whose address is not n's target's (as it is now): an
   * answer to a forgotten probe whose key came round again, or, after setTarget(), to a probe
   * sent through that index to its earlier address. Counted as ignored, never credited.
   */
  stray?(n: number, m: Match, receivedAt: number): void;
  /**
   * A datagram the protocol matched whose key is no remembered probe's (its table forgot it, or
   * it was never ours). True when the handler knew it from memory of its own; false (or absent)
   * and the engine counts it as ignored.
   */
  forgotten?(m: Match, receivedAt: number): boolean;
}

/**
 * The socket as the engine uses it (RawSocket has this shape; tests pass a fake). `sentAt` is
 * the clock read just before the send call; `key` / `firstKey` the send-stamp key of the (first)
 * datagram when the kernel will give its send time in a 'txstamps' event (-1 or absent: it will
 * not).
 */
export interface ProbeSocket {
  sendTo(buffer: Uint8Array, address: string): { bytes: number; sentAt: number; key?: number };
  /**
   * `target`: one address for all, or each buffer's own: IPv4 addresses as numbers (a.b.c.d =
   * a << 24 | ...), IPv6 addresses as four numbers each (RawSocket.sendMany), or addresses as
   * text (IPv6 with a zone).
   */
  sendMany(buffers: readonly Uint8Array[], target: string | Uint32Array | readonly string[]): { sent: number; sentAt: number; error: Error | null; firstKey?: number };
  /** Optional: sends on a thread of the socket's own (RawSocket.queueMany; EngineOptions.sendThread). */
  queueMany?(buffers: readonly Uint8Array[], target: string | Uint32Array | readonly string[], tag: number): { sentAt: number; firstKey: number };
  flushQueued?(): void;
  takeSendFailures?(): { tag: number; error: Error }[] | null;
  on(event: 'batch', listener: (batch: ReceiveBatch) => void): unknown;
  on(event: 'txstamps', listener: (stamps: SendStamps) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'batch', listener: (batch: ReceiveBatch) => void): unknown;
  off(event: 'txstamps', listener: (stamps: SendStamps) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

/** Time and timers; clock.ts units (ns). */
export interface EngineClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /**
   * Runs fn after the event loop has polled for I/O (Node's setImmediate). A timer that comes
   * due while replies wait in the socket then sends only after reading them. Optional: without
   * it the timer's work runs at once.
   */
  setImmediate?(fn: () => void): void;
}

/** Every raw datagram sent or received, with its timestamp (for --pcap-out). */
/** `batch` and `index`: where a received datagram came in (an IPv6 one's header is in its metadata). */
export type PacketTap = (bytes: Uint8Array, offset: number, length: number, timestamp: number, sent: boolean, batch?: ReceiveBatch, index?: number) => void;

export interface EngineOptions {
  socket: ProbeSocket;
  protocol: ProbeProtocol;
  /**
   * The application: a handler, or a function that makes it from the engine (called once, at
   * the end of the engine's constructor), so that a handler holds its engine from the start.
   */
  handler: ProbeHandler | ((engine: ProbeEngine) => ProbeHandler);
  clock: EngineClock;
  /** IPv4 or IPv6 addresses as text; the handler picks among them by index. */
  targets: readonly string[];
  /** Default per-probe wait for an answer, ms. */
  timeoutMs: number;
  /** Time between two probes, ms (0: no interval). */
  intervalMs?: number;
  /** Probes per second, sent in batches (0: no rate limit). */
  rate?: number;
  /** Most probes outstanding (sent after the newest answered one). Default: no limit but the ring. */
  window?: number;
  /** Probes sent at once when starting, before pacing applies (iputils -l). Default 1. */
  preload?: number;
  /**
   * With a full window: send one more anyway when nothing was sent for this long, ms
   * (iputils' flood sends every 10 ms when no reply comes). Default: never.
   */
  stallMs?: number;
  /** Stop this long after starting, ms. */
  deadlineMs?: number | null;
  /** Probes remembered for duplicates and late answers (rounded up to a power of two; default 65536). */
  memory?: number;
  /**
   * Probes remembered at first (default: `memory`): the table grows to `memory` when a new
   * probe's slot still holds one in flight, so it stays small while answers keep up (a sweep,
   * whose own memory of settled probes answers for the rest: ProbeHandler.forgotten).
   */
  memoryStart?: number;
  /** Most probes per sendmmsg (default 64). */
  maxBatch?: number;
  /**
   * Send on the socket's own thread when it has one (queueMany: a flood's sends, and the
   * forwarding a lab does inside them, run on another CPU while answers are read here). The
   * first send and any send after a refusal go directly, so a destination that refuses every
   * probe is told of at once, as without it. Default false.
   */
  sendThread?: boolean;
  /**
   * Time answers with the interface's clock at both ends when the socket gets hardware stamps
   * (--hw-timestamps); otherwise, and for any answer lacking one of the two, the kernel's
   * software stamps (or, lacking a send stamp, the clock read before the send call).
   */
  hardwareTimestamps?: boolean;
  tap?: PacketTap | null;
}
