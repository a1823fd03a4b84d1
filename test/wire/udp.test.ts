import test from 'ava';
import * as udp from '../../lib/wire/udp.js';
import { DecodeError, EncodeError } from '../../lib/wire/errors.js';
import { parseIpv4 } from '../../lib/wire/bytes.js';
import { embedded, filled, OPTION_COMBOS, vector } from './vectors.js';

const LO = '127.0.0.1';

test('scapy UDP: fields, and the software checksum verifies', (t) => {
  const b = vector('scapy-udp');
  t.deepEqual(udp.decode(b, 20, b.length - 20, { src: LO, dst: LO }), {
    srcPort: 40000,
    dstPort: 47003,
    length: 26,
    checksum: 0xc0f0,
    checksumValid: true,
    checksumPresent: true,
    headerLength: 8,
  });
  // Addresses as u32 give the same answer (what decodePacket passes).
  t.true(udp.decode(b, 20, undefined, { src: parseIpv4(LO), dst: parseIpv4(LO) }).checksumValid);
});

test('kernel UDP on lo carries a partial checksum: invalid, as tshark says', (t) => {
  const b = vector('kernel-udp-partial-checksum');
  const h = udp.decode(b, 20, undefined, { src: LO, dst: LO });
  t.is(h.checksum, 0xfe2f);
  t.false(h.checksumValid);
});

test('checksum 0 means none: valid and not present', (t) => {
  const b = vector('kernel-udp-no-checksum');
  const h = udp.decode(b, 20, undefined, { src: LO, dst: LO });
  t.is(h.checksum, 0);
  t.true(h.checksumValid);
  t.false(h.checksumPresent);
});

test('checksumValid is null when it cannot be checked', (t) => {
  const b = vector('scapy-udp');
  t.is(udp.decode(b, 20, undefined, { src: LO, dst: LO, truncated: true }).checksumValid, null);
  t.is(udp.decode(b, 20).checksumValid, null); // no pseudo-header addresses
  t.is(udp.decode(b, 20, 15, { src: LO, dst: LO }).checksumValid, null); // length field runs past the bytes
  const short = Buffer.from(b);
  short.writeUInt16BE(4, 24); // length under the header size
  t.is(udp.decode(short, 20, undefined, { src: LO, dst: LO }).checksumValid, null);
  const frag = vector('scapy-fragment-1');
  t.is(udp.decode(frag, 20, undefined, { src: LO, dst: LO, truncated: true }).checksumValid, null);
});

test('encode: header into 0xa5 buffers at offset 0 and 13, data in place, same bytes as scapy', (t) => {
  const want = vector('scapy-udp').subarray(20);
  const data = want.subarray(8);
  for (const at of [0, 13]) {
    const buf = filled(at + want.length + 2);
    buf.set(data, at + 8);
    const out = udp.encode({ srcPort: 40000, dstPort: 47003 }, buf, at, { payloadLength: data.length, src: LO, dst: LO });
    t.is(out.length, 8);
    t.true(buf.subarray(at, at + want.length).equals(want), `offset ${at}`);
    t.true(buf.subarray(0, at).every((x) => x === 0xa5));
    t.true(buf.subarray(at + want.length).every((x) => x === 0xa5));
  }
  t.is(udp.encodingLength({ srcPort: 1, dstPort: 2 }), 8);
});

test('fixLengths / computeChecksums off write 0 for what was not given; given wins', (t) => {
  for (const [opts, at] of OPTION_COMBOS.flatMap((o) => [[o, 0], [o, 5]] as const)) {
    const buf = filled(at + 12 + 1);
    buf.set([1, 2, 3, 4], at + 8);
    udp.encode({ srcPort: 1, dstPort: 2 }, buf, at, { ...opts, payloadLength: 4, src: '192.0.2.1', dst: '192.0.2.2' });
    t.true(buf.subarray(0, at).every((x) => x === 0xa5) && buf[at + 12] === 0xa5);
    t.is(buf.readUInt16BE(at), 1);
    t.is(buf.readUInt16BE(at + 2), 2);
    t.is(buf.readUInt16BE(at + 4), opts.fixLengths ? 12 : 0);
    if (opts.computeChecksums && opts.fixLengths) {
      t.true(udp.decode(buf, at, 12, { src: '192.0.2.1', dst: '192.0.2.2' }).checksumValid);
    }
    if (!opts.computeChecksums) t.is(buf.readUInt16BE(at + 6), 0);
    const given = filled(8);
    udp.encode({ srcPort: 1, dstPort: 2, length: 99, checksum: 0xabcd }, given, 0, opts);
    t.is(given.toString('hex'), '000100020063abcd');
  }
});

test('a computed checksum of 0 is sent as 0xffff', (t) => {
  // Pick data so the one's complement sum is 0xffff: then ~sum = 0 and RFC 768 says send 0xffff.
  const src = '0.0.0.0';
  const dst = '0.0.0.0';
  const buf = Buffer.alloc(10);
  // pseudo: 17 + 10 = 0x1b; header: ports 0, length 10 = 0x0a; data word w: 0x1b + 0x0a + w = 0xffff
  buf.writeUInt16BE(0xffff - 0x1b - 0x0a, 8);
  udp.encode({ srcPort: 0, dstPort: 0 }, buf, 0, { payloadLength: 2, src, dst });
  t.is(buf.readUInt16BE(6), 0xffff);
  t.true(udp.decode(buf, 0, 10, { src, dst }).checksumValid);
});

test('errors', (t) => {
  const e = t.throws(() => udp.encode({ srcPort: 1, dstPort: 70000 }), { instanceOf: EncodeError });
  t.is(e!.message, 'dstPort: 70000 is out of range 0-65535');
  const c = t.throws(() => udp.encode({ srcPort: 1, dstPort: 2 }), { instanceOf: EncodeError });
  t.is(c!.field, 'checksum');
  t.regex(c!.message, /without src and dst/);
  t.notThrows(() => udp.encode({ srcPort: 1, dstPort: 2 }, undefined, 0, { computeChecksums: false }));
  const p = t.throws(() => udp.encode({ srcPort: 1, dstPort: 2, checksum: 0 }, Buffer.alloc(9), 0, { payloadLength: 5 }), { instanceOf: EncodeError });
  t.is(p!.field, 'payloadLength');
  const { buf, offset } = embedded(vector('scapy-udp').subarray(20, 25));
  const d = t.throws(() => udp.decode(buf, offset, 5), { instanceOf: DecodeError });
  t.is(d!.message, `UDP header needs 8 bytes, 5 present (at byte ${offset})`);
});
