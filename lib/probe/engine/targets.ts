// The engine's targets: each one's address as text (what the socket sends to) and as a number
// (what answers are compared with: an IPv4 address as its u32, an IPv6 address as its
// address6Key), and its statistics. Indices are what handlers choose between; a sweep adds
// indices as it needs more targets at once and points finished ones at new addresses, so the
// list follows what is in flight, not the length of the sweep.
import { parseIpv4 } from '../../wire/bytes.js';
import { address6KeyOf } from '../../wire/ipv6-address.js';
import { newTargetStats, type TargetStats } from './stats.js';

/** An address as the engine compares it: IPv4 as its u32, IPv6 (it has a colon) as its address6Key. */
export function targetValue(address: string): number {
  return address.includes(':') ? address6KeyOf(address) : parseIpv4(address);
}

/** What set() resets a target's statistics to. */
const FRESH_STATS: Readonly<TargetStats> = Object.freeze(newTargetStats());

export class TargetList {
  readonly addresses: string[];
  readonly values: number[];
  readonly stats: TargetStats[];
  /** Some target is IPv6: a batch to several targets names them as text, not as u32s. */
  ipv6 = false;

  constructor(addresses: readonly string[]) {
    if (addresses.length === 0) throw new RangeError('the engine needs at least one target');
    this.addresses = [...addresses];
    this.values = this.addresses.map((a) => targetValue(a));
    this.stats = this.addresses.map(() => newTargetStats());
    this.ipv6 = this.addresses.some((a) => a.includes(':'));
  }

  /** Adds a target and returns its index; `value` is the address as a number when the caller has it. */
  add(address: string, value: number = targetValue(address)): number {
    if (address.includes(':')) this.ipv6 = true;
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
    this.values[i] = value ?? targetValue(address);
    if (address.includes(':')) this.ipv6 = true;
    this.addresses[i] = address;
    Object.assign(this.stats[i]!, FRESH_STATS);
  }

  statsOf(i: number): TargetStats {
    const s = this.stats[i];
    if (s === undefined) throw new RangeError(`no target ${i}`);
    return s;
  }
}
