// `rawprobe ping` on loopback, as a user runs it, checked against iputils ping run in the same
// test: output shapes, counts, TTL, byte counts; JSON lines; flood output; SIGINT; --pcap-out
// read back by tshark; several pings at once; bad input and missing privilege (exit 2, one line).
// Every run is bounded by a count or a deadline and a process time limit.
//
// Runs that probe 127.0.0.1 happen in a private network namespace (unshare --net, lo up): the
// machine's own loopback is shared with every other test and benchmark running at the same
// time, and these tests count replies exactly. The namespace ends with its process.
import test from 'ava';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PingSummary } from '../../lib/probe/index.js';
import { assertBadInputs, inOwnNetns, MAIN, ROOT, rawprobe as cli, runCommand, type CliResult } from '../helpers/cli.js';
import { isRoot, rootTest } from '../helpers/privilege.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';
import { formatReplyTime } from '../../cli/format/ping.js';

const rootOnly = rootTest();

/** `rawprobe ping ...` (in its own network namespace when root; bad-input runs need no root). */
function rawprobe(args: string[], timeoutMs = 30_000): Promise<CliResult> {
  return cli(['ping', ...args], { timeoutMs, where: isRoot ? 'netns' : 'host' });
}

function iputils(args: string[]): Promise<CliResult> {
  return runCommand(['ping', ...args], { where: 'netns', timeoutMs: 30_000 });
}

const REPLY = /^(\d+) bytes from (\S+)(?: \((\S+)\))?: icmp_seq=(\d+) ttl=(\d+) time=(\d+(?:\.\d+)?) ms$/;
const COUNTS = /^(\d+) packets transmitted, (\d+) received(, \+\d+ \w+)*, ([\d.e+-]+)% packet loss, time (\d+)ms$/;
// ", pipe N" when the host was slow enough that a probe went out before the last reply was read
const RTT = /^rtt min\/avg\/max\/mdev = (\d+\.\d{3})\/(\d+\.\d{3})\/(\d+\.\d{3})\/(\d+\.\d{3}) ms(, pipe \d+)?$/;

interface Parsed {
  header: string;
  replies: { bytes: number; from: string; seq: number; ttl: number; time: number }[];
  statsTitle: string;
  counts: RegExpExecArray;
  rtt: RegExpExecArray | null;
}

/** Splits ping output into its iputils parts; fails loudly on any line that does not fit. */
function parse(stdout: string): Parsed {
  const lines = stdout.split('\n');
  const header = lines.shift()!;
  const replies: Parsed['replies'] = [];
  let line: string | undefined;
  while ((line = lines.shift()) !== undefined && line !== '') {
    const m = REPLY.exec(line);
    if (m === null) throw new Error(`not a reply line: ${JSON.stringify(line)}`);
    replies.push({ bytes: Number(m[1]), from: m[3] ?? m[2]!, seq: Number(m[4]), ttl: Number(m[5]), time: Number(m[6]) });
  }
  const statsTitle = lines.shift()!;
  const counts = COUNTS.exec(lines.shift()!);
  if (counts === null) throw new Error(`no counts line in ${JSON.stringify(stdout)}`);
  const rtt = RTT.exec(lines.shift() ?? '');
  return { header, replies, statsTitle, counts, rtt };
}

test('bad input: one line, exit 2, no stack trace', async (t) => {
  const cases: [string[], RegExp][] = [
    [['-c', '1', '-t', '0', '127.0.0.1'], /ttl 0 is out of range/],
    [['-c', '1', '-t', '300', '127.0.0.1'], /ttl 300 is out of range/],
    [['-c', '1', '-s', '70000', '127.0.0.1'], /packet size 70000 is too large/],
    [['-c', '1', '-p', 'xyz', '127.0.0.1'], /pattern must be hex digits/],
    [['-c', '1', '-p', '00112233445566778899aabbccddeeff00', '127.0.0.1'], /at most 16 bytes/],
    [['-c', '1', '-i', '0.0005', '127.0.0.1'], /below 1 ms: use -f/],
    [['-c', 'x', '127.0.0.1'], /-c: count "x" is not a whole number/],
    [['-c', '1', '-Q', 'BOGUS', '127.0.0.1'], /-Q: bad TOS value/],
    [['-c', '1', '-M', 'maybe', '127.0.0.1'], /-M: "maybe" is not do, dont or want/],
    [['-c', '1', '--id', '65536', '127.0.0.1'], /identifier 65536 is out of range/],
    [['-c', '1', '-e', '65536', '127.0.0.1'], /identifier 65536 is out of range/],
    [['-c', '1', '-T', 'tsall', '127.0.0.1'], /-T: invalid timestamp type "tsall"/],
    [['-c', '1', '-T', 'tsprespec', '127.0.0.1'], /tsprespec takes 1 to 4 addresses/],
    [['-c', '1', '-R', '-T', 'tsonly', '127.0.0.1'], /-R and -T: only one/],
    [['-c', '1', '-m', 'x', '127.0.0.1'], /-m: mark "x" is not a whole number/],
    [['-c', '1', '-S', '0', '127.0.0.1'], /send buffer 0 is out of range/],
    [['-c', '1', '-W', '0', '127.0.0.1'], /timeout 0 s is too short/],
    [['-c', '1', '-I', 'nosuchif0', '127.0.0.1'], /SO_BINDTODEVICE nosuchif0: No such device/],
    [['-c', '1', '-I', 'an-interface-name-too-long', '127.0.0.1'], /is not an interface name/],
    [['-c', '1', '-q', '--no-such-option', '127.0.0.1'], /Unknown argument|no-such-option/],
  ];
  await assertBadInputs(t, rawprobe, cases);
});

