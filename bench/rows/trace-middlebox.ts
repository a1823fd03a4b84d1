// Row 4, continued: what middlebox detection (issue 17: the whole quote compared field by field,
// realistic SYNs) costs, whole process, on the 4-hop lab, in the same rounds:
//
//   baseline   plain `rawprobe trace -n` of this build against the same command of a baseline
//              build (RAWPROBE_BASELINE=<a built checkout>, e.g. the main branch before the
//              change; the row says how to set it when unset): a tie (within 5%) is the goal,
//              a plain trace must not pay for the comparison.
//   tcp        `rawprobe trace -n -T --ecn` (Linux's SYN options, ECN setup, every quoted byte
//              compared) against the baseline build's `trace -n -T`.
//
// Each run must reach h2, or it measured a failure.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchGroup, progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { BENCH_LAB } from '../lab.js';
import type { Lab } from '../../lib/lab/index.js';
import { pendingUnless, rawprobeArgv } from '../rawprobe.js';
import { traceHops, traceRun as traceRunOf } from './trace.js';

const traceRun = (lab: Lab, argv: string[], name: string): Promise<RunOutcome> => traceRunOf(lab, argv, name, traceHops, null);

/** The baseline build's launcher, or why there is none. */
function baseline(): { launcher: string | null; problem: string | null } {
  const root = process.env['RAWPROBE_BASELINE'];
  if (root === undefined || root === '') return { launcher: null, problem: 'set RAWPROBE_BASELINE to a built checkout (npm run build) to compare with' };
  const launcher = join(root, 'rawprobe');
  if (!existsSync(join(root, 'dist', 'app', 'main.js'))) return { launcher: null, problem: `RAWPROBE_BASELINE=${root} is not built (no dist/app/main.js)` };
  return { launcher, problem: null };
}

export const traceMiddleboxGroup = benchGroup('trace-middlebox', '4', 'trace: what middlebox detection costs, against a baseline build', async (ctx) => {
  const lab = await ctx.labs.get(BENCH_LAB.chain3);
  const h2 = lab.address('h2');
  const ours = await pendingUnless('trace', ['-n']);
  const detection = await pendingUnless('trace', ['--ecn', '--tcp-options']);
  const base = baseline();
  const contenders: Contender[] = [
    { name: 'rawprobe trace', side: SIDE.ours, command: `rawprobe trace -n ${h2}`, unavailable: ours, run: () => traceRun(lab, rawprobeArgv(['trace', '-n', h2]), 'rawprobe trace') },
    {
      name: 'rawprobe trace (baseline build)',
      side: SIDE.theirs,
      command: `$RAWPROBE_BASELINE/rawprobe trace -n ${h2}`,
      unavailable: base.problem,
      run: () => traceRun(lab, [base.launcher!, 'trace', '-n', h2], 'baseline rawprobe trace'),
    },
    { name: 'rawprobe trace -T --ecn', side: SIDE.ours, command: `rawprobe trace -n -T --ecn ${h2}`, unavailable: detection, run: () => traceRun(lab, rawprobeArgv(['trace', '-n', '-T', '--ecn', h2]), 'rawprobe trace -T') },
    {
      name: 'rawprobe trace -T (baseline build)',
      side: SIDE.theirs,
      command: `$RAWPROBE_BASELINE/rawprobe trace -n -T ${h2}`,
      unavailable: base.problem,
      run: () => traceRun(lab, [base.launcher!, 'trace', '-n', '-T', h2], 'baseline rawprobe trace -T'),
    },
  ];
  const results = await runRounds(contenders, { runs: runsFor(ctx.runs, ctx.quick, 7), onRun: progress(ctx, 'trace middlebox') });
  const metric: Metric = { key: 'ms', what: 'trace 4 hops, every router answers: whole process', units: 'ms', better: BETTER.lower };
  return rowsFor('trace-middlebox', '4.middlebox', results, [
    { ours: 'rawprobe trace', theirs: 'rawprobe trace (baseline build)', id: 'baseline' },
    { ours: 'rawprobe trace -T --ecn', theirs: 'rawprobe trace -T (baseline build)', id: 'tcp' },
  ], [metric]);
});
