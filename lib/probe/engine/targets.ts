// The engine's targets: each one's address as text (what a person reads and sendto takes), as a
// number (what answers are compared with: an IPv4 address as its u32, an IPv6 address as its
// address6Key), an IPv6 address also as four words (what probes are written and sendmmsg'd to:
// no text parsed per probe), and its statistics. Indices are what handlers choose between; a sweep adds
// indices as it needs more targets at once and points finished ones at new addresses, so the
// list follows what is in flight, not the length of the sweep.
import { parseIpv4 } from '../../wire/bytes.js';
import { address6KeyOf, ipv6WordsOf } from '../../wire/ipv6-address.js';
import { newTargetStats, resetTargetStats, type TargetStats } from './stats.js';

/** An address as the engine compares it: IPv4 as its u32, IPv6 (it has a colon) as its address6Key. */
export function targetValue(address: string): number {
  return address.includes(':') ? address6KeyOf(address) : parseIpv4(address);
}

/** Words per target in TargetList.words6. */
export const WORDS6 = 4;

export class TargetList {
  readonly addresses: string[];
  readonly values: number[];
  readonly stats: TargetStats[];
  /** Some target is IPv6: a batch to several targets names them by words6, not as u32s. */
  ipv6 = false;
  /** Some IPv6 target has a zone (fe80::1%eth0), which words6 cannot carry: a batch names them as text. */
  zoned = false;
  /**
   * IPv6 targets' addresses, WORDS6 words per index (lib/wire readIpv6Words; meaningless for
   * IPv4 ones). Replaced when it grows: read it again after add().
   */
  words6: Uint32Array;

  constructor(addresses: readonly string[]) {
    if (addresses.length === 0) throw new RangeError('the engine needs at least one target');
    this.addresses = [...addresses];
    this.values = this.addresses.map((a) => targetValue(a));
    this.stats = this.addresses.map(() => newTargetStats());
    this.words6 = new Uint32Array(this.addresses.length * WORDS6);
    this.addresses.forEach((a, i) => this.#setWords(i, a, null));
  }

  /**
   * Adds a target and returns its index; `value` is the address as a number, and `words` an IPv6
   * address's four words (at words[0..4)), when the caller has them.
   */
  add(address: string, value: number = targetValue(address), words: ArrayLike<number> | null = null): number {
    const i = this.addresses.length;
    this.addresses.push(address);
    this.values.push(value);
    this.stats.push(newTargetStats());
    if ((i + 1) * WORDS6 > this.words6.length) {
      const grown = new Uint32Array(this.words6.length * 2);
      grown.set(this.words6);
      this.words6 = grown;
    }
    this.#setWords(i, address, words);
    return i;
  }

  /**
   * Points index i at another address, its statistics starting again (the same object, reset:
   * a sweep does this for every target, and a new object each time is garbage the GC must chase).
   * `value` and `words` as in add().
   */
  set(i: number, address: string, value?: number, words: ArrayLike<number> | null = null): void {
    if (!(i >= 0 && i < this.addresses.length)) throw new RangeError(`no target ${i}`);
    this.values[i] = value ?? targetValue(address);
    this.addresses[i] = address;
    this.#setWords(i, address, words);
    resetTargetStats(this.stats[i]!);
  }

  statsOf(i: number): TargetStats {
    const s = this.stats[i];
    if (s === undefined) throw new RangeError(`no target ${i}`);
    return s;
  }

  /** words6 of index i: copied from `words`, else read from IPv6 text. */
  #setWords(i: number, address: string, words: ArrayLike<number> | null): void {
    const at = i * WORDS6;
    if (words !== null) {
      for (let w = 0; w < WORDS6; w++) this.words6[at + w] = words[w]!;
      this.ipv6 = true;
    } else if (address.includes(':')) {
      ipv6WordsOf(address, this.words6, at);
      this.ipv6 = true;
      if (address.includes('%')) this.zoned = true;
    }
    // An IPv4 address leaves its words as they were: nothing reads them.
  }
}
