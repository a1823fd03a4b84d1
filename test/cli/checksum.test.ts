// `rawprobe checksum` as a user runs it: the table and exit codes, the --json shape, --fix
// re-checked clean, --compute, checksum offload in real loopback captures, and every kind of
// broken input (one line naming packet index and byte offset, the packets before it reported).
// The planted capture is mixed IPv4 and IPv6: ICMPv6 has its own row, UDP and TCP over IPv6
// count in the udp and tcp rows.
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeChecksumPcap, type PlantedCounts } from '../../bench/make-checksum-pcap.js';
import { readPcapBuffer } from '../../lib/pcap/index.js';
import { encodePacket } from '../../lib/wire/index.js';
import { pcapFixture as fixture, rawprobe } from '../helpers/cli.js';
import { sharedTempDir } from '../helpers/tmp.js';

const dir = sharedTempDir('checksum-cli');
const planted = join(dir, 'planted.pcap');
let counts: PlantedCounts;

interface Report {
  packets: number;
  bad: Record<string, number>;
  unverifiable: number;
  badPackets: { index: number; layer: string; found: number; expected: number; offloaded: boolean; fileOffset: number }[];
  layers: Record<string, { good: number; bad: number; unverifiable: number; absent: number }>;
  notIpv4: number;
  malformed: number;
  fix: { path: string; records: number; fixed: number } | null;
  error: string | null;
}

test.before(async () => {
  counts = await makeChecksumPcap(planted, { packets: 2000, seed: 11, badIpv4: 0.01, badTransport: 0.02, truncated: 0.01, udpWithoutChecksum: 0.03, ipv6: 0.3 });
});

test('--json: the issue shape, with exactly the planted counts; exit 1', async (t) => {
  const r = await rawprobe(['checksum', planted, '--json']);
  t.is(r.code, 1, r.stderr);
  t.is(r.stderr, '');
  const j = JSON.parse(r.stdout) as Report;
  t.is(j.packets, 2000);
  t.deepEqual(j.bad, { ipv4: counts.layers.ipv4.bad, icmp: counts.layers.icmp.bad, udp: counts.layers.udp.bad, tcp: counts.layers.tcp.bad, icmpv6: counts.layers.icmpv6.bad });
  t.true(counts.layers.icmpv6.bad > 0 && counts.layers.icmpv6.good > 0, 'the file has ICMPv6, good and bad');
  t.is(j.unverifiable, counts.truncated.length);
  t.deepEqual(j.badPackets.map((b) => [b.index, b.layer]), counts.bad.map((b) => [b.index, b.layer]));
  t.deepEqual(j.layers, counts.layers);
  const first = j.badPackets[0]!;
  t.not(first.found, first.expected);
  t.is(j.error, null);
  t.is(j.fix, null);
});

test('text: the per-layer table, then each bad packet with found and expected', async (t) => {
  const r = await rawprobe(['checksum', planted]);
  t.is(r.code, 1);
  const total = counts.bad.length;
  t.true(r.stdout.startsWith(`${planted}: 2000 packets, ${total} bad checksums in `), r.stdout.split('\n')[0]);
  const row = (layer: string): string => {
    const c = counts.layers[layer as 'udp'];
    return `│ ${layer.padEnd(6)} │ ${String(c.good).padStart(4)} │ ${String(c.bad).padStart(3)} │ ${String(c.unverifiable).padStart(12)} │ ${(layer === 'udp' ? String(c.absent) : '-').padStart(9)} │`;
  };
  for (const layer of ['ipv4', 'icmp', 'udp', 'tcp', 'icmpv6']) t.true(r.stdout.includes(row(layer)), `${layer} row: ${row(layer)}`);
  const j = JSON.parse((await rawprobe(['checksum', planted, '--json'])).stdout) as Report;
  const b = j.badPackets[0]!;
  const hex = (v: number): string => `0x${v.toString(16).padStart(4, '0')}`;
  t.regex(r.stdout, new RegExp(`│\\s+${b.index} │ ${b.layer}\\s+│ ${hex(b.found)} │ ${hex(b.expected)}\\s+│`));
});

test('--max-listed caps the text list and says how many more', async (t) => {
  const r = await rawprobe(['checksum', planted, '--max-listed', '3']);
  t.is(r.code, 1);
  t.regex(r.stdout, new RegExp(`\\.\\.\\. and ${counts.bad.length - 3} more`));
});

