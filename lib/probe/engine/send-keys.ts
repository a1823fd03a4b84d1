// Which probe each kernel send timestamp belongs to. With SO_TIMESTAMPING's OPT_ID the kernel
// keys the n-th datagram a socket sends n (lib/socket: SendResult.key), and its send stamp comes
// back later through the error queue with that key alone. The engine notes the key of every
// probe it sends here, and looks the stamps up. A ring, like the probe table: a key is
// remembered until `capacity` keys later; a stamp whose key was overwritten finds nothing.
// Keys are u32 and probe numbers below 2^53: 12 bytes a slot.
import { ringSize } from './ring-size.js';

export class SendKeys {
  readonly #keys: Uint32Array;
  readonly #probes: Float64Array;
  readonly #mask: number;

  /** Remembers at least `capacity` keys (rounded up to a power of two). */
  constructor(capacity: number) {
    const size = ringSize(capacity, 16);
    this.#mask = size - 1;
    this.#keys = new Uint32Array(size);
    // -1: no probe; the key column then means nothing.
    this.#probes = new Float64Array(size).fill(-1);
  }

  /** Probe n went out as the datagram keyed `key` (a u32). */
  record(key: number, n: number): void {
    const s = (key >>> 0) & this.#mask;
    this.#keys[s] = key;
    this.#probes[s] = n;
  }

  /** The probe that went out as `key`, or -1. */
  probeOf(key: number): number {
    const s = (key >>> 0) & this.#mask;
    return this.#keys[s] === key ? (this.#probes[s] as number) : -1;
  }
}
