// The sweep's totals over every target, for fping -s's summary: targets alive and unreachable,
// probes sent, replies (first, duplicate, late), ICMP errors, refused sends, strays, and the
// round trips of first replies. Counted as the handler goes; kept when targets are forgotten.
import type { SweepSummary } from './events.js';

/**
 * The counters, named once: targets alive, unreachable and cut short (unfinished); probes timed
 * out and sent (transmitted); replies, the duplicate and late ones among them; corrupted
 * answers, other ICMP messages, refused sends, and strays (answers to probes forgotten).
 */
const COUNTERS = ['alive', 'unreachable', 'unfinished', 'timeouts', 'transmitted', 'replies', 'duplicates', 'late', 'corrupted', 'otherIcmp', 'sendErrors', 'strays'] as const;
export type SweepCounter = (typeof COUNTERS)[number];

// The class below gets one number field per counter (declaration merging: the names are written once, in COUNTERS).
export interface SweepTotals extends Record<SweepCounter, number> {}

export class SweepTotals {
  // round trips of first replies, ns
  #rttMin = Number.POSITIVE_INFINITY;
  #rttMax = 0;
  #rttCount = 0;
  #rttSum = 0;

  constructor() {
    for (const name of COUNTERS) this[name] = 0;
  }

  /** A first reply's round trip, ns. */
  rtt(ns: number): void {
    this.#rttCount++;
    this.#rttSum += ns;
    if (ns < this.#rttMin) this.#rttMin = ns;
    if (ns > this.#rttMax) this.#rttMax = ns;
  }

  summary(elapsedNs: number, unknown: number, drops: number | null, inputError: string | null, interrupted: boolean): SweepSummary {
    const timed = this.#rttCount > 0;
    return {
      type: 'summary',
      targets: this.alive + this.unreachable + this.unfinished,
      alive: this.alive,
      unreachable: this.unreachable,
      unfinished: this.unfinished,
      unknown,
      timeouts: this.timeouts,
      sent: this.transmitted,
      replies: this.replies,
      duplicates: this.duplicates,
      late: this.late,
      corrupted: this.corrupted,
      otherIcmp: this.otherIcmp,
      sendErrors: this.sendErrors,
      stray: this.strays,
      minNs: timed ? this.#rttMin : null,
      avgNs: timed ? Math.trunc(this.#rttSum / this.#rttCount) : null,
      maxNs: timed ? this.#rttMax : null,
      elapsedNs: Math.max(0, elapsedNs),
      drops,
      inputError,
      interrupted,
    };
  }
}
