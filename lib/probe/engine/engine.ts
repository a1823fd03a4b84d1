// The shared probe engine: iputils ping's main loop, without ICMP in it.
//
// All run state lives in one ProbeEngine. Three parties plug into it:
//
//   protocol  (protocol.ts)  encodes a probe into a reused buffer, classifies received
//                            datagrams with allocation-free peeks, supplies a kernel filter
//   handler   (below)        the application: chooses each probe (target, TTL, TOS, timeout),
//                            hears about answers, timeouts, sends; decides when to stop
//   socket    (ProbeSocket)  sendTo / sendMany (timestamps taken at the syscall) and the
//                            addon's receive batches (kernel SO_TIMESTAMPNS timestamps)
//
// The engine does the rest: pacing (an interval between probes, a rate in probes per second
// sent in sendmmsg batches, and/or a window of probes outstanding), the send/receive loop,
// per-probe timeouts, duplicates and late answers, and per-target statistics. Times are the
// socket layer's (clock.ts: ns since the addon loaded, CLOCK_REALTIME), so a fake clock and a
// fake socket drive it in tests.
//
// Outstanding, as iputils counts it for the window: probes sent after the newest answered
// one (iputils' ntransmitted - nack). A lost probe stops holding the window as soon as a later
// one is answered, yet stays remembered, so its own answer is still recognised (as late once
// its time is up).
import { parseIpv4 } from '../../wire/bytes.js';
import { BATCH, type ReceiveBatch } from '../../socket/batch.js';
import { NS_PER_MS } from '../../socket/clock.js';
import { errnoName } from '../errors.js';
import { MATCH, MATCH_FLAG, newMatch, type Match, type ProbeProtocol, type ProbeSlot } from './protocol.js';
import { newTargetStats, recordRtt, rttMicros, type TargetStats } from './stats.js';
import { PROBE_STATE, ProbeTable, type ProbeState } from './table.js';

/** What the application answers when asked for the next probe. */
export const NEXT = {
  /** The slot is filled in: send it. */
  send: 0,
  /** Nothing to send until something is answered or times out (trace between hops). */
  wait: 1,
  /** Nothing more to send, ever; the engine stops once nothing is in flight. */
  done: 2,
} as const;
export type Next = (typeof NEXT)[keyof typeof NEXT];

/** How an answer was counted. */
export const OUTCOME = {
  /** The first good reply: counted as received, its time in the statistics. */
  reply: 0,
  /** Another copy of an answered probe (iputils counts its time too). */
  duplicate: 1,
  /** A reply after the probe timed out: counted as late, not received. */
  late: 2,
  /** A reply with a bad checksum: counted as corrupted; the probe stays outstanding. */
  corrupted: 3,
  /** An ICMP error about the probe: counted as an error. */
  error: 4,
  /** A redirect or source quench about the probe: reported, counted nowhere. */
  notice: 5,
} as const;
export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];

/** The application side of the engine. Calls happen inside socket and timer callbacks. */
export interface ProbeHandler {
  /** Fill in probe.target (and probe.ttl / tos / timeoutMs to change the defaults). */
  next(probe: ProbeSlot): Next;
  /** Probe n went out (error null), or the kernel refused it (counted as sent and as an error). */
  sent?(n: number, error: Error | null): void;
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
}

