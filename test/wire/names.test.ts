// The words iputils ping and traceroute print, for ICMP (icmp-names.ts) and ICMPv6
// (icmpv6-names.ts), as tables of [type, code, detail, text]; IANA's ICMPv6 names; DSCP names.
import test from 'ava';
import { describeIcmp, traceMark } from '../../lib/wire/icmp-names.js';
import type { IcmpDetail } from '../../lib/wire/icmp-words.js';
import { ICMPV6_TYPE, PARAMETER_PROBLEM_CODE, TIME_EXCEEDED_CODE, UNREACHABLE_CODE } from '../../lib/wire/icmpv6-codes.js';
import { describeIcmpv6, icmpv6CodeName, icmpv6TypeName, traceMark6 } from '../../lib/wire/icmpv6-names.js';
import { DSCP, dscpName, parseTos } from '../../lib/wire/dscp.js';
import { ParseError } from '../../lib/wire/errors.js';

/** [type, code, detail, what iputils ping prints] for ICMP (pr_icmph, iputils 20221126). */
const ICMP_WORDS: [number, number, IcmpDetail, string][] = [
  ...[
    'Destination Net Unreachable', 'Destination Host Unreachable', 'Destination Protocol Unreachable', 'Destination Port Unreachable',
    'Frag needed and DF set (mtu = 1400)', 'Source Route Failed', 'Destination Net Unknown', 'Destination Host Unknown',
    'Source Host Isolated', 'Destination Net Prohibited', 'Destination Host Prohibited', 'Destination Net Unreachable for Type of Service',
    'Destination Host Unreachable for Type of Service', 'Packet filtered', 'Precedence Violation', 'Precedence Cutoff',
  ].map((text, code): [number, number, IcmpDetail, string] => [3, code, { nextHopMtu: 1400 }, text]),
  [3, 16, {}, 'Dest Unreachable, Bad Code: 16'],
  [3, 4, {}, 'Frag needed and DF set (mtu = 0)'],
  [11, 0, {}, 'Time to live exceeded'],
  [11, 1, {}, 'Frag reassembly time exceeded'],
  [11, 2, {}, 'Time exceeded, Bad Code: 2'],
  [5, 0, { gateway: '1.2.3.4' }, 'Redirect Network(New nexthop: 1.2.3.4)'],
  [5, 1, { gateway: '1.2.3.4' }, 'Redirect Host(New nexthop: 1.2.3.4)'],
  [5, 2, { gateway: '1.2.3.4' }, 'Redirect Type of Service and Network(New nexthop: 1.2.3.4)'],
  [5, 3, {}, 'Redirect Type of Service and Host'],
  [5, 9, { gateway: '1.2.3.4' }, 'Redirect, Bad Code: 9(New nexthop: 1.2.3.4)'],
  [4, 0, {}, 'Source Quench'],
  [12, 0, { pointer: 20 }, 'Parameter problem: pointer = 20'],
  ...(['Echo Reply', 'Echo Request', 'Timestamp', 'Timestamp Reply', 'Information Request', 'Information Reply', 'Address Mask Request', 'Address Mask Reply'] as const).map(
    (text, k): [number, number, IcmpDetail, string] => [[0, 8, 13, 14, 15, 16, 17, 18][k]!, 0, {}, text],
  ),
  [42, 0, {}, 'Bad ICMP type: 42'],
];

/** The same for ICMPv6 (print_icmp, ping/ping6_common.c, iputils master). */
const ICMPV6_WORDS: [number, number, IcmpDetail, string][] = [
  ...['No route', 'Administratively prohibited', 'Beyond scope of source address', 'Address unreachable', 'Port unreachable', 'Source address failed ingress/egress policy', 'Reject route to destination', 'Unknown code 7'].map(
    (what, code): [number, number, IcmpDetail, string] => [1, code, {}, `Destination unreachable: ${what}`],
  ),
  [2, 0, { mtu: 1280 }, 'Packet too big: mtu=1280'],
  [2, 3, { mtu: 1400 }, 'Packet too big: mtu=1400, code=3'],
  [3, 0, {}, 'Time exceeded: Hop limit'],
  [3, 1, {}, 'Time exceeded: Defragmentation failure'],
  [3, 9, {}, 'Time exceeded: code 9'],
  [4, 0, { pointer: 40 }, 'Parameter problem: Wrong header field at 40'],
  [4, 1, { pointer: 6 }, 'Parameter problem: Unknown header at 6'],
  [4, 2, { pointer: 42 }, 'Parameter problem: Unknown option at 42'],
  [4, 3, { pointer: 0 }, 'Parameter problem: code 3 at 0'],
  [128, 0, {}, 'Echo request'],
  [129, 0, {}, 'Echo reply'],
  [130, 0, {}, 'MLD Query'],
  [131, 0, {}, 'MLD Report'],
  [132, 0, {}, 'MLD Reduction'],
  [135, 0, {}, 'unknown icmp type: 135'],
];

