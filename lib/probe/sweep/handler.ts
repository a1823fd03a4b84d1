// The sweep's side of the probe engine: which target each probe goes to, and what its answer
// means for that target (fping's rules; session.ts describes the two modes).
//
// State per target lives in lanes (lanes.ts): engine target indices reused as targets finish,
// one column per field. State per probe lives in records of 65,536 probes (probes.ts): the target
// it went to (a serial number, as lanes are reused), its index among that target's probes, its
// address, when it went, and whether it is settled or replied; the engine's own table keeps only
// what is in flight, and answers to probes it forgot come back here (forgotten()). An answer is
// credited only when its probe's serial is the lane's current one; otherwise the target is
// finished, and the answer counts as late or duplicate in the totals only (totals.ts). Delayed
// probes (retries after an ICMP error, count mode's period) wait in a heap (heap.ts), with one
// timer for its earliest.
import { NS_PER_MS } from '../../socket/clock.js';
import { formatIpv4 } from '../../wire/bytes.js';
import { formatIpv6Words } from '../../wire/ipv6-address.js';
import { NEXT, OUTCOME, type EngineClock, type Next, type Outcome, type ProbeEngine, type ProbeHandler } from '../engine/engine.js';
import { errnoName, firstLine } from '../errors.js';
import { MATCH, MATCH_FLAG, type Match, type ProbeSlot } from '../engine/protocol.js';
import { PROBE_STATE } from '../engine/table.js';
import { TargetAddress } from './address.js';
import type { SweepEvent, SweepHooks } from './events.js';
import { FEED, type FeedTarget, type TargetFeed } from './feed.js';
import { DueHeap } from './heap.js';
import { Lanes, lossOf } from './lanes.js';
import { Alarm } from '../engine/alarm.js';
import type { SweepConfig } from './options.js';
import { PROBE, PROBE_MEMORY, SweepProbes } from './probes.js';
import type { SweepTotals } from './totals.js';

/**
 * Most probes handed out per turn of the event loop. Unpaced, the engine would send 4096 at a
 * time before reading; stopping at this many lets the replies they drew be read (and their
 * targets finished) before the next burst, so fewer targets, strings and kernel buffers are held
 * at once, as fping reads between sends. With nothing to read (dead address space) a timer
 * starts the next burst.
 */
const BURST = 512;

export class SweepHandler implements ProbeHandler {
  readonly #engine: ProbeEngine;
  readonly #totals: SweepTotals;
  readonly #config: SweepConfig;
  readonly #feed: TargetFeed;
  readonly #clock: EngineClock;
  readonly #onEvent: ((e: SweepEvent) => void) | null;
  readonly #onFlush: (() => void) | null;
  /** Make reply and timeout events (count mode, not quiet). */
  readonly #details: boolean;
  readonly #countMode: boolean;
  /** Probes a target gets at most: count, or 1 + retries. */
  readonly #tries: number;

  readonly #lanes = new Lanes(256);
  readonly #free: number[] = [];
  #allocated = 0;
  #active = 0;
  #laneCap = 1;
  #serials = 0;

  /** Per probe (probes.ts). */
  readonly #records: SweepProbes;
  /** Its columns. */
  readonly #probes: SweepProbes['cols'];
  readonly #address = new TargetAddress();

  readonly #heap = new DueHeap();
  /** The timer for the earliest delayed probe. */
  readonly #alarm: Alarm;

  #burst = 0;
  #burstWake = false;

  #first: FeedTarget | null;
  readonly #take: FeedTarget = { address: 0, name: null, high: null };
  #feedEnded = false;
  #closed = false;