test('--fix writes a copy that checks clean (exit 0), unverifiable packets kept as they were', async (t) => {
  const out = join(dir, 'fixed.pcap');
  const r = await rawprobe(['checksum', planted, '--fix', out, '--json']);
  t.is(r.code, 1, 'the input still had bad checksums');
  const j = JSON.parse(r.stdout) as Report;
  t.deepEqual(j.fix, { path: out, records: 2000, fixed: counts.bad.length });
  const again = await rawprobe(['checksum', out, '--json']);
  t.is(again.code, 0, again.stdout);
  const k = JSON.parse(again.stdout) as Report;
  t.deepEqual(k.bad, { ipv4: 0, icmp: 0, udp: 0, tcp: 0, icmpv6: 0 });
  t.is(k.unverifiable, counts.truncated.length);
  t.is(k.layers.udp!.absent, counts.layers.udp.absent);
  const text = await rawprobe(['checksum', out]);
  t.is(text.code, 0);
  t.regex(text.stdout, /: 2000 packets, no bad checksum, \d+ unverifiable\n/);
});

test('--fix refuses to overwrite its own input', async (t) => {
  const r = await rawprobe(['checksum', planted, '--fix', planted]);
  t.is(r.code, 2);
  t.regex(r.stderr, /^rawprobe: --fix .*: that is the input file/);
  t.is(readFileSync(planted).length > 100_000, true, 'input untouched');
});

test('real loopback captures: kernel UDP/TCP checksums are offloaded (bad, as tshark says) and marked so', async (t) => {
  const r = await rawprobe(['checksum', fixture('lo-eth-usec.pcap'), '--json']);
  t.is(r.code, 1);
  const j = JSON.parse(r.stdout) as Report;
  t.is(j.packets, 13);
  t.is(j.notIpv4, 0, 'the IPv6 packet is checked too');
  t.deepEqual(j.layers.icmpv6, { good: 1, bad: 0, unverifiable: 0, absent: 0 }, 'the ping -6 echo request');
  t.deepEqual(j.bad, { ipv4: 0, icmp: 0, udp: 1, tcp: 1, icmpv6: 0 });
  t.deepEqual(j.badPackets.map((b) => [b.index, b.layer, b.offloaded]), [[8, 'udp', true], [10, 'tcp', true]]);
  const text = await rawprobe(['checksum', fixture('lo-eth-usec.pcap')]);
  t.regex(text.stdout, /note: offloaded: the UDP\/TCP checksum holds only the pseudo-header sum/);
  t.false(text.stdout.includes('not checked'), text.stdout);
});

test('--compute: the right values for one packet; exit 0 when right, 1 when wrong', async (t) => {
  const p = encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1' }, udp: { srcPort: 1, dstPort: 2 }, payload: Buffer.from('x') });
  const good = await rawprobe(['checksum', '--compute', p.toString('hex'), '--json']);
  t.is(good.code, 0);
  const g = JSON.parse(good.stdout) as { ipv4: { found: number; expected: number; status: string; unverifiable: string | null }; transport: { layer: string; expected: number; status: string } };
  t.deepEqual(g.ipv4, { found: p.readUInt16BE(10), expected: p.readUInt16BE(10), status: 'good', unverifiable: null });
  t.like(g.transport, { layer: 'udp', expected: p.readUInt16BE(26), status: 'good' });
  const wrong = Buffer.from(p);
  wrong.writeUInt16BE(0xbeef, 26);
  wrong.writeUInt16BE(0xdead, 10);
  const bad = await rawprobe(['checksum', '--compute', wrong.toString('hex')]);
  t.is(bad.code, 1);
  t.regex(bad.stdout, new RegExp(`│ ipv4  │ 0xdead │ 0x${p.readUInt16BE(10).toString(16).padStart(4, '0')}\\s+│ WRONG`));
  t.regex(bad.stdout, new RegExp(`│ udp   │ 0xbeef │ 0x${p.readUInt16BE(26).toString(16).padStart(4, '0')}\\s+│ WRONG`));
  const odd = await rawprobe(['checksum', '--compute', '45000']);
  t.is(odd.code, 2);
  t.regex(odd.stderr, /^rawprobe: --compute: packet index 0, byte offset \d+: bad hex: odd number of hex digits/);
});

