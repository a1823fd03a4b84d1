// The flow-keeping probes of trace --paris and --multipath (lib/probe/protocols/flow-*.ts): every
// probe of a flow carries the same five fields a per-flow load balancer hashes (UDP and TCP:
// addresses, protocol, ports; ICMP: type, code and checksum), flows differ in them, and the field
// that tells probes apart (IPv4 id, TCP sequence, echo sequence) comes back in every answer.
import test from 'ava';
import { MATCH, newMatch, type ProbeSlot } from '../../lib/probe/engine/protocol.js';
import { FlowIcmpProbe } from '../../lib/probe/protocols/flow-icmp.js';
import { FlowTcpProbe } from '../../lib/probe/protocols/flow-tcp.js';
import { FlowUdpProbe } from '../../lib/probe/protocols/flow-udp.js';
import { Flows, ProbePlan } from '../../lib/probe/protocols/probe-plan.js';
import type { TraceProtocol } from '../../lib/probe/protocols/trace-protocol.js';
import { parseIpv4 } from '../../lib/wire/bytes.js';
import { decodePacket, encodePacket } from '../../lib/wire/packet.js';

const SRC = '203.0.113.1';
const DST = '203.0.113.6';
const ROUTER = '198.51.100.2';
const header = { source: SRC, df: false, length: 60, ipIdBase: 0xfff0 };

function slot(number: number, ttl: number): ProbeSlot {
  return { number, target: 0, address: DST, addressValue: parseIpv4(DST), targets6: { words6: new Uint32Array(4) }, ttl, tos: 0, timeoutMs: 5000, key: -1 };
}

/** Probe n (flow `flow` in `plan`), encoded into a 0xa5-filled buffer at offset `lead`. */
function probe(p: TraceProtocol, plan: ProbePlan, n: number, flow: number, lead = 0): { bytes: Buffer; key: number } {
  plan.set(n, flow);
  const s = slot(n, 5);
  const buf = Buffer.alloc(p.maxProbeLength + lead, 0xa5);
  const length = p.encode(s, buf.subarray(lead));
  return { bytes: Buffer.from(buf.subarray(lead, lead + length)), key: s.key };
}

function errorFor(bytes: Buffer, from: string, type: 'time-exceeded' | 'destination-unreachable', code: number): Buffer {
  const quote = Buffer.from(bytes);
  quote[8] = 1;
  return encodePacket({ ip: { src: from, dst: SRC, ttl: 63 }, icmp: { kind: type, code } as never, payload: quote });
}

function matchOf(p: TraceProtocol, bytes: Buffer): ReturnType<typeof newMatch> {
  const b = Buffer.alloc(bytes.length + 3, 0xa5);
  bytes.copy(b, 3);
  const m = newMatch();
  p.match(b, 3, bytes.length, bytes.length, m);
  return m;
}

/** The bytes a load balancer hashes: addresses, protocol, and the first 4 transport bytes. */
function flowFields(b: Buffer): string {
  const hl = (b[0]! & 0x0f) * 4;
  return `${b.subarray(12, 20).toString('hex')}/${b[9]}/${b.subarray(hl, hl + 4).toString('hex')}`;
}

test('ProbePlan: what was set for probe n, flow 0 and length 0 for a probe never set or forgotten', (t) => {
  const plan = new ProbePlan(5);
  plan.set(3, 2, 1400);
  t.is(plan.flowOf(3), 2);
  t.is(plan.lengthOf(3), 1400);
  t.is(plan.flowOf(4), 0);
  plan.set(11, 1);
  t.is(plan.flowOf(3), 0, '11 took 3\'s slot (a ring of 8)');
  t.is(plan.lengthOf(11), 0);
});

test('udp flows: one flow is one port pair; probes differ only in their IPv4 id (the key), flow f goes to port base + f', (t) => {
  const plan = new ProbePlan(64);
  const p = new FlowUdpProbe({ ...header, srcPort: 40000, basePort: 33434, flows: new Flows(plan, 4) });
  const a = probe(p, plan, 0, 2);
  const b = probe(p, plan, 1, 2, 5);
  const c = probe(p, plan, 16, 3);
  t.is(flowFields(a.bytes), flowFields(b.bytes), 'same flow, same hashed fields');
  t.not(flowFields(a.bytes), flowFields(c.bytes));
  for (const [x, n, port] of [[a, 0, 33436], [b, 1, 33436], [c, 16, 33437]] as const) {
    const d = decodePacket(x.bytes);
    t.true(d.ip.checksumValid);
    t.true(d.udp!.checksumValid);
    t.like(d.udp!, { srcPort: 40000, dstPort: port });
    t.is(d.ip.id, 1 + ((0xfff0 + n) % 0xffff));
    t.is(x.key, d.ip.id);
  }
  // Ids never 0, and distinct across a wrap of 65535 probes.
  t.is(p.keyOf(14), 0xffff);
  t.is(p.keyOf(15), 1);
  t.is(p.keyOf(15 + 0xffff), 1, 'the same id again after 65535 probes, not before');
  t.is(a.bytes.subarray(20).toString('hex'), b.bytes.subarray(20).toString('hex'), 'the UDP datagram itself is the same');
  t.like(matchOf(p, errorFor(a.bytes, ROUTER, 'time-exceeded', 0)), { kind: MATCH.error, key: a.key, from: parseIpv4(ROUTER) });
  t.like(matchOf(p, errorFor(c.bytes, DST, 'destination-unreachable', 3)), { kind: MATCH.reply, key: c.key });
  const outside = Buffer.from(c.bytes);
  outside.writeUInt16BE(33438, 22);
  t.is(matchOf(p, errorFor(outside, ROUTER, 'time-exceeded', 0)).kind, MATCH.none, 'a port beyond our 4 flows');
});

