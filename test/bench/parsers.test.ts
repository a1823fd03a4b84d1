// The bench rows read other tools' output; these check the readers on real output of the
// versions on this machine (iputils 20221126, hping3 3.0.0-alpha-2, traceroute 2.1.2, mtr 0.95,
// fping 5.1, tshark 4.0), copied from runs in a lab.
import test from 'ava';
import { checkReport, expectedSums, oursBuildParse, sampleIndexes } from '../../bench/rows/build-parse.js';
import { jsonBadPackets, textBadPackets, tsharkBadPackets, TSHARK_BAD_FILTER } from '../../bench/rows/checksum.js';
import { countTshark } from '../../bench/checksum.js';
import { countersSay, floodCap, parseTransmitted, steadyRate } from '../../bench/rows/flood.js';
import { parseRtts } from '../../bench/rows/rtt.js';
import { countAlive, hostsIn } from '../../bench/rows/sweep.js';
import { checkTrace, mtrHops, traceHops } from '../../bench/rows/trace.js';
import { parseLinkCounters } from '../../bench/counters.js';
import { formatNumber, formatSpread, markdownTable } from '../../bench/format.js';
import { makeRow } from '../../bench/harness.js';
import { missingFlags } from '../../bench/rawprobe.js';

test('flood summaries of iputils ping and hping3', (t) => {
  t.deepEqual(parseTransmitted('--- 203.0.113.6 ping statistics ---\n449677 packets transmitted, 449677 received, 0% packet loss, time 5000ms\n'), { sent: 449677, received: 449677 });
  t.deepEqual(parseTransmitted('5 packets transmitted, 4 received, +1 duplicates, 20% packet loss, time 4005ms'), { sent: 5, received: 4 });
  t.deepEqual(parseTransmitted('--- 203.0.113.6 hping statistic ---\n480094 packets transmitted, 0 packets received, 100% packet loss\n'), { sent: 480094, received: 0 });
  t.is(parseTransmitted('PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.'), null);
});

test('counters: on a link tx is sent and rx replies; on lo each is half of tx', (t) => {
  t.deepEqual(countersSay('lab', { txPackets: 1000, rxPackets: 990 }), { sent: 1000, replies: 990 });
  t.deepEqual(countersSay('loopback', { txPackets: 1566888, rxPackets: 1566888 }), { sent: 783444, replies: 783444 });
  t.is(floodCap(5), 10_000_000);
});

test('ip -s -j link statistics', (t) => {
  const json = '[{"ifindex":2,"ifname":"eth0","stats64":{"rx":{"bytes":0,"packets":788626,"errors":0},"tx":{"bytes":0,"packets":788627,"errors":0}}}]';
  t.deepEqual(parseLinkCounters(json), { txPackets: 788627, rxPackets: 788626 });
  t.throws(() => parseLinkCounters('[{"ifname":"eth0"}]'), { message: /no statistics/ });
});

test('RTTs from reply lines, nothing from the summary', (t) => {
  const out = [
    'PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.',
    '64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms',
    '64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.031 ms',
    '64 bytes from 127.0.0.1: icmp_seq=3 ttl=64 time=1.20 ms (DUP!)',
    'rtt min/avg/max/mdev = 0.031/0.425/1.200/0.5 ms',
  ].join('\n');
  t.deepEqual(parseRtts(out), [0.045, 0.031, 1.2]);
});

const TRACEROUTE = ` traceroute to 203.0.113.6 (203.0.113.6), 30 hops max, 60 byte packets
 1  203.0.113.2  0.046 ms  0.006 ms  0.005 ms
 2  * * *
 3  198.51.100.6  0.030 ms  0.008 ms  0.007 ms
 4  203.0.113.6  0.019 ms  0.009 ms  0.009 ms
`;
const MTR = `Start: 2026-11-25T10:46:34+0000
HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev
  1.|-- 203.0.113.2                0.0%     1    0.1   0.1   0.1   0.1   0.0
  2.|-- ???                       100.0     1    0.0   0.0   0.0   0.0   0.0
  3.|-- 198.51.100.6               0.0%     1    0.1   0.1   0.1   0.1   0.0
  4.|-- 203.0.113.6                0.0%     1    0.1   0.1   0.1   0.1   0.0
`;

