// `rawprobe ping` across the namespace labs (fixtures/labs), next to iputils ping in the same
// lab: replies across three routers, Time Exceeded from the first router with -t 1,
// Fragmentation Needed with the MTU behind a 1400-byte link, loss and duplicates on a bad link
// (also flooded), a host that ignores echo (exit 1, -O), a late reply, a TOS rewritten on the way,
// a name that does not resolve. Each test has its own lab, taken down when it ends.
import test from 'ava';
import { join } from 'node:path';
import type { Lab } from '../../lib/lab/index.js';
import { rawprobe as cli, ROOT, runCommand, type CliResult } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';
import { ipv4Sent } from '../helpers/counters.js';

const rootOnly = rootTest();
void test;

/** Tests that compare with iputils ping run in the same lab. */
const withIputils = toolTest(['ping'], rootOnly);

function rawprobe(lab: Lab, args: string[], timeoutMs = 30_000): Promise<CliResult> {
  return cli(['ping', ...args], { where: { lab, node: 'h1' }, timeoutMs });
}

function iputils(lab: Lab, args: string[]): Promise<CliResult> {
  return runCommand(['ping', ...args], { where: { lab, node: 'h1' }, timeoutMs: 30_000 });
}

function lines(r: CliResult): string[] {
  return r.stdout.split('\n');
}

/** The "N packets transmitted, ..." line. */
function countsLine(r: CliResult): string {
  return lines(r).find((l) => / packets transmitted, /.test(l)) ?? '';
}

function json(r: CliResult): Record<string, unknown>[] {
  return r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const noRatelimit = { r1: { role: 'router' as const, icmpRatelimit: false }, r2: { role: 'router' as const, icmpRatelimit: false } };

withIputils('across three routers: replies with TTL 61, as iputils sees them', async (t) => {
  const lab = await withLab(t, 'chain3');
  const h2 = lab.address('h2');
  const args = ['-c', '3', '-i', '0.05', h2];
  const [ours, theirs] = await Promise.all([rawprobe(lab, args), iputils(lab, args)]);
  t.is(ours.code, 0, ours.stderr);
  t.is(lines(ours)[0], lines(theirs)[0]);
  const shape = (r: CliResult): string[] => lines(r).filter((l) => l.includes('bytes from')).map((l) => l.replace(/ time=.*/, ''));
  t.deepEqual(shape(ours), [1, 2, 3].map((n) => `64 bytes from ${h2}: icmp_seq=${n} ttl=61`));
  t.deepEqual(shape(ours), shape(theirs));
  t.is(countsLine(ours).replace(/time \d+ms/, ''), countsLine(theirs).replace(/time \d+ms/, ''));
  // A probe every 50 ms: a machine that holds the process up longer than that sends the next
  // one before the last reply is read, and iputils then adds its "pipe 2" too.
  t.regex(lines(ours).at(-2)!, /^rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms(?:, pipe \d+)?$/);
});

withIputils('-t 1 gets Time Exceeded from the first router, -t 2 from the second; exit 1', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: noRatelimit });
  const h2 = lab.address('h2');
  const hops = lab.path('h1', 'h2').hops;
  const [one, two, theirs, asJson] = await Promise.all([
    rawprobe(lab, ['-c', '1', '-t', '1', h2]),
    rawprobe(lab, ['-c', '1', '-t', '2', h2]),
    iputils(lab, ['-c', '1', '-t', '1', h2]),
    rawprobe(lab, ['-c', '1', '-t', '1', '--json', h2]),
  ]);
  t.is(one.code, 1);
  t.is(lines(one)[1], `From ${hops[0]!.address} icmp_seq=1 Time to live exceeded`);
  t.is(lines(one)[1], lines(theirs)[1]);
  t.is(lines(two)[1], `From ${hops[1]!.address} icmp_seq=1 Time to live exceeded`);
  t.regex(countsLine(one), /^1 packets transmitted, 0 received, \+1 errors, 100% packet loss, time \d+ms$/);
  t.is(countsLine(one).replace(/time \d+ms/, ''), countsLine(theirs).replace(/time \d+ms/, ''));
  t.is(lines(one).at(-2), '', 'no rtt line, as iputils: an empty line');
  const error = json(asJson).find((e) => e['type'] === 'error')!;
  t.like(error, { seq: 1, from: hops[0]!.address, icmpType: 11, icmpCode: 0, message: 'Time to live exceeded', quotedTtl: 1 });
  t.is(asJson.code, 1);
});

