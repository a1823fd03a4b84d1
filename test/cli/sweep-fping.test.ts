// sweep's fping letters (issue 20) against fping itself, run the same way in a network namespace
// of its own with lo up (127.0.0.0/8 answers for every address): -g (a block, or a first and a
// last address), -q, -e, -s, where count mode's per-target lines come, -C N (with and without -q), -l (stopped by SIGINT), -Q SECS, -i, -b, and
// the old letters' new meaning. Times differ from run to run, so lines are compared with their
// numbers masked; the counts, the addresses and the layout must be the same.
import test from 'ava';
import { MAIN, rawprobe, runCommand, type CliResult } from '../helpers/cli.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';
import { maskTimes } from './sweep-common.js';

const withFping = toolTest(['fping', 'timeout'], rootTest());

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** A line with its times masked: "127.0.0.1 : [0], 64 bytes, T ms (T avg, 0% loss)". */
function shape(line: string): string {
  return maskTimes(line).replace(/^\[\d\d:\d\d:\d\d\]$/, '[hh:mm:ss]');
}

/** Ours and fping's, each with the same arguments, one after the other (not to race each other on two cores). */
async function both(args: string[], options: { interrupt?: number } = {}): Promise<{ ours: CliResult; theirs: CliResult }> {
  const prefix = options.interrupt === undefined ? [] : ['timeout', '-s', 'INT', String(options.interrupt)];
  const ours = await runCommand([...prefix, process.execPath, MAIN, 'sweep', ...args], { where: 'netns' });
  const theirs = await runCommand([...prefix, 'fping', ...args], { where: 'netns' });
  return { ours, theirs };
}

withFping('-g: a block and a first and last address, the same lines as fping -g; -e adds the round trip as fping -e', async (t) => {
  for (const args of [['-g', '127.0.0.0/29'], ['-g', '127.0.0.3', '127.0.0.9'], ['-e', '-g', '127.0.0.0/30']]) {
    const { ours, theirs } = await both(args);
    t.is(ours.code, 0, ours.stderr);
    t.is(theirs.code, 0, theirs.stderr);
    t.deepEqual(lines(ours.stdout).map(shape).sort(), lines(theirs.stdout).map(shape).sort(), args.join(' '));
    t.is(ours.stderr, '', 'no statistics without -s');
  }
  const { ours } = await both(['-g', '127.0.0.0/29']);
  t.deepEqual(lines(ours.stdout).sort(), ['1', '2', '3', '4', '5', '6'].map((n) => `127.0.0.${n} is alive`).sort());
  // fping's long names, which are not all ours: --retry, --src, --unreach.
  for (const args of [['--alive', '--retry=1', '--src=127.0.0.1'], ['--unreach', '--retry=0']]) {
    const long = await both([...args, '127.0.0.1', '127.0.0.2']);
    t.deepEqual([long.ours.code, lines(long.ours.stdout).sort(), long.ours.stderr], [long.theirs.code, lines(long.theirs.stdout).sort(), long.theirs.stderr], args.join(' '));
    t.deepEqual(lines(long.ours.stdout).sort(), args[0] === '--alive' ? ['127.0.0.1', '127.0.0.2'] : [], args.join(' '));
  }
  // -a with -u: fping refuses it ("specify only one of a, u", exit 1); so do we, with our usage code.
  const both2 = await both(['-a', '-u', '127.0.0.1']);
  t.is(both2.theirs.code, 1, both2.theirs.stderr);
  t.deepEqual([both2.ours.code, both2.ours.stdout], [2, '']);
  t.regex(both2.ours.stderr, /^rawprobe: -a and -u: give one of them[^\n]*\n$/);
  // -q without -a, -u or -s: fping prints nothing at all, and so do we.
  const quiet = await both(['-q', '-g', '127.0.0.0/30']);
  t.deepEqual([quiet.ours.code, quiet.ours.stdout, quiet.ours.stderr], [quiet.theirs.code, quiet.theirs.stdout, quiet.theirs.stderr]);
  t.is(quiet.ours.stdout, '');
  const elapsed = await rawprobe(['sweep', '-e', '127.0.0.1'], { where: 'netns' });
  t.regex(elapsed.stdout, /^127\.0\.0\.1 is alive \(\d+\.\d+ ms\)\n$/);
});

withFping('-s: fping\'s statistics block, line for line, ours adding duplicates and late replies', async (t) => {
  const { ours, theirs } = await both(['-s', '-g', '127.0.0.0/30']);
  t.is(ours.code, 0, ours.stderr);
  const mask = (text: string): string[] => text.split('\n').map(shape);
  const fping = mask(theirs.stderr);
  const ourLines = mask(ours.stderr).filter((l) => !/duplicate replies|late replies/.test(l));
  t.deepEqual(ourLines, fping);
  t.regex(ours.stderr, /\n +2 targets\n +2 alive\n +0 unreachable\n +0 unknown addresses\n\n +0 timeouts \(waiting for response\)\n +2 ICMP Echos sent\n +2 ICMP Echo Replies received\n/);
});

