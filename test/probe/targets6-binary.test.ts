// IPv6 sweep targets kept in binary (issue 13): a target is its upper 96 bits and its low 32, then
// four words (what sendMany and the probe template take), never text parsed again. Here: a
// range, a /120 and a list file of the same addresses written every which way give the same
// set, in the same order, as the text of each address read on its own; lines in a file with
// different upper bits keep their own; the words go back to the same address; the list reader
// splits lines as readline did (CRLF, a lone CR, a CRLF cut between two reads, no last newline),
// and keeps the lines before a bad one. No privilege, no network.
import test from 'ava';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { address6Key, address6KeyOf, formatIpv6, formatIpv6Words, ipv6WordsOf, parseIpv6, parseIpv6Into, readIpv6Words } from '../../lib/wire/ipv6-address.js';
import { TargetAddress } from '../../lib/probe/sweep/address.js';
import { FEED, TargetFeed, type FeedTarget } from '../../lib/probe/sweep/feed.js';
import { lineBatches } from '../../lib/probe/sweep/lines.js';
import { parseTarget, readTargetFile, TargetListError } from '../../lib/probe/sweep/targets.js';
import { tempDir } from '../helpers/tmp.js';

/** Every target the feed hands out: [text, key, words as text]. */
async function feedAll(feed: TargetFeed): Promise<{ text: string[]; keys: number[]; words: string[] }> {
  const slot: FeedTarget = { address: 0, name: null, high: null };
  const address = new TargetAddress();
  const out = { text: [] as string[], keys: [] as number[], words: [] as string[] };
  await feed.start();
  for (;;) {
    const state = feed.take(slot);
    if (state === FEED.end) break;
    if (state === FEED.starved) {
      await new Promise((r) => setTimeout(r, 1));
      continue;
    }
    address.of(slot);
    out.text.push(address.text);
    out.keys.push(address.value);
    out.words.push(formatIpv6Words(address.words!, 0));
  }
  return out;
}

test('a range, a /120 and a list file of the same addresses give one set, in order, keyed as the text of each', async (t) => {
  // The /120 of 2001:db8:ff::ff00 and the range over the same 256 addresses.
  const texts = Array.from({ length: 256 }, (_, i) => `2001:db8:ff::${(0xff00 + i).toString(16)}`);
  const dir = tempDir(t, 'targets6-binary');
  const file = join(dir, 'list.txt');
  // The same addresses written in other forms: full, leading zeros, upper case, CRLF ends, comments.
  const written = texts.map((a, i) => {
    const b = parseIpv6(a);
    const full = Array.from({ length: 8 }, (_, g) => b.readUInt16BE(2 * g).toString(16).padStart(4, '0')).join(':');
    return i % 3 === 0 ? full : i % 3 === 1 ? a.toUpperCase() : `${a}   # host ${i}`;
  });
  writeFileSync(file, `${written.join('\r\n')}\r\n`);

  const block = await feedAll(new TargetFeed({ args: [parseTarget('2001:db8:ff::ff17/120', 6)], version: 6 }));
  const range = await feedAll(new TargetFeed({ args: [parseTarget('2001:db8:ff::ff00-2001:db8:ff::ffff', 6)], version: 6 }));
  const listed = await feedAll(new TargetFeed({ args: [], files: [file], version: 6 }));
  for (const [what, got] of [['block', block], ['range', range], ['list', listed]] as const) {
    t.deepEqual(got.text, texts, `${what}: the text of each address`);
    t.deepEqual(got.keys, texts.map((a) => address6KeyOf(a)), `${what}: the key answers are matched by`);
    t.deepEqual(got.words, texts, `${what}: the words sent to`);
  }
});

test('lines with different upper bits keep their own, whatever the line before had', async (t) => {
  const lines = ['2001:db8:1::1', '2001:db8:2::1', '2001:db8:2::2', '2001:db8:1::3', 'fe80::9', '2001:db8:2::ffff:1'];
  const got = await feedAll(new TargetFeed({ args: [], files: ['-'], stdin: Readable.from([`${lines.join('\n')}\n`]), version: 6 }));
  t.deepEqual(got.text, lines);
  t.deepEqual(got.words, lines);
});

