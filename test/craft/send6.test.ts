// `send` of IPv6 packets on the probe engine (lib/craft: FAMILY6 behind the same CraftedProtocol,
// SendHandler and engine as IPv4), with a fake clock and a fake socket that hands answers over
// as a raw IPv6 socket does: no IPv6 header, the source as text, the socket's protocol, the hop
// limit and traffic class from control messages. Echo sequences count up with right ICMPv6
// checksums (over the pseudo-header), answers are matched by key and by the address they come
// from or quote, and each reply is printed as a whole IPv6 packet with its header rebuilt. No
// kernel, no privilege.
import test from 'ava';
import { familyOf, FAMILY4, FAMILY6, parseFrag, parseIpv6Option, parseRouting } from '../../lib/craft/index.js';
import { sendPackets, type Reply, type SendOptions } from '../../lib/craft/send.js';
import { decodePacket6, encodePacket, encodePacket6, ParseError, type Packet6Init } from '../../lib/wire/index.js';
import { FakeClock, FakeSocket, runOnFakeNetwork, type Responder } from '../probe/fakes.js';

const SRC = '2001:db8::1';
const DST = '2001:db8::2';
const OTHER = '2001:db8::99';

const echo = (sequence = 1, extensions: Packet6Init['extensions'] = []): Buffer =>
  encodePacket6({ ip: { src: SRC, dst: DST }, extensions, icmpv6: { kind: 'echo-request', identifier: 0x6161, sequence, data: Buffer.from('ping') } });

/** The echo reply the destination sends back: its ICMPv6 message only, as the raw socket hands it over. */
function replyTo(request: Buffer, from = DST): Buffer {
  const p = decodePacket6(request);
  const m = p.icmpv6 as { identifier: number; sequence: number; data: Buffer };
  return encodePacket6({ ip: { src: from, dst: SRC }, icmpv6: { kind: 'echo-reply', identifier: m.identifier, sequence: m.sequence, data: m.data } }).subarray(40);
}

async function send(packets: Buffer[], options: SendOptions, respond: Responder): Promise<{ replies: Reply[]; socket: FakeSocket; replied: number }> {
  const clock = new FakeClock();
  const socket = new FakeSocket(clock);
  const replies: Reply[] = [];
  const running = sendPackets(packets, { ...options, onReply: (r) => replies.push(r) }, { socket, clock });
  await runOnFakeNetwork(clock, socket, respond, running);
  const stats = await running;
  return { replies, socket, replied: stats.replies };
}

const ICMPV6 = { protocol: 58, source: DST, hopLimit: 61, tclass: 0x20 };

test('echo sequences count up per round, the ICMPv6 checksum following over the pseudo-header', async (t) => {
  const { socket } = await send([echo(1)], { count: 3, intervalMs: 10 }, () => []);
  const sent = socket.sent.map((s) => decodePacket6(s.bytes));
  t.deepEqual(sent.map((p) => (p.icmpv6 as { sequence: number }).sequence), [1, 2, 3]);
  t.true(sent.every((p) => p.icmpv6!.checksumValid === true));
  t.deepEqual(socket.sent.map((s) => s.address), [DST, DST, DST], 'sent to the header\'s destination');
  // Behind a Routing header the pseudo-header holds the final destination: still right.
  const routed = echo(1, [{ kind: 'routing', routingType: 0, addresses: [OTHER] }]);
  const r = await send([routed], { count: 2, intervalMs: 10 }, () => []);
  t.true(r.socket.sent.every((s) => decodePacket6(s.bytes).icmpv6!.checksumValid === true));
});

test('--wait: echo replies are matched, printed with a rebuilt header (hop limit and class from the control messages)', async (t) => {
  const { replies, replied } = await send([echo(1)], { count: 3, intervalMs: 10, waitMs: 1000 }, (p) => [{ afterMs: 2, bytes: replyTo(p.bytes), ipv6: ICMPV6 }]);
  t.is(replied, 3);
  t.deepEqual(replies.map((r) => [r.kind, r.probe, r.info.address, r.info.hopLimit, r.info.tos]), [0, 1, 2].map((n) => ['echo-reply', n, DST, 61, 0x20]));
  const first = decodePacket6(replies[0]!.bytes);
  t.like(first.ip, { src: DST, dst: SRC, hopLimit: 61, trafficClass: 0x20, flowLabel: 0, nextHeader: 58, payloadLength: 12 });
  t.like(first.icmpv6, { kind: 'echo-reply', sequence: 1, checksumValid: true });
  t.is(replies[0]!.rttMs, 2);
});

test('a reply from another address, or with another key, is not credited', async (t) => {
  const wrongSource = await send([echo(1)], { waitMs: 200 }, (p) => [{ afterMs: 1, bytes: replyTo(p.bytes, OTHER), ipv6: { ...ICMPV6, source: OTHER } }]);
  t.is(wrongSource.replied, 0);
  const otherSeq = await send([echo(1)], { waitMs: 200 }, () => [{ afterMs: 1, bytes: replyTo(echo(9)), ipv6: ICMPV6 }]);
  t.is(otherSeq.replied, 0);
});

