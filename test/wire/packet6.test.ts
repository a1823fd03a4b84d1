import test from 'ava';
import { sum16 } from '../../lib/wire/checksum.js';
import { DecodeError, EncodeError } from '../../lib/wire/errors.js';
import { parseIpv6 } from '../../lib/wire/ipv6-address.js';
import { pseudoHeaderSum6 } from '../../lib/wire/ipv6-checksum.js';
import { decodePacket6, encodePacket6, encodePacket6Into, packet6EncodingLength, type Packet6Init } from '../../lib/wire/packet6.js';
import * as tcp from '../../lib/wire/tcp.js';
import * as udp from '../../lib/wire/udp.js';
import { datagrams, listFixtures } from '../fixtures/fixtures.js';
import { filled, OPTION_COMBOS } from './vectors.js';

const H1 = '2001:db8::1';
const H2 = '2001:db8:0:1::2';

function packet(name: string, index = 0): Buffer {
  return datagrams(listFixtures(6).find((f) => f.name === name)!)[index]!.bytes;
}

test('scapy-like defaults: payload length, the Next Header chain and every checksum are filled in', (t) => {
  const init: Packet6Init = {
    ip: { src: H1, dst: H2 },
    extensions: [{ kind: 'hop-by-hop', options: [{ kind: 'router-alert', value: 0 }] }, { kind: 'destination-options', options: [] }],
    udp: { srcPort: 40000, dstPort: 47000 },
    payload: Buffer.from('hello'),
  };
  const b = encodePacket6(init);
  t.is(b.length, 40 + 8 + 8 + 8 + 5);
  t.is(b.readUInt16BE(4), 29);
  t.deepEqual([b[6], b[40], b[48]], [0, 60, 17]);
  t.is(b[7], 64, 'hop limit 64');
  const p = decodePacket6(b);
  t.like(p.udp, { length: 13, checksumValid: true });
  t.is(p.payload.toString(), 'hello');
  // The UDP checksum is the RFC 8200 one: pseudo-header with the 32-bit length and next header 17.
  t.is(sum16(b, 56, 13, pseudoHeaderSum6(b, 8, b, 24, 17, 13)), 0xffff);
  t.is(packet6EncodingLength(init), b.length);
  // No upper layer: No Next Header.
  const none = encodePacket6({ ip: { src: H1, dst: H2 }, extensions: [{ kind: 'fragment' }] });
  t.deepEqual([none[6], none[40]], [44, 59]);
});

test('checksums use the final destination of a Routing header with segments left (RFC 8200 8.1)', (t) => {
  for (const [routingType, last] of [[0, H2], [2, '2001:db8:99::9'], [4, H2]] as const) {
    const addresses = routingType === 4 ? [H2, '2001:db8::9'] : [last];
    const b = encodePacket6({ ip: { src: H1, dst: '2001:db8::9' }, extensions: [{ kind: 'routing', routingType, addresses }], tcp: { srcPort: 1, dstPort: 2, flags: { syn: true } } });
    const at = b.length - 20;
    t.is(sum16(b, at, 20, pseudoHeaderSum6(parseIpv6(H1), 0, parseIpv6(last), 0, 6, 20)), 0xffff, `type ${routingType}`);
    t.true(decodePacket6(b).tcp!.checksumValid as boolean);
  }
  // Segments left 0: the IPv6 destination is already the final one.
  const b = encodePacket6({ ip: { src: H1, dst: H2 }, extensions: [{ kind: 'routing', routingType: 0, segmentsLeft: 0, addresses: ['2001:db8::9'] }], udp: { srcPort: 1, dstPort: 2 } });
  t.is(sum16(b, b.length - 8, 8, pseudoHeaderSum6(b, 8, b, 24, 17, 8)), 0xffff);
  t.true(decodePacket6(b).udp!.checksumValid as boolean);
  // The kernel-free scapy fixtures agree (tshark too: test/fixtures/tshark6.test.ts).
  t.true(decodePacket6(packet('ext-routing-type0')).udp!.checksumValid as boolean);
  t.true(decodePacket6(packet('ext-routing-srh')).udp!.checksumValid as boolean);
});

