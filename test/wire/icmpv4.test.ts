import test from 'ava';
import * as icmpv4 from '../../lib/wire/icmpv4.js';
import * as ipv4 from '../../lib/wire/ipv4.js';
import { DecodeError, EncodeError } from '../../lib/wire/errors.js';
import { decodePacket } from '../../lib/wire/packet.js';
import { embedded, filled, OPTION_COMBOS, vector } from './vectors.js';

// ICMP messages built with this library and checked with tshark 4.0 (fixtures/craft-icmp.mjs):
// every checksum "correct", fields as noted. Outer packet 203.0.113.1 -> 198.51.100.1.
const CRAFTED = {
  // Time exceeded quoting a 128-byte UDP probe (RFC 4884 length 32) + an MPLS extension
  // object (label 16, S, TTL 1) whose extension checksum tshark also found correct.
  te4884:
    '450000a8000000004001141fcb007101c63364010b005b9c0020000045000080111100000111421ec6336401cb0071099c40829a006cbb3d414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141414141412000ddf40008010100010101',
  // Fragmentation needed, next-hop MTU 1400.
  fragneeded: '45000038000000004001148fcb007101c633640103041cff0000057845000080111100000111421ec6336401cb0071099c40829a006cbb3d',
  // Redirect for host, gateway 203.0.113.254, quoting an echo request id 0x1234 seq 7.
  redirect: '45000038000000004001148fcb007101c63364010501a3c4cb0071fe45000054000000004001146bc6336401cb0071090800000012340007',
  // Parameter problem, pointer 20, quoting TCP 40001 -> 80 seq 0xdeadbeef.
  paramprob: '45000038000000004001148fcb007101c63364010c00a5d0140000004500003c000000004006147ec6336401cb0071099c410050deadbeef',
  quench: '45000038000000004001148fcb007101c63364010400217b0000000045000080111100000111421ec6336401cb0071099c40829a006cbb3d',
  tsreply: '45000028000000004001149fcb007101c63364010e0087164242000500bc614e00bc628f00bc6290',
  // Type 42 (RFC 8335 extended echo request; unknown to us), rest of header 12340100, one data byte.
  unknown: '4500001d00000000400114aacb007101c63364012a00c2cb1234010000',
};
const crafted = (k: keyof typeof CRAFTED): Buffer => Buffer.from(CRAFTED[k], 'hex');

test('echo request: every field, data as a view of the input', (t) => {
  const b = vector('kernel-echo-request');
  const m = icmpv4.decode(b, 20);
  t.is(m.kind, 'echo-request');
  if (m.kind !== 'echo-request') return;
  t.is(m.type, 8);
  t.is(m.code, 0);
  t.is(m.checksum, 0x5f0f);
  t.true(m.checksumValid);
  t.is(m.headerLength, 8);
  t.is(m.identifier, 0x17cd);
  t.is(m.sequence, 1);
  t.is(m.data.length, 56);
  t.is(m.data.buffer, b.buffer);
  t.is(m.data.byteOffset, b.byteOffset + 28);
});

test('kernel port unreachable: the quoted UDP datagram is decoded', (t) => {
  const m = icmpv4.decode(vector('kernel-port-unreachable'), 20);
  if (m.kind !== 'destination-unreachable') return t.fail(m.kind);
  t.is(m.code, icmpv4.UNREACHABLE_CODE.PORT);
  t.true(m.checksumValid);
  t.is(m.nextHopMtu, null);
  t.is(m.extensionLength, 0);
  t.true(m.extensionLengthValid);
  t.is(m.extensions, null);
  t.is(m.unused, 0);
  t.is(m.quoted.ip.src, '127.0.0.1');
  t.is(m.quoted.ip.totalLength, 48);
  t.true(m.quoted.ip.checksumValid);
  t.deepEqual(m.quoted.udp, { srcPort: 53361, dstPort: 47001, length: 28, checksum: 0xfe2f });
  t.is(m.quoted.tcp, null);
  t.is(m.quoted.icmp, null);
  t.is(m.quoted.payload.toString('latin1', 8), 'rawprobe udp fixture');
});

