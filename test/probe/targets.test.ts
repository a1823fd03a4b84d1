// Target lists: every form fping takes (address, name, CIDR block, range, short range), the lines
// of a file (blank lines, comments, CRLF, a bad line named by its number), and the lazy feed that
// hands a sweep one address at a time (order kept across names resolved out of order, unknown
// names reported, stdin read as it comes, a /8 never expanded). No privilege, no network.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { formatIpv4, parseIpv4 } from '../../lib/wire/bytes.js';
import {
  checkTargetFile,
  parseTarget,
  parseTargetLine,
  readTargetFile,
  targetCount,
  TargetListError,
  TARGET_KIND,
  versionOfTarget,
  type TargetSpec,
} from '../../lib/probe/sweep/targets.js';
import { FEED, TargetFeed, type FeedTarget } from '../../lib/probe/sweep/feed.js';
import { TargetAddress } from '../../lib/probe/sweep/address.js';
import { checkFiles, configureSweep } from '../../lib/probe/sweep/options.js';
import { MAX_KEPT } from '../../lib/probe/sweep/checked.js';
import { formatIpv6 } from '../../lib/wire/ipv6-address.js';
import { tempDir, tempFiles } from '../helpers/tmp.js';

function ends(spec: TargetSpec): [string, string] {
  return [formatIpv4(spec.first), formatIpv4(spec.last)];
}

test('an address is itself', (t) => {
  const s = parseTarget(' 198.51.100.7 ');
  t.deepEqual(s, { kind: TARGET_KIND.address, text: '198.51.100.7', first: parseIpv4('198.51.100.7'), last: parseIpv4('198.51.100.7'), name: null });
  t.is(targetCount(s), 1);
});

test('a block excludes network and broadcast below /31, as fping -g', (t) => {
  t.deepEqual(ends(parseTarget('198.51.100.0/24')), ['198.51.100.1', '198.51.100.254']);
  t.is(targetCount(parseTarget('198.51.100.0/24')), 254);
  t.deepEqual(ends(parseTarget('198.51.100.0/30')), ['198.51.100.1', '198.51.100.2']);
  t.deepEqual(ends(parseTarget('198.51.100.6/31')), ['198.51.100.6', '198.51.100.7']);
  t.deepEqual(ends(parseTarget('198.51.100.9/32')), ['198.51.100.9', '198.51.100.9']);
  t.is(targetCount(parseTarget('198.18.0.0/16')), 65534);
  t.is(parseTarget('198.18.0.0/16').kind, TARGET_KIND.block);
});

test('host bits of a block are masked off', (t) => {
  t.deepEqual(ends(parseTarget('198.51.100.77/24')), ['198.51.100.1', '198.51.100.254']);
  t.deepEqual(ends(parseTarget('255.255.255.255/1')), ['128.0.0.1', '255.255.255.254']);
});

test('a /8 is two numbers, not sixteen million addresses', (t) => {
  const s = parseTarget('10.0.0.0/8');
  t.is(targetCount(s), 16_777_214);
  t.deepEqual(Object.keys(s).sort(), ['first', 'kind', 'last', 'name', 'text']);
});

test('ranges: full, short (last byte), one address', (t) => {
  t.deepEqual(ends(parseTarget('198.51.100.10-198.51.100.20')), ['198.51.100.10', '198.51.100.20']);
  t.deepEqual(ends(parseTarget('198.51.100.10-20')), ['198.51.100.10', '198.51.100.20']);
  t.deepEqual(ends(parseTarget('198.51.100.250-198.51.101.3')), ['198.51.100.250', '198.51.101.3']);
  t.is(targetCount(parseTarget('198.51.100.10-198.51.101.3')), 250);
  t.is(targetCount(parseTarget('198.51.100.10-10')), 1);
  t.is(parseTarget('198.51.100.10-20').kind, TARGET_KIND.range);
});

