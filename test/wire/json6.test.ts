import test from 'ava';
import { EncodeError } from '../../lib/wire/errors.js';
import { packet6InitFromJson, packet6ToJson } from '../../lib/wire/json6.js';
import { decodePacket6, encodePacket6 } from '../../lib/wire/packet6.js';
import { datagrams, listFixtures } from '../fixtures/fixtures.js';

function packet(name: string, index = 0): Buffer {
  return datagrams(listFixtures(6).find((f) => f.name === name)!)[index]!.bytes;
}

test('every key is present, null when absent, Buffers as hex', (t) => {
  const j = packet6ToJson(decodePacket6(packet('kernel6-port-unreachable-loopback', 0)));
  t.deepEqual(Object.keys(j), ['ip', 'extensions', 'icmpv6', 'udp', 'tcp', 'payload', 'truncated', 'bytes']);
  t.is(j.icmpv6, null);
  t.is(j.tcp, null);
  t.deepEqual(j.extensions, []);
  t.is(j.payload, Buffer.from('rawprobe port unreachable fixture').toString('hex'));
  const routing = packet6ToJson(decodePacket6(packet('ext-routing-srh'))).extensions[0]!;
  t.deepEqual(Object.keys(routing), ['kind', 'nextHeader', 'headerExtLength', 'headerLength', 'routingType', 'segmentsLeft', 'reserved', 'addresses', 'srh', 'rpl', 'data']);
  t.like(routing, { reserved: null, rpl: null, data: null });
  const q = packet6ToJson(decodePacket6(packet('mld-query-v1')));
  t.like(q.icmpv6, { version: 1, flagsReserved: null, suppressRouterProcessing: null, qrv: null, qqic: null, queryInterval: null, numberOfSources: null, sources: null });
});

test('hand-written subsets: kind from type, defaults filled by the encoder', (t) => {
  const init = packet6InitFromJson({
    ip: { src: '2001:db8::1', dst: 'ff02::1', hopLimit: 255 },
    icmpv6: { type: 134, options: [{ kind: 'mtu', mtu: 1500 }, { kind: 'prefix-information', prefix: '2001:db8:1::' }] },
  });
  const p = decodePacket6(encodePacket6(init));
  t.like(p.icmpv6, { kind: 'router-advertisement', checksumValid: true, curHopLimit: 64, routerLifetime: 1800 });
  t.deepEqual((p.icmpv6 as { options: { kind: string }[] }).options.map((o) => o.kind), ['mtu', 'prefix-information']);
});

test('errors name the JSON path; unknown keys are errors; derived keys are type-checked and dropped', (t) => {
  const bad: [unknown, RegExp][] = [
    [{ ip: { src: '2001:db8::1' } }, /^ip\.dst: missing/],
    [{ ip: { src: '2001:db8::1', dst: '::1', hoplimit: 3 } }, /^ip\.hoplimit: unknown field \(allowed: version, /],
    [{ ip: { src: 'x', dst: '::1' } }, /^ip\.src: "x" is not an IPv6 address/],
    [{ ip: { src: '::1', dst: '::1', flowLabel: 0x100000 } }, /^ip\.flowLabel: 1048576 is out of range 0-1048575/],
    [{ ip: { src: '::1', dst: '::1' }, extensions: [{ kind: 'hop-by-hop', options: [{ kind: 'router-alert', value: 70000 }] }] }, /^extensions\[0\]\.options\[0\]\.value: 70000 is out of range/],
    [{ ip: { src: '::1', dst: '::1' }, extensions: [{ kind: 'teleport' }] }, /^extensions\[0\]\.kind: "teleport": not an IPv6 extension header kind/],
    [{ ip: { src: '::1', dst: '::1' }, icmpv6: { kind: 'neighbor-solicitation', target: '::2', options: [{ kind: 'source-link-layer-address', address: 'zz' }] } }, /^icmpv6\.options\[0\]\.address: "zz" is not a link-layer address/],
    [{ ip: { src: '::1', dst: '::1' }, icmpv6: { kind: 'echo-request', checksumValid: 'yes' } }, /^icmpv6\.checksumValid: "yes" is not a boolean/],
    [{ ip: { src: '::1', dst: '::1' }, udp: { srcPort: 1, dstPort: 2 }, tcp: { srcPort: 1, dstPort: 2 } }, /^tcp: give at most one of icmpv6, udp, tcp/],
    [{ ip: { src: '::1', dst: '::1' }, payload: 'xyz' }, /^payload: bad hex/],
  ];
  for (const [json, message] of bad) t.throws(() => packet6InitFromJson(json), { instanceOf: EncodeError, message }, JSON.stringify(json));
  t.throws(() => packet6InitFromJson({ ip: { src: '::1' } }, { path: 'packets[3]' }), { instanceOf: EncodeError, message: /^packets\[3\]\.ip\.dst: missing/ });
  const init = packet6InitFromJson({ ip: { src: '::1', dst: '::1', headerLength: 40 }, udp: { srcPort: 1, dstPort: 2, checksumValid: null, headerLength: 8 }, truncated: false, bytes: 48 });
  t.deepEqual(JSON.parse(JSON.stringify(init)), { ip: { src: '::1', dst: '::1' }, udp: { srcPort: 1, dstPort: 2 } });
});

test('recompute drops computed fields (and keeps the quoted packet as it was)', (t) => {
  const j = packet6ToJson(decodePacket6(packet('kernel6-time-exceeded-lab', 1)));
  const edited = JSON.parse(JSON.stringify(j));
  edited.ip.hopLimit = 3;
  const again = decodePacket6(encodePacket6(packet6InitFromJson(edited, { recompute: true })));
  t.like(again.icmpv6, { checksumValid: true });
  t.is(again.ip.hopLimit, 3);
  if (again.icmpv6?.kind !== 'time-exceeded') return t.fail();
  t.is(again.icmpv6.quoted.ip.payloadLength, 64, 'the quoted header keeps its own lengths');
  // Without recompute the old checksum is written as it was: now wrong.
  t.like(decodePacket6(encodePacket6(packet6InitFromJson(JSON.parse(JSON.stringify({ ...edited, ip: { ...edited.ip, src: '2001:db8::5' } }))))).icmpv6, { checksumValid: false });
});