test('RFC 4884: length in 32-bit words bounds the quoted datagram; extensions kept raw', (t) => {
  const p = decodePacket(crafted('te4884'));
  const m = p.icmp!;
  if (m.kind !== 'time-exceeded') return t.fail(m.kind);
  t.true(m.checksumValid);
  t.is(m.extensionLength, 32);
  t.true(m.extensionLengthValid);
  t.is(m.quoted.ip.headerLength + m.quoted.payload.length, 128);
  t.is(m.quoted.ip.totalLength, 128);
  t.deepEqual(m.quoted.udp, { srcPort: 40000, dstPort: 33434, length: 108, checksum: 0xbb3d });
  t.is(m.extensions!.toString('hex'), '2000ddf40008010100010101');
});

test('fragmentation needed carries the next-hop MTU; other error kinds their own fields', (t) => {
  const f = decodePacket(crafted('fragneeded')).icmp!;
  if (f.kind !== 'destination-unreachable') return t.fail();
  t.is(f.code, 4);
  t.is(f.nextHopMtu, 1400);
  t.true(f.checksumValid);
  const r = decodePacket(crafted('redirect')).icmp!;
  if (r.kind !== 'redirect') return t.fail();
  t.is(r.gateway, '203.0.113.254');
  t.deepEqual(r.quoted.icmp, { type: 8, code: 0, checksum: 0, identifier: 0x1234, sequence: 7 });
  const pp = decodePacket(crafted('paramprob')).icmp!;
  if (pp.kind !== 'parameter-problem') return t.fail();
  t.is(pp.pointer, 20);
  t.deepEqual(pp.quoted.tcp, { srcPort: 40001, dstPort: 80, sequence: 0xdeadbeef });
  const q = decodePacket(crafted('quench')).icmp!;
  if (q.kind !== 'source-quench') return t.fail();
  t.is(q.unused, 0);
  t.is(q.quoted.udp!.dstPort, 33434);
});

test('timestamp request and reply', (t) => {
  const req = decodePacket(vector('scapy-icmp-timestamp')).icmp!;
  if (req.kind !== 'timestamp-request') return t.fail();
  t.deepEqual(
    { id: req.identifier, seq: req.sequence, o: req.originate, r: req.receive, x: req.transmit, valid: req.checksumValid, extra: req.data.length },
    { id: 0x4242, seq: 5, o: 12345678, r: 0, x: 0, valid: true, extra: 0 },
  );
  const rep = decodePacket(crafted('tsreply')).icmp!;
  if (rep.kind !== 'timestamp-reply') return t.fail();
  t.is(rep.receive, 12345999);
  t.is(rep.transmit, 12346000);
});

test('an unknown type keeps type, code, the 4 rest-of-header bytes and the data', (t) => {
  const m = decodePacket(crafted('unknown')).icmp!;
  if (m.kind !== 'unknown') return t.fail();
  t.is(m.type, 42);
  t.true(m.checksumValid);
  t.is(m.restOfHeader.toString('hex'), '12340100');
  t.is(m.data.toString('hex'), '00');
});

test('every crafted message re-encodes from its decoded form to the same bytes', (t) => {
  for (const k of Object.keys(CRAFTED) as (keyof typeof CRAFTED)[]) {
    const b = crafted(k);
    const m = icmpv4.decode(b, 20);
    t.true(icmpv4.encode(m).equals(b.subarray(20)), k);
    t.is(icmpv4.encodingLength(m), b.length - 20, k);
  }
});

