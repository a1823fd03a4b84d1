// The shared probe engine: iputils ping's main loop, without ICMP in it.
//
// All run state lives in one ProbeEngine. Three parties plug into it (types.ts, protocol.ts):
//
//   protocol  (protocol.ts)  encodes a probe into a reused buffer, classifies received
//                            datagrams with allocation-free peeks, supplies a kernel filter
//   handler   (types.ts)     the application: chooses each probe (target, TTL, TOS, timeout),
//                            hears about answers, timeouts, sends; decides when to stop
//   socket    (ProbeSocket)  sendTo / sendMany, receive batches, kernel send timestamps
//
// The engine does the rest, with helpers: the pacer (pacer.ts: an interval between probes, a rate
// in probes per second, a window of probes outstanding), the outbox (outbox.ts: reused buffers and
// the sendto/sendmmsg call), the ledger (ledger.ts: remembered probes, per-target statistics,
// duplicates, late answers, timeouts), and the timing (timing.ts: every answer timed with one
// clock at both ends, kernel stamps when there are). What is here is the loop: choose and send what
// the pacer allows, read answers, expire probes, stop when done, and set one timer for the next
// thing to do. Times are the socket layer's (clock.ts: ns since the addon loaded,
// CLOCK_REALTIME), so a fake clock and a fake socket drive it in tests.
//
// A handler that throws, a socket error, or a failing tap ends the run the same way: the engine
// stops (no more timers, listeners off) and start()'s promise rejects with the error, so the
// session around it closes everything (session.ts).
import { BATCH, FLAG_HARDWARE_TIMESTAMP, FLAG_KERNEL_TIMESTAMP, type ReceiveBatch } from '../../socket/batch.js';
import { NS_PER_MS } from '../../socket/clock.js';
import { isTransientSendError } from '../errors.js';
import { Alarm } from './alarm.js';
import { Ledger } from './ledger.js';
import { Outbox } from './outbox.js';
import { Pacer } from './pacer.js';
import { MATCH, newMatch, type Match, type ProbeProtocol, type ProbeSlot } from './protocol.js';
import type { TargetStats } from './stats.js';
import type { ProbeState, ProbeTable } from './table.js';
import { AnswerTiming, type TimingCounts } from './timing.js';
import { targetValue } from './targets.js';
import { NEXT, type EngineClock, type EngineOptions, type PacketTap, type ProbeHandler, type ProbeSocket } from './types.js';

export { NEXT, OUTCOME, type EngineClock, type EngineOptions, type Next, type Outcome, type PacketTap, type ProbeHandler, type ProbeSocket } from './types.js';

/** Most probes one pump sends before giving the event loop a turn. */
const MAX_PER_PUMP = 4096;
/** TTL a probe gets unless the handler says otherwise. */
const DEFAULT_TTL = 64;

export class ProbeEngine {
  /** Addresses of the targets, by index (addTarget and setTarget change it). */
  readonly targets: readonly string[];
  /** The same as u32s. */
  readonly targetValues: readonly number[];
  readonly table: ProbeTable;
  readonly protocol: ProbeProtocol;
  /** When start() ran (clock.ts ns), NaN before. */
  startedAt = Number.NaN;
  /** Datagrams received that matched no remembered probe of ours. */
  ignored = 0;

  readonly #ledger: Ledger;
  readonly #socket: ProbeSocket;
  readonly #handler: ProbeHandler;
  readonly #clock: EngineClock;
  readonly #tap: PacketTap | null;
  readonly #match: Match = newMatch();
  readonly #slot: ProbeSlot;
  readonly #timeoutMs: number;
  readonly #pacer: Pacer;
  readonly #outbox: Outbox;
  readonly #deadlineNs: number;
  readonly #timing: AnswerTiming;

  #pendingFrom = -1; // first probe encoded but not sent, -1 when none
  #appDone = false;
  #appWaiting = false;
  #finishAt = Number.POSITIVE_INFINITY;
  #stopped = false;
  #finishing = false;
  #started = false;
  #pumping = false;
  readonly #alarm: Alarm;
  #resolve: (() => void) | null = null;
  #reject: ((e: Error) => void) | null = null;
  readonly #done: Promise<void>;

