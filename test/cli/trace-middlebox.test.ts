// Middleboxes without a network: ChangeTracker placing each change between the last hop whose
// quote reached the field and the first that showed it (a short quote in between is skipped,
// never taken for "unchanged"), sequence shifts, and the words cli/format/trace-changes.ts
// prints: the hop line's changes, the quote left unknown, the summary lines and JSON.
import test from 'ava';
import { ChangeTracker, type HeaderChange } from '../../lib/probe/trace/changes.js';
import { rawprobe } from '../helpers/cli.js';
import { checkTraceOptions, configureTrace } from '../../lib/probe/trace/index.js';
import { parseSynOptions } from '../../lib/wire/tcp-options.js';
import { changeText, changesJson, changesSuffix, middleboxJson, middleboxLine, reportedMiddleboxes } from '../../cli/format/trace-changes.js';

const mss: HeaderChange = { field: 'tcpOption', option: 'mss', sent: 1460, quoted: 1300 };
const ecn: HeaderChange = { field: 'ecn', sent: 2, quoted: 0 };
const checksum: HeaderChange = { field: 'checksum', sent: 0x1111, quoted: 0x2222 };
/** Where the fields end in a 60-byte SYN: the options need the whole quote, ECN the IP header. */
const fieldEnd = (c: HeaderChange): number => (c.field === 'tcpOption' ? 60 : c.field === 'checksum' ? 38 : 20);

test('a middlebox lies between the last hop whose quote reached the field and the first that changed it', (t) => {
  const tracker = new ChangeTracker(fieldEnd);
  t.deepEqual(tracker.hop([[], []], { ttl: 1, from: '203.0.113.2', quoteBytes: 60 }), []);
  // Hop 2 quotes 28 bytes: it reaches ECN (unchanged) but not the options.
  t.deepEqual(tracker.hop([[]], { ttl: 2, from: '198.51.100.2', quoteBytes: 28 }), []);
  t.deepEqual(tracker.hop([[ecn, checksum, mss]], { ttl: 3, from: '198.51.100.6', quoteBytes: 60 }), [ecn, checksum, mss]);
  t.deepEqual(tracker.hop([[ecn, checksum, mss]], { ttl: 4, from: '203.0.113.6', quoteBytes: 60 }), []);
  const found = tracker.middleboxes();
  t.deepEqual(found.map((m) => [m.change.field, m.after, m.at]), [
    ['ecn', { ttl: 2, from: '198.51.100.2' }, { ttl: 3, from: '198.51.100.6' }],
    ['checksum', { ttl: 1, from: '203.0.113.2' }, { ttl: 3, from: '198.51.100.6' }],
    ['tcpOption', { ttl: 1, from: '203.0.113.2' }, { ttl: 3, from: '198.51.100.6' }],
  ]);
  t.deepEqual(reportedMiddleboxes(found).map((m) => m.change.field), ['ecn', 'tcpOption'], 'the checksum follows the other changes');
  t.is(middleboxLine(found[2]!), 'MSS clamped to 1300 between hop 1 and hop 3 (203.0.113.2 -> 198.51.100.6)');
  t.is(middleboxLine(found[0]!), 'ECN bleached (ECT(0) -> Not-ECT) between hop 2 and hop 3 (198.51.100.2 -> 198.51.100.6)');
});

test('a change at the first hop that quoted: "before hop N"; each TCP option its own change; the quoted TTL no middlebox', (t) => {
  const tracker = new ChangeTracker(fieldEnd);
  const sack: HeaderChange = { field: 'tcpOption', option: 'sackOK', sent: '', quoted: null };
  const ttl: HeaderChange = { field: 'ttl', sent: 1, quoted: 0 };
  t.deepEqual(tracker.hop([[mss, ttl], [mss, sack]], { ttl: 1, from: '203.0.113.2', quoteBytes: 60 }), [ttl, mss, sack]);
  t.deepEqual(tracker.middleboxes().map(middleboxLine), [
    'MSS clamped to 1300 before hop 1 (203.0.113.2)',
    'TCP option sackOK removed before hop 1 (203.0.113.2)',
  ]);
});

test('sequence numbers: a shift every probe agrees on is told (+1000), a rewrite to one value is not a shift', (t) => {
  const shifted = new ChangeTracker();
  const seq = (sent: number, quoted: number): HeaderChange => ({ field: 'seq', sent, quoted });
  const [a] = shifted.hop([[seq(5000, 6000)], [seq(5001, 6001)]], { ttl: 2, from: '198.51.100.2', quoteBytes: 60 });
  t.deepEqual(a, { field: 'seq', sent: 5000, quoted: 6000, delta: 1000 });
  t.is(changeText(a!), 'tcp seq +1000');
  t.is(middleboxLine(shifted.middleboxes()[0]!), 'TCP sequence numbers shifted by +1000 before hop 2 (198.51.100.2)');
  t.deepEqual(shifted.hop([[seq(5002, 6002)]]), [], 'the same shift further on: already reported');
  const rewritten = new ChangeTracker();
  const [b] = rewritten.hop([[seq(5000, 1000)], [seq(0xffffffff, 1000)]]);
  t.deepEqual(b, seq(5000, 1000));
  t.is(changeText(b!), 'tcp seq 5000->1000');
});

