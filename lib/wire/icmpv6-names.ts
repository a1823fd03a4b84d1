// Names for ICMPv6 types and codes, and the words iputils ping and traceroute print for them.
//
//   icmpv6TypeName / icmpv6CodeName   the IANA "ICMPv6 Parameters" registry names, every type and
//                                     code assigned there (RFC 4443, 4861, 2710, 3810, 4286, 4620,
//                                     6275, 6550, 7112, 8335, 8754, 8883 ...)
//   describeIcmpv6                    iputils ping print_icmp() (ping/ping6_common.c, iputils master
//                                     2024): "Destination unreachable: No route", "Packet too big:
//                                     mtu=1280", "Time exceeded: Hop limit", "Parameter problem:
//                                     Wrong header field at 40". iputils 20221126 (Debian 12) lacks
//                                     unreachable codes 5 and 6: it prints "Unknown code 5" there.
//   traceMark6                        traceroute 2.1 (Dmitry Butskoy; Debian's traceroute -6)
//                                     parse_icmp_res(): the "!X" marks after a hop's time.
// The tables are here; looking words and marks up in them is icmp-words.ts's.

import { codeText, traceMarkFrom, wordsFrom, type IcmpDetail, type MarkRules, type WordTable } from './icmp-words.js';

const TYPE_NAME: Record<number, string> = {
  1: 'Destination Unreachable',
  2: 'Packet Too Big',
  3: 'Time Exceeded',
  4: 'Parameter Problem',
  100: 'Private experimentation',
  101: 'Private experimentation',
  127: 'Reserved for expansion of ICMPv6 error messages',
  128: 'Echo Request',
  129: 'Echo Reply',
  130: 'Multicast Listener Query',
  131: 'Multicast Listener Report',
  132: 'Multicast Listener Done',
  133: 'Router Solicitation',
  134: 'Router Advertisement',
  135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement',
  137: 'Redirect Message',
  138: 'Router Renumbering',
  139: 'ICMP Node Information Query',
  140: 'ICMP Node Information Response',
  141: 'Inverse Neighbor Discovery Solicitation Message',
  142: 'Inverse Neighbor Discovery Advertisement Message',
  143: 'Version 2 Multicast Listener Report',
  144: 'Home Agent Address Discovery Request Message',
  145: 'Home Agent Address Discovery Reply Message',
  146: 'Mobile Prefix Solicitation',
  147: 'Mobile Prefix Advertisement',
  148: 'Certification Path Solicitation Message',
  149: 'Certification Path Advertisement Message',
  150: 'ICMP messages utilized by experimental mobility protocols such as Seamoby',
  151: 'Multicast Router Advertisement',
  152: 'Multicast Router Solicitation',
  153: 'Multicast Router Termination',
  154: 'FMIPv6 Messages',
  155: 'RPL Control Message',
  156: 'ILNPv6 Locator Update Message',
  157: 'Duplicate Address Request',
  158: 'Duplicate Address Confirmation',
  159: 'MPL Control Message',
  160: 'Extended Echo Request',
  161: 'Extended Echo Reply',
  200: 'Private experimentation',
  201: 'Private experimentation',
  255: 'Reserved for expansion of ICMPv6 informational messages',
};

const CODE_NAME: Record<number, Record<number, string>> = {
  1: {
    0: 'no route to destination',
    1: 'communication with destination administratively prohibited',
    2: 'beyond scope of source address',
    3: 'address unreachable',
    4: 'port unreachable',
    5: 'source address failed ingress/egress policy',
    6: 'reject route to destination',
    7: 'Error in Source Routing Header',
    8: 'Headers too long',
  },
  3: {
    0: 'hop limit exceeded in transit',
    1: 'fragment reassembly time exceeded',
  },
  4: {
    0: 'erroneous header field encountered',
    1: 'unrecognized Next Header type encountered',
    2: 'unrecognized IPv6 option encountered',
    3: 'IPv6 First Fragment has incomplete IPv6 Header Chain',
    4: 'SR Upper-layer Header Error',
    5: 'Unrecognized Next Header type encountered by intermediate node',
    6: 'Extension header too big',
    7: 'Extension header chain too long',
    8: 'Too many extension headers',
    9: 'Too many options in extension header',
    10: 'Option too big',
  },
  138: {
    0: 'Router Renumbering Command',
    1: 'Router Renumbering Result',
    255: 'Sequence Number Reset',
  },
  139: {
    0: 'The Data field contains an IPv6 address which is the Subject of this Query',
    1: 'The Data field contains a name which is the Subject of this Query, or is empty, as in the case of a NOOP',
    2: 'The Data field contains an IPv4 address which is the Subject of this Query',
  },
  140: {
    0: 'A successful reply',
    1: 'The Responder refuses to supply the answer',
    2: 'The Qtype of the Query is unknown to the Responder',
  },
  160: { 0: 'No Error' },
  161: {
    0: 'No Error',
    1: 'Malformed Query',
    2: 'No Such Interface',
    3: 'No Such Table Entry',
    4: 'Multiple Interfaces Satisfy Query',
  },
};

