// One timer for the next thing to do, on the engine's clock: set for a clock time (ns), rounded
// up to the whole milliseconds timers have, and left alone when it is already set for that time,
// so the engine can ask for it after every event without making a timer each time. A time that
// is due fires on the next turn of the event loop, after it has polled for I/O (setImmediate,
// when the clock has it): Node makes a 0 ms timer wait a whole millisecond, which an unpaced
// sender would spend idle after every burst.
import { NS_PER_MS } from '../../socket/clock.js';
import type { EngineClock } from './types.js';

export class Alarm {
  readonly #clock: EngineClock;
  readonly #fire: () => void;
  #handle: unknown = null;
  #at = Number.POSITIVE_INFINITY;
  /** The handle is a setImmediate token (it cannot be cleared: a stale one is ignored when it runs). */
  #immediate = false;
  #tokens = 0;

  constructor(clock: EngineClock, fire: () => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  /** Set and not fired yet. */
  get pending(): boolean {
    return this.#handle !== null;
  }

  /** Fires at clock time `at` (Infinity: never), instead of whenever it was set for. */
  set(at: number): void {
    if (at === Number.POSITIVE_INFINITY) {
      this.cancel();
      return;
    }
    if (this.#handle !== null && this.#at === at) return;
    this.cancel();
    const now = this.#clock.now();
    this.#at = at;
    if (at <= now && this.#clock.setImmediate !== undefined) {
      const token = ++this.#tokens;
      this.#handle = token;
      this.#immediate = true;
      this.#clock.setImmediate(() => {
        if (this.#handle === token) this.#ring();
      });
      return;
    }
    this.#handle = this.#clock.setTimeout(this.#ring, at <= now ? 0 : Math.max(1, Math.ceil((at - now) / NS_PER_MS)));
  }

  /** Fires at `at` unless it is already set to fire no later. */
  setBy(at: number): void {
    if (this.#handle === null || at < this.#at) this.set(at);
  }

  cancel(): void {
    if (this.#handle !== null && !this.#immediate) this.#clock.clearTimeout(this.#handle);
    this.#handle = null;
    this.#immediate = false;
    this.#at = Number.POSITIVE_INFINITY;
  }

  #ring = (): void => {
    this.#handle = null;
    this.#immediate = false;
    this.#at = Number.POSITIVE_INFINITY;
    this.#fire();
  };
}
