// Fields that change from one crafted packet to the next, as hping3 changes them: a port counted
// up per packet (`-p ++N`), a range walked and walked again (`--dport 20-25`), the IP id or TTL
// counted up, and a source address drawn at random, but only inside a prefix the user names
// (hping3's --rand-source draws from the whole IPv4 space: never a default here).
//
//   text      walk                 packet i gets
//   N         { first N, last N }  N
//   N-M       { first N, last M }  N + i mod (M - N + 1)
//   ++N       { first N, last max} N + i, back to N after the field's largest value
//
// Errors are ParseError (lib/wire), which the CLI reports in one line naming the option.
import { randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { formatIpv4, parseIpv4 } from '../wire/bytes.js';
import { ParseError } from '../wire/errors.js';
import { formatIpv6, ipv6OrNull } from '../wire/ipv6-address.js';

/** The values one field takes, packet after packet. */
export interface FieldWalk {
  first: number;
  last: number;
}

/** How many packets before the walk comes back to its first value. */
export function walkLength(w: FieldWalk): number {
  return w.last - w.first + 1;
}

/** The value of packet i (0-based). */
export function walkValue(w: FieldWalk, i: number): number {
  return w.first + (i % walkLength(w));
}

/** A number as every rawprobe option reads it: decimal or 0x hex. */
function wholeNumber(text: string, input: string, max: number): number {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : /^0x[0-9a-f]+$/i.test(t) ? Number.parseInt(t.slice(2), 16) : Number.NaN;
  if (!Number.isInteger(n) || n > max) throw new ParseError(`"${input}" is not N, N-M or ++N with whole numbers from 0 to ${max}`, input);
  return n;
}

/**
 * N, N-M or ++N for a field whose values go from 0 to `max`. Throws ParseError; `readNumber`
 * reads each number (default: decimal or 0x hex up to max), and may throw its own error.
 */
export function parseWalk(text: string, max: number, readNumber: (text: string) => number = (n) => wholeNumber(n, text, max)): FieldWalk {
  const t = text.trim();
  if (t.startsWith('++')) return { first: readNumber(t.slice(2)), last: max };
  if (t.startsWith('+')) throw new ParseError(`"${text}": +N (hping3: count up per reply received) is not taken here; ++N counts up per packet sent`, text);
  const dash = t.indexOf('-', 1);
  if (dash < 0) {
    const n = readNumber(t);
    return { first: n, last: n };
  }
  const first = readNumber(t.slice(0, dash));
  const last = readNumber(t.slice(dash + 1));
  if (last < first) throw new ParseError(`"${text}": the range goes down (give N-M with N <= M)`, text);
  return { first, last };
}

/** An address prefix: its bytes (4 or 16) and how many leading bits are fixed. */
export interface AddressPrefix {
  bytes: Uint8Array;
  bits: number;
}

/** "198.51.100.0/24" or "2001:db8::/64" (the address's host bits are ignored). Throws ParseError. */
export function parsePrefix(text: string): AddressPrefix {
  const slash = text.indexOf('/');
  if (slash < 0) throw new ParseError(`"${text}" is not a prefix: give ADDRESS/BITS (198.51.100.0/24, 2001:db8::/64)`, text);
  const address = text.slice(0, slash).trim();
  const bitsText = text.slice(slash + 1).trim();
  let bytes: Uint8Array | null = null;
  if (isIPv4(address)) {
    bytes = Buffer.alloc(4);
    Buffer.from(bytes.buffer, bytes.byteOffset, 4).writeUInt32BE(parseIpv4(address) >>> 0);
  } else bytes = ipv6OrNull(address);
  if (bytes === null) throw new ParseError(`"${address}" is not an IPv4 or IPv6 address`, text, 0);
  const max = bytes.length * 8;
  const bits = /^\d+$/.test(bitsText) ? Number(bitsText) : Number.NaN;
  if (!(bits >= 0 && bits <= max)) throw new ParseError(`"/${bitsText}" is not a prefix length from 0 to ${max}`, text, slash + 1);
  return { bytes, bits };
}

/**
 * A random address inside `prefix`: its first `bits` bits kept, the others drawn. On a prefix
 * that leaves more than one bit, never the all-zeros or all-ones host part (the subnet's own
 * address and its broadcast), which would not be a host's.
 */
export function randomAddressIn(prefix: AddressPrefix): string {
  const { bytes, bits } = prefix;
  const hostBits = bytes.length * 8 - bits;
  for (;;) {
    const out = Buffer.from(bytes);
    const random = randomBytes(out.length);
    let zeros = true;
    let ones = true;
    for (let i = 0; i < out.length; i++) {
      // The mask of this byte's host bits: those past the prefix.
      const fixed = Math.max(0, Math.min(8, bits - i * 8));
      const host = 0xff >> fixed;
      out[i] = (out[i]! & ~host) | (random[i]! & host);
      if ((out[i]! & host) !== 0) zeros = false;
      if ((out[i]! & host) !== host) ones = false;
    }
    if (hostBits <= 1 || (!zeros && !ones)) return out.length === 4 ? formatIpv4(out.readUInt32BE(0)) : formatIpv6(out);
  }
}