  /** `first`: the feed's first target, already taken, which the engine was made with as its target 0. */
  constructor(engine: ProbeEngine, config: SweepConfig, feed: TargetFeed, first: FeedTarget, totals: SweepTotals, hooks: SweepHooks, clock: EngineClock) {
    this.#engine = engine;
    this.#totals = totals;
    this.#config = config;
    this.#feed = feed;
    this.#clock = clock;
    this.#onEvent = hooks.onEvent ?? null;
    this.#onFlush = hooks.onFlush ?? null;
    this.#countMode = config.count !== null;
    this.#details = this.#countMode && hooks.resultsOnly !== true && this.#onEvent !== null;
    this.#tries = config.count ?? config.retries + 1;
    this.#first = { address: first.address, name: first.name, high: first.high ?? null };
    this.#laneCap = PROBE_MEMORY;
    this.#records = new SweepProbes(config.family.version === 6);
    this.#records.startedAt = clock.now();
    this.#probes = this.#records.cols;
    this.#alarm = new Alarm(clock, () => this.#engine.wake());
  }

  /** Targets being probed now. */
  get active(): number {
    return this.#active;
  }

  /** Lanes (engine target indices) made so far: the most targets probed at once. */
  get lanes(): number {
    return this.#allocated;
  }

  // ---- the engine's questions -----------------------------------------------------------------