withIputils('DF and an oversize packet towards a 1400-byte link: Fragmentation Needed with the MTU', async (t) => {
  const lab = await withLab(t, 'mtu1400', { nodes: noRatelimit });
  const h2 = lab.address('h2');
  const r1 = lab.path('h1', 'h2').hops[0]!.address;
  // After a Fragmentation Needed, h1's kernel keeps the path MTU (1400) and refuses bigger
  // packets itself: one run at a time, forgetting it between runs that need the router's answer.
  const forget = (): Promise<CliResult> => lab.exec('h1', ['ip', 'route', 'flush', 'cache']);
  // Without DF r1 fragments, h2 answers, r2 fragments the reply, h1 reassembles it.
  const fragmented = await rawprobe(lab, ['-c', '1', '-M', 'dont', '-s', '1400', h2]);
  t.is(fragmented.code, 0, fragmented.stderr);
  t.regex(lines(fragmented)[1]!, /^1408 bytes from \S+: icmp_seq=1 ttl=62 time=/);
  const fits = await rawprobe(lab, ['-c', '1', '-M', 'do', '-s', '1372', h2]);
  t.regex(lines(fits)[1]!, /^1380 bytes from \S+: icmp_seq=1 ttl=62 time=/, 'a 1400-byte packet passes');
  // 1400 data bytes: a 1428-byte packet, too big for the r1-r2 link.
  const ours = await rawprobe(lab, ['-c', '1', '-M', 'do', '-s', '1400', h2]);
  t.is(ours.code, 1);
  t.is(lines(ours)[1], `From ${r1} icmp_seq=1 Frag needed and DF set (mtu = 1400)`);
  await forget();
  const theirs = await iputils(lab, ['-c', '1', '-M', 'do', '-s', '1400', h2]);
  t.is(lines(ours)[1], lines(theirs)[1]);
  await forget();
  const asJson = await rawprobe(lab, ['-c', '1', '-M', 'do', '-s', '1400', '--json', h2]);
  t.like(json(asJson).find((e) => e['type'] === 'error')!, { icmpType: 3, icmpCode: 4, mtu: 1400, from: r1 });
  // Now the kernel knows: the next probes fail locally, as iputils reports them.
  const local = await rawprobe(lab, ['-c', '2', '-i', '0.05', '-M', 'do', '-s', '1400', h2]);
  t.is(local.code, 1);
  t.regex(countsLine(local), /^2 packets transmitted, 0 received, \+2 errors, 100% packet loss/);
  t.regex(local.stderr, /^rawprobe: local error: message too long, mtu=1400 \(icmp_seq=1\)\n/);
  const theirsLocal = await iputils(lab, ['-c', '1', '-M', 'do', '-s', '1400', h2]);
  t.regex(theirsLocal.stderr, /^ping: local error: message too long, mtu=1400\n/, 'iputils names the same MTU');
});

