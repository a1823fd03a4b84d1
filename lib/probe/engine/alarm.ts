// One timer for the next thing to do, on the engine's clock: set for a clock time (ns), rounded
// up to the whole milliseconds timers have (a due time fires on the next turn, 0 ms), and left
// alone when it is already set for that time, so the engine can ask for it after every event
// without making a timer each time.
import { NS_PER_MS } from '../../socket/clock.js';
import type { EngineClock } from './types.js';

export class Alarm {
  readonly #clock: EngineClock;
  readonly #fire: () => void;
  #handle: unknown = null;
  #at = Number.POSITIVE_INFINITY;

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
    this.#handle = this.#clock.setTimeout(this.#ring, at <= now ? 0 : Math.max(1, Math.ceil((at - now) / NS_PER_MS)));
  }

  /** Fires at `at` unless it is already set to fire no later. */
  setBy(at: number): void {
    if (this.#handle === null || at < this.#at) this.set(at);
  }

  cancel(): void {
    if (this.#handle !== null) this.#clock.clearTimeout(this.#handle);
    this.#handle = null;
    this.#at = Number.POSITIVE_INFINITY;
  }

  #ring = (): void => {
    this.#handle = null;
    this.#at = Number.POSITIVE_INFINITY;
    this.#fire();
  };
}
