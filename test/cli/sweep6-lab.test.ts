// `rawprobe sweep -6` in the sweep lab with IPv6 on (fixtures/labs/sweep.json, h1 - r1 - t): t
// answers for all of 2001:db8:ff::/120 (a local route on its loopback), two addresses of it are
// silently dropped by nftables on t, and r1 answers No route for 2001:db8:fe::/120. The alive and
// unreachable sets are exact and the same as `fping -6`'s in the same lab (fping 5.1 cannot
// generate IPv6 lists, so it reads the expanded /120 from a file); ICMPv6 errors come in fping's
// words; count mode's lines match fping -6's; hop limit and traffic class reach the wire; a block
// larger than a /104 and an address of the other version are refused in one line, nothing sent.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../lib/lab/index.js';
import { runCommand, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { findTool } from '../../lib/lab/system.js';
import { must } from '../helpers/lab.js';
import { toolTest } from '../helpers/tools.js';
import { blockLab, blockLabTest, lines, sweepIn, type BlockPlan } from './sweep-common.js';

void test;

const BLOCK = '2001:db8:ff::/120';
const DROPPED = ['2001:db8:ff::7', '2001:db8:ff::c8'];
const NO_ROUTE = ['2001:db8:fe::1', '2001:db8:fe::2', '2001:db8:fe::3'];

/** The sweep lab with IPv6, t answering BLOCK (but DROPPED), r1 without a route to 2001:db8:fe::/120. */
const PLAN: BlockPlan = { family: 6, block: BLOCK, dropped: DROPPED, unreachable: '2001:db8:fe::/120' };

const rawprobe = (lab: Lab, args: string[]): Promise<CliResult> => sweepIn(lab, args, { timeoutMs: 60_000 });

function fping(lab: Lab, args: string[]): Promise<CliResult> {
  return runCommand(['fping', '-6', ...args], { where: { lab, node: 'h1' }, timeoutMs: 60_000 });
}

/** Every address of 2001:db8:ff::/120, as inet_ntop writes them. */
function blockAddresses(): string[] {
  return Array.from({ length: 256 }, (_, i) => (i === 0 ? '2001:db8:ff::' : `2001:db8:ff::${i.toString(16)}`));
}

const sorted = (list: Iterable<string>): string[] => [...list].sort();
const hostsWith = (text: string, suffix: RegExp): string[] => lines(text).filter((l) => suffix.test(l)).map((l) => l.split(' ')[0]!);

toolTest(['fping'], blockLabTest)('a /120 where two addresses are dropped and the router has no route for three more: exact sets, as fping -6 finds them', async (t) => {
  const lab = await blockLab(t, PLAN);
  const dir = tempDir(t, 'sweep6-lab');
  const list = join(dir, 'block.txt');
  writeFileSync(list, `${blockAddresses().join('\n')}\n`);
  const expectedAlive = blockAddresses().filter((a) => !DROPPED.includes(a));
  // One after the other: the router's ICMPv6 errors are rate limited per destination (the first run checks them).
  const ours = await rawprobe(lab, ['-6', '-s', '-e', '--rate', 'max', '-r', '1', '-t', '300', BLOCK, '2001:db8:fe::1-2001:db8:fe::3']);
  const asJson = await rawprobe(lab, ['--rate', 'max', '-r', '1', '-t', '300', '--json', BLOCK, '2001:db8:fe::1-2001:db8:fe::3']);
  const theirs = await fping(lab, ['-i', '0', '-r', '1', '-t', '300', '-f', list]);

  t.is(ours.code, 1, ours.stderr);
  const alive = hostsWith(ours.stdout, / is alive \([\d.]+ ms\)$/);
  const dead = hostsWith(ours.stdout, / is unreachable$/);
  t.is(alive.length + dead.length, lines(ours.stdout).length, 'no other lines on stdout');
  t.deepEqual(sorted(alive), sorted(expectedAlive));
  t.deepEqual(sorted(dead), sorted([...DROPPED, ...NO_ROUTE]));
  t.is(new Set(alive).size, alive.length, 'each target reported once');
  const r1 = lab.path('h1', 't', 6).hops[0]!.address;
  const refusals = lines(ours.stderr).filter((l) => l.startsWith('ICMP'));
  t.true(refusals.length >= 3, ours.stderr);
  for (const l of refusals) t.regex(l, new RegExp(`^ICMPv6 Destination Unreachable \\(No route to destination\\) from ${r1} for ICMPv6 Echo Request sent to 2001:db8:fe::[123]$`));
  t.regex(ours.stderr, /\n +259 targets\n +254 alive\n +5 unreachable\n +0 unknown addresses\n/);

  // Without -6: the first address picks IPv6; the same sets as JSON, nothing lost or counted twice.
  const objects = lines(asJson.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
  const results = objects.filter((o) => o['type'] === 'result');
  t.deepEqual(sorted(results.filter((o) => o['alive'] === true).map((o) => String(o['address']))), sorted(expectedAlive));
  t.like(objects.at(-1)!, { type: 'summary', targets: 259, alive: 254, unreachable: 5, duplicates: 0 });

  // fping -6 in the same lab: the same alive and unreachable addresses of the /120.
  t.deepEqual(sorted(hostsWith(theirs.stdout, / is alive$/)), sorted(expectedAlive));
  t.deepEqual(sorted(hostsWith(theirs.stdout, / is unreachable$/)), sorted(DROPPED));
});

toolTest(['fping'], blockLabTest)('count mode: the lines fping -6 -c prints, reply sizes and losses alike', async (t) => {
  const lab = await blockLab(t, PLAN);
  const targets = ['2001:db8:ff::1', '2001:db8:ff::7', '2001:db8:ff::2'];
  const args = ['-c', '2', '-p', '100', '-t', '300', ...targets];
  const [ours, theirs] = await Promise.all([rawprobe(lab, ['-6', ...args]), fping(lab, args)]);
  t.is(ours.code, 1, ours.stderr);
  t.is(theirs.code, 1, theirs.stderr);
  const shape = (text: string): string[] => sorted(lines(text).map((l) => l.replace(/[\d.]+ ms/, 'T ms').replace(/\(([\d.]+|NaN) avg/, '(A avg')));
  t.deepEqual(shape(ours.stdout), shape(theirs.stdout));
  t.true(lines(ours.stdout).includes('2001:db8:ff::7 : [1], timed out (NaN avg, 100% loss)'));
  const summaries = (text: string): string[] => sorted(lines(text).filter((l) => l.includes('xmt/rcv/%loss')).map((l) => l.replace(/, min\/avg\/max = .*/, '')));
  t.deepEqual(summaries(ours.stderr), summaries(theirs.stderr));
  t.deepEqual(summaries(ours.stderr), ['2001:db8:ff::1 : xmt/rcv/%loss = 2/2/0%', '2001:db8:ff::2 : xmt/rcv/%loss = 2/2/0%', '2001:db8:ff::7 : xmt/rcv/%loss = 2/0/100%']);
});

blockLabTest('hop limit and traffic class reach the wire: Time Exceeded from the router, EF counted on t, 108-byte replies', async (t) => {
  const lab = await blockLab(t, PLAN);
  const nft = (await findTool('nft')) ?? 'nft';
  const r1 = lab.path('h1', 't', 6).hops[0]!.address;
  const hop1 = await rawprobe(lab, ['-H', '1', '-r', '0', '-t', '300', '2001:db8:ff::1', '2001:db8:ff::2']);
  t.is(hop1.code, 1);
  t.deepEqual(sorted(lines(hop1.stdout)), ['2001:db8:ff::1 is unreachable', '2001:db8:ff::2 is unreachable']);
  t.deepEqual(sorted(lines(hop1.stderr).filter((l) => l.startsWith('ICMP'))), [
    `ICMPv6 Time Exceeded (Hop limit exceeded in transit) from ${r1} for ICMPv6 Echo Request sent to 2001:db8:ff::1`,
    `ICMPv6 Time Exceeded (Hop limit exceeded in transit) from ${r1} for ICMPv6 Echo Request sent to 2001:db8:ff::2`,
  ]);

  const count = `table ip6 sweeptos {\n  chain input {\n    type filter hook input priority -10;\n    icmpv6 type echo-request ip6 dscp ef counter\n  }\n}\n`;
  await must(lab.exec('t', [nft, '-f', '-'], { input: count }), 'nft counter on t');
  const tos = await rawprobe(lab, ['-6', '-O', 'EF', '-b', '100', '-c', '2', '-p', '10', '2001:db8:ff::1', '2001:db8:ff::2']);
  t.is(tos.code, 0, tos.stderr);
  for (const l of lines(tos.stdout)) t.regex(l, /^2001:db8:ff::[12] : \[[01]\], 108 bytes, [\d.]+ ms \([\d.]+ avg, 0% loss\)$/);
  t.is(lines(tos.stdout).length, 4);
  const counted = await must(lab.exec('t', [nft, 'list', 'table', 'ip6', 'sweeptos']), 'nft list on t');
  t.regex(counted.stdout, /counter packets 4 bytes/);
});

blockLabTest('a block larger than a /104, an IPv4 address with -6, an IPv6 one with -4: one line, exit 2, nothing sent', async (t) => {
  const lab = await blockLab(t, PLAN);
  const nft = (await findTool('nft')) ?? 'nft';
  // Echo requests counted as h1 sends them (the interface's own counter also sees the kernel's neighbour discovery).
  const count = `table ip6 sent {\n  chain output {\n    type filter hook output priority 0;\n    icmpv6 type echo-request counter\n  }\n}\n`;
  await must(lab.exec('h1', [nft, '-f', '-'], { input: count }), 'nft counter on h1');
  const cases: [string[], string][] = [
    [['2001:db8:ff::/64'], 'rawprobe: "2001:db8:ff::/64" is 2^64 addresses: sweep takes at most a /104 (16777216) at once, so split it\n'],
    [['2001:db8::1-2001:db8::1:0:0'], 'rawprobe: "2001:db8::1-2001:db8::1:0:0" is more than 2^32 addresses: sweep takes at most a /104 (16777216) at once, so split it\n'],
    [['-6', '2001:db8:ff::1', '198.51.100.1'], 'rawprobe: 198.51.100.1: Address family for hostname not supported\n'],
    [['2001:db8:ff::1', '198.18.0.0/24'], 'rawprobe: 198.18.0.0/24: Address family for hostname not supported\n'],
    [['-4', '2001:db8:ff::1'], 'rawprobe: 2001:db8:ff::1: Address family for hostname not supported\n'],
  ];
  for (const [args, stderr] of cases) {
    const r = await rawprobe(lab, args);
    t.is(r.code, 2, args.join(' '));
    t.is(r.stdout, '', args.join(' '));
    t.is(r.stderr, stderr, args.join(' '));
  }
  const counted = await must(lab.exec('h1', [nft, 'list', 'table', 'ip6', 'sent']), 'nft list on h1');
  t.regex(counted.stdout, /counter packets 0 bytes 0/, 'not an echo request left h1');
});

blockLabTest('binary targets: a list written every which way, a /120 and a range find the same hosts; the summary counts the ICMPv6 socket\'s drops', async (t) => {
  const lab = await blockLab(t, PLAN);
  const dir = tempDir(t, 'sweep6-binary');
  const list = join(dir, 'mixed.txt');
  // Full form, upper case, leading zeros and trailing comments, CRLF: each line is its address.
  const written = blockAddresses().map((a, i) => (i % 3 === 0 ? a.toUpperCase() : i % 3 === 1 ? `${a.replace('2001:db8:ff::', '2001:0db8:00ff:0:0:0:0:')}${a.endsWith('::') ? '0' : ''}` : `${a} # ${i}`));
  writeFileSync(list, `${written.join('\r\n')}\r\n`);
  const expectedAlive = sorted(blockAddresses().filter((a) => !DROPPED.includes(a)));
  const run = async (args: string[]): Promise<{ alive: string[]; summary: Record<string, unknown> }> => {
    const r = await rawprobe(lab, ['-6', '--rate', 'max', '-r', '1', '-t', '300', '--json', ...args]);
    t.is(r.code, 1, r.stderr);
    const objects = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    const alive = objects.filter((o) => o['type'] === 'result' && o['alive'] === true).map((o) => String(o['address']));
    return { alive: sorted(alive), summary: objects.at(-1)! };
  };
  const listed = await run(['-f', list]);
  const block = await run([BLOCK]);
  const range = await run(['2001:db8:ff::-2001:db8:ff::ff']);
  for (const [what, got] of [['list', listed], ['block', block], ['range', range]] as const) {
    t.deepEqual(got.alive, expectedAlive, what);
    t.like(got.summary, { type: 'summary', targets: 256, alive: 254, unreachable: 2, stray: 0 }, what);
    t.is(typeof got.summary['drops'], 'number', `${what}: the ICMPv6 socket's drop count, from /proc/net/raw6`);
  }
});

blockLabTest('a send the kernel refuses (no route on h1) ends its target, first, last or all of them: the sweep never waits on it; lines as fping\'s', async (t) => {
  const lab = await blockLab(t, PLAN);
  await must(lab.exec('h1', ['ip', '-6', 'route', 'add', 'unreachable', '2001:db8:fd::/64']), 'an unreachable route on h1');
  const refused = /^2001:db8:fd::[12]: error while sending ping: \S+ E\w+ /;
  // The last target refused, the first, every one: it used to hang when no answer was left to
  // wake the engine after the refusal. A hang fails here at the time limit.
  for (const targets of [['2001:db8:ff::1', '2001:db8:fd::1'], ['2001:db8:fd::1', '2001:db8:ff::1'], ['2001:db8:fd::1', '2001:db8:fd::2']]) {
    const r = await sweepIn(lab, ['-6', '-t', '300', '-r', '1', ...targets], { timeoutMs: 20_000 });
    const what = targets.join(' ');
    t.is(r.code, 1, what);
    t.deepEqual(sorted(hostsWith(r.stdout, / is alive$/)), targets.filter((a) => a.startsWith('2001:db8:ff::')), what);
    t.deepEqual(sorted(hostsWith(r.stdout, / is unreachable$/)), sorted(targets.filter((a) => a.startsWith('2001:db8:fd::'))), what);
    const told = lines(r.stderr);
    t.is(told.length, targets.filter((a) => a.startsWith('2001:db8:fd::')).length, `${what}: one line per refused target (no retry after a refusal)`);
    for (const l of told) t.regex(l, refused, what);
  }
  // As fping's: the refusal is told only in the plain output, not with -u or in count mode.
  const u = await sweepIn(lab, ['-6', '-u', '-r', '0', '2001:db8:ff::1', '2001:db8:fd::1'], { timeoutMs: 20_000 });
  t.deepEqual([u.code, u.stdout, u.stderr], [1, '2001:db8:fd::1\n', '']);
  const c = await sweepIn(lab, ['-6', '-c', '2', '-p', '20', '2001:db8:ff::1', '2001:db8:fd::1'], { timeoutMs: 20_000 });
  t.is(c.code, 1);
  t.false(c.stderr.includes('error while sending'), c.stderr);
  t.regex(c.stderr, /^2001:db8:fd::1 : xmt\/rcv\/%loss = 2\/0\/100%$/m);
  t.regex(c.stderr, /^2001:db8:ff::1 : xmt\/rcv\/%loss = 2\/2\/0%, /m);
});
