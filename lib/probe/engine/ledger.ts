// The engine's books: every remembered probe (the ring of table.ts), the targets and their
// statistics (targets.ts), and what is in flight, with the earliest deadline among it. No I/O
// and no policy: the engine tells the ledger what was sent and what came back, and the ledger
// says how each answer counts (iputils' rules, OUTCOME) and which probes have timed out.
//
// Outstanding, as iputils counts it for the window: probes sent after the newest answered one
// (ntransmitted - nack). A lost probe stops holding the window as soon as a later one is
// answered, yet stays remembered, so its own answer is still recognised (as late once its time
// is up).
import { NS_PER_MS } from '../../socket/clock.js';
import { MATCH, MATCH_FLAG, type Match } from './protocol.js';
import { recordRtt, rttMicros, type TargetStats } from './stats.js';
import { PROBE_STATE, ProbeTable, SEND_CLOCK, type ProbeState } from './table.js';
import { TargetList } from './targets.js';
import { OUTCOME, type Outcome } from './types.js';

export class Ledger {
  readonly table: ProbeTable;
  readonly targets: TargetList;
  /** Number of the next new probe: probes handed out so far. */
  next = 0;
  /** Probes in state inFlight. */
  inFlight = 0;
  /** Newest probe answered (reply or error), -1 before the first. */
  answeredUpTo = -1;
  /** No in-flight deadline is earlier than this. */
  earliest = Number.POSITIVE_INFINITY;
  /** No probe before this number is in flight or pending. */
  #oldestOpen = 0;
  /** Every deadline so far >= the one before it: the expiry walk can stop at the first one not due. */
  #monotone = true;
  #lastDeadline = Number.NEGATIVE_INFINITY;
  readonly #onTimeout: (n: number) => void;

  /**
   * `onTimeout(n)`: probe n's time ran out (or the ring or a newer probe with its key displaced it).
   * The table remembers `memory` probes, or starts at `memoryStart` and grows to `memory` (evict).
   */
  constructor(targets: readonly string[], memory: number, onTimeout: (n: number) => void, memoryStart = memory) {
    this.targets = new TargetList(targets);
    this.table = new ProbeTable(Math.min(memoryStart, memory), memory);
    this.#onTimeout = onTimeout;
  }

  /** Probes sent after the newest answered one: what a window counts. */
  get outstanding(): number {
    return this.next - 1 - this.answeredUpTo;
  }

  /**
   * Probe n is about to be made. The ring is about to forget the probe in n's slot: if it is
   * still waiting, the ring grows, or at its largest, that probe has waited longer than the
   * memory allows, which is a timeout.
   */
  evict(n: number): void {
    const table = this.table;
    let occupant = table.occupant(n);
    while (occupant >= 0 && table.stateOf(occupant) === PROBE_STATE.inFlight && table.grow(this.next)) occupant = table.occupant(n);
    if (occupant >= 0 && table.stateOf(occupant) === PROBE_STATE.inFlight) {
      this.#timeOut(occupant, table.slot(occupant));
      this.advanceOldest();
    }
  }

  /**
   * Remembers probe n, encoded with `key`. A probe still in flight with the same key can no
   * longer be told apart from this one (answers are credited to the newest): it times out.
   */
  claim(n: number, key: number, target: number, ttl: number, tos: number, timeoutMs: number): void {
    const table = this.table;
    const holder = key < 0 ? -1 : table.lookup(key);
    if (holder >= 0 && holder !== n && table.stateOf(holder) === PROBE_STATE.inFlight) this.#timeOut(holder, table.slot(holder));
    table.add(n, key, target, ttl, tos, timeoutMs);
    this.next = n + 1;
  }