test('trace output: hops of traceroute and mtr, reaching the target past a silent hop', (t) => {
  const hops = traceHops(TRACEROUTE);
  t.deepEqual(hops.map((h) => h.ttl), [1, 2, 3, 4]);
  t.notThrows(() => checkTrace('traceroute', hops, '203.0.113.6', 2));
  t.deepEqual(mtrHops(MTR).map((h) => h.ttl), [1, 2, 3, 4]);
  t.notThrows(() => checkTrace('mtr', mtrHops(MTR), '203.0.113.6', 2));
});

test('a trace that stops short or where the silent hop answered is refused', (t) => {
  const short = traceHops(TRACEROUTE.split('\n').slice(0, 4).join('\n'));
  t.throws(() => checkTrace('traceroute', short, '203.0.113.6', null), { message: /did not reach 203\.0\.113\.6/ });
  // r1's routers-answering mtr run: hop 2 answered, so it is no silent-hop run.
  const answered = MTR.replace('???                      ', '198.51.100.2             ');
  t.throws(() => checkTrace('mtr', mtrHops(answered), '203.0.113.6', 2), { message: /silent hop 2 answered/ });
  // The target address as part of a longer one does not count.
  t.throws(() => checkTrace('x', [{ ttl: 1, line: '203.0.113.61  0.1 ms' }], '203.0.113.6', null));
});

test('checksum: the bad packets tshark, the text report and the JSON report list, as 0-based indexes', (t) => {
  t.is(TSHARK_BAD_FILTER, 'ip.checksum.status == 0 || icmp.checksum.status == 0 || udp.checksum.status == 0 || tcp.checksum.status == 0 || icmpv6.checksum.status == 0 || udp.checksum.status == 4');
  t.deepEqual(tsharkBadPackets('45\n89\n218\n'), [44, 88, 217]);
  const text = [
    'bad checksums:',
    '┌────────┬───────┬────────┬──────────┬──────┐',
    '│ PACKET │ LAYER │ FOUND  │ EXPECTED │ NOTE │',
    '├────────┼───────┼────────┼──────────┼──────┤',
    '│     44 │ tcp   │ 0xad18 │ 0xac19   │      │',
    '│     88 │ ipv4  │ 0xa843 │ 0xa942   │      │',
    '│     88 │ udp   │ 0xa843 │ 0xa942   │      │',
    '└────────┴───────┴────────┴──────────┴──────┘',
  ].join('\n');
  t.deepEqual(textBadPackets(text), [44, 88]);
  t.deepEqual(jsonBadPackets('{"badPackets":[{"index":44,"layer":"tcp"},{"index":88,"layer":"ipv4"},{"index":88,"layer":"udp"}]}'), [44, 88]);
  t.deepEqual(textBadPackets('│     12 │ icmpv6 │ 0x0001 │ 0x0002   │      │'), [12]);
});

test('tshark checksum status columns: 0 is bad, per layer (the outer upper layer); 4, a 0 UDP checksum over IPv6, too', (t) => {
  const v4 = (upper: string): string => `eth:ethertype:ip:${upper}`;
  const v6 = (upper: string): string => `eth:ethertype:ipv6:ipv6.hopopts:${upper}`;
  const out = [
    `${v4('icmp:data')}\t1\t1\t\t\t`,
    `${v4('icmp:data')}\t0\t1\t\t\t`,
    `${v4('udp:data')}\t1\t\t0\t\t`,
    `${v4('tcp')}\t1\t\t\t0\t`,
    `${v4('icmp:ip:udp')}\t1\t0\t0\t\t`, // an ICMP error quoting UDP: the quote's UDP is not counted
    `${v4('icmp:data')}\t1\t2\t\t\t`,
    `${v6('icmpv6:data')}\t\t\t\t\t0`,
    `${v6('udp:data')}\t\t\t4\t\t`,
    `${v6('tcp')}\t\t\t\t0\t`,
    '',
  ].join('\n');
  const counted = countTshark(out);
  t.is(counted.packets, 9);
  t.deepEqual(Object.fromEntries(Object.entries(counted.layers).map(([l, c]) => [l, c.bad])), { ipv4: 1, icmp: 1, udp: 2, tcp: 2, icmpv6: 1 });
});

