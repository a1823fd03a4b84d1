// The three probe kinds of trace and tos (lib/probe/trace-icmp.ts, udp-probe.ts, tcp-syn.ts):
// every probe is byte for byte the packet lib/wire builds from the same fields (into reused,
// 0xa5-filled buffers), and match() tells our answers (Time Exceeded, port unreachable,
// SYN-ACK, RST) from everything else (other processes, our own SYN and our kernel's RST seen on
// loopback, a stale acknowledgment), including after a NAT rewrote the source port.
import test from 'ava';
import { MATCH } from '../../lib/probe/engine/protocol.js';
import { IcmpProbe } from '../../lib/probe/protocols/trace-icmp.js';
import { probeData, type TraceProtocol } from '../../lib/probe/protocols/trace-protocol.js';
import { TcpSynProbe } from '../../lib/probe/protocols/tcp-syn.js';
import { UDP_BASE_PORT, UdpProbe } from '../../lib/probe/protocols/udp.js';
import { parseIpv4 } from '../../lib/wire/bytes.js';
import { decodePacket, encodePacket } from '../../lib/wire/packet.js';

import { DST, encode, errorFor, header, lastMatched, matchOf, ROUTER, SRC, slot } from './trace-packets.js';

// ---- ICMP echo ---------------------------------------------------------------------------------

test('icmp: each probe is the echo request lib/wire builds: 60 bytes, seq n + 1, IP id base + n, into reused 0xa5 buffers', (t) => {
  const p = new IcmpProbe({ ...header, identifier: 0x4242 });
  t.is(p.packetLength, 60);
  const buf = Buffer.alloc(p.maxProbeLength, 0xa5);
  for (const [n, ttl, tos] of [[0, 1, 0], [7, 3, 0xb8]] as const) {
    const s = slot(n, ttl, tos);
    const length = p.encode(s, buf);
    const expected = encodePacket({
      ip: { src: SRC, dst: DST, ttl, tos, id: 1000 + n, flags: { df: true } },
      icmp: { kind: 'echo-request', identifier: 0x4242, sequence: n + 1, data: probeData(32) },
    });
    t.deepEqual(buf.subarray(0, length), expected);
    t.is(s.key, (0x4242 << 16) | (n + 1));
  }
  t.deepEqual(encode(p, slot(7, 3, 0xb8), 3), encode(p, slot(7, 3, 0xb8)), 'the same at a non-zero offset');
});

test('icmp: echo reply, Time Exceeded and Frag Needed are ours; other identifiers and our own request are not', (t) => {
  const p = new IcmpProbe({ ...header, identifier: 0x4242 });
  const s = slot(2, 3);
  const probe = encode(p, s);
  const te = matchOf(p, errorFor(probe, ROUTER, 'time-exceeded', 0));
  t.like(te, { kind: MATCH.error, key: s.key, from: parseIpv4(ROUTER), target: parseIpv4(DST), type: 11, code: 0, quotedTtl: 1, quotedTos: 0, ttl: 63, tos: 0xc0 });
  t.is(lastMatched()!.offset, 4, 'last: where the datagram sits, for the header comparison');
  const frag = matchOf(p, errorFor(probe, ROUTER, 'destination-unreachable', 4, 2));
  t.like(frag, { kind: MATCH.error, type: 3, code: 4, info: 1400, quotedTtl: 2 });
  const reply = encodePacket({ ip: { src: DST, dst: SRC, ttl: 61 }, icmp: { kind: 'echo-reply', identifier: 0x4242, sequence: 3, data: probeData(32) } });
  t.like(matchOf(p, reply), { kind: MATCH.reply, key: s.key, from: parseIpv4(DST), target: parseIpv4(DST), ttl: 61, flags: 0 });
  const stranger = encodePacket({ ip: { src: DST, dst: SRC }, icmp: { kind: 'echo-reply', identifier: 0x4243, sequence: 3 } });
  t.is(matchOf(p, stranger).kind, MATCH.none);
  t.is(matchOf(p, probe).kind, MATCH.none, 'our own request, looped back');
  const udp = new UdpProbe({ ...header, srcPort: 40000, basePort: UDP_BASE_PORT });
  t.is(matchOf(p, errorFor(encode(udp, s), ROUTER, 'time-exceeded', 0)).kind, MATCH.none, 'an error quoting UDP');
});