test('the hop line names every field, and a short quote says what it left unknown', (t) => {
  const texts = ([
    mss,
    { field: 'tcpOption', option: 'sackOK', sent: '', quoted: null },
    { field: 'tcpOption', option: 'kind 30', sent: null, quoted: 'ab' },
    { field: 'tcpOption', option: 'timestamps', sent: '0,0', quoted: '9,0' },
    ecn,
    { field: 'tcpFlags', sent: 0xc2, quoted: 0x02 },
    { field: 'window', sent: 64240, quoted: 1000 },
    { field: 'dataOffset', sent: 10, quoted: 9 },
    { field: 'udpLength', sent: 40, quoted: 20 },
    { field: 'dst', sent: '203.0.113.6', quoted: '198.51.100.77' },
    { field: 'payload', at: 4, sent: '4445', quoted: '0000' },
  ] as HeaderChange[]).map(changeText);
  t.deepEqual(texts, [
    'tcp mss 1460->1300', 'tcp option sackOK removed', 'tcp option kind 30 added', 'tcp timestamps 0,0->9,0', 'ecn ECT(0)->Not-ECT',
    'tcp flags SYN|ECE|CWR->SYN', 'tcp window 64240->1000', 'tcp offset 10->9', 'udp length 40->20', 'dst 203.0.113.6->198.51.100.77',
    'data from byte 4 4445->0000',
  ]);
  t.is(changesSuffix([], { quote: { bytes: 28, unknown: 'tcp header from byte 8' } }), ' [quote 28 bytes: tcp header from byte 8 unknown]');
  t.is(changesSuffix([ecn], { quote: { bytes: 60, unknown: null } }), ' [ecn ECT(0)->Not-ECT]');
  t.is(changesSuffix([]), '');
  t.deepEqual(changesJson([mss, { field: 'seq', sent: 1, quoted: 2, delta: 1 }]), [
    { field: 'tcpOption', option: 'mss', sent: 1460, quoted: 1300 },
    { field: 'seq', sent: 1, quoted: 2, delta: 1 },
  ]);
  const m = { change: ecn, after: { ttl: 2, from: '198.51.100.2' }, at: { ttl: 3, from: '198.51.100.6' } };
  t.deepEqual(middleboxJson(m), {
    type: 'middlebox', field: 'ecn', sent: 2, quoted: 0, after: m.after, at: m.at,
    text: 'ECN bleached (ECT(0) -> Not-ECT) between hop 2 and hop 3 (198.51.100.2 -> 198.51.100.6)',
  });
});

test('bad --tcp-options: one line, exit 2, before anything is sent', async (t) => {
  const cases: [string[], string][] = [
    [['--tcp-options', 'mss', '-U'], 'rawprobe: TCP options (--tcp-options) are for TCP SYN probes (-T, -P tcp)\n'],
    [['--tcp-options', 'bogus', '-T'], 'rawprobe: --tcp-options: unknown TCP option "bogus": give none, or a comma list of mss[=N], sack, ts, wscale[=N]\n'],
    [['--tcp-options', 'mss=99999', '-T'], 'rawprobe: --tcp-options: TCP option mss=99999: give a whole number from 0 to 65535\n'],
  ];
  for (const [args, stderr] of cases) {
    const r = await rawprobe(['trace', ...args, '127.0.0.1']);
    t.is(r.code, 2, args.join(' '));
    t.is(r.stderr, stderr);
    t.is(r.stdout, '');
  }
});

test('--ecn: every TOS value of the trace carries ECT(0), its DSCP kept; --tcp-options only with TCP', async (t) => {
  const c = await configureTrace({ host: '127.0.0.1', ecn: true, tos: [0xb8, 0, 0x03] });
  t.deepEqual(c.tos, [0xba, 0x02, 0x02]);
  t.true(c.ecn);
  t.deepEqual((await configureTrace({ host: '127.0.0.1' })).tos, [0]);
  const synOptions = parseSynOptions('mss');
  t.is((await configureTrace({ host: '127.0.0.1', kind: 'tcp', tcpOptions: synOptions })).tcpOptions, synOptions);
  t.throws(() => checkTraceOptions({ host: '127.0.0.1', kind: 'icmp', tcpOptions: synOptions }), { message: /--tcp-options/ });
});
