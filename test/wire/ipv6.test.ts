import test from 'ava';
import { sum16 } from '../../lib/wire/checksum.js';
import { DecodeError, EncodeError, ParseError } from '../../lib/wire/errors.js';
import { address6Value, formatIpv6, ipv6OrNull, parseIpv6, parseIpv6WithZone } from '../../lib/wire/ipv6-address.js';
import { addressSum6, pseudoHeaderSum6, withLengthAndProtocol } from '../../lib/wire/ipv6-checksum.js';
import * as ipv6 from '../../lib/wire/ipv6.js';
import { embedded, filled } from './vectors.js';

// The kernel's echo request to ::1 (fixtures/packets6/kernel6-echo-loopback.pcap, record 0),
// IPv6 header and ICMPv6 message; tshark: flow label 0x0a2ef0, checksum 0x1fa9 correct.
const KERNEL_ECHO =
  '600a2ef000403a4000000000000000000000000000000001000000000000000000000000000000018000' +
  '1fa92c4c0001c96e136b000000008ce00b0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637';

// ---- addresses ----------------------------------------------------------------------------------

test('RFC 5952 text: zero compression of the first longest run, lowercase, no leading zeros', (t) => {
  const cases: [string, string][] = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'], // 4.2.1: shortest
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // 4.2.2: a lone 0 stays
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // 4.2.3: the longest run
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // 4.2.3: the first of equal runs
    ['2001:DB8::ABCD', '2001:db8::abcd'], // 4.3: lowercase
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['1:0:0:0:0:0:0:2', '1::2'],
    ['0:0:1:0:0:0:0:0', '0:0:1::'],
    ['fe80:0:0:0:0:0:0:0001', 'fe80::1'],
    ['ff02::1:ff00:a', 'ff02::1:ff00:a'],
    ['::ffff:c000:201', '::ffff:192.0.2.1'], // 5: IPv4-mapped in mixed notation
    ['::ffff:0:0', '::ffff:0.0.0.0'],
    ['::c000:201', '::192.0.2.1'], // deprecated IPv4-compatible, as inet_ntop and tshark print it
    ['::1:0', '::0.1.0.0'],
    ['0:0:0:0:0:1:0:0', '::1:0:0'],
    ['64:ff9b::c000:201', '64:ff9b::c000:201'], // NAT64: no well-known embedding in RFC 4291
  ];
  for (const [input, want] of cases) {
    const bytes = parseIpv6(input);
    t.is(bytes.length, 16);
    t.is(formatIpv6(bytes), want, input);
    t.deepEqual(parseIpv6(want), bytes, `${want} reads back`);
  }
});

test('formatIpv6 reads at an offset and agrees with the WHATWG URL serializer outside the IPv4 forms', (t) => {
  const b = filled(40);
  for (let seed = 0; seed < 2000; seed++) {
    // Zero runs of every length at every place.
    const groups = Array.from({ length: 8 }, (_, g) => ((seed >> g) & 1 ? 0 : (seed * 2654435761 + g * 40503) & 0xffff));
    groups.forEach((v, g) => b.writeUInt16BE(v, 7 + 2 * g));
    const ours = formatIpv6(b, 7);
    const first6Zero = groups.slice(0, 5).every((v) => v === 0) && (groups[5] === 0 || groups[5] === 0xffff);
    if (!first6Zero) t.is(ours, new URL(`http://[${groups.map((v) => v.toString(16)).join(':')}]/`).hostname.slice(1, -1));
    t.deepEqual(parseIpv6(ours), b.subarray(7, 23));
  }
});

test('parseIpv6 reads every RFC 4291 form and a zone, and names the bad character otherwise', (t) => {
  t.deepEqual(parseIpv6('1:2:3:4:5:6:1.2.3.4'), Buffer.from('00010002000300040005000601020304', 'hex'));
  t.deepEqual(parseIpv6('::1.2.3.4'), Buffer.from('00000000000000000000000001020304', 'hex'));
  t.deepEqual(parseIpv6('0001:0002::0003'), parseIpv6('1:2::3'));
  t.deepEqual(parseIpv6WithZone('fe80::1%eth0'), { address: parseIpv6('fe80::1'), zone: 'eth0' });
  t.deepEqual(parseIpv6WithZone('fe80::1'), { address: parseIpv6('fe80::1'), zone: null });
  const bad: [string, number][] = [
    [':', 0],
    [':::', 2],
    ['1:2:3:4:5:6:7:8:9', 17],
    ['1::2::3', 4],
    ['12345::', 4],
    ['g::', 0],
    ['1:2:3:4:5:6:7', 13],
    ['::ffff:1.2.3', 7],
    ['1.2.3.4', 7],
    ['', 0],
    ['fe80::1%', 7],
    ['::ffff:256.1.1.1', 7],
    ['1:2:3:4:5:6:7:1.2.3.4', 14],
    ['1:2:3:4:5:6:7:', 13],
    [' ::1', 0],
  ];
  for (const [text, position] of bad) {
    const e = t.throws(() => parseIpv6(text), { instanceOf: ParseError }, text);
    t.is(e?.position, position, text);
    t.regex(e!.message, /is not an IPv6 address/, text);
    t.is(ipv6OrNull(text), null, text);
  }
  t.throws(() => address6Value(Buffer.alloc(4), 'ip.src'), { instanceOf: EncodeError, message: /^ip\.src: 4 bytes is not an IPv6 address/ });
  t.throws(() => address6Value(undefined, 'ip.dst'), { instanceOf: EncodeError, message: /^ip\.dst: missing is not an IPv6 address/ });
});

