import test from 'ava';
import * as ipv4 from '../../lib/wire/ipv4.js';
import { DecodeError, EncodeError } from '../../lib/wire/errors.js';
import { internetChecksum } from '../../lib/wire/checksum.js';
import { describeOption, type Ipv4Option, type RouteOption } from '../../lib/wire/ipv4-options.js';
import { embedded, filled, OPTION_COMBOS, vector } from './vectors.js';

test('decodes every field of the kernel echo request header', (t) => {
  const h = ipv4.decode(vector('kernel-echo-request'));
  t.deepEqual(h, {
    version: 4,
    ihl: 5,
    headerLength: 20,
    tos: 0,
    dscp: 0,
    ecn: 0,
    totalLength: 84,
    id: 0x8d25,
    flags: { reserved: false, df: true, mf: false },
    fragmentOffset: 0,
    ttl: 64,
    protocol: 1,
    checksum: 0xaf81,
    checksumValid: true,
    src: '127.0.0.1',
    dst: '127.0.0.1',
    options: [],
  });
});

test('decodes the same at a non-zero offset, from a Uint8Array view, without touching the input', (t) => {
  const bytes = vector('kernel-echo-request');
  const expected = ipv4.decode(bytes);
  const { buf, offset } = embedded(bytes);
  const before = Buffer.from(buf);
  t.deepEqual(ipv4.decode(buf, offset, bytes.length), expected);
  const ab = new ArrayBuffer(bytes.length + 11);
  const u = new Uint8Array(ab, 11, bytes.length);
  u.set(bytes);
  t.deepEqual(ipv4.decode(u), expected);
  t.true(buf.equals(before));
});

test('DSCP/ECN and fragment fields', (t) => {
  const ef = ipv4.decode(vector('kernel-dscp-ef'));
  t.is(ef.tos, 0xb8);
  t.is(ef.dscp, 46);
  t.is(ef.ecn, 0);
  const af11 = ipv4.decode(vector('scapy-udp'));
  t.is(af11.dscp, 10);
  t.is(af11.ttl, 61);
  const f2 = ipv4.decode(vector('scapy-fragment-2'));
  t.deepEqual(f2.flags, { reserved: false, df: false, mf: true });
  t.is(f2.fragmentOffset, 26); // 208 bytes / 8, as on the wire
  const f3 = ipv4.decode(vector('scapy-fragment-3'));
  t.false(f3.flags.mf);
  t.is(f3.fragmentOffset, 52);
});

test('record route as ping -R sends it and as the reply carries it', (t) => {
  const req = ipv4.decode(vector('kernel-record-route-request'));
  t.is(req.ihl, 15);
  t.is(req.headerLength, 60);
  t.true(req.checksumValid);
  const zeros = Array(8).fill('0.0.0.0');
  t.deepEqual(req.options[0], { kind: 'nop', type: 1 });
  t.deepEqual(req.options[1], { kind: 'record-route', type: 7, length: 39, pointer: 8, addresses: ['127.0.0.1', ...zeros] });
  t.is(req.options.length, 2);
  const rep = ipv4.decode(vector('kernel-record-route-reply'));
  t.deepEqual(rep.options[0], {
    kind: 'record-route',
    type: 7,
    length: 39,
    pointer: 16,
    addresses: ['127.0.0.1', '127.0.0.1', '127.0.0.1', ...Array(6).fill('0.0.0.0')],
  });
  const end = rep.options[1] as Extract<Ipv4Option, { kind: 'end' }>;
  t.is(end.kind, 'end');
  t.is(end.padding.length, 0);
});

test('timestamp options: timestamps only, and with addresses', (t) => {
  const only = ipv4.decode(vector('kernel-timestamp-only'));
  const ts = only.options[0] as Extract<Ipv4Option, { kind: 'timestamp' }>;
  t.is(ts.kind, 'timestamp');
  t.is(ts.length, 40);
  t.is(ts.pointer, 17);
  t.is(ts.overflow, 0);
  t.is(ts.flag, 0);
  t.is(ts.entries.length, 9);
  t.deepEqual(ts.entries[0], { address: null, timestamp: 36867520 });
  t.deepEqual(ts.entries[3], { address: null, timestamp: 0 });
  const withAddr = ipv4.decode(vector('kernel-timestamp-and-address'));
  const ta = withAddr.options[0] as Extract<Ipv4Option, { kind: 'timestamp' }>;
  t.is(ta.flag, 1);
  t.is(ta.length, 36);
  t.is(ta.pointer, 13);
  t.deepEqual(ta.entries, [
    { address: '127.0.0.1', timestamp: 36867522 },
    { address: '0.0.0.0', timestamp: 0 },
    { address: '0.0.0.0', timestamp: 0 },
    { address: '0.0.0.0', timestamp: 0 },
  ]);
});

