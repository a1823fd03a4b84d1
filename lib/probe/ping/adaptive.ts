// ping -A: the interval follows the round trip, as iputils' update_interval() and pinger() do.
//
//   interval = (smoothed RTT + 0.5 ms) in whole ms, the -i value until a reply came; at least
//              200 ms for a user who is not root (iputils' MINUSERINTERVAL)
//   interval > 0: the next probe an interval after the last one
//   interval 0 (a round trip under half a millisecond): the next probe as soon as fewer than
//              -l probes are unanswered, and at least every 10 ms when none comes back
//              (MININTERVAL): on such a network -A is a flood that prints every reply
//
// The smoothed RTT is the engine's (stats.ts ewma8Us, iputils' rts->rtt: 8 times the mean, each
// new sample weighted 1/8). The first -l probes go at once, as iputils' preload.
import { NS_PER_MS } from '../../socket/clock.js';
import type { ProbeEngine } from '../engine/engine.js';
import type { EngineClock } from '../engine/types.js';
import { Alarm } from '../engine/alarm.js';

/** iputils: the least interval for a user who is not root, ms. */
export const MIN_USER_INTERVAL_MS = 200;
/** iputils: with a zero interval and a full pipe, a probe anyway after this long, ms. */
export const MIN_INTERVAL_MS = 10;

export class AdaptivePace {
  readonly #engine: ProbeEngine;
  readonly #clock: EngineClock;
  readonly #initialMs: number;
  readonly #preload: number;
  readonly #leastMs: number;
  readonly #alarm: Alarm;
  #lastSendAt = Number.NEGATIVE_INFINITY;
  /** Probes handed to the engine, and those it has sent (a pump hands out several before sending). */
  #sends = 0;
  #went = 0;

  /** `initialMs`: -i (the interval until a reply came). `root`: no 200 ms floor. */
  constructor(engine: ProbeEngine, clock: EngineClock, initialMs: number, preload: number, root: boolean) {
    this.#engine = engine;
    this.#clock = clock;
    this.#initialMs = initialMs;
    this.#preload = Math.max(1, preload);
    this.#leastMs = root ? 0 : MIN_USER_INTERVAL_MS;
    this.#alarm = new Alarm(clock, () => engine.wake());
  }

  /** The interval now, whole ms (iputils' update_interval()). */
  intervalMs(): number {
    const ewma8 = this.#engine.stats(0).ewma8Us;
    const estimateUs = ewma8 > 0 ? ewma8 / 8 : this.#initialMs * 1000;
    return Math.max(this.#leastMs, Math.trunc((estimateUs + 500) / 1000));
  }

  /** True when the next probe may go now; otherwise the engine is woken when it may. */
  mayGo(): boolean {
    if (this.#sends < this.#preload) return true;
    const now = this.#clock.now();
    const interval = this.intervalMs();
    let at: number;
    if (interval > 0) at = this.#lastSendAt + interval * NS_PER_MS;
    else if (this.#engine.inFlight + this.#sends - this.#went < this.#preload) return true;
    else at = this.#lastSendAt + MIN_INTERVAL_MS * NS_PER_MS;
    if (now >= at) return true;
    this.#alarm.setBy(at);
    return false;
  }

  /** A probe is handed to the engine now. */
  handedOut(): void {
    this.#sends++;
    this.#lastSendAt = this.#clock.now();
  }

  /** The engine sent one (or the kernel refused it). */
  went(): void {
    this.#went++;
  }

  /** The run is over: no timer left behind. */
  close(): void {
    this.#alarm.cancel();
  }
}