  constructor(options: EngineOptions) {
    this.#ledger = new Ledger(options.targets, options.memory ?? 65536, this.#onTimeout, options.memoryStart);
    this.targets = this.#ledger.targets.addresses;
    this.targetValues = this.#ledger.targets.values;
    this.table = this.#ledger.table;
    this.protocol = options.protocol;
    this.#socket = options.socket;
    this.#clock = options.clock;
    this.#tap = options.tap ?? null;
    this.#timeoutMs = options.timeoutMs;
    this.#deadlineNs = options.deadlineMs == null ? Number.POSITIVE_INFINITY : options.deadlineMs * NS_PER_MS;
    const maxBatch = Math.max(1, Math.min(1024, options.maxBatch ?? 64));
    const paced = (options.intervalMs ?? 0) > 0 || (options.rate ?? 0) > 0;
    this.#pacer = new Pacer({
      intervalMs: options.intervalMs ?? 0,
      rate: options.rate ?? 0,
      // Unpaced, the ring is the window: a probe is never sent before the one it would evict is settled.
      window: options.window ?? (paced ? Number.POSITIVE_INFINITY : this.table.maxCapacity),
      stallMs: options.stallMs ?? 0,
      preload: options.preload ?? 1,
      maxBatch,
    });
    this.#outbox = new Outbox(maxBatch, options.protocol.maxProbeLength, options.sendThread === true);
    this.#timing = new AnswerTiming(this.#ledger, options.hardwareTimestamps === true);
    this.#alarm = new Alarm(this.#clock, this.#onTimer);
    this.#slot = { number: 0, target: 0, address: this.targets[0]!, addressValue: this.targetValues[0]!, targets6: this.#ledger.targets, ttl: DEFAULT_TTL, tos: 0, timeoutMs: this.#timeoutMs, key: -1 };
    this.#done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Last, so that a handler made here sees a whole engine.
    this.#handler = typeof options.handler === 'function' ? options.handler(this) : options.handler;
  }

  // ---- public face --------------------------------------------------------------------------

  /** Starts sending and receiving; resolves when the engine stops (rejects on a socket or handler error). */
  start(): Promise<void> {
    if (!this.#started && !this.#stopped) {
      this.#started = true;
      const now = this.#clock.now();
      this.startedAt = now;
      this.#pacer.start(now);
      this.#socket.on('txstamps', this.#timing.onStamps);
      this.#socket.on('batch', this.#onBatch);
      this.#socket.on('error', this.#fail);
      this.#guarded(this.#afterEvents);
    }
    return this.#done;
  }

  /**
   * Stops now: no more sends, no more answers; the handler gets a last flush(). Safe to call
   * more than once, and from inside any handler callback.
   */
  stop(): void {
    this.#end(null);
  }

  /** Stops; start()'s promise resolves, or rejects with `error` (or with what the last flush threw). */
  #end(error: Error | null): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#alarm.cancel();
    this.#socket.off('txstamps', this.#timing.onStamps);
    this.#socket.off('batch', this.#onBatch);
    this.#socket.off('error', this.#fail);
    let failure = error;
    try {
      this.#settleQueued(true); // what the send thread holds goes (or is refused) before the books close
      this.#handler.flush?.();
    } catch (e) {
      failure ??= e instanceof Error ? e : new Error(String(e));
    }
    if (failure === null) this.#resolve?.();
    else this.#reject?.(failure);
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
   * `value` is the address as a u32 (IPv6: its address6Key) and `words6` an IPv6 address's four
   * words, when the caller has them (a sweep does), so that the text is not parsed again.
   */
  addTarget(address: string, value: number = targetValue(address), words6: ArrayLike<number> | null = null): number {
    return this.#ledger.targets.add(address, value, words6);
  }

  /**
   * Points target index i at another address, its statistics starting again. Call it only when
   * none of i's probes is in flight or pending. Answers to probes sent through i before then
   * disagree with its address, so they are never credited to the new one (the handler hears of
   * them through stray()). `value` and `words6` as in addTarget().
   */
  setTarget(i: number, address: string, value?: number, words6: ArrayLike<number> | null = null): void {
    this.#ledger.targets.set(i, address, value, words6);
  }

  /**
   * The application has sent its last probe (as if next() had answered NEXT.done), without
   * waiting for the pacing to ask again: the engine stops as soon as nothing is in flight.
   */
  noMoreProbes(): void {
    this.#appDone = true;
    if (this.#started && !this.#pumping) this.#reschedule();
  }

  /** Stops at clock time `t` at the latest (iputils' linger after the last probe). */
  finishAt(t: number): void {
    if (t < this.#finishAt) this.#finishAt = t;
    if (this.#started && !this.#pumping) this.#reschedule();
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Target i's statistics (its index, as handlers choose it). */
  stats(target = 0): TargetStats {
    return this.#ledger.targets.statsOf(target);
  }

  /** How the answers so far were timed: kernel stamps at both ends, or not (timing.ts). */
  get timing(): Readonly<TimingCounts> {
    return this.#timing.counts;
  }

  /** Probes sent and neither answered nor timed out. */
  get inFlight(): number {
    return this.#ledger.inFlight;
  }

  /** Probe n's state while it is remembered (free when forgotten). */
  stateOf(n: number): ProbeState {
    return this.table.stateOf(n);
  }

  /** Probes handed out so far (the next probe's number). */
  get count(): number {
    return this.#ledger.next;
  }

  /** Probe n's fields while it is remembered (NaN / -1 when forgotten). */
  targetOf = (n: number): number => this.#field(this.table.target, n, -1);
  sentAt = (n: number): number => this.#field(this.table.sentAt, n, Number.NaN);
  ttlOf = (n: number): number => this.#field(this.table.ttl, n, -1);
  tosOf = (n: number): number => this.#field(this.table.tos, n, -1);
  keyOf = (n: number): number => this.#field(this.table.key, n, -1);
  /** Position of probe n among the probes sent to its target, from 1 (iputils' icmp_seq for one target). */
  ordinalOf = (n: number): number => this.#field(this.table.ordinal, n, -1);

  #field(column: ArrayLike<number>, n: number, none: number): number {
    return this.table.has(n) ? (column[this.table.slot(n)] as number) : none;
  }

  /** Moves probe n's deadline (trace's adaptive waits). */
  setDeadline(n: number, t: number): void {
    if (this.#ledger.setDeadline(n, t) && !this.#pumping) this.#reschedule();
  }

  // ---- errors: whatever throws ends the run -------------------------------------------------

  /** Runs fn; an exception stops the engine and rejects start()'s promise instead of escaping. */
  #guarded(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  #fail = (error: Error): void => {
    this.#end(error);
  };

  // ---- receiving ----------------------------------------------------------------------------

  #onBatch = (batch: ReceiveBatch): void => {
    if (this.#stopped) return;
    try {
      this.#read(batch);
      this.#afterEvents();
    } catch (e) {
      this.#fail(e instanceof Error ? e : new Error(String(e)));
    }
  };

  #read(batch: ReceiveBatch): void {
    const { data, meta, count } = batch;
    const m = this.#match;
    const tap = this.#tap;
    for (let i = 0; i < count && !this.#stopped; i++) {
      const base = i * BATCH.stride;
      const offset = meta[base + BATCH.offset] as number;
      const length = meta[base + BATCH.length] as number;
      const receivedAt = meta[base + BATCH.timestamp] as number;
      if (tap !== null) tap(data, offset, length, receivedAt, false, batch, i);
      m.batch = batch;
      m.index = i;
      if (this.protocol.match(data, offset, length, meta[base + BATCH.wireLength] as number, m) !== MATCH.none) {
        const flags = meta[base + BATCH.flags] as number;
        this.#dispatch(m, receivedAt, (flags & FLAG_KERNEL_TIMESTAMP) !== 0, (flags & FLAG_HARDWARE_TIMESTAMP) !== 0 ? (meta[base + BATCH.hwTimestamp] as number) : -1);
      }
    }
  }

  #dispatch(m: Match, kernelReceivedAt: number, kernelReceive: boolean, hardwareAt: number): void {
    const n = this.table.lookup(m.key);
    if (n < 0) {
      if (this.#handler.forgotten?.(m, kernelReceivedAt) !== true) this.ignored++;
      return;
    }
    // Never credit an answer to a probe that went somewhere else: a late reply from one host
    // must not complete a probe (same key, sequence wrapped) that went to another.
    if (this.targetValues[this.table.target[this.table.slot(n)] as number] !== m.target) {
      this.ignored++;
      this.#handler.stray?.(n, m, kernelReceivedAt);
      return;
    }
    const receivedAt = this.#timing.answer(n, kernelReceivedAt, kernelReceive, hardwareAt);
    const outcome = this.#ledger.credit(n, m, receivedAt);
    if (outcome === -1) {
      this.ignored++;
      return;
    }
    this.#appWaiting = false;
    this.#handler.answer?.(n, outcome, m, receivedAt);
  }

  #isStopped = (): boolean => this.#stopped;

  #onTimeout = (n: number): void => {
    this.#appWaiting = false;
    this.#handler.timeout?.(n);
  };

  // ---- sending -------------------------------------------------------------------------------

  #pump(): void {
    if (this.#stopped || this.#finishing || this.#pumping) return;
    this.#pumping = true;
    try {
      let budget = MAX_PER_PUMP;
      while (!this.#stopped && budget > 0) {
        const room = Math.min(this.#pacer.room(this.#clock.now(), this.#ledger.outstanding), this.#outbox.size, budget);
        if (room <= 0) break;
        const first = this.#pendingFrom >= 0 ? this.#pendingFrom : this.#ledger.next;
        const k = this.#pendingFrom >= 0 ? this.#reencode(room) : this.#prepare(room);
        if (k === 0) break;
        budget -= k;
        if (!this.#transmit(first, k)) break;
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Asks the handler for up to `room` new probes and encodes them into the outbox. */
  #prepare(room: number): number {
    const slot = this.#slot;
    const ledger = this.#ledger;
    let k = 0;
    while (k < room && !this.#appDone && !this.#appWaiting && !this.#stopped) {
      const n = ledger.next;
      slot.number = n;
      slot.target = 0;
      slot.ttl = DEFAULT_TTL;
      slot.tos = 0;
      slot.timeoutMs = this.#timeoutMs;
      slot.key = -1;
      const verdict = this.#handler.next(slot);
      if (verdict !== NEXT.send) {
        if (verdict === NEXT.done) this.#appDone = true;
        else this.#appWaiting = true;
        break;
      }
      const target = slot.target;
      if (!(target >= 0 && target < this.targets.length)) throw new RangeError(`probe target ${target} is not a target index`);
      ledger.evict(n);
      slot.address = this.targets[target]!;
      slot.addressValue = this.targetValues[target]!;
      this.#outbox.setLength(k, this.protocol.encode(slot, this.#outbox.buffer(k)));
      ledger.claim(n, slot.key, target, slot.ttl, slot.tos, slot.timeoutMs);
      k++;
    }
    return k;
  }

  /** Encodes again the probes a transient send error held back. */
  #reencode(room: number): number {
    const table = this.table;
    const slot = this.#slot;
    let k = 0;
    for (let n = this.#pendingFrom; n < this.#ledger.next && k < room; n++) {
      const s = table.slot(n);
      slot.number = n;
      slot.target = table.target[s] as number;
      slot.address = this.targets[slot.target]!;
      slot.addressValue = this.targetValues[slot.target]!;
      slot.ttl = table.ttl[s] as number;
      slot.tos = table.tos[s] as number;
      slot.timeoutMs = table.timeout[s] as number;
      this.#outbox.setLength(k, this.protocol.encode(slot, this.#outbox.buffer(k)));
      k++;
    }
    return k;
  }

  /**
   * Sends probes first .. first+k-1 (encoded in the outbox). Returns false when the kernel
   * asked us to wait (the rest stay pending and go out later).
   */
  #transmit(first: number, k: number): boolean {
    const outbox = this.#outbox;
    outbox.send(this.#socket, this.#clock, k, outbox.destinationsFor(this.table, this.#ledger.targets, first, k), first);
    const { sent, sentAt, error } = outbox;
    this.#timing.sent(first, sent, outbox.firstKey);
    for (let i = 0; i < sent; i++) {
      this.#ledger.sent(first + i, sentAt);
      this.#pacer.spend(sentAt);
      if (this.#tap !== null) this.#tap(outbox.buffer(i), 0, outbox.lengthOf(i), sentAt, true);
      this.#handler.sent?.(first + i, null);
    }
    if (sent === k) {
      this.#pendingFrom = -1;
      return true;
    }
    if (error === null || isTransientSendError(error)) {
      this.#pendingFrom = first + sent;
      this.#pacer.backOff(this.#clock.now());
      return false;
    }
    // A hard refusal (no route, message too long...): that probe counts as sent and failed,
    // as iputils counts it; the ones after it are tried again at once.
    const failed = first + sent;
    this.#ledger.failed(failed, sentAt);
    this.#pacer.spend(sentAt);
    this.#pendingFrom = failed + 1 < this.#ledger.next ? failed + 1 : -1;
    this.#refused(failed, error, false);
    return true;
  }

  /** Probes the send thread could not send (outbox.ts), counted as sent, become refusals as a direct send's would. */
  #settleQueued(flush: boolean): void {
    for (const f of this.#outbox.refusals(this.#socket, flush)) if (this.#ledger.refused(f.tag)) this.#refused(f.tag, f.error, true);
  }

  /**
   * Tells the handler probe n was refused. The refusal may end a target it was waiting on (a
   * sweep's last one): it is asked again, as after an answer or a timeout, or a run whose last
   * probes were refused would never end.
   */
  #refused(n: number, error: Error, later: boolean): void {
    this.#appWaiting = false;
    this.#handler.sent?.(n, error, later);
  }

  // ---- the loop ------------------------------------------------------------------------------

  /** After any event: expire, send what may go, stop when finished, flush, set the timer. */
  #afterEvents = (): void => {
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
    this.#settleQueued(false);
    this.#ledger.expire(now, this.#isStopped);
    this.#pump();
    this.#ledger.advanceOldest();
    if (this.#appDone && this.#ledger.inFlight === 0 && this.#pendingFrom < 0) {
      this.stop();
      return;
    }
    this.#handler.flush?.();
    this.#reschedule();
  };

  /**
   * Time is up: stop sending, and stop after one more turn of the event loop. A timer runs
   * before the loop polls for I/O, so answers already waiting in the socket would otherwise
   * be left unread and counted as lost.
   */
  #finish(): void {
    this.#finishing = true;
    this.#socket.flushQueued?.(); // what the send thread holds goes now: its answers are in the last read
    this.#alarm.set(this.#clock.now());
  }

  #reschedule(): void {
    if (this.#stopped || this.#finishing) return;
    const ledger = this.#ledger;
    let at = Math.min(this.startedAt + this.#deadlineNs, this.#finishAt);
    if (ledger.inFlight > 0) at = Math.min(at, ledger.earliest);
    if (this.#pendingFrom >= 0 || (!this.#appDone && !this.#appWaiting)) at = Math.min(at, this.#pacer.nextAt(this.#clock.now(), ledger.outstanding));
    this.#alarm.set(at);
  }

  #onTimer = (): void => {
    if (this.#finishing) {
      this.#guarded(() => this.stop());
      return;
    }
    // libuv runs due timers before it polls: when the process was held up for longer than an
    // interval, the reply to the last probe is waiting unread. Read it first (it is the older
    // event), then send: otherwise the next probe would overtake it.
    if (this.#clock.setImmediate !== undefined) this.#clock.setImmediate(this.#afterTimer);
    else this.#guarded(this.#afterEvents);
  };

  #afterTimer = (): void => {
    if (!this.#alarm.pending) this.#guarded(this.#afterEvents);
  };
}
