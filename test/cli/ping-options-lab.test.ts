// ping's IPv4 options and socket options (issue 20) through the chain3 lab (h1 - r1 - r2 - r3 -
// h2), each next to iputils ping run the same way in the same lab: -R prints the same route
// there and back, -T the same timestamp lines (times masked), -I IFNAME binds to the interface
// and says so in the header, -b pings a link's broadcast address, -r reaches an attached host,
// -m marks every probe as nftables sees it. Each test has its own lab, taken down when it ends.
import test from 'ava';
import type { Lab } from '../../lib/lab/index.js';
import { findTool } from '../../lib/lab/system.js';
import { rawprobe as cli, runCommand, type CliResult } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';

void test;
const withIputils = toolTest(['ping'], rootTest());

function rawprobe(lab: Lab, args: string[]): Promise<CliResult> {
  return cli(['ping', ...args], { where: { lab, node: 'h1' }, timeoutMs: 30_000 });
}

function iputils(lab: Lab, args: string[]): Promise<CliResult> {
  return runCommand(['ping', ...args], { where: { lab, node: 'h1' }, timeoutMs: 30_000 });
}

/**
 * Everything but the times: "time=T ms", "time Tms", the rtt line, and -T's milliseconds since
 * midnight (absolute and differences), which differ from run to run.
 */
function masked(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/time=[\d.]+ ms/, 'time=T ms').replace(/, time \d+ms$/, ', time Tms').replace(/^rtt .*/, 'rtt'))
    .map((l) => l.replace(/^(TS: )?(\t[\d.]+)?\t-?\d+( absolute)?$/, (_, ts = '', address = '', absolute = '') => `${ts}${address}\tT${absolute}`));
}

/** Ours and iputils', one after the other (the routers' ICMP is rate-limited per destination). */
async function both(lab: Lab, args: string[]): Promise<{ ours: CliResult; theirs: CliResult }> {
  const ours = await rawprobe(lab, args);
  return { ours, theirs: await iputils(lab, args) };
}

withIputils('-R through three routers: the same route there and back as iputils ping -R, then "(same route)"', async (t) => {
  const lab = await withLab(t, 'chain3');
  const h2 = lab.address('h2');
  const { ours, theirs } = await both(lab, ['-R', '-c', '2', '-i', '0.2', h2]);
  t.is(ours.code, 0, ours.stderr);
  t.is(theirs.code, 0, theirs.stderr);
  t.deepEqual(masked(ours.stdout), masked(theirs.stdout));
  // The route itself: h1, each router's far side there, h2, and each router's near side back.
  const route = ours.stdout.split('\n').filter((l) => l.startsWith('RR: ') || /^\t[\d.]+$/.test(l)).map((l) => l.replace(/^RR: /, '').trim());
  const there = lab.path('h1', 'h2').hops.map((h) => h.address);
  t.is(route.length, 9, ours.stdout);
  t.is(route[0], lab.address('h1'));
  t.deepEqual(route.slice(4, 6), [h2, h2], 'h2 records itself on the way in and on the way out');
  t.is(there.at(-1), h2);
  t.regex(ours.stdout, /icmp_seq=2 ttl=61 time=[\d.]+ ms\t\(same route\)\n/);
  t.regex(ours.stdout, /^PING \S+ \(\S+\) 56\(124\) bytes of data\.\n/);
});

withIputils('-T tsonly, tsandaddr and tsprespec: the same timestamp lines as iputils ping -T', async (t) => {
  const lab = await withLab(t, 'chain3');
  const h2 = lab.address('h2');
  const r2 = lab.path('h1', 'h2').hops[1]!.address!;
  for (const args of [['-T', 'tsonly', h2], ['-T', 'tsandaddr', h2], ['-T', 'tsprespec', r2, h2]]) {
    const { ours, theirs } = await both(lab, ['-c', '1', ...args]);
    t.is(ours.code, 0, `${args.join(' ')}: ${ours.stderr}`);
    t.deepEqual(masked(ours.stdout), masked(theirs.stdout), args.join(' '));
    t.regex(ours.stdout, /\nTS: \t/, args.join(' '));
  }
  const stamped = await rawprobe(lab, ['-c', '1', '-T', 'tsandaddr', h2]);
  t.regex(stamped.stdout, new RegExp(`\\nTS: \\t${lab.address('h1').replace(/\./g, '\\.')}\\t\\d+ absolute\\n`), 'our own slot first, as the kernel fills a sender\'s');
  const prespecified = await rawprobe(lab, ['-c', '1', '-T', 'tsprespec', r2, h2]);
  t.regex(prespecified.stdout, new RegExp(`\\nTS: \\t${r2.replace(/\./g, '\\.')}\\t\\d+ absolute\\n`), 'r2 stamped the slot it was given');
});

