// ping's iputils letters that change the socket or the output (issue 20), on loopback in a
// private network namespace, next to iputils ping run the same way: -a's bell, -v's ident= (with
// -e, which makes iputils use a raw socket as we always do), -A, -U, -S, -d, -L, -C, -B, -4 and
// -R give iputils' lines; -H asks for names of a numeric host; -V prints the version. Times
// differ from run to run and are masked.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawprobe as cli, ROOT, runCommand, type CliResult } from '../helpers/cli.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';

const withIputils = toolTest(['ping'], rootTest());

function rawprobe(args: string[]): Promise<CliResult> {
  return cli(['ping', ...args], { where: 'netns', timeoutMs: 30_000 });
}

function iputils(args: string[]): Promise<CliResult> {
  return runCommand(['ping', ...args], { where: 'netns', timeoutMs: 30_000 });
}

/**
 * The output with its times masked, without what each -v adds of its own: iputils' getaddrinfo
 * debugging line ("ai->ai_family: ..."), ours where the times come from ("times: ...", "timed: ...").
 */
function masked(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !/^(ai->|times: |timed: )/.test(l))
    .map((l) => l.replace(/time=[\d.]+ ms/, 'time=T ms').replace(/, time \d+ms$/, ', time Tms').replace(/^rtt .*/, 'rtt'));
}

async function both(args: string[]): Promise<{ ours: CliResult; theirs: CliResult }> {
  const ours = await rawprobe(args);
  return { ours, theirs: await iputils(args) };
}

withIputils('-a, -v with -e, -U, -S, -d, -L, -C, -B, -4 and -R on loopback: iputils\' lines', async (t) => {
  const cases = [['-a'], ['-v', '-e', '4242'], ['-U'], ['-S', '20000'], ['-d'], ['-L'], ['-C'], ['-B'], ['-4'], ['-R'], ['-A']];
  for (const extra of cases) {
    const args = [...extra, '-c', '2', '-i', '0.2', '127.0.0.1'];
    const { ours, theirs } = await both(args);
    t.is(ours.code, 0, `${args.join(' ')}: ${ours.stderr}`);
    t.is(theirs.code, 0, `iputils ${args.join(' ')}: ${theirs.stderr}`);
    t.deepEqual(masked(ours.stdout), masked(theirs.stdout), args.join(' '));
  }
  const audible = await rawprobe(['-a', '-c', '1', '127.0.0.1']);
  t.regex(audible.stdout, /\n64 bytes from 127\.0\.0\.1: icmp_seq=1 ttl=64 time=[\d.]+ ms\u0007\n/, 'the bell right after the reply line');
  const verbose = await rawprobe(['-v', '-e', '4242', '-c', '1', '127.0.0.1']);
  t.regex(verbose.stdout, /\n64 bytes from 127\.0\.0\.1: icmp_seq=1 ident=4242 ttl=64 time=/);
  const bound = await rawprobe(['-B', '-c', '1', '127.0.0.1']);
  t.regex(bound.stdout, /^PING 127\.0\.0\.1 \(127\.0\.0\.1\) from 127\.0\.0\.1 : 56\(84\) bytes of data\.\n/);
});

withIputils('-A: probes follow the round trip, the counts and lines are iputils\'; -f -a rings on each reply', async (t) => {
  const { ours, theirs } = await both(['-A', '-c', '20', '127.0.0.1']);
  t.is(ours.code, 0, ours.stderr);
  const lines = (r: CliResult): string[] => masked(r.stdout).filter((l) => l.includes('bytes from'));
  t.deepEqual(lines(ours), lines(theirs));
  t.is(lines(ours).length, 20);
  t.regex(ours.stdout, /\n20 packets transmitted, 20 received, 0% packet loss, time \d+ms\n/);
  // iputils prints ipg/ewma after an adaptive run, as after a flood. With a full pipe -A sends
  // a probe anyway after 10 ms (iputils' MININTERVAL), so a loaded machine that holds a reply up
  // that long gets iputils' "pipe 2" between the two, from either tool.
  const adaptiveTail = /\nrtt min\/avg\/max\/mdev = [\d./]+ ms(?:, pipe \d+)?, ipg\/ewma [\d./]+ ms\n$/;
  t.regex(ours.stdout, adaptiveTail);
  t.regex(theirs.stdout, adaptiveTail);
  const flood = await rawprobe(['-f', '-a', '-c', '5', '127.0.0.1']);
  t.is(flood.code, 0, flood.stderr);
  t.is((flood.stdout.match(/\u0007/g) ?? []).length, 5, 'a bell per reply');
});

test('-V: the version and exit 0', async (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const version = await cli(['ping', '-V'], { timeoutMs: 30_000 });
  t.is(version.code, 0);
  t.is(version.stdout.trim(), pkg.version);
});

rootTest()('-H looks the numeric host\'s name up (in a namespace without resolver: the address), -n wins over it', async (t) => {
  const named = await rawprobe(['-H', '-c', '1', '127.0.0.1']);
  t.is(named.code, 0, named.stderr);
  t.regex(named.stdout, /\n64 bytes from (\S+) \(127\.0\.0\.1\): icmp_seq=1 ttl=64 time=/);
  const numeric = await rawprobe(['-H', '-n', '-c', '1', '127.0.0.1']);
  t.regex(numeric.stdout, /\n64 bytes from 127\.0\.0\.1: icmp_seq=1 ttl=64 time=/);
});
