import test from 'ava';
import { describeIcmp, traceMark } from '../../lib/wire/icmp-names.js';
import { DSCP, dscpName, parseTos } from '../../lib/wire/dscp.js';
import { ParseError } from '../../lib/wire/errors.js';

test('describeIcmp prints what iputils ping pr_icmph prints', (t) => {
  const unreachable = [
    'Destination Net Unreachable',
    'Destination Host Unreachable',
    'Destination Protocol Unreachable',
    'Destination Port Unreachable',
    'Frag needed and DF set (mtu = 1400)',
    'Source Route Failed',
    'Destination Net Unknown',
    'Destination Host Unknown',
    'Source Host Isolated',
    'Destination Net Prohibited',
    'Destination Host Prohibited',
    'Destination Net Unreachable for Type of Service',
    'Destination Host Unreachable for Type of Service',
    'Packet filtered',
    'Precedence Violation',
    'Precedence Cutoff',
  ];
  unreachable.forEach((text, code) => t.is(describeIcmp(3, code, { nextHopMtu: 1400 }), text));
  t.is(describeIcmp(3, 16), 'Dest Unreachable, Bad Code: 16');
  t.is(describeIcmp(3, 4), 'Frag needed and DF set (mtu = 0)');
  t.is(describeIcmp(11, 0), 'Time to live exceeded');
  t.is(describeIcmp(11, 1), 'Frag reassembly time exceeded');
  t.is(describeIcmp(11, 2), 'Time exceeded, Bad Code: 2');
  t.is(describeIcmp(5, 0, { gateway: '1.2.3.4' }), 'Redirect Network(New nexthop: 1.2.3.4)');
  t.is(describeIcmp(5, 1, { gateway: '1.2.3.4' }), 'Redirect Host(New nexthop: 1.2.3.4)');
  t.is(describeIcmp(5, 2, { gateway: '1.2.3.4' }), 'Redirect Type of Service and Network(New nexthop: 1.2.3.4)');
  t.is(describeIcmp(5, 3), 'Redirect Type of Service and Host');
  t.is(describeIcmp(5, 9, { gateway: '1.2.3.4' }), 'Redirect, Bad Code: 9(New nexthop: 1.2.3.4)');
  t.is(describeIcmp(4, 0), 'Source Quench');
  t.is(describeIcmp(12, 0, { pointer: 20 }), 'Parameter problem: pointer = 20');
  t.is(describeIcmp(0, 0), 'Echo Reply');
  t.is(describeIcmp(8, 0), 'Echo Request');
  t.is(describeIcmp(13, 0), 'Timestamp');
  t.is(describeIcmp(14, 0), 'Timestamp Reply');
  t.is(describeIcmp(15, 0), 'Information Request');
  t.is(describeIcmp(16, 0), 'Information Reply');
  t.is(describeIcmp(17, 0), 'Address Mask Request');
  t.is(describeIcmp(18, 0), 'Address Mask Reply');
  t.is(describeIcmp(42, 0), 'Bad ICMP type: 42');
});

test('traceMark gives traceroute 2.1 marks, null where it prints none', (t) => {
  const marks: Record<number, string | null> = {
    0: '!N', 1: '!H', 2: '!P', 3: null, 4: '!F-1400', 5: '!S', 6: '!N', 7: '!H', 8: '!N',
    9: '!X', 10: '!X', 11: '!N', 12: '!H', 13: '!X', 14: '!V', 15: '!C', 16: '!<16>',
  };
  for (const [code, mark] of Object.entries(marks)) t.is(traceMark(3, Number(code), { nextHopMtu: 1400 }), mark, `code ${code}`);
  t.is(traceMark(11, 0), null);
  t.is(traceMark(0, 0), null);
  t.is(traceMark(11, 1), '!<11-1>');
  t.is(traceMark(12, 0), '!<12-0>');
  t.is(traceMark(3, 4), '!F-0');
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
