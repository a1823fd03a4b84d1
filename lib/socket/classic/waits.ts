// The calls waiting on one socket: its readers (accept, recv*) and writers (connect, send*),
// and what the poll handle watches for them. Made on the first call that has to wait: a socket
// accepted and closed at once, as a busy server's often are, never builds any of it.
import type { NativeReadyCallback, NativeSocket } from '../addon.js';
import type { SocketError } from '../errors.js';
import { PendingQueue, type Operation } from './pending.js';
import { Readiness } from './readiness.js';

export class Waits {
  readonly readers: PendingQueue;
  readonly writers: PendingQueue;
  #readiness: Readiness;
  #open: () => boolean;

  /** `open()` says whether the socket is still open: a closed one runs nothing more. */
  constructor(native: NativeSocket, open: () => boolean) {
    this.#open = open;
    this.readers = new PendingQueue(() => this.changed(this.readers));
    this.writers = new PendingQueue(() => this.changed(this.writers));
    const bits = Readiness.bits;
    this.#readiness = new Readiness(
      native,
      () => (this.readers.wantsReadiness ? bits.readable : 0) | (this.writers.wantsReadiness ? bits.writable : 0),
      this.#onReady,
    );
  }

  /** After a call was queued: watch for what it needs. */
  sync(): void {
    this.#readiness.sync();
  }

  /** An operation left `queue` on its own (timeout) or asked to be tried again (retry). */
  changed(queue: PendingQueue): void {
    if (!this.#open()) return;
    queue.run();
    if (this.#open()) this.#readiness.sync();
  }

  setRefed(refed: boolean): void {
    this.readers.setRefed(refed);
    this.writers.setRefed(refed);
  }

  /** The socket is closing: every waiting call ends with `why(op)`; nothing is watched any more. */
  close(why: (op: Operation) => SocketError): void {
    this.#readiness.stop();
    this.readers.abandonAll(why);
    this.writers.abandonAll(why);
  }

  #onReady: NativeReadyCallback = (events, error) => {
    const bits = Readiness.bits;
    if ((events & bits.failed) !== 0) {
      this.#readiness.lost();
      const lost = (): SocketError => error as SocketError;
      this.readers.abandonAll(lost);
      this.writers.abandonAll(lost);
      return;
    }
    if ((events & (bits.readable | bits.error)) !== 0) this.readers.run();
    if (this.#open() && (events & (bits.writable | bits.error)) !== 0) this.writers.run();
    if (this.#open()) this.#readiness.sync();
  };
}
