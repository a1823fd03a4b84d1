// send's hping3 conveniences: port ranges and ++N counting (--sport, --dport), the IP id, TTL and
// hop limit walked the same way, --rand-source inside a prefix, --payload-file, -I IFNAME and host
// names (localhost only: no outside name is looked up). The packets as --dry-run prints them
// (decoded again by lib/wire), and on lo as tcpdump captures them, beside hping3's own -p ++N.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePacket, decodePacket6 } from '../../lib/wire/index.js';
import { rawprobe, runCommand } from '../helpers/cli.js';
import { rootTest } from '../helpers/privilege.js';
import { dryHex, sendAndCapture, unique } from '../helpers/send.js';
import { captureOnLoopback } from '../helpers/tcpdump.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

/** Every packet --dry-run --json lists. */
async function dry(args: string[]): Promise<Buffer[]> {
  const r = await rawprobe(['send', '--dry-run', '--json', ...args]);
  if (r.code !== 0) throw new Error(`send ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trimEnd().split('\n').map((l) => Buffer.from((JSON.parse(l) as { hex: string }).hex, 'hex'));
}

test('--dport 20-25: one packet per port, then again; the source port stays; checksums right', async (t) => {
  const packets = (await dry(['--proto', 'udp', '--dport', '20-25', '127.0.0.1'])).map((b) => decodePacket(b));
  t.deepEqual(packets.map((p) => p.udp!.dstPort), [20, 21, 22, 23, 24, 25], 'no --count: once through the range');
  t.is(new Set(packets.map((p) => p.udp!.srcPort)).size, 1);
  t.true(packets.every((p) => p.udp!.checksumValid && p.ip.checksumValid));
  const again = (await dry(['--proto', 'tcp', '--dport', '20-22', '--sport', '++40000', '-c', '5', '127.0.0.1'])).map((b) => decodePacket(b).tcp!);
  t.deepEqual(again.map((h) => [h.srcPort, h.dstPort]), [[40000, 20], [40001, 21], [40002, 22], [40003, 20], [40004, 21]]);
  t.true(again.every((h) => h.checksumValid));
});

test('--ttl ++N, --id N-M, --hop-limit ++N: each packet its own value; one value walks nowhere', async (t) => {
  const v4 = (await dry(['--ttl', '++1', '--id', '0x10-0x11', '-c', '3', '127.0.0.1'])).map((b) => decodePacket(b).ip);
  t.deepEqual(v4.map((ip) => [ip.ttl, ip.id]), [[1, 0x10], [2, 0x11], [3, 0x10]]);
  // The list holds one turn of the walk (sent again and again): past 255, from 254 again.
  const wraps = (await dry(['--ttl', '++254', '-c', '3', '127.0.0.1'])).map((b) => decodePacket(b).ip.ttl);
  t.deepEqual(wraps, [254, 255], 'past the largest value: from N again');
  const v6 = (await dry(['-6', '--hop-limit', '++1', '-c', '3', '::1'])).map((b) => decodePacket6(b).ip.hopLimit);
  t.deepEqual(v6, [1, 2, 3]);
  t.is((await dry(['--ttl', '9', '-c', '5', '127.0.0.1'])).length, 1, 'a fixed TTL: one packet, sent 5 times');
});

test('a long walk prints its first 16 packets and says how many more; --json lists them all', async (t) => {
  const text = await rawprobe(['send', '--dry-run', '--proto', 'udp', '--dport', '++1000', '-c', '40', '127.0.0.1']);
  t.is(dryHex(text.stdout).length, 16);
  t.regex(text.stdout, /^\.\.\. 24 more packets like these \(--json lists every one\)$/m);
  const json = await rawprobe(['send', '--dry-run', '--json', '--proto', 'udp', '--dport', '++1000', '-c', '40', '127.0.0.1']);
  t.is(json.stdout.trimEnd().split('\n').length, 40);
});

test('--rand-source PREFIX: every source inside it, never its network or broadcast address; IPv6 too', async (t) => {
  const sources = (await dry(['--rand-source', '198.51.100.0/24', '-c', '64', '127.0.0.1'])).map((b) => decodePacket(b));
  t.is(sources.length, 64);
  for (const p of sources) {
    t.regex(p.ip.src, /^198\.51\.100\.\d+$/);
    t.false(['198.51.100.0', '198.51.100.255'].includes(p.ip.src), p.ip.src);
    t.true(p.ip.checksumValid && p.icmp!.checksumValid);
  }
  t.true(new Set(sources.map((p) => p.ip.src)).size > 8, 'drawn, not one address');
  const narrow = (await dry(['--rand-source', '203.0.113.4/31', '-c', '16', '127.0.0.1'])).map((b) => decodePacket(b).ip.src);
  t.true(narrow.every((a) => a === '203.0.113.4' || a === '203.0.113.5'), '/31: both addresses are hosts (RFC 3021)');
  const v6 = (await dry(['--rand-source', '2001:db8:1::/64', '-c', '8', '::1'])).map((b) => decodePacket6(b));
  t.true(v6.every((p) => p.ip.src.startsWith('2001:db8:1:0:') && p.icmpv6!.checksumValid), v6.map((p) => p.ip.src).join(' '));
});

test('--payload-file: the file is the payload; a missing or oversized file is one line', async (t) => {
  const dir = tempDir(t, 'send-walk');
  const file = join(dir, 'payload.bin');
  const bytes = Buffer.from([0, 1, 2, 0xff, 0x41, 0x42]);
  writeFileSync(file, bytes);
  const [udp] = await dry(['--proto', 'udp', '--dport', '9', '--payload-file', file, '127.0.0.1']);
  t.deepEqual(decodePacket(udp!).payload, bytes);
  const big = join(dir, 'big.bin');
  writeFileSync(big, Buffer.alloc(70000));
  for (const [args, message] of [
    [['--payload-file', join(dir, 'nope')], /^rawprobe: --payload-file .*nope: .*no such file/i],
    [['--payload-file', big], /70000 bytes do not fit in a packet \(at most 65507\)/],
    [['--payload-file', file, '--payload', 'x'], /mutually exclusive/],
  ] as const) {
    const r = await rawprobe(['send', '--dry-run', ...args, '127.0.0.1']);
    t.is(r.code, 2);
    t.regex(r.stderr, message);
    t.is(r.stderr.split('\n').length, 2, 'one line');
  }
});

test('host names: localhost (from /etc/hosts) as the target or --dst; bad walks and prefixes: one line, exit 2', async (t) => {
  const [named] = await dry(['localhost']);
  t.is(decodePacket(named!).ip.dst, '127.0.0.1');
  const [viaDst] = await dry(['--dst', 'localhost', '--proto', 'udp', '--dport', '7']);
  t.is(decodePacket(viaDst!).ip.dst, '127.0.0.1');
  const cases: [string[], RegExp][] = [
    [['--proto', 'udp', '--dport', '+5'], /--dport: "\+5": \+N \(hping3: count up per reply received\) is not taken here; \+\+N counts up per packet sent/],
    [['--proto', 'udp', '--dport', '25-20'], /--dport: "25-20": the range goes down/],
    [['--proto', 'udp', '--dport', '1-70000'], /^rawprobe: --dport 70000: out of range 0-65535$/m],
    [['--ttl', '++256'], /^rawprobe: --ttl 256: out of range 0-255$/m],
    [['--ttl', '++ten'], /^rawprobe: --ttl: ttl "ten" is not a whole number/m],
    [['--rand-source', '198.51.100.7'], /--rand-source: "198.51.100.7" is not a prefix: give ADDRESS\/BITS/],
    [['--rand-source', '198.51.100.0/33'], /"\/33" is not a prefix length from 0 to 32/],
    [['--rand-source', '2001:db8::/64'], /--rand-source 2001:db8::\/64: give a prefix of the destination's IP version \(IPv4\)/],
    [['--rand-source', '198.51.100.0/24', '--src', '127.0.0.1'], /mutually exclusive/],
  ];
  for (const [args, message] of cases) {
    const r = await rawprobe(['send', '--dry-run', ...args, '127.0.0.1']);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.stderr, message, args.join(' '));
    t.is(r.stderr.split('\n').length, 2, `${args.join(' ')}: one line`);
  }
});

// ---- as root: on the wire -------------------------------------------------------------------------

const onWire = toolTest(['tcpdump'], rootTest().serial);

toolTest(['tcpdump', 'hping3'], rootTest().serial)('--dport ++N on lo: the ports hping3 -p ++N sends, one per packet, in order', async (t) => {
  const base = unique();
  const ours = await sendAndCapture(t, `udp and dst portrange ${base}-${base + 3}`, 4, ['--proto', 'udp', '--dport', `++${base}`, '--sport', '41000', '-c', '4', '--interval', '10', '127.0.0.1']);
  t.is(ours.code, 0, ours.stderr);
  t.deepEqual(ours.packets.map((p) => decodePacket(p).udp!.dstPort), [base, base + 1, base + 2, base + 3]);
  t.true(ours.packets.every((p) => decodePacket(p).udp!.srcPort === 41000));
  const theirsBase = unique();
  const capture = await captureOnLoopback(t, `udp and dst portrange ${theirsBase}-${theirsBase + 3}`, 4);
  const hping = await runCommand(['hping3', '-2', '-q', '-p', `++${theirsBase}`, '-s', '41000', '-k', '-c', '4', '-i', 'u10000', '127.0.0.1']);
  t.not(hping.code, null);
  const theirs = (await capture.done()).map((p) => decodePacket(p).udp!.dstPort - theirsBase);
  t.deepEqual(theirs, [0, 1, 2, 3], 'hping3 -p ++N');
  t.deepEqual(ours.packets.map((p) => decodePacket(p).udp!.dstPort - base), theirs, 'the same walk');
});

onWire('echo requests with --ttl walking: sequences still count up per packet, and each is answered', async (t) => {
  const id = unique();
  const r = await sendAndCapture(t, `icmp[icmptype] = icmp-echo and icmp[4:2] = ${id}`, 4, ['--icmp-id', String(id), '--ttl', '60-61', '-c', '4', '--interval', '10', '--wait', '2000', '127.0.0.1']);
  t.is(r.code, 0, r.stderr);
  const echoes = r.packets.map((p) => decodePacket(p));
  t.deepEqual(echoes.map((p) => [p.ip.ttl, (p.icmp as { sequence: number }).sequence]), [[60, 1], [61, 2], [60, 3], [61, 4]]);
  t.true(echoes.every((p) => p.icmp!.checksumValid));
  t.regex(r.stdout, /^--- sent 4 packets .*, 4 replies$/m);
});

rootTest()('-I IFNAME: bound to lo, the echo to 127.0.0.1 is answered; an interface that does not exist is one line', async (t) => {
  const ok = await rawprobe(['send', '-I', 'lo', '--wait', '2000', '127.0.0.1']);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /^--- sent 1 packet .*, 1 reply$/m);
  const bad = await rawprobe(['send', '-I', 'nosuchif0', '127.0.0.1']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /^rawprobe: send: SO_BINDTODEVICE nosuchif0: No such device\n$/);
  t.is(bad.stdout, '');
});
