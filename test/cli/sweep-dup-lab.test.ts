// sweep across a link that duplicates every packet (h1 - t, `"duplicate": 100`: each request
// reaches t twice and each reply comes back twice, so every probe is answered four times), beside
// fping run the same way: the duplicate lines are fping's, in its plain output and with -q -c,
// and we also tell them in count mode without -q, where fping 5.1 drops them without a line.
// The lab itself checks that 100% is a rule nftables takes (no `numgen ... < 10000`).
import test from 'ava';
import type { Lab } from '../../lib/lab/index.js';
import { runCommand, type CliResult } from '../helpers/cli.js';
import { withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';
import { lines, maskTimes, sweepIn } from './sweep-common.js';

void test;

const withFping = toolTest(['fping', 'nft'], rootTest());

const DUPLICATING = {
  name: 'sweepdup',
  nodes: { h1: { role: 'host' as const }, t: { role: 'host' as const } },
  links: [{ between: ['h1', 't'] as [string, string], duplicate: 100 }],
};

const shape = maskTimes;

async function both(lab: Lab, args: string[]): Promise<{ ours: CliResult; theirs: CliResult }> {
  const ours = await sweepIn(lab, args, { timeoutMs: 20_000 });
  const theirs = await runCommand(['fping', ...args], { where: { lab, node: 'h1' }, timeoutMs: 20_000 });
  return { ours, theirs };
}

withFping('a duplicating link: "duplicate for [N]" lines as fping prints them, plain, with -q and -q -c; also with -c, where fping has none', async (t) => {
  const lab = await withLab(t, DUPLICATING);
  const target = lab.address('t');
  const dupLine = new RegExp(`^${target.replace(/\./g, '\\.')} : duplicate for \\[[01]\\], 64 bytes, T ms$`);
  for (const args of [['-r', '0', target], ['-q', '-r', '0', target], ['-q', '-c', '2', '-p', '100', target]]) {
    const { ours, theirs } = await both(lab, args);
    const what = args.join(' ');
    t.is(ours.code, 0, `${what}: ${ours.stderr}`);
    t.is(theirs.code, 0, `${what}: ${theirs.stderr}`);
    t.deepEqual(lines(ours.stdout).map(shape), lines(theirs.stdout).map(shape), `${what}: stdout`);
    t.deepEqual(lines(ours.stderr).map(shape).sort(), lines(theirs.stderr).map(shape).sort(), `${what}: stderr`);
    const dups = lines(ours.stderr).map(shape).filter((l) => dupLine.test(l));
    t.true(dups.length >= 1, `${what}: ${ours.stderr}`);
  }
  const counted = await sweepIn(lab, ['-c', '2', '-p', '100', target], { timeoutMs: 20_000 });
  t.is(counted.code, 0, counted.stderr);
  t.deepEqual(lines(counted.stdout).map(shape), [
    `${target} : [0], 64 bytes, T ms (T avg, 0% loss)`,
    `${target} : [1], 64 bytes, T ms (T avg, 0% loss)`,
  ]);
  t.true(lines(counted.stderr).some((l) => dupLine.test(shape(l))), counted.stderr);
  t.regex(counted.stderr, new RegExp(`^${target.replace(/\./g, '\\.')} : xmt/rcv/%loss = 2/2/0%, `, 'm'), 'duplicates are not replies');
});