test('what the caller gives is written as given: next headers, lengths, checksums (a broken packet on purpose)', (t) => {
  const b = encodePacket6({
    ip: { src: H1, dst: H2, nextHeader: 17, payloadLength: 999, hopLimit: 1, trafficClass: 0xb8, flowLabel: 0x12345 },
    extensions: [{ kind: 'destination-options', nextHeader: 6, headerExtLength: 0, options: [] }],
    icmpv6: { kind: 'echo-request', checksum: 0xdead, identifier: 9, sequence: 9 },
  });
  t.is(b.toString('hex', 0, 8), '6b812345' + '03e71101');
  t.deepEqual([b[40], b[41]], [6, 0]);
  t.is(b.readUInt16BE(50), 0xdead);
});

test('every encode option combination, into 0xa5 buffers at an offset, decodes to what was asked', (t) => {
  const init: Packet6Init = {
    ip: { src: H1, dst: H2 },
    extensions: [{ kind: 'routing', routingType: 4, addresses: [H2, '2001:db8::9'] }, { kind: 'destination-options', options: [{ kind: 'unknown', type: 0x3e, data: Buffer.from('cafe', 'hex') }] }],
    tcp: { srcPort: 40000, dstPort: 443, sequence: 7, flags: { syn: true }, options: Buffer.from('020405b4', 'hex') },
    payload: Buffer.from('x'),
  };
  for (const opts of OPTION_COMBOS) {
    const n = packet6EncodingLength(init, opts);
    const buf = filled(n + 9);
    t.is(encodePacket6Into(init, buf, 4, opts), n);
    t.true(buf.subarray(0, 4).every((x) => x === 0xa5) && buf.subarray(4 + n).every((x) => x === 0xa5), JSON.stringify(opts));
    if (!opts.fixLengths) {
      // Lengths 0 and no padding: the chain does not parse as built, which is what was asked.
      t.is(buf.readUInt16BE(8), 0);
      continue;
    }
    const p = decodePacket6(buf, 4, n);
    t.deepEqual(p.extensions.map((x) => x.kind), ['routing', 'destination-options']);
    t.like(p.tcp, { sequence: 7, dataOffset: 6, checksumValid: opts.computeChecksums });
    t.is(p.payload.toString(), 'x');
  }
});

test('decodePacket6: truncated by the bytes given, an error only past a known wire length', (t) => {
  const b = packet('kernel6-echo-loopback');
  const cut = decodePacket6(b, 0, 70);
  t.like(cut, { truncated: true, bytes: 70 });
  t.is(cut.icmpv6!.checksumValid, null);
  const e = t.throws(() => decodePacket6(b, 0, 70, { originalLength: 70 }), { instanceOf: DecodeError });
  t.is(e?.offset, 4);
  t.is(e?.reason, 'IPv6 payload length 64 runs past the 70-byte packet');
  t.like(e?.partial, { ip: { src: '::1' }, icmpv6: null });
  // Link padding after the packet is ignored.
  t.is(decodePacket6(Buffer.concat([b, Buffer.alloc(6)])).bytes, 104);
});

test('a cut upper-layer header is a DecodeError with every layer before it', (t) => {
  const b = encodePacket6({ ip: { src: H1, dst: H2 }, extensions: [{ kind: 'fragment' }], tcp: { srcPort: 1, dstPort: 2 } });
  const e = t.throws(() => decodePacket6(b, 0, 60), { instanceOf: DecodeError });
  t.is(e?.offset, 48);
  t.is(e?.reason, 'TCP header needs 20 bytes, 12 present');
  t.deepEqual((e?.partial as { extensions: { kind: string }[] }).extensions.map((x) => x.kind), ['fragment']);
});