test('encode builds each kind with computed checksum, into 0xa5 buffers at any offset', (t) => {
  const quoted = { ip: { src: '198.51.100.1', dst: '203.0.113.9', protocol: 17, ttl: 1 }, udp: { srcPort: 40000, dstPort: 33434 } };
  const inits: icmpv4.IcmpMessageInit[] = [
    { kind: 'echo-request', identifier: 1, sequence: 2, data: Buffer.from('hello') },
    { kind: 'echo-reply', identifier: 0xffff, sequence: 0xffff },
    { kind: 'destination-unreachable', code: 3, quoted },
    { kind: 'destination-unreachable', code: 4, nextHopMtu: 576, quoted },
    { kind: 'time-exceeded', code: 1, quoted },
    { kind: 'time-exceeded', quoted, extensions: Buffer.from('20000000', 'hex') },
    { kind: 'parameter-problem', pointer: 9, quoted },
    { kind: 'redirect', code: 3, gateway: '203.0.113.254', quoted },
    { kind: 'source-quench', quoted },
    { kind: 'timestamp-request', identifier: 3, sequence: 4, originate: 1 },
    { kind: 'timestamp-reply' },
    { kind: 'unknown', type: 200, code: 7, data: Buffer.from([1, 2, 3]) },
  ];
  for (const init of inits) {
    const n = icmpv4.encodingLength(init);
    for (const at of [0, 11]) {
      const buf = filled(at + n + 3);
      const out = icmpv4.encode(init, buf, at);
      t.is(out.length, n);
      t.true(buf.subarray(0, at).every((x) => x === 0xa5));
      t.true(buf.subarray(at + n).every((x) => x === 0xa5));
      const m = icmpv4.decode(buf, at, n);
      t.is(m.kind, init.kind, init.kind);
      t.true(m.checksumValid, init.kind);
      t.true(icmpv4.encode(m).equals(out), `${init.kind} round trip`);
    }
  }
  const te = icmpv4.decode(icmpv4.encode(inits[5]!));
  if (te.kind !== 'time-exceeded') return t.fail();
  t.is(te.extensionLength, 7); // 20 + 8 quoted bytes = 28, already 32-bit aligned: 7 words
  t.is(te.extensions!.toString('hex'), '20000000');
  const unreach = icmpv4.decode(icmpv4.encode(inits[2]!));
  if (unreach.kind !== 'destination-unreachable') return t.fail();
  t.deepEqual(unreach.quoted.udp, { srcPort: 40000, dstPort: 33434, length: 8, checksum: 0 });
  t.is(unreach.quoted.ip.totalLength, 28);
  t.true(unreach.quoted.ip.checksumValid);
});

test('RFC 4884 padding: quoted datagram padded to 32 bits before the extensions', (t) => {
  const init: icmpv4.IcmpMessageInit = {
    kind: 'destination-unreachable',
    code: 1,
    quoted: { ip: { src: '198.51.100.1', dst: '203.0.113.9', protocol: 253 }, payload: Buffer.from([9, 9, 9]) },
    extensions: Buffer.from('2000ffff', 'hex'),
  };
  const b = icmpv4.encode(init);
  t.is(b.length, 8 + 24 + 4);
  t.is(b[5], 6);
  t.is(b.subarray(8 + 20, 8 + 24).toString('hex'), '09090900');
  const m = icmpv4.decode(b);
  if (m.kind !== 'destination-unreachable') return t.fail();
  t.is(m.quoted.payload.toString('hex'), '09090900'); // padding is part of the quoted field
  t.is(m.extensions!.toString('hex'), '2000ffff');
});

test('fixLengths / computeChecksums: off writes 0 for what was not given', (t) => {
  const init: icmpv4.IcmpMessageInit = {
    kind: 'time-exceeded',
    quoted: { ip: { src: '198.51.100.1', dst: '203.0.113.9', protocol: 1 }, icmp: { type: 8, identifier: 5, sequence: 6 } },
    extensions: Buffer.alloc(4),
  };
  const n = icmpv4.encodingLength(init);
  for (const [opts, at] of OPTION_COMBOS.flatMap((o) => [[o, 0], [o, 6]] as const)) {
    const buf = filled(at + n + 2);
    const b = icmpv4.encode(init, buf, at, opts);
    t.is(b.length, n);
    t.true(buf.subarray(0, at).every((x) => x === 0xa5) && buf.subarray(at + n).every((x) => x === 0xa5));
    t.false(b.includes(0xa5), 'every byte written');
    t.is(b[5], opts.fixLengths ? 7 : 0, 'RFC 4884 length');
    t.is(b.readUInt16BE(2) !== 0, opts.computeChecksums, 'ICMP checksum');
    t.is(b.readUInt16BE(8 + 2), opts.fixLengths ? 28 : 0, 'quoted total length');
    t.is(b.readUInt16BE(8 + 10) !== 0, opts.computeChecksums, 'quoted header checksum');
    t.is(b[8]! & 0x0f, opts.fixLengths ? 5 : 0, 'quoted IHL');
  }
});