test('names, including ones with dashes and digits', (t) => {
  for (const name of ['localhost', 'gw-1.lab', 'host_2.example.', 'a', '3com.example']) {
    const s = parseTarget(name);
    t.is(s.kind, TARGET_KIND.name, name);
    t.is(s.name, name);
    t.is(targetCount(s), 1);
  }
});

test('what is none of them says why', (t) => {
  const reason = (text: string): string => t.throws(() => parseTarget(text), { instanceOf: TargetListError })!.message;
  t.regex(reason('10.0.0.300'), /"10\.0\.0\.300" is not an IPv4 address: "300" at position 7 is not 0-255/);
  t.regex(reason('10.0.0'), /not an IPv4 address: 3 parts/);
  t.regex(reason('198.51.100.0/33'), /prefix length must be 1-32/);
  t.regex(reason('198.51.100.0/0'), /prefix length must be 1-32/);
  t.regex(reason('198.51.100.0/x'), /prefix length must be 1-32/);
  t.regex(reason('300.1.1.1/24'), /not an IPv4 address/);
  t.regex(reason('198.51.100.20-198.51.100.10'), /the range ends \(198\.51\.100\.10\) before it starts/);
  t.regex(reason('198.51.100.20-10'), /ends \(198\.51\.100\.10\) before it starts/);
  t.regex(reason('198.51.100.1-256'), /more than 255/);
  t.regex(reason('198.51.100.1-foo'), /not an IPv4 address/);
  t.regex(reason('two words'), /one target per line/);
  t.regex(reason('bad!name'), /is not an IPv4 address, a host name, a CIDR block/);
  t.regex(reason('-flag'), /is not an IPv4 address, a host name/);
  t.regex(reason('a..b'), /is not an IPv4 address, a host name/);
});

test('lines: blank and comment lines are nothing, a trailing comment is dropped, a bad line names its place', (t) => {
  const origin = { file: 'hosts.txt', line: 7 };
  t.is(parseTargetLine('', origin), null);
  t.is(parseTargetLine('   \t ', origin), null);
  t.is(parseTargetLine('# a comment', origin), null);
  t.is(parseTargetLine('  # indented comment', origin), null);
  t.is(parseTargetLine('198.51.100.1   # the router', origin)?.text, '198.51.100.1');
  const e = t.throws(() => parseTargetLine('198.51.100.300', origin), { instanceOf: TargetListError })!;
  t.is(e.file, 'hosts.txt');
  t.is(e.line, 7);
  t.regex(e.message, /^hosts\.txt:7: "198\.51\.100\.300" is not an IPv4 address/);
  const stdin = t.throws(() => parseTargetLine('nope nope', { file: '-', line: 3 }))!;
  t.regex(stdin.message, /^stdin:3: /);
});

test('a file: blank lines, comments, CRLF; the first bad line stops it with its number', async (t) => {
  const dir = tempDir(t, 'targets');
  const good = join(dir, 'good.txt');
  writeFileSync(good, '# lab hosts\r\n\r\n198.51.100.1\r\n   \r\n198.51.100.8/30 # a block\r\nlocalhost\r\n203.0.113.5-7\r\n');
  const seen: string[] = [];
  for await (const { spec, origin } of readTargetFile(good)) seen.push(`${origin.line}:${spec.kind}:${spec.text}`);
  t.deepEqual(seen, ['3:address:198.51.100.1', '5:block:198.51.100.8/30', '6:name:localhost', '7:range:203.0.113.5-7']);
  t.is(await checkTargetFile(good), 1 + 2 + 1 + 3);

  const bad = join(dir, 'bad.txt');
  writeFileSync(bad, '198.51.100.1\n\n# comment\n198.51.100.2\n198.51.100.0/40\n198.51.100.3\n');
  const e = await t.throwsAsync(checkTargetFile(bad), { instanceOf: TargetListError });
  t.is(e!.line, 5);
  t.is(e!.message, `${bad}:5: "198.51.100.0/40": the prefix length must be 1-32`);

  const missing = await t.throwsAsync(checkTargetFile(join(dir, 'absent.txt')), { instanceOf: TargetListError });
  t.regex(missing!.message, /absent\.txt: no such file$/);
});

