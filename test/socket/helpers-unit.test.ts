// Pure helpers of lib/socket: BPF encoding, ICMP filter masks, IPv4 numbers, the clock.
import test from 'ava';

import {
  clockBase,
  constants,
  echoReplyFilterV4,
  encodeProgram,
  icmpFilterMask,
  icmpv6FilterBytes,
  ipv4ToNumber,
  ipv4ToString,
  jump,
  now,
  stmt,
  toEpochMs,
  toEpochNs,
} from '../../lib/socket/index.js';

test('encodeProgram writes struct sock_filter in host byte order, 8 bytes each', (t) => {
  const program = [stmt(0x28, 12), jump(0x15, 0x0800, 0, 1), stmt(0x06, 0xffffffff)];
  const bytes = encodeProgram(program);
  t.is(bytes.length, 24);
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const read16 = (o: number): number => (le ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const read32 = (o: number): number => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  t.is(read16(0), 0x28);
  t.is(read32(4), 12);
  t.is(read16(8), 0x15);
  t.is(bytes[10], 0);
  t.is(bytes[11], 1);
  t.is(read32(12), 0x0800);
  t.is(read32(20), 0xffffffff);
});

test('the iputils-style echo filter uses the kernel opcodes and our identifier', (t) => {
  const program = echoReplyFilterV4(0xbeef);
  t.is(program.length, 8);
  t.is(program[0]?.code, constants.BPF_LDX | constants.BPF_B | constants.BPF_MSH);
  t.is(program[2]?.k, 0xbeef);
  t.is(program[7]?.code, constants.BPF_RET | constants.BPF_K);
  t.is(program[7]?.k, 0);
});

test('icmpFilterMask blocks every type but the ones passed; types above 31 cannot be filtered', (t) => {
  t.is(icmpFilterMask([]), 0xffffffff);
  t.is(icmpFilterMask([0]), 0xfffffffe);
  t.is(icmpFilterMask([0, 3, 11]), 0xfffff7f6);
  t.is(icmpFilterMask([31]), 0x7fffffff);
  t.is(icmpFilterMask([32, -1, 1.5]), 0xffffffff);
});

test('icmpv6FilterBytes clears one bit per passed type in eight host-order words', (t) => {
  const bytes = icmpv6FilterBytes([129]);
  t.is(bytes.length, 32);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, 8);
  t.is(words[4], 0xfffffffd);
  t.is(words[0], 0xffffffff);
});

test('IPv4 addresses as unsigned numbers, both ways', (t) => {
  t.is(ipv4ToNumber('127.0.0.1'), 0x7f000001);
  t.is(ipv4ToNumber('255.255.255.255'), 0xffffffff);
  t.is(ipv4ToString(0x7f000001), '127.0.0.1');
  t.is(ipv4ToString(0xffffffff), '255.255.255.255');
  t.is(ipv4ToNumber('1.2.3'), -1);
  t.is(ipv4ToNumber('1.2.3.256'), -1);
});

test('the clock: nanoseconds since the base, and wall-clock conversions', (t) => {
  const a = now();
  const b = now();
  t.true(Number.isInteger(a) && b >= a);
  const base = clockBase();
  t.is(typeof base.epochNs, 'bigint');
  t.is(toEpochNs(0), base.epochNs);
  t.is(toEpochNs(1234), base.epochNs + 1234n);
  // Same wall clock as Date.now(): a sanity check only (a second of slack).
  t.true(Math.abs(toEpochMs(now()) - Date.now()) < 1000);
});
