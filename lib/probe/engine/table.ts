// The engine's memory of probes: a ring of the last `capacity` probes, one typed array per
// field (no object per probe), plus an index from probe key to ring slot.
//
// A probe is remembered after it is answered so that a second copy is recognised as a
// duplicate and an answer after the timeout as late, as iputils' 64 Ki-bit "received" table
// does for sequence numbers. When the ring wraps, the oldest probe is forgotten: an answer to
// it is then nobody's (iputils forgets the same way when its sequence numbers wrap). Memory is
// fixed at creation, whatever the number of targets or the length of the run, or (a sweep) starts
// small and grows to its limit when the slot a new probe needs still holds one in flight (grow()):
// small while answers keep up, whole when probes wait for their timeouts (dead address space).
// One step, not doublings: each smaller table would be garbage still resident at the peak.
//
// The index is a hash table in an Int32Array twice the ring's size (open addressing, linear
// probing, deletion by backward shift): one entry per key, the ring slot of the newest probe
// with that key. A Map did the same, but every call boxed a key above 2^30 (an echo key is
// identifier << 16 | sequence) and cost as much as matching the datagram; a flood does three per
// probe. Keys are spread by Fibonacci hashing, so consecutive keys (sequences, ports) never
// collide.

/** Life of a probe. */
import { newTypedColumns } from './columns.js';
import { ringSize } from './ring-size.js';

export const PROBE_STATE = {
  /** Slot never used, or its probe forgotten. */
  free: 0,
  /** Encoded but not handed to the kernel yet (a full socket buffer asked us to wait). */
  pending: 1,
  /** Sent, no answer yet, not timed out. */
  inFlight: 2,
  /** A good reply came. */
  replied: 3,
  /** An ICMP error came (a reply may still follow). */
  errored: 4,
  /** Its time ran out before any answer. */
  timedOut: 5,
  /** A reply came after it had timed out. */
  late: 6,
  /** The kernel refused to send it. */
  failed: 7,
} as const;
export type ProbeState = (typeof PROBE_STATE)[keyof typeof PROBE_STATE];

/**
 * Which clock a probe's sentAt comes from: the clock read just before the send call (an upper
 * bound: the probe left after it), the kernel's software send stamp, or the interface's.
 */
export const SEND_CLOCK = { user: 0, kernel: 1, hardware: 2 } as const;
export type SendClock = (typeof SEND_CLOCK)[keyof typeof SEND_CLOCK];

/** The per-probe columns below, declared once: the constructor makes them all from this list. */
const PROBE_COLUMNS = {
  number: Float64Array, state: Uint8Array, key: Float64Array, target: Int32Array, ttl: Uint8Array, tos: Uint8Array,
  timeout: Float64Array, deadline: Float64Array, sentAt: Float64Array, sendClock: Uint8Array,
  requestedAt: Float64Array, kernelSentAt: Float64Array, ordinal: Float64Array,
} as const;

const COLUMN_KEYS = Object.keys(PROBE_COLUMNS) as (keyof typeof PROBE_COLUMNS)[];

/**
 * The columns are replaced when the table grows: read them through the table (table.sentAt[s]),
 * never keep one across a call that may make a probe (Ledger.evict).
 */
export class ProbeTable {
  capacity: number;
  /** The most it grows to. */
  readonly maxCapacity: number;
  #mask: number;
  /** Which probe number a slot holds (-1: none). */
  declare readonly number: Float64Array;
  declare readonly state: Uint8Array;
  declare readonly key: Float64Array;
  declare readonly target: Int32Array;
  declare readonly ttl: Uint8Array;
  declare readonly tos: Uint8Array;
  /** ms to wait, until sent; then the deadline (clock.ts ns) */
  declare readonly timeout: Float64Array;
  declare readonly deadline: Float64Array;
  /** The send time answers are timed from (clock.ts ns): the best one known, sendClock says which. */
  declare readonly sentAt: Float64Array;
  declare readonly sendClock: Uint8Array;
  /** The clock read just before the send call, the kernel's software stamp (NaN: none). */
  declare readonly requestedAt: Float64Array;
  declare readonly kernelSentAt: Float64Array;
  /** The interface's send stamp (NaN: none); made with the first one (--hw-timestamps only). */
  hardwareSentAt: Float64Array | null = null;
  /** 1-based position of the probe among those sent to its target (iputils' sequence). */
  declare readonly ordinal: Float64Array;
  /** Ring slot of the newest probe with the key that hashes here (or after, probing), -1: none. */
  #index!: Int32Array;
  #indexShift = 0;
  #indexMask = 0;
  #indexed = 0;

  /** capacity, and maxCapacity (default: capacity, fixed), are rounded up to powers of two (at least 16). */
  constructor(capacity: number, maxCapacity = capacity) {
    const size = ringSize(capacity, 16);
    this.capacity = size;
    this.maxCapacity = Math.max(size, ringSize(maxCapacity, 16));
    this.#mask = size - 1;
    Object.assign(this, newTypedColumns(PROBE_COLUMNS, size));
    this.number.fill(-1);
    this.#newIndex(size);
  }