withFping('-C 3: a line per reply as -c, then each target\'s three round trips on one line; with -q only those', async (t) => {
  for (const quiet of [[], ['-q']]) {
    const { ours, theirs } = await both(['-C', '3', '-p', '50', ...quiet, '127.0.0.1', '127.0.0.2']);
    t.is(ours.code, 0, ours.stderr);
    t.is(theirs.code, 0, theirs.stderr);
    t.deepEqual(lines(ours.stdout).map(shape).sort(), lines(theirs.stdout).map(shape).sort(), `stdout ${quiet.join('')}`);
    t.deepEqual(lines(ours.stderr).map(shape).sort(), lines(theirs.stderr).map(shape).sort(), `stderr ${quiet.join('')}`);
    t.deepEqual(lines(ours.stderr).map(shape).sort(), ['127.0.0.1 : T T T', '127.0.0.2 : T T T']);
  }
});

withFping('-c and -C: the per-target lines come together at the end, in the list\'s order, after a blank line (none with -q), stderr exactly as fping\'s', async (t) => {
  const targets = ['127.0.0.3', '127.0.0.1', '127.0.0.2'];
  for (const args of [['-c', '2'], ['-C', '2'], ['-q', '-c', '2'], ['-q', '-C', '2']]) {
    const { ours, theirs } = await both([...args, '-p', '30', ...targets]);
    t.is(ours.code, 0, ours.stderr);
    t.is(theirs.code, 0, theirs.stderr);
    const what = args.join(' ');
    t.deepEqual(ours.stderr.split('\n').map(shape), theirs.stderr.split('\n').map(shape), what);
    const err = ours.stderr.split('\n');
    t.deepEqual(err.filter((l) => l !== '').map((l) => l.split(' ')[0]), targets, `${what}: the list's order`);
    t.is(err[0] === '', !args.includes('-q'), `${what}: the blank line first, unless quiet`);
  }
});

withFping('-l: probes until SIGINT, then each target\'s xmt/rcv/%loss as fping prints it', async (t) => {
  const { ours, theirs } = await both(['-l', '-p', '200', '127.0.0.1'], { interrupt: 2 });
  for (const [who, r] of [['ours', ours], ['fping', theirs]] as const) {
    const replies = lines(r.stdout);
    t.true(replies.length >= 1, `${who}: ${r.stdout}`);
    replies.forEach((l, i) => t.is(shape(l), `127.0.0.1 : [${i}], 64 bytes, T ms (T avg, 0% loss)`, who));
    const counts = lines(r.stderr).filter((l) => l.includes('xmt/rcv'));
    t.deepEqual(counts.map(shape), ['127.0.0.1 : xmt/rcv/%loss = N/N/0%, min/avg/max = T/T/T'].map((l) => l.replace(/N/g, String(replies.length))), `${who}: ${r.stderr}`);
  }
});

withFping('-Q 1: quiet, and every second "[hh:mm:ss]" and each target\'s counts over that second, as fping', async (t) => {
  const { ours, theirs } = await both(['-c', '5', '-p', '400', '-Q', '1', '127.0.0.1', '127.0.0.2']);
  t.is(ours.code, 0, ours.stderr);
  t.is(theirs.code, 0, theirs.stderr);
  t.is(ours.stdout, '');
  t.is(theirs.stdout, '');
  for (const [who, r] of [['ours', ours], ['fping', theirs]] as const) {
    const err = lines(r.stderr).map(shape);
    const heading = err.indexOf('[hh:mm:ss]');
    t.true(heading >= 0, `${who}: ${r.stderr}`);
    t.regex(err[heading + 1]!, /^127\.0\.0\.[12] : xmt\/rcv\/%loss = \d\/\d\/0%, min\/avg\/max = T\/T\/T$/, who);
    // The run's own count lines come last, one per target.
    t.deepEqual(err.slice(-2).sort(), ['127.0.0.1 : xmt/rcv/%loss = 5/5/0%, min/avg/max = T/T/T', '127.0.0.2 : xmt/rcv/%loss = 5/5/0%, min/avg/max = T/T/T'], who);
  }
});

withFping('-b, -H, -O and -i take fping\'s meaning: the reply lines are fping\'s', async (t) => {
  const { ours, theirs } = await both(['-b', '100', '-H', '3', '-O', '32', '-i', '1', '-c', '2', '-p', '20', '127.0.0.1']);
  t.is(ours.code, 0, ours.stderr);
  t.deepEqual(lines(ours.stdout).map(shape), lines(theirs.stdout).map(shape));
  t.deepEqual(lines(ours.stdout).map(shape), ['127.0.0.1 : [0], 108 bytes, T ms (T avg, 0% loss)', '127.0.0.1 : [1], 108 bytes, T ms (T avg, 0% loss)']);
  // The long names stay.
  const long = await rawprobe(['sweep', '--size', '100', '--ttl', '3', '--tos', '32', '-c', '1', '127.0.0.1'], { where: 'netns' });
  t.regex(long.stdout, /^127\.0\.0\.1 : \[0\], 108 bytes, /);
});