test('the check keeps a plain file for the sweep (addresses, blocks, ranges; IPv6 high bits shared), not one with a name or too long', async (t) => {
  const { plain, six, named, long } = tempFiles(t, 'checked', {
    plain: '# lab\n198.51.100.1\n\n198.51.100.8/30\n203.0.113.5-7 # range\n',
    six: '2001:db8::1\n2001:db8::2\n2001:db8:1::/126\n',
    named: '198.51.100.1\nlocalhost\n',
    long: '198.51.100.1\n'.repeat(MAX_KEPT + 1),
  });
  const checked = await checkFiles([plain, named, long, plain]);
  t.deepEqual([...checked.keys()], [plain], 'a name, or more than MAX_KEPT targets: read again');
  const list = checked.get(plain)!;
  const rows = Array.from({ length: list.length }, (_, i) => [formatIpv4(list.first(i)), formatIpv4(list.last(i)), list.high(i)]);
  t.deepEqual(rows, [
    ['198.51.100.1', '198.51.100.1', null],
    ['198.51.100.9', '198.51.100.10', null],
    ['203.0.113.5', '203.0.113.7', null],
  ]);
  const list6 = (await checkFiles([six], 6)).get(six)!;
  t.is(list6.length, 3);
  t.is(list6.high(0), list6.high(1), 'consecutive addresses share one array for their upper bits');
  const address6 = (i: number, low: number): string => formatIpv6(Buffer.concat([list6.high(i)!, Buffer.from([low >>> 24, (low >>> 16) & 255, (low >>> 8) & 255, low & 255])]));
  t.deepEqual([0, 1, 2].map((i) => [address6(i, list6.first(i)), address6(i, list6.last(i))]), [
    ['2001:db8::1', '2001:db8::1'],
    ['2001:db8::2', '2001:db8::2'],
    ['2001:db8:1::', '2001:db8:1::3'],
  ]);
});

/** Takes everything a feed gives (pumping the event loop while it is starved). */
async function drain(feed: TargetFeed, limit = Number.POSITIVE_INFINITY): Promise<string[]> {
  const out: string[] = [];
  const slot: FeedTarget = { address: 0, name: null };
  await feed.start();
  while (out.length < limit) {
    const state = feed.take(slot);
    if (state === FEED.target) out.push(slot.name === null ? formatIpv4(slot.address) : `${slot.name}=${formatIpv4(slot.address)}`);
    else if (state === FEED.end) break;
    else await new Promise((r) => setTimeout(r, 1));
  }
  return out;
}

test('the feed: arguments then files, in order, names resolved out of order but handed out in order', async (t) => {
  const delays: Record<string, number> = { 'slow.lab': 30, 'fast.lab': 1 };
  const addresses: Record<string, string> = { 'slow.lab': '192.0.2.1', 'fast.lab': '192.0.2.2' };
  const unknown: string[] = [];
  const stdin = Readable.from(['198.51.100.9\n# c\n\nfast.lab\nmissing.lab\n203.0.113.1-2\n']);
  const feed = new TargetFeed({
    args: ['slow.lab', '198.51.100.0/30', 'fast.lab'].map((a) => parseTarget(a)),
    files: ['-'],
    stdin,
    resolve: async (name) => {
      await new Promise((r) => setTimeout(r, delays[name] ?? 1));
      const a = addresses[name];
      if (a === undefined) throw new Error(`${name}: Name or service not known`);
      return a;
    },
    onUnknown: (name, reason, origin) => unknown.push(`${name}|${reason}|${origin?.file ?? 'args'}:${origin?.line ?? 0}`),
  });
  t.deepEqual(await drain(feed), [
    'slow.lab=192.0.2.1',
    '198.51.100.1',
    '198.51.100.2',
    'fast.lab=192.0.2.2',
    '198.51.100.9',
    'fast.lab=192.0.2.2',
    '203.0.113.1',
    '203.0.113.2',
  ]);
  t.deepEqual(unknown, ['missing.lab|Name or service not known|-:5']);
  t.is(feed.error, null);
  t.is(feed.taken, 8);
});