test('tcp flows: flow f leaves from port base + f to port p; the sequence number is the key, acknowledged by SYN-ACK and RST', (t) => {
  const plan = new ProbePlan(64);
  const p = new FlowTcpProbe({ ...header, dstPort: 443, srcPortBase: 41000, sequenceBase: 0xfffffffe, flows: new Flows(plan, 2) });
  const a = probe(p, plan, 0, 1);
  const b = probe(p, plan, 5, 1);
  const c = probe(p, plan, 6, 0);
  t.is(flowFields(a.bytes), flowFields(b.bytes));
  t.not(flowFields(a.bytes), flowFields(c.bytes));
  t.like(decodePacket(b.bytes).tcp!, { srcPort: 41001, dstPort: 443, sequence: 3, checksumValid: true });
  t.is(b.key, 3);
  const reply = (n: number, flags: object, ack: number): Buffer =>
    encodePacket({ ip: { src: DST, dst: SRC, ttl: 60 }, tcp: { srcPort: 443, dstPort: p.portOf(n), sequence: 9, acknowledgment: ack >>> 0, flags, window: 100 } });
  t.like(matchOf(p, reply(5, { syn: true, ack: true }, 4)), { kind: MATCH.reply, key: 3, type: 0x12 });
  t.like(matchOf(p, reply(0, { rst: true, ack: true }, 0xffffffff)), { kind: MATCH.reply, key: 0xfffffffe, type: 0x14 });
  t.like(matchOf(p, errorFor(c.bytes, ROUTER, 'time-exceeded', 0)), { kind: MATCH.error, key: 4 });
  t.is(matchOf(p, reply(5, { ack: true }, 4)).kind, MATCH.none, 'a plain ACK');
  const longer = new FlowTcpProbe({ ...header, length: 100, dstPort: 443, srcPortBase: 41000, sequenceBase: 10, flows: new Flows(plan, 2) });
  const data = 100 - 60;
  t.like(matchOf(longer, reply(0, { rst: true, ack: true }, 10 + 1 + data)), { kind: MATCH.reply, key: 10 }, 'a RST also counts the SYN\'s data');
});

test('icmp flows: the checksum stays the same all flow long (two data bytes make up for the sequence), and differs between flows', (t) => {
  const plan = new ProbePlan(64);
  const p = new FlowIcmpProbe({ ...header, identifier: 0x5151, flows: new Flows(plan, 3) });
  const flow1 = [0, 1, 2, 500, 65535].map((n) => probe(p, plan, n, 1, n % 3));
  const flow2 = probe(p, plan, 7, 2);
  const sums = new Set(flow1.map((x) => decodePacket(x.bytes).icmp!.checksum));
  t.is(sums.size, 1);
  t.is(new Set(flow1.map((x) => flowFields(x.bytes))).size, 1);
  t.not(flowFields(flow2.bytes), flowFields(flow1[0]!.bytes));
  for (const x of [...flow1, flow2]) {
    const d = decodePacket(x.bytes);
    t.true(d.icmp!.checksumValid);
    t.true(d.ip.checksumValid);
  }
  const first = decodePacket(flow1[1]!.bytes).icmp!;
  if (first.kind !== 'echo-request') return t.fail();
  t.is(first.identifier, 0x5151);
  t.is(flow1[1]!.key, (0x5151 << 16) | 2);
  // The echo reply brings the varying bytes back: still a good reply.
  const reply = encodePacket({ ip: { src: DST, dst: SRC, ttl: 60 }, icmp: { kind: 'echo-reply', identifier: 0x5151, sequence: 2, data: first.data } });
  t.like(matchOf(p, reply), { kind: MATCH.reply, key: flow1[1]!.key, flags: 0 });
  t.like(matchOf(p, errorFor(flow2.bytes, ROUTER, 'time-exceeded', 0)), { kind: MATCH.error, key: flow2.key });
  t.throws(() => new FlowIcmpProbe({ ...header, length: 29, identifier: 1, flows: new Flows(plan, 1) }), { instanceOf: RangeError });
});
