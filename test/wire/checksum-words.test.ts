// sum16Words and wordsOf, the form of sum16 for loops over one buffer (lib/check): the same sums
// as a byte-by-byte reference at every offset and length, odd or even, past the 32 KiB where it
// starts a new pair of 32-bit sums, with any initial sum, and through views that start anywhere
// in their ArrayBuffer; short sums after it, of the array it holds, take its words too.
import test from 'ava';
import fc from 'fast-check';
import { sum16, sum16Words, wordsOf } from '../../lib/wire/checksum.js';

function reference(b: Uint8Array, offset: number, length: number, initial: number): number {
  let ref = initial;
  for (let i = 0; i < length; i += 2) ref += (b[offset + i]! << 8) | (i + 1 < length ? b[offset + i + 1]! : 0);
  while (ref > 0xffff) ref = (ref % 0x10000) + Math.floor(ref / 0x10000);
  return ref;
}

test('sum16Words agrees with the reference at every offset and length, through a view anywhere in its buffer', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(9), fc.nat(9), fc.oneof(fc.nat(0xffffff), fc.nat(0xffffffff)), (bytes, viewAt, pad, initial) => {
      const whole = new Uint8Array(bytes.length + viewAt + pad + 5).fill(0xc3);
      const view = whole.subarray(viewAt);
      view.set(bytes, pad);
      const want = reference(view, pad, bytes.length, initial);
      return sum16Words(wordsOf(view), pad, bytes.length, initial) === want && sum16(view, pad, bytes.length, initial) === want;
    }),
    { numRuns: 1000 },
  );
  t.pass();
});

test('sum16Words over 32 KiB and over 64 KiB: the long range is summed in parts, carries and all', (t) => {
  for (const length of [32767, 32768, 32769, 65535, 65536, 65537, 200001]) {
    const b = Buffer.alloc(length + 3);
    for (let i = 0; i < b.length; i++) b[i] = (i * 131 + 7) & 0xff;
    t.is(sum16Words(wordsOf(b), 3, length, 0xfffe), reference(b, 3, length, 0xfffe), `${length} bytes`);
    t.is(sum16Words(wordsOf(b), 0, length), reference(b, 0, length, 0), `${length} bytes from 0`);
  }
  const ones = Buffer.alloc(100000, 0xff);
  t.is(sum16Words(wordsOf(ones), 0, ones.length), 0xffff);
});

test('wordsOf keeps the last view: the same DataView for the same array, a new one for another', (t) => {
  const a = new Uint8Array(16);
  const b = new Uint8Array(16);
  const va = wordsOf(a);
  t.is(wordsOf(a), va);
  t.not(wordsOf(b), va);
  t.is(wordsOf(b).byteLength, 16);
  // A short sum of the array wordsOf holds is read through its words: still the same answer.
  b.set([0x45, 0x00, 0x00, 0x54, 0xff, 0xff, 0x40, 0x01]);
  t.is(sum16(b, 0, 7), reference(b, 0, 7, 0));
  t.is(sum16(a, 0, 7), reference(a, 0, 7, 0));
});