/** The socket as the engine uses it (RawSocket has this shape; tests pass a fake). */
export interface ProbeSocket {
  sendTo(buffer: Uint8Array, address: string): { bytes: number; sentAt: number };
  /** `target`: one address for all, or each buffer's IPv4 address as a number (a.b.c.d = a << 24 | ...). */
  sendMany(buffers: readonly Uint8Array[], target: string | Uint32Array): { sent: number; sentAt: number; error: Error | null };
  on(event: 'batch', listener: (batch: ReceiveBatch) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'batch', listener: (batch: ReceiveBatch) => void): unknown;
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
export type PacketTap = (bytes: Uint8Array, offset: number, length: number, timestamp: number, sent: boolean) => void;

export interface EngineOptions {
  socket: ProbeSocket;
  protocol: ProbeProtocol;
  handler: ProbeHandler;
  clock: EngineClock;
  /** IPv4 addresses, dotted quads; the handler picks among them by index. */
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
  /** Most probes per sendmmsg (default 64). */
  maxBatch?: number;
  tap?: PacketTap | null;
}

/** What setTarget() resets a target's statistics to. */
const FRESH_STATS: Readonly<TargetStats> = Object.freeze(newTargetStats());

/** Send errors that mean "not now": the probe waits and goes out later. */
const TRANSIENT_SEND_ERRORS = new Set(['EAGAIN', 'EWOULDBLOCK', 'ENOBUFS', 'EINTR']);
/** Wait before retrying after a transient send error, ms. */
const BACKOFF_MS = 1;
/** Most probes one pump sends before giving the event loop a turn. */
const MAX_PER_PUMP = 4096;
/** How far behind a rate may fall and still be caught up, seconds of probes. */
const RATE_CATCH_UP_S = 0.1;

export class ProbeEngine {
  readonly targets: readonly string[];
  readonly targetValues: readonly number[];
  readonly table: ProbeTable;
  /** When start() ran (clock.ts ns), NaN before. */
  startedAt = Number.NaN;
  /** Datagrams received that matched no remembered probe of ours. */
  ignored = 0;

  // the same arrays as targets and targetValues, writable by addTarget() and setTarget()
  readonly #targetList: string[];
  readonly #valueList: number[];
  readonly #socket: ProbeSocket;
  readonly #protocol: ProbeProtocol;
  readonly #handler: ProbeHandler;
  readonly #clock: EngineClock;
  readonly #stats: TargetStats[];
  readonly #tap: PacketTap | null;
  readonly #match: Match = newMatch();
  readonly #slot: ProbeSlot;

  readonly #timeoutMs: number;
  readonly #intervalNs: number;
  readonly #rate: number;
  readonly #window: number;
  readonly #stallNs: number;
  readonly #deadlineNs: number;
  readonly #maxBatch: number;

  // send buffers, reused: pool[i] is written by the protocol; views[i] is what sendMany sends
  readonly #pool: Buffer[] = [];
  readonly #lengths: number[] = [];
  readonly #views: Buffer[] = [];
  /** Each batched probe's destination as a number, for sendMany (no address object per probe). */
  readonly #destinations: Uint32Array;

  // progress
  #next = 0; // number of the next new probe
  #pendingFrom = -1; // first probe encoded but not sent, -1 when none
  #answeredUpTo = -1; // newest probe answered (reply or error)
  #inFlight = 0; // probes in state inFlight
  #oldestOpen = 0; // no probe before this number is in flight or pending
  #earliest = Number.POSITIVE_INFINITY; // no in-flight deadline is earlier than this
  #monotone = true; // every deadline so far >= the one before it
  #lastDeadline = Number.NEGATIVE_INFINITY;
  #lastSendAt = Number.NEGATIVE_INFINITY;

  // pacing
  #credit = 1; // probes that may go now under the interval
  #nextSendAt = 0;
  #tokens = 1;
  #tokensAt = 0;
  #backoffUntil = 0;

  // control
  #appDone = false;
  #appWaiting = false;
  #finishAt = Number.POSITIVE_INFINITY;
  #stopped = false;
  #finishing = false;
  #started = false;
  #pumping = false;
  #timer: unknown = null;
  #timerAt = Number.POSITIVE_INFINITY;
  #resolve: (() => void) | null = null;
  #reject: ((e: Error) => void) | null = null;
  readonly #done: Promise<void>;

