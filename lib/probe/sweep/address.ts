// A sweep target as the engine takes it: its address as text (what a person reads), as a number
// (what answers are compared with: an IPv4 address's u32, an IPv6 address's address6Key) and,
// for IPv6, as four words (what probes are written and sent to: ProbeSlot.targets6), made from
// what the feed hands out (the low 32 bits, and IPv6's upper 96) without parsing any text.
import { formatIpv4, put32 } from '../../wire/bytes.js';
import { address6Key, formatIpv6, IPV6_ADDRESS_LENGTH, readIpv6Words } from '../../wire/ipv6-address.js';
import type { FeedTarget } from './feed.js';

export class TargetAddress {
  text = '';
  value = 0;
  /** IPv6: the address as four words (readIpv6Words); null for IPv4. */
  words: Uint32Array | null = null;
  readonly #words = new Uint32Array(4);
  readonly #bytes = Buffer.alloc(IPV6_ADDRESS_LENGTH);

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
    this.text = formatIpv6(b);
    this.value = address6Key(b);
    readIpv6Words(b, 0, this.#words, 0);
    this.words = this.#words;
    return this;
  }
}