test('--help lists the iputils letters', async (t) => {
  const r = await rawprobe(['--help']);
  t.is(r.code, 0);
  for (const flag of ['-c', '-i', '-s', '-t', '-Q', '-W', '-w', '-p', '-I', '-M', '--id', '-f', '-q', '-n', '-D', '-O', '--json', '--pcap-out']) {
    t.true(r.stdout.includes(`${flag},`) || r.stdout.includes(`${flag} `), flag);
  }
});

toolTest(['setpriv'], rootOnly)('without CAP_NET_RAW: one line saying what is missing and how to grant it, exit 2', async (t) => {
  const r = await cli(['ping', '-c', '1', '127.0.0.1'], { via: ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--inh-caps=-all'], timeoutMs: 30_000 });
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.regex(r.stderr, /^rawprobe: [^\n]*CAP_NET_RAW[^\n]*\n$/);
  t.regex(r.stderr, /sudo rawprobe setup-privileges --group GROUP/);
});

toolTest(['ping'], rootOnly)('127.0.0.1 against iputils in the same test: same shape, counts, TTL and byte counts', async (t) => {
  const args = ['-c', '5', '-i', '0.01', '127.0.0.1'];
  const [ours, theirs] = await Promise.all([rawprobe(args), iputils(args)]);
  t.is(ours.code, 0, ours.stderr);
  t.is(theirs.code, 0);
  t.is(ours.stderr, '');
  const a = parse(ours.stdout);
  const b = parse(theirs.stdout);
  t.is(a.header, b.header);
  t.is(a.header, 'PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.');
  t.deepEqual(a.replies.map((r) => [r.bytes, r.from, r.seq, r.ttl]), b.replies.map((r) => [r.bytes, r.from, r.seq, r.ttl]));
  t.deepEqual(a.replies.map((r) => r.seq), [1, 2, 3, 4, 5]);
  t.is(a.statsTitle, '--- 127.0.0.1 ping statistics ---');
  t.is(a.statsTitle, b.statsTitle);
  t.deepEqual([a.counts[1], a.counts[2], a.counts[4]], [b.counts[1], b.counts[2], b.counts[4]]);
  t.not(a.rtt, null, ours.stdout);
  // The summary agrees with the lines it sums up (iputils' integer microseconds), each printed
  // as its line prints it: a time of 100 ms or more (a loaded machine) shows no decimals there.
  const times = a.replies.map((r) => r.time);
  const asLine = (ms: string): number => Number(formatReplyTime(Math.round(Number(ms) * 1000)));
  t.is(asLine(a.rtt![1]!), Math.min(...times));
  t.is(asLine(a.rtt![3]!), Math.max(...times));
});

rootOnly('sizes and options: -s 0 and -s 65507, -p, -I, -t, -D, -n with localhost', async (t) => {
  const [zero, big, pattern, source, stamped, named, numeric] = await Promise.all([
    rawprobe(['-c', '1', '-s', '0', '127.0.0.1']),
    rawprobe(['-c', '1', '-s', '65507', '127.0.0.1']),
    rawprobe(['-c', '1', '-p', 'ff00aa', '127.0.0.1']),
    rawprobe(['-c', '1', '-I', '127.0.0.1', '-t', '9', '127.0.0.1']),
    rawprobe(['-c', '2', '-i', '0.01', '-D', '127.0.0.1']),
    rawprobe(['-c', '2', '-i', '0.01', 'localhost']),
    rawprobe(['-c', '1', '-n', 'localhost']),
  ]);
  t.is(zero.stdout.split('\n')[0], 'PING 127.0.0.1 (127.0.0.1) 0(28) bytes of data.');
  t.regex(zero.stdout.split('\n')[1]!, /^8 bytes from 127\.0\.0\.1: icmp_seq=1 ttl=64 time=\d+\.\d{3} ms$/);
  t.is(big.code, 0, big.stderr);
  t.is(big.stdout.split('\n')[0], 'PING 127.0.0.1 (127.0.0.1) 65507(65535) bytes of data.');
  t.regex(big.stdout.split('\n')[1]!, /^65515 bytes from 127\.0\.0\.1: icmp_seq=1 ttl=64 /);
  t.deepEqual(pattern.stdout.split('\n').slice(0, 2), ['PATTERN: 0xff00aa', 'PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.']);
  t.regex(pattern.stdout, /64 bytes from 127\.0\.0\.1: icmp_seq=1 ttl=64 time=/);
  t.is(source.stdout.split('\n')[0], 'PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 : 56(84) bytes of data.');
  t.regex(source.stdout, /icmp_seq=1 ttl=64 /, 'the reply has the kernel\'s own TTL (the probe\'s 9 is checked in the pcap test)');
  for (const line of stamped.stdout.split('\n').slice(1, 3)) t.regex(line, /^\[\d{10}\.\d{6}\] 64 bytes from 127\.0\.0\.1: icmp_seq=\d ttl=64 time=/);
  t.is(named.stdout.split('\n')[0], 'PING localhost (127.0.0.1) 56(84) bytes of data.');
  t.regex(named.stdout.split('\n')[1]!, /^64 bytes from localhost \(127\.0\.0\.1\): icmp_seq=1 ttl=64 time=/);
  t.is(parse(named.stdout).statsTitle, '--- localhost ping statistics ---');
  t.regex(numeric.stdout.split('\n')[1]!, /^64 bytes from 127\.0\.0\.1: icmp_seq=1 /);
});

rootOnly('--json: one object per line, each with a type; they agree with the text run', async (t) => {
  const args = ['-c', '4', '-i', '0.01', '-Q', 'AF41', '127.0.0.1'];
  const [json, text] = await Promise.all([rawprobe(['--json', ...args]), rawprobe(args)]);
  t.is(json.code, 0, json.stderr);
  const events = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.true(events.every((e) => typeof e['type'] === 'string'));
  t.is(events[0]!['type'], 'start');
  t.is(events[0]!['tos'], 136);
  const replies = events.filter((e) => e['type'] === 'reply');
  const summary = events.at(-1)!;
  t.is(summary['type'], 'summary');
  for (const key of ['transmitted', 'received', 'duplicates', 'errors', 'loss', 'rtt']) t.true(key in summary, key);
  const parsed = parse(text.stdout);
  t.deepEqual(replies.map((r) => [r['bytes'], r['from'], r['seq'], r['ttl']]), parsed.replies.map((r) => [r.bytes, r.from, r.seq, r.ttl]));
  t.deepEqual(replies.map((r) => [r['tos'], r['sentTos']]), replies.map(() => [136, 136]));
  t.is(summary['transmitted'], Number(parsed.counts[1]));
  t.is(summary['received'], Number(parsed.counts[2]));
  t.is(summary['loss'], Number(parsed.counts[4]));
  // Within the JSON run itself, the summary is the statistics of its reply times.
  const times = replies.map((r) => r['time'] as number);
  const rtt = summary['rtt'] as Record<string, number>;
  t.is(rtt['min'], Math.min(...times));
  t.is(rtt['max'], Math.max(...times));
  t.is(summary['received'], replies.length);
});

rootOnly('flood: a dot per probe, a backspace per reply, and iputils\' flood summary', async (t) => {
  const r = await rawprobe(['-f', '-c', '3000', '127.0.0.1']);
  t.is(r.code, 0, r.stderr);
  const [header, rest] = [r.stdout.slice(0, r.stdout.indexOf('\n')), r.stdout.slice(r.stdout.indexOf('\n') + 1)];
  t.is(header, 'PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.');
  const body = rest.slice(0, rest.indexOf('\n'));
  t.is((body.match(/\./g) ?? []).length, 3000);
  t.is((body.match(/\x08 \x08/g) ?? []).length, 3000);
  const summary = rest.slice(rest.indexOf('\n') + 1).split('\n');
  t.is(summary[0], '--- 127.0.0.1 ping statistics ---');
  t.regex(summary[1]!, /^3000 packets transmitted, 3000 received, 0% packet loss, time \d+ms$/);
  t.regex(summary[2]!, /^rtt min\/avg\/max\/mdev = [\d./]+ ms, (pipe \d+, )?ipg\/ewma \d+\.\d{3}\/\d+\.\d{3} ms$/);
});

rootOnly('SIGINT prints the summary and exits as iputils does (0 after replies)', async (t) => {
  // unshare and sh exec into node: the signal reaches ping itself.
  const [file, ...args] = await inOwnNetns([process.execPath, MAIN, 'ping', '-i', '0.05', '-w', '20', '127.0.0.1']);
  const child = spawn(file!, args, { cwd: ROOT });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const guard = setTimeout(() => child.kill('SIGKILL'), 25_000);
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if ((out.match(/bytes from/g) ?? []).length >= 3) resolve();
    });
  });
  child.kill('SIGINT');
  const { code, signal } = await exited;
  clearTimeout(guard);
  t.is(signal, null);
  t.is(code, 0);
  const p = parse(out);
  t.true(p.replies.length >= 3);
  t.is(p.statsTitle, '--- 127.0.0.1 ping statistics ---');
  t.is(Number(p.counts[2]), p.replies.length);
  t.true(Number(p.counts[1]) >= p.replies.length);
  t.not(p.rtt, null);
});

