// A session's pause switch (the live views' p): the session hands pause() and resume() to its
// handler, which run() makes later; what was asked before then is applied when it comes.
export interface Pausable {
  pause(): void;
  resume(): void;
  readonly paused: boolean;
}

export class PauseSwitch implements Pausable {
  #target: Pausable | null = null;
  #paused = false;

  /** The handler run() made: paused at once when pause() came first. */
  attach<T extends Pausable>(target: T): T {
    this.#target = target;
    if (this.#paused) target.pause();
    return target;
  }

  pause(): void {
    this.#paused = true;
    this.#target?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#target?.resume();
  }

  get paused(): boolean {
    return this.#target?.paused ?? this.#paused;
  }
}
