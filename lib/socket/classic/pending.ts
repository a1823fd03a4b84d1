// The calls waiting on one side of a socket (its readers: accept, recv; its writers: connect,
// send), in the order they were made. Policy, all of it TypeScript's: an operation is tried
// when it reaches the head of its queue and again each time the socket is ready, until it
// finishes; a timeout or close() ends it without another syscall.
//
// A call made while its queue is empty is tried at once, in the caller's tick, by the socket
// (before it queues anything): a recv that finds data waiting never touches the poll handle.
import type { SocketError } from '../errors.js';

export interface Operation {
  /** The classic call it makes ('recv', 'accept', ...): named in its timeout and close errors. */
  readonly call: string;
  /** Makes its call; true when the operation is finished (settled either way), false when it would block. */
  attempt(): boolean;
  /** Ends it with `error` (timeout, close) without another call. */
  abandon(error: SocketError): void;
  /**
   * false while it waits on a timer of its own rather than on readiness (a unix connect
   * refused with EAGAIN retries later: an unconnected unix socket always polls "hung up").
   */
  readonly waitsForReadiness: boolean;
}

interface Entry {
  readonly op: Operation;
  timer: NodeJS.Timeout | null;
}

export class PendingQueue {
  #entries: Entry[] = [];
  #changed: () => void;
  #refed = true;

  /** `changed` runs when an operation leaves the queue other than through run() (timeout). */
  constructor(changed: () => void) {
    this.#changed = changed;
  }

  get length(): number {
    return this.#entries.length;
  }

  /** true when the head waits for the socket to be ready (see Operation.waitsForReadiness). */
  get wantsReadiness(): boolean {
    const head = this.#entries[0];
    return head !== undefined && head.op.waitsForReadiness;
  }

  /**
   * Queues `op`, which has been tried and would block (or has calls ahead of it). `timeoutMs`
   * (null: none) counts from now; when it passes, `timedOut()` is the error.
   */
  wait(op: Operation, timeoutMs: number | null, timedOut: () => SocketError): void {
    const entry: Entry = { op, timer: null };
    if (timeoutMs !== null) {
      entry.timer = setTimeout(() => this.#expire(entry, timedOut()), timeoutMs);
      if (!this.#refed) entry.timer.unref();
    }
    this.#entries.push(entry);
  }

  /** Tries the operations from the head while they finish; stops at the first that would block. */
  run(): void {
    while (this.#entries.length > 0) {
      const head = this.#entries[0] as Entry;
      if (!head.op.attempt()) return;
      if (this.#entries[0] === head) this.#entries.shift();
      if (head.timer !== null) clearTimeout(head.timer);
    }
  }

  /** Ends every waiting operation with the error `why(op)` makes for it (close, polling lost). */
  abandonAll(why: (op: Operation) => SocketError): void {
    for (const entry of this.#entries.splice(0)) {
      if (entry.timer !== null) clearTimeout(entry.timer);
      entry.op.abandon(why(entry.op));
    }
  }

  /** Whether the timeouts keep the process alive (they follow the socket's ref()/unref()). */
  setRefed(refed: boolean): void {
    this.#refed = refed;
    for (const entry of this.#entries) {
      if (refed) entry.timer?.ref();
      else entry.timer?.unref();
    }
  }

  #expire(entry: Entry, error: SocketError): void {
    const index = this.#entries.indexOf(entry);
    if (index < 0) return;
    this.#entries.splice(index, 1);
    entry.op.abandon(error);
    this.#changed();
  }
}