withIputils('-I eth0 binds to the interface (SO_BINDTODEVICE) and names it in the header; an unknown one is one line; -B and -r as iputils', async (t) => {
  const lab = await withLab(t, 'chain3');
  const h2 = lab.address('h2');
  const r1 = lab.path('h1', 'h2').hops[0]!.address!;
  for (const args of [['-I', 'eth0', h2], ['-B', h2], ['-r', r1]]) {
    const { ours, theirs } = await both(lab, ['-c', '1', ...args]);
    t.is(ours.code, 0, `${args.join(' ')}: ${ours.stderr}`);
    t.deepEqual(masked(ours.stdout), masked(theirs.stdout), args.join(' '));
  }
  const { ours } = await both(lab, ['-c', '1', '-I', 'eth0', h2]);
  t.regex(ours.stdout, new RegExp(`^PING ${h2} \\(${h2}\\) from ${lab.address('h1')} eth0: 56\\(84\\) bytes of data\\.\\n`));
  const unknown = await both(lab, ['-c', '1', '-I', 'nosuch0', h2]);
  t.is(unknown.ours.code, 2);
  t.is(unknown.ours.stderr, 'rawprobe: SO_BINDTODEVICE nosuch0: No such device\n');
  t.is(unknown.ours.stderr.replace(/^rawprobe: /, ''), unknown.theirs.stderr.replace(/^ping: /, ''));
  // -r: h2 is not on an attached network, so the kernel refuses to send there.
  const far = await rawprobe(lab, ['-c', '1', '-r', h2]);
  t.is(far.code, 1, far.stderr);
  t.regex(far.stdout, /\n1 packets transmitted, 0 received, \+1 errors, 100% packet loss/);
});

withIputils('-b: a broadcast address answered by r1, as iputils ping -b; without -b iputils\' question', async (t) => {
  const lab = await withLab(t, 'chain3');
  await lab.exec('r1', ['sysctl', '-qw', 'net.ipv4.icmp_echo_ignore_broadcasts=0']);
  const r1 = lab.path('h1', 'h2').hops[0]!.address!;
  // h1 - r1 is a /30: its broadcast address is r1's plus one.
  const broadcast = r1.replace(/\d+$/, (n) => String(Number(n) + 1));
  const { ours, theirs } = await both(lab, ['-b', '-c', '2', '-i', '0.2', broadcast]);
  t.is(ours.code, 0, ours.stderr);
  t.deepEqual(masked(ours.stdout), masked(theirs.stdout));
  t.is(ours.stderr, 'WARNING: pinging broadcast address\n');
  t.is(ours.stderr, theirs.stderr);
  t.regex(ours.stdout, new RegExp(`\\n64 bytes from ${r1.replace(/\./g, '\\.')}: icmp_seq=1 ttl=64 `));
  const refused = await both(lab, ['-c', '1', broadcast]);
  t.is(refused.ours.code, 2);
  t.is(refused.ours.stdout, '');
  t.is(refused.ours.stderr.replace(/^rawprobe: /, ''), refused.theirs.stderr.replace(/^ping: /, ''));
});

toolTest(['ping', 'nft'], rootTest())('-m 42: every probe carries the mark nftables sees, as iputils ping -m\'s do', async (t) => {
  const lab = await withLab(t, 'chain3');
  const nft = (await findTool('nft')) ?? 'nft';
  const h2 = lab.address('h2');
  const ruleset = 'table ip pingmark {\n  chain output {\n    type filter hook output priority 0;\n    meta mark 42 icmp type echo-request counter\n  }\n}\n';
  const added = await lab.exec('h1', [nft, '-f', '-'], { input: ruleset });
  t.is(added.code, 0, added.stderr);
  const counted = async (): Promise<number> => Number(/counter packets (\d+)/.exec((await lab.exec('h1', [nft, 'list', 'table', 'ip', 'pingmark'])).stdout)![1]);
  const ours = await rawprobe(lab, ['-m', '42', '-c', '3', '-i', '0.05', h2]);
  t.is(ours.code, 0, ours.stderr);
  t.is(await counted(), 3, 'our three probes marked');
  const theirs = await iputils(lab, ['-m', '42', '-c', '3', '-i', '0.05', h2]);
  t.is(theirs.code, 0, theirs.stderr);
  t.is(await counted(), 6, 'and iputils\' three');
  t.deepEqual(masked(ours.stdout).filter((l) => l.includes('bytes from')), masked(theirs.stdout).filter((l) => l.includes('bytes from')));
  const unmarked = await rawprobe(lab, ['-c', '1', h2]);
  t.is(unmarked.code, 0);
  t.is(await counted(), 6, 'no mark without -m');
});
