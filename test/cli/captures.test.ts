// Captures from the real world (issue 20): the corpus of fixtures/captures/ (TSO length 0, BIG
// TCP from the kernel, records over the snaplen, a malformed packet among 100 good ones, PPP,
// PPP in HDLC framing, Cisco HDLC, NFLOG from the kernel, MPLS, an unknown link type), each read
// by `rawprobe decode --json` and by tshark, packet by packet and field by field; then what
// decode and checksum say of each case: the lines, the counts, the offsets, the exit codes.
import test from 'ava';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, rawprobe, runCommand } from '../helpers/cli.js';
import { sharedTempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

const CAPTURES = join(ROOT, 'fixtures/captures');
const capture = (name: string): string => join(CAPTURES, name);
const dir = sharedTempDir('captures-cli');
const FILES = readdirSync(CAPTURES).filter((f) => f.endsWith('.pcap')).sort();

/** decode --json's object, as much of it as these tests read. */
interface Frame {
  frame: {
    index: number;
    capturedLength: number;
    originalLength: number;
    linkHeaderLength: number;
    fileOffset: number;
    mpls: { label: number; tc: number; bottom: boolean; ttl: number }[];
    nflog: { family: number; group: number; prefix: string | null; hook: number | null } | null;
    lengthFromCapture: boolean;
    checksums: { ipv4: string; ipv4Unverifiable: string | null; transport: string | null; transportStatus: string; offloaded: boolean } | null;
  };
  ip: { version: number; src: string; dst: string; id: number; ttl: number; protocol: number; totalLength: number } | null;
  problem: { kind: string; reason: string; offset: number | null; fileOffset: number | null } | null;
}

async function decodeJson(file: string): Promise<Frame[]> {
  const r = await rawprobe(['decode', file, '--json']);
  if (r.code !== 0 && r.code !== 1) throw new Error(`decode ${file}: exit ${r.code}: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Frame);
}

// ---- against tshark ------------------------------------------------------------------------------

const FIELDS = [
  'frame.len', 'frame.cap_len', 'frame.protocols', 'ip.src', 'ip.dst', 'ip.id', 'ip.ttl', 'ip.proto', 'ip.len',
  'ipv6.src', 'mpls.label', 'mpls.bottom', 'mpls.ttl', 'nflog.res_id', 'nflog.prefix', 'nflog.family', '_ws.malformed',
  'ip.checksum.status', 'icmp.checksum.status', 'udp.checksum.status', 'tcp.checksum.status', 'icmpv6.checksum.status',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

/** tshark's reading, one row per packet, the first occurrence of each field (the outer packet's). */
async function tshark(file: string): Promise<Row[]> {
  const args = ['tshark', '-n', '-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  for (const f of FIELDS) args.push('-e', f);
  const r = await runCommand(args);
  if (r.code !== 0) throw new Error(`tshark ${file}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(FIELDS.map((f, i) => [f, cells[i] ?? ''])) as Row;
  });
}

/** tshark's checksum status (0 bad, 1 good, 2 unverified, 4 illegal: UDP's 0 over IPv6) in our words. */
const STATUS: Record<string, string | undefined> = { 0: 'bad', 1: 'good', 2: 'unverifiable', 4: 'bad' };
const first = (cell: string): string => cell.split(',')[0] ?? '';

