// `rawprobe trace` without a network: traceroute's line shapes from hand-made hops (a changed
// source within a hop, `*`, marks after the time, our header changes appended in brackets), the
// exact JSON schema, the options the benchmark relies on, and bad input: one line, exit 2,
// before any socket is opened.
import test from 'ava';
import type { HeaderChange } from '../../lib/probe/trace/changes.js';
import { noAnswer, type TraceHop, type TraceProbe, type TraceStart } from '../../lib/probe/trace/index.js';
import { changeText, doneJson, headerLine, hopJson, hopLine } from '../../cli/format/trace.js';
import { parseWait, probeKind } from '../../cli/run/trace-args.js';
import { assertUsageError, rawprobe } from '../helpers/cli.js';

function probe(from: string | null, rttUs: number | null, extra: Partial<TraceProbe> = {}): TraceProbe {
  return {
    ...noAnswer(),
    from,
    rttMs: rttUs === null ? null : rttUs / 1000,
    rttUs,
    icmp: from === null ? null : { type: 11, code: 0 },
    ...extra,
  };
}

function hop(ttl: number, probes: TraceProbe[], changes: HeaderChange[] = []): TraceHop {
  return { type: 'hop', lane: 0, tos: 0, ttl, probes, changes, final: false };
}

test('the header line is traceroute\'s', (t) => {
  const start: TraceStart = {
    type: 'start', host: 'h2.lab', address: '203.0.113.6', source: '203.0.113.1', kind: 'icmp', port: null,
    firstTtl: 1, maxTtl: 30, probesPerHop: 3, packetLength: 60, tos: [0], df: false,
  };
  t.is(headerLine(start), 'traceroute to h2.lab (203.0.113.6), 30 hops max, 60 byte packets');
});

test('hop lines in traceroute 2.1\'s shape: "%2u ", address once, two spaces and %.3f ms, * for silence', (t) => {
  t.is(hopLine(hop(1, [probe('203.0.113.2', 412), probe('203.0.113.2', 377), probe('203.0.113.2', 365)])), ' 1  203.0.113.2  0.412 ms  0.377 ms  0.365 ms');
  t.is(hopLine(hop(2, [probe(null, null), probe(null, null), probe(null, null)])), ' 2  * * *');
  t.is(hopLine(hop(12, [probe(null, null), probe('198.51.100.2', 38), probe('198.51.100.2', 7)])), '12  * 198.51.100.2  0.038 ms  0.007 ms');
  // A changed source within the hop prints the new address before its time.
  t.is(
    hopLine(hop(3, [probe('198.51.100.6', 1500), probe('198.51.100.9', 25000), probe('198.51.100.6', 123456)])),
    ' 3  198.51.100.6  1.500 ms 198.51.100.9  25.000 ms 198.51.100.6  123.456 ms',
  );
  // After a *, the same address as the probe before the * is not printed again.
  t.is(hopLine(hop(4, [probe('198.51.100.6', 10), probe(null, null), probe('198.51.100.6', 20)])), ' 4  198.51.100.6  0.010 ms *  0.020 ms');
});

test('marks follow the time; names as "name (address)"; a refused send is * with its mark', (t) => {
  const f = (rtt: number): TraceProbe => probe('203.0.113.2', rtt, { icmp: { type: 3, code: 4 }, mark: '!F-1400' });
  t.is(hopLine(hop(2, [f(170), f(163), f(158)])), ' 2  203.0.113.2  0.170 ms !F-1400  0.163 ms !F-1400  0.158 ms !F-1400');
  t.is(hopLine(hop(1, [probe('203.0.113.2', 50)]), (a) => `r1.lab (${a})`), ' 1  r1.lab (203.0.113.2)  0.050 ms');
  t.is(hopLine(hop(1, [probe(null, null, { mark: '!F', sendError: 'EMSGSIZE' })])), ' 1  * !F');
});

test('header changes are appended at the end of the line, in brackets, so traceroute parsers still read it', (t) => {
  const line = hopLine(hop(2, [probe('198.51.100.2', 48)], [{ field: 'tos', sent: 0xb8, quoted: 0x20 }, { field: 'df', sent: 1, quoted: 0 }]));
  t.is(line, ' 2  198.51.100.2  0.048 ms [tos 0xb8->0x20, df 1->0]');
  t.deepEqual(
    ([
      { field: 'id', sent: 0x1234, quoted: 0xbeef },
      { field: 'length', sent: 60, quoted: 64 },
      { field: 'options', sent: '94040000', quoted: '' },
      { field: 'ttl', sent: 3, quoted: 0 },
      { field: 'src', sent: '203.0.113.1', quoted: '198.51.100.9' },
      { field: 'srcPort', sent: 40000, quoted: 1025 },
      { field: 'dstPort', sent: 33434, quoted: 53 },
      { field: 'checksum', sent: 0xabcd, quoted: 0x1 },
      { field: 'seq', sent: 1, quoted: 2 },
    ] as HeaderChange[]).map(changeText),
    ['id 0x1234->0xbeef', 'length 60->64', 'options 94040000->none', 'quoted ttl 0', 'src 203.0.113.1->198.51.100.9', 'sport 40000->1025', 'dport 33434->53', 'checksum 0xabcd->0x0001', 'tcp seq 1->2'],
  );
});