test('checksumValid is null when the message is cut or a fragment', (t) => {
  const b = vector('kernel-echo-request');
  const m = icmpv4.decode(b, 20, 40, { truncated: true });
  t.is(m.checksumValid, null);
  const bad = Buffer.from(b);
  bad[40] = bad[40]! ^ 0xff;
  t.false(icmpv4.decode(bad, 20).checksumValid);
});

test('a cut RFC 4884 message keeps its length field and what is there', (t) => {
  const b = crafted('te4884');
  const cut = icmpv4.decode(b, 20, 80, { truncated: true });
  if (cut.kind !== 'time-exceeded') return t.fail();
  t.is(cut.extensionLength, 32);
  t.true(cut.extensionLengthValid, 'the capture lost the bytes; the message may well have them');
  t.is(cut.extensions, null);
  t.is(cut.quoted.payload.length, 52);
  t.true(icmpv4.encode(cut).equals(b.subarray(20, 100)));
});

test('RFC 4884 section 5: a length past the end of a whole message reads as no extensions, flagged', (t) => {
  // The te4884 message's first 80 bytes as if they were all of it: the length still says 32
  // words (128 bytes) of original datagram, 72 body bytes are there.
  const whole = crafted('te4884').subarray(20, 100);
  for (const at of [0, 7]) {
    const { buf, offset } = at === 0 ? { buf: Buffer.from(whole), offset: 0 } : embedded(whole, at);
    const m = icmpv4.decode(buf, offset, whole.length);
    if (m.kind !== 'time-exceeded') return t.fail(m.kind);
    t.is(m.extensionLength, 32, 'the byte as on the wire');
    t.false(m.extensionLengthValid);
    t.is(m.extensions, null);
    t.is(m.quoted.ip.headerLength + m.quoted.payload.length, 72, 'everything after the header is the original datagram');
    t.deepEqual(m.quoted.udp, { srcPort: 40000, dstPort: 33434, length: 108, checksum: 0xbb3d });
    t.true(icmpv4.encode(m).equals(whole), 'encode gives the same bytes back, length byte included');
  }
  // The same reading as length 0, but for the length byte and so the checksum.
  const zero = Buffer.from(whole);
  zero[5] = 0;
  const asZero = icmpv4.decode(zero);
  const m = icmpv4.decode(whole);
  if (asZero.kind !== 'time-exceeded' || m.kind !== 'time-exceeded') return t.fail();
  t.true(asZero.extensionLengthValid);
  t.deepEqual(m.quoted, asZero.quoted);
  // A length that fits is still used to split, whatever the message's size.
  const fits = Buffer.from(whole);
  fits[5] = 10; // 40 bytes: the quoted header and 20 bytes of its payload, then 32 bytes of extensions
  const split = icmpv4.decode(fits);
  if (split.kind !== 'time-exceeded') return t.fail();
  t.true(split.extensionLengthValid);
  t.is(split.quoted.payload.length, 20);
  t.is(split.extensions!.length, 32);
});