  constructor(options: EngineOptions) {
    if (options.targets.length === 0) throw new RangeError('the engine needs at least one target');
    this.#targetList = [...options.targets];
    this.#valueList = this.#targetList.map((t) => parseIpv4(t));
    this.targets = this.#targetList;
    this.targetValues = this.#valueList;
    this.#socket = options.socket;
    this.#protocol = options.protocol;
    this.#handler = options.handler;
    this.#clock = options.clock;
    this.#tap = options.tap ?? null;
    this.#stats = options.targets.map(() => newTargetStats());
    this.#timeoutMs = options.timeoutMs;
    this.#intervalNs = (options.intervalMs ?? 0) * NS_PER_MS;
    this.#rate = options.rate ?? 0;
    this.table = new ProbeTable(options.memory ?? 65536);
    const paced = this.#intervalNs > 0 || this.#rate > 0;
    this.#window = options.window ?? (paced ? Number.POSITIVE_INFINITY : this.table.capacity);
    this.#credit = Math.max(1, options.preload ?? 1);
    this.#stallNs = (options.stallMs ?? 0) * NS_PER_MS;
    this.#deadlineNs = options.deadlineMs == null ? Number.POSITIVE_INFINITY : options.deadlineMs * NS_PER_MS;
    this.#maxBatch = Math.max(1, Math.min(1024, options.maxBatch ?? 64));
    this.#destinations = new Uint32Array(this.#maxBatch);
    for (let i = 0; i < this.#maxBatch; i++) {
      const b = Buffer.alloc(options.protocol.maxProbeLength);
      this.#pool.push(b);
      this.#lengths.push(0);
      this.#views.push(b);
    }
    this.#slot = {
      number: 0,
      target: 0,
      address: this.targets[0]!,
      addressValue: this.targetValues[0]!,
      ttl: 64,
      tos: 0,
      timeoutMs: this.#timeoutMs,
      key: -1,
    };
    this.#done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  // ---- public face --------------------------------------------------------------------------

  /** Starts sending and receiving; resolves when the engine stops (rejects on a socket error). */
  start(): Promise<void> {
    if (!this.#started) {
      this.#started = true;
      const now = this.#clock.now();
      this.startedAt = now;
      this.#nextSendAt = now + this.#intervalNs;
      this.#tokensAt = now;
      this.#socket.on('batch', this.#onBatch);
      this.#socket.on('error', this.#onError);
      this.#afterEvents();
    }
    return this.#done;
  }

