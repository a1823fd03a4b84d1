// When the next probes may go: the engine's pacing, apart from its loop so that each rule can be
// tested on its own with a number for a clock. Four rules, any of them on or off; the room they
// leave is the smallest of what each allows:
//
//   interval  one probe per interval (ping -i): a credit that refills on a schedule fixed at the
//             start, so the pace does not drift by what each send costs; after a stall longer
//             than an interval the schedule restarts from now (no burst to catch up, as iputils)
//   rate      probes per second (sweep --rate, send --rate), sent in batches: a bucket of tokens
//             that fills at the rate and holds up to a tenth of a second of probes (at least one
//             batch), so an event loop held up for less than that is made up for in the next turns
//   window    most probes outstanding (ping -f, -l): when full, nothing goes until an answer,
//             except one probe after a stall (iputils' flood sends every 10 ms with no replies)
//   back-off  after a transient send error (a full socket buffer): nothing for a millisecond
//
// Times are clock.ts's (ns). The pacer only counts: the engine tells it how many probes are
// outstanding and when each one went.
import { NS_PER_MS } from '../../socket/clock.js';

const NS_PER_S = 1e9;
/** Wait before retrying after a transient send error, ms. */
export const BACKOFF_MS = 1;
/** How far behind a rate may fall and still be caught up, seconds of probes. */
export const RATE_CATCH_UP_S = 0.1;

export interface PacerOptions {
  /** Time between two probes, ms (0: no interval). */
  intervalMs?: number;
  /** Probes per second (0: no rate). */
  rate?: number;
  /** Most probes outstanding (Infinity: no window). */
  window: number;
  /** With a full window: one more anyway after this long without a send, ms (0: never). */
  stallMs?: number;
  /** Probes that may go at once at the start, before the interval applies (ping -l). Default 1. */
  preload?: number;
  /** Probes per batch: the rate's bucket holds at least this many. */
  maxBatch: number;
}

export class Pacer {
  readonly #intervalNs: number;
  readonly #rate: number;
  readonly #window: number;
  readonly #stallNs: number;
  /** The rate's bucket size, probes. */
  readonly #cap: number;

  /** Probes that may go now under the interval. */
  #credit: number;
  #nextSendAt = 0;
  #tokens = 1;
  #tokensAt = 0;
  #backoffUntil = 0;
  #lastSendAt = Number.NEGATIVE_INFINITY;

  constructor(options: PacerOptions) {
    this.#intervalNs = (options.intervalMs ?? 0) * NS_PER_MS;
    this.#rate = options.rate ?? 0;
    this.#window = options.window;
    this.#stallNs = (options.stallMs ?? 0) * NS_PER_MS;
    this.#credit = Math.max(1, options.preload ?? 1);
    this.#cap = Math.max(options.maxBatch, this.#rate * RATE_CATCH_UP_S);
  }

  /** Whether an interval or a rate paces the probes (without one, only the window does). */
  get paced(): boolean {
    return this.#intervalNs > 0 || this.#rate > 0;
  }

  /** The clock starts: the interval's schedule and the rate's bucket count from `now`. */
  start(now: number): void {
    this.#nextSendAt = now + this.#intervalNs;
    this.#tokensAt = now;
  }

  /** How many probes may go at `now`, with `outstanding` probes sent after the newest answered one. */
  room(now: number, outstanding: number): number {
    let room = this.#window - outstanding;
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
      this.#tokens = Math.min(this.#cap, this.#tokens + ((now - this.#tokensAt) * this.#rate) / NS_PER_S);
      this.#tokensAt = now;
      room = Math.min(room, Math.floor(this.#tokens));
    }
    if (now < this.#backoffUntil) room = 0;
    return room;
  }

  /** When the pacing lets the next probe go (Infinity: only an answer can make room). */
  nextAt(now: number, outstanding: number): number {
    let at = now;
    if (now < this.#backoffUntil) at = this.#backoffUntil;
    if (this.#window - outstanding <= 0) {
      at = this.#stallNs > 0 ? Math.max(at, this.#lastSendAt + this.#stallNs) : Number.POSITIVE_INFINITY;
    }
    if (this.#intervalNs > 0 && this.#credit === 0) at = Math.max(at, this.#nextSendAt);
    if (this.#rate > 0 && this.#tokens < 1) at = Math.max(at, now + ((1 - this.#tokens) * NS_PER_S) / this.#rate);
    return at;
  }

  /** One probe went at `at` (or was refused then): one probe's worth of pacing used. */
  spend(at: number): void {
    this.#lastSendAt = at;
    if (this.#intervalNs > 0 && this.#credit > 0) this.#credit--;
    if (this.#rate > 0) this.#tokens -= 1;
  }

  /** The kernel asked us to wait (EAGAIN, ENOBUFS...): nothing goes for BACKOFF_MS. */
  backOff(now: number): void {
    this.#backoffUntil = now + BACKOFF_MS * NS_PER_MS;
  }
}