/** The IANA name of an ICMPv6 type ("Unassigned (42)" when it has none). */
export function icmpv6TypeName(type: number): string {
  return TYPE_NAME[type] ?? `Unassigned (${type})`;
}

/** The IANA name of a code of a type, or null when the registry names none (most types have only code 0). */
export function icmpv6CodeName(type: number, code: number): string | null {
  return CODE_NAME[type]?.[code] ?? null;
}

/** Packet Too Big: the MTU; Parameter Problem: the pointer. */
export type Icmpv6Detail = Pick<IcmpDetail, 'mtu' | 'pointer'>;

const UNREACHABLE: Record<number, string> = {
  0: 'No route',
  1: 'Administratively prohibited',
  2: 'Beyond scope of source address',
  3: 'Address unreachable',
  4: 'Port unreachable',
  5: 'Source address failed ingress/egress policy',
  6: 'Reject route to destination',
};

const PARAMETER_PROBLEM: Record<number, string> = {
  0: 'Wrong header field ',
  1: 'Unknown header ',
  2: 'Unknown option ',
};

const WORDS: WordTable = {
  1: (code) => `Destination unreachable: ${codeText(UNREACHABLE, code, `Unknown code ${code}`)}`,
  2: (code, d) => `Packet too big: mtu=${d.mtu ?? 0}${code !== 0 ? `, code=${code}` : ''}`,
  3: (code) => `Time exceeded: ${codeText({ 0: 'Hop limit', 1: 'Defragmentation failure' }, code, `code ${code}`)}`,
  4: (code, d) => `Parameter problem: ${codeText(PARAMETER_PROBLEM, code, `code ${code} `)}at ${d.pointer ?? 0}`,
  128: 'Echo request',
  129: 'Echo reply',
  130: 'MLD Query',
  131: 'MLD Report',
  132: 'MLD Reduction',
};

/**
 * What iputils ping prints for an ICMPv6 message (without "From ...: " and the newline), e.g.
 * "Destination unreachable: Port unreachable", "Packet too big: mtu=1280",
 * "Parameter problem: Unknown header at 6" (iputils prints the 32-bit field as "info").
 */
export function describeIcmpv6(type: number, code: number, detail: Icmpv6Detail = {}): string {
  return wordsFrom(WORDS, (t) => `unknown icmp type: ${t}`, type, code, detail);
}

/**
 * traceroute -6's marks:
 *
 *   !N  no route to destination (code 0)
 *   !X  communication administratively prohibited (code 1)
 *   !H  beyond scope of source address, address unreachable (codes 2 3)
 *   !F-<mtu>  packet too big
 *   !<code>        any other unreachable code
 *   !<type-code>   any other ICMPv6 message (e.g. "!<3-1>" for reassembly time exceeded)
 *
 * traceroute 2.1 has no !P or !S for IPv6 (KAME traceroute6 prints !P for code 1, !S for 2 and
 * !A for 3); we print what the traceroute users compare us with prints.
 */
const MARKS: MarkRules = {
  silent: [[129, null], [3, 0]],
  tooBig: { type: 2, code: null },
  unreachable: 1,
  codes: { 0: '!N', 1: '!X', 2: '!H', 3: '!H', 4: null },
};

/**
 * The mark traceroute -6 prints after a hop's time for this ICMPv6 answer, or null when it prints
 * none: hop limit exceeded in transit (an ordinary hop), port unreachable (the destination
 * answered a UDP probe) and echo reply (the destination answered an ICMP probe).
 */
export function traceMark6(type: number, code: number, detail: Icmpv6Detail = {}): string | null {
  return traceMarkFrom(MARKS, type, code, detail.mtu);
}
