import test from 'ava';
import fc from 'fast-check';
import { formatHex, formatIpv4, parseHex, parseIpv4, put16, put32, u16, u32, view } from '../../lib/wire/bytes.js';
import { ParseError } from '../../lib/wire/errors.js';

test('u16/u32 read big-endian, u32 stays unsigned', (t) => {
  const b = Uint8Array.from([0x12, 0x34, 0xff, 0xfe, 0xfd, 0xfc]);
  t.is(u16(b, 0), 0x1234);
  t.is(u32(b, 2), 0xfffefdfc);
  t.true(u32(b, 2) > 0);
});

test('put16/put32 write big-endian and touch nothing else', (t) => {
  const b = Buffer.alloc(8, 0xa5);
  put16(b, 1, 0xbeef);
  put32(b, 3, 0xdeadbeef);
  t.is(b.toString('hex'), 'a5beefdeadbeefa5');
});

test('view honours byteOffset of a Uint8Array over a shared ArrayBuffer', (t) => {
  const ab = new ArrayBuffer(32);
  const u = new Uint8Array(ab, 10, 6);
  u.set([1, 2, 3, 4, 5, 6]);
  const v = view(u, 2, 3);
  t.deepEqual([...v], [3, 4, 5]);
  t.is(v.byteOffset, 12);
  t.is(v.buffer, ab); // shares memory, no copy
});

test('parseIpv4 / formatIpv4 round trip', (t) => {
  t.is(parseIpv4('127.0.0.1'), 0x7f000001);
  t.is(parseIpv4('255.255.255.255'), 0xffffffff);
  t.is(parseIpv4('0.0.0.0'), 0);
  t.is(formatIpv4(0xc0000201), '192.0.2.1');
  fc.assert(fc.property(fc.ipV4(), (a) => formatIpv4(parseIpv4(a)) === a));
});

test('parseIpv4 rejects what inet_aton would guess at, saying why', (t) => {
  for (const [text, pattern] of [
    ['1.2.3', /"1.2.3" is not an IPv4 address: 3 parts/],
    ['1.2.3.4.5', /5 parts/],
    ['256.0.0.1', /"256" at position 0 is not 0-255/],
    ['1.2.3.04', /"04" at position 6/],
    ['1.2..4', /"" at position 4/],
    [' 1.2.3.4', /" 1" at position 0/],
    ['0x7f.0.0.1', /"0x7f"/],
    ['-1.0.0.1', /"-1"/],
    ['', /1 part,/],
  ] as const) {
    const e = t.throws(() => parseIpv4(text), { instanceOf: ParseError });
    t.regex(e!.message, pattern, text);
    t.false(e!.message.includes('\n'));
  }
});

test('parseHex accepts the common spellings', (t) => {
  for (const text of ['45 00 00 54', '45000054', '0x45000054', '0X45 00 0054', '45:00:00:54', '  45 00\n00 54\n', '4500\t0054']) {
    t.is(parseHex(text).toString('hex'), '45000054', text);
  }
  t.is(parseHex('').length, 0);
  t.is(parseHex('AbCd').toString('hex'), 'abcd');
});

test('parseHex names the offending character position', (t) => {
  let e = t.throws(() => parseHex('45 0g 00'), { instanceOf: ParseError });
  t.is(e!.position, 4);
  t.regex(e!.message, /position 4: "g" is not a hex digit/);
  e = t.throws(() => parseHex('45000'), { instanceOf: ParseError });
  t.is(e!.position, 4);
  t.regex(e!.message, /odd number of hex digits/);
  e = t.throws(() => parseHex('4 500'), { instanceOf: ParseError });
  t.is(e!.position, 1);
  t.regex(e!.message, /separator inside a byte/);
});

test('formatHex is lowercase, with an optional separator, and honours views', (t) => {
  const ab = new Uint8Array([0xff, 0xab, 0x01, 0xee]);
  t.is(formatHex(ab), 'ffab01ee');
  t.is(formatHex(ab.subarray(1, 3), ' '), 'ab 01');
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => parseHex(formatHex(b, ' ')).equals(Buffer.from(b))));
});
