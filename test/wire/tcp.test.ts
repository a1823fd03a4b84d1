import test from 'ava';
import * as tcp from '../../lib/wire/tcp.js';
import { DecodeError, EncodeError } from '../../lib/wire/errors.js';
import { embedded, filled, OPTION_COMBOS, vector } from './vectors.js';

const LO = '127.0.0.1';

test('scapy SYN with options: every field, checksum verifies', (t) => {
  const b = vector('scapy-tcp-syn-options');
  const h = tcp.decode(b, 20, undefined, { src: LO, dst: LO });
  t.deepEqual(
    { ...h, options: h.options.toString('hex') },
    {
      srcPort: 40001,
      dstPort: 47004,
      sequence: 0x01020304,
      acknowledgment: 0,
      dataOffset: 10,
      headerLength: 40,
      reserved: 0,
      flags: { ns: false, cwr: false, ece: false, urg: false, ack: false, psh: false, rst: false, syn: true, fin: false },
      window: 29200,
      checksum: 0x9dc7,
      checksumValid: true,
      urgentPointer: 0,
      options: '020405b40402080a0001e2400000000001030307',
    },
  );
});

test('all nine flags, reserved bits and the urgent pointer', (t) => {
  const b = vector('scapy-tcp-all-flags');
  const h = tcp.decode(b, 20, undefined, { src: LO, dst: LO });
  t.true(Object.values(h.flags).every((x) => x === true));
  t.is(h.urgentPointer, 3);
  t.is(h.acknowledgment, 2);
  t.is(h.window, 1);
  t.true(h.checksumValid);
  const r = Buffer.from(b);
  r[32] = r[32]! | 0x0e; // set the 3 reserved bits
  t.is(tcp.decode(r, 20).reserved, 7);
});

test('kernel segments on lo carry partial checksums: invalid, as tshark says', (t) => {
  for (const name of ['kernel-tcp-syn', 'kernel-tcp-syn-ack', 'kernel-tcp-data']) {
    const b = vector(name);
    t.false(tcp.decode(b, 20, undefined, { src: LO, dst: LO }).checksumValid, name);
  }
  const syn = tcp.decode(vector('kernel-tcp-syn'), 20);
  t.is(syn.checksumValid, null); // no addresses: cannot check
  t.is(syn.options.toString('hex'), '0204ffd70402080a71cc801c000000000103030a');
});

test('encode: same bytes as scapy, into 0xa5 buffers, at offset 0 and 6, payload in place', (t) => {
  const want = vector('scapy-tcp-all-flags').subarray(20);
  const init: tcp.TcpHeaderInit = {
    srcPort: 40003,
    dstPort: 47006,
    sequence: 1,
    acknowledgment: 2,
    flags: { ns: true, cwr: true, ece: true, urg: true, ack: true, psh: true, rst: true, syn: true, fin: true },
    window: 1,
    urgentPointer: 3,
  };
  for (const at of [0, 6]) {
    const buf = filled(at + want.length + 1);
    buf.set(want.subarray(20), at + 20);
    const out = tcp.encode(init, buf, at, { payloadLength: 3, src: LO, dst: LO });
    t.is(out.length, 20);
    t.true(buf.subarray(at, at + want.length).equals(want));
    t.true(buf.subarray(0, at).every((x) => x === 0xa5) && buf[at + want.length] === 0xa5);
  }
  const syn = vector('scapy-tcp-syn-options').subarray(20);
  const h = tcp.decode(syn, 0, undefined, { src: LO, dst: LO });
  t.true(tcp.encode({ ...h, checksum: undefined, dataOffset: undefined }, undefined, 0, { src: LO, dst: LO }).equals(syn));
  t.is(tcp.encodingLength(h), 40);
});

test('options are zero-padded to 32 bits; dataOffset follows unless given', (t) => {
  for (const [opts, at] of OPTION_COMBOS.flatMap((o) => [[o, 0], [o, 3]] as const)) {
    const buf = filled(at + 28 + 1);
    const b = tcp.encode({ srcPort: 1, dstPort: 2, options: Buffer.from([2, 4, 5, 0xb4, 1]) }, buf, at, { ...opts, src: LO, dst: LO });
    t.is(b.length, 28);
    t.is(b.byteOffset, buf.byteOffset + at);
    t.true(buf.subarray(0, at).every((x) => x === 0xa5) && buf[at + 28] === 0xa5);
    t.false(b.includes(0xa5), 'every byte written');
    t.is(b.subarray(20).toString('hex'), '020405b401000000');
    t.is(b[12]! >>> 4, opts.fixLengths ? 7 : 0);
    t.is(b.readUInt16BE(16) === 0, !opts.computeChecksums);
  }
  const given = tcp.encode({ srcPort: 1, dstPort: 2, dataOffset: 15, checksum: 0 });
  t.is(given[12]! >>> 4, 15);
  t.is(given.length, 20);
});

test('errors', (t) => {
  t.is(t.throws(() => tcp.encode({ srcPort: -1, dstPort: 2 }), { instanceOf: EncodeError })!.message, 'srcPort: -1 is out of range 0-65535');
  t.is(t.throws(() => tcp.encode({ srcPort: 1, dstPort: 2, sequence: 2 ** 32 }), { instanceOf: EncodeError })!.field, 'sequence');
  t.is(t.throws(() => tcp.encode({ srcPort: 1, dstPort: 2, options: Buffer.alloc(41) }), { instanceOf: EncodeError })!.field, 'options');
  t.is(t.throws(() => tcp.encode({ srcPort: 1, dstPort: 2, flags: { syn: 1 as unknown as boolean } }, undefined, 0, { computeChecksums: false }), { instanceOf: EncodeError })!.field, 'flags.syn');
  const b = vector('scapy-tcp-syn-options');
  const { buf, offset } = embedded(b.subarray(20));
  let e = t.throws(() => tcp.decode(buf, offset, 30), { instanceOf: DecodeError });
  t.is(e!.message, `TCP header needs 40 bytes (data offset 10), 30 present (at byte ${offset})`);
  t.is((e!.partial as tcp.TcpHeader).srcPort, 40001);
  e = t.throws(() => tcp.decode(buf, offset, 19), { instanceOf: DecodeError });
  t.is(e!.reason, 'TCP header needs 20 bytes, 19 present');
  const low = Buffer.from(b.subarray(20));
  low[12] = 0x40;
  e = t.throws(() => tcp.decode(low), { instanceOf: DecodeError });
  t.is(e!.offset, 12);
  t.regex(e!.reason, /data offset is 4 \(16 bytes\)/);
});