toolTest(['tshark'], rootOnly)('--pcap-out: every packet sent and received, read back by tshark with epoch timestamps', async (t) => {
  const dir = tempDir(t, 'ping');
  const file = join(dir, 'ping.pcap');
  const before = Date.now() / 1000;
  const r = await rawprobe(['-c', '3', '-i', '0.01', '-t', '33', '-M', 'dont', '--pcap-out', file, '127.0.0.1']);
  const after = Date.now() / 1000;
  t.is(r.code, 0, r.stderr);
  const ts = await runCommand(['tshark', '-r', file, '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_epoch', '-e', 'ip.src', '-e', 'ip.ttl', '-e', 'ip.flags.df', '-e', 'icmp.type', '-e', 'icmp.seq', '-e', 'icmp.checksum.status']);
  t.is(ts.code, 0, ts.stderr);
  // The file is in the order the events reached us; a reply read late by a busy event loop may
  // follow the next request, so compare in timestamp (kernel) order.
  const rows = ts.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(','))
    .sort((x, y) => Number(x[0]) - Number(y[0]));
  t.is(rows.length, 6);
  t.deepEqual(rows.map((x) => [x[4], x[5]]), [['8', '1'], ['0', '1'], ['8', '2'], ['0', '2'], ['8', '3'], ['0', '3']]);
  for (const row of rows) {
    const when = Number(row[0]);
    t.true(when >= before - 1 && when <= after + 1, `timestamp ${when} within the run`);
    t.is(row[6], '1', 'tshark finds the ICMP checksum good');
  }
  t.deepEqual(rows.filter((x) => x[4] === '8').map((x) => [x[2], x[3]]), [['33', '0'], ['33', '0'], ['33', '0']], 'our TTL, DF off');
  for (let i = 0; i < 6; i += 2) t.true(Number(rows[i + 1]![0]) >= Number(rows[i]![0]), 'each reply after its request');
  t.true(readFileSync(file).length > 24);
});