test('router alert and RFC 1108 security options', (t) => {
  const h = ipv4.decode(vector('scapy-router-alert-security'));
  t.is(h.ihl, 9);
  t.deepEqual(h.options[0], { kind: 'router-alert', type: 148, length: 4, value: 0 });
  const sec = h.options[1] as Extract<Ipv4Option, { kind: 'security' }>;
  t.is(sec.kind, 'security');
  t.is(sec.length, 11);
  t.is(sec.classification, 0x13);
  t.is(sec.protection.toString('hex'), '5700000000000000');
  t.is(h.options[2]!.kind, 'end');
});

test('an unknown option is kept as raw bytes', (t) => {
  const bytes = ipv4.encode({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 253, options: [{ kind: 'unknown', type: 0x9e, data: Buffer.from('cafe', 'hex') }] });
  t.is(bytes.length, 24);
  const h = ipv4.decode(bytes);
  t.deepEqual(h.options.map((o) => ({ ...o })), [
    { kind: 'unknown', type: 0x9e, length: 4, data: Buffer.from('cafe', 'hex') },
  ]);
});

test('encode fills ihl, totalLength and checksum; the kernel header comes back byte for byte', (t) => {
  const want = vector('kernel-echo-request').subarray(0, 20);
  const init = { id: 0x8d25, flags: { df: true }, protocol: 1, src: '127.0.0.1', dst: '127.0.0.1' };
  for (const at of [0, 9]) {
    const buf = filled(at + 20 + 5);
    const out = ipv4.encode(init, buf, at, { payloadLength: 64 });
    t.is(out.length, 20);
    t.is(out.byteOffset, buf.byteOffset + at);
    t.true(buf.subarray(at, at + 20).equals(want), `offset ${at}`);
    t.true(buf.subarray(0, at).every((x) => x === 0xa5));
    t.true(buf.subarray(at + 20).every((x) => x === 0xa5));
  }
  t.is(ipv4.encodingLength(init), 20);
});

test('every option kind encodes and decodes back, padded to 32 bits, at any offset', (t) => {
  const init: ipv4.Ipv4HeaderInit = {
    src: '198.51.100.1',
    dst: '203.0.113.9',
    protocol: 17,
    options: [
      { kind: 'nop' },
      { kind: 'record-route', addresses: ['198.51.100.1', '0.0.0.0'] },
      { kind: 'loose-source-route', addresses: ['203.0.113.1'] },
      { kind: 'timestamp', flag: 3, entries: [{ address: '203.0.113.1', timestamp: 0 }] },
      { kind: 'router-alert', value: 0 },
      { kind: 'security', classification: 0xab, protection: Buffer.from([0x80]) },
    ],
  };
  const len = ipv4.encodingLength(init);
  t.is(len, 20 + 1 + 11 + 7 + 12 + 4 + 4 + 1 /* pad */);
  for (const at of [0, 3]) {
    const buf = filled(at + len);
    ipv4.encode(init, buf, at);
    const h = ipv4.decode(buf, at, len);
    t.true(h.checksumValid);
    t.is(h.headerLength, len);
    t.deepEqual(
      h.options.map((o) => o.kind),
      ['nop', 'record-route', 'loose-source-route', 'timestamp', 'router-alert', 'security', 'end'],
    );
    const rr = h.options[1] as RouteOption;
    t.is(rr.pointer, 8); // computed: first empty slot
    t.is(rr.length, 11);
    const ts = h.options[3] as Extract<Ipv4Option, { kind: 'timestamp' }>;
    t.is(ts.pointer, 5);
    t.deepEqual(ts.entries, [{ address: '203.0.113.1', timestamp: 0 }]);
    // The decoded header re-encodes to the same bytes.
    t.true(ipv4.encode(h).equals(buf.subarray(at, at + len)));
  }
});