test('--json objects have exactly the keys of the issue\'s schema', (t) => {
  const h = hop(2, [probe('198.51.100.2', 412), probe(null, null), probe('203.0.113.6', 99, { icmp: null, tcpFlags: 0x12, reply: true })], [
    { field: 'tos', sent: 184, quoted: 32 },
  ]);
  t.deepEqual(hopJson(h), {
    type: 'hop',
    ttl: 2,
    probes: [
      { from: '198.51.100.2', rtt: 0.412, icmp: { type: 11, code: 0 } },
      { from: null, rtt: null, icmp: null },
      { from: '203.0.113.6', rtt: 0.099, icmp: null },
    ],
    changes: [{ field: 'tos', sent: 184, quoted: 32 }],
  });
  t.deepEqual(doneJson(true, 4), { type: 'done', reached: true, hops: 4 });
});

test('-w MAX[,HERE,NEAR] and the probe kind flags', (t) => {
  t.deepEqual(parseWait('5'), { waitMs: 5000 });
  t.deepEqual(parseWait('0.5,2,8'), { waitMs: 500, here: 2, near: 8 });
  t.deepEqual(parseWait('1,,0'), { waitMs: 1000, near: 0 });
  t.throws(() => parseWait('x'), { message: '-w: wait "x" is not a number' });
  t.throws(() => parseWait('1,2,3,4'), { message: /not MAX\[,HERE,NEAR\]/ });
  t.is(probeKind(undefined, { icmp: false, udp: false, tcp: false }), null);
  t.is(probeKind('UDP', { icmp: false, udp: false, tcp: false }), 'udp');
  t.is(probeKind(undefined, { icmp: false, udp: false, tcp: true }), 'tcp');
  t.throws(() => probeKind('sctp', { icmp: false, udp: false, tcp: false }), { message: '-P: unknown probe kind "sctp": give icmp, udp or tcp' });
  t.throws(() => probeKind('udp', { icmp: false, udp: false, tcp: true }), { message: 'choose one probe kind (got udp and tcp)' });
});

test('trace --help lists every option the benchmark and traceroute users need', async (t) => {
  const r = await rawprobe(['trace', '--help']);
  t.is(r.code, 0);
  t.regex(r.stdout, /^rawprobe trace <host> \[packetlen\]/m);
  for (const flag of ['-n', '-4', '-M', '--module', '-P', '-I', '-U', '--udplite', '-T', '-i', '-p', '-f', '-m', '-q', '-w', '-N', '-Q', '-F', '-s', '--json', '--ip-option', '--pcap-out']) {
    t.regex(r.stdout, new RegExp(`(^|[\\s,])${flag}(?![\\w-])`, 'm'), flag);
  }
});

const badInput: [string[], string][] = [
  [['-f', '5', '-m', '3'], 'max TTL 3 is below the first TTL 5: give a max TTL of at least 5'],
  [['-q', '0'], '0 probes per hop: give a whole number from 1 to 10'],
  [['-q', '11'], '11 probes per hop: give a whole number from 1 to 10'],
  [['-P', 'sctp'], '-P: "sctp" is not a protocol number (0-255): -P sends raw IPv4 probes of that protocol, as traceroute\'s; for sctp probes give -M sctp'],
  [['-P', 'udp'], 'for udp probes give -M default (ports 33434 and up) or -U (port 53)'],
  [['-P', '256'], 'protocol 256 is out of range: give a whole number from 0 to 255'],
  [['-M', 'dccp'], '-M: unknown method "dccp": give icmp, default, udp, udplite, tcp, raw'],
  [['-U', '-T'], 'choose one probe method (got tcp and udp)'],
  [['-UL', '-P', '17'], 'choose one probe method (got udplite and raw)'],
  [['-P', '17', '-p', '53'], 'a port is for udp, udplite and tcp probes, not raw'],
  [['-i', 'a/b'], 'interface "a/b" is not an interface name'],
  [['-i', 'nosuchif0'], 'SO_BINDTODEVICE nosuchif0: No such device'],
  [['-Q', '256'], '-Q: TOS 256 is out of range 0-255'],
  [['-Q', 'bogus'], '-Q: bad TOS value "bogus"'],
  [['-m', '0'], 'max TTL 0 is out of range: give a whole number from 1 to 255'],
  [['-f', '256'], 'first TTL 256 is out of range: give a whole number from 1 to 255'],
  [['-w', '0'], 'wait 0 s is out of range'],
  [['-N', 'x'], '-N: probes in flight "x" is not a whole number'],
  [['-I', '-p', '80'], 'a port is for udp, udplite and tcp probes, not icmp'],
  [['-M', 'default', '-p', '65530'], 'port 65530 leaves room for 6 probes, and this trace may send 90: give a lower port'],
  [['--ip-option', 'bogus'], '--ip-option'],
];

for (const [args, message] of badInput) {
  test(`bad input ${args.join(' ')}: one line, exit 2, nothing sent`, async (t) => {
    assertUsageError(t, await rawprobe(['trace', '-n', ...args, '127.0.0.1']), message);
  });
}

test('a packet length above 65535: exit 2, one line', async (t) => {
  const long = await rawprobe(['trace', '-n', '127.0.0.1', '70000']);
  t.is(long.code, 2);
  t.regex(long.stderr, /^rawprobe: packet length 70000 is out of range: give a whole number from 0 to 65535\n$/);
});

test('over IPv6: -UL and -P are refused (IPv4 headers only), and so are --paris and --multipath (their flows are told apart by IPv4 fields)', async (t) => {
  assertUsageError(t, await rawprobe(['trace', '-n', '-UL', '::1']), 'udplite probes are IPv4 only: give -4, or another method for IPv6');
  assertUsageError(t, await rawprobe(['trace', '-n', '-P', '253', '::1']), 'raw probes are IPv4 only');
  assertUsageError(t, await rawprobe(['trace', '-n', '-U', '--paris', '::1']), '--paris keeps flows over IPv4 only');
  assertUsageError(t, await rawprobe(['trace', '-n', '-I', '::1', '--multipath=4']), '--multipath keeps flows over IPv4 only');
});
