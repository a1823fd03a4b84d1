// The engine's send side at the syscall: a few buffers the protocol encodes probes into, reused
// for the whole run, and the one call that hands them to the kernel: sendto for one probe,
// sendmmsg for a batch (to one address, or each to its own: from a Uint32Array of IPv4
// addresses, or of IPv6 addresses as four words each, so a sweep makes no address object and
// parses no text per probe; by their text only for IPv6 addresses with a zone). Nothing here
// knows what a probe means; the engine keeps the books. In a flood, sends may go to the
// socket's own send thread instead (queueMany: native/send-queue.h).
//
// The time a send gives is the clock read just before the call: every probe of a batch left
// after it, so it bounds each one's round trip from above and is never later than an answer.
// The kernel's own send time of each probe comes afterwards (SO_TIMESTAMPING), keyed: firstKey
// is the key of the batch's first datagram, the others follow it.
import type { ProbeTable } from './table.js';
import { WORDS6, type TargetList } from './targets.js';
import type { EngineClock, ProbeSocket } from './types.js';

export class Outbox {
  /** Most probes per batch. */
  readonly size: number;
  /** Where each batched probe goes, as a u32, when they do not all go to one address. */
  readonly destinations: Uint32Array;
  /** The same for IPv6 targets, WORDS6 words each; `destinationWords` says which destinationsFor filled (1 or WORDS6). */
  readonly destinations6: Uint32Array;
  destinationWords = 1;
  /** The same as text, for IPv6 targets with a zone; `named` says destinationsFor filled these. */
  readonly names: string[] = [];
  named = false;
  /**
   * Filled by send(): how many the kernel took, the clock before the call, the send-stamp key of
   * the first (-1: no stamps will come), and why it stopped.
   */
  sent = 0;
  sentAt = 0;
  firstKey = -1;
  error: Error | null = null;

  // pool[i] is what the protocol writes; views[i] is pool[i] cut to its length, what is sent
  readonly #pool: Buffer[] = [];
  readonly #lengths: number[] = [];
  readonly #views: Buffer[] = [];
  /** Whether to send through the socket's own thread when it has one (EngineOptions.sendThread). */
  readonly #wantThread: boolean;
  /**
   * Whether sends go to the socket's thread now: from the first send that went wholly well (so a
   * destination that refuses every probe is told of by the kernel at once, as without a thread)
   * until one is refused. Queued probes count as sent; what the thread could not send comes back
   * through refusals().
   */
  #threaded = false;

  constructor(size: number, maxProbeLength: number, sendThread = false) {
    this.size = size;
    this.#wantThread = sendThread;
    this.destinations = new Uint32Array(size);
    this.destinations6 = new Uint32Array(size * WORDS6);
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
   * The address all k probes from `first` go to, or null after filling each one's: u32s in
   * `destinations` for IPv4 (no address object per probe), words in `destinations6` for IPv6,
   * the text in `names` for IPv6 with a zone.
   */
  destinationsFor(table: ProbeTable, targets: TargetList, first: number, k: number): string | null {
    if (targets.addresses.length === 1) return targets.addresses[0]!;
    if (k === 1 && !targets.ipv6) return targets.addresses[table.target[table.slot(first)] as number]!;
    this.named = targets.zoned;
    this.destinationWords = targets.ipv6 ? WORDS6 : 1;
    const words6 = targets.words6;
    for (let i = 0; i < k; i++) {
      const target = table.target[table.slot(first + i)] as number;
      if (this.named) {
        this.names[i] = targets.addresses[target]!;
      } else if (this.destinationWords === WORDS6) {
        const from = target * WORDS6;
        const to = i * WORDS6;
        for (let w = 0; w < WORDS6; w++) this.destinations6[to + w] = words6[from + w]!;
      } else {
        this.destinations[i] = targets.values[target]!;
      }
    }
    return null;
  }

  /**
   * What the send thread could not send since the last call, by probe number (tag) and why; with
   * `flush`, after waiting for everything queued (the end of a run). A refusal ends the thread's
   * turn: sends go directly again, once everything queued has gone, until one goes wholly well.
   */
  refusals(socket: ProbeSocket, flush: boolean): readonly { tag: number; error: Error }[] {
    if (!this.#threaded) return [];
    if (flush) socket.flushQueued?.();
    const failures = socket.takeSendFailures?.() ?? null;
    if (failures === null) return [];
    socket.flushQueued?.();
    this.#threaded = false;
    return failures.concat(socket.takeSendFailures?.() ?? []);
  }

  /**
   * Sends the first k probes of the batch: all to `to`, or (to null) each to destinations[i]
   * (destinations6's words when destinationWords is WORDS6, names[i] when `named`); `tag` (the
   * first probe's number) names them in the send thread's failures. Never throws: a refusal is
   * in `error`, with `sent` probes gone before it.
   */
  send(socket: ProbeSocket, clock: EngineClock, k: number, to: string | null, tag: number): void {
    this.sent = 0;
    this.firstKey = -1;
    this.error = null;
    try {
      if (this.#threaded) {
        const r = socket.queueMany!(this.#first(k), to ?? this.#each(k), tag);
        this.sent = k;
        this.sentAt = r.sentAt;
        this.firstKey = r.firstKey;
        return;
      }
      this.#sendNow(socket, k, to);
      if (this.#wantThread && this.sent === k && this.error === null && socket.queueMany !== undefined) this.#threaded = true;
    } catch (e) {
      this.error = e instanceof Error ? e : new Error(String(e));
      this.sentAt = clock.now();
    }
  }

  /** The first k probes' buffers (the whole list when the batch is full: no copy). */
  #first(k: number): Buffer[] {
    return this.#views.length === k ? this.#views : this.#views.slice(0, k);
  }

  #each(k: number): Uint32Array | string[] {
    return this.named ? this.names.slice(0, k) : this.#numbers(k);
  }

  /** sendTo for one probe to one address, else sendmmsg. */
  #sendNow(socket: ProbeSocket, k: number, to: string | null): void {
    if (k === 1 && to !== null) {
      const r = socket.sendTo(this.#views[0]!, to);
      this.sentAt = r.sentAt;
      this.firstKey = r.key ?? -1;
      this.sent = 1;
      return;
    }
    const r = socket.sendMany(this.#first(k), to ?? this.#each(k));
    this.sent = r.sent;
    this.sentAt = r.sentAt;
    this.firstKey = r.firstKey ?? -1;
    this.error = r.error;
  }

  /** The first k destinations as numbers: one per probe (IPv4) or WORDS6 (IPv6). */
  #numbers(k: number): Uint32Array {
    const list = this.destinationWords === WORDS6 ? this.destinations6 : this.destinations;
    const length = k * this.destinationWords;
    return length === list.length ? list : list.subarray(0, length);
  }
}