  next(slot: ProbeSlot): Next {
    const engine = this.#engine;
    const n = slot.number;
    // The records are about to reuse the slot of probe n - PROBE_MEMORY: never while that probe
    // still waits (its answer would find another probe's record).
    if (n >= PROBE_MEMORY && engine.stateOf(n - PROBE_MEMORY) === PROBE_STATE.inFlight) return NEXT.wait;
    if (this.#burst >= BURST) return this.#pause();
    this.#burst++;
    const heap = this.#heap;
    if (heap.size > 0) {
      const now = this.#clock.now();
      while (heap.size > 0 && heap.earliest <= now) {
        const d = heap.pop();
        if (this.#lanes.cols.serial[d.lane] === d.serial) return this.#probe(slot, d.lane);
      }
    }
    if (this.#active < this.#laneCap && !this.#feedEnded && !this.#closed) {
      const t = this.#nextTarget();
      if (t !== null) return this.#probe(slot, this.#acquire(t));
    }
    if (heap.size > 0) this.#alarm.setBy(heap.earliest);
    if (this.#active === 0 && (this.#feedEnded || this.#closed)) return NEXT.done;
    return NEXT.wait;
  }

  sent(n: number, error: Error | null): void {
    this.#totals.transmitted++;
    const engine = this.#engine;
    const s = this.#records.slot(n);
    if (error === null) {
      this.#records.sent(s, engine.sentAt(n));
      return;
    }
    this.#totals.sendErrors++;
    const lane = engine.targetOf(n);
    if (!this.#live(lane, s)) return;
    const L = this.#lanes.cols;
    L.errors[lane]!++;
    if (this.#onEvent !== null) {
      this.#onEvent({
        type: 'send-error',
        ...this.#who(lane, s),
        seq: this.#probes.index[s]!,
        code: errnoName(error),
        message: firstLine(String(error.message)),
      });
    }
    this.#settle(lane, s);
    // A refusal is not a loss on the way: trying again would be refused again (fping does not).
    if (this.#countMode) this.#maybeFinish(lane);
    else this.#finish(lane);
  }

  answer(n: number, outcome: Outcome, m: Match, receivedAt: number): void {
    const engine = this.#engine;
    const s = this.#records.slot(n);
    const lane = engine.targetOf(n);
    const live = this.#live(lane, s);
    const L = this.#lanes.cols;
    switch (outcome) {
      case OUTCOME.reply: {
        this.#totals.replies++;
        if (!live) {
          // Its target is finished (its last try ended with an ICMP error): counted, not credited.
          this.#totals.late++;
          this.#probes.state[s] = PROBE.late;
          return;
        }
        const rtt = Math.max(0, receivedAt - engine.sentAt(n));
        L.received[lane]!++;
        L.sumNs[lane]! += rtt;
        if (L.received[lane] === 1 || rtt < L.minNs[lane]!) L.minNs[lane] = rtt;
        if (rtt > L.maxNs[lane]!) L.maxNs[lane] = rtt;
        L.lastNs[lane] = rtt;
        this.#totals.rtt(rtt);
        if (this.#probes.state[s] === PROBE.open) this.#settle(lane, s);
        this.#probes.state[s] = PROBE.replied;
        if (!this.#countMode) {
          this.#finish(lane);
          return;
        }
        if (this.#details) {
          const received = L.received[lane]!;
          this.#onEvent!({
            type: 'reply',
            ...this.#who(lane, s),
            seq: this.#probes.index[s]!,
            from: this.#config.family.fromText(m),
            bytes: m.bytes,
            ttl: m.ttl,
            rttNs: rtt,
            avgNs: Math.trunc(L.sumNs[lane]! / received),
            loss: lossOf(L.settled[lane]!, received),
          });
        }
        this.#maybeFinish(lane);
        return;
      }
      case OUTCOME.duplicate:
        this.#totals.replies++;
        this.#totals.duplicates++;
        if (live) L.duplicates[lane]!++;
        this.#duplicateEvent(live ? lane : -1, s, m, receivedAt - engine.sentAt(n));
        return;
      case OUTCOME.late:
        this.#totals.replies++;
        this.#totals.late++;
        if (live) L.late[lane]!++;
        this.#probes.state[s] = PROBE.late;
        return;
      case OUTCOME.corrupted:
        this.#totals.corrupted++;
        return;
      default:
        this.#icmp(live ? lane : -1, s, m, outcome);
        if (outcome === OUTCOME.error && live && this.#probes.state[s] === PROBE.open) {
          // The probe is over without a reply: fping lets it time out (and counts a timeout);
          // we settle it now, and report and count it the same way.
          L.errors[lane]!++;
          this.#totals.timeouts++;
          this.#settle(lane, s);
          if (this.#countMode) this.#countModeLoss(lane, s);
          else this.#retryOrFinish(lane, engine.sentAt(n) + L.timeoutMs[lane]! * NS_PER_MS);
        }
    }
  }

  timeout(n: number): void {
    this.#totals.timeouts++;
    const s = this.#records.slot(n);
    const lane = this.#engine.targetOf(n);
    if (!this.#live(lane, s) || this.#probes.state[s] !== PROBE.open) return;
    this.#settle(lane, s);
    if (this.#countMode) this.#countModeLoss(lane, s);
    else this.#retryOrFinish(lane, this.#clock.now());
  }

  /** Count mode: probe s of the lane is lost (timed out, or an ICMP error). */
  #countModeLoss(lane: number, s: number): void {
    if (this.#details) {
      const L = this.#lanes.cols;
      const received = L.received[lane]!;
      this.#onEvent!({
        type: 'timeout',
        ...this.#who(lane, s),
        seq: this.#probes.index[s]!,
        avgNs: received > 0 ? Math.trunc(L.sumNs[lane]! / received) : null,
        loss: lossOf(L.settled[lane]!, received),
      });
    }
    this.#maybeFinish(lane);
  }

  stray(n: number, m: Match, receivedAt: number): void {
    const s = this.#records.slot(n);
    if (this.#records.address[s] !== m.target) {
      // The key came round again: an answer to a probe the records have forgotten.
      this.#totals.strays++;
      return;
    }
    // Probe n went to this address through a lane that now probes another target.
    this.#afterSettled(-1, s, m, receivedAt);
  }

  /** An answer to a probe the engine's table forgot: known here while its record lasts. */
  forgotten(m: Match, receivedAt: number): boolean {
    const s = this.#records.slotOfKey(m.key);
    if (this.#records.address[s] !== m.target) return false;
    const lane = this.#probes.lane[s]!;
    this.#afterSettled(this.#live(lane, s) ? lane : -1, s, m, receivedAt);
    return true;
  }

  /**
   * An answer to probe s, settled or replied before (its target's lane, or -1 when the target is
   * finished): a duplicate, a late reply, or an ICMP message, counted as answer() counts them.
   */
  #afterSettled(lane: number, s: number, m: Match, receivedAt: number): void {
    if (m.kind !== MATCH.reply) {
      this.#icmp(lane, s, m, m.kind === MATCH.error ? OUTCOME.error : OUTCOME.notice);
      return;
    }
    if ((m.flags & MATCH_FLAG.badChecksum) !== 0) {
      this.#totals.corrupted++;
      return;
    }
    this.#totals.replies++;
    const L = this.#lanes.cols;
    const state = this.#probes.state[s];
    if (state === PROBE.replied || state === PROBE.late) {
      this.#totals.duplicates++;
      if (lane >= 0) L.duplicates[lane]!++;
      this.#duplicateEvent(lane, s, m, this.#records.since(s, receivedAt));
    } else {
      this.#totals.late++;
      if (lane >= 0) L.late[lane]!++;
      this.#probes.state[s] = PROBE.late;
    }
  }

  flush(): void {
    this.#burst = 0; // the engine calls this at the end of every turn
    this.#onFlush?.();
  }

  // ---- the end ---------------------------------------------------------------------------------

  /** After the engine stopped: targets still being probed are reported (fping, on Ctrl-C). */
  finishAll(): void {
    this.#closed = true;
    this.#alarm.cancel();
    const L = this.#lanes.cols;
    // A lane still active here was cut short by stop(): unanswered, it is unknown, not unreachable.
    for (let lane = 0; lane < this.#allocated; lane++) if (L.serial[lane]! >= 0) this.#finish(lane, true);
    this.flush();
  }

  // ---- targets ---------------------------------------------------------------------------------

  #nextTarget(): FeedTarget | null {
    const first = this.#first;
    if (first !== null) {
      this.#first = null;
      return first;
    }
    const state = this.#feed.take(this.#take);
    if (state === FEED.target) return this.#take;
    if (state === FEED.end) this.#feedEnded = true;
    return null; // starved: the feed wakes the engine when it has more
  }

  /** A lane for a new target: a free one pointed at it, or a new one. */
  #acquire(t: FeedTarget): number {
    const engine = this.#engine;
    const { text, value: address, words } = this.#address.of(t);
    const name = t.name;
    let lane: number;
    if (this.#free.length > 0) {
      lane = this.#free.pop()!;
      engine.setTarget(lane, text, address, words);
    } else if (this.#allocated === 0) {
      lane = 0; // the engine was made with the first target as its target 0
      if (engine.targets[0] !== text) engine.setTarget(0, text, address, words);
      this.#allocated = 1;
    } else {
      lane = engine.addTarget(text, address, words);
      this.#allocated++;
    }
    const lanes = this.#lanes;
    lanes.reserve(lane);
    lanes.clear(lane);
    lanes.text[lane] = text;
    if (words !== null) lanes.words.set(words, lane * 4);
    lanes.name[lane] = name;
    const L = lanes.cols;
    L.serial[lane] = this.#serials++;
    L.address[lane] = address;
    L.timeoutMs[lane] = this.#config.timeoutMs;
    // Count mode's period counts from here; alive mode never reads it (a read of the clock per target saved).
    if (this.#countMode) L.due[lane] = this.#clock.now();
    this.#active++;
    return lane;
  }

  /** Fills the slot for the lane's next probe. */
  #probe(slot: ProbeSlot, lane: number): Next {
    const L = this.#lanes.cols;
    const k = L.sent[lane]!;
    L.sent[lane] = k + 1;
    L.open[lane]!++;
    slot.target = lane;
    slot.ttl = this.#config.ttl;
    slot.tos = this.#config.tos;
    slot.timeoutMs = L.timeoutMs[lane]!;
    this.#records.open(this.#records.slot(slot.number), lane, L.serial[lane]!, k, L.address[lane]!, this.#lanes.words, lane * 4);
    if (this.#countMode && k + 1 < this.#tries) {
      // fping: the next probe to a target one period after this one was due, not sent
      const at = L.due[lane]! + this.#config.periodMs * NS_PER_MS;
      L.due[lane] = at;
      this.#heap.push(at, lane, L.serial[lane]!);
    }
    return NEXT.send;
  }

  #live(lane: number, s: number): boolean {
    return lane >= 0 && this.#lanes.cols.serial[lane] === this.#probes.serial[s];
  }

