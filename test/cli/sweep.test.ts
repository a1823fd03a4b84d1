// `rawprobe sweep` as a user runs it, on loopback (127.0.0.0/8 answers for every address) in a
// private network namespace of its own (unshare --net, lo up): fping's line shapes, checked
// against fping run in the same way; --alive/--unreachable; count mode's lines and summaries;
// JSON lines; targets from stdin; bad input (exit 2, one line naming the argument or the line of
// the file, nothing sent). Runs are bounded by their target lists and a process time limit.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawprobe, runCommand, type CliResult } from '../helpers/cli.js';
import { rootTest } from '../helpers/privilege.js';
import { tempDir } from '../helpers/tmp.js';
import { toolTest } from '../helpers/tools.js';

const rootOnly = rootTest();

/** `rawprobe sweep ...` in a network namespace of its own, with lo up (gone when the process ends). */
function sweep(args: string[], input?: string): Promise<CliResult> {
  return rawprobe(['sweep', ...args], { where: 'netns', ...(input === undefined ? {} : { input }) });
}

/** Without a namespace or root: for runs that must fail before opening a socket. */
function sweepPlain(args: string[]): Promise<CliResult> {
  return rawprobe(['sweep', ...args], { timeoutMs: 30_000 });
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

const ALIVE = /^(\S+) is alive \((\d+\.\d{3}|\d+\.\d{2}|\d+\.\d|\d+) ms\)$/;
/** fping -s's block, as we print it (stderr). */
const SUMMARY = new RegExp(
  [
    '',
    ' +(\\d+) targets',
    ' +(\\d+) alive',
    ' +(\\d+) unreachable',
    ' +(\\d+) unknown addresses',
    '',
    ' +(\\d+) timeouts \\(waiting for response\\)',
    ' +(\\d+) ICMP Echos sent',
    ' +(\\d+) ICMP Echo Replies received',
    ' +(\\d+) other ICMP received',
    ' +(\\d+) duplicate replies',
    ' +(\\d+) late replies \\(after their timeout\\)',
    '',
    ' [\\d.]+ ms \\(min round trip time\\)',
    ' [\\d.]+ ms \\(avg round trip time\\)',
    ' [\\d.]+ ms \\(max round trip time\\)',
    ' +\\d+\\.\\d{3} sec \\(elapsed real time\\)',
    '',
    '',
  ].join('\n') + '$',
);

const twenty = Array.from({ length: 20 }, (_, i) => `127.0.0.${i + 1}`);

test('--help lists the options the benchmark and users rely on', async (t) => {
  const r = await sweepPlain(['--help']);
  t.is(r.code, 0);
  t.regex(r.stdout, /^rawprobe sweep \[targets\.\.\]/m);
  for (const flag of ['--rate', '--count', '--retries', '--timeout', '--backoff', '--period', '--tos', '--ttl', '--size', '--alive', '--unreachable', '--json', '--file', '--quiet']) {
    t.true(r.stdout.includes(flag), flag);
  }
});

test('bad input: exit 2, one line naming the target, nothing on stdout', async (t) => {
  const cases: [string[], RegExp][] = [
    [['10.0.0.300'], /^rawprobe: "10\.0\.0\.300" is not an IPv4 address: "300" at position 7 is not 0-255/],
    [['127.0.0.0/33'], /^rawprobe: "127\.0\.0\.0\/33": the prefix length must be 1-32\n$/],
    [['127.0.0.9-127.0.0.1'], /^rawprobe: "127\.0\.0\.9-127\.0\.0\.1": the range ends \(127\.0\.0\.1\) before it starts\n$/],
    [[], /^rawprobe: no targets: give addresses, names, blocks/],
    [['127.0.0.1', '--rate', 'fast'], /^rawprobe: --rate: rate "fast" is not a number\n$/],
    [['127.0.0.1', '-c', '0'], /^rawprobe: count 0 is out of range 1-1000000\n$/],
    [['127.0.0.1', '-B', '9'], /^rawprobe: backoff 9 is out of range 1\.0-5\.0\n$/],
    [['127.0.0.1', '--ttl', '300'], /^rawprobe: ttl 300 is out of range 1-255\n$/],
    [['127.0.0.1', '-H', '0'], /^rawprobe: ttl 0 is out of range 1-255\n$/],
    [['127.0.0.1', '-Q', 'XX'], /^rawprobe: -Q: /],
    [['127.0.0.1', '-c', '2', '-Q', 'XX'], /^rawprobe: -Q: interval \(s\) "XX" is not a number\n$/],
    [['127.0.0.1', '-Q', '1'], /^rawprobe: -Q: interval summaries need count or loop mode/],
    [['127.0.0.1', '--tos', 'XX'], /^rawprobe: -O: /],
    [['127.0.0.1', '-O', 'XX'], /^rawprobe: -O: /],
    [['127.0.0.1', '-b', '70000'], /^rawprobe: size 70000 is out of range/],
    [['127.0.0.1', '-c', '2', '-C', '2'], /^rawprobe: -c and -C: give one of them\n$/],
    [['127.0.0.1', '-l', '-c', '2'], /^rawprobe: loop mode \(-l\) and a count/],
    [['127.0.0.1', '-i', '5', '--rate', '10'], /^rawprobe: -i and --rate: give one of them\n$/],
    [['-g', '127.0.0.1'], /^rawprobe: -g: give one CIDR block/],
    [['-g', '127.0.0.1', '127.0.0.2', '127.0.0.3'], /^rawprobe: -g: give one CIDR block/],
    [['-g', '127.0.0.9', '127.0.0.1'], /the range ends \(127\.0\.0\.1\) before it starts/],
    [['-f', '/nonexistent/hosts.txt'], /^rawprobe: \/nonexistent\/hosts\.txt: no such file\n$/],
  ];
  for (const [args, message] of cases) {
    const r = await sweepPlain(args);
    t.is(r.code, 2, args.join(' '));
    t.is(r.stdout, '', args.join(' '));
    t.regex(r.stderr, message, args.join(' '));
    t.is(lines(r.stderr).length, 1, args.join(' '));
  }
});

test('a file with blank lines, comments and a bad line: the line is named, nothing is sent', async (t) => {
  const dir = tempDir(t, 'sweep');
  const file = join(dir, 'hosts.txt');
  writeFileSync(file, '# loopback hosts\n\n127.0.0.1\n127.0.0.2   # second\n\n127.0.0.0/40\n127.0.0.3\n');
  const r = await sweepPlain(['-f', file]);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.is(r.stderr, `rawprobe: ${file}:6: "127.0.0.0/40": the prefix length must be 1-32\n`);
});

rootOnly('twenty loopback addresses: "is alive" lines as fping -e prints them, the fping -s summary, exit 0', async (t) => {
  const r = await sweep(['-s', '-e', '--rate', 'max', '127.0.0.1-127.0.0.20']);
  t.is(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  t.is(out.length, 20);
  for (const l of out) t.regex(l, ALIVE);
  t.deepEqual(out.map((l) => ALIVE.exec(l)![1]).sort(), [...twenty].sort());
  const s = SUMMARY.exec(r.stderr);
  t.not(s, null, r.stderr);
  t.deepEqual(s!.slice(1, 12).map(Number), [20, 20, 0, 0, 0, 20, 20, 0, 0, 0]);
});

toolTest(['fping'], rootOnly)('the same alive set as fping run the same way', async (t) => {
  const [ours, theirs] = await Promise.all([sweep(['127.0.0.0/27']), runCommand(['fping', '-r', '0', '-g', '127.0.0.0/27'], { where: 'netns' })]);
  t.is(ours.code, 0, ours.stderr);
  t.is(theirs.code, 0, theirs.stderr);
  const shape = (text: string): string[] => lines(text).map((l) => l.replace(/ \([\d.]+ ms\)$/, '')).sort();
  t.deepEqual(shape(ours.stdout), shape(theirs.stdout));
  t.is(shape(ours.stdout).length, 30);
});

rootOnly('--alive prints bare addresses, --unreachable nothing here; both exit by the counts', async (t) => {
  const [alive, unreachable] = await Promise.all([sweep(['-a', '127.0.0.1-10']), sweep(['-s', '-u', '127.0.0.1-10'])]);
  t.is(alive.code, 0);
  t.deepEqual(lines(alive.stdout).sort(), twenty.slice(0, 10).sort());
  t.is(unreachable.code, 0);
  t.is(unreachable.stdout, '');
  t.regex(unreachable.stderr, / +10 alive\n/);
});

rootOnly('count mode: a line per reply, then each target\'s xmt/rcv/%loss and min/avg/max on stderr', async (t) => {
  const r = await sweep(['-c', '3', '-p', '20', '127.0.0.1', '127.0.0.2']);
  t.is(r.code, 0, r.stderr);
  const replies = lines(r.stdout);
  t.is(replies.length, 6);
  for (const l of replies) t.regex(l, /^127\.0\.0\.[12] : \[[012]\], 64 bytes, [\d.]+ ms \([\d.]+ avg, 0% loss\)$/);
  t.deepEqual(
    replies.filter((l) => l.startsWith('127.0.0.1 ')).map((l) => /\[(\d)\]/.exec(l)![1]),
    ['0', '1', '2'],
  );
  const summaries = lines(r.stderr).filter((l) => l.includes('xmt/rcv'));
  t.is(summaries.length, 2);
  for (const l of summaries) t.regex(l, /^127\.0\.0\.[12] : xmt\/rcv\/%loss = 3\/3\/0%, min\/avg\/max = [\d.]+\/[\d.]+\/[\d.]+$/);
  const quiet = await sweep(['-c', '2', '-p', '10', '-q', '127.0.0.1']);
  t.is(quiet.stdout, '');
  t.regex(quiet.stderr, /^127\.0\.0\.1 : xmt\/rcv\/%loss = 2\/2\/0%, min\/avg\/max = /m);
});

rootOnly('--json: one object per target, then the summary', async (t) => {
  const r = await sweep(['--json', '127.0.0.1-5']);
  t.is(r.code, 0, r.stderr);
  const objects = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
  t.is(objects.length, 6);
  const results = objects.filter((o) => o['type'] === 'result');
  t.deepEqual(results.map((o) => o['address']).sort(), twenty.slice(0, 5).sort());
  for (const o of results) {
    t.like(o, { alive: true, sent: 1, received: 1, loss: 0 });
    t.is(typeof o['rttMs'], 'number');
  }
  t.like(objects.at(-1)!, { type: 'summary', targets: 5, alive: 5, unreachable: 0, sent: 5, replies: 5, interrupted: false, inputError: null });
  t.is(r.stderr, '');
});

rootOnly('targets from stdin: blank lines and comments skipped; a bad line later stops there (exit 2)', async (t) => {
  const good = await sweep(['-f', '-', '-a'], '# from a script\n\n127.0.0.1\n   \n127.0.0.8/30   # a block\nlocalhost\n');
  t.is(good.code, 0, good.stderr);
  t.deepEqual(lines(good.stdout).sort(), ['127.0.0.1', '127.0.0.9', '127.0.0.10', 'localhost'].sort());
  const bad = await sweep(['-s', '-f', '-', '-a'], '127.0.0.1\n\n127.0.0.2\nnot an address\n127.0.0.3\n');
  t.is(bad.code, 2);
  t.deepEqual(lines(bad.stdout).sort(), ['127.0.0.1', '127.0.0.2']);
  t.regex(bad.stderr, /\nrawprobe: stdin:4: "not an address": one target per line/);
});