withIputils('-s 2000 is sent in fragments, as the kernel sends iputils\' (-M want, the default, and dont); -M do is a local error', async (t) => {
  const lab = await withLab(t, 'mtu1400', { nodes: noRatelimit });
  const h2 = lab.address('h2');
  const tx = await ipv4Sent(lab, 'h1');
  const args = ['-c', '2', '-i', '0.05', '-s', '2000', h2];
  const theirs = await iputils(lab, args); // first: its ARP exchange is then done
  const before = await tx();
  const ours = await rawprobe(lab, args);
  t.is(await tx() - before, 4, 'two probes of 2028 bytes, two fragments each (MTU 1500)');
  t.is(ours.code, 0, ours.stderr);
  const shape = (r: CliResult): string[] => lines(r).filter((l) => l.includes('bytes from')).map((l) => l.replace(/ time=.*/, ''));
  t.deepEqual(shape(ours), [1, 2].map((n) => `2008 bytes from ${h2}: icmp_seq=${n} ttl=62`), 'r1 cut our 1500-byte fragments again for its 1400-byte link');
  t.deepEqual(shape(ours), shape(theirs));
  t.is(countsLine(ours).replace(/time \d+ms/, ''), countsLine(theirs).replace(/time \d+ms/, ''));
  const dont = await rawprobe(lab, ['-c', '1', '-M', 'dont', '-s', '2000', '--json', h2]);
  t.like(json(dont)[0], { type: 'start', packetSize: 2028, df: false, fragmentMtu: 1500 });
  t.like(json(dont)[1], { type: 'reply', bytes: 2008 });
  const small = await rawprobe(lab, ['-c', '1', '--json', h2]);
  t.like(json(small)[0], { df: true, fragmentMtu: null }, 'a probe that fits keeps DF');

  const refused = await rawprobe(lab, ['-c', '1', '-M', 'do', '-s', '2000', h2]);
  const theirsRefused = await iputils(lab, ['-c', '1', '-M', 'do', '-s', '2000', h2]);
  t.is(refused.code, 1);
  t.is(refused.stderr, 'rawprobe: local error: message too long, mtu=1500 (icmp_seq=1)\n');
  t.is(theirsRefused.stderr, 'ping: local error: message too long, mtu=1500\n');
  t.is(countsLine(refused).replace(/time \d+ms/, ''), countsLine(theirsRefused).replace(/time \d+ms/, ''));
});

rootOnly('a lossy, duplicating link: loss and (DUP!) counted as iputils counts them; a flood does not stall', async (t) => {
  const lab = await withLab(t, 'lossy-dup');
  const h2 = lab.address('h2');
  const r = await rawprobe(lab, ['-c', '300', '-i', '0.002', '-W', '1', h2]);
  const replies = lines(r).filter((l) => l.includes('bytes from'));
  const dups = replies.filter((l) => l.endsWith(' (DUP!)')).length;
  const counts = /^300 packets transmitted, (\d+) received, \+(\d+) duplicates, ([\d.]+)% packet loss, time \d+ms$/.exec(countsLine(r));
  t.not(counts, null, countsLine(r));
  const received = Number(counts![1]);
  t.is(Number(counts![2]), dups);
  t.true(dups > 0, 'about 19% of replies are duplicated');
  t.is(replies.length - dups, received);
  t.true(received < 300 && received > 150, `${received} received`);
  t.is(Number(counts![3]), Number((((300 - received) * 100) / 300).toPrecision(6)));
  t.is(new Set(replies.filter((l) => !l.endsWith('(DUP!)')).map((l) => /icmp_seq=(\d+)/.exec(l)![1])).size, received, 'each sequence counted once');
  t.is(r.code, 0);

  const flood = await rawprobe(lab, ['-f', '-q', '-c', '3000', h2]);
  t.is(flood.code, 0, flood.stderr);
  const f = /^3000 packets transmitted, (\d+) received/.exec(countsLine(flood));
  t.not(f, null, flood.stdout);
  t.true(Number(f![1]) > 2000 && Number(f![1]) < 3000, `${f![1]} received of 3000`);
});

