// The sweep's totals over every target, for fping -s's summary: targets alive and unreachable,
// probes sent, replies (first, duplicate, late), ICMP errors, refused sends, strays, and the
// round trips of first replies. Counted as the handler goes; kept when targets are forgotten.
import type { SweepSummary } from './events.js';

export class SweepTotals {
  // round trips of first replies, ns
  #rttMin = Number.POSITIVE_INFINITY;
  #rttMax = 0;
  #rttCount = 0;
  #rttSum = 0;
  // counts
  alive = 0;
  unreachable = 0;
  unfinished = 0;
  timeouts = 0;
  transmitted = 0;
  replies = 0;
  duplicates = 0;
  late = 0;
  corrupted = 0;
  otherIcmp = 0;
  sendErrors = 0;
  strays = 0;

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