test('the feed: a bad line on stdin ends the list there, with the line number', async (t) => {
  const feed = new TargetFeed({ args: [], files: ['-'], stdin: Readable.from(['198.51.100.1\n198.51.100.2\n\n10.1.2.3.4\n198.51.100.3\n']) });
  t.deepEqual(await drain(feed), ['198.51.100.1', '198.51.100.2']);
  t.true(feed.error instanceof TargetListError);
  t.is(feed.error!.message, 'stdin:4: "10.1.2.3.4" is not an IPv4 address: 5 parts, need a dotted quad a.b.c.d, each 0-255, e.g. 192.0.2.1');
});

test('the feed: a /8 is handed out one address at a time, never expanded', async (t) => {
  const feed = new TargetFeed({ args: [parseTarget('10.0.0.0/8'), parseTarget('198.51.100.1')] });
  const first = await drain(feed, 300);
  t.deepEqual(first.slice(0, 3), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  t.is(first[299], '10.0.1.44');
  t.false(feed.exhausted);
  feed.close();
  t.is(feed.take({ address: 0, name: null }), FEED.end);
});

test('the feed: starved while a name resolves, then onReady', async (t) => {
  let release: (a: string) => void = () => {};
  let asked: () => void = () => {};
  const lookupStarted = new Promise<void>((r) => (asked = r));
  let readies = 0;
  const feed = new TargetFeed({
    args: [parseTarget('198.51.100.1'), parseTarget('late.lab')],
    resolve: () =>
      new Promise<string>((r) => {
        release = r;
        asked();
      }),
    onReady: () => readies++,
  });
  await feed.start();
  const slot: FeedTarget = { address: 0, name: null };
  t.is(feed.take(slot), FEED.target);
  t.is(feed.take(slot), FEED.starved);
  await lookupStarted;
  t.is(feed.take(slot), FEED.starved);
  t.is(readies, 0);
  release('192.0.2.77');
  await new Promise((r) => setTimeout(r, 5));
  t.is(readies, 1);
  t.is(feed.take(slot), FEED.target);
  t.deepEqual([formatIpv4(slot.address), slot.name], ['192.0.2.77', 'late.lab']);
  t.is(feed.take(slot), FEED.end);
});

// ---- IPv6 (sweep -6) ----------------------------------------------------------------------------

/** A spec's or a feed target's IPv6 address. */
function text6(high: Uint8Array | null | undefined, low: number): string {
  return new TargetAddress().of({ address: low, name: null, high: high ?? null }).text;
}

test('IPv6: an address, a block (every address of it, as fping -6 -g) and a range keep their upper 96 bits beside', (t) => {
  const one = parseTarget('2001:db8::1', 6);
  t.is(one.kind, TARGET_KIND.address);
  t.is(text6(one.high, one.first), '2001:db8::1');
  t.is(targetCount(one), 1);
  const block = parseTarget('2001:db8:ff::17/120', 6);
  t.is(block.kind, TARGET_KIND.block);
  t.deepEqual([text6(block.high, block.first), text6(block.high, block.last)], ['2001:db8:ff::', '2001:db8:ff::ff']);
  t.is(targetCount(block), 256);
  t.is(targetCount(parseTarget('2001:db8::/104', 6)), 2 ** 24);
  t.is(targetCount(parseTarget('2001:db8::5/128', 6)), 1);
  const range = parseTarget('2001:db8::1:fffe-2001:db8::2:1', 6);
  t.is(range.kind, TARGET_KIND.range);
  t.is(targetCount(range), 4);
  t.is(text6(range.high, range.first + 2), '2001:db8::2:0');
  t.is(parseTarget('gateway.lab', 6).kind, TARGET_KIND.name);
  t.is(parseTarget('fe80::1%lo', 6).kind, TARGET_KIND.name, 'a zone: left to the lookup, which checks it');
});

test('IPv6: more than a /104, a range across a /96 or backwards, the other version: one line each', (t) => {
  const refused = (text: string, version: 4 | 6): string => t.throws(() => parseTarget(text, version), { instanceOf: TargetListError })!.message;
  t.is(refused('2001:db8::/103', 6), '"2001:db8::/103" is 2^25 addresses: sweep takes at most a /104 (16777216) at once, so split it');
  t.is(refused('2001:db8::/129', 6), '"2001:db8::/129": the prefix length must be 0-128');
  t.is(refused('2001:db8::1-2001:db8::1:0:1', 6), '"2001:db8::1-2001:db8::1:0:1" is more than 2^32 addresses: sweep takes at most a /104 (16777216) at once, so split it');
  t.is(refused('2001:db8::-2001:db8::100:0', 6), '"2001:db8::-2001:db8::100:0" is 16777217 addresses: sweep takes at most a /104 (16777216) at once, so split it');
  t.is(targetCount(parseTarget('2001:db8::-2001:db8::ff:ffff', 6)), 2 ** 24);
  t.is(refused('2001:db8::9-2001:db8::2', 6), '"2001:db8::9-2001:db8::2": the range ends before it starts');
  t.is(refused('198.51.100.1', 6), '198.51.100.1: Address family for hostname not supported');
  t.is(refused('198.51.100.0/24', 6), '198.51.100.0/24: Address family for hostname not supported');
  t.is(refused('2001:db8::1', 4), '2001:db8::1: Address family for hostname not supported');
  t.is(refused('2001:db8::/120', 4), '2001:db8::/120: Address family for hostname not supported');
  t.is(refused('2001:db8::zz', 6), '"2001:db8::zz" is not an IPv6 address, a host name, a block (2001:db8::/120) or a range (2001:db8::1-2001:db8::ff)');
});

test('IPv6: the version a target is written in picks the sweep\'s', (t) => {
  t.is(versionOfTarget('2001:db8::/120'), 6);
  t.is(versionOfTarget('2001:db8::1-2001:db8::5'), 6);
  t.is(versionOfTarget('198.51.100.0/24'), 4);
  t.is(versionOfTarget('gateway.lab'), null);
  t.is(configureSweep({ targets: ['gateway.lab', '2001:db8::1'] }).family.version, 6);
  t.is(configureSweep({ targets: ['gateway.lab'] }).family.version, 4);
  t.is(configureSweep({ targets: ['gateway.lab'], version: 6 }).family.version, 6);
});

test('IPv6: the feed hands out a range in order across a 16-bit group, names resolved for IPv6, lines of a file read as IPv6', async (t) => {
  const dir = tempDir(t, 'targets6');
  const file = join(dir, 'hosts6.txt');
  writeFileSync(file, '# IPv6\n2001:db8::a\n2001:db8::10/126\n');
  const feed = new TargetFeed({
    args: [parseTarget('2001:db8::fffe-2001:db8::1:1', 6), parseTarget('six.lab', 6)],
    files: [file],
    version: 6,
    resolve: async (name) => (name === 'six.lab' ? '2001:db8::66' : Promise.reject(new Error(`${name}: Name or service not known`))),
  });
  const slot: FeedTarget = { address: 0, name: null, high: null };
  const out: string[] = [];
  await feed.start();
  for (;;) {
    const state = feed.take(slot);
    if (state === FEED.target) out.push(`${slot.name ?? ''}${slot.name === null ? '' : '='}${text6(slot.high, slot.address)}`);
    else if (state === FEED.end) break;
    else await new Promise((r) => setTimeout(r, 1));
  }
  t.is(feed.error, null);
  t.deepEqual(out, [
    '2001:db8::fffe',
    '2001:db8::ffff',
    '2001:db8::1:0',
    '2001:db8::1:1',
    'six.lab=2001:db8::66',
    '2001:db8::a',
    '2001:db8::10',
    '2001:db8::11',
    '2001:db8::12',
    '2001:db8::13',
  ]);
});