test('fixLengths / computeChecksums off write 0 for what was not given; given values always win', (t) => {
  const base = { src: '192.0.2.1', dst: '192.0.2.2', protocol: 6, ttl: 1, options: [{ kind: 'router-alert' as const }] };
  for (const opts of OPTION_COMBOS) {
    for (const at of [0, 5]) {
      const buf = filled(at + 24 + 2);
      const out = ipv4.encode(base, buf, at, { ...opts, payloadLength: 100 });
      t.is(out.length, 24);
      t.is(out[0]! & 0x0f, opts.fixLengths ? 6 : 0);
      t.is(out.readUInt16BE(2), opts.fixLengths ? 124 : 0);
      t.is(out[21], opts.fixLengths ? 4 : 0); // the router alert option's length byte
      const zeroed = Buffer.from(out);
      zeroed.writeUInt16BE(0, 10);
      t.is(out.readUInt16BE(10), opts.computeChecksums ? internetChecksum(zeroed) : 0);
      t.true(buf.subarray(0, at).every((x) => x === 0xa5) && buf.subarray(at + 24).every((x) => x === 0xa5));
      // Every header byte was written: nothing left at the 0xa5 filler except by value.
      t.is(out.subarray(12, 16).toString('hex'), 'c0000201');
      // Given values are written as given whatever the options say.
      const given = filled(24);
      ipv4.encode({ ...base, ihl: 9, totalLength: 7, checksum: 0xbeef }, given, 0, opts);
      t.is(given[0], 0x49);
      t.is(given.readUInt16BE(2), 7);
      t.is(given.readUInt16BE(10), 0xbeef);
    }
  }
});

test('a crafted wrong checksum is written as given and reported as invalid', (t) => {
  const bytes = ipv4.encode({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 1, checksum: 0x1234 });
  const h = ipv4.decode(bytes);
  t.is(h.checksum, 0x1234);
  t.false(h.checksumValid);
});

test('tos, or dscp + ecn; disagreement is an error', (t) => {
  t.is(ipv4.decode(ipv4.encode({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 1, dscp: 46, ecn: 1 })).tos, 0xb9);
  t.is(ipv4.decode(ipv4.encode({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 1, tos: 0xb8, dscp: 46, ecn: 0 })).tos, 0xb8);
  const e = t.throws(() => ipv4.encode({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 1, tos: 0, dscp: 46 }), { instanceOf: EncodeError });
  t.is(e!.field, 'tos');
  t.regex(e!.message, /disagrees with dscp 46/);
});

test('encode errors name the field and the allowed range, on one line', (t) => {
  const ok = { src: '192.0.2.1', dst: '192.0.2.2', protocol: 1 };
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ ttl: 300 }, 'ttl', /^ttl: 300 is out of range 0-255$/],
    [{ id: 1.5 }, 'id', /^id: 1\.5 is not an integer \(allowed 0-65535\)$/],
    [{ id: 70000 }, 'id', /out of range 0-65535/],
    [{ src: '1.2.3' }, 'src', /^src: "1\.2\.3" is not an IPv4 address/],
    [{ dst: 42.5 }, 'dst', /^dst: 42\.5 is not an IPv4 address/],
    [{ version: 16 }, 'version', /0-15/],
    [{ fragmentOffset: 8192 }, 'fragmentOffset', /0-8191/],
    [{ flags: { df: 'yes' } }, 'flags.df', /not a boolean/],
    [{ protocol: undefined }, 'protocol', /^protocol: missing \(allowed 0-255\)$/],
    [{ tos: -1 }, 'tos', /0-255/],
    [{ options: [{ kind: 'record-route', addresses: Array(10).fill('0.0.0.0') }] }, 'options', /43 bytes of options do not fit the 40/],
    [{ options: [{ kind: 'record-route', type: 9 }] }, 'options[0].type', /does not match kind record-route/],
    [{ options: [{ kind: 'bogus' }] }, 'options[0].kind', /not an option kind/],
    [{ options: [{ kind: 'timestamp', entries: [{ address: '192.0.2.1', timestamp: 1 }] }] }, 'options[0].entries[0].address', /timestamps only/],
  ];
  for (const [patch, field, pattern] of cases) {
    const e = t.throws(() => ipv4.encode({ ...ok, ...patch } as ipv4.Ipv4HeaderInit), { instanceOf: EncodeError }, field);
    t.is(e!.field, field);
    t.regex(e!.message, pattern);
    t.false(e!.message.includes('\n'));
  }
  const small = t.throws(() => ipv4.encode(ok, Buffer.alloc(10), 0), { instanceOf: EncodeError });
  t.regex(small!.message, /needs 20 bytes at offset 0, only 10 available/);
});

