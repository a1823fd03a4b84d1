// `rawprobe send -6` as a user runs it. Without privilege: --dry-run bytes against lib/wire's own
// encoding, the options each version refuses, JSON and hex of IPv6. As root: packets sent to ::1,
// and across a lab pair of namespaces (2001:db8::/64, nodad), captured on the receiving side with
// tcpdump and compared byte for byte with what was asked: Linux changes nothing with
// IPV6_HDRINCL, not even a payload length that lies or a :: source (lib/craft/hdrincl.ts). --frag
// auto cuts a packet over the MTU into fragments that reassemble to it; --wait prints the
// replies, their hop limit and traffic class from the control messages. Only ::1 and lab
// addresses are ever destinations; every capture filters on an identifier or port unique to
// this run.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePacket6, reassembleIpv6, type Packet6Init } from '../../lib/wire/index.js';
import { rawprobe } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { dryHex, unique } from '../helpers/send.js';
import { captureOn, captureOnLoopback } from '../helpers/tcpdump.js';
import { sharedTempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

const dir = sharedTempDir('send6-cli');
const asRoot = toolTest(['tcpdump'], rootTest().serial);

/** Options and the packet lib/wire makes of the same values: send must build exactly that. */
function cases(id: number, port: number): { name: string; args: string[]; init: Packet6Init; filter: string }[] {
  const ip = { src: '::1', dst: '::1' };
  return [
    {
      name: 'echo with hop limit, traffic class, flow label and data',
      args: ['--hop-limit', '9', '--tclass', 'EF', '--flow-label', '0x12345', '--icmp-id', String(id), '--seq', '5', '--payload', 'abcdefgh'],
      init: { ip: { ...ip, hopLimit: 9, trafficClass: 0xb8, flowLabel: 0x12345 }, icmpv6: { kind: 'echo-request', identifier: id, sequence: 5, data: Buffer.from('abcdefgh') } },
      filter: `icmp6 and ip6[40] == 128 and ip6[44:2] == ${id}`,
    },
    {
      name: 'Hop-by-Hop router alert, Destination Options, a Fragment header as given, UDP with a wrong checksum',
      args: ['--hbh-option', 'ra:0', '--dst-option', 'padn:2', '--frag', 'id=0x1234', '--proto', 'udp', '--sport', '40000', '--dport', String(port), '--udp-checksum', '0xbeef', '--payload', 'x'],
      init: {
        ip,
        extensions: [
          { kind: 'hop-by-hop', options: [{ kind: 'router-alert', value: 0 }] },
          { kind: 'fragment', mf: false, identification: 0x1234 },
          { kind: 'destination-options', options: [{ kind: 'padn', data: Buffer.alloc(2) }] },
        ],
        udp: { srcPort: 40000, dstPort: port, checksum: 0xbeef },
        payload: Buffer.from('x'),
      },
      // Behind 24 bytes of extension headers: UDP's destination port at byte 66.
      filter: `ip6 and ip6[6] == 0 and ip6[66:2] == ${port}`,
    },
    {
      name: 'a payload length that lies, a :: source and hop limit 0 leave as they are',
      args: ['--src', '::', '--hop-limit', '0', '--payload-length', '200', '--icmp-id', String(id + 1)],
      init: { ip: { src: '::', dst: '::1', hopLimit: 0, payloadLength: 200 }, icmpv6: { kind: 'echo-request', identifier: id + 1, sequence: 1 } },
      filter: `icmp6 and ip6[40] == 128 and ip6[44:2] == ${id + 1}`,
    },
    {
      name: 'TCP SYN with options, and a Next Header that names another protocol',
      args: ['--proto', 'tcp', '--sport', '40001', '--dport', String(port + 1), '--tcp-option', '020405b4', '--next-header', '59'],
      init: { ip: { ...ip, nextHeader: 59 }, tcp: { srcPort: 40001, dstPort: port + 1, flags: { syn: true }, window: 65535, options: Buffer.from('020405b4', 'hex') } },
      filter: `ip6 and ip6[6] == 59 and ip6[42:2] == ${port + 1}`,
    },
  ];
}

test('--dry-run: send -6 builds what lib/wire builds from the same values', async (t) => {
  for (const c of cases(0x4242, 40404)) {
    const r = await rawprobe(['send', '-6', '::1', ...c.args, '--dry-run']);
    t.is(r.code, 0, `${c.name}: ${r.stderr}`);
    t.deepEqual(dryHex(r.stdout), [encodePacket6(c.init)], c.name);
  }
  const ns = await rawprobe(['send', '--dst', '::1', '--type', 'ns', '--nd-target', '2001:db8::2', '--link-address', '02:00:00:00:00:01', '--dry-run']);
  t.deepEqual(dryHex(ns.stdout), [
    encodePacket6({ ip: { src: '::1', dst: '::1' }, icmpv6: { kind: 'neighbor-solicitation', target: '2001:db8::2', options: [{ kind: 'source-link-layer-address', address: '02:00:00:00:00:01' }] } }),
  ]);
  t.regex(ns.stdout, /^packet #0 ::1 > ::1 ICMPv6 Neighbor Solicitation \(135\/0\) who has 2001:db8::2 \[source link-address 02:00:00:00:00:01\], hlim 64/m);
  const routing = await rawprobe(['send', '-6', '::1', '--routing', '0/2001:db8::5,::1', '--icmp-id', '9', '--dry-run']);
  t.deepEqual(dryHex(routing.stdout), [encodePacket6({ ip: { src: '::1', dst: '::1' }, extensions: [{ kind: 'routing', routingType: 0, addresses: ['2001:db8::5', '::1'] }], icmpv6: { kind: 'echo-request', identifier: 9, sequence: 1 } })]);
  t.regex(routing.stdout, / Routing type 0 segments left 2 last ::1 ICMPv6 Echo request/);
});

test('each version refuses the other\'s header options, and packets of both versions are not sent together', async (t) => {
  const bad: [string[], RegExp][] = [
    [['send', '-6', '::1', '--ttl', '3'], /--ttl is for IPv4 packets; IPv6 has --hop-limit/],
    [['send', '127.0.0.1', '--hop-limit', '3'], /--hop-limit is for IPv6 packets/],
    [['send', '-6', '127.0.0.1'], /--dst 127\.0\.0\.1: not an IPv6 address/],
    [['send', '-6', '::1', '--routing', '9/::1'], /--routing: .*type 9: give 0, 2 or 4/],
    [['send', '-6', '::1', '--hbh-option', 'bogus'], /--hbh-option: .*unknown option \(allowed pad1, padn\[:N\], ra\[:V\], jumbo\[:N\] or raw:HEX\)/],
    [['send', '-6', '::1', '--type', 'ns'], /target address \(--nd-target\)/],
    [['send', '-6', '::1', '--proto', 'udp', '--dport', '1', '--nd-target', '::1'], /--nd-target is an ICMPv6 option/],
    [['send', '127.0.0.1', '--frag', 'offset=1,m'], /IPv6 only/],
    [['send', '-6', '::1', '--frag', 'mtu=1000'], /below the IPv6 minimum of 1280/],
  ];
  for (const [args, message] of bad) {
    const r = await rawprobe([...args, '--dry-run']);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.stderr, message);
    t.false(r.stderr.includes('    at '), 'no stack trace');
  }
  const v4 = JSON.stringify({ ip: { src: '127.0.0.1', dst: '127.0.0.1' }, icmp: { kind: 'echo-request' } });
  const v6 = JSON.stringify({ ip: { src: '::1', dst: '::1' }, icmpv6: { kind: 'echo-request' } });
  const file = join(dir, 'mixed.jsonl');
  writeFileSync(file, `${v4}\n${v6}\n`);
  // One run sends one version: a file's IPv4 packets, or with -6 its IPv6 ones.
  const mixed = await rawprobe(['send', '--from-json', file, '--dry-run']);
  t.is(mixed.code, 0, mixed.stderr);
  t.is(mixed.stderr, `rawprobe: ${file}: skipped 1 IPv6 packet: one run sends one IP version (-6 sends the IPv6 ones)\n`);
  t.deepEqual(dryHex(mixed.stdout).map((b) => b[0]! >>> 4), [4]);
  const six = await rawprobe(['send', '-6', '--from-json', file, '--dry-run']);
  t.is(six.stderr, `rawprobe: ${file}: skipped 1 IPv4 packet: one run sends one IP version\n`);
  t.deepEqual(dryHex(six.stdout).map((b) => b[0]! >>> 4), [6]);
  const none = await rawprobe(['send', '-6', '--from-json', '-', '--dry-run'], { input: `${v4}\n` });
  t.is(none.code, 2);
  t.is(none.stderr, 'rawprobe: stdin: no IPv6 packet in it: nothing to send\n');
});

test('IPv6 from JSON (decode --json output, recomputed when edited) and from hex', async (t) => {
  const built = encodePacket6({ ip: { src: '::1', dst: '::1', hopLimit: 5 }, extensions: [{ kind: 'hop-by-hop', options: [{ kind: 'router-alert', value: 0 }] }], icmpv6: { kind: 'echo-request', identifier: 7, sequence: 8 } });
  const decoded = await rawprobe(['decode', built.toString('hex'), '--json']);
  const json = JSON.parse(decoded.stdout) as { ip: { hopLimit: number }; icmpv6: { checksumValid: boolean } };
  const file = join(dir, 'one6.json');
  writeFileSync(file, JSON.stringify(json));
  t.deepEqual(dryHex((await rawprobe(['send', '--from-json', file, '--dry-run'])).stdout), [built]);
  json.ip.hopLimit = 1;
  writeFileSync(file, JSON.stringify(json));
  const edited = dryHex((await rawprobe(['send', '--from-json', file, '--recompute', '--dry-run'])).stdout)[0]!;
  t.is(edited[7], 1);
  t.deepEqual(edited.subarray(48), built.subarray(48), 'the checksum does not cover the hop limit: the rest unchanged');
  const hex = await rawprobe(['send', '--from-hex', built.toString('hex'), '--dry-run']);
  t.deepEqual(dryHex(hex.stdout), [built]);
});

asRoot('on ::1: every packet arrives byte for byte as asked (IPV6_HDRINCL changes nothing)', async (t) => {
  const id = unique();
  const port = unique();
  for (const c of cases(id, port)) {
    const capture = await captureOnLoopback(t, c.filter, 1);
    const r = await rawprobe(['send', '-6', '::1', ...c.args]);
    t.is(r.code, 0, `${c.name}: ${r.stderr}`);
    t.is(r.stderr, '', 'no kernel warning: nothing is overwritten');
    t.deepEqual(await capture.done(), [encodePacket6(c.init)], c.name);
  }
});

asRoot('--frag auto and mtu=N: a packet over the MTU leaves as Fragment-header fragments that reassemble to it; the echo is answered', async (t) => {
  const id = unique();
  const capture = await captureOnLoopback(t, `ip6 and ip6[6] == 44 and ip6[40] == 58`, 3);
  const r = await rawprobe(['send', '-6', '::1', '--icmp-id', String(id), '--payload-size', '3000', '--frag', 'mtu=1280', '--wait', '3000']);
  t.is(r.code, 0, r.stderr);
  const fragments = await capture.done();
  t.is(fragments.length, 3);
  for (const f of fragments) t.true(f.length <= 1280, `${f.length} bytes`);
  const payload = Buffer.alloc(3000);
  for (let i = 0; i < payload.length; i++) payload[i] = i & 0xff;
  t.deepEqual(reassembleIpv6(fragments), encodePacket6({ ip: { src: '::1', dst: '::1' }, icmpv6: { kind: 'echo-request', identifier: id, sequence: 1 }, payload }));
  t.regex(r.stdout, new RegExp(`^reply #0 ::1 > ::1 ICMPv6 Echo reply \\(129/0\\) id 0x${id.toString(16).padStart(4, '0')} seq 1, hlim 64, .*payload length 3008, checksums ok, rtt`, 'm'));
  const whole = await rawprobe(['send', '-6', '::1', '--payload-size', '65000', '--icmp-id', String(unique())]);
  t.is(whole.code, 0, 'on lo (MTU 65536) it fits whole');
  const refused = await rawprobe(['send', '-6', '::1', '--payload-size', '65507', '--icmp-id', String(unique())]);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /IPV6_HDRINCL the kernel never fragments.*\(EMSGSIZE\)/);
});

