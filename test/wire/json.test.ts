import test from 'ava';
import { EncodeError } from '../../lib/wire/errors.js';
import { packetInitFromJson, packetToJson, jsonify } from '../../lib/wire/json.js';
import { decodePacket, encodePacket } from '../../lib/wire/packet.js';
import { vector, VECTORS } from './vectors.js';

test('packetToJson is plain JSON: Buffers as lowercase hex, nulls kept, every field present', (t) => {
  const j = packetToJson(decodePacket(vector('kernel-port-unreachable')));
  const text = JSON.stringify(j);
  t.deepEqual(JSON.parse(text), j);
  t.is(j.payload.slice(0, 8), '45000030');
  t.is(j.udp, null);
  t.is(j.truncated, false);
  t.is(j.ip.src, '127.0.0.1');
  const icmp = j.icmp as Record<string, unknown>;
  t.is(icmp.kind, 'destination-unreachable');
  t.is(icmp.nextHopMtu, null);
  t.is(icmp.extensions, null);
  const quoted = icmp.quoted as Record<string, unknown>;
  t.deepEqual(quoted.udp, { srcPort: 53361, dstPort: 47001, length: 28, checksum: 0xfe2f });
  t.is(quoted.payload, 'd071b799001cfe2f72617770726f6265207564702066697874757265');
  t.deepEqual(Object.keys(j), ['ip', 'icmp', 'udp', 'tcp', 'payload', 'truncated', 'bytes']);
  t.true(/^[0-9a-f]*$/.test(j.payload));
});

test('print, parse, build: every captured packet comes back byte for byte', (t) => {
  for (const v of VECTORS) {
    const b = Buffer.from(v.hex, 'hex');
    const json = JSON.parse(JSON.stringify(packetToJson(decodePacket(b))));
    t.true(encodePacket(packetInitFromJson(json)).equals(b), v.name);
  }
});

test('a hand-written subset is enough; computed fields are filled', (t) => {
  const init = packetInitFromJson({
    ip: { src: '127.0.0.1', dst: '127.0.0.1', id: 0x8d25, flags: { df: true } },
    icmp: { kind: 'echo-request', identifier: 0x17cd, sequence: 1, data: vector('kernel-echo-request').subarray(28).toString('hex') },
  });
  t.true(encodePacket(init).equals(vector('kernel-echo-request')));
  // kind can be left out when type says it.
  const byType = packetInitFromJson({ ip: { src: '192.0.2.1', dst: '192.0.2.2' }, icmp: { type: 0, identifier: 5 } });
  t.is(byType.icmp!.kind, 'echo-reply');
  const raw = packetInitFromJson({ ip: { src: '192.0.2.1', dst: '192.0.2.2', protocol: 253 }, payload: '01 02 03' });
  t.is(decodePacket(encodePacket(raw)).payload.toString('hex'), '010203');
});

test('edited JSON keeps old computed values unless recompute is asked for', (t) => {
  const json = JSON.parse(JSON.stringify(packetToJson(decodePacket(vector('scapy-udp')))));
  json.ip.ttl = 1;
  json.udp.dstPort = 33434;
  const kept = decodePacket(encodePacket(packetInitFromJson(json)));
  t.false(kept.ip.checksumValid); // the old checksum, written as given
  t.false(kept.udp!.checksumValid);
  const fixed = decodePacket(encodePacket(packetInitFromJson(json, { recompute: true })));
  t.true(fixed.ip.checksumValid);
  t.true(fixed.udp!.checksumValid);
  t.is(fixed.ip.ttl, 1);
  t.is(fixed.udp!.dstPort, 33434);
  // Growing the payload: recompute fixes the lengths too.
  json.payload += 'ffff';
  const grown = decodePacket(encodePacket(packetInitFromJson(json, { recompute: true })));
  t.is(grown.ip.totalLength, 48);
  t.is(grown.udp!.length, 28);
  t.true(grown.udp!.checksumValid);
});

