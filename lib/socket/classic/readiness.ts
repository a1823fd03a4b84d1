// What the poll handle watches for (native/readiness.cc does the watching): readable while a
// reader waits, writable while a writer waits, nothing otherwise, so an idle socket holds no
// active handle and never keeps the process alive.
//
// Arming is immediate (a waiting call must be woken); disarming waits until the event loop
// has run the callbacks of this turn: the code that awaited a recv usually calls recv again
// at once, and dropping the watch in between would cost two epoll_ctl calls per read.
import { addon, type NativeReadyCallback, type NativeSocket } from '../addon.js';

export class Readiness {
  #native: NativeSocket;
  #wanted: () => number;
  #callback: NativeReadyCallback;
  #armed = 0;
  #settling: NodeJS.Immediate | null = null;
  #stopped = false;

  /** `wanted()` says which readiness bits the waiting calls need; `onReady` gets each wake-up. */
  constructor(native: NativeSocket, wanted: () => number, onReady: NativeReadyCallback) {
    this.#native = native;
    this.#wanted = wanted;
    this.#callback = onReady;
  }

  /** The readiness bits (native/socket.h), read from the addon. */
  static get bits(): { readable: number; writable: number; error: number; failed: number } {
    return addon().readiness;
  }

  /** Call after the waiting calls changed: arms what is newly wanted, drops the rest later. */
  sync(): void {
    if (this.#stopped) return;
    const want = this.#wanted();
    if (want === this.#armed) return;
    if ((want & ~this.#armed) !== 0) {
      this.#arm(want);
      return;
    }
    this.#settling ??= setImmediate(this.#settle);
  }

  /** The socket is closing: the addon drops the handle itself; nothing more is armed. */
  stop(): void {
    this.#stopped = true;
    this.#armed = 0;
    if (this.#settling !== null) clearImmediate(this.#settling);
    this.#settling = null;
  }

  /** Polling failed for good: the addon has stopped watching. */
  lost(): void {
    this.#armed = 0;
  }

  #settle = (): void => {
    this.#settling = null;
    if (this.#stopped) return;
    const want = this.#wanted();
    if (want !== this.#armed) this.#arm(want);
  };

  #arm(mask: number): void {
    this.#native.watch(mask === 0 ? null : this.#callback, mask);
    this.#armed = mask;
  }
}
