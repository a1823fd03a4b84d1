import test from 'ava';
import { describeIcmpv6, icmpv6CodeName, icmpv6TypeName, traceMark6 } from '../../lib/wire/icmpv6-names.js';
import { ICMPV6_TYPE, PARAMETER_PROBLEM_CODE, TIME_EXCEEDED_CODE, UNREACHABLE_CODE } from '../../lib/wire/icmpv6-codes.js';

test('iputils ping wording (ping/ping6_common.c print_icmp)', (t) => {
  t.is(describeIcmpv6(1, 0), 'Destination unreachable: No route');
  t.is(describeIcmpv6(1, 1), 'Destination unreachable: Administratively prohibited');
  t.is(describeIcmpv6(1, 2), 'Destination unreachable: Beyond scope of source address');
  t.is(describeIcmpv6(1, 3), 'Destination unreachable: Address unreachable');
  t.is(describeIcmpv6(1, 4), 'Destination unreachable: Port unreachable');
  t.is(describeIcmpv6(1, 5), 'Destination unreachable: Source address failed ingress/egress policy');
  t.is(describeIcmpv6(1, 6), 'Destination unreachable: Reject route to destination');
  t.is(describeIcmpv6(1, 7), 'Destination unreachable: Unknown code 7');
  t.is(describeIcmpv6(2, 0, { mtu: 1280 }), 'Packet too big: mtu=1280');
  t.is(describeIcmpv6(2, 3, { mtu: 1400 }), 'Packet too big: mtu=1400, code=3');
  t.is(describeIcmpv6(3, 0), 'Time exceeded: Hop limit');
  t.is(describeIcmpv6(3, 1), 'Time exceeded: Defragmentation failure');
  t.is(describeIcmpv6(3, 9), 'Time exceeded: code 9');
  t.is(describeIcmpv6(4, 0, { pointer: 40 }), 'Parameter problem: Wrong header field at 40');
  t.is(describeIcmpv6(4, 1, { pointer: 6 }), 'Parameter problem: Unknown header at 6');
  t.is(describeIcmpv6(4, 2, { pointer: 42 }), 'Parameter problem: Unknown option at 42');
  t.is(describeIcmpv6(4, 3, { pointer: 0 }), 'Parameter problem: code 3 at 0');
  t.is(describeIcmpv6(128, 0), 'Echo request');
  t.is(describeIcmpv6(129, 0), 'Echo reply');
  t.is(describeIcmpv6(130, 0), 'MLD Query');
  t.is(describeIcmpv6(131, 0), 'MLD Report');
  t.is(describeIcmpv6(132, 0), 'MLD Reduction');
  t.is(describeIcmpv6(135, 0), 'unknown icmp type: 135');
});

test('traceroute -6 marks (traceroute 2.1 parse_icmp_res)', (t) => {
  const marks = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((code) => traceMark6(1, code));
  t.deepEqual(marks, ['!N', '!X', '!H', '!H', null, '!<5>', '!<6>', '!<7>', '!<8>']);
  t.is(traceMark6(2, 0, { mtu: 1280 }), '!F-1280');
  t.is(traceMark6(3, 0), null);
  t.is(traceMark6(3, 1), '!<3-1>');
  t.is(traceMark6(4, 1), '!<4-1>');
  t.is(traceMark6(129, 0), null);
});

test('every type and code in the code tables has its IANA name', (t) => {
  for (const type of Object.values(ICMPV6_TYPE)) t.false(icmpv6TypeName(type).startsWith('Unassigned'), String(type));
  for (const code of Object.values(UNREACHABLE_CODE)) t.truthy(icmpv6CodeName(1, code));
  for (const code of Object.values(TIME_EXCEEDED_CODE)) t.truthy(icmpv6CodeName(3, code));
  for (const code of Object.values(PARAMETER_PROBLEM_CODE)) t.truthy(icmpv6CodeName(4, code));
  t.is(icmpv6CodeName(1, 4), 'port unreachable');
  t.is(icmpv6CodeName(4, 3), 'IPv6 First Fragment has incomplete IPv6 Header Chain');
  t.is(icmpv6CodeName(161, 2), 'No Such Interface');
  t.is(icmpv6CodeName(128, 0), null);
  t.is(icmpv6TypeName(160), 'Extended Echo Request');
  t.is(icmpv6TypeName(42), 'Unassigned (42)');
});