test('ICMPv6 errors quoting the packet answer it: UDP port unreachable, time exceeded behind a Hop-by-Hop header', async (t) => {
  const udp = encodePacket6({ ip: { src: SRC, dst: DST }, udp: { srcPort: 40000, dstPort: 33434 } });
  const unreachable = encodePacket6({ ip: { src: DST, dst: SRC }, icmpv6: { kind: 'destination-unreachable', code: 4 }, payload: udp }).subarray(40);
  const a = await send([udp], { waitMs: 500 }, () => [{ afterMs: 1, bytes: unreachable, ipv6: ICMPV6 }]);
  t.deepEqual(a.replies.map((r) => r.kind), ['icmp-error']);
  t.like(decodePacket6(a.replies[0]!.bytes).icmpv6, { kind: 'destination-unreachable', code: 4 });
  const hbh = echo(1, [{ kind: 'hop-by-hop', options: [{ kind: 'router-alert', value: 0 }] }]);
  const router = '2001:db8:ff::1';
  const exceeded = encodePacket6({ ip: { src: router, dst: SRC }, icmpv6: { kind: 'time-exceeded' }, payload: hbh }).subarray(40);
  const b = await send([hbh], { waitMs: 500 }, () => [{ afterMs: 1, bytes: exceeded, ipv6: { ...ICMPV6, source: router } }]);
  t.deepEqual(b.replies.map((r) => [r.kind, r.info.address]), [['icmp-error', router]], 'credited by the quoted destination, from the router');
});

test('UDP and TCP answers come back with the ports the other way round, on their own sockets', async (t) => {
  const tcp = encodePacket6({ ip: { src: SRC, dst: DST }, tcp: { srcPort: 40001, dstPort: 443, flags: { syn: true } } });
  const synAck = encodePacket6({ ip: { src: DST, dst: SRC }, tcp: { srcPort: 443, dstPort: 40001, flags: { syn: true, ack: true }, acknowledgment: 1 } }).subarray(40);
  const r = await send([tcp], { waitMs: 500 }, () => [{ afterMs: 1, bytes: synAck, ipv6: { ...ICMPV6, protocol: 6 } }]);
  t.deepEqual(r.replies.map((x) => x.kind), ['tcp']);
  t.like(decodePacket6(r.replies[0]!.bytes).tcp, { srcPort: 443, dstPort: 40001, checksumValid: true });
  // Our own segment looped back (ports as sent) is no answer.
  const self = await send([tcp], { waitMs: 200 }, (p) => [{ afterMs: 1, bytes: p.bytes.subarray(40), ipv6: { ...ICMPV6, protocol: 6, source: SRC } }]);
  t.is(self.replied, 0);
});

test('the family is the packets\' version; a mix is refused before anything is sent', (t) => {
  t.is(familyOf([echo()]), FAMILY6);
  t.is(familyOf([encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1' }, icmp: { kind: 'echo-request' } })]), FAMILY4);
  t.throws(() => familyOf([echo(), encodePacket({ ip: { src: '127.0.0.1', dst: '127.0.0.1' }, icmp: { kind: 'echo-request' } })]), { message: /mix IPv4 and IPv6/ });
  t.throws(() => familyOf([Buffer.from([0x50, 0, 0, 0])]), { message: /IP version 5 is neither 4 nor 6/ });
  t.is(FAMILY6.destinationOf(echo()), DST);
  t.throws(() => FAMILY6.destinationOf(Buffer.alloc(20)), { instanceOf: RangeError });
  t.is(FAMILY6.requestKey(encodePacket6({ ip: { src: SRC, dst: DST }, icmpv6: { kind: 'echo-reply' } })), -1, 'a reply we send gets no answer');
});

test('extension header text: options, routing, frag', (t) => {
  t.deepEqual(parseIpv6Option('ra'), { kind: 'router-alert', value: 0 });
  t.deepEqual(parseIpv6Option('padn:3'), { kind: 'padn', data: Buffer.alloc(3) });
  t.deepEqual(parseIpv6Option('raw:1e0401020304'), { kind: 'unknown', type: 0x1e, length: 4, data: Buffer.from('01020304', 'hex') });
  t.deepEqual(parseIpv6Option('jumbo:70000'), { kind: 'jumbo-payload', jumboLength: 70000 });
  t.deepEqual(parseRouting('4/2001:db8::1,2001:db8::2/1'), { kind: 'routing', routingType: 4, segmentsLeft: 1, addresses: ['2001:db8::1', '2001:db8::2'] });
  t.deepEqual(parseRouting('0/2001:db8::1'), { kind: 'routing', routingType: 0, addresses: ['2001:db8::1'] });
  t.deepEqual(parseFrag('auto'), { kind: 'auto' });
  t.deepEqual(parseFrag('mtu=1400'), { kind: 'mtu', mtu: 1400 });
  t.deepEqual(parseFrag('offset=185,m,id=0x10'), { kind: 'header', header: { kind: 'fragment', mf: true, fragmentOffset: 185, identification: 16 } });
  for (const [fn, text, message] of [
    [parseIpv6Option, 'padn:300', /"300" is not a number 0-255/],
    [parseIpv6Option, 'raw:05', /at least 2 bytes/],
    [parseRouting, '2/2001:db8::1,2001:db8::2', /type 2 carries exactly one address/],
    [parseRouting, '0/not-an-address', /not-an-address/],
    [parseFrag, 'offset=9999', /0-8191/],
    [parseFrag, 'sometimes', /"sometimes" is not auto, mtu=N, offset=N, m or id=N/],
  ] as const) {
    t.throws(() => (fn as (s: string) => unknown)(text), { instanceOf: ParseError, message }, text);
  }
});
