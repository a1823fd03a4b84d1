// The words iputils ping and traceroute print for ICMP messages. Users compare our output with
// theirs line by line, so these strings are copied in meaning and spelling from:
//   iputils ping/ping.c pr_icmph() (iputils 20221126, Debian 12), and
//   traceroute 2.1.x (Dmitry Butskoy) parse_icmp_res(): the "!X" marks after a hop's time.

export interface IcmpDetail {
  /** Destination unreachable code 4: the next-hop MTU (iputils prints 0 when absent). */
  nextHopMtu?: number | null;
  /** Redirect: the new gateway, printed as "(New nexthop: a.b.c.d)". */
  gateway?: string | null;
  /** Parameter problem: the pointer byte. */
  pointer?: number | null;
}

const UNREACHABLE: Record<number, string> = {
  0: 'Destination Net Unreachable',
  1: 'Destination Host Unreachable',
  2: 'Destination Protocol Unreachable',
  3: 'Destination Port Unreachable',
  5: 'Source Route Failed',
  6: 'Destination Net Unknown',
  7: 'Destination Host Unknown',
  8: 'Source Host Isolated',
  9: 'Destination Net Prohibited',
  10: 'Destination Host Prohibited',
  11: 'Destination Net Unreachable for Type of Service',
  12: 'Destination Host Unreachable for Type of Service',
  13: 'Packet filtered',
  14: 'Precedence Violation',
  15: 'Precedence Cutoff',
};

const REDIRECT: Record<number, string> = {
  0: 'Redirect Network',
  1: 'Redirect Host',
  2: 'Redirect Type of Service and Network',
  3: 'Redirect Type of Service and Host',
};

/**
 * What iputils ping prints for an ICMP message of this type and code (without the trailing
 * newline), e.g. "Time to live exceeded", "Frag needed and DF set (mtu = 1400)",
 * "Redirect Host(New nexthop: 192.0.2.1)" (sic: iputils puts no space before the parenthesis).
 */
export function describeIcmp(type: number, code: number, detail: IcmpDetail = {}): string {
  switch (type) {
    case 0:
      return 'Echo Reply';
    case 3:
      if (code === 4) return `Frag needed and DF set (mtu = ${detail.nextHopMtu ?? 0})`;
      return UNREACHABLE[code] ?? `Dest Unreachable, Bad Code: ${code}`;
    case 4:
      return 'Source Quench';
    case 5: {
      const what = REDIRECT[code] ?? `Redirect, Bad Code: ${code}`;
      return detail.gateway ? `${what}(New nexthop: ${detail.gateway})` : what;
    }
    case 8:
      return 'Echo Request';
    case 11:
      if (code === 0) return 'Time to live exceeded';
      if (code === 1) return 'Frag reassembly time exceeded';
      return `Time exceeded, Bad Code: ${code}`;
    case 12:
      return `Parameter problem: pointer = ${detail.pointer ?? 0}`;
    case 13:
      return 'Timestamp';
    case 14:
      return 'Timestamp Reply';
    case 15:
      return 'Information Request';
    case 16:
      return 'Information Reply';
    case 17:
      return 'Address Mask Request';
    case 18:
      return 'Address Mask Reply';
    default:
      return `Bad ICMP type: ${type}`;
  }
}

/**
 * The mark traceroute prints after a hop's time for this ICMP answer, or null when it prints
 * none: time exceeded in transit (an ordinary hop), port unreachable (the destination answered
 * a UDP probe) and echo reply (the destination answered an ICMP probe).
 *
 *   !N  net unreachable / unknown, host isolated, net unreachable for TOS   (codes 0 6 8 11)
 *   !H  host unreachable / unknown, host unreachable for TOS               (codes 1 7 12)
 *   !X  communication administratively prohibited                          (codes 9 10 13)
 *   !P  protocol unreachable   !S source route failed   !F-<mtu> fragmentation needed
 *   !V  host precedence violation   !C precedence cutoff
 *   !<code>        any other unreachable code
 *   !<type-code>   any other ICMP message (e.g. "!<11-1>" for reassembly time exceeded)
 */
export function traceMark(type: number, code: number, detail: IcmpDetail = {}): string | null {
  if (type === 0) return null;
  if (type === 11 && code === 0) return null;
  if (type !== 3) return `!<${type}-${code}>`;
  switch (code) {
    case 0:
    case 6:
    case 8:
    case 11:
      return '!N';
    case 1:
    case 7:
    case 12:
      return '!H';
    case 9:
    case 10:
    case 13:
      return '!X';
    case 2:
      return '!P';
    case 3:
      return null;
    case 4:
      return `!F-${detail.nextHopMtu ?? 0}`;
    case 5:
      return '!S';
    case 14:
      return '!V';
    case 15:
      return '!C';
    default:
      return `!<${code}>`;
  }
}