test('a range across a 16-bit group: each address once, in order, the words carry the whole address', async (t) => {
  const got = await feedAll(new TargetFeed({ args: [parseTarget('2001:db8:ff::fff0-2001:db8:ff::1:f', 6)], version: 6 }));
  const want = Array.from({ length: 32 }, (_, i) => (i < 16 ? `2001:db8:ff::${(0xfff0 + i).toString(16)}` : `2001:db8:ff::1:${(i - 16).toString(16)}`));
  t.deepEqual(got.text, want);
  t.deepEqual(got.words, want);
});

test('words: text to words and back, bytes to words, and the key of the text is the key of the bytes', (t) => {
  const words = new Uint32Array(8);
  ipv6WordsOf('2001:db8::1', words, 4);
  t.deepEqual([...words.subarray(4)], [0x20010db8, 0, 0, 1]);
  t.is(formatIpv6Words(words, 4), '2001:db8::1');
  readIpv6Words(parseIpv6('ffff:eeee:dddd:cccc:bbbb:aaaa:9999:8888'), 0, words, 0);
  t.deepEqual([...words.subarray(0, 4)], [0xffffeeee, 0xddddcccc, 0xbbbbaaaa, 0x99998888]);
  t.is(address6KeyOf('2001:DB8::1%eth0'), address6Key(parseIpv6('2001:db8::1')));
  const out = new Uint8Array(16);
  t.false(parseIpv6Into('2001:db8::1::2', out));
  t.false(parseIpv6Into('1:2:3:4:5:6:7:8:9', out));
  t.true(parseIpv6Into('::ffff:192.0.2.1', out));
  t.is(formatIpv6(out), '::ffff:192.0.2.1');
  t.throws(() => address6KeyOf('2001:db8::g'), { message: /unexpected "g" at position 10/ });
});

test('list lines split as readline did: CRLF, a lone CR, a CRLF cut between reads, no newline at the end', async (t) => {
  const batches: string[][] = [];
  for await (const b of lineBatches(Readable.from(['a\r', '\nb\rc\n\n', 'd\r\ne', 'f']))) batches.push(b);
  t.deepEqual(batches.flat(), ['a', 'b', 'c', '', 'd', 'ef']);
  const bytes: string[][] = [];
  // UTF-8 cut inside a character between two reads.
  const text = Buffer.from('é1\nü2\n');
  for await (const b of lineBatches(Readable.from([text.subarray(0, 1), text.subarray(1)], { objectMode: true }))) bytes.push(b);
  t.deepEqual(bytes.flat(), ['é1', 'ü2']);
});

test('a bad line in a read keeps the lines before it, then names its place', async (t) => {
  const seen: string[] = [];
  const error = await t.throwsAsync(async () => {
    for await (const { spec, origin } of readTargetFile('-', Readable.from(['2001:db8::1\n2001:db8::2\n2001:db8::zz\n2001:db8::3\n']), 6)) seen.push(`${origin.line}:${spec.text}`);
  }, { instanceOf: TargetListError });
  t.deepEqual(seen, ['1:2001:db8::1', '2:2001:db8::2']);
  t.regex(error!.message, /^stdin:3: /);
});

test("a target's text is formatIpv6's, through the prefix kept for a run of targets or not: zero groups, runs of them, dotted-quad tails", (t) => {
  const address = new TargetAddress();
  // Upper 96 bits made of zero and non-zero groups (mapped and compatible prefixes among them),
  // each walked by a few last-32-bit values, as a range or a list would hand them out.
  const group = fc.constantFrom(0, 0, 0, 1, 0xdb8, 0xffff);
  const highOf = (groups: number[]): Uint8Array => {
    const b = new Uint8Array(12);
    groups.forEach((g, i) => ((b[2 * i] = g >> 8), (b[2 * i + 1] = g & 0xff)));
    return b;
  };
  const low = fc.oneof(fc.constantFrom(0, 1, 0xffff, 0x10000, 0x10001, 0xffff0000, 0xffffffff), fc.nat(0xffffffff));
  fc.assert(
    fc.property(fc.array(group, { minLength: 6, maxLength: 6 }), fc.array(low, { minLength: 1, maxLength: 12 }), (groups, lows) => {
      const high = highOf(groups);
      for (const value of lows) {
        const bytes = new Uint8Array(16);
        bytes.set(high);
        bytes[12] = value >>> 24;
        bytes[13] = (value >>> 16) & 0xff;
        bytes[14] = (value >>> 8) & 0xff;
        bytes[15] = value & 0xff;
        if (address.of({ address: value >>> 0, name: null, high }).text !== formatIpv6(bytes)) return false;
      }
      return true;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});