rootOnly('two pings at once never take each other\'s replies (separate processes, floods)', async (t) => {
  const [a, b] = await Promise.all([rawprobe(['-f', '-q', '-c', '5000', '127.0.0.1']), rawprobe(['-f', '-q', '-c', '5000', '127.0.0.1'])]);
  for (const r of [a, b]) {
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, /\n5000 packets transmitted, 5000 received, 0% packet loss, time \d+ms\n/);
  }
});

rootOnly('many targets in one process through the library: each reply credited to its own probe', async (t) => {
  const child = join(ROOT, 'dist/test/probe/children/many-targets.js');
  const r = await runCommand([process.execPath, child], { where: 'netns', timeoutMs: 30_000 });
  t.is(r.code, 0, r.stderr);
  const { many, one } = JSON.parse(r.stdout) as { many: PingSummary[]; one: PingSummary[] };
  t.deepEqual(many.map((s) => [s.target, s.transmitted, s.received, s.duplicates, s.errors, s.late]), [
    ['127.0.0.1', 20, 20, 0, 0, 0],
    ['127.0.0.2', 20, 20, 0, 0, 0],
    ['127.0.0.3', 20, 20, 0, 0, 0],
  ]);
  t.deepEqual([one[0]!.transmitted, one[0]!.received, one[0]!.duplicates], [300, 300, 0]);
  t.not(many[0]!.identifier, one[0]!.identifier);
});