rootOnly('a host that ignores echo: exit 1, 100% loss, -O reports it, a deadline ends it', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: { h2: { role: 'host', ignoreEcho: true } } });
  const h2 = lab.address('h2');
  const [plain, outstanding, asJson, deadline] = await Promise.all([
    rawprobe(lab, ['-c', '2', '-i', '0.2', '-W', '0.5', h2]),
    rawprobe(lab, ['-c', '3', '-i', '0.2', '-W', '0.5', '-O', h2]),
    rawprobe(lab, ['-c', '2', '-i', '0.2', '-W', '0.1', '--json', h2]),
    rawprobe(lab, ['-c', '5', '-i', '0.2', '-w', '1', h2]),
  ]);
  t.is(plain.code, 1);
  t.regex(countsLine(plain), /^2 packets transmitted, 0 received, 100% packet loss, time \d+ms$/);
  t.is(plain.stdout.slice(plain.stdout.indexOf('\n---')), `\n--- ${h2} ping statistics ---\n${countsLine(plain)}\n\n`);
  t.is(outstanding.code, 1);
  t.deepEqual(lines(outstanding).filter((l) => l.startsWith('no answer')), ['no answer yet for icmp_seq=1', 'no answer yet for icmp_seq=2']);
  const events = json(asJson);
  t.deepEqual(events.filter((e) => e['type'] === 'timeout').map((e) => e['seq']).slice(0, 1), [1]);
  t.like(events.at(-1)!, { type: 'summary', transmitted: 2, received: 0, loss: 100, rtt: null });
  t.is(deadline.code, 1);
  t.regex(countsLine(deadline), /^5 packets transmitted, 0 received, 100% packet loss/);
});

rootOnly('a reply after its timeout is reported late, not lost and found', async (t) => {
  const lab = await withLab(t, 'chain3', { nodes: { h2: { role: 'host', ignoreEcho: true } } });
  const h2 = lab.address('h2');
  const responder = lab.spawn('h2', [process.execPath, join(ROOT, 'dist/test/probe/children/slow-echo.js'), h2, '1', '500']);
  t.teardown(() => {
    responder.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    responder.stdout!.once('data', () => resolve());
    responder.once('exit', (code) => reject(new Error(`responder exited ${String(code)}`)));
  });
  const r = await rawprobe(lab, ['-c', '3', '-i', '0.3', '-W', '0.2', h2]);
  t.is(r.code, 0, r.stderr);
  const replies = lines(r).filter((l) => l.includes('bytes from'));
  t.is(replies.length, 3);
  // The responder holds the first reply 500 ms: at least that, and no upper bound (a loaded
  // machine took 632 ms).
  const late = /icmp_seq=1 ttl=61 time=(\d+) ms \(LATE!\)$/.exec(replies.find((l) => l.includes('icmp_seq=1 '))!);
  t.not(late, null, r.stdout);
  t.true(Number(late![1]) >= 500, late![0]);
  t.regex(countsLine(r), /^3 packets transmitted, 2 received, \+1 late, 33\.3333% packet loss, time \d+ms$/);
});

rootOnly('a TOS rewritten on the way shows on the reply; JSON carries both', async (t) => {
  const lab = await withLab(t, 'dscp-rewrite');
  const h2 = lab.address('h2');
  const [text, asJson] = await Promise.all([rawprobe(lab, ['-c', '2', '-i', '0.05', '-Q', 'EF', h2]), rawprobe(lab, ['-c', '1', '-Q', 'EF', '--json', h2])]);
  t.is(text.code, 0, text.stderr);
  t.regex(lines(text)[1]!, /^64 bytes from \S+: icmp_seq=1 ttl=62 time=[\d.]+ ms tos=0x20 \(sent 0xb8\)$/);
  t.like(json(asJson).find((e) => e['type'] === 'reply')!, { tos: 0x20, sentTos: 0xb8 });
});

rootOnly('a name that does not resolve: one line, exit 2 (inside the lab: no resolver is reachable)', async (t) => {
  const lab = await withLab(t, 'chain3');
  const r = await rawprobe(lab, ['-c', '1', 'no-such-host.invalid']);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.regex(r.stderr, /^rawprobe: no-such-host\.invalid: [^\n]+\n$/);
});