  #settle(lane: number, s: number): void {
    this.#probes.state[s] = PROBE.settled;
    this.#lanes.cols.open[lane]!--;
    this.#lanes.cols.settled[lane]!++;
  }

  /** Alive mode, a try failed: the next one at `at` (its timeout times the backoff), or unreachable. */
  #retryOrFinish(lane: number, at: number): void {
    const L = this.#lanes.cols;
    if (L.sent[lane]! >= this.#tries || this.#closed) {
      this.#finish(lane, L.sent[lane]! < this.#tries);
      return;
    }
    L.timeoutMs[lane] = L.timeoutMs[lane]! * this.#config.backoff;
    this.#heap.push(at, lane, L.serial[lane]!);
  }

  #maybeFinish(lane: number): void {
    const L = this.#lanes.cols;
    if (L.sent[lane]! >= this.#tries && L.open[lane] === 0) this.#finish(lane);
  }

  /** The target is done (`cut`: by stop(), before its tries were spent): report it, keep only the totals, free the lane. */
  #finish(lane: number, cut = false): void {
    const L = this.#lanes.cols;
    const received = L.received[lane]!;
    if (received > 0) this.#totals.alive++;
    else if (cut) this.#totals.unfinished++;
    else this.#totals.unreachable++;
    if (this.#onEvent !== null) this.#onEvent(this.#lanes.result(lane, cut));
    L.serial[lane] = -1;
    this.#lanes.name[lane] = null;
    this.#free.push(lane);
    this.#active--;
  }

  /** host and address of probe s's target (lane -1: a finished target, known by its address). */
  #who(lane: number, s: number): { host: string; address: string } {
    const address = lane >= 0 ? this.#lanes.text[lane]! : this.#probeAddress(s);
    return { host: lane >= 0 ? (this.#lanes.name[lane] ?? address) : address, address };
  }

  /** The address probe s went to, as text (its target is finished: made only for this line). */
  #probeAddress(s: number): string {
    const words = this.#records.words;
    return words !== null ? formatIpv6Words(words, s * 4) : formatIpv4(this.#records.address[s]!);
  }

  #duplicateEvent(lane: number, s: number, m: Match, rttNs: number): void {
    if (this.#onEvent === null) return;
    this.#onEvent({
      type: 'duplicate',
      ...this.#who(lane, s),
      seq: this.#probes.index[s]!,
      from: this.#config.family.fromText(m),
      bytes: m.bytes,
      rttNs: Number.isNaN(rttNs) ? 0 : Math.max(0, rttNs),
    });
  }

  #icmp(lane: number, s: number, m: Match, outcome: Outcome): void {
    this.#totals.otherIcmp++;
    if (this.#onEvent === null) return;
    this.#onEvent({
      type: 'icmp',
      kind: outcome === OUTCOME.error ? 'error' : 'notice',
      ...this.#who(lane, s),
      seq: this.#probes.index[s]!,
      from: this.#config.family.fromText(m),
      icmpType: m.type,
      icmpCode: m.code,
    });
  }

  /** A burst is spent: go on at the next turn of the loop (sooner if replies wake the engine). */
  #pause(): Next {
    if (!this.#burstWake) {
      this.#burstWake = true;
      const go = (): void => {
        this.#burstWake = false;
        this.#burst = 0;
        this.#engine.wake();
      };
      if (this.#clock.setImmediate !== undefined) this.#clock.setImmediate(go);
      else this.#clock.setTimeout(go, 0);
    }
    return NEXT.wait;
  }
}