test('fragments: the first decodes its upper layer unchecked, the others carry only data', (t) => {
  const first = decodePacket6(packet('ext-fragment-first'));
  t.like(first.udp, { srcPort: 40014, length: 608, checksumValid: null });
  const middle = decodePacket6(packet('ext-fragment-middle'));
  t.is(middle.udp, null);
  t.like(middle.extensions[0], { kind: 'fragment', mf: true });
  t.true(middle.payload.length > 0);
});

test('a UDP checksum of 0 is wrong over IPv6 (RFC 8200 8.1), not "none" as over IPv4', (t) => {
  const b = encodePacket6({ ip: { src: H1, dst: H2 }, udp: { srcPort: 1, dstPort: 2, checksum: 0 } });
  t.like(decodePacket6(b).udp, { checksum: 0, checksumPresent: false, checksumValid: false });
});

test('a jumbogram: payload length 0 and a Jumbo Payload option give the length (RFC 2675)', (t) => {
  const data = Buffer.alloc(70000, 7);
  const b = encodePacket6({
    ip: { src: H1, dst: H2, payloadLength: 0 },
    extensions: [{ kind: 'hop-by-hop', options: [{ kind: 'jumbo-payload', jumboLength: 8 + 8 + 70000 }] }],
    udp: { srcPort: 1, dstPort: 2, length: 0 },
    payload: data,
  });
  const p = decodePacket6(b);
  t.like(p, { truncated: false, bytes: 40 + 8 + 8 + 70000 });
  t.is(p.payload.length, 70000);
  t.throws(() => encodePacket6({ ip: { src: H1, dst: H2 }, payload: data }), { instanceOf: EncodeError, message: /^ip\.payloadLength: 70000 bytes do not fit/ });
});

test('encode errors name the layer and field', (t) => {
  t.throws(() => encodePacket6({ ip: { src: 'nope', dst: H2 } }), { instanceOf: EncodeError, message: /^ip\.src: "nope" is not an IPv6 address/ });
  t.throws(() => encodePacket6({ ip: { src: H1, dst: H2 }, udp: { srcPort: 70000, dstPort: 1 } }), { instanceOf: EncodeError, message: /^udp\.srcPort: 70000 is out of range/ });
  t.throws(() => encodePacket6({ ip: { src: H1, dst: H2 }, extensions: [{ kind: 'routing', routingType: 0, addresses: ['x'] }] }), {
    instanceOf: EncodeError,
    message: /^extensions\[0\]\.addresses\[0\]: "x" is not an IPv6 address/,
  });
  t.throws(() => encodePacket6({ ip: { src: H1, dst: H2 }, udp: { srcPort: 1, dstPort: 2 }, tcp: { srcPort: 1, dstPort: 2 } }), { instanceOf: EncodeError, message: /^tcp: give at most one upper-layer header/ });
  t.throws(() => encodePacket6Into({ ip: { src: H1, dst: H2 } }, Buffer.alloc(10)), { instanceOf: EncodeError, message: /^buffer: needs 40 bytes/ });
});

test('UDP and TCP take an address sum for the IPv6 pseudo-header; their IPv4 use is unchanged', (t) => {
  const b = packet('ext-destopt-unknown');
  const addressSum = sum16(b, 8, 32);
  const at = 56; // after the 16-byte Destination Options header
  t.true(udp.decode(b, at, undefined, { addressSum }).checksumValid as boolean);
  t.is(udp.decode(b, at).checksumValid, null);
  const out = Buffer.from(b);
  out.writeUInt16BE(0, at + 6);
  udp.encode({ srcPort: 40010, dstPort: 47010 }, out, at, { addressSum, payloadLength: b.length - at - 8 });
  t.true(out.equals(b));
  const syn = packet('ext-routing-type2');
  const final = Buffer.concat([syn.subarray(8, 24), parseIpv6('2001:db8:99::9')]);
  t.true(tcp.decode(syn, 64, undefined, { addressSum: sum16(final, 0, 32) }).checksumValid as boolean);
  t.throws(() => udp.encode({ srcPort: 1, dstPort: 2 }), { instanceOf: EncodeError, message: /^checksum: cannot compute a UDP checksum without src and dst/ });
});
