// One hop's round-trip statistics over many rounds, as mtr keeps them (ui/net.c,
// net_process_ping): probes sent and answered, the last, best and worst round trip, the mean
// and the standard deviation (Welford's running sum of squares, as mtr's ssd), and the jitter:
// the difference between two consecutive round trips of the hop, its mean and its largest. Plus
// the hop's recent history (the live view draws it): the last HISTORY outcomes, NaN for a loss.
//
// Times are whole microseconds. Loss counts settled probes only (mtr leaves the one in transit
// out): a probe is counted once it is answered or given up.
//
// Jitter: mtr's Javg divides the sum of the differences by the replies, the first reply's
// difference counting as 0; here the mean is over the differences themselves (replies - 1), the
// "mean difference between consecutive round trips". The largest (Jmax) is the same as mtr's.

/** Outcomes the history keeps per hop: wider than any terminal the live view draws on. */
export const HISTORY = 512;

/** The statistics of one hop, as numbers (µs; NaN where there is nothing to say yet). */
export interface HopFigures {
  sent: number;
  received: number;
  /** Percent of the settled probes that got no answer; 0 before any. */
  lossPercent: number;
  lastUs: number;
  avgUs: number;
  bestUs: number;
  worstUs: number;
  /** Sample standard deviation (n - 1); 0 with one reply, as mtr's. */
  stdevUs: number;
  /** Mean and largest difference between consecutive round trips; NaN before two replies. */
  jitterMeanUs: number;
  jitterMaxUs: number;
}

export class HopStats {
  sent = 0;
  received = 0;
  lastUs = Number.NaN;
  bestUs = Number.NaN;
  worstUs = Number.NaN;
  #mean = 0;
  #ssd = 0;
  #jitterSum = 0;
  #jitterMax = 0;
  /** The last HISTORY outcomes: a round trip in µs, or NaN for a loss; #count of them so far. */
  readonly #history = new Float64Array(HISTORY);
  #count = 0;

  /** One settled probe: its round trip in µs, or null for no answer. */
  record(rttUs: number | null): void {
    this.sent++;
    this.#history[this.#count % HISTORY] = rttUs ?? Number.NaN;
    this.#count++;
    if (rttUs === null) return;
    if (this.received > 0) {
      const jitter = Math.abs(rttUs - this.lastUs);
      this.#jitterSum += jitter;
      if (jitter > this.#jitterMax) this.#jitterMax = jitter;
    }
    this.received++;
    this.lastUs = rttUs;
    if (this.received === 1 || rttUs < this.bestUs) this.bestUs = rttUs;
    if (this.received === 1 || rttUs > this.worstUs) this.worstUs = rttUs;
    const previous = this.#mean;
    this.#mean += (rttUs - previous) / this.received;
    this.#ssd += (rttUs - previous) * (rttUs - this.#mean);
  }

  /** Forgets everything (the live view's `r`). */
  reset(): void {
    this.sent = 0;
    this.received = 0;
    this.lastUs = Number.NaN;
    this.bestUs = Number.NaN;
    this.worstUs = Number.NaN;
    this.#mean = 0;
    this.#ssd = 0;
    this.#jitterSum = 0;
    this.#jitterMax = 0;
    this.#count = 0;
  }

  figures(): HopFigures {
    const r = this.received;
    return {
      sent: this.sent,
      received: r,
      lossPercent: this.sent === 0 ? 0 : (100 * (this.sent - r)) / this.sent,
      lastUs: this.lastUs,
      avgUs: r === 0 ? Number.NaN : this.#mean,
      bestUs: this.bestUs,
      worstUs: this.worstUs,
      stdevUs: r === 0 ? Number.NaN : r === 1 ? 0 : Math.sqrt(this.#ssd / (r - 1)),
      jitterMeanUs: r < 2 ? Number.NaN : this.#jitterSum / (r - 1),
      jitterMaxUs: r < 2 ? Number.NaN : this.#jitterMax,
    };
  }

  /** The last `n` outcomes (at most HISTORY), oldest first: µs, or NaN for a loss. */
  history(n = HISTORY): number[] {
    const k = Math.min(n, this.#count, HISTORY);
    const out: number[] = [];
    for (let i = this.#count - k; i < this.#count; i++) out.push(this.#history[i % HISTORY] as number);
    return out;
  }
}