test('every bad field is named by its JSON path with the allowed range', (t) => {
  const base = () => JSON.parse(JSON.stringify(packetToJson(decodePacket(vector('kernel-record-route-reply')))));
  const cases: [(j: any) => void, string, RegExp][] = [
    [(j) => (j.ip.ttl = 300), 'ip.ttl', /^ip\.ttl: 300 is out of range 0-255$/],
    [(j) => (j.ip.id = '7'), 'ip.id', /^ip\.id: "7" is not an integer \(allowed 0-65535\)$/],
    [(j) => (j.ip.src = '1.2.3'), 'ip.src', /^ip\.src: "1\.2\.3" is not a dotted-quad/],
    [(j) => (j.ip.flags.df = 1), 'ip.flags.df', /not a boolean/],
    [(j) => (j.ip.options[0].addresses[2] = '300.1.1.1'), 'ip.options[0].addresses[2]', /dotted-quad/],
    [(j) => (j.ip.options[0].kind = 'rr'), 'ip.options[0].kind', /not an option kind/],
    [(j) => (j.ip.options[1].padding = 'zz'), 'ip.options[1].padding', /"z" is not a hex digit/],
    [(j) => (j.ip.tll = 3), 'ip.tll', /unknown field \(allowed: version, ihl/],
    [(j) => (j.icmp.sequence = -1), 'icmp.sequence', /out of range 0-65535/],
    [(j) => (j.icmp.kind = 'ping'), 'icmp.kind', /not an ICMP kind/],
    [(j) => (j.icmp.data = 'abc'), 'icmp.data', /odd number of hex digits/],
    [(j) => (j.icmp.gateway = '1.1.1.1'), 'icmp.gateway', /unknown field/],
    [(j) => (j.ip.checksumValid = 'yes'), 'ip.checksumValid', /not a boolean/],
    [(j) => (j.udp = { srcPort: 1, dstPort: 2 }), 'udp', /at most one of icmp, udp, tcp/],
    [(j) => delete j.ip.dst, 'ip.dst', /missing/],
    [(j) => (j.bytes = -1), 'bytes', /out of range/],
  ];
  for (const [edit, field, pattern] of cases) {
    const j = base();
    edit(j);
    const e = t.throws(() => packetInitFromJson(j), { instanceOf: EncodeError }, field);
    t.is(e!.field, field);
    t.regex(e!.message, pattern);
  }
  const e = t.throws(() => packetInitFromJson({ ip: { src: '1.2.3.4', dst: '1.2.3.4', protocol: 999 } }, { path: 'packets[2]' }), { instanceOf: EncodeError });
  t.is(e!.message, 'packets[2].ip.protocol: 999 is out of range 0-255');
  t.throws(() => packetInitFromJson([]), { instanceOf: EncodeError, message: /packet: an array is not an object/ });
});

test('udp, tcp and quoted fields validate too', (t) => {
  const udpJson = JSON.parse(JSON.stringify(packetToJson(decodePacket(vector('scapy-udp')))));
  udpJson.udp.srcPort = 70000;
  t.is(t.throws(() => packetInitFromJson(udpJson), { instanceOf: EncodeError })!.message, 'udp.srcPort: 70000 is out of range 0-65535');
  const tcpJson = JSON.parse(JSON.stringify(packetToJson(decodePacket(vector('scapy-tcp-syn-options')))));
  tcpJson.tcp.flags.syn = 'true';
  t.is(t.throws(() => packetInitFromJson(tcpJson), { instanceOf: EncodeError })!.field, 'tcp.flags.syn');
  const q = JSON.parse(JSON.stringify(packetToJson(decodePacket(vector('kernel-port-unreachable')))));
  q.icmp.quoted.udp.dstPort = 'x';
  t.is(t.throws(() => packetInitFromJson(q), { instanceOf: EncodeError })!.field, 'icmp.quoted.udp.dstPort');
  // An edited quoted summary that no longer matches the quoted payload is refused, not ignored.
  const q2 = JSON.parse(JSON.stringify(packetToJson(decodePacket(vector('kernel-port-unreachable')))));
  q2.icmp.quoted.udp.dstPort = 9;
  delete q2.payload;
  const e = t.throws(() => encodePacket(packetInitFromJson(q2)), { instanceOf: EncodeError });
  t.is(e!.field, 'icmp.quoted.udp.dstPort');
});

test('jsonify turns any decoded value into JSON, e.g. a DecodeError partial', (t) => {
  const j = jsonify({ data: Buffer.from([0xab]), list: [Buffer.from([1])], n: null });
  t.deepEqual(j, { data: 'ab', list: ['01'], n: null });
});