test('hex input and stdin: the same engine', async (t) => {
  const p = encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1' }, icmp: { kind: 'echo-request', identifier: 1, sequence: 2 } });
  const bad = Buffer.from(p);
  bad.writeUInt16BE(0x1111, 22);
  const r = await rawprobe(['checksum', '--json'], { input: `${p.toString('hex')}\n${bad.toString('hex')}\n` });
  t.is(r.code, 1);
  const j = JSON.parse(r.stdout) as Report;
  t.is(j.packets, 2);
  t.deepEqual(j.badPackets.map((b) => [b.index, b.layer, b.found, b.fileOffset]), [[1, 'icmp', 0x1111, -1]]);
  const piped = await rawprobe(['checksum', '-', '--json'], { input: readFileSync(fixture('raw-be-usec.pcap')) });
  t.is(JSON.parse(piped.stdout).packets, 13);
});

// ---- broken input ---------------------------------------------------------------------------------

/** The fixture's bytes and where each record starts (its 16-byte header). */
function records(name: string): { bytes: Buffer; starts: number[] } {
  const bytes = readFileSync(fixture(name));
  const starts: number[] = [];
  readPcapBuffer(bytes, (v) => void starts.push(v.fileOffset - 16));
  return { bytes, starts };
}

const broken: [string, () => Buffer, RegExp, number][] = [
  ['zero-length file', () => Buffer.alloc(0), /empty .*packet index 0, byte offset 0/, 0],
  ['wrong magic', () => Buffer.concat([Buffer.from('deadbeef', 'hex'), records('lo-eth-usec.pcap').bytes.subarray(4)]), /not a pcap or pcapng file: unknown magic number 0xdeadbeef at byte offset 0 \(packet index 0, byte offset 0\)/, 0],
  ['cut mid global header', () => records('lo-eth-usec.pcap').bytes.subarray(0, 10), /truncated global header at byte offset 0: 10 of 24 bytes/, 0],
  ['cut mid record header', () => { const { bytes, starts } = records('lo-eth-usec.pcap'); return bytes.subarray(0, starts[3]! + 7); }, /truncated record header at packet index 3, byte offset \d+: 7 of 16 bytes/, 3],
  ['cut mid packet', () => { const { bytes, starts } = records('lo-eth-usec.pcap'); return bytes.subarray(0, starts[5]! + 30); }, /truncated packet at packet index 5, byte offset \d+: captured length \d+ but only 14 bytes left/, 5],
  ['a length field larger than the file', () => { const { bytes, starts } = records('lo-eth-usec.pcap'); const b = Buffer.from(bytes.subarray(0, starts[4]! + 16 + 66)); b.writeUInt32LE(60000, starts[4]! + 8); return b; }, /packet index 4, byte offset \d+: captured length 60000/, 4],
];

for (const [what, make, message, before] of broken) {
  test(`broken input, ${what}: one line naming packet index and byte offset, exit 2, the packets before reported`, async (t) => {
    const file = join(dir, `${what.replace(/\W+/g, '-')}.pcap`);
    writeFileSync(file, make());
    const r = await rawprobe(['checksum', file, '--json']);
    t.is(r.code, 2);
    t.regex(r.stderr, message);
    t.regex(r.stderr, /^rawprobe: [^\n]*packet index \d+[^\n]*byte offset \d+[^\n]*\n$/, 'one line with index and offset');
    t.false(r.stderr.includes('    at '), 'no stack trace');
    if (r.stdout !== '') t.is((JSON.parse(r.stdout) as Report).packets, before);
    else t.is(before, 0);
    const text = await rawprobe(['checksum', file]);
    t.is(text.code, 2);
    if (before > 0) t.regex(text.stdout, new RegExp(`: ${before} packets?, `), 'the packets before the break are counted');
  });
}

test('hex that is not hex, or has an odd number of digits: packet index and byte offset, exit 2', async (t) => {
  const good = encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1' }, icmp: { kind: 'echo-request' } }).toString('hex');
  const r = await rawprobe(['checksum', '--json'], { input: `${good}\n${good}\n4500 00zz\n` });
  t.is(r.code, 2);
  t.is(r.stderr, 'rawprobe: stdin: packet index 2 (line 3), byte offset 3: bad hex at position 7: "z" is not a hex digit\n');
  t.is((JSON.parse(r.stdout) as Report).packets, 2);
  const odd = await rawprobe(['checksum', '4500001'], {});
  t.is(odd.code, 2);
  t.regex(odd.stderr, /^rawprobe: hex argument: packet index 0, byte offset 3: bad hex: odd number of hex digits/);
});
