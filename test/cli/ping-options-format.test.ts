// ping -R and -T's words (cli/format/ping-options.ts) on option bytes made here, as iputils'
// pr_options() prints them, and the option every -R/-T probe carries (lib/probe/ping/ip-options.ts):
// iputils' 40 bytes, our own slot filled as Linux fills a sender's.
import test from 'ava';
import { ipOptionsText, optionAddresses, type RouteMemory } from '../../cli/format/ping-options.js';
import { probeIpOption } from '../../lib/probe/ping/ip-options.js';
import { encodeOptions, MAX_OPTIONS_LENGTH, optionsLength } from '../../lib/wire/ipv4-options.js';

const plain = (a: string): string => a;

function bytes(options: Parameters<typeof encodeOptions>[0]): Uint8Array {
  const b = new Uint8Array(optionsLength(options));
  encodeOptions(options, b, 0);
  return b;
}

test('RR: one address a line after "RR: ", empty slots as 0.0.0.0, then "(same route)" for the same route; a flood prints it again', (t) => {
  const rr = bytes([{ kind: 'nop' }, { kind: 'record-route', pointer: 16, addresses: ['203.0.113.1', '198.51.100.1', '203.0.113.6', 0, 0, 0, 0, 0, 0] }]);
  const memory: RouteMemory = { last: null };
  t.is(ipOptionsText(rr, plain, memory, false), '\nNOP\nRR: \t203.0.113.1\n\t198.51.100.1\n\t203.0.113.6\n');
  t.is(ipOptionsText(rr, plain, memory, false), '\nNOP\t(same route)');
  t.is(ipOptionsText(rr, plain, memory, true), '\nNOP\nRR: \t203.0.113.1\n\t198.51.100.1\n\t203.0.113.6\n');
  t.is(ipOptionsText(rr, (a) => `h-${a} (${a})`, { last: null }, false), '\nNOP\nRR: \th-203.0.113.1 (203.0.113.1)\n\th-198.51.100.1 (198.51.100.1)\n\th-203.0.113.6 (203.0.113.6)\n');
  t.deepEqual(optionAddresses(rr), ['203.0.113.1', '198.51.100.1', '203.0.113.6']);
});

test('TS: the first time absolute, then differences; addresses with tsandaddr; "Unrecorded hops" from the overflow', (t) => {
  const tsonly = bytes([{ kind: 'timestamp', flag: 0, pointer: 17, overflow: 0, entries: [{ timestamp: 1000 }, { timestamp: 1003 }, { timestamp: 1002 }] }]);
  t.is(ipOptionsText(tsonly, plain, { last: null }, false), '\nTS: \t1000 absolute\n\t3\n\t-1\n');
  const pairs = bytes([{ kind: 'timestamp', flag: 1, pointer: 21, overflow: 2, entries: [{ address: '203.0.113.1', timestamp: 500 }, { address: '198.51.100.1', timestamp: 501 }, { address: 0, timestamp: 0 }] }]);
  t.is(ipOptionsText(pairs, plain, { last: null }, false), '\nTS: \t203.0.113.1\t500 absolute\n\t198.51.100.1\t1\nUnrecorded hops: 2\n');
  t.deepEqual(optionAddresses(pairs), ['203.0.113.1', '198.51.100.1']);
  // RFC 791: the high bit marks a time that is not ms since midnight UT.
  const odd = bytes([{ kind: 'timestamp', flag: 0, pointer: 9, overflow: 0, entries: [{ timestamp: 0x80000007 }] }]);
  t.is(ipOptionsText(odd, plain, { last: null }, false), '\nTS: \t7 absolute not-standard\n');
});

test('the probe\'s option: 40 bytes as iputils gives the kernel, our slot filled as Linux fills a sender\'s', (t) => {
  const ours = (a: string): boolean => a === '203.0.113.1';
  const rr = probeIpOption({ kind: 'record-route' }, '203.0.113.1', ours);
  t.is(optionsLength(rr.options), MAX_OPTIONS_LENGTH);
  const rrBytes = bytes(rr.options);
  t.deepEqual([...rrBytes.subarray(0, 8)], [1, 7, 39, 8, 203, 0, 113, 1], 'NOP, RR length 39, pointer past our own address');
  t.is(rr.stampAt, -1);
  for (const type of ['tsonly', 'tsandaddr'] as const) {
    const ts = probeIpOption({ kind: 'timestamp', type }, '203.0.113.1', ours);
    t.is(optionsLength(ts.options), MAX_OPTIONS_LENGTH, type);
    t.is(ts.stampAt, type === 'tsonly' ? 24 : 28, `${type}: the first time slot, after the 20-byte header`);
  }
  const prespec = probeIpOption({ kind: 'timestamp', type: 'tsprespec', hops: ['198.51.100.2', '203.0.113.6'] }, '203.0.113.1', ours);
  const b = bytes(prespec.options);
  t.is(b.length, MAX_OPTIONS_LENGTH);
  t.deepEqual([...b.subarray(0, 4)], [68, 20, 5, 3], 'length 4 + 2 pairs, pointer at the first (not ours), flag 3');
  t.is(prespec.stampAt, -1);
  t.true(b.subarray(20).every((x) => x === 0), 'End of Options, then zeros to 40');
  const mine = probeIpOption({ kind: 'timestamp', type: 'tsprespec', hops: ['203.0.113.1'] }, '203.0.113.1', ours);
  t.deepEqual([...bytes(mine.options).subarray(0, 4)], [68, 12, 13, 3], 'our own address first: its slot is ours to stamp');
  t.is(mine.stampAt, 28);
});
