// `rawprobe ping -6` across the namespace labs with IPv6 on (fixtures/labs with "ipv6": true),
// next to iputils `ping -6` in the same lab: replies across three routers with hop limit 61,
// Time Exceeded from the first and second router with -t 1 and -t 2, Destination Unreachable
// from a router without a route, and an MTU bottleneck of 1280: Packet Too Big with -M do, our
// own fragments with -M want. The routers' ICMPv6 rate limit is off where every answer counts.
import { rawprobe as cli, runCommand, type CliResult } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';
import type { Lab } from '../../lib/lab/index.js';

const withIputils = toolTest(['ping'], rootTest());

function rawprobe(lab: Lab, args: string[]): Promise<CliResult> {
  return cli(['ping', '-6', ...args], { where: { lab, node: 'h1' }, timeoutMs: 30_000 });
}

function iputils(lab: Lab, args: string[]): Promise<CliResult> {
  return runCommand(['ping', '-6', ...args], { where: { lab, node: 'h1' }, timeoutMs: 30_000 });
}

const lines = (r: CliResult): string[] => r.stdout.split('\n');
const countsLine = (r: CliResult): string => (lines(r).find((l) => / packets transmitted, /.test(l)) ?? '').replace(/time \d+ms/, '');
const replies = (r: CliResult): string[] => lines(r).filter((l) => l.includes('bytes from')).map((l) => l.replace(/ time=.*/, ''));

const noRatelimit = { r1: { role: 'router' as const, icmpRatelimit: false }, r2: { role: 'router' as const, icmpRatelimit: false }, r3: { role: 'router' as const, icmpRatelimit: false } };

withIputils('across three routers: replies with hop limit 61, as iputils ping -6 sees them', async (t) => {
  const lab = await withLab(t, 'chain3', { ipv6: true });
  const h2 = lab.address('h2', { family: 6 });
  const args = ['-c', '3', '-i', '0.05', h2];
  const [ours, theirs] = await Promise.all([rawprobe(lab, args), iputils(lab, args)]);
  t.is(ours.code, 0, ours.stderr);
  t.is(lines(ours)[0], `PING ${h2}(${h2}) 56 data bytes`);
  t.is(lines(ours)[0], lines(theirs)[0]);
  t.deepEqual(replies(ours), [1, 2, 3].map((n) => `64 bytes from ${h2}: icmp_seq=${n} ttl=61`));
  t.deepEqual(replies(ours), replies(theirs));
  t.is(countsLine(ours), countsLine(theirs));
});

withIputils('-t 1 and -t 2: Time exceeded: Hop limit from the first and second router; no route: Destination unreachable; exit 1', async (t) => {
  const lab = await withLab(t, 'chain3', { ipv6: true, nodes: noRatelimit });
  const h2 = lab.address('h2', { family: 6 });
  const hops = lab.path('h1', 'h2', 6).hops;
  const nowhere = '2001:db8:ff::1'; // h1's default route leads to r1, which has no route there
  const [one, two, theirs, unreachable, theirUnreachable, asJson] = await Promise.all([
    rawprobe(lab, ['-c', '1', '-t', '1', h2]),
    rawprobe(lab, ['-c', '1', '-t', '2', h2]),
    iputils(lab, ['-c', '1', '-t', '1', h2]),
    rawprobe(lab, ['-c', '1', nowhere]),
    iputils(lab, ['-c', '1', nowhere]),
    rawprobe(lab, ['-c', '1', '-t', '1', '--json', h2]),
  ]);
  t.is(one.code, 1);
  t.is(lines(one)[1], `From ${hops[0]!.address} icmp_seq=1 Time exceeded: Hop limit`);
  t.is(lines(one)[1], lines(theirs)[1]);
  t.is(lines(two)[1], `From ${hops[1]!.address} icmp_seq=1 Time exceeded: Hop limit`);
  t.is(countsLine(one), countsLine(theirs));
  t.regex(countsLine(one), /^1 packets transmitted, 0 received, \+1 errors, 100% packet loss, $/);
  t.is(unreachable.code, 1);
  t.is(lines(unreachable)[1], `From ${hops[0]!.address} icmp_seq=1 Destination unreachable: No route`);
  t.is(lines(unreachable)[1], lines(theirUnreachable)[1]);
  const error = asJson.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e['type'] === 'error');
  t.like(error, { seq: 1, from: hops[0]!.address, icmpType: 3, icmpCode: 0, message: 'Time exceeded: Hop limit', quotedTtl: 1 });
});

withIputils('an MTU of 1280 behind r1: -M do gets Packet too big: mtu=1280, -M want sends fragments that are answered', async (t) => {
  const lab = await withLab(t, 'mtu1400', { ipv6: true, nodes: noRatelimit, links: { 1: { mtu: 1280 } } });
  const h2 = lab.address('h2', { family: 6 });
  const r1 = lab.path('h1', 'h2', 6).hops[0]!.address;
  // After a Packet Too Big h1's kernel keeps the path MTU: forgotten between runs that need the router's answer.
  const forget = (): Promise<unknown> => lab.exec('h1', ['ip', '-6', 'route', 'flush', 'cache']);
  const tooBig = await rawprobe(lab, ['-c', '1', '-M', 'do', '-s', '1400', h2]);
  t.is(tooBig.code, 1);
  t.is(lines(tooBig)[1], `From ${r1} icmp_seq=1 Packet too big: mtu=1280`);
  await forget();
  const theirs = await iputils(lab, ['-c', '1', '-M', 'do', '-s', '1400', h2]);
  t.is(lines(tooBig)[1], lines(theirs)[1]);
  t.is(countsLine(tooBig), countsLine(theirs));
  await forget();
  const asJson = await rawprobe(lab, ['-c', '1', '-M', 'do', '-s', '1400', '--json', h2]);
  const error = asJson.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e['type'] === 'error');
  t.like(error, { icmpType: 2, icmpCode: 0, mtu: 1280, from: r1 });
  // -M want: the first probe meets the Packet Too Big (or goes out in fragments when the kernel
  // still knows the MTU), later ones go out in 1280-byte fragments from here and are answered
  // (h2's own first reply may meet r2's Packet Too Big on its way back: it is lost).
  await forget();
  const want = await rawprobe(lab, ['-c', '4', '-i', '0.1', '-M', 'want', '-s', '1400', h2]);
  t.is(want.code, 0, want.stderr);
  t.true(replies(want).length >= 2, want.stdout);
  t.deepEqual(replies(want).slice(-2), [3, 4].map((n) => `1408 bytes from ${h2}: icmp_seq=${n} ttl=62`));
  const theirWant = await iputils(lab, ['-c', '2', '-i', '0.1', '-M', 'want', '-s', '1400', h2]);
  t.deepEqual(replies(theirWant).map((l) => l.replace(/icmp_seq=\d+/, '')), replies(want).slice(-2).map((l) => l.replace(/icmp_seq=\d+/, '')));
});