/** One packet: what we read against what tshark read. */
function compare(t: import('ava').ExecutionContext, name: string, ours: Frame, theirs: Row): void {
  const at = `${name} #${ours.frame.index}`;
  t.is(ours.frame.originalLength, Number(theirs['frame.len']), `${at}: frame length`);
  t.is(ours.frame.capturedLength, Number(theirs['frame.cap_len']), `${at}: captured length`);
  t.is(ours.frame.mpls.map((l) => l.label).join(','), theirs['mpls.label'], `${at}: MPLS labels`);
  if (ours.frame.mpls.length > 0) {
    t.is(ours.frame.mpls.map((l) => l.ttl).join(','), theirs['mpls.ttl'], `${at}: MPLS TTLs`);
    t.is(ours.frame.mpls.map((l) => (l.bottom ? 1 : 0)).join(','), theirs['mpls.bottom'], `${at}: bottom of stack`);
  }
  if (ours.frame.nflog !== null) {
    t.is(String(ours.frame.nflog.group), theirs['nflog.res_id'], `${at}: NFLOG group`);
    t.is(ours.frame.nflog.prefix ?? '', theirs['nflog.prefix'], `${at}: NFLOG prefix`);
  }
  // A malformed packet for tshark is one for us, and the other way round.
  t.is(ours.problem?.kind === 'malformed', theirs['_ws.malformed'] !== '', `${at}: malformed (${ours.problem?.reason ?? 'not for us'})`);
  const protocols = theirs['frame.protocols'].split(':');
  if (theirs['ipv6.src'] !== '' && theirs['ip.src'] === '') {
    // IPv6, decoded as IPv6: the addresses, and the upper layer's checksum as tshark judged it.
    t.is(ours.ip?.version, 6, `${at}: tshark found IPv6`);
    t.is(ours.ip?.src, first(theirs['ipv6.src']), `${at}: IPv6 source`);
    const c = ours.frame.checksums;
    if (c?.transport) t.is(c.transportStatus, STATUS[first(theirs[`${c.transport}.checksum.status` as keyof Row])] ?? 'none', `${at}: ${c.transport} checksum`);
    return;
  }
  if (theirs['ip.src'] === '') {
    t.is(ours.ip, null, `${at}: tshark found no IP (${theirs['frame.protocols']})`);
    if (protocols.includes('lcp')) t.is(ours.problem?.reason, 'PPP LCP (protocol 0xc021)');
    if (protocols.includes('ipcp')) t.is(ours.problem?.reason, 'PPP IPCP (protocol 0x8021)');
    if (protocols.includes('slarp')) t.is(ours.problem?.reason, 'ethertype 0x8035');
    if (protocols.includes('user_dlt')) t.is(ours.problem?.kind, 'unknown-link-type');
    return;
  }
  const ip = ours.ip!;
  t.truthy(ip, `${at}: tshark found IPv4`);
  t.deepEqual(
    [ip.src, ip.dst, ip.id, ip.ttl, ip.protocol],
    [first(theirs['ip.src']), first(theirs['ip.dst']), Number(first(theirs['ip.id'])), Number(first(theirs['ip.ttl'])), Number(first(theirs['ip.proto']))],
    `${at}: IPv4 header`,
  );
  // tshark's ip.len is the length it used: for a TSO header (0), the one from the capture.
  const ipLength = ours.frame.lengthFromCapture ? ours.frame.originalLength - ours.frame.linkHeaderLength : ip.totalLength;
  t.is(ipLength, Number(first(theirs['ip.len'])), `${at}: IPv4 length`);
  const c = ours.frame.checksums;
  if (c === null) return;
  if (ours.frame.lengthFromCapture) {
    // tshark sums a TSO header as captured; no packet on the wire carried it, so we do not (README).
    t.is(c.ipv4, 'unverifiable', `${at}: TSO header checksum`);
    t.regex(c.ipv4Unverifiable ?? '', /^TSO/);
    t.true(['good', 'bad'].includes(STATUS[first(theirs['ip.checksum.status'])]!));
  } else {
    t.is(c.ipv4, STATUS[first(theirs['ip.checksum.status'])] ?? 'none', `${at}: IPv4 checksum`);
  }
  if (c.transport !== null) {
    const column = `${c.transport}.checksum.status` as keyof Row;
    t.is(c.transportStatus, STATUS[first(theirs[column])] ?? 'none', `${at}: ${c.transport} checksum`);
  }
}

