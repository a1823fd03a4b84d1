// trace's probes with traceroute's -U, -UL and -P (lib/probe/protocols/udp-fixed.ts, raw-ip.ts):
// each probe is the packet lib/wire builds from the same fields (UDP-Lite's checksum summed here
// independently, over the 8 bytes its coverage names), and match() tells our answers from
// everything else, including after a NAT moved the source port.
import test from 'ava';
import { MATCH } from '../../lib/probe/engine/protocol.js';
import { Flows, ProbePlan } from '../../lib/probe/protocols/probe-plan.js';
import { RawIpProbe } from '../../lib/probe/protocols/raw-ip.js';
import { probeData } from '../../lib/probe/protocols/trace-protocol.js';
import { FixedPortUdpProbe } from '../../lib/probe/protocols/udp-fixed.js';
import { parseIpv4 } from '../../lib/wire/bytes.js';
import { fold, pseudoHeaderSum, sum16 } from '../../lib/wire/checksum.js';
import { decodePacket, encodePacket } from '../../lib/wire/packet.js';
import { DST, encode, errorFor, header, matchOf, ROUTER, SRC, slot } from './trace-packets.js';

const fixed = { ...header, dstPort: 53, srcPortBase: 40000 };

test('-U: probe n goes to port 53 from port base + n; checksum right; the bytes lib/wire builds', (t) => {
  const p = new FixedPortUdpProbe(fixed);
  t.is(p.kind, 'udp');
  t.is(p.packetLength, 60);
  const buf = Buffer.alloc(p.maxProbeLength, 0xa5);
  for (const [n, ttl, tos] of [[0, 1, 0], [5, 2, 0x10], [1, 30, 0xff]] as const) {
    const s = slot(n, ttl, tos);
    const length = p.encode(s, buf);
    const expected = encodePacket({ ip: { src: SRC, dst: DST, ttl, tos, id: 1000 + n, flags: { df: true } }, udp: { srcPort: 40000 + n, dstPort: 53 }, payload: probeData(32) });
    t.deepEqual(buf.subarray(0, length), expected);
    t.is(s.key, 40000 + n);
    t.true(decodePacket(expected).udp!.checksumValid);
  }
});

test('-U: port unreachable from the destination is the reply; Time Exceeded an error; a NAT-moved source port matches by IP id; strangers do not', (t) => {
  const p = new FixedPortUdpProbe(fixed);
  const probe = encode(p, slot(4, 5, 0xb8));
  t.like(matchOf(p, errorFor(probe, DST, 'destination-unreachable', 3, 2)), { kind: MATCH.reply, key: 40004, target: parseIpv4(DST), quotedTtl: 2 });
  t.like(matchOf(p, errorFor(probe, ROUTER, 'time-exceeded', 0)), { kind: MATCH.error, key: 40004, from: parseIpv4(ROUTER) });
  t.like(matchOf(p, errorFor(probe, ROUTER, 'destination-unreachable', 3)), { kind: MATCH.error }, 'port unreachable from a router is no arrival');
  const natted = errorFor(probe, ROUTER, 'time-exceeded', 0, 1, (q) => q.writeUInt16BE(1025, 20));
  t.like(matchOf(p, natted), { kind: MATCH.error, key: 40004 });
  const otherId = errorFor(probe, ROUTER, 'time-exceeded', 0, 1, (q) => {
    q.writeUInt16BE(1025, 20);
    q.writeUInt16BE(999, 4);
  });
  t.is(matchOf(p, otherId).kind, MATCH.none, 'a moved port and an id we never sent');
  const otherPort = errorFor(probe, ROUTER, 'time-exceeded', 0, 1, (q) => q.writeUInt16BE(54, 22));
  t.is(matchOf(p, otherPort).kind, MATCH.none, 'another destination port');
  const lite = new FixedPortUdpProbe({ ...fixed, coverage: 8 });
  t.is(matchOf(p, errorFor(encode(lite, slot(4, 5)), ROUTER, 'time-exceeded', 0)).kind, MATCH.none, 'UDP-Lite is another protocol');
});