test('sweep: hosts in a block and fping alive lines', (t) => {
  t.is(hostsIn(16), 65534);
  t.is(hostsIn(20), 4094);
  t.is(hostsIn(31), 2);
  t.is(countAlive('198.18.0.1 is alive\n198.18.0.2 is unreachable\n198.18.0.3 is alive (0.03 ms)\n'), 2);
});

test('build-parse: our side verifies every packet and gives the sums scapy must give', (t) => {
  const n = 300;
  const r = oursBuildParse(n, sampleIndexes(n));
  t.is(r.valid, n);
  t.deepEqual({ seqSum: r.seqSum, dataBytes: r.dataBytes }, expectedSums(n));
  t.deepEqual(Object.keys(r.sample), ['0', '1', '255', '256', '299']);
  // Packet 1: id 1, TTL 64, ICMP id 0x1234 seq 1, payload bytes 1..56 (scapy's bytes, checked in a run).
  t.is(r.sample['1'], '45000054000100004001146dc6336401cb0071060800d29b123400010102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738');
  t.regex(checkReport('ours', r, n, r.sample), /5 sample packets identical/);
  const wrong = { ...r, sample: { ...r.sample, '1': r.sample['0']! } };
  t.throws(() => checkReport('scapy', wrong, n, r.sample), { message: /packet 1 differs/ });
  t.throws(() => checkReport('scapy', { ...r, valid: n - 1 }, n, null), { message: /299 of 300 packets verified/ });
});

test('numbers in the table: three significant digits, k and M', (t) => {
  t.is(formatNumber(2_730_000), '2.73M');
  t.is(formatNumber(90_123), '90.1k');
  t.is(formatNumber(2310), '2310');
  t.is(formatNumber(3.54), '3.54');
  t.is(formatNumber(0.0412), '0.041');
  t.is(formatSpread({ median: 100, min: 90, max: 110 }), '100 (90.0–110)');
  t.is(formatSpread(null), '-');
});

test('the markdown table has one line per row and shows a loss', (t) => {
  const r = (v: number) => ({ name: 'x', side: 'ours' as const, command: 'x', unavailable: null, error: null, outcomes: [v, v, v].map((x) => ({ values: { ms: x } })) });
  const row = makeRow({ id: '6.version.ms', group: 'startup', metric: { key: 'ms', what: 'start-up', units: 'ms', better: 'lower' }, ours: { ...r(170), name: 'rawprobe --version' }, theirs: { ...r(3.5), name: 'ping -V', side: 'theirs' } });
  const lines = markdownTable([row]).split('\n');
  t.is(lines.length, 3);
  t.is(lines[2], '| 6 | start-up | ms | `rawprobe --version` | 170 | `ping -V` | 3.50 | 49 | 3 | LOSS: 49x slower |');
});

test('a row waits for every option it uses to appear in the command\'s help', (t) => {
  const help = [
    'rawprobe ping <host>',
    'Options:',
    '  -c, --count     stop after this many replies   [number]',
    '  -f, --flood     flood: as fast as replies come [boolean]',
    '      --payload-hex  bytes, in hex               [string]',
    '  -h, --help      Show help                      [boolean]',
  ].join('\n');
  t.deepEqual(missingFlags(help, ['-c', '-f', '--count', '--payload-hex']), []);
  t.deepEqual(missingFlags(help, ['-w', '--rate', '--payload']), ['-w', '--rate', '--payload']);
  // "-c" must not be found inside "--count" alone, nor "--payload" inside "--payload-hex".
  t.deepEqual(missingFlags('      --count  n', ['-c']), ['-c']);
});

test('the steady flood rate leaves out start-up and tail', (t) => {
  // Polled every 100 ms: nothing for 0.4 s (start-up), 10,000 packets per 100 ms, then stopped.
  const counts = [0, 0, 0, 0, 0, 4_000, 14_000, 24_000, 34_000, 44_000, 50_000, 50_000];
  const samples = counts.map((count, i) => ({ count, at: i * 100 }));
  t.is(steadyRate(samples), 100_000);
  // Fewer than three intervals with traffic: no steady stretch.
  t.is(steadyRate([{ count: 0, at: 0 }, { count: 10, at: 100 }, { count: 20, at: 200 }, { count: 20, at: 300 }]), null);
  t.is(steadyRate([]), null);
});