// ---- header -------------------------------------------------------------------------------------

test('decodes every field of the kernel echo request header', (t) => {
  const b = Buffer.from(KERNEL_ECHO, 'hex');
  t.deepEqual(ipv6.decode(b), {
    version: 6,
    trafficClass: 0,
    dscp: 0,
    ecn: 0,
    flowLabel: 0x0a2ef0,
    payloadLength: 64,
    nextHeader: 58,
    hopLimit: 64,
    src: '::1',
    dst: '::1',
    headerLength: 40,
  });
  const { buf, offset } = embedded(b);
  t.deepEqual(ipv6.decode(buf, offset, b.length), ipv6.decode(b));
});

test('traffic class splits into DSCP and ECN; flow label is 20 bits', (t) => {
  const b = ipv6.encode({ src: '2001:db8::1', dst: '2001:db8::2', dscp: 46, ecn: 1, flowLabel: 0xfffff, nextHeader: 59 });
  t.is(b.toString('hex', 0, 4), '6b9fffff');
  const h = ipv6.decode(b);
  t.is(h.trafficClass, 0xb9);
  t.is(h.dscp, 46);
  t.is(h.ecn, 1);
  t.is(h.flowLabel, 0xfffff);
  t.throws(() => ipv6.encode({ src: '::1', dst: '::1', trafficClass: 0xb8, dscp: 10, nextHeader: 59 }), { instanceOf: EncodeError, message: /^trafficClass: 184 \(dscp 46, ecn 0\) disagrees/ });
  t.throws(() => ipv6.encode({ src: '::1', dst: '::1', flowLabel: 0x100000, nextHeader: 59 }), { instanceOf: EncodeError, message: /^flowLabel: 1048576 is out of range 0-1048575/ });
});

test('encode writes the 40 bytes into a 0xa5 buffer at any offset, computing the payload length', (t) => {
  const want = Buffer.from(KERNEL_ECHO, 'hex').subarray(0, 40);
  const init = { flowLabel: 0x0a2ef0, src: '::1', dst: '::1', nextHeader: 58 };
  for (const at of [0, 9]) {
    const buf = filled(at + 40 + 5);
    const out = ipv6.encode(init, buf, at, { payloadLength: 64 });
    t.is(out.length, 40);
    t.true(buf.subarray(at, at + 40).equals(want), `offset ${at}`);
    t.true(buf.subarray(0, at).every((x) => x === 0xa5) && buf.subarray(at + 40).every((x) => x === 0xa5));
  }
  t.is(ipv6.encode(init, undefined, 0, { payloadLength: 64, fixLengths: false }).readUInt16BE(4), 0, 'fixLengths off writes 0');
  t.is(ipv6.encode({ ...init, payloadLength: 7 }, undefined, 0, { payloadLength: 64 }).readUInt16BE(4), 7, 'a given length is written as given');
  t.is(ipv6.encodingLength(init), 40);
  t.throws(() => ipv6.encode({ src: '::1', dst: '::1' }), { instanceOf: EncodeError, message: /^nextHeader: missing/ });
  t.throws(() => ipv6.encode(init, undefined, 0, { payloadLength: 70000 }), { instanceOf: EncodeError, message: /^payloadLength: 70000 bytes do not fit/ });
  t.throws(() => ipv6.encode(init, Buffer.alloc(39)), { instanceOf: EncodeError, message: /^buffer: needs 40 bytes/ });
});

test('a short or non-6 header is a DecodeError at its first byte, with the partial header', (t) => {
  const b = Buffer.from(KERNEL_ECHO, 'hex');
  t.throws(() => ipv6.decode(b, 0, 39), { instanceOf: DecodeError, message: 'IPv6 header needs 40 bytes, 39 present (at byte 0)' });
  const v4 = Buffer.from(b);
  v4[0] = 0x45;
  const e = t.throws(() => ipv6.decode(v4), { instanceOf: DecodeError });
  t.is(e?.reason, 'IP version is 4, expected 6');
  t.is((e?.partial as ipv6.Ipv6Header).src, '::1');
  t.throws(() => ipv6.decode(b, 200), { instanceOf: DecodeError, message: /offset 200 is outside/ });
});

// ---- pseudo-header ------------------------------------------------------------------------------

test('the IPv6 pseudo-header sum verifies the kernel checksum and equals the RFC 8200 layout summed whole', (t) => {
  const b = Buffer.from(KERNEL_ECHO, 'hex');
  const sum = pseudoHeaderSum6(b, 8, b, 24, 58, 64);
  t.is(sum16(b, 40, 64, sum), 0xffff);
  // The pseudo-header written out as RFC 8200 section 8.1 draws it, then summed.
  const pseudo = Buffer.concat([b.subarray(8, 40), Buffer.from([0, 0, 0, 64, 0, 0, 0, 58])]);
  t.is(sum, sum16(pseudo, 0, 40));
  // The 32-bit length: 0x10004 bytes counts as 1 + 4, not as 4.
  const big = Buffer.concat([b.subarray(8, 40), Buffer.from([0, 1, 0, 4, 0, 0, 0, 17])]);
  t.is(withLengthAndProtocol(addressSum6(b, 8, b, 24), 17, 0x10004), sum16(big, 0, 40));
});