  #newIndex(size: number): void {
    const bits = Math.log2(size) + 1;
    this.#index = new Int32Array(1 << bits).fill(-1);
    this.#indexShift = 32 - bits;
    this.#indexMask = (1 << bits) - 1;
    this.#indexed = 0;
  }

  /**
   * Grows the ring to maxCapacity (false when it is there already): every remembered probe keeps
   * its fields in its new slot, and every key the index holds points at its probe's new slot, so
   * lookup() answers as before. `next` is the next probe's number: the ring holds probes from
   * next - capacity on.
   */
  grow(next: number): boolean {
    if (this.capacity >= this.maxCapacity) return false;
    const old = this.capacity;
    const size = this.maxCapacity;
    const from = COLUMN_KEYS.map((k) => this[k]);
    const numbers = this.number;
    const hardware = this.hardwareSentAt;
    const index = this.#index;
    Object.assign(this, newTypedColumns(PROBE_COLUMNS, size));
    this.number.fill(-1);
    if (hardware !== null) this.hardwareSentAt = new Float64Array(size).fill(Number.NaN);
    this.capacity = size;
    this.#mask = size - 1;
    for (let n = Math.max(0, next - old); n < next; n++) {
      const s = n & (old - 1);
      if (numbers[s] !== n) continue;
      const t = n & this.#mask;
      for (let c = 0; c < COLUMN_KEYS.length; c++) this[COLUMN_KEYS[c]!][t] = from[c]![s] as number;
      if (hardware !== null) this.hardwareSentAt![t] = hardware[s]!;
    }
    this.#newIndex(size);
    for (const s of index) {
      if (s < 0) continue;
      const t = (numbers[s] as number) & this.#mask;
      this.#index[this.#find(this.key[t] as number)] = t;
      this.#indexed++;
    }
    return true;
  }

  slot(n: number): number {
    return n & this.#mask;
  }

  /** True when probe n is still remembered. */
  has(n: number): boolean {
    return n >= 0 && this.number[n & this.#mask] === n;
  }

  /** The state of probe n, PROBE_STATE.free when forgotten. */
  stateOf(n: number): ProbeState {
    const s = n & this.#mask;
    return (this.number[s] === n ? this.state[s] : PROBE_STATE.free) as ProbeState;
  }

  /** The probe that occupies n's slot now (n itself, an older probe, or -1). */
  occupant(n: number): number {
    return this.number[n & this.#mask] as number;
  }

  /**
   * Claims the slot for probe n (forgetting the slot's previous probe: the caller has dealt
   * with it) and indexes it by key. A newer probe with the same key replaces an older one. A
   * negative key (nothing can answer the probe) is not indexed.
   */
  add(n: number, key: number, target: number, ttl: number, tos: number, timeoutMs: number): void {
    const s = n & this.#mask;
    this.forget(s);
    this.number[s] = n;
    this.state[s] = PROBE_STATE.pending;
    this.key[s] = key;
    this.target[s] = target;
    this.ttl[s] = ttl;
    this.tos[s] = tos;
    this.timeout[s] = timeoutMs;
    this.deadline[s] = Number.POSITIVE_INFINITY;
    this.sentAt[s] = Number.NaN;
    this.sendClock[s] = SEND_CLOCK.user;
    this.requestedAt[s] = Number.NaN;
    this.kernelSentAt[s] = Number.NaN;
    if (this.hardwareSentAt !== null) this.hardwareSentAt[s] = Number.NaN;
    this.ordinal[s] = 0;
    if (key < 0) return; // nothing will answer it: not indexed
    const e = this.#find(key);
    if (this.#index[e] === -1) this.#indexed++;
    this.#index[e] = s;
  }

  /** Empties slot s, removing its key from the index if the key still points at it. */
  forget(s: number): void {
    if ((this.number[s] as number) < 0) return;
    if ((this.key[s] as number) >= 0) {
      const e = this.#find(this.key[s] as number);
      if (this.#index[e] === s) this.#remove(e);
    }
    this.number[s] = -1;
    this.state[s] = PROBE_STATE.free;
  }

  /** The remembered probe with this key, or -1. */
  lookup(key: number): number {
    const s = this.#index[this.#find(key)] as number;
    return s < 0 ? -1 : (this.number[s] as number);
  }

  /** Keys indexed (for tests: the index never outgrows the ring). */
  get indexed(): number {
    return this.#indexed;
  }

  /** Where `key` is, or the empty entry where it would go. */
  #find(key: number): number {
    const index = this.#index;
    const mask = this.#indexMask;
    let e = this.#home(key);
    for (;;) {
      const s = index[e] as number;
      if (s < 0 || this.key[s] === key) return e;
      e = (e + 1) & mask;
    }
  }

  /** A key's first entry: the low 32 bits and the rest, mixed (Fibonacci hashing), top bits kept. */
  #home(key: number): number {
    const low = key >>> 0;
    const high = (key / 4294967296) >>> 0;
    return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> this.#indexShift;
  }

  /** Empties entry e, moving back the entries after it that would no longer be found. */
  #remove(e: number): void {
    const index = this.#index;
    const mask = this.#indexMask;
    let hole = e;
    let j = e;
    for (;;) {
      j = (j + 1) & mask;
      const s = index[j] as number;
      if (s < 0) break;
      const home = this.#home(this.key[s] as number);
      // It stays when its home lies cyclically in (hole, j]: the walk from home still finds it.
      if (hole <= j ? hole < home && home <= j : hole < home || home <= j) continue;
      index[hole] = s;
      hole = j;
    }
    index[hole] = -1;
    this.#indexed--;
  }
}