test('icmp: IPv4 options travel in every probe; the length counts them', (t) => {
  const p = new IcmpProbe({ ...header, identifier: 1, ipOptions: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }] });
  const b = encode(p, slot(0, 1));
  t.is(b.length, 60);
  const d = decodePacket(b);
  t.is(d.ip.headerLength, 24);
  t.true(d.ip.checksumValid);
  t.is(d.icmp?.kind, 'echo-request');
  t.is(matchOf(p, errorFor(b, ROUTER, 'time-exceeded', 0)).kind, MATCH.error, 'the quote has options: the echo header is found after them');
});

// ---- UDP -----------------------------------------------------------------------------------------

test('udp: probe n goes to port 33434 + n from one source port; checksums right; the same bytes lib/wire builds', (t) => {
  const p = new UdpProbe({ ...header, srcPort: 40000, basePort: UDP_BASE_PORT });
  t.is(p.packetLength, 60);
  const buf = Buffer.alloc(p.maxProbeLength, 0xa5);
  for (const [n, ttl, tos] of [[0, 1, 0], [5, 2, 0x10], [1, 30, 0xff]] as const) {
    const s = slot(n, ttl, tos);
    const length = p.encode(s, buf);
    const expected = encodePacket({
      ip: { src: SRC, dst: DST, ttl, tos, id: 1000 + n, flags: { df: true } },
      udp: { srcPort: 40000, dstPort: 33434 + n },
      payload: probeData(32),
    });
    t.deepEqual(buf.subarray(0, length), expected);
    t.is(s.key, 33434 + n);
    t.true(decodePacket(expected).udp!.checksumValid);
  }
  const long = new UdpProbe({ ...header, length: 1500, srcPort: 40000, basePort: 50000 });
  const big = encode(long, slot(3, 4));
  t.is(big.length, 1500);
  t.true(decodePacket(big).udp!.checksumValid);
  t.is(decodePacket(big).udp!.dstPort, 50003);
});

test('udp: port unreachable from the destination is the reply; Time Exceeded an error; others\' UDP is not ours', (t) => {
  const p = new UdpProbe({ ...header, srcPort: 40000, basePort: UDP_BASE_PORT });
  const s = slot(4, 5, 0xb8);
  const probe = encode(p, s);
  t.like(matchOf(p, errorFor(probe, DST, 'destination-unreachable', 3, 2)), { kind: MATCH.reply, key: 33438, target: parseIpv4(DST), quotedTtl: 2, quotedTos: 0xb8 });
  t.like(matchOf(p, errorFor(probe, ROUTER, 'time-exceeded', 0)), { kind: MATCH.error, key: 33438, from: parseIpv4(ROUTER) });
  t.like(matchOf(p, errorFor(probe, ROUTER, 'destination-unreachable', 3)), { kind: MATCH.error }, 'port unreachable from a router is no arrival');
  t.like(matchOf(p, errorFor(probe, ROUTER, 'destination-unreachable', 1)), { kind: MATCH.error, type: 3, code: 1 });
  const other = new UdpProbe({ ...header, ipIdBase: 7, srcPort: 40001, basePort: UDP_BASE_PORT });
  t.is(matchOf(p, errorFor(encode(other, s), ROUTER, 'time-exceeded', 0)).kind, MATCH.none, 'another traceroute\'s probe');
  const low = encodePacket({ ip: { src: SRC, dst: DST, id: 1004 }, udp: { srcPort: 40000, dstPort: 53 } });
  t.is(matchOf(p, errorFor(low, ROUTER, 'time-exceeded', 0)).kind, MATCH.none, 'our source port, a port below the base');
});