  /** Probe n left after `sentAt`, the clock read just before its send call. */
  sent(n: number, sentAt: number): void {
    const table = this.table;
    const s = table.slot(n);
    const stats = this.#countSend(table.target[s] as number, sentAt);
    const deadline = sentAt + (table.timeout[s] as number) * NS_PER_MS;
    table.state[s] = PROBE_STATE.inFlight;
    table.sentAt[s] = sentAt;
    table.requestedAt[s] = sentAt;
    table.deadline[s] = deadline;
    table.ordinal[s] = stats.transmitted;
    if (deadline < this.#lastDeadline) this.#monotone = false;
    this.#lastDeadline = deadline;
    if (deadline < this.earliest) this.earliest = deadline;
    this.inFlight++;
  }

  /** The kernel refused probe n at `at`: counted as sent and as an error, as iputils counts it. */
  failed(n: number, at: number): void {
    const table = this.table;
    const s = table.slot(n);
    const stats = this.#countSend(table.target[s] as number, at);
    stats.errors++;
    table.state[s] = PROBE_STATE.failed;
    table.sentAt[s] = at;
    table.requestedAt[s] = at;
    table.ordinal[s] = stats.transmitted;
  }

  /**
   * Probe n, counted as sent, was refused by the kernel afterwards (a send thread's failure): no
   * longer in flight, and an error, as failed() counts a refusal. False when n is not in flight.
   */
  refused(n: number): boolean {
    const table = this.table;
    if (table.stateOf(n) !== PROBE_STATE.inFlight) return false;
    const s = table.slot(n);
    table.state[s] = PROBE_STATE.failed;
    this.inFlight--;
    this.targets.stats[table.target[s] as number]!.errors++;
    return true;
  }

  #countSend(target: number, at: number): TargetStats {
    const stats = this.targets.stats[target]!;
    stats.transmitted++;
    if (Number.isNaN(stats.firstSentAt)) stats.firstSentAt = at;
    stats.lastSentAt = at;
    return stats;
  }

  /**
   * The kernel's send time of probe n came (SO_TIMESTAMPING): software (`kernelAt`) and the
   * interface's (`hardwareAt`), -1 for none. From now on answers are timed from it. A software
   * stamp earlier than the clock read before the send call cannot be this probe's: it is dropped.
   * Returns false when n is not a probe that was sent (forgotten, refused, never sent).
   */
  stamp(n: number, kernelAt: number, hardwareAt: number): boolean {
    const table = this.table;
    if (!table.has(n)) return false;
    const s = table.slot(n);
    const state = table.state[s];
    if (state === PROBE_STATE.pending || state === PROBE_STATE.failed) return false;
    if (kernelAt >= 0 && kernelAt >= (table.requestedAt[s] as number)) {
      table.kernelSentAt[s] = kernelAt;
      if (table.sendClock[s] === SEND_CLOCK.user) {
        table.sentAt[s] = kernelAt;
        table.sendClock[s] = SEND_CLOCK.kernel;
      }
    }
    if (hardwareAt >= 0) {
      table.hardwareSentAt ??= new Float64Array(table.capacity).fill(Number.NaN);
      table.hardwareSentAt[s] = hardwareAt;
    }
    return true;
  }

  /**
   * How the answer `m` (received at receivedAt) to probe n counts, its state and statistics
   * updated; -1 when n was never sent (pending, or refused by the kernel).
   */
  credit(n: number, m: Match, receivedAt: number): Outcome | -1 {
    const table = this.table;
    const slot = table.slot(n);
    const state = table.state[slot] as ProbeState;
    if (state === PROBE_STATE.pending || state === PROBE_STATE.failed) return -1;
    const s = this.targets.stats[table.target[slot] as number]!;
    if (m.kind === MATCH.reply) return this.#reply(n, slot, state, s, (m.flags & MATCH_FLAG.badChecksum) !== 0, receivedAt);
    if (m.kind !== MATCH.error) return OUTCOME.notice;
    s.errors++;
    if (state === PROBE_STATE.inFlight) {
      this.#answered(n, slot, s);
      table.state[slot] = PROBE_STATE.errored;
    }
    return OUTCOME.error;
  }

