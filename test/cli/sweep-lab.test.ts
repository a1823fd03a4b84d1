// `rawprobe sweep` in the sweep lab (fixtures/labs/sweep.json, h1 - r1 - t) where t answers for
// all of 198.18.0.0/22 (a local route on its loopback; 198.18.0.0/15 is the benchmarking range,
// used inside the lab only), two addresses of it are silently dropped by nftables on t, and r1
// answers Host Unreachable for 198.18.4.0/24: exact alive and unreachable sets, the same as
// fping's; a --rate that holds, measured from h1's interface counters; a target file with blank
// lines, comments and a bad line; TTL, TOS and size on the wire; a name that does not resolve.
// Each test has its own lab, taken down when it ends.
import test from 'ava';
import { readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Lab } from '../../lib/lab/index.js';
import { MAIN, runCommand, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { findTool } from '../../lib/lab/system.js';
import { must } from '../helpers/lab.js';
import { toolTest } from '../helpers/tools.js';
import { blockLab, blockLabTest, lines, sweepIn, type BlockPlan } from './sweep-common.js';
import { ipv4Sent } from '../helpers/counters.js';

void test;

const BLOCK = '198.18.0.0/22';
const DROPPED = ['198.18.1.7', '198.18.2.200'];
const ROUTER_UNREACHABLE = ['198.18.4.1', '198.18.4.2', '198.18.4.3'];

/** The sweep lab with t answering BLOCK (but DROPPED), and r1 refusing 198.18.4.0/24. */
const PLAN: BlockPlan = { family: 4, block: BLOCK, dropped: DROPPED, unreachable: '198.18.4.0/24' };

const rawprobe = (lab: Lab, args: string[], input?: string): Promise<CliResult> => sweepIn(lab, args, { input });

/** Every host address of a.b.c.0/22 (network and broadcast excluded). */
function blockHosts(): string[] {
  const out: string[] = [];
  for (let i = 1; i < 1023; i++) out.push(`198.18.${i >> 8}.${i & 255}`);
  return out;
}

function sorted(list: Iterable<string>): string[] {
  return [...list].sort();
}

/**
 * tx_packets of an interface as the process `pid` sees it, once it is inside the namespace
 * (`ip netns exec` starts in the machine's own namespace, whose eth0 is another interface).
 */
function txPackets(pid: number, namespaceInode: number, iface = 'eth0'): number | null {
  try {
    if (readlinkSync(`/proc/${pid}/ns/net`) !== `net:[${namespaceInode}]`) return null;
    for (const line of readFileSync(`/proc/${pid}/net/dev`, 'utf8').split('\n')) {
      const [name, rest] = line.split(':');
      if (name?.trim() === iface && rest !== undefined) return Number(rest.trim().split(/\s+/)[9]);
    }
  } catch {
    return null;
  }
  return null;
}

toolTest(['fping'], blockLabTest)('a /22 where two addresses are dropped and the router refuses three more: exact sets, as fping finds them', async (t) => {
  const lab = await blockLab(t, PLAN);
  const targets = [BLOCK, '198.18.4.1-3'];
  // One after the other: Linux lets a router send a burst of about five unreachables to a host,
  // then one a second (ip_error()), and the first run is the one that checks them.
  const ours = await rawprobe(lab, ['-s', '-e', '--rate', 'max', '-r', '1', '-t', '300', ...targets]);
  const asJson = await rawprobe(lab, ['--rate', 'max', '-r', '1', '-t', '300', '--json', ...targets]);
  const theirs = await runCommand(['fping', '-i', '0', '-r', '1', '-t', '300', '-g', BLOCK], { where: { lab, node: 'h1' } });
  const expectedAlive = blockHosts().filter((a) => !DROPPED.includes(a));
  const expectedDead = sorted([...DROPPED, ...ROUTER_UNREACHABLE]);

  t.is(ours.code, 1, 'some did not answer');
  const out = lines(ours.stdout);
  const alive = out.filter((l) => / is alive \([\d.]+ ms\)$/.test(l)).map((l) => l.split(' ')[0]!);
  const dead = out.filter((l) => / is unreachable$/.test(l)).map((l) => l.split(' ')[0]!);
  t.is(alive.length + dead.length, out.length, 'no other lines on stdout');
  t.deepEqual(sorted(alive), sorted(expectedAlive));
  t.deepEqual(sorted(dead), expectedDead);
  t.is(new Set(alive).size, alive.length, 'each target reported once');
  // The router's refusals, named as fping names them.
  const refusals = lines(ours.stderr).filter((l) => l.startsWith('ICMP '));
  t.true(refusals.length >= 3, ours.stderr);
  for (const l of refusals) t.regex(l, /^ICMP Host Unreachable from 203\.0\.113\.2 for ICMP Echo sent to 198\.18\.4\.[123]$/);
  t.regex(ours.stderr, /\n +1025 targets\n +1020 alive\n +5 unreachable\n +0 unknown addresses\n/);

  // The same sets as JSON, no datagram lost in the kernel, nothing counted twice.
  const objects = lines(asJson.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
  const results = objects.filter((o) => o['type'] === 'result');
  t.deepEqual(sorted(results.filter((o) => o['alive'] === true).map((o) => String(o['address']))), sorted(expectedAlive));
  t.deepEqual(sorted(results.filter((o) => o['alive'] === false).map((o) => String(o['address']))), expectedDead);
  t.like(objects.at(-1)!, { type: 'summary', targets: 1025, alive: 1020, unreachable: 5, drops: 0, stray: 0, duplicates: 0 });

  // fping, run the same way in the same lab: the same alive hosts in the /22.
  const fpingAlive = lines(theirs.stdout).filter((l) => l.endsWith(' is alive')).map((l) => l.split(' ')[0]!);
  t.deepEqual(sorted(fpingAlive), sorted(expectedAlive));
  t.deepEqual(sorted(lines(theirs.stdout).filter((l) => l.endsWith(' is unreachable')).map((l) => l.split(' ')[0]!)), sorted(DROPPED));
});

blockLabTest('--rate 1000 holds: packets per second on h1\'s interface within 10%', async (t) => {
  const lab = await blockLab(t, PLAN);
  // 2 probes to each of the 1022 hosts at 1000 per second: about two seconds of sending.
  const child = lab.spawn('h1', [process.execPath, MAIN, 'sweep', '--rate', '1000', '-c', '2', '-p', '1', '-t', '500', '-q', '-s', BLOCK], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const inode = statSync(`/run/netns/${lab.namespace('h1')}`).ino;
  const samples: { at: number; tx: number }[] = [];
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    const tx = txPackets(child.pid!, inode);
    if (tx !== null) samples.push({ at: performance.now(), tx });
    await new Promise((r) => setTimeout(r, 20));
  }
  const code = await exited;
  t.is(code, 1, 'the two dropped addresses did not answer');
  t.regex(stderr, / +1020 alive\n +2 unreachable\n/);
  t.regex(stderr, / +2044 ICMP Echos sent\n/);
  const base = samples[0]!.tx;
  const total = samples.at(-1)!.tx - base;
  t.true(total >= 2000, `${total} packets counted`);
  // The middle of the run: from 10% to 90% of the packets (start-up and the end left out).
  const from = samples.find((s) => s.tx - base >= 0.1 * total)!;
  const to = [...samples].reverse().find((s) => s.tx - base <= 0.9 * total)!;
  const rate = ((to.tx - from.tx) * 1000) / (to.at - from.at);
  t.true(Math.abs(rate - 1000) <= 100, `${rate.toFixed(0)} packets per second`);
  t.log(`measured ${rate.toFixed(0)} packets per second over ${(to.at - from.at).toFixed(0)} ms`);
});

blockLabTest('a target file with blank lines, comments and a bad line: the line is named and nothing is sent', async (t) => {
  const lab = await blockLab(t, PLAN);
  const dir = tempDir(t, 'sweep-lab');
  const good = join(dir, 'good.txt');
  const bad = join(dir, 'bad.txt');
  writeFileSync(good, '# the lab\n\n198.18.0.1\n\n198.18.0.8/30   # a small block\n198.18.1.7  # dropped by t\n198.18.3.250-252\n');
  writeFileSync(bad, '198.18.0.1\n# comment\n\n198.18.0.2\n198.18.0.300\n198.18.0.3\n');
  const tx = async (): Promise<number> => Number((await lab.exec('h1', ['cat', '/sys/class/net/eth0/statistics/tx_packets'])).stdout.trim());
  const before = await tx();
  const refused = await rawprobe(lab, ['-f', bad]);
  const after = await tx();
  t.is(refused.code, 2);
  t.is(refused.stdout, '');
  t.is(refused.stderr, `rawprobe: ${bad}:5: "198.18.0.300" is not an IPv4 address: "300" at position 9 is not 0-255 (need a dotted quad a.b.c.d, each 0-255, e.g. 192.0.2.1)\n`);
  t.is(after, before, 'not a packet left h1');

  const ok = await rawprobe(lab, ['-f', good, '-r', '0', '-t', '200']);
  t.is(ok.code, 1);
  t.deepEqual(
    sorted(lines(ok.stdout).map((l) => l.replace(/ \([\d.]+ ms\)$/, ''))),
    sorted([
      '198.18.0.1 is alive',
      '198.18.0.9 is alive',
      '198.18.0.10 is alive',
      '198.18.1.7 is unreachable',
      '198.18.3.250 is alive',
      '198.18.3.251 is alive',
      '198.18.3.252 is alive',
    ]),
  );
});

blockLabTest('TTL, TOS and size reach the wire: Time Exceeded from the router, EF counted on t, 108-byte replies', async (t) => {
  const lab = await blockLab(t, PLAN);
  const nft = (await findTool('nft')) ?? 'nft';
  const ttl1 = await rawprobe(lab, ['--ttl', '1', '-r', '0', '-t', '300', '198.18.0.1', '198.18.0.2']);
  t.is(ttl1.code, 1);
  t.deepEqual(sorted(lines(ttl1.stdout)), ['198.18.0.1 is unreachable', '198.18.0.2 is unreachable']);
  t.deepEqual(sorted(lines(ttl1.stderr).filter((l) => l.startsWith('ICMP'))), [
    'ICMP Time Exceeded from 203.0.113.2 for ICMP Echo sent to 198.18.0.1',
    'ICMP Time Exceeded from 203.0.113.2 for ICMP Echo sent to 198.18.0.2',
  ]);
  // fping's -q: no line per target and no ICMP error lines, though the errors came and count.
  const quiet = await rawprobe(lab, ['-q', '-s', '--ttl', '1', '-r', '0', '-t', '300', '198.18.0.1', '198.18.0.2']);
  t.is(quiet.code, 1);
  t.is(quiet.stdout, '');
  t.false(quiet.stderr.includes('Time Exceeded'), quiet.stderr);
  t.regex(quiet.stderr, /\n +2 unreachable\n[\s\S]*\n +2 other ICMP received\n/);
  const quietDead = await rawprobe(lab, ['-q', '-u', '--ttl', '1', '-r', '0', '-t', '300', '198.18.0.1']);
  t.is(quietDead.stdout, '198.18.0.1\n', '-u still lists the unreachable');
  t.is(quietDead.stderr, '');

  const count = `table ip sweeptos {\n  chain input {\n    type filter hook input priority -10;\n    icmp type echo-request ip dscp ef counter\n  }\n}\n`;
  await must(lab.exec('t', [nft, '-f', '-'], { input: count }), 'nft counter on t');
  // fping's letters: -O the TOS, -b the size (the long names too).
  const tos = await rawprobe(lab, ['-O', 'EF', '-b', '100', '-c', '2', '-p', '10', '198.18.0.1', '198.18.0.2']);
  t.is(tos.code, 0, tos.stderr);
  for (const l of lines(tos.stdout)) t.regex(l, /^198\.18\.0\.[12] : \[[01]\], 108 bytes, [\d.]+ ms \([\d.]+ avg, 0% loss\)$/);
  const counter = (await lab.exec('t', [nft, 'list', 'table', 'ip', 'sweeptos'])).stdout;
  t.regex(counter, /counter packets 4 bytes 512/, 'four 128-byte echo requests marked EF');
});

toolTest(['fping'], blockLabTest)('-H 1 and -O, fping\'s TTL and TOS: the same lines as fping run the same way in the lab', async (t) => {
  const lab = await blockLab(t, PLAN);
  for (const args of [['-H', '1', '-r', '0', '-t', '300', '198.18.0.1', '198.18.0.2'], ['-O', '0xb8', '-c', '2', '-p', '50', '198.18.0.3']]) {
    const ours = await rawprobe(lab, args);
    const theirs = await runCommand(['fping', ...args], { where: { lab, node: 'h1' } });
    t.is(ours.code, theirs.code, `${args.join(' ')}: ${ours.stderr} / ${theirs.stderr}`);
    const mask = (text: string): string[] => lines(text).map((l) => l.replace(/(?<![\d.])\d+\.\d+(?![\d.])/g, 'T')).sort();
    t.deepEqual(mask(ours.stdout), mask(theirs.stdout), args.join(' '));
    t.deepEqual(mask(ours.stderr), mask(theirs.stderr), args.join(' '));
  }
});

blockLabTest('-b 3000: each probe leaves h1 as three fragments and its reply comes back whole, as fping\'s do', async (t) => {
  const lab = await blockLab(t, PLAN);
  const tx = await ipv4Sent(lab, 'h1');
  const before = await tx();
  const r = await rawprobe(lab, ['-b', '3000', '-c', '1', '198.18.0.1', '198.18.0.2']);
  t.is((await tx()) - before, 6, '3028 bytes over a 1500-byte link: three pieces per probe');
  t.is(r.code, 0, r.stderr);
  const replies = sorted(lines(r.stdout));
  t.is(replies.length, 2);
  for (const [i, l] of replies.entries()) t.regex(l, new RegExp(`^198\\.18\\.0\\.${i + 1} : \\[0\\], 3008 bytes, `));
});

blockLabTest('a name that does not resolve (no resolver in the lab): reported, the rest swept, exit 2', async (t) => {
  const lab = await blockLab(t, PLAN);
  const r = await rawprobe(lab, ['-s', '-r', '0', 'no-such-host.invalid', '198.18.0.5']);
  t.is(r.code, 2);
  t.deepEqual(lines(r.stdout).map((l) => l.replace(/ \([\d.]+ ms\)$/, '')), ['198.18.0.5 is alive']);
  t.regex(r.stderr, /^no-such-host\.invalid: [^\n]+\n/);
  t.regex(r.stderr, /\n +1 targets\n +1 alive\n +0 unreachable\n +1 unknown addresses\n/);
  // -q, as fping's: neither the name's warning nor the alive line; the count and exit code stay.
  const quiet = await rawprobe(lab, ['-q', '-s', '-r', '0', 'no-such-host.invalid', '198.18.0.5']);
  t.is(quiet.code, 2);
  t.is(quiet.stdout, '');
  t.false(quiet.stderr.includes('no-such-host'), quiet.stderr);
  t.regex(quiet.stderr, /\n +1 targets\n +1 alive\n +0 unreachable\n +1 unknown addresses\n/);
});