asRoot('--wait: echo replies, a port unreachable quoting our UDP, a TCP RST; hop limit and traffic class from the control messages', async (t) => {
  const id = unique();
  const echo = await rawprobe(['send', '-6', '::1', '--icmp-id', String(id), '--count', '2', '--interval', '20', '--tclass', '0x20', '--wait', '2000', '--json']);
  t.is(echo.code, 0, echo.stderr);
  const events = echo.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; kind?: string; from?: string; packet?: { ip: { hopLimit: number; trafficClass: number; src: string }; icmpv6: { sequence: number } } });
  const replies = events.filter((e) => e.event === 'reply');
  t.deepEqual(replies.map((e) => [e.kind, e.from, e.packet!.icmpv6.sequence]), [['echo-reply', '::1', 1], ['echo-reply', '::1', 2]]);
  // Linux answers an echo with the request's traffic class and its own hop limit.
  for (const e of replies) t.like(e.packet!.ip, { hopLimit: 64, trafficClass: 0x20, src: '::1' });
  const port = unique();
  const udp = await rawprobe(['send', '-6', '::1', '--proto', 'udp', '--sport', String(unique()), '--dport', String(port), '--wait', '2000']);
  t.is(udp.code, 0, udp.stderr);
  t.regex(udp.stdout, new RegExp(`^reply #0 ::1 > ::1 ICMPv6 Destination unreachable: Port unreachable \\(1/4\\) quoting \\[::1 > ::1 UDP \\d+ > ${port}, hlim 64\\], `, 'm'));
  const tcp = await rawprobe(['send', '-6', '::1', '--proto', 'tcp', '--sport', String(unique()), '--dport', String(unique()), '--wait', '2000']);
  t.is(tcp.code, 0, tcp.stderr);
  t.regex(tcp.stdout, /^reply #0 ::1 > ::1 TCP \d+ > \d+ \[R\.\] seq 0 ack 1 win 0, /m);
  const none = await rawprobe(['send', '-6', '::1', '--type', 'echo-reply', '--wait', '300']);
  t.is(none.code, 1, 'an echo reply gets no answer');
});

