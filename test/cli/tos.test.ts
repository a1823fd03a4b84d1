// `rawprobe tos` without a network: the value list (--values, --dscp, --ecn), the table and its
// columns, the JSON rows, and bad input (one line, exit 2, before any socket).
import test from 'ava';
import type { TosRow } from '../../lib/probe/tos/index.js';
import { pathText, rowJson, tosTable } from '../../cli/format/tos.js';
import { tos } from '../../cli/commands/tos.js';
import { DEFAULT_DSCP, parseDscpList, tosValues } from '../../cli/run/tos.js';
import { assertUsageError, parseArgs, rawprobe } from '../helpers/cli.js';

const none = { ecn: false } as const;

test('--values takes numbers, hex and DSCP names; --dscp all the 64 code points; --ecn the four ECN codepoints of each', async (t) => {
  t.deepEqual(tosValues({ ...none, values: '0,0x10,0xb8,AF41,cs1' }), [0, 0x10, 0xb8, 0x88, 0x20]);
  const all = tosValues({ ...none, dscp: 'all' });
  t.is(all.length, 64);
  t.deepEqual(all.slice(0, 3), [0, 4, 8]);
  t.is(all[63], 252);
  t.deepEqual(tosValues({ ecn: true }), [0, 1, 2, 3]);
  t.deepEqual(tosValues({ ecn: true, values: '0xb8' }), [0xb8, 0xb9, 0xba, 0xbb]);
  t.deepEqual(tosValues({ ecn: true, dscp: 'ef,1' }), [0xb8, 0xb9, 0xba, 0xbb, 4, 5, 6, 7]);
  t.deepEqual(tosValues({ ...none, values: '0xb8', dscp: 'EF,46' }), [0xb8], 'each value once');
  t.deepEqual(tosValues({ ...none }), [0, 0x20, 0x28, 0x48, 0x68, 0x88, 0xb8, 0xc0], `default: ${DEFAULT_DSCP.join(' ')}`);
  t.deepEqual(tosValues(await parseArgs(tos, ['--values', '1', '--values', '2', '127.0.0.1'])), [2], 'the last --values counts, as getopt keeps the last');
  t.deepEqual(parseDscpList('voice-admit,LE'), [44 << 2, 1 << 2]);
});

const row = (over: Partial<TosRow>): TosRow => ({
  type: 'tos', tos: 0, dscp: 0, dscpName: 'CS0', ecn: 0, sent: 1, answered: 1, replyTos: 0, arrivedTos: null, rttMs: 0.061, path: null, ...over,
});

test('the table: one row per value; REPLY TOS, ARRIVED TOS only when some answer quoted us, REWRITTEN with --path', (t) => {
  const rows = [
    row({}),
    row({ tos: 0xb9, dscp: 46, dscpName: 'EF', ecn: 1, replyTos: 0x21, rttMs: 1.5 }),
    row({ tos: 0x10, dscp: 4, dscpName: null, answered: 0, replyTos: null, rttMs: null }),
  ];
  const text = tosTable(rows, false);
  const lines = text.trimEnd().split('\n');
  t.is(lines.length, 3 + 3 + 1);
  t.regex(lines[1]!, /^│ TOS +│ DSCP +│ ECN +│ ANSWERED │ REPLY TOS │ RTT MS │$/);
  t.regex(lines[3]!, /^│ 0x00 │ CS0 \(0\) +│ Not-ECT │ 1\/1 +│ 0x00 +│ 0\.061 +│$/);
  t.regex(lines[4]!, /^│ 0xb9 │ EF \(46\) +│ ECT\(1\) +│ 1\/1 +│ 0x21 +│ 1\.500 +│$/);
  t.regex(lines[5]!, /^│ 0x10 │ 4 +│ Not-ECT │ 0\/1 +│ - +│ - +│$/);
  const udp = tosTable([row({ arrivedTos: 0x20 })], false);
  t.regex(udp, /│ ARRIVED TOS │/);
  t.regex(udp, /│ 0x20 +│/);
});

test('the REWRITTEN cell says where: after the last hop that kept the value, seen at the next; or no; or unknown', (t) => {
  t.is(
    pathText({ rewritten: true, quoted: 0x20, lastKept: { ttl: 1, from: '203.0.113.2' }, firstSeen: { ttl: 2, from: '198.51.100.2' }, hops: 3, reached: true }),
    'to 0x20 after hop 1 203.0.113.2 (seen at hop 2 198.51.100.2)',
  );
  t.is(
    pathText({ rewritten: true, quoted: 0, lastKept: null, firstSeen: { ttl: 1, from: '203.0.113.2' }, hops: 3, reached: true }),
    'to 0x00 by hop 1 203.0.113.2 or before',
  );
  t.is(pathText({ rewritten: false, quoted: null, lastKept: { ttl: 3, from: '198.51.100.6' }, firstSeen: null, hops: 4, reached: true }), 'no (kept to hop 3)');
  t.is(pathText({ rewritten: null, quoted: null, lastKept: null, firstSeen: null, hops: 4, reached: false }), 'unknown (no hop quoted our header)');
  t.is(pathText({ rewritten: null, quoted: null, lastKept: { ttl: 1, from: '203.0.113.2' }, firstSeen: null, hops: 3, reached: true }), 'unknown (kept to hop 1; no quote from the hops after it)');
  const text = tosTable([row({ path: { rewritten: false, quoted: null, lastKept: { ttl: 3, from: '198.51.100.6' }, firstSeen: null, hops: 4, reached: true } })], true);
  t.regex(text, /│ REWRITTEN +│/);
  t.regex(text, /│ no \(kept to hop 3\) │/);
});

test('--json rows carry the same facts, one object per value', (t) => {
  const r = row({ tos: 0xb8, dscp: 46, dscpName: 'EF', replyTos: 0x20, arrivedTos: 0x20 });
  t.deepEqual(rowJson(r), {
    type: 'tos', tos: 184, dscp: 46, dscpName: 'EF', ecn: 0, sent: 1, answered: 1, replyTos: 32, arrivedTos: 32, rtt: 0.061, path: null,
  });
});

const badInput: [string[], string][] = [
  [['--values', '0,300'], '--values: TOS 300 is out of range 0-255'],
  [['--values', '0,,1'], '--values: "0,,1" has an empty item'],
  [['--values', 'fast'], '--values: bad TOS value "fast"'],
  [['--dscp', '64'], '--dscp: 64 is out of range: a DSCP is 0-63 (or all)'],
  [['--dscp', 'gold'], '--dscp: unknown DSCP "gold"'],
  [['-P', 'gre'], '-P: unknown probe kind "gre": give icmp, udp or tcp'],
  [['-q', '0'], '0 probes per hop: give a whole number from 1 to 10'],
  [['-f', '2'], '-f and -m set the TTL sweep of --path: add --path'],
  [['--path', '-f', '9', '-m', '3'], 'max TTL 3 is below the first TTL 9'],
  [['-w', '-1'], '-w: wait "-1" is not a number'],
];

for (const [args, message] of badInput) {
  test(`bad input ${args.join(' ')}: one line, exit 2, nothing sent`, async (t) => {
    assertUsageError(t, await rawprobe(['tos', ...args, '127.0.0.1']), message);
  });
}

test('tos --help names its options', async (t) => {
  const r = await rawprobe(['tos', '--help']);
  t.is(r.code, 0);
  t.regex(r.stdout, /^rawprobe tos <host>/m);
  for (const flag of ['--values', '--dscp', '--ecn', '--path', '--json', '-P', '-q', '-w', '-N']) t.true(r.stdout.includes(flag), flag);
});