test('decode errors: cut header, cut timestamps, cut or bad quoted header, with absolute offsets', (t) => {
  const at = 9;
  const err = (bytes: Uint8Array, reason: RegExp, offset: number): DecodeError => {
    const { buf } = embedded(bytes, at);
    const e = t.throws(() => icmpv4.decode(buf, at, bytes.length), { instanceOf: DecodeError });
    t.regex(e!.reason, reason);
    t.is(e!.offset, at + offset, e!.message);
    return e!;
  };
  const echo = vector('kernel-echo-request').subarray(20);
  err(echo.subarray(0, 5), /^ICMP header needs 8 bytes, 5 present$/, 0);
  const ts = vector('scapy-icmp-timestamp').subarray(20);
  err(ts.subarray(0, 12), /timestamp message needs 20 bytes, 12 present/, 0);
  const un = vector('kernel-port-unreachable').subarray(20);
  const e = err(un.subarray(0, 20), /^quoted IPv4 header needs 20 bytes, 12 present$/, 8);
  t.is((e.partial as { kind: string }).kind, 'destination-unreachable');
  const v6 = Buffer.from(un);
  v6[8] = 0x60;
  err(v6, /^quoted IP version is 6, expected 4$/, 8);
});

test('encode errors name the field', (t) => {
  const cases: [unknown, string, RegExp][] = [
    [{ kind: 'echo-request', identifier: 70000 }, 'identifier', /0-65535/],
    [{ kind: 'echo-request', type: 0 }, 'type', /does not match kind echo-request \(type 8\)/],
    [{ kind: 'destination-unreachable', code: 3, nextHopMtu: 1500 }, 'nextHopMtu', /only code 4/],
    [{ kind: 'time-exceeded', unused: 0x00ff0000 }, 'unused', /belong to named fields/],
    [{ kind: 'redirect', gateway: '1.2.3' }, 'gateway', /not an IPv4 address/],
    [{ kind: 'bogus' }, 'kind', /not an ICMP kind/],
    [{ kind: 'unknown', type: 300 }, 'type', /0-255/],
    [{ kind: 'unknown', type: 30, restOfHeader: Buffer.alloc(3) }, 'restOfHeader', /exactly 4/],
    [{ kind: 'time-exceeded', quoted: { ip: { src: '1.2.3.4', dst: '1.2.3.4', protocol: 1, ttl: 256 } } }, 'quoted.ip.ttl', /0-255/],
    [{ kind: 'time-exceeded', quoted: { ip: { src: '1.2.3.4', dst: '1.2.3.4', protocol: 17 }, udp: { srcPort: 1, dstPort: 2 }, tcp: { srcPort: 1, dstPort: 2 } } }, 'quoted', /at most one/],
    [
      { kind: 'time-exceeded', quoted: { ip: { src: '1.2.3.4', dst: '1.2.3.4', protocol: 17 }, payload: Buffer.alloc(8), udp: { srcPort: 1, dstPort: 2 } } },
      'quoted.udp.srcPort',
      /disagrees with quoted.payload/,
    ],
  ];
  for (const [init, field, pattern] of cases) {
    const e = t.throws(() => icmpv4.encode(init as icmpv4.IcmpMessageInit), { instanceOf: EncodeError }, field);
    t.is(e!.field, field);
    t.regex(e!.message, pattern);
  }
  const body = t.throws(() => icmpv4.encode({ kind: 'echo-request', data: Buffer.from('a') }, undefined, 0, { body: Buffer.from('b') }), {
    instanceOf: EncodeError,
  });
  t.is(body!.field, 'payload');
});

test('kindOf and isError cover the tables', (t) => {
  for (const [kind, type] of Object.entries(icmpv4.KIND_TYPE)) t.is(icmpv4.kindOf(type), kind as icmpv4.IcmpKind);
  t.is(icmpv4.kindOf(9), 'unknown');
  t.deepEqual([0, 3, 4, 5, 8, 11, 12, 13].filter(icmpv4.isError), [3, 4, 5, 11, 12]);
  t.is(icmpv4.ICMP_TYPE.TIME_EXCEEDED, 11);
  t.is(icmpv4.UNREACHABLE_CODE.PRECEDENCE_CUTOFF, 15);
  t.is(ipv4.PROTOCOL.ICMP, 1);
});