  #reply(n: number, slot: number, state: ProbeState, s: TargetStats, corrupted: boolean, receivedAt: number): Outcome {
    const table = this.table;
    if (corrupted) {
      s.corrupted++;
      return OUTCOME.corrupted;
    }
    if (state === PROBE_STATE.inFlight || state === PROBE_STATE.errored) {
      if (state === PROBE_STATE.inFlight) this.#answered(n, slot, s);
      table.state[slot] = PROBE_STATE.replied;
      s.received++;
      this.#time(s, receivedAt - (table.sentAt[slot] as number));
      return OUTCOME.reply;
    }
    if (state === PROBE_STATE.replied) {
      s.duplicates++;
      this.#time(s, receivedAt - (table.sentAt[slot] as number));
      return OUTCOME.duplicate;
    }
    if (state === PROBE_STATE.timedOut) {
      table.state[slot] = PROBE_STATE.late;
      s.late++;
      return OUTCOME.late;
    }
    // another copy of a late reply: a duplicate, but its time says nothing about the path now
    s.duplicates++;
    return OUTCOME.duplicate;
  }

  /**
   * A round trip into the statistics. The engine times every answer with one clock at both ends
   * (engine.ts, timeAnswer), so it is positive; one that is not (CLOCK_REALTIME stepped back
   * between the send and the answer) measured nothing and is left out, never counted as 0.
   */
  #time(s: TargetStats, ns: number): void {
    if (ns > 0) recordRtt(s, rttMicros(ns));
  }

  /** Bookkeeping for the first answer to an in-flight probe. */
  #answered(n: number, slot: number, s: TargetStats): void {
    this.inFlight--;
    if (n > this.answeredUpTo) this.answeredUpTo = n;
    const outstanding = s.transmitted - (this.table.ordinal[slot] as number) + 1;
    if (outstanding > s.pipe) s.pipe = outstanding;
  }

  /** Times out every in-flight probe whose deadline is at or before `now`, until `halted()`. */
  expire(now: number, halted: () => boolean): void {
    if (this.inFlight === 0 || now < this.earliest) return;
    const table = this.table;
    let earliest = Number.POSITIVE_INFINITY;
    // With deadlines in sending order (one timeout for all) the walk stops at the first
    // probe still waiting; otherwise it looks at every remembered probe after oldestOpen.
    for (let n = this.#oldestOpen; n < this.next && !halted(); n++) {
      const s = table.slot(n);
      if (table.number[s] !== n) continue;
      const state = table.state[s];
      if (state === PROBE_STATE.pending) break;
      if (state !== PROBE_STATE.inFlight) continue;
      const deadline = table.deadline[s] as number;
      if (deadline <= now) {
        this.#timeOut(n, s);
      } else if (this.#monotone) {
        earliest = deadline;
        break;
      } else if (deadline < earliest) {
        earliest = deadline;
      }
    }
    this.earliest = earliest;
    this.advanceOldest();
  }

  #timeOut(n: number, slot: number): void {
    this.table.state[slot] = PROBE_STATE.timedOut;
    this.inFlight--;
    this.#onTimeout(n);
  }

  advanceOldest(): void {
    const table = this.table;
    let n = this.#oldestOpen;
    while (n < this.next) {
      const st = table.stateOf(n);
      if (st === PROBE_STATE.inFlight || st === PROBE_STATE.pending) break;
      n++;
    }
    this.#oldestOpen = n;
  }

  /** Moves in-flight probe n's deadline to t; false when n is not in flight. */
  setDeadline(n: number, t: number): boolean {
    if (this.table.stateOf(n) !== PROBE_STATE.inFlight) return false;
    const s = this.table.slot(n);
    if (t < (this.table.deadline[s] as number)) this.#monotone = false;
    this.table.deadline[s] = t;
    if (t < this.earliest) this.earliest = t;
    return true;
  }
}