test('udp: a NAT that moved our source port still matches by the IP id the probe carried', (t) => {
  const p = new UdpProbe({ ...header, srcPort: 40000, basePort: UDP_BASE_PORT });
  const s = slot(9, 3);
  const probe = encode(p, s);
  const natted = errorFor(probe, ROUTER, 'time-exceeded', 0, 1, (q) => q.writeUInt16BE(1025, 20));
  t.like(matchOf(p, natted), { kind: MATCH.error, key: 33443 });
  const wrongId = errorFor(probe, ROUTER, 'time-exceeded', 0, 1, (q) => {
    q.writeUInt16BE(1025, 20);
    q.writeUInt16BE(4242, 4);
  });
  t.is(matchOf(p, wrongId).kind, MATCH.none);
});

// ---- TCP -----------------------------------------------------------------------------------------

const tcpOptions = { ...header, dstPort: 80, srcPortBase: 40000, sequenceBase: 0xfffffff0 };

function answer(p: TcpSynProbe, n: number, flags: { syn?: boolean; ack?: boolean; rst?: boolean }, ack = p.sequenceOf(n) + 1): Buffer {
  return encodePacket({
    ip: { src: DST, dst: SRC, ttl: 61 },
    tcp: { srcPort: 80, dstPort: p.portOf(n), sequence: 777, acknowledgment: ack >>> 0, flags, window: 65535 },
  });
}

test('tcp: a SYN from port base + n with sequence base + n, Linux\'s SYN options, 60 bytes; the bytes lib/wire builds', (t) => {
  const p = new TcpSynProbe(tcpOptions);
  t.is(p.packetLength, 60);
  const buf = Buffer.alloc(p.maxProbeLength, 0xa5);
  for (const [n, ttl, tos] of [[0, 1, 0], [20, 9, 0x28]] as const) {
    const s = slot(n, ttl, tos);
    const length = p.encode(s, buf);
    const d = decodePacket(buf.subarray(0, length));
    t.true(d.ip.checksumValid);
    t.true(d.tcp!.checksumValid);
    t.like(d.tcp!, { srcPort: 40000 + n, dstPort: 80, sequence: (0xfffffff0 + n) >>> 0, headerLength: 40 });
    t.like(d.tcp!.flags, { syn: true, ack: false, rst: false });
    t.is(d.ip.ttl, ttl);
    t.is(d.ip.tos, tos);
    t.is(s.key, 40000 + n);
    const expected = encodePacket({
      ip: { src: SRC, dst: DST, ttl, tos, id: 1000 + n, flags: { df: true } },
      tcp: { srcPort: 40000 + n, dstPort: 80, sequence: (0xfffffff0 + n) >>> 0, flags: { syn: true }, window: 64240, options: d.tcp!.options },
    });
    t.deepEqual(buf.subarray(0, length), expected);
  }
  t.is(decodePacket(encode(new TcpSynProbe({ ...tcpOptions, length: 40 }), slot(0, 1))).tcp!.headerLength, 20, '40 bytes: no options');
  t.is(decodePacket(encode(new TcpSynProbe({ ...tcpOptions, length: 48 }), slot(0, 1))).tcp!.headerLength, 24, 'MSS only');
});

test('tcp: --tcp-options chooses the SYN\'s options (the packet grows to hold them), --ecn sets ECE and CWR; a SYN-ACK still matches', (t) => {
  const bare = encode(new TcpSynProbe({ ...tcpOptions, synOptions: { mss: null, sackOK: false, timestamps: false, wscale: null } }), slot(0, 1));
  t.is(bare.length, 60, 'a bare SYN: 20 bytes of data after the header instead of options');
  t.is(decodePacket(bare).tcp!.headerLength, 20);
  const mss = new TcpSynProbe({ ...tcpOptions, length: 40, synOptions: { mss: 1200, sackOK: false, timestamps: false, wscale: 3 } });
  t.is(mss.packetLength, 48, 'asked for, the options fit even in a 40-byte packet');
  t.is(decodePacket(encode(mss, slot(0, 1))).tcp!.options.toString('hex'), '020404b001030303');
  const ecn = new TcpSynProbe({ ...tcpOptions, ecnSetup: true });
  const d = decodePacket(encode(ecn, slot(2, 1, 0x02)));
  t.like(d.tcp!.flags, { syn: true, ece: true, cwr: true, ack: false });
  t.is(d.ip.tos, 0x02);
  t.true(d.tcp!.checksumValid);
  t.like(matchOf(ecn, answer(ecn, 2, { syn: true, ack: true })), { kind: MATCH.reply, key: 40002 });
});

