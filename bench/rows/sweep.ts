// Row 7 (issue 8): sweeping a whole /16 in the sweep lab, where node t answers for every address
// of 198.18.0.0/16 (a local route on its loopback): `rawprobe sweep --rate max 198.18.0.0/16`
// against `fping -i 0 -r 0 -g 198.18.0.0/16`, whole process run in h1, wall time and peak memory.
// Both must report every one of the 65,534 hosts alive. --quick sweeps a /20 (4,094 hosts).
// Peak memory is also set beside `rawprobe --version`'s own, in the same rounds: what the sweep
// adds to a Node process that has only started (the bar: 15 MB at most).

import { benchGroup, progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { BENCH_LAB } from '../lab.js';
import { expectExit, runProcess, type ProcResult } from '../proc.js';
import { pendingUnless, rawprobeArgv } from '../rawprobe.js';
import { toolPath, toolProblem } from '../tools.js';

/** Hosts in a block, network and broadcast addresses excluded (as fping -g does for < /31). */
export function hostsIn(prefix: number): number {
  return prefix >= 31 ? 2 ** (32 - prefix) : 2 ** (32 - prefix) - 2;
}

/** "198.18.0.1 is alive" lines (fping's shape, which ours keeps). */
export function countAlive(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (/^\S+ is alive\b/.test(line)) n += 1;
  return n;
}

function figures(r: ProcResult): Record<string, number | null> {
  return { seconds: r.ms / 1000, rssMb: r.maxRssKb === null ? null : r.maxRssKb / 1024 };
}

export const sweepGroup = benchGroup('sweep', '7', 'sweep a /16 answered by one namespace: rawprobe sweep vs fping', async (ctx) => {
  const prefix = ctx.quick ? 20 : 16;
  const block = `198.18.0.0/${prefix}`;
  const hosts = hostsIn(prefix);
  const lab = await ctx.labs.get(BENCH_LAB.sweep);
  const ns = lab.namespace('h1');
  const run = async (name: string, argv: string[]): Promise<RunOutcome> => {
    const r = expectExit(await runProcess(argv, { netns: ns, memory: true, timeoutMs: 120_000, maxOutput: 64 * 1024 * 1024 }), name);
    const alive = countAlive(r.stdout);
    if (alive !== hosts) throw new Error(`${name}: ${alive} of ${hosts} hosts alive (all answer in this lab)`);
    return { values: figures(r) };
  };
  const contenders: Contender[] = [
    { name: 'rawprobe sweep', side: SIDE.ours, command: `rawprobe sweep --rate max ${block}`, unavailable: await pendingUnless('sweep', ['--rate']), run: () => run('rawprobe sweep', rawprobeArgv(['sweep', '--rate', 'max', block])) },
    { name: 'fping', side: SIDE.theirs, command: `fping -i 0 -r 0 -g ${block}`, unavailable: toolProblem(ctx.tools, 'fping'), run: () => run('fping', [toolPath(ctx.tools, 'fping'), '-i', '0', '-r', '0', '-g', block]) },
  ];
  contenders.push({
    name: 'rawprobe --version',
    side: SIDE.theirs,
    command: 'rawprobe --version',
    unavailable: null,
    run: async () => ({ values: figures(expectExit(await runProcess(rawprobeArgv(['--version']), { netns: ns, memory: true, timeoutMs: 30_000 }), 'rawprobe --version')) }),
  });
  const results = await runRounds(contenders, { runs: runsFor(ctx.runs, ctx.quick, 5), onRun: progress(ctx, 'sweep') });
  const metrics: Metric[] = [
    { key: 'seconds', what: `sweep ${block} (${hosts} hosts, all alive): whole process`, units: 's', better: BETTER.lower },
    { key: 'rssMb', what: `sweep ${block}: peak memory`, units: 'MB', better: BETTER.lower, words: { better: 'smaller', worse: 'larger' } },
  ];
  const rows = rowsFor('sweep', '7', results, [
    { ours: 'rawprobe sweep', theirs: 'fping', id: 'fping' },
    { ours: 'rawprobe sweep', theirs: 'rawprobe --version', id: 'start', metrics: ['rssMb'] },
  ], metrics);
  const start = rows.find((r) => r.id === '7.start.rssMb');
  if (start?.ours != null && start.theirs != null) start.notes.push(`the sweep adds ${(start.ours - start.theirs).toFixed(1)} MB to a started rawprobe`);
  return rows;
});
