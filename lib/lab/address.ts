// IPv4 and IPv6 addresses with a prefix length (CIDR), as the lab planner needs them: parse,
// format canonically (RFC 5952 for IPv6), test containment, allocate per-link subnets, and the
// policy that keeps a lab inside the documentation ranges.
//
// Both families are held as bigint so one set of functions serves both: 32 bits for IPv4,
// 128 bits for IPv6. Labs have tens of addresses; clarity beats speed here.
import { isIPv4, isIPv6 } from 'node:net';
import { formatIpv4 as ipv4Text, parseIpv4 as ipv4Value } from '../wire/bytes.js';

export type Family = 4 | 6;

/** An address with its prefix length: `198.51.100.1/30`. */
export interface Cidr {
  family: Family;
  /** The address itself (host bits kept), as an integer. */
  value: bigint;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

/** Ranges a lab may use without `allowAnyAddress`: documentation (RFC 5737, RFC 3849, RFC 9637)
 * and loopback. Lab traffic stays inside namespaces anyway; the rule keeps a lab file from
 * shadowing real networks when someone copies its routes or addresses elsewhere. */
export const SAFE_RANGES = [
  '192.0.2.0/24',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '127.0.0.0/8',
  '2001:db8::/32',
  '3fff::/20',
  '::1/128',
] as const;

/** Where auto-assigned addresses come from (see plan.ts). */
export const AUTO_RANGES = {
  /** /30 per link whose two ends are routers. */
  transit: '198.51.100.0/24',
  /** /30 per link with a host on at least one end: targets look like "a network out there". */
  edge: '203.0.113.0/24',
  /** /64 per link when the lab asks for IPv6. */
  ipv6: '2001:db8::/32',
} as const;

export function parseAddress(text: string): { family: Family; value: bigint } | null {
  if (isIPv4(text)) return { family: 4, value: parseIpv4(text) };
  if (isIPv6(text) && !text.includes('%')) return { family: 6, value: parseIpv6(text) };
  return null;
}

/** `198.51.100.1/30` -> Cidr; null if it is not an address with a valid prefix length. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const address = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === null || !/^[0-9]{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > BITS[address.family]) return null;
  return { family: address.family, value: address.value, prefix };
}

export function formatAddress(family: Family, value: bigint): string {
  return family === 4 ? formatIpv4(value) : formatIpv6(value);
}

/** `198.51.100.1/30` */
export function formatCidr(c: Cidr): string {
  return `${formatAddress(c.family, c.value)}/${c.prefix}`;
}

function mask(family: Family, prefix: number): bigint {
  const bits = BITS[family];
  return ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
}

/** The subnet the address sits in, host bits cleared: 198.51.100.1/30 -> 198.51.100.0/30. */
export function network(c: Cidr): Cidr {
  return { family: c.family, value: c.value & mask(c.family, c.prefix), prefix: c.prefix };
}

/** Is `address` inside the subnet of `net`? */
export function contains(net: Cidr, family: Family, address: bigint): boolean {
  return net.family === family && (address & mask(family, net.prefix)) === network(net).value;
}

/** Do the two subnets share any address? */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const prefix = Math.min(a.prefix, b.prefix);
  const m = mask(a.family, prefix);
  return (a.value & m) === (b.value & m);
}

/** Is the whole subnet of `c` inside one of SAFE_RANGES? */
export function isSafe(c: Cidr): boolean {
  const net = network(c);
  return SAFE_RANGES.some((r) => {
    const range = parseCidr(r)!;
    return range.family === c.family && range.prefix <= c.prefix && contains(range, c.family, net.value);
  });
}

/** Why `c` cannot be a host's address (network or broadcast address of its subnet), or null. */
export function hostAddressProblem(c: Cidr): string | null {
  const bits = BITS[c.family];
  // /31 and /32 (IPv4, RFC 3021) and /127, /128 have no network or broadcast address to avoid.
  if (bits - c.prefix < 2) return null;
  const hostBits = c.value & ~mask(c.family, c.prefix) & ((1n << BigInt(bits)) - 1n);
  if (hostBits === 0n) return `is the network address of its /${c.prefix}; use a host address`;
  if (c.family === 4 && hostBits === (1n << BigInt(bits - c.prefix)) - 1n) {
    return `is the broadcast address of its /${c.prefix}; use a host address`;
  }
  return null;
}

/**
 * Hands out consecutive subnets of one size from a range, skipping any that overlap a subnet
 * already taken (explicit addresses in the lab file).
 */
export class SubnetAllocator {
  private next = 0n;
  private readonly range: Cidr;

  constructor(
    range: string,
    private readonly prefix: number,
    private readonly taken: Cidr[],
  ) {
    this.range = network(parseCidr(range)!);
  }

  /** The next free subnet (host bits zero), or null when the range is used up. */
  allocate(): Cidr | null {
    const bits = BITS[this.range.family];
    const step = 1n << BigInt(bits - this.prefix);
    const count = 1n << BigInt(this.prefix - this.range.prefix);
    while (this.next < count) {
      const candidate: Cidr = {
        family: this.range.family,
        value: this.range.value + this.next * step,
        prefix: this.prefix,
      };
      this.next += 1n;
      if (!this.taken.some((t) => overlaps(t, candidate))) return candidate;
    }
    return null;
  }
}

/** The n-th address of a subnet (1 = first host), with the subnet's prefix. */
export function nthHost(net: Cidr, n: number): Cidr {
  return { family: net.family, value: network(net).value + BigInt(n), prefix: net.prefix };
}

// IPv4 text is lib/wire's (a strict dotted quad, as node:net's isIPv4 accepts), as a bigint here.
function parseIpv4(text: string): bigint {
  return BigInt(ipv4Value(text));
}

function formatIpv4(value: bigint): string {
  return ipv4Text(Number(value & 0xffffffffn));
}

function parseIpv6(text: string): bigint {
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two groups.
  let t = text;
  const lastColon = t.lastIndexOf(':');
  const tail = t.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    t = `${t.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = t.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...restGroups];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  // RFC 5952 section 4.2: compress the longest run of two or more zero groups, the first if tied.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
