import test from 'ava';
import fc from 'fast-check';
import {
  fold,
  incrementalUpdate,
  incrementalUpdate32,
  internetChecksum,
  pseudoHeaderSum,
  sum16,
  verifyChecksum,
} from '../../lib/wire/checksum.js';
import { parseIpv4 } from '../../lib/wire/bytes.js';
import { vector } from './vectors.js';

test('RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2', (t) => {
  const b = Buffer.from('0001f203f4f5f6f7', 'hex');
  t.is(sum16(b, 0, b.length), 0xddf2);
  t.is(internetChecksum(b), 0x220d);
});

test('the sum is the same at any offset and inside a Uint8Array view', (t) => {
  const bytes = Buffer.from('0001f203f4f5f6f7', 'hex');
  const big = new Uint8Array(64).fill(0xa5);
  big.set(bytes, 13);
  t.is(sum16(big, 13, 8), 0xddf2);
  const v = new Uint8Array(big.buffer, 13, 8);
  t.is(sum16(v, 0, 8), 0xddf2);
});

test('odd length pads the last byte on the right', (t) => {
  t.is(sum16(Buffer.from([0xab]), 0, 1), 0xab00);
  t.is(sum16(Buffer.from([0x00, 0x01, 0xf2]), 0, 3), 0xf201);
  // Odd range starting at an odd offset: the bytes pair up from the range start.
  const b = Buffer.from([0xff, 0x12, 0x34, 0x56]);
  t.is(sum16(b, 1, 3), 0x1234 + 0x5600);
});

test('carries fold back in, however many', (t) => {
  t.is(sum16(Buffer.from('ffffffff', 'hex'), 0, 4), 0xffff);
  t.is(sum16(Buffer.from('ffff0001', 'hex'), 0, 4), 0x0001);
  t.is(fold(0x1fffe), 0xffff);
  t.is(fold(0xffff * 100000), 0xffff);
  const ones = Buffer.alloc(200000, 0xff);
  t.is(sum16(ones, 0, ones.length), 0xffff);
  t.is(sum16(Buffer.alloc(0), 0, 0), 0);
  t.is(sum16(Buffer.alloc(0), 0, 0, 0x1234), 0x1234);
});

test('sum16 agrees with a plain word-by-word reference at every length and offset', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(5), (bytes, pad) => {
      const buf = new Uint8Array(bytes.length + pad).fill(0x5a);
      buf.set(bytes, pad);
      let ref = 0;
      for (let i = 0; i < bytes.length; i += 2) {
        ref += (bytes[i]! << 8) | (i + 1 < bytes.length ? bytes[i + 1]! : 0);
        ref = (ref & 0xffff) + (ref >>> 16);
      }
      return sum16(buf, pad, bytes.length) === ref;
    }),
  );
  t.pass();
});