for (const name of FILES) {
  toolTest(['tshark'])(`${name}: decode reads as many packets as tshark, with the same fields`, async (t) => {
    const [ours, theirs] = await Promise.all([decodeJson(capture(name)), tshark(capture(name))]);
    t.is(ours.length, theirs.length, 'packet count');
    ours.forEach((frame, i) => compare(t, name, frame, theirs[i]!));
  });
}

// ---- what decode and checksum say of each case ----------------------------------------------------

test('a malformed packet among 100 good ones: marked on its line, the rest decoded, counted at the end, exit 1', async (t) => {
  const file = capture('malformed-middle.pcap');
  const r = await rawprobe(['decode', file]);
  t.is(r.code, 1, 'a negative answer, not a broken file');
  const lines = r.stdout.trim().split('\n');
  t.is(lines.length, 101);
  t.is(lines[50], '#50 22:13:20.050000 203.0.113.1 > 203.0.113.6 UDP [malformed] UDP header needs 8 bytes, 4 present (byte offset 4574)');
  t.true(lines.every((l, i) => i === 50 || l.endsWith('checksums ok')), 'every other packet decoded');
  t.is(r.stderr, 'rawprobe: 101 packets, 1 malformed (the first at packet index 50, byte offset 4574: UDP header needs 8 bytes, 4 present)\n');
  // JSON: the reason, the offset in the frame (after the 14-byte Ethernet header and the 20-byte
  // IPv4 header) and in the file (the frame starts at 4540).
  const json = await decodeJson(file);
  t.deepEqual(json[50]!.problem, { kind: 'malformed', reason: 'UDP header needs 8 bytes, 4 present', offset: 34, fileOffset: 4574 });
  t.is(json[50]!.frame.fileOffset, 4540);
  t.is(json.filter((j) => j.problem !== null).length, 1);
  // -v: the problem row says both counts.
  const v = await rawprobe(['decode', file, '-v', '-c', '51']);
  t.regex(v.stdout, /│ frame │ problem\s+│ malformed\s+│ UDP header needs 8 bytes, 4 present \(byte 34 │\n│\s+│\s+│\s+│ of the frame, byte offset 4574 in the file\)\s+│/);
  // Before the malformed packet, nothing to report: exit 0, no end line.
  const early = await rawprobe(['decode', file, '-c', '50']);
  t.is(early.code, 0);
  t.is(early.stderr, '');
});

test('checksum counts the malformed packet, names the same byte offset as decode, and goes on: exit 1', async (t) => {
  const file = capture('malformed-middle.pcap');
  const r = await rawprobe(['checksum', file, '--json']);
  t.is(r.code, 1);
  const j = JSON.parse(r.stdout) as { packets: number; malformed: number; malformedPackets: { index: number; offset: number; fileOffset: number; reason: string }[]; layers: { icmp: { good: number } }; error: string | null };
  t.is(j.packets, 101);
  t.is(j.malformed, 1);
  t.like(j.malformedPackets[0], { index: 50, offset: 34, fileOffset: 4574 });
  t.is(j.layers.icmp.good, 100);
  t.is(j.error, null);
  const text = await rawprobe(['checksum', file]);
  t.is(text.code, 1);
  t.regex(text.stdout, /: 101 packets, no bad checksum, 1 malformed\n/);
  t.regex(text.stdout, /\nmalformed: packet index 50, byte offset 4574: UDP datagram shorter than its 8-byte header\n/);
});

test('a damaged file after a malformed packet: the count, then the break with its packet index and byte offset, exit 2', async (t) => {
  const bytes = readFileSync(capture('malformed-middle.pcap'));
  const file = join(dir, 'malformed-then-cut.pcap');
  writeFileSync(file, bytes.subarray(0, 4540 + 60 + 16 + 30)); // cut 30 bytes into record 51
  const r = await rawprobe(['decode', file]);
  t.is(r.code, 2);
  t.is(r.stdout.trim().split('\n').length, 51);
  t.is(
    r.stderr,
    'rawprobe: 51 packets, 1 malformed (the first at packet index 50, byte offset 4574: UDP header needs 8 bytes, 4 present)\n' +
      `rawprobe: ${file}: truncated packet at packet index 51, byte offset 4600: captured length 74 but only 30 bytes left in the file\n`,
  );
});

