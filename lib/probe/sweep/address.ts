// A sweep target as the engine takes it: its address as text (what a person reads), as a number
// (what answers are compared with: an IPv4 address's u32, an IPv6 address's address6Key) and,
// for IPv6, as four words (what probes are written and sent to: ProbeSlot.targets6), made from
// what the feed hands out (the low 32 bits, and IPv6's upper 96) without parsing any text.
import { formatIpv4, put32 } from '../../wire/bytes.js';
import { address6Key, formatIpv6, groupValueText, IPV6_ADDRESS_LENGTH, readIpv6Words } from '../../wire/ipv6-address.js';
import type { FeedTarget } from './feed.js';

export class TargetAddress {
  text = '';
  value = 0;
  /** IPv6: the address as four words (readIpv6Words); null for IPv4. */
  words: Uint32Array | null = null;
  readonly #words = new Uint32Array(4);
  readonly #bytes = Buffer.alloc(IPV6_ADDRESS_LENGTH);
  /** The text #text6 keeps of an address up to its last group, and the upper bits it is for. */
  #prefix = '';
  #prefixHigh: Uint8Array | null = null;
  #prefixGroup = -1;

  /** Sets text, value and words to t's address. */
  of(t: FeedTarget): this {
    const high = t.high ?? null;
    if (high === null) {
      this.text = formatIpv4(t.address);
      this.value = t.address;
      this.words = null;
      return this;
    }
    const b = this.#bytes;
    b.set(high, 0);
    put32(b, IPV6_ADDRESS_LENGTH - 4, t.address);
    this.text = this.#text6(high, t.address);
    this.value = address6Key(b);
    readIpv6Words(b, 0, this.#words, 0);
    this.words = this.#words;
    return this;
  }

  /**
   * The text of the address in #bytes: `high`, then `low`. A sweep walks addresses that differ in
   * their last group: when that group is not zero, the text is the text of everything before it
   * (fixed by the first 112 bits, whatever the last group holds but zero) and the group in hex,
   * so the part before is formatted once for a run of such targets, not once per target. Not for
   * addresses whose first 80 bits are zero: their last 32 bits may be written as a dotted quad.
   */
  #text6(high: Uint8Array, low: number): string {
    const last = low & 0xffff;
    const upper = low >>> 16;
    if (last === 0 || (high[0]! | high[1]! | high[2]! | high[3]! | high[4]! | high[5]! | high[6]! | high[7]! | high[8]! | high[9]!) === 0) {
      return formatIpv6(this.#bytes);
    }
    if (high !== this.#prefixHigh || upper !== this.#prefixGroup) {
      // The text with a last group of 1, whose text is the "1" that #prefix leaves off.
      const b = this.#bytes;
      b[14] = 0;
      b[15] = 1;
      this.#prefix = formatIpv6(b).slice(0, -1);
      b[14] = last >>> 8;
      b[15] = last & 0xff;
      this.#prefixHigh = high;
      this.#prefixGroup = upper;
    }
    return this.#prefix + groupValueText(last);
  }
}
