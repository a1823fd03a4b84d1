// `rawprobe decode` and `checksum` on IPv6 as a user meets it: every packet of the kernel's IPv6
// captures (fixtures/packets6, Ethernet) rewrapped in every link type decode reads (Ethernet with
// a VLAN tag, Linux cooked v1 and v2, BSD loopback with each of its three IPv6 family values, raw
// IP, LINKTYPE_IPV6), decoded to the fixture's expected JSON and read by tshark to the same
// fields; hex input that starts with version 6; and broken IPv6 reported as malformed at its byte
// offset, never a crash or a hang.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ipLinkHeader, LINKTYPE, PcapWriter } from '../../lib/pcap/index.js';
import { ROOT, rawprobe } from '../helpers/cli.js';
import { sharedTempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { datagrams, isError, listFixtures, readExpected6, readHexFixture, type Expected6 } from '../fixtures/fixtures.js';

const dir = sharedTempDir('decode-ipv6');

/** The kernel captures' packets, with what decode must make of each. */
const KERNEL = listFixtures(6).filter((f) => f.format === 'pcap');
const PACKETS = KERNEL.flatMap((f) => {
  const expected = readExpected6(f) as Expected6[];
  return datagrams(f).map((p, i) => ({ name: `${f.name}#${i}`, bytes: p.bytes, wireLength: p.wireLength, expected: expected[i]! }));
});

/** A NULL / LOOP header with this family, in the byte order given. */
function familyHeader(family: number, littleEndian: boolean): Buffer {
  const h = Buffer.alloc(4);
  if (littleEndian) h.writeUInt32LE(family);
  else h.writeUInt32BE(family);
  return h;
}

const LINKS: { name: string; linkType: number; header: Buffer }[] = [
  { name: 'ethernet-vlan', linkType: LINKTYPE.ETHERNET, header: ipLinkHeader(LINKTYPE.ETHERNET, { network: 6, vlanId: 42 }) },
  { name: 'sll', linkType: LINKTYPE.LINUX_SLL, header: ipLinkHeader(LINKTYPE.LINUX_SLL, { network: 6 }) },
  { name: 'sll2', linkType: LINKTYPE.LINUX_SLL2, header: ipLinkHeader(LINKTYPE.LINUX_SLL2, { network: 6 }) },
  { name: 'null-24', linkType: LINKTYPE.NULL, header: familyHeader(24, true) },
  { name: 'null-28', linkType: LINKTYPE.NULL, header: familyHeader(28, true) },
  { name: 'null-30', linkType: LINKTYPE.NULL, header: familyHeader(30, false) },
  { name: 'loop-24', linkType: LINKTYPE.LOOP, header: familyHeader(24, false) },
  { name: 'raw', linkType: LINKTYPE.RAW, header: Buffer.alloc(0) },
  { name: 'ipv6', linkType: LINKTYPE.IPV6, header: Buffer.alloc(0) },
];

async function writeCapture(path: string, linkType: number, header: Buffer): Promise<void> {
  const w = new PcapWriter(path, { linkType, byteOrder: 'little' });
  PACKETS.forEach((p, i) => {
    const frame = Buffer.concat([header, p.bytes]);
    w.write(frame, { sec: 1_800_000_000 + i, nsec: 0 }, header.length + p.wireLength);
  });
  await w.close();
}

test('there are kernel IPv6 packets of every kind to rewrap', (t) => {
  t.true(PACKETS.length >= 30, `${PACKETS.length} packets`);
  for (const kind of ['echo-request', 'neighbor-solicitation', 'mldv2-report', 'destination-unreachable', 'time-exceeded', 'packet-too-big']) {
    t.true(PACKETS.some((p) => !isError(p.expected) && p.expected.icmpv6?.kind === kind), kind);
  }
});

for (const link of LINKS) {
  test(`${link.name}: decode --json gives the fixture's expected packet for every record`, async (t) => {
    const path = join(dir, `${link.name}.pcap`);
    await writeCapture(path, link.linkType, link.header);
    const r = await rawprobe(['decode', path, '--json']);
    t.is(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    t.is(lines.length, PACKETS.length);
    lines.forEach((line, i) => {
      const { frame, problem, ...packet } = line;
      t.is(problem, null, PACKETS[i]!.name);
      t.is((frame as { linkHeaderLength: number }).linkHeaderLength, link.header.length);
      t.deepEqual(packet, PACKETS[i]!.expected as unknown as Record<string, unknown>, PACKETS[i]!.name);
    });
    const text = await rawprobe(['decode', path]);
    t.is(text.code, 0);
    t.false(text.stdout.includes('not decoded'), text.stdout);
  });

  toolTest(['tshark'])(`${link.name}: tshark reads the same addresses, next header, hop limit and payload length`, async (t) => {
    const path = join(dir, `${link.name}-tshark.pcap`);
    await writeCapture(path, link.linkType, link.header);
    const out = execFileSync('tshark', ['-n', '-r', path, '-o', 'ipv6.defragment:FALSE', '-T', 'fields', '-E', 'occurrence=f', '-e', 'ipv6.src', '-e', 'ipv6.dst', '-e', 'ipv6.nxt', '-e', 'ipv6.hlim', '-e', 'ipv6.plen'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const rows = out.trim().split('\n');
    t.is(rows.length, PACKETS.length);
    rows.forEach((row, i) => {
      const e = PACKETS[i]!.expected;
      const ip = (isError(e) ? (e.error.partial as { ip: Record<string, unknown> }).ip : e.ip) as { src: string; dst: string; nextHeader: number; hopLimit: number; payloadLength: number };
      t.deepEqual(row.split('\t'), [ip.src, ip.dst, String(ip.nextHeader), String(ip.hopLimit), String(ip.payloadLength)], PACKETS[i]!.name);
    });
  });
}

test('checksum counts every rewrapped IPv6 packet, whatever the link type, the same', async (t) => {
  const counts: string[] = [];
  for (const link of LINKS) {
    const path = join(dir, `${link.name}-checksum.pcap`);
    await writeCapture(path, link.linkType, link.header);
    const r = await rawprobe(['checksum', path, '--json']);
    const j = JSON.parse(r.stdout) as { packets: number; notIpv4: number; layers: Record<string, unknown> };
    t.is(j.packets, PACKETS.length, link.name);
    t.is(j.notIpv4, 0, link.name);
    counts.push(JSON.stringify(j.layers));
  }
  t.is(new Set(counts).size, 1, counts.join('\n'));
  t.true((JSON.parse(counts[0]!) as { icmpv6: { good: number } }).icmpv6.good > 20);
});

test('hex that starts with version 6 decodes as IPv6, from an argument and from stdin', async (t) => {
  const echo = PACKETS.find((p) => !isError(p.expected) && p.expected.icmpv6?.kind === 'echo-request')!;
  const hex = echo.bytes.toString('hex');
  const arg = await rawprobe(['decode', hex]);
  t.is(arg.code, 0, arg.stderr);
  t.regex(arg.stdout, /^#0 ::1 > ::1 ICMPv6 Echo request \(128\/0\) id 0x[0-9a-f]{4} seq \d+, hlim 64, class 0x00, flowlabel 0x[0-9a-f]{5}, payload length 64, checksums ok\n$/);
  const piped = await rawprobe(['decode', '--json'], { input: `# one IPv4, one IPv6\n4500001c000100004001f7cd7f0000017f000001 0800f7ff00000000\n${hex}\n` });
  t.is(piped.code, 0, piped.stderr);
  const [v4, v6] = piped.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ip: { version: number } });
  t.deepEqual([v4!.ip.version, v6!.ip.version], [4, 6]);
  const sums = await rawprobe(['checksum', '--compute', hex, '--json']);
  t.is(sums.code, 0);
  t.like(JSON.parse(sums.stdout), { malformed: null, ipv4: null, transport: { layer: 'icmpv6', status: 'good' } });
});

/** The four broken packets (fixtures/packets6), each malformed at the byte its fixture says. */
const BROKEN = [
  ['malformed-ext-chain-truncated', 40, /Hop-by-Hop Options header needs 16 bytes/],
  ['malformed-fragment-offset', 42, /fragment offset 65512 bytes plus 48 bytes/],
  ['malformed-icmpv6-too-short', 40, /Neighbor Solicitation \(type 135\) needs 24 bytes, 20 present/],
  ['malformed-payload-length', 4, /payload length 200 runs past the 56-byte packet/],
] as const;

for (const [name, offset, reason] of BROKEN) {
  test(`${name}: marked on its line with the byte offset, exit 1; in a capture, the packets around it still decoded`, async (t) => {
    const path = join(ROOT, 'fixtures/packets6', `${name}.hex`);
    const r = await rawprobe(['decode', path]); // the helper's patient default: a loaded machine took over 20 s to start it
    t.is(r.code, 1);
    t.regex(r.stdout, new RegExp(`^#0 2001:db8::1 > 2001:db8:0:1::2 \\S+ \\[malformed\\] .*\\(byte offset ${offset}\\)\\n$`));
    t.regex(r.stderr, new RegExp(`^rawprobe: 1 packet, 1 malformed \\(the first at packet index 0, byte offset ${offset}: `));
    t.regex(r.stderr, reason);
    t.false(r.stderr.includes('    at '), 'no stack trace');
    // Between two good packets in an Ethernet capture: offsets count the 14-byte link header.
    const echo = PACKETS[0]!.bytes;
    const capture = join(dir, `${name}.pcap`);
    const w = new PcapWriter(capture, { linkType: LINKTYPE.ETHERNET, linkHeader: ipLinkHeader(LINKTYPE.ETHERNET, { network: 6 }) });
    for (const p of [echo, readHexFixture(path), echo]) w.write(p, { sec: 1, nsec: 0 });
    await w.close();
    const c = await rawprobe(['decode', capture, '--json']);
    t.is(c.code, 1);
    const lines = c.stdout.trim().split('\n').map((l) => JSON.parse(l) as { frame: { fileOffset: number }; problem: { kind: string; offset: number; fileOffset: number } | null });
    t.deepEqual(lines.map((l) => l.problem?.kind ?? null), [null, 'malformed', null]);
    t.is(lines[1]!.problem!.offset, 14 + offset);
    // The file's count: the frame's first byte (after the 16-byte record header) plus the offset.
    const at = lines[1]!.frame.fileOffset + 14 + offset;
    t.is(lines[1]!.problem!.fileOffset, at);
    t.regex(c.stderr, new RegExp(`^rawprobe: 3 packets, 1 malformed \\(the first at packet index 1, byte offset ${at}: `));
    const sums = await rawprobe(['checksum', capture, '--json']);
    t.true(sums.code === 0 || sums.code === 1, sums.stderr);
    t.is((JSON.parse(sums.stdout) as { packets: number }).packets, 3);
  });
}

test('checksum names a malformed IPv6 packet with its byte offset, text and JSON', async (t) => {
  const path = join(dir, 'payload-length.hex');
  writeFileSync(path, `${readHexFixture(join(ROOT, 'fixtures/packets6/malformed-payload-length.hex')).toString('hex')}\n`);
  const r = await rawprobe(['checksum', path]);
  t.is(r.code, 1);
  t.regex(r.stdout, /malformed: packet index 0, byte offset 4: IPv6 payload length runs past the packet/);
  const j = JSON.parse((await rawprobe(['checksum', path, '--json'])).stdout) as { malformedPackets: { index: number; offset: number }[] };
  t.like(j.malformedPackets[0], { index: 0, offset: 4 });
});
