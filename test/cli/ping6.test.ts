// `rawprobe ping -6` on loopback (::1), beside iputils `ping -6` run in the same test: the
// ping6 header line, reply lines, counts; -s up to 65527; -Q (traffic class), -F (flow label),
// -t (hop limit) on the wire as tshark reads our --pcap-out; JSON; bad input (one line, exit 2).
// Runs that probe happen in a private network namespace (unshare --net, lo up).
import test from 'ava';
import { join } from 'node:path';
import { assertBadInputs, rawprobe as cli, runCommand, type CliResult } from '../helpers/cli.js';
import { isRoot, rootTest } from '../helpers/privilege.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

const rootOnly = rootTest();

function rawprobe(args: string[]): Promise<CliResult> {
  return cli(['ping', ...args], { timeoutMs: 30_000, where: isRoot ? 'netns' : 'host' });
}

function iputils(args: string[]): Promise<CliResult> {
  return runCommand(['ping', ...args], { where: 'netns', timeoutMs: 30_000 });
}

const lines = (r: CliResult): string[] => r.stdout.split('\n');
const withoutTimes = (r: CliResult): string[] => lines(r).map((l) => l.replace(/time[= ][\d.]+ ?ms/, 'time').replace(/= [\d./]+ ms/, '= ms'));

test('bad input: -6 with an IPv4 address, -4 with an IPv6 one, a zone that names no interface, hop limit 256: one line, exit 2', async (t) => {
  const cases: [string[], RegExp][] = [
    [['-6', '-c', '1', '127.0.0.1'], /^rawprobe: 127\.0\.0\.1: Address family for hostname not supported\n$/],
    [['-4', '-c', '1', '::1'], /^rawprobe: ::1: Address family for hostname not supported\n$/],
    [['-c', '1', 'fe80::1%nope'], /^rawprobe: fe80::1%nope: Name or service not known\n$/],
    [['-c', '1', '-t', '256', '::1'], /^rawprobe: ttl 256 is out of range/],
    [['-c', '1', '-s', '65528', '::1'], /at most 65527 data bytes fit an IPv6 packet/],
    [['-c', '1', '-s', '65508', '127.0.0.1'], /at most 65507 data bytes fit an IPv4 packet/],
    [['-c', '1', '-F', '0x100000', '::1'], /flow label 1048576 is out of range/],
    [['-4', '-6', '-c', '1', '::1'], /only one -4 or -6 option may be specified/],
    [['-c', '1', '-I', '127.0.0.1', '::1'], /not of one IP version/],
  ];
  await assertBadInputs(t, rawprobe, cases);
});

toolTest(['ping'], rootOnly)('::1 against iputils ping -6: the same header, reply lines, counts', async (t) => {
  const args = ['-6', '-c', '3', '-i', '0.05', '::1'];
  const [ours, theirs] = await Promise.all([rawprobe(args), iputils(args)]);
  t.is(ours.code, 0, ours.stderr);
  t.is(lines(ours)[0], 'PING ::1(::1) 56 data bytes');
  t.deepEqual(lines(ours).slice(1, 4).map((l) => l.replace(/ time=.*/, '')), [1, 2, 3].map((n) => `64 bytes from ::1: icmp_seq=${n} ttl=64`));
  t.deepEqual(withoutTimes(ours).slice(0, 7), withoutTimes(theirs).slice(0, 7));
  // An IPv6 address picks IPv6 by itself; -F, -I: ping6's header words.
  const [flow, theirFlow] = await Promise.all([rawprobe(['-c', '1', '-F', '123', '-I', '::1', '::1']), iputils(['-c', '1', '-F', '123', '-I', '::1', '::1'])]);
  t.is(lines(flow)[0], 'PING ::1(::1) , flow 0x0007b, from ::1 : 56 data bytes');
  t.is(lines(flow)[0], lines(theirFlow)[0]);
});

rootOnly('-s 0 and -s 65527: the reply is as long as the probe; --json tells the same', async (t) => {
  const big = await rawprobe(['-c', '1', '-s', '65527', '::1']);
  t.is(big.code, 0, big.stderr);
  t.is(lines(big)[0], 'PING ::1(::1) 65527 data bytes');
  t.regex(lines(big)[1]!, /^65535 bytes from ::1: icmp_seq=1 ttl=64 time=/);
  const small = await rawprobe(['-c', '1', '-s', '0', '::1']);
  t.regex(lines(small)[1]!, /^8 bytes from ::1: icmp_seq=1 ttl=64/);
  const json = await rawprobe(['-c', '1', '-t', '7', '--json', '::1']);
  const [start, reply] = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.like(start, { type: 'start', address: '::1', packetSize: 104 });
  t.like(reply, { type: 'reply', from: '::1', seq: 1, bytes: 64, ttl: 64 });
});

toolTest(['tshark'], rootOnly)('--pcap-out: our hop limit, traffic class and flow label on the wire, replies with their rebuilt header, checksums good', async (t) => {
  const file = join(tempDir(t, 'ping6'), 'ping6.pcap');
  const r = await rawprobe(['-c', '2', '-i', '0.02', '-t', '33', '-Q', '0xb8', '-F', '0x12345', '--pcap-out', file, '::1']);
  t.is(r.code, 0, r.stderr);
  // A reply echoes the request's traffic class, as Linux's icmpv6_echo_reply does.
  t.regex(lines(r)[1]!, /^64 bytes from ::1: icmp_seq=1 ttl=64 time=[\d.]+ ms$/);
  const ts = await runCommand(['tshark', '-r', file, '-T', 'fields', '-E', 'separator=,', '-e', 'ipv6.hlim', '-e', 'ipv6.tclass', '-e', 'ipv6.flow', '-e', 'icmpv6.type', '-e', 'icmpv6.echo.sequence_number', '-e', 'icmpv6.checksum.status']);
  t.is(ts.code, 0, ts.stderr);
  const rows = ts.stdout.trim().split('\n').map((l) => l.split(','));
  t.deepEqual(rows.filter((x) => x[3] === '128').map((x) => x.slice(0, 3).concat(x[5]!)), [['33', '0x000000b8', '0x012345', '1'], ['33', '0x000000b8', '0x012345', '1']]);
  t.deepEqual(rows.filter((x) => x[3] === '129').map((x) => [x[0], x[1], x[4], x[5]]), [['64', '0x000000b8', '1', '1'], ['64', '0x000000b8', '2', '1']]);
});
