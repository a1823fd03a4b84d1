// The engine's targets: each one's address as text (what the socket sends to) and as a u32
// (what answers are compared with), and its statistics. Indices are what handlers choose
// between; a sweep adds indices as it needs more targets at once and points finished ones at
// new addresses, so the list follows what is in flight, not the length of the sweep.
import { parseIpv4 } from '../../wire/bytes.js';
import { newTargetStats, type TargetStats } from './stats.js';

/** What set() resets a target's statistics to. */
const FRESH_STATS: Readonly<TargetStats> = Object.freeze(newTargetStats());

export class TargetList {
  readonly addresses: string[];
  readonly values: number[];
  readonly stats: TargetStats[];

  constructor(addresses: readonly string[]) {
    if (addresses.length === 0) throw new RangeError('the engine needs at least one target');
    this.addresses = [...addresses];
    this.values = this.addresses.map((a) => parseIpv4(a));
    this.stats = this.addresses.map(() => newTargetStats());
  }

  /** Adds a target and returns its index; `value` is the address as a u32 when the caller has it. */
  add(address: string, value: number = parseIpv4(address)): number {
    this.addresses.push(address);
    this.values.push(value);
    this.stats.push(newTargetStats());
    return this.addresses.length - 1;
  }

  /**
   * Points index i at another address, its statistics starting again (the same object, reset:
   * a sweep does this for every target, and a new object each time is garbage the GC must chase).
   */
  set(i: number, address: string, value?: number): void {
    if (!(i >= 0 && i < this.addresses.length)) throw new RangeError(`no target ${i}`);
    this.values[i] = value ?? parseIpv4(address);
    this.addresses[i] = address;
    Object.assign(this.stats[i]!, FRESH_STATS);
  }

  statsOf(i: number): TargetStats {
    const s = this.stats[i];
    if (s === undefined) throw new RangeError(`no target ${i}`);
    return s;
  }
}