test('tcp: SYN-ACK and RST from the target acknowledging our SYN are replies; flags in type', (t) => {
  const p = new TcpSynProbe(tcpOptions);
  const synAck = matchOf(p, answer(p, 20, { syn: true, ack: true }));
  t.like(synAck, { kind: MATCH.reply, key: 40020, from: parseIpv4(DST), target: parseIpv4(DST), type: 0x12, flags: 0 });
  t.like(matchOf(p, answer(p, 3, { rst: true, ack: true })), { kind: MATCH.reply, key: 40003, type: 0x14 });
  // From a stack behind a veth the checksum is left to offload (only the pseudo-header sum is
  // there): still our answer.
  const partial = answer(p, 20, { syn: true, ack: true });
  partial.writeUInt16BE(0x1234, 20 + 16);
  t.like(matchOf(p, partial), { kind: MATCH.reply, key: 40020, flags: 0 });
});

test('tcp: our own SYN and our kernel\'s RST (seen on loopback), a stale ack, a stranger\'s segment are not ours', (t) => {
  const p = new TcpSynProbe(tcpOptions);
  const own = encode(p, slot(5, 64));
  t.is(matchOf(p, own).kind, MATCH.none, 'our SYN travels from our port to 80');
  const kernelRst = encodePacket({ ip: { src: SRC, dst: DST }, tcp: { srcPort: p.portOf(5), dstPort: 80, sequence: p.sequenceOf(5) + 1, flags: { rst: true } } });
  t.is(matchOf(p, kernelRst).kind, MATCH.none, 'the kernel\'s RST to the SYN-ACK travels the same way');
  t.is(matchOf(p, answer(p, 5, { syn: true, ack: true }, 12345)).kind, MATCH.none, 'acknowledges something else');
  t.is(matchOf(p, answer(p, 5, { ack: true })).kind, MATCH.none, 'a plain ACK answers no SYN');
  const stranger = encodePacket({ ip: { src: DST, dst: SRC }, tcp: { srcPort: 443, dstPort: p.portOf(5), flags: { syn: true, ack: true } } });
  t.is(matchOf(p, stranger).kind, MATCH.none);
});

test('tcp: Time Exceeded quoting our SYN is an error; after a NAT moved the port, the sequence number finds the probe', (t) => {
  const p = new TcpSynProbe(tcpOptions);
  const probe = encode(p, slot(33, 2));
  t.like(matchOf(p, errorFor(probe, ROUTER, 'time-exceeded', 0)), { kind: MATCH.error, key: 40033, quotedTtl: 1 });
  const natted = errorFor(probe, ROUTER, 'time-exceeded', 0, 1, (q) => q.writeUInt16BE(1999, 20));
  t.like(matchOf(p, natted), { kind: MATCH.error, key: 40033 });
  const elsewhere = errorFor(probe, ROUTER, 'time-exceeded', 0, 1, (q) => q.writeUInt16BE(443, 22));
  t.is(matchOf(p, elsewhere).kind, MATCH.none, 'quotes a SYN to another port');
});

test('filters: BPF programs end in accept/drop returns and test the protocol and ports they are for', (t) => {
  const udp = new UdpProbe({ ...header, srcPort: 40000, basePort: UDP_BASE_PORT }).filter();
  t.is(udp.length, 5);
  t.is(udp[2]!.k, 17);
  const tcp = new TcpSynProbe(tcpOptions);
  t.is(tcp.filter()[2]!.k, 6);
  const program = tcp.tcpFilter();
  t.is(program[2]!.k, 80);
  t.is(program[4]!.k, 40000);
  t.is(program[5]!.k, 65535);
  t.is(program[6]!.k, 0xffffffff);
  t.is(program[7]!.k, 0);
});