test('-U --sport, --paris, --multipath: one source port per flow, the IP id is the key', (t) => {
  const plan = new ProbePlan(64);
  const p = new FixedPortUdpProbe({ ...fixed, flows: new Flows(plan, 4) });
  plan.set(6, 2);
  const s = slot(6, 3);
  const probe = encode(p, s);
  t.is(decodePacket(probe).udp!.srcPort, 40002);
  t.is(decodePacket(probe).udp!.dstPort, 53);
  t.is(s.key, 1006);
  t.like(matchOf(p, errorFor(probe, ROUTER, 'time-exceeded', 0)), { kind: MATCH.error, key: 1006 });
});

test('-UL: UDP-Lite (protocol 136) with coverage 8, its checksum over the pseudo-header and the header only', (t) => {
  const p = new FixedPortUdpProbe({ ...fixed, coverage: 8 });
  t.is(p.kind, 'udplite');
  for (const n of [0, 3, 200]) {
    const probe = encode(p, slot(n, 2));
    t.is(probe.length, 60);
    t.is(probe[9], 136);
    t.is(probe.readUInt16BE(20), 40000 + n);
    t.is(probe.readUInt16BE(22), 53);
    t.is(probe.readUInt16BE(24), 8, 'the coverage, where UDP has its length');
    t.deepEqual(probe.subarray(28), probeData(32));
    // RFC 3828: the pseudo-header's length is the whole datagram's (40), the sum covers 8 bytes.
    const sum = fold(pseudoHeaderSum(parseIpv4(SRC), parseIpv4(DST), 136, 40) + sum16(probe, 20, 8));
    t.is(sum, 0xffff, `probe ${n}: the checksum makes the covered sum all ones`);
  }
  const whole = new FixedPortUdpProbe({ ...fixed, coverage: 0 });
  const probe = encode(whole, slot(1, 2));
  t.is(fold(pseudoHeaderSum(parseIpv4(SRC), parseIpv4(DST), 136, 40) + sum16(probe, 20, 40)), 0xffff, 'coverage 0: the whole datagram');
  t.like(matchOf(p, errorFor(encode(p, slot(3, 2)), DST, 'destination-unreachable', 3)), { kind: MATCH.reply, key: 40003 });
  t.like(matchOf(p, errorFor(encode(p, slot(3, 2)), DST, 'destination-unreachable', 2)), { kind: MATCH.error, code: 2 }, 'no UDP-Lite there: !P');
});

test('-P N: IPv4 of protocol N with traceroute\'s data; keyed by IP id; protocol unreachable from the destination is its answer', (t) => {
  const p = new RawIpProbe({ ...header, protocol: 253 });
  t.is(p.kind, 'raw');
  t.is(p.packetLength, 60);
  const buf = Buffer.alloc(p.maxProbeLength, 0xa5);
  for (const [n, ttl, tos] of [[0, 1, 0], [9, 4, 0x20]] as const) {
    const s = slot(n, ttl, tos);
    const length = p.encode(s, buf);
    t.deepEqual(buf.subarray(0, length), encodePacket({ ip: { src: SRC, dst: DST, ttl, tos, id: 1000 + n, flags: { df: true }, protocol: 253 }, payload: probeData(40) }));
    t.is(s.key, 1000 + n);
  }
  const probe = encode(p, slot(2, 4));
  t.like(matchOf(p, errorFor(probe, DST, 'destination-unreachable', 2)), { kind: MATCH.reply, key: 1002, type: 3, code: 2 });
  t.like(matchOf(p, errorFor(probe, ROUTER, 'time-exceeded', 0)), { kind: MATCH.error, key: 1002 });
  t.like(matchOf(p, errorFor(probe, ROUTER, 'destination-unreachable', 2)), { kind: MATCH.error }, 'from a router: no arrival');
  const other = new RawIpProbe({ ...header, protocol: 254 });
  t.is(matchOf(p, errorFor(encode(other, slot(2, 4)), ROUTER, 'time-exceeded', 0)).kind, MATCH.none, 'another protocol');
  const stranger = new RawIpProbe({ ...header, source: '203.0.113.9', protocol: 253 });
  t.is(matchOf(p, errorFor(encode(stranger, slot(2, 4)), ROUTER, 'time-exceeded', 0)).kind, MATCH.none, 'another host\'s probe');
  const short = new RawIpProbe({ ...header, length: 20, protocol: 253 });
  t.is(short.packetLength, 20, 'no payload at all');
  t.like(matchOf(short, errorFor(encode(short, slot(1, 1)), ROUTER, 'time-exceeded', 0)), { kind: MATCH.error, key: 1001 });
});
