// The words iputils ping and traceroute print for ICMP messages. Users compare our output with
// theirs line by line, so these strings are copied in meaning and spelling from:
//   iputils ping/ping.c pr_icmph() (iputils 20221126, Debian 12), and
//   traceroute 2.1.x (Dmitry Butskoy) parse_icmp_res(): the "!X" marks after a hop's time.
// The tables are here; looking words and marks up in them is icmp-words.ts's.

import { codeText, traceMarkFrom, wordsFrom, type IcmpDetail, type MarkRules, type WordTable } from './icmp-words.js';

export type { IcmpDetail } from './icmp-words.js';

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

const WORDS: WordTable = {
  0: 'Echo Reply',
  3: (code, d) => (code === 4 ? `Frag needed and DF set (mtu = ${d.nextHopMtu ?? 0})` : codeText(UNREACHABLE, code, `Dest Unreachable, Bad Code: ${code}`)),
  4: 'Source Quench',
  5: (code, d) => {
    const what = codeText(REDIRECT, code, `Redirect, Bad Code: ${code}`);
    return d.gateway ? `${what}(New nexthop: ${d.gateway})` : what;
  },
  8: 'Echo Request',
  11: (code) => codeText({ 0: 'Time to live exceeded', 1: 'Frag reassembly time exceeded' }, code, `Time exceeded, Bad Code: ${code}`),
  12: (_code, d) => `Parameter problem: pointer = ${d.pointer ?? 0}`,
  13: 'Timestamp',
  14: 'Timestamp Reply',
  15: 'Information Request',
  16: 'Information Reply',
  17: 'Address Mask Request',
  18: 'Address Mask Reply',
};

/**
 * What iputils ping prints for an ICMP message of this type and code (without the trailing
 * newline), e.g. "Time to live exceeded", "Frag needed and DF set (mtu = 1400)",
 * "Redirect Host(New nexthop: 192.0.2.1)" (sic: iputils puts no space before the parenthesis).
 */
export function describeIcmp(type: number, code: number, detail: IcmpDetail = {}): string {
  return wordsFrom(WORDS, (t) => `Bad ICMP type: ${t}`, type, code, detail);
}

/**
 * traceroute's marks for ICMP answers (the codes of destination unreachable):
 *
 *   !N  net unreachable / unknown, host isolated, net unreachable for TOS   (codes 0 6 8 11)
 *   !H  host unreachable / unknown, host unreachable for TOS               (codes 1 7 12)
 *   !X  communication administratively prohibited                          (codes 9 10 13)
 *   !P  protocol unreachable   !S source route failed   !F-<mtu> fragmentation needed
 *   !V  host precedence violation   !C precedence cutoff
 *   !<code>        any other unreachable code
 *   !<type-code>   any other ICMP message (e.g. "!<11-1>" for reassembly time exceeded)
 */
const MARKS: MarkRules = {
  silent: [[0, null], [11, 0]],
  tooBig: { type: 3, code: 4 },
  unreachable: 3,
  codes: { 0: '!N', 6: '!N', 8: '!N', 11: '!N', 1: '!H', 7: '!H', 12: '!H', 9: '!X', 10: '!X', 13: '!X', 2: '!P', 3: null, 5: '!S', 14: '!V', 15: '!C' },
};

/**
 * The mark traceroute prints after a hop's time for this ICMP answer, or null when it prints
 * none: time exceeded in transit (an ordinary hop), port unreachable (the destination answered
 * a UDP probe) and echo reply (the destination answered an ICMP probe).
 */
export function traceMark(type: number, code: number, detail: IcmpDetail = {}): string | null {
  return traceMarkFrom(MARKS, type, code, detail.nextHopMtu);
}
