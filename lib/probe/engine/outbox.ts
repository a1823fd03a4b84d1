// The engine's send side at the syscall: a few buffers the protocol encodes probes into, reused
// for the whole run, and the one call that hands them to the kernel: sendto for one probe,
// sendmmsg for a batch (to one address, or each to its own: from a Uint32Array of IPv4
// addresses, so a sweep makes no address object per probe, or by their text when they are
// IPv6). Nothing here knows what a probe means; the engine keeps the books.
import type { EngineClock, ProbeSocket } from './types.js';

export class Outbox {
  /** Most probes per batch. */
  readonly size: number;
  /** Where each batched probe goes, as a u32, when they do not all go to one address. */
  readonly destinations: Uint32Array;
  /** The same as text, for IPv6 targets; `named` says which of the two the engine filled. */
  readonly names: string[] = [];
  named = false;
  /** Filled by send(): how many the kernel took, when, the step between two of them, and why it stopped. */
  sent = 0;
  sentAt = 0;
  step = 0;
  error: Error | null = null;

  // pool[i] is what the protocol writes; views[i] is pool[i] cut to its length, what is sent
  readonly #pool: Buffer[] = [];
  readonly #lengths: number[] = [];
  readonly #views: Buffer[] = [];

  constructor(size: number, maxProbeLength: number) {
    this.size = size;
    this.destinations = new Uint32Array(size);
    // One block for all of them: the addon reads every buffer of a batch, and views into one
    // ArrayBuffer cost it less than an ArrayBuffer each.
    const block = Buffer.alloc(size * maxProbeLength);
    for (let i = 0; i < size; i++) {
      const b = block.subarray(i * maxProbeLength, (i + 1) * maxProbeLength);
      this.#pool.push(b);
      this.#lengths.push(b.length);
      this.#views.push(b);
    }
  }

  /** The buffer probe k of the batch is encoded into. */
  buffer(k: number): Buffer {
    return this.#pool[k]!;
  }

  /** Probe k of the batch is `length` bytes long. */
  setLength(k: number, length: number): void {
    if (this.#lengths[k] === length) return; // the view already has that length
    const buf = this.#pool[k]!;
    this.#lengths[k] = length;
    this.#views[k] = length === buf.length ? buf : buf.subarray(0, length);
  }

  lengthOf(k: number): number {
    return this.#lengths[k]!;
  }

  /**
   * Sends the first k probes of the batch: all to `to`, or (to null) each to destinations[i]
   * (names[i] when `named`).
   * Never throws: a refusal is in `error`, with `sent` probes gone before it.
   */
  send(socket: ProbeSocket, clock: EngineClock, k: number, to: string | null): void {
    this.sent = 0;
    this.step = 0;
    this.error = null;
    try {
      if (k === 1 && to !== null) {
        this.sentAt = socket.sendTo(this.#views[0]!, to).sentAt;
        this.sent = 1;
        return;
      }
      const views = this.#views.length === k ? this.#views : this.#views.slice(0, k);
      const each = this.named ? this.names.slice(0, k) : k === this.size ? this.destinations : this.destinations.subarray(0, k);
      const r = socket.sendMany(views, to ?? each);
      this.sent = r.sent;
      this.sentAt = r.sentAt;
      this.error = r.error;
      // One timestamp is taken before sendmmsg, which hands the kernel its messages one after
      // the other (on loopback and veth each one's round trip even completes inside the call):
      // message i is sent about i steps after the first, a step being the call's duration over
      // the messages it sent. Without this, the last probe of a 64-probe batch would carry 63
      // sends' worth of our own queueing in its RTT.
      if (r.sent > 1) this.step = (clock.now() - r.sentAt) / r.sent;
    } catch (e) {
      this.error = e instanceof Error ? e : new Error(String(e));
      this.sentAt = clock.now();
    }
  }
}