test('decode errors say what is wrong and where (absolute offsets), keeping what was read', (t) => {
  const good = vector('kernel-record-route-request');
  const at = 5;
  const check = (bytes: Uint8Array, reason: RegExp, offset: number): DecodeError => {
    const { buf } = embedded(bytes, at, 3);
    const e = t.throws(() => ipv4.decode(buf, at, bytes.length), { instanceOf: DecodeError });
    t.regex(e!.reason, reason);
    t.is(e!.offset, at + offset, e!.message);
    t.regex(e!.message, new RegExp(`\\(at byte ${at + offset}\\)$`));
    return e!;
  };
  check(good.subarray(0, 12), /^IPv4 header needs 20 bytes, 12 present$/, 0);
  check(good.subarray(0, 40), /^IPv4 header needs 60 bytes \(IHL 15\), 40 present$/, 0);
  const v6 = Buffer.from(good);
  v6[0] = 0x65;
  const ev = check(v6, /^IP version is 6, expected 4$/, 0);
  t.is((ev.partial as ipv4.Ipv4Header).src, '127.0.0.1');
  const ihl4 = Buffer.from(good);
  ihl4[0] = 0x44;
  check(ihl4, /IHL is 4 \(16 bytes\), less than the 20-byte minimum/, 0);
  // Option length 1 (less than its own 2 bytes), at the RR option (byte 21).
  const len1 = Buffer.from(good);
  len1[22] = 1;
  const el = check(len1, /option 7 has length 1/, 22);
  t.deepEqual((el.partial as ipv4.Ipv4Header).options, [{ kind: 'nop', type: 1 }]);
  // Option running past the header end.
  const long = Buffer.from(good);
  long[22] = 45;
  check(long, /option 7 has length 45 but only 39 option bytes remain/, 22);
  // RR length not 3 + 4n.
  const rrBad = Buffer.from(good);
  rrBad[22] = 38;
  check(rrBad, /route option 7 has length 38; it must be 3 \+ 4 per address/, 22);
  // Option type with no length byte at the very end of the header.
  const lone = ipv4.encode({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 1, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }] });
  lone[23] = 0x44; // a timestamp type byte in the last (padding) byte of the header
  check(lone, /option 68 has no length byte/, 23);
  const ts = Buffer.from(vector('kernel-timestamp-only'));
  ts[21] = 3;
  check(ts, /timestamp option has length 3; it needs at least 4/, 21);
  const ts2 = Buffer.from(vector('kernel-timestamp-and-address'));
  ts2[21] = 32;
  check(ts2, /with flag 1 it must be 4 \+ 8 per entry/, 21);
  const ra = Buffer.from(vector('scapy-router-alert-security'));
  ra[21] = 2;
  check(ra, /router alert option has length 2; RFC 2113 says 4/, 21);
  const sec = Buffer.from(vector('scapy-router-alert-security'));
  sec[25] = 2;
  check(sec, /security option has length 2; RFC 1108 needs at least 3/, 25);
});

test('decode argument errors are DecodeErrors too', (t) => {
  const b = vector('kernel-echo-request');
  t.throws(() => ipv4.decode(b, 200), { instanceOf: DecodeError, message: /offset 200 is outside the 84-byte buffer/ });
  t.throws(() => ipv4.decode(b, 10, 80), { instanceOf: DecodeError, message: /runs past/ });
  t.throws(() => ipv4.decode('4500' as unknown as Uint8Array), { instanceOf: DecodeError, message: /expected a Buffer or Uint8Array/ });
});

test('describeOption gives one line per option', (t) => {
  const h = ipv4.decode(vector('kernel-record-route-reply'));
  t.is(describeOption(h.options[0]!), `RR 127.0.0.1 127.0.0.1 127.0.0.1 ${Array(6).fill('0.0.0.0').join(' ')} (ptr 16)`);
  t.is(describeOption(h.options[1]!), 'EOL');
  const ts = ipv4.decode(vector('kernel-timestamp-and-address')).options[0]!;
  t.is(describeOption(ts), 'TS flag 1 127.0.0.1@36867522 0.0.0.0@0 0.0.0.0@0 0.0.0.0@0 (ptr 13, overflow 0)');
  const opts = ipv4.decode(vector('scapy-router-alert-security')).options;
  t.deepEqual(opts.map(describeOption), ['RA 0', 'SEC class 0x13 protection 5700000000000000', 'EOL']);
  t.is(describeOption({ kind: 'record-route', type: 7, length: 3, pointer: 4, addresses: [] }), 'RR (ptr 4)');
});