test('TSO and BIG TCP: the length from the capture, said on the line and in JSON; the header checksum unverifiable', async (t) => {
  const r = await rawprobe(['decode', capture('tso-length0.pcap')]);
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.regex(lines[1]!, /, DF, length 0 \(TSO: 3040 from the capture\), ip checksum unverifiable \(TSO: the card writes each segment's length and checksum\), bad tcp checksum 0x[0-9a-f]{4} \(expected 0x[0-9a-f]{4}; offloaded: /);
  t.regex(lines[3]!, /length 0 \(TSO: 3040 on the wire, 186 captured\), ip checksum unverifiable \(TSO: [^)]*\), tcp checksum unverifiable \(bytes missing/);
  const json = await decodeJson(capture('tso-length0.pcap'));
  t.deepEqual(json.map((j) => j.frame.lengthFromCapture), [false, true, true, true]);
  t.like(json[1]!.frame.checksums, { ipv4: 'unverifiable', transport: 'tcp', transportStatus: 'bad', offloaded: true });
  t.is(json[1]!.ip!.totalLength, 0, 'the field as it is');
  const c = JSON.parse((await rawprobe(['checksum', capture('tso-length0.pcap'), '--json'])).stdout) as { layers: Record<string, Record<string, number>>; unverifiable: number };
  t.deepEqual(c.layers['ipv4'], { good: 1, bad: 0, unverifiable: 3, absent: 0 });
  t.deepEqual(c.layers['tcp'], { good: 1, bad: 2, unverifiable: 1, absent: 0 });
  // The kernel's own: a BIG TCP segment of 71516 bytes on lo.
  const big = await decodeJson(capture('bigtcp-kernel.pcap'));
  const segment = big.find((j) => j.frame.lengthFromCapture)!;
  t.true(segment.frame.originalLength > 65535 + 14);
  t.like(segment.frame.checksums, { ipv4: 'unverifiable', transportStatus: 'bad', offloaded: true });
});

test('records longer than the snaplen are read whole; one above 262144 stops the file with its packet index and byte offset', async (t) => {
  const json = await decodeJson(capture('caplen-over-snaplen.pcap'));
  t.is(json.length, 4);
  t.true(json.every((j) => j.frame.capturedLength === 74 && j.problem === null), 'snaplen 64 in the header, 74 bytes each');
  const fixed = join(dir, 'fixed.pcap');
  const c = await rawprobe(['checksum', capture('caplen-over-snaplen.pcap'), '--fix', fixed]);
  t.is(c.code, 0, c.stderr);
  t.true((await decodeJson(fixed)).every((j) => j.frame.capturedLength === 74), '--fix copies them whole');
  // A record claiming 262145 bytes: the two before it are printed, then the break.
  const bytes = Buffer.from(readFileSync(capture('caplen-over-snaplen.pcap')));
  const third = 24 + 2 * (16 + 74);
  bytes.writeUInt32LE(262145, third + 8);
  const file = join(dir, 'huge-record.pcap');
  writeFileSync(file, bytes);
  const r = await rawprobe(['decode', file]);
  t.is(r.code, 2);
  t.is(r.stdout.trim().split('\n').length, 2);
  t.is(r.stderr, `rawprobe: ${file}: corrupt record header at packet index 2, byte offset ${third}: captured length 262145 exceeds the 262144-byte limit of libpcap and Wireshark\n`);
});

test('PPP, PPP in HDLC framing, Cisco HDLC, NFLOG, MPLS: the IPv4 inside decoded, the labels and log facts shown', async (t) => {
  const mpls = await rawprobe(['decode', capture('mpls-ethernet.pcap')]);
  t.is(mpls.code, 1, 'the cut label stack is malformed');
  const lines = mpls.stdout.trim().split('\n');
  t.regex(lines[0]!, /^#0 \S+ MPLS \(label 16005, tc 0, ttl 63\) \(label 100, tc 0, \[S\], ttl 63\) 203\.0\.113\.1 > 203\.0\.113\.6 ICMP Echo Request/);
  t.regex(lines[3]!, /^#3 \S+ MPLS \(label 17, tc 0, \[S\], ttl 60\) 203\.0\.113\.1 > 203\.0\.113\.6 TCP 40004 > 47003 \[S\]/);
  t.regex(lines[5]!, /^#5 \S+ MPLS \(label 16005, tc 0, ttl 63\) \(label 100, tc 0, ttl 63\) \[malformed\] frame shorter than its link-layer header \(byte offset \d+\)$/);
  const ppp = (await rawprobe(['decode', capture('ppp.pcap')])).stdout.trim().split('\n');
  t.regex(ppp[1]!, /^#1 \S+ 203\.0\.113\.6 > 203\.0\.113\.1 ICMP Echo Reply/, 'a compressed protocol field');
  t.regex(ppp[2]!, /^#2 \S+ PPP LCP \(protocol 0xc021\) \(not decoded: rawprobe decodes IPv4 and IPv6\)$/);
  t.regex(ppp[3]!, /^#3 \S+ MPLS \(label 100, tc 0, \[S\], ttl 62\) 203\.0\.113\.1 > 203\.0\.113\.6 UDP 40002 > 47002/);
  const hdlc = (await rawprobe(['decode', capture('chdlc.pcap')])).stdout.trim().split('\n');
  t.regex(hdlc[1]!, /^#1 \S+ 198\.51\.100\.1 > 255\.255\.255\.255 UDP 520 > 520/);
  const nflog = await decodeJson(capture('nflog-kernel.pcap'));
  t.is(nflog.length, 4);
  t.deepEqual(nflog.map((j) => [j.frame.nflog?.group, j.frame.nflog?.prefix, j.frame.nflog?.hook]), [
    [5, 'rawprobe out ', 3],
    [5, 'rawprobe out ', 3],
    [5, 'rawprobe in ', 1],
    [5, 'rawprobe out ', 3],
  ]);
  t.deepEqual(nflog.map((j) => j.ip?.protocol), [1, 1, 17, 1]);
  const v = await rawprobe(['decode', capture('nflog-kernel.pcap'), '-v', '-c', '1']);
  t.regex(v.stdout, /│ nflog\s+│ prefix\s+│ "rawprobe out "\s+│ log prefix/);
  t.regex(v.stdout, /│ nflog\s+│ hook\s+│ 3\s+│ output/);
});

test('a link type rawprobe does not know: the link-layer line, "not decoded: link type N", never an error', async (t) => {
  const r = await rawprobe(['decode', capture('unknown-linktype.pcap')]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.stdout.trim().split('\n'), [
    '#0 22:13:20.000000 LINKTYPE 147, 60 bytes: not decoded: link type 147',
    '#1 22:13:20.001000 LINKTYPE 147, 20 bytes: not decoded: link type 147',
    '#2 22:13:20.002000 LINKTYPE 147, 60 bytes: not decoded: link type 147',
  ]);
  const j = (await decodeJson(capture('unknown-linktype.pcap')))[0]!;
  t.deepEqual(j.problem, { kind: 'unknown-link-type', reason: 'not decoded: link type 147', offset: null, fileOffset: null });
  const c = await rawprobe(['checksum', capture('unknown-linktype.pcap'), '--json']);
  t.is(c.code, 0);
  t.like(JSON.parse(c.stdout), { packets: 3, notIpv4: 3, malformed: 0 });
});