const inLab = toolTest(['tcpdump'], rootTest().serial);

inLab('across a lab pair (2001:db8::/64, nodad): what leaves h1 arrives at h2 byte for byte, and h2 answers', async (t) => {
  const lab = await withLab(t, { name: 'pair6', ipv6: true, nodes: { h1: { role: 'host' }, h2: { role: 'host' } }, links: [{ between: ['h1', 'h2'] }] });
  const h1 = lab.address('h1', { family: 6 });
  const h2 = lab.address('h2', { family: 6 });
  const iface = lab.node('h2').interfaces[0]!.name;
  const id = unique();
  const args = ['send', '-6', h2, '--hop-limit', '17', '--tclass', 'AF41', '--flow-label', '0xabcde', '--hbh-option', 'ra:0', '--icmp-id', String(id), '--payload', 'lab', '--wait', '3000'];
  const capture = await captureOn(t, { iface, namespace: lab.namespace('h2') }, `ip6 and ip6[6] == 0 and ip6[48] == 128 and ip6[52:2] == ${id}`, 1);
  const r = await rawprobe(args, { where: { lab, node: 'h1' } });
  t.is(r.code, 0, r.stderr);
  const want = encodePacket6({
    ip: { src: h1, dst: h2, hopLimit: 17, trafficClass: 0x88, flowLabel: 0xabcde },
    extensions: [{ kind: 'hop-by-hop', options: [{ kind: 'router-alert', value: 0 }] }],
    icmpv6: { kind: 'echo-request', identifier: id, sequence: 1, data: Buffer.from('lab') },
  });
  t.deepEqual(await capture.done(), [want]);
  t.regex(r.stdout, new RegExp(`^reply #0 ${h2.replace(/[.:]/g, '\\$&')} > ${h1.replace(/[.:]/g, '\\$&')} ICMPv6 Echo reply \\(129/0\\) id 0x${id.toString(16).padStart(4, '0')} seq 1, hlim 64, class 0x88 \\(AF41\\)`, 'm'));
});
