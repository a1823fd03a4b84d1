// `rawprobe send` as a user runs it. Without privilege: --dry-run bytes, the kernel warning, JSON
// and hex round trips, bad input. As root: packets sent to 127.0.0.1 captured back with tcpdump
// on lo and compared byte for byte with what was asked, the kernel's IP_HDRINCL changes seen on
// the wire, --wait replies, --rate batches. Only 127.0.0.0/8 is ever a destination here; every
// capture filters on an identifier or port unique to this run.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asSent } from '../../lib/craft/index.js';
import { encodePacket, decodePacket, packetToJson, type PacketInit } from '../../lib/wire/index.js';
import { pcapFixture as fixture, rawprobe } from '../helpers/cli.js';
import { isRoot, rootTest } from '../helpers/privilege.js';
import { dryHex, sendAndCapture, unique } from '../helpers/send.js';
import { sharedTempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

const dir = sharedTempDir('send-cli');
// Serial: the capture tests share lo with each other (and floods would crowd the reply sockets).
const asRoot = toolTest(['tcpdump'], rootTest().serial);

// ---- without privilege ----------------------------------------------------------------------------

test('--dry-run: the bytes are what lib/wire builds from the same fields', async (t) => {
  const r = await rawprobe([
    'send', '--dst', '127.0.0.1', '--src', '127.0.0.2', '--ttl', '7', '--tos', 'EF', '--id', '0x1234', '--df',
    '--ip-option', 'rr:2', '--type', '8', '--icmp-id', '0x4242', '--seq', '9', '--payload', 'hello', '--dry-run',
  ]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  const want = encodePacket({
    ip: { src: '127.0.0.2', dst: '127.0.0.1', ttl: 7, tos: 0xb8, id: 0x1234, flags: { df: true }, options: [{ kind: 'record-route', addresses: ['0.0.0.0', '0.0.0.0'] }] },
    icmp: { kind: 'echo-request', identifier: 0x4242, sequence: 9, data: Buffer.from('hello') },
  });
  t.deepEqual(dryHex(r.stdout), [want]);
  t.regex(r.stdout, /^packet #0 127\.0\.0\.2 > 127\.0\.0\.1 ICMP Echo Request \(8\/0\) id 0x4242 seq 9, ttl 7, id 4660, tos 0xb8 \(EF\), DF, options \[RR 0\.0\.0\.0 0\.0\.0\.0 \(ptr 4\), EOL\], length 45, checksums ok\n/);
});

test('--dry-run UDP and TCP, wrong values on purpose written as given', async (t) => {
  const udp = await rawprobe(['send', '--dst', '127.0.0.1', '--src', '127.0.0.1', '--id', '1', '--proto', 'udp', '--sport', '40000', '--dport', '53', '--udp-checksum', '0xbeef', '--payload-hex', '0102', '--dry-run']);
  t.deepEqual(dryHex(udp.stdout), [encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1', id: 1 }, udp: { srcPort: 40000, dstPort: 53, checksum: 0xbeef }, payload: Buffer.from([1, 2]) })]);
  t.regex(udp.stdout, /bad udp checksum 0xbeef \(expected 0x[0-9a-f]{4}\)/);
  const tcp = await rawprobe(['send', '--dst', '127.0.0.1', '--src', '127.0.0.1', '--id', '1', '--proto', 'tcp', '--sport', '1', '--dport', '2', '--flags', 'SA', '--tcp-seq', '100', '--ack', '7', '--window', '512', '--tcp-option', '020405b4', '--dry-run']);
  t.deepEqual(dryHex(tcp.stdout), [
    encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1', id: 1 }, tcp: { srcPort: 1, dstPort: 2, flags: { syn: true, ack: true }, sequence: 100, acknowledgment: 7, window: 512, options: Buffer.from('020405b4', 'hex') } }),
  ]);
  const other = await rawprobe(['send', '--dst', '127.0.0.1', '--src', '127.0.0.1', '--id', '1', '--proto', '47', '--payload-size', '4', '--dry-run']);
  t.deepEqual(dryHex(other.stdout), [encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1', id: 1, protocol: 47 }, payload: Buffer.from([0, 1, 2, 3]) })]);
});

test('the kernel warning: one stderr line naming what raw(7) overwrites, only for fields the user set', async (t) => {
  const quiet = await rawprobe(['send', '--dst', '127.0.0.1', '--dry-run']);
  t.is(quiet.stderr, '', 'id left 0 by default: the kernel picks it, no warning');
  const r = await rawprobe(['send', '--dst', '127.0.0.1', '--src', '0.0.0.0', '--id', '0', '--total-length', '200', '--ip-checksum', '0xdead', '--dry-run']);
  t.is(r.code, 0);
  t.is(r.stderr, 'rawprobe: warning: the kernel overwrites with IP_HDRINCL (raw(7)): ip.src 0.0.0.0 -> chosen by the kernel, ip.id 0x0000 -> chosen by the kernel, ip.totalLength 200 -> 28, ip.checksum 0xdead -> computed by the kernel\n');
  const df = await rawprobe(['send', '--dst', '127.0.0.1', '--id', '0', '--df', '--ip-checksum', '0x1111', '--dry-run']);
  t.regex(df.stderr, /^rawprobe: warning: [^\n]*ip\.checksum 0x1111 -> 0x[0-9a-f]{4}\n$/, 'with DF, id 0 stays: the checksum is known');
  const help = await rawprobe(['send', '--help']);
  t.regex(help.stdout, /What Linux changes in a packet sent with IP_HDRINCL/);
  t.regex(help.stdout, /checksum +the header checksum is always computed by the kernel/);
  t.regex(help.stdout, /id +identification 0 is replaced by a kernel-chosen id \(kept 0 when DF is set\)/);
});

test('decode --json output goes back through send --from-json unchanged (and from stdin)', async (t) => {
  const decoded = await rawprobe(['decode', fixture('lo-eth-usec.pcap'), '--json']);
  const lines = decoded.stdout.split('\n').filter((l) => l !== '' && JSON.parse(l).problem === null);
  const ipv4 = lines.filter((l) => JSON.parse(l).ip.version === 4);
  const file = join(dir, 'packets.jsonl');
  writeFileSync(file, `${ipv4.join('\n')}\n`);
  const r = await rawprobe(['send', '--from-json', file, '--dry-run']);
  t.is(r.code, 0, r.stderr);
  const sentBytes = dryHex(r.stdout);
  t.is(sentBytes.length, 12);
  // The same as the captured IPv4 packets (read by send --from-hex from the raw-IP copy, which
  // leaves the capture's one IPv6 packet for a run of its own).
  const hex = await rawprobe(['send', '--from-hex', fixture('raw-be-usec.pcap'), '--dry-run']);
  t.is(hex.stderr, `rawprobe: ${fixture('raw-be-usec.pcap')}: skipped 1 IPv6 packet: one run sends one IP version (-6 sends the IPv6 ones)\n`);
  const originals = dryHex(hex.stdout);
  t.deepEqual(sentBytes, originals);
  const piped = await rawprobe(['send', '--from-json', '-', '--dry-run'], { input: `${ipv4[0]}\n` });
  t.deepEqual(dryHex(piped.stdout), [sentBytes[0]]);
  // The IPv6 packet (ping -6 ::1) comes back whole too, with -6: as captured.
  t.is(lines.length, 13);
  const all = await rawprobe(['send', '--from-json', '-', '--dry-run'], { input: `${lines.join('\n')}\n` });
  t.is(all.code, 0, all.stderr);
  t.deepEqual(dryHex(all.stdout), originals);
  const v6 = await rawprobe(['send', '-6', '--from-json', '-', '--dry-run'], { input: `${lines.join('\n')}\n` });
  t.is(v6.stderr, 'rawprobe: stdin: skipped 12 IPv4 packets: one run sends one IP version\n');
  const [sent6] = dryHex(v6.stdout);
  t.is(sent6![0]! >>> 4, 6);
  t.deepEqual(dryHex((await rawprobe(['send', '-6', '--from-hex', fixture('raw-be-usec.pcap'), '--dry-run'])).stdout), [sent6]);
  const crafting = await rawprobe(['send', '--hop-limit', '3', '--from-json', '-', '--dry-run'], { input: `${lines[12]}\n` });
  t.is(crafting.code, 2);
  t.regex(crafting.stderr, /--hop-limit crafts a packet/);
});

test('--from-json --recompute: an edited packet gets right lengths and checksums again', async (t) => {
  const decoded = JSON.parse((await rawprobe(['decode', fixture('lo-eth-usec.pcap'), '--json', '-c', '1'])).stdout) as { ip: { ttl: number } };
  decoded.ip.ttl = 3;
  const file = join(dir, 'edited.json');
  writeFileSync(file, JSON.stringify(decoded));
  const kept = dryHex((await rawprobe(['send', '--from-json', file, '--dry-run'])).stdout)[0]!;
  t.is(kept[8], 3);
  t.false(decodePacket(kept).ip.checksumValid, 'the old checksum, written as given');
  const again = dryHex((await rawprobe(['send', '--from-json', file, '--recompute', '--dry-run'])).stdout)[0]!;
  t.true(decodePacket(again).ip.checksumValid);
});

test('bad JSON: one line naming the packet index (line, byte offset) and the field; exit 2', async (t) => {
  const good = JSON.stringify({ ip: { src: '127.0.0.1', dst: '127.0.0.1' }, icmp: { kind: 'echo-request' } });
  const cases: [string, RegExp][] = [
    [`${good}\n${JSON.stringify({ ip: { src: '127.0.0.1', dst: '127.0.0.1', ttl: 300 }, icmp: { kind: 'echo-request' } })}\n`, /^rawprobe: .*: packet index 1 \(line 2\), byte offset \d+: ip\.ttl: 300 is out of range 0-255\n$/],
    [`${good}\n${JSON.stringify({ icmp: { kind: 'echo-request' } })}\n`, /^rawprobe: .*: packet index 1 \(line 2\), byte offset \d+: ip: missing: an IPv4 header \{src, dst, \.\.\.\} is required\n$/],
    [`${good}\n${good}\n{"ip": {"src": "127.0.0.1",}\n`, /^rawprobe: .*: packet index 2 \(line 3\), byte offset \d+: not JSON: /],
    [`${good}\n${JSON.stringify({ ip: { src: '127.0.0.1', dst: '127.0.0.1' }, udp: { srcPort: 70000, dstPort: 1 } })}\n`, /packet index 1 \(line 2\), byte offset \d+: udp\.srcPort: 70000 is out of range 0-65535\n$/],
    [`${JSON.stringify({ frame: { index: 12 }, ip: null, problem: { kind: 'not-ipv4', reason: 'IPv6' } })}\n`, /packet index 0 \(line 1\), byte offset 0: decode could not read this packet \(not-ipv4: IPv6\): nothing to send\n$/],
    ['', /empty: no packet, at packet index 0, byte offset 0/],
    [`[\n ${good},\n {"ip": {"src": "127.0.0.1"}}\n]`, new RegExp(`packet index 1, byte offset ${good.length + 6}: ip\\.dst: missing`)],
  ];
  for (const [text, message] of cases) {
    const file = join(dir, `bad-${cases.findIndex((c) => c[0] === text)}.jsonl`);
    writeFileSync(file, text);
    const r = await rawprobe(['send', '--from-json', file, '--dry-run']);
    t.is(r.code, 2, text);
    t.is(r.stdout, '');
    t.regex(r.stderr, message);
    t.is(r.stderr.split('\n').length, 2, 'one line');
  }
});

test('usage errors are one line, exit 2', async (t) => {
  const cases: [string[], RegExp][] = [
    [['send', '--dry-run'], /give --dst ADDR/],
    // A name is looked up (send-walk.test.ts: localhost); what is neither is one line.
    [['send', '--dst', '300.1.2.3', '--dry-run'], /--dst 300.1.2.3: not an IPv4 address \(a.b.c.d\) or a host name/],
    [['send', '--dst', '127.0.0.1', '--dport', '53', '--dry-run'], /--sport\/--dport need --proto udp or tcp/],
    [['send', '--dst', '127.0.0.1', '--proto', 'udp', '--dry-run'], /--proto udp needs --dport PORT/],
    [['send', '--dst', '127.0.0.1', '--tos', 'XX', '--dry-run'], /--tos: bad TOS value "XX"/],
    [['send', '--dst', '127.0.0.1', '--ttl', '300', '--dry-run'], /--ttl 300: out of range 0-255/],
    [['send', '--dst', '127.0.0.1', '--ip-option', 'bogus', '--dry-run'], /--ip-option: --ip-option "bogus": unknown option/],
    [['send', '--dst', '127.0.0.1', '--proto', 'tcp', '--dport', '1', '--flags', 'SZ', '--dry-run'], /"Z" is not a TCP flag letter/],
    [['send', '--dst', '127.0.0.1', '--rate', '10', '--interval', '5', '--dry-run'], /^rawprobe: Arguments rate and interval are mutually exclusive/],
    [['send', '--dst', '127.0.0.1', '--rate', 'fast', '--dry-run'], /--rate fast: give packets per second/],
    [['send', '--dst', '127.0.0.1', '--rate', '100', '--send-threads', '2', '--dry-run'], /--send-threads goes with --rate max/],
    [['send', '--dst', '127.0.0.1', '--rate', 'max', '--send-threads', '0', '--dry-run'], /--send-threads 0: out of range 1-16/],
    [['send', '--from-hex', '4500', '--dry-run'], /packet index 0, byte offset 0: 2 bytes is shorter than an IPv4 header/],
    [['send', '--from-hex', 'zz', '--dry-run'], /hex argument: packet index 0, byte offset 0: bad hex at position 0/],
  ];
  for (const [args, message] of cases) {
    const r = await rawprobe(args);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.stderr, message, args.join(' '));
    t.is(r.stderr.split('\n').length, 2, `${args.join(' ')}: one line`);
  }
});

// ---- as root: on the wire ------------------------------------------------------------------------


/** A way to run send without CAP_NET_RAW: as nobody when root, as we are otherwise. */
const unprivileged = isRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'] : [];

toolTest(isRoot ? ['setpriv'] : [])('without CAP_NET_RAW: one line before anything else is printed, exit 2 (issue 18)', async (t) => {
  const r = await rawprobe(['send', '127.0.0.1'], { via: unprivileged });
  t.is(r.code, 2, r.stderr);
  t.is(r.stdout, '', 'no "send ..." nor "sending 1 packet" line first');
  t.regex(r.stderr, /^rawprobe: send: [^\n]*CAP_NET_RAW[^\n]*\n$/);
});

asRoot('ICMP echo with TTL, TOS, DF, id, a record-route option and a payload leaves byte for byte as asked', async (t) => {
  const id = unique();
  const args = ['--dst', '127.0.0.1', '--src', '127.0.0.1', '--ttl', '9', '--tos', '0x28', '--id', '0x2345', '--df', '--ip-option', 'rr:3', '--icmp-id', String(id), '--seq', '5', '--payload', 'abcdefgh'];
  const { packets, code, stderr } = await sendAndCapture(t, `icmp and icmp[0] == 8 and icmp[4:2] == ${id}`, 1, args);
  t.is(code, 0, stderr);
  const want = encodePacket({
    ip: { src: '127.0.0.1', dst: '127.0.0.1', ttl: 9, tos: 0x28, id: 0x2345, flags: { df: true }, options: [{ kind: 'record-route', addresses: ['0.0.0.0', '0.0.0.0', '0.0.0.0'] }] },
    icmp: { kind: 'echo-request', identifier: id, sequence: 5, data: Buffer.from('abcdefgh') },
  });
  t.deepEqual(packets, [want]);
});

asRoot('UDP and TCP with wrong transport checksums on purpose arrive with exactly those checksums', async (t) => {
  const port = unique();
  const udp = await sendAndCapture(t, `udp and dst port ${port}`, 1, ['--dst', '127.0.0.1', '--src', '127.0.0.1', '--id', '77', '--proto', 'udp', '--sport', '40000', '--dport', String(port), '--udp-checksum', '0xbeef', '--payload', 'x']);
  t.deepEqual(udp.packets, [encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1', id: 77 }, udp: { srcPort: 40000, dstPort: port, checksum: 0xbeef }, payload: Buffer.from('x') })]);
  const tcpPort = unique();
  const tcp = await sendAndCapture(t, `tcp and dst port ${tcpPort}`, 1, ['--dst', '127.0.0.1', '--src', '127.0.0.1', '--id', '78', '--proto', 'tcp', '--sport', '40001', '--dport', String(tcpPort), '--flags', 'FPU', '--urg', '3', '--tcp-checksum', '0x1234', '--tcp-seq', '99']);
  t.deepEqual(tcp.packets, [encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1', id: 78 }, tcp: { srcPort: 40001, dstPort: tcpPort, flags: { fin: true, psh: true, urg: true }, urgentPointer: 3, checksum: 0x1234, sequence: 99, window: 65535 } })]);
});

asRoot('what the kernel overwrites (raw(7)), seen on the wire: total length, header checksum, source 0, id 0 (not with DF)', async (t) => {
  const id = unique();
  const built: PacketInit = { ip: { src: '0.0.0.0', dst: '127.0.0.1', id: 0, totalLength: 200, checksum: 0xdead }, icmp: { kind: 'echo-request', identifier: id, sequence: 1 } };
  const r = await sendAndCapture(t, `icmp and icmp[0] == 8 and icmp[4:2] == ${id}`, 1, ['--dst', '127.0.0.1', '--src', '0.0.0.0', '--id', '0', '--total-length', '200', '--ip-checksum', '0xdead', '--icmp-id', String(id)]);
  t.regex(r.stderr, /^rawprobe: warning: the kernel overwrites with IP_HDRINCL/);
  const [wire] = r.packets;
  t.truthy(wire);
  t.is(wire!.readUInt32BE(12), 0x7f000001, 'source filled in');
  t.not(wire!.readUInt16BE(4), 0, 'id chosen');
  t.is(wire!.readUInt16BE(2), 28, 'total length = bytes sent');
  t.deepEqual(wire, asSent(encodePacket(built), { src: 0x7f000001, id: wire!.readUInt16BE(4) }), 'and nothing else changed');

  const id2 = unique();
  const df = await sendAndCapture(t, `icmp and icmp[0] == 8 and icmp[4:2] == ${id2}`, 1, ['--dst', '127.0.0.1', '--src', '127.0.0.1', '--id', '0', '--df', '--icmp-id', String(id2)]);
  t.is(df.packets[0]!.readUInt16BE(4), 0, 'with DF the kernel leaves id 0');
});

asRoot('--wait: echo replies, a port unreachable quoting our UDP, a TCP RST, each printed decoded with its RTT', async (t) => {
  const id = unique();
  const echo = await rawprobe(['send', '--dst', '127.0.0.1', '--icmp-id', String(id), '--count', '3', '--interval', '20', '--wait', '2000']);
  t.is(echo.code, 0, echo.stderr);
  for (const seq of [1, 2, 3]) {
    t.regex(echo.stdout, new RegExp(`^reply #${seq - 1} 127\\.0\\.0\\.1 > 127\\.0\\.0\\.1 ICMP Echo Reply \\(0/0\\) id 0x${id.toString(16).padStart(4, '0')} seq ${seq}, .*checksums ok, rtt \\d+\\.\\d{3} ms$`, 'm'));
  }
  t.regex(echo.stdout, /^--- sent 3 packets \(84 bytes\) in [\d.]+ ms, \d+ packets\/s, 3 replies$/m);
  const port = unique();
  const udp = await rawprobe(['send', '--dst', '127.0.0.1', '--proto', 'udp', '--sport', String(unique()), '--dport', String(port), '--wait', '2000']);
  t.is(udp.code, 0, udp.stderr);
  t.regex(udp.stdout, new RegExp(`^reply #0 127\\.0\\.0\\.1 > 127\\.0\\.0\\.1 ICMP Destination Port Unreachable \\(3/3\\) quoting \\[127\\.0\\.0\\.1 > 127\\.0\\.0\\.1 UDP \\d+ > ${port}, `, 'm'));
  const tcpPort = unique();
  const tcp = await rawprobe(['send', '--dst', '127.0.0.1', '--proto', 'tcp', '--sport', String(unique()), '--dport', String(tcpPort), '--wait', '2000', '--json']);
  t.is(tcp.code, 0, tcp.stderr);
  const events = tcp.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; kind?: string; packet?: { tcp: { flags: { rst: boolean } } }; replies?: number });
  t.deepEqual(events.map((e) => e.event), ['packet', 'reply', 'summary']);
  t.is(events[1]!.kind, 'tcp');
  t.true(events[1]!.packet!.tcp.flags.rst);
  t.is(events[2]!.replies, 1);
});

rootTest().serial('--wait: a reply whose options the receiving kernel filled in (record route, timestamp) is not called bad; nor an offloaded SYN-ACK', async (t) => {
  // The kernel checks the header checksum on arrival, then writes its address (and time) into
  // the option slots without summing again (ip_options_compile): the sum no longer holds when
  // a raw socket reads the reply, yet nothing is wrong with it (issue 20).
  for (const option of ['rr:4', 'ts:4']) {
    const id = unique();
    const r = await rawprobe(['send', '--dst', '127.0.0.1', '--icmp-id', String(id), '--ip-option', option, '--wait', '2000']);
    t.is(r.code, 0, r.stderr);
    const reply = r.stdout.split('\n').find((l) => l.startsWith('reply #0'))!;
    t.truthy(reply, r.stdout);
    t.false(reply.includes('bad ip checksum'), reply);
    t.regex(reply, /ip checksum unverifiable \(the kernel checked it on arrival, then filled in IP options \(record route, timestamp\) without summing again\), rtt/);
    const j = await rawprobe(['send', '--dst', '127.0.0.1', '--icmp-id', String(unique()), '--ip-option', option, '--wait', '2000', '--json']);
    const event = j.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; packet: { frame: { received: boolean; checksums: { ipv4: string; transportStatus: string } } } }).find((e) => e.event === 'reply')!;
    t.deepEqual([event.packet.frame.received, event.packet.frame.checksums.ipv4, event.packet.frame.checksums.transportStatus], [true, 'unverifiable', 'good']);
  }
  // A SYN-ACK from a listener on this host reaches the raw socket with only the pseudo-header sum
  // in its checksum (checksum offload): the kernel counts it as checked; so do we.
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as { port: number }).port;
    const r = await rawprobe(['send', '--dst', '127.0.0.1', '--proto', 'tcp', '--flags', 'S', '--sport', String(unique()), '--dport', String(port), '--wait', '2000']);
    t.is(r.code, 0, r.stderr);
    const reply = r.stdout.split('\n').find((l) => l.startsWith('reply #0'))!;
    t.regex(reply, /TCP \d+ > \d+ \[S\.\]/);
    t.false(reply.includes('bad tcp checksum'), reply);
    t.regex(reply, /tcp checksum unverifiable \(checksum offload: a local sender left it to the card, and the kernel delivered it as checked\)/);
  } finally {
    server.close();
  }
});

asRoot('--wait with no answer: exit 1', async (t) => {
  // An echo *reply* gets no answer.
  const r = await rawprobe(['send', '--dst', '127.0.0.1', '--type', '0', '--icmp-id', String(unique()), '--wait', '300']);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, /--- sent 1 packet \(28 bytes\) in [\d.]+ ms, 0 replies$/m);
});

asRoot('--rate: batched sends at a rate, every packet on the wire with its own sequence and a right checksum', async (t) => {
  const id = unique();
  const r = await sendAndCapture(t, `icmp and icmp[0] == 8 and icmp[4:2] == ${id}`, 300, ['--dst', '127.0.0.1', '--icmp-id', String(id), '--count', '300', '--rate', '3000']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /sending 300 packets to 127\.0\.0\.1, 3000 per second/);
  t.is(r.packets.length, 300);
  t.deepEqual(r.packets.map((p) => decodePacket(p).icmp!).map((m) => ('sequence' in m ? m.sequence : -1)), Array.from({ length: 300 }, (_, i) => i + 1));
  t.true(r.packets.every((p) => decodePacket(p).icmp!.checksumValid === true));
  const max = await sendAndCapture(t, `udp and dst port ${(id + 1) & 0xffff}`, 200, ['--dst', '127.0.0.1', '--proto', 'udp', '--sport', '999', '--dport', String((id + 1) & 0xffff), '--count', '200', '--rate', 'max']);
  t.is(max.code, 0, max.stderr);
  t.is(max.packets.length, 200);
  t.regex(max.stdout, /--- sent 200 packets \(5600 bytes\)/);
});

asRoot('--rate max --send-threads 1 past one batch: the send thread sends the rest, every packet on the wire in order, each its own sequence and a right checksum', async (t) => {
  const id = unique();
  // 3000 is many batches of 256: the first goes with sendmmsg here, the rest through the thread.
  const r = await sendAndCapture(t, `icmp and icmp[0] == 8 and icmp[4:2] == ${id}`, 3000, ['--dst', '127.0.0.1', '--icmp-id', String(id), '--count', '3000', '--rate', 'max', '--send-threads', '1']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /as fast as the socket takes them\n/);
  t.regex(r.stdout, /--- sent 3000 packets \(84000 bytes\)/);
  t.is(r.packets.length, 3000);
  t.deepEqual(r.packets.map((p) => decodePacket(p).icmp!).map((m) => ('sequence' in m ? m.sequence : -1)), Array.from({ length: 3000 }, (_, i) => i + 1));
  t.true(r.packets.every((p) => decodePacket(p).icmp!.checksumValid === true));
});

asRoot('--rate max --send-threads 3: the line says so; every packet on the wire once, each its own sequence and a right checksum', async (t) => {
  const id = unique();
  const r = await sendAndCapture(t, `icmp and icmp[0] == 8 and icmp[4:2] == ${id}`, 3000, ['--dst', '127.0.0.1', '--icmp-id', String(id), '--count', '3000', '--rate', 'max', '--send-threads', '3']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /sending 3000 packets to 127\.0\.0\.1, as fast as the socket takes them \(3 send threads\)\n/);
  t.regex(r.stdout, /--- sent 3000 packets \(84000 bytes\)/);
  t.is(r.packets.length, 3000);
  // Chunks leave on whichever thread took them: each sequence once, in about the order given.
  const sequences = r.packets.map((p) => decodePacket(p).icmp!).map((m) => ('sequence' in m ? m.sequence : -1));
  t.deepEqual([...sequences].sort((a, b) => a - b), Array.from({ length: 3000 }, (_, i) => i + 1));
  t.true(r.packets.every((p) => decodePacket(p).icmp!.checksumValid === true));
});

asRoot('--from-json replays at the times decode --json gives; hex lines (no times) go one after the other; --rate max overrides', async (t) => {
  const id = unique();
  const packet = (sequence: number) => encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1' }, icmp: { kind: 'echo-request', identifier: id, sequence } });
  const frame = (ms: number) => ({ time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString().replace('Z', '123Z') });
  const json = join(dir, `timed-${id}.json`);
  const objects = [0, 150, 200].map((ms, i) => ({ frame: frame(ms), ...JSON.parse(JSON.stringify(packetToJson(decodePacket(packet(i + 1))))) }));
  writeFileSync(json, objects.map((o) => JSON.stringify(o)).join('\n'));
  const timed = await rawprobe(['send', '--from-json', json], { where: 'netns' });
  t.is(timed.code, 0, timed.stderr);
  t.regex(timed.stdout, /\nsending 3 packets to 127\.0\.0\.1, at the times they were captured \(0\.200 s for the list\)\n/);
  const hex = join(dir, `untimed-${id}.hex`);
  writeFileSync(hex, [1, 2].map((i) => packet(i).toString('hex')).join('\n'));
  const untimed = await rawprobe(['send', '--from-hex', hex], { where: 'netns' });
  t.is(untimed.code, 0, untimed.stderr);
  t.regex(untimed.stdout, /\nsending 2 packets to 127\.0\.0\.1, one after the other without pause\n/);
  const max = await rawprobe(['send', '--from-json', json, '--rate', 'max'], { where: 'netns' });
  t.regex(max.stdout, /\nsending 3 packets to 127\.0\.0\.1, as fast as the socket takes them( \(\d+ send threads\))?\n/);
});

asRoot('--from-hex of a capture: the packets leave as they were captured (the kernel fixing only what raw(7) says)', async (t) => {
  const id = unique();
  const packet = encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1', id: 0x3333, ttl: 5 }, icmp: { kind: 'echo-request', identifier: id, sequence: 2, data: Buffer.from('zz') } });
  const file = join(dir, `one-${id}.hex`);
  writeFileSync(file, `${packet.toString('hex')}\n`);
  const r = await sendAndCapture(t, `icmp and icmp[0] == 8 and icmp[4:2] == ${id}`, 1, ['--from-hex', file]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.packets, [packet]);
});