  /**
   * Stops now: no more sends, no more answers; the handler gets a last flush(). Safe to call
   * more than once, and from inside any handler callback.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#handler.flush?.();
    this.#cancelTimer();
    this.#socket.off('batch', this.#onBatch);
    this.#socket.off('error', this.#onError);
    this.#resolve?.();
  }

  /**
   * The application has something to send again after answering NEXT.wait (sweep: a new target
   * came from its list, a delayed probe came due). Sending resumes on the next turn of the loop.
   */
  wake(): void {
    if (this.#stopped || this.#finishing) return;
    this.#appWaiting = false;
    if (this.#started && !this.#pumping) this.#reschedule();
  }

  /**
   * Adds a target and returns its index. A sweep keeps only the targets it is probing now: it
   * adds indices as it needs more at once, and points finished ones elsewhere (setTarget).
   * `value` is the address as a u32 when the caller has it (a sweep does), so that the text is
   * not parsed again.
   */
  addTarget(address: string, value: number = parseIpv4(address)): number {
    this.#targetList.push(address);
    this.#valueList.push(value);
    this.#stats.push(newTargetStats());
    return this.#targetList.length - 1;
  }

  /**
   * Points target index i at another address, its statistics starting again (the same object,
   * reset: a sweep does this for every target, and a new object each time is garbage the GC
   * must chase). Call it only when none of i's probes is in flight or pending. Answers to probes
   * sent through i before then disagree with its address, so they are never credited to the new
   * one (the handler hears of them through stray()). `value` as in addTarget().
   */
  setTarget(i: number, address: string, value?: number): void {
    if (!(i >= 0 && i < this.#targetList.length)) throw new RangeError(`no target ${i}`);
    this.#valueList[i] = value ?? parseIpv4(address);
    this.#targetList[i] = address;
    Object.assign(this.#stats[i]!, FRESH_STATS);
  }

  /** Stops at clock time `t` at the latest (iputils' linger after the last probe). */
  finishAt(t: number): void {
    if (t < this.#finishAt) this.#finishAt = t;
    if (this.#started && !this.#pumping) this.#reschedule();
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Probes sent and neither answered nor timed out. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Probes handed out so far (the next probe's number). */
  get count(): number {
    return this.#next;
  }

  stats(target = 0): TargetStats {
    const s = this.#stats[target];
    if (s === undefined) throw new RangeError(`no target ${target}`);
    return s;
  }

  /** Probe n's fields while it is remembered (NaN / -1 / free when forgotten). */
  stateOf(n: number): ProbeState {
    return this.table.stateOf(n);
  }
  targetOf(n: number): number {
    return this.table.has(n) ? (this.table.target[this.table.slot(n)] as number) : -1;
  }
  sentAt(n: number): number {
    return this.table.has(n) ? (this.table.sentAt[this.table.slot(n)] as number) : Number.NaN;
  }
  ttlOf(n: number): number {
    return this.table.has(n) ? (this.table.ttl[this.table.slot(n)] as number) : -1;
  }
  tosOf(n: number): number {
    return this.table.has(n) ? (this.table.tos[this.table.slot(n)] as number) : -1;
  }
  keyOf(n: number): number {
    return this.table.has(n) ? (this.table.key[this.table.slot(n)] as number) : -1;
  }
  /** Position of probe n among the probes sent to its target, from 1 (iputils' icmp_seq for one target). */
  ordinalOf(n: number): number {
    return this.table.has(n) ? (this.table.ordinal[this.table.slot(n)] as number) : -1;
  }

  /** Moves probe n's deadline (trace's adaptive waits). */
  setDeadline(n: number, t: number): void {
    if (this.table.stateOf(n) !== PROBE_STATE.inFlight) return;
    const s = this.table.slot(n);
    if (t < (this.table.deadline[s] as number)) this.#monotone = false;
    this.table.deadline[s] = t;
    if (t < this.#earliest) this.#earliest = t;
    if (!this.#pumping) this.#reschedule();
  }

  // ---- receiving ----------------------------------------------------------------------------

  #onBatch = (batch: ReceiveBatch): void => {
    if (this.#stopped) return;
    const { data, meta, count } = batch;
    const m = this.#match;
    const tap = this.#tap;
    for (let i = 0; i < count && !this.#stopped; i++) {
      const base = i * BATCH.stride;
      const offset = meta[base + BATCH.offset] as number;
      const length = meta[base + BATCH.length] as number;
      const receivedAt = meta[base + BATCH.timestamp] as number;
      if (tap !== null) tap(data, offset, length, receivedAt, false);
      if (this.#protocol.match(data, offset, length, meta[base + BATCH.wireLength] as number, m) !== MATCH.none) {
        this.#dispatch(m, receivedAt);
      }
    }
    this.#afterEvents();
  };

  #onError = (error: Error): void => {
    if (this.#stopped) return;
    this.stop();
    this.#reject?.(error);
  };

  #dispatch(m: Match, receivedAt: number): void {
    const n = this.table.lookup(m.key);
    if (n < 0) {
      this.ignored++;
      return;
    }
    const table = this.table;
    const slot = table.slot(n);
    const target = table.target[slot] as number;
    // Never credit an answer to a probe that went somewhere else: a late reply from one host
    // must not complete a probe (same key, sequence wrapped) that went to another.
    if (this.targetValues[target] !== m.target) {
      this.ignored++;
      this.#handler.stray?.(n, m, receivedAt);
      return;
    }
    const state = table.state[slot] as ProbeState;
    if (state === PROBE_STATE.pending || state === PROBE_STATE.failed) {
      this.ignored++;
      return;
    }
    const s = this.#stats[target]!;
    let outcome: Outcome;
    if (m.kind === MATCH.reply) {
      if ((m.flags & MATCH_FLAG.badChecksum) !== 0) {
        s.corrupted++;
        outcome = OUTCOME.corrupted;
      } else if (state === PROBE_STATE.inFlight || state === PROBE_STATE.errored) {
        if (state === PROBE_STATE.inFlight) this.#answered(n, slot, s);
        table.state[slot] = PROBE_STATE.replied;
        s.received++;
        recordRtt(s, rttMicros(receivedAt - (table.sentAt[slot] as number)));
        outcome = OUTCOME.reply;
      } else if (state === PROBE_STATE.replied) {
        s.duplicates++;
        recordRtt(s, rttMicros(receivedAt - (table.sentAt[slot] as number)));
        outcome = OUTCOME.duplicate;
      } else if (state === PROBE_STATE.timedOut) {
        table.state[slot] = PROBE_STATE.late;
        s.late++;
        outcome = OUTCOME.late;
      } else {
        // another copy of a late reply: a duplicate, but its time says nothing about the path now
        s.duplicates++;
        outcome = OUTCOME.duplicate;
      }
    } else if (m.kind === MATCH.error) {
      s.errors++;
      if (state === PROBE_STATE.inFlight) {
        this.#answered(n, slot, s);
        table.state[slot] = PROBE_STATE.errored;
      }
      outcome = OUTCOME.error;
    } else {
      outcome = OUTCOME.notice;
    }
    this.#appWaiting = false;
    this.#handler.answer?.(n, outcome, m, receivedAt);
  }

  /** Bookkeeping for the first answer to an in-flight probe. */
  #answered(n: number, slot: number, s: TargetStats): void {
    this.#inFlight--;
    if (n > this.#answeredUpTo) this.#answeredUpTo = n;
    const outstanding = s.transmitted - (this.table.ordinal[slot] as number) + 1;
    if (outstanding > s.pipe) s.pipe = outstanding;
  }

  // ---- timeouts ------------------------------------------------------------------------------

  #expire(now: number): void {
    if (this.#inFlight === 0 || now < this.#earliest) return;
    const table = this.table;
    let earliest = Number.POSITIVE_INFINITY;
    let n = this.#oldestOpen;
    // With deadlines in sending order (one timeout for all) the walk stops at the first
    // probe still waiting; otherwise it looks at every remembered probe after oldestOpen.
    for (; n < this.#next && !this.#stopped; n++) {
      const s = table.slot(n);
      if (table.number[s] !== n) continue;
      const state = table.state[s];
      if (state === PROBE_STATE.pending) break;
      if (state !== PROBE_STATE.inFlight) continue;
      const deadline = table.deadline[s] as number;
      if (deadline <= now) {
        this.#timedOut(n, s);
      } else if (this.#monotone) {
        earliest = deadline;
        break;
      } else if (deadline < earliest) {
        earliest = deadline;
      }
    }
    this.#earliest = earliest;
    this.#advanceOldest();
  }

  #timedOut(n: number, slot: number): void {
    this.table.state[slot] = PROBE_STATE.timedOut;
    this.#inFlight--;
    this.#appWaiting = false;
    this.#handler.timeout?.(n);
  }

  #advanceOldest(): void {
    const table = this.table;
    let n = this.#oldestOpen;
    while (n < this.#next) {
      const st = table.stateOf(n);
      if (st === PROBE_STATE.inFlight || st === PROBE_STATE.pending) break;
      n++;
    }
    this.#oldestOpen = n;
  }

  // ---- sending -------------------------------------------------------------------------------

  /** How many probes may go now (window and pacing), and when more may (for the timer). */
  #room(now: number): number {
    let room = this.#windowRoom();
    if (room <= 0) room = this.#stallNs > 0 && now - this.#lastSendAt >= this.#stallNs ? 1 : 0;
    if (this.#intervalNs > 0) {
      if (this.#credit === 0 && now >= this.#nextSendAt) {
        this.#credit = 1;
        this.#nextSendAt += this.#intervalNs;
        // More than an interval behind (a stalled event loop): restart the schedule, no burst.
        if (this.#nextSendAt <= now) this.#nextSendAt = now + this.#intervalNs;
      }
      room = Math.min(room, this.#credit);
    }
    if (this.#rate > 0) {
      // The bucket holds up to a tenth of a second of probes (at least one batch): an event
      // loop held up for less than that (a busy machine, a slow write to the terminal) is made
      // up for in the next turns, so the rate holds on average, as the user asked.
      const cap = Math.max(this.#maxBatch, this.#rate * RATE_CATCH_UP_S);
      this.#tokens = Math.min(cap, this.#tokens + ((now - this.#tokensAt) * this.#rate) / 1e9);
      this.#tokensAt = now;
      room = Math.min(room, Math.floor(this.#tokens));
    }
    if (now < this.#backoffUntil) room = 0;
    return room;
  }

  /** When the pacing lets the next probe go (Infinity: only an answer can make room). */
  #nextRoomAt(now: number): number {
    let at = now;
    if (now < this.#backoffUntil) at = this.#backoffUntil;
    if (this.#windowRoom() <= 0) {
      at = this.#stallNs > 0 ? Math.max(at, this.#lastSendAt + this.#stallNs) : Number.POSITIVE_INFINITY;
    }
    if (this.#intervalNs > 0 && this.#credit === 0) at = Math.max(at, this.#nextSendAt);
    if (this.#rate > 0 && this.#tokens < 1) at = Math.max(at, now + ((1 - this.#tokens) * 1e9) / this.#rate);
    return at;
  }

  /** Probes the window lets go (<= 0 when full; Infinity without a window). */
  #windowRoom(): number {
    return this.#window - (this.#next - 1 - this.#answeredUpTo);
  }

  #pump(): void {
    if (this.#stopped || this.#finishing || this.#pumping) return;
    this.#pumping = true;
    try {
      let budget = MAX_PER_PUMP;
      while (!this.#stopped && budget > 0) {
        const now = this.#clock.now();
        const room = Math.min(this.#room(now), this.#maxBatch, budget);
        if (room <= 0) break;
        const first = this.#pendingFrom >= 0 ? this.#pendingFrom : this.#next;
        const k = this.#pendingFrom >= 0 ? this.#reencode(room) : this.#prepare(room);
        if (k === 0) break;
        budget -= k;
        if (!this.#transmit(first, k)) break;
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Asks the handler for up to `room` new probes and encodes them into the pool. */
  #prepare(room: number): number {
    const table = this.table;
    const slot = this.#slot;
    let k = 0;
    while (k < room && !this.#appDone && !this.#appWaiting && !this.#stopped) {
      const n = this.#next;
      slot.number = n;
      slot.target = 0;
      slot.ttl = 64;
      slot.tos = 0;
      slot.timeoutMs = this.#timeoutMs;
      slot.key = -1;
      const verdict = this.#handler.next(slot);
      if (verdict === NEXT.done) {
        this.#appDone = true;
        break;
      }
      if (verdict === NEXT.wait) {
        this.#appWaiting = true;
        break;
      }
      const target = slot.target;
      if (!(target >= 0 && target < this.targets.length)) throw new RangeError(`probe target ${target} is not a target index`);
      // The ring is about to forget the probe in n's slot: if it is still waiting, it has
      // waited longer than the memory allows, which is a timeout.
      const occupant = table.occupant(n);
      if (occupant >= 0 && table.stateOf(occupant) === PROBE_STATE.inFlight) {
        this.#timedOut(occupant, table.slot(occupant));
        this.#advanceOldest();
      }
      slot.address = this.targets[target]!;
      slot.addressValue = this.targetValues[target]!;
      this.#lengths[k] = this.#protocol.encode(slot, this.#pool[k]!);
      this.#setView(k);
      table.add(n, slot.key, target, slot.ttl, slot.tos, slot.timeoutMs);
      this.#next = n + 1;
      k++;
    }
    return k;
  }

  /** Encodes again the probes a transient send error held back. */
  #reencode(room: number): number {
    const table = this.table;
    const slot = this.#slot;
    let k = 0;
    for (let n = this.#pendingFrom; n < this.#next && k < room; n++) {
      const s = table.slot(n);
      slot.number = n;
      slot.target = table.target[s] as number;
      slot.address = this.targets[slot.target]!;
      slot.addressValue = this.targetValues[slot.target]!;
      slot.ttl = table.ttl[s] as number;
      slot.tos = table.tos[s] as number;
      slot.timeoutMs = table.timeout[s] as number;
      this.#lengths[k] = this.#protocol.encode(slot, this.#pool[k]!);
      this.#setView(k);
      k++;
    }
    return k;
  }

  #setView(k: number): void {
    const buf = this.#pool[k]!;
    const length = this.#lengths[k]!;
    const view = this.#views[k]!;
    if (view.length !== length || view.buffer !== buf.buffer || view.byteOffset !== buf.byteOffset) {
      this.#views[k] = length === buf.length ? buf : buf.subarray(0, length);
    }
  }

  /**
   * Sends probes first .. first+k-1 (encoded in pool[0..k)). Returns false when the kernel
   * asked us to wait (the rest stay pending and go out later).
   */
  #transmit(first: number, k: number): boolean {
    const table = this.table;
    let sent = 0;
    let sentAt = 0;
    let step = 0;
    let error: Error | null = null;
    try {
      if (k === 1) {
        const address = this.targets[table.target[table.slot(first)] as number]!;
        sentAt = this.#socket.sendTo(this.#views[0]!, address).sentAt;
        sent = 1;
      } else {
        const views = this.#views.length === k ? this.#views : this.#views.slice(0, k);
        const r = this.#socket.sendMany(views, this.#destinationsFor(first, k));
        sent = r.sent;
        sentAt = r.sentAt;
        error = r.error;
        // One timestamp is taken before sendmmsg, which hands the kernel its messages one
        // after the other (on loopback and veth each one's round trip even completes inside
        // the call): message i is sent about i steps after the first, a step being the
        // call's duration over the messages it sent. Without this, the last probe of a
        // 64-probe batch would carry 63 sends' worth of our own queueing in its RTT.
        if (sent > 1) step = (this.#clock.now() - sentAt) / sent;
      }
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
      sentAt = this.#clock.now();
    }
    for (let i = 0; i < sent; i++) this.#markSent(first + i, sentAt + i * step, this.#pool[i]!, this.#lengths[i]!);
    if (sent === k) {
      this.#pendingFrom = -1;
      return true;
    }
    const code = errnoName(error);
    if (error === null || (code !== null && TRANSIENT_SEND_ERRORS.has(code))) {
      this.#pendingFrom = first + sent;
      this.#backoffUntil = this.#clock.now() + BACKOFF_MS * NS_PER_MS;
      return false;
    }
    // A hard refusal (no route, message too long...): that probe counts as sent and failed,
    // as iputils counts it; the ones after it are tried again at once.
    this.#markFailed(first + sent, sentAt, error);
    this.#pendingFrom = first + sent + 1 < this.#next ? first + sent + 1 : -1;
    return true;
  }

  #destinationsFor(first: number, k: number): string | Uint32Array {
    if (this.targets.length === 1) return this.targets[0]!;
    const table = this.table;
    const list = k === this.#destinations.length ? this.#destinations : this.#destinations.subarray(0, k);
    for (let i = 0; i < k; i++) list[i] = this.targetValues[table.target[table.slot(first + i)] as number]!;
    return list;
  }

  #markSent(n: number, sentAt: number, buf: Buffer, length: number): void {
    const table = this.table;
    const s = table.slot(n);
    const target = table.target[s] as number;
    const stats = this.#stats[target]!;
    stats.transmitted++;
    if (Number.isNaN(stats.firstSentAt)) stats.firstSentAt = sentAt;
    stats.lastSentAt = sentAt;
    const deadline = sentAt + (table.timeout[s] as number) * NS_PER_MS;
    table.state[s] = PROBE_STATE.inFlight;
    table.sentAt[s] = sentAt;
    table.deadline[s] = deadline;
    table.ordinal[s] = stats.transmitted;
    if (deadline < this.#lastDeadline) this.#monotone = false;
    this.#lastDeadline = deadline;
    if (deadline < this.#earliest) this.#earliest = deadline;
    this.#inFlight++;
    this.#lastSendAt = sentAt;
    this.#spend();
    if (this.#tap !== null) this.#tap(buf, 0, length, sentAt, true);
    this.#handler.sent?.(n, null);
  }

  #markFailed(n: number, at: number, error: Error): void {
    const table = this.table;
    const s = table.slot(n);
    const stats = this.#stats[table.target[s] as number]!;
    stats.transmitted++;
    stats.errors++;
    if (Number.isNaN(stats.firstSentAt)) stats.firstSentAt = at;
    stats.lastSentAt = at;
    table.state[s] = PROBE_STATE.failed;
    table.sentAt[s] = at;
    table.ordinal[s] = stats.transmitted;
    this.#lastSendAt = at;
    this.#spend();
    this.#handler.sent?.(n, error);
  }

  /** One probe's worth of pacing used. */
  #spend(): void {
    if (this.#intervalNs > 0 && this.#credit > 0) this.#credit--;
    if (this.#rate > 0) this.#tokens -= 1;
  }

  // ---- the loop ------------------------------------------------------------------------------

  /** After any event: expire, send what may go, stop when finished, flush, set the timer. */
  #afterEvents(): void {
    if (this.#stopped) return;
    if (this.#finishing) {
      this.#handler.flush?.();
      return;
    }
    const now = this.#clock.now();
    if (now >= this.startedAt + this.#deadlineNs || now >= this.#finishAt) {
      this.#finish();
      return;
    }
    this.#expire(now);
    this.#pump();
    this.#advanceOldest();
    if (this.#appDone && this.#inFlight === 0 && this.#pendingFrom < 0) {
      this.stop();
      return;
    }
    this.#handler.flush?.();
    this.#reschedule();
  }


  /**
   * Time is up: stop sending, and stop after one more turn of the event loop. A timer runs
   * before the loop polls for I/O, so answers already waiting in the socket would otherwise
   * be left unread and counted as lost.
   */
  #finish(): void {
    this.#finishing = true;
    this.#cancelTimer();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      this.stop();
    }, 0);
  }

  #reschedule(): void {
    if (this.#stopped || this.#finishing) return;
    const now = this.#clock.now();
    let at = Math.min(this.startedAt + this.#deadlineNs, this.#finishAt);
    if (this.#inFlight > 0) at = Math.min(at, this.#earliest);
    if (this.#pendingFrom >= 0 || (!this.#appDone && !this.#appWaiting)) at = Math.min(at, this.#nextRoomAt(now));
    if (at === Number.POSITIVE_INFINITY) {
      this.#cancelTimer();
      return;
    }
    if (this.#timer !== null && this.#timerAt === at) return;
    this.#cancelTimer();
    const ms = at <= now ? 0 : Math.max(1, Math.ceil((at - now) / NS_PER_MS));
    this.#timerAt = at;
    this.#timer = this.#clock.setTimeout(this.#onTimer, ms);
  }

  #cancelTimer(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #onTimer = (): void => {
    this.#timer = null;
    this.#timerAt = Number.POSITIVE_INFINITY;
    // libuv runs due timers before it polls: when the process was held up for longer than an
    // interval, the reply to the last probe is waiting unread. Read it first (it is the older
    // event), then send: otherwise the next probe would overtake it.
    if (this.#clock.setImmediate !== undefined) this.#clock.setImmediate(this.#afterTimer);
    else this.#afterEvents();
  };

  #afterTimer = (): void => {
    if (this.#timer === null) this.#afterEvents();
  };
}