test('sum16 agrees with the reference for long ranges too: any alignment of the view and the range, any initial sum', (t) => {
  // Long ranges are summed as 32-bit words where they are aligned: check every alignment,
  // views that start anywhere in their ArrayBuffer, and several views of one buffer in turn.
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000, size: 'max' }), fc.nat(7), fc.nat(7), fc.nat(0x3ffff), (bytes, viewAt, pad, initial) => {
      const whole = new Uint8Array(bytes.length + viewAt + pad + 3).fill(0xa5);
      const view = whole.subarray(viewAt);
      view.set(bytes, pad);
      let ref = initial;
      for (let i = 0; i < bytes.length; i += 2) ref += (bytes[i]! << 8) | (i + 1 < bytes.length ? bytes[i + 1]! : 0);
      while (ref > 0xffff) ref = (ref & 0xffff) + Math.floor(ref / 0x10000);
      // The same bytes through the whole buffer, then through the view again.
      return sum16(view, pad, bytes.length, initial) === ref && sum16(whole, viewAt + pad, bytes.length, initial) === ref && sum16(view, pad, bytes.length, initial) === ref;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('a packet with its checksum in place verifies; one flipped bit does not', (t) => {
  const echo = vector('kernel-echo-request');
  t.true(verifyChecksum(echo, 0, 20));
  t.true(verifyChecksum(echo, 20, echo.length - 20));
  const bad = Buffer.from(echo);
  bad[30] = bad[30]! ^ 0x10;
  t.false(verifyChecksum(bad, 20, bad.length - 20));
});

test('RFC 1624 section 4 example: eqn. 3 gives 0x0000 where eqn. 2 gives 0xffff', (t) => {
  // One's complement sum of the other header words is 0xCD7A; a field changes 0x5555 -> 0x3285.
  const hc = ~fold(0xcd7a + 0x5555) & 0xffff;
  t.is(hc, 0xdd2f);
  t.is(incrementalUpdate(hc, 0x5555, 0x3285), 0x0000);
  // From scratch: ~(C + m') = ~(0xCD7A + 0x3285) = ~0xFFFF = 0x0000.
  t.is(~fold(0xcd7a + 0x3285) & 0xffff, 0x0000);
  // RFC 1141's eqn. 2 (HC + m + ~m') would have produced -0:
  t.is(fold(hc + 0x5555 + (~0x3285 & 0xffff)), 0xffff);
});

test('incremental update equals recomputation for any header and any 16-bit change', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.nat(8), fc.integer({ min: 0, max: 0xffff }), (h, word, value) => {
      const b = Buffer.from(h);
      b.writeUInt16BE(0, 10);
      b.writeUInt16BE(internetChecksum(b, 0, 20), 10);
      const at = word < 5 ? word * 2 : word * 2 + 2; // any word but the checksum itself
      const old = b.readUInt16BE(at);
      const updated = incrementalUpdate(b.readUInt16BE(10), old, value);
      b.writeUInt16BE(value, at);
      b.writeUInt16BE(0, 10);
      const fresh = internetChecksum(b, 0, 20);
      // Equal, or the other representation of zero when nothing changed (RFC 1624 errata 4782).
      return updated === fresh || (old === value && ((updated ^ fresh) & 0xffff) === 0xffff);
    }),
  );
  t.pass();
});

test('incrementalUpdate32 re-checksums the echo request after a TTL and address rewrite', (t) => {
  const p = Buffer.from(vector('kernel-echo-request'));
  const oldSrc = p.readUInt32BE(12);
  const newSrc = parseIpv4('127.0.0.9');
  p.writeUInt32BE(newSrc, 12);
  const c = incrementalUpdate32(p.readUInt16BE(10), oldSrc, newSrc);
  p.writeUInt16BE(c, 10);
  t.true(verifyChecksum(p, 0, 20));
});

test('pseudo-header sum matches what tshark computed for captured UDP and TCP', (t) => {
  const lo = parseIpv4('127.0.0.1');
  // kernel UDP on lo carries a partial checksum; tshark: "should be 0xc562".
  const udp = Buffer.from(vector('kernel-udp-partial-checksum'));
  const udpLength = udp.readUInt16BE(24);
  udp.writeUInt16BE(0, 26);
  t.is(internetChecksum(udp, 20, udpLength, pseudoHeaderSum(lo, lo, 17, udpLength)), 0xc562);
  // The partial value lo leaves in the field is the folded pseudo-header sum itself.
  t.is(pseudoHeaderSum(lo, lo, 17, udpLength), 0xfe2f);
  // kernel TCP SYN: tshark "should be 0xd709"; SYN-ACK 0x97a3; data 0x0cc1.
  for (const [name, expected] of [
    ['kernel-tcp-syn', 0xd709],
    ['kernel-tcp-syn-ack', 0x97a3],
    ['kernel-tcp-data', 0x0cc1],
  ] as const) {
    const seg = Buffer.from(vector(name));
    const len = seg.length - 20;
    seg.writeUInt16BE(0, 36);
    t.is(internetChecksum(seg, 20, len, pseudoHeaderSum(lo, lo, 6, len)), expected, name);
  }
  // scapy packets carry real checksums: they verify as they are.
  const su = vector('scapy-udp');
  t.true(verifyChecksum(su, 20, su.length - 20, pseudoHeaderSum(lo, lo, 17, su.length - 20)));
  const st = vector('scapy-tcp-syn-options');
  t.true(verifyChecksum(st, 20, st.length - 20, pseudoHeaderSum(lo, lo, 6, st.length - 20)));
});