test('iputils ping wording, ICMP and ICMPv6', (t) => {
  for (const [type, code, detail, text] of ICMP_WORDS) t.is(describeIcmp(type, code, detail), text, `ICMP ${type}/${code}`);
  for (const [type, code, detail, text] of ICMPV6_WORDS) t.is(describeIcmpv6(type, code, detail), text, `ICMPv6 ${type}/${code}`);
});

/** [type, code, detail, the mark traceroute 2.1 prints (parse_icmp_res), null for none]. */
const ICMP_MARKS: [number, number, IcmpDetail, string | null][] = [
  ...['!N', '!H', '!P', null, '!F-1400', '!S', '!N', '!H', '!N', '!X', '!X', '!N', '!H', '!X', '!V', '!C', '!<16>'].map(
    (mark, code): [number, number, IcmpDetail, string | null] => [3, code, { nextHopMtu: 1400 }, mark],
  ),
  [11, 0, {}, null],
  [0, 0, {}, null],
  [11, 1, {}, '!<11-1>'],
  [12, 0, {}, '!<12-0>'],
  [3, 4, {}, '!F-0'],
];
const ICMPV6_MARKS: [number, number, IcmpDetail, string | null][] = [
  ...['!N', '!X', '!H', '!H', null, '!<5>', '!<6>', '!<7>', '!<8>'].map((mark, code): [number, number, IcmpDetail, string | null] => [1, code, {}, mark]),
  [2, 0, { mtu: 1280 }, '!F-1280'],
  [3, 0, {}, null],
  [3, 1, {}, '!<3-1>'],
  [4, 1, {}, '!<4-1>'],
  [129, 0, {}, null],
];

test('traceroute marks, ICMP and ICMPv6 (traceroute -6)', (t) => {
  for (const [type, code, detail, mark] of ICMP_MARKS) t.is(traceMark(type, code, detail), mark, `ICMP ${type}/${code}`);
  for (const [type, code, detail, mark] of ICMPV6_MARKS) t.is(traceMark6(type, code, detail), mark, `ICMPv6 ${type}/${code}`);
});

test('every ICMPv6 type and code in the code tables has its IANA name', (t) => {
  for (const type of Object.values(ICMPV6_TYPE)) t.false(icmpv6TypeName(type).startsWith('Unassigned'), String(type));
  for (const [type, codes] of [[1, UNREACHABLE_CODE], [3, TIME_EXCEEDED_CODE], [4, PARAMETER_PROBLEM_CODE]] as const) {
    for (const code of Object.values(codes)) t.truthy(icmpv6CodeName(type, code), `${type}/${code}`);
  }
  const names: [number, number | null, string | null][] = [
    [1, 4, 'port unreachable'],
    [4, 3, 'IPv6 First Fragment has incomplete IPv6 Header Chain'],
    [161, 2, 'No Such Interface'],
    [128, 0, null],
    [160, null, 'Extended Echo Request'],
    [42, null, 'Unassigned (42)'],
  ];
  for (const [type, code, name] of names) t.is(code === null ? icmpv6TypeName(type) : icmpv6CodeName(type, code), name, `${type}/${code}`);
});

test('DSCP table and names', (t) => {
  t.is(DSCP.EF, 46);
  t.is(DSCP.AF43, 38);
  t.is(DSCP.VOICE_ADMIT, 44);
  t.is(DSCP.LE, 1);
  t.is(DSCP.CS7, 56);
  t.is(dscpName(46), 'EF');
  t.is(dscpName(0), 'CS0');
  t.is(dscpName(3), null);
});

test('parseTos: decimal, hex, DSCP names (case-insensitive) as dscp << 2', (t) => {
  t.is(parseTos('0'), 0);
  t.is(parseTos('184'), 184);
  t.is(parseTos('0xb8'), 0xb8);
  t.is(parseTos('0XFF'), 255);
  t.is(parseTos('ef'), 184);
  t.is(parseTos('EF'), 184);
  t.is(parseTos('af41'), 136);
  t.is(parseTos('cs6'), 192);
  t.is(parseTos('voice-admit'), 176);
  t.is(parseTos('VOICE_ADMIT'), 176);
  t.is(parseTos('le'), 4);
  for (const bad of ['256', '0x100', 'foo', '-1', '1.5', '', 'AF44']) {
    const e = t.throws(() => parseTos(bad), { instanceOf: ParseError }, bad);
    t.regex(e!.message, /0-255|0x00-0xff/);
    t.false(e!.message.includes('\n'));
  }
});
