// Row 4: time to trace the 4-hop lab (h1 - r1 - r2 - r3 - h2), with every router answering and
// with r2 silent: `rawprobe trace -n` against `traceroute -I -n` and `mtr -r -n -c 1`, whole
// process, run in h1. Each run must reach h2 (and show the silent hop as unanswered), or it
// measured a failure.
//
// mtr -r waits its grace time (5 s) after the last probe, whatever the path: that is what a user
// of `mtr -r` waits too, so it is measured as is. --quick skips mtr (15 s per lab for 3 runs).

import type { Lab } from '../../lib/lab/index.js';
import { benchGroup, progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { BENCH_LAB, type BenchLabKind } from '../lab.js';
import { expectExit, runProcess } from '../proc.js';
import { pendingUnless, rawprobeArgv } from '../rawprobe.js';
import { toolPath, toolProblem } from '../tools.js';

/** Hop lines of traceroute-shaped output: ` 2  198.51.100.2  0.2 ms ...` or ` 2  * * *`. */
export function traceHops(text: string): { ttl: number; line: string }[] {
  const out: { ttl: number; line: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m !== null) out.push({ ttl: Number(m[1]), line: m[2]! });
  }
  return out;
}

/** mtr -r lines: `  2.|-- 198.51.100.2   0.0% ...` or `  2.|-- ???`. */
export function mtrHops(text: string): { ttl: number; line: string }[] {
  const out: { ttl: number; line: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\.\|--\s+(.*)$/.exec(line);
    if (m !== null) out.push({ ttl: Number(m[1]), line: m[2]! });
  }
  return out;
}

/** Throws unless the last hop is the target and (for the silent lab) hop 2 did not answer. */
export function checkTrace(name: string, hops: { ttl: number; line: string }[], target: string, silentTtl: number | null): void {
  const last = hops[hops.length - 1];
  if (last === undefined || !last.line.split(/\s+/).includes(target)) {
    throw new Error(`${name}: did not reach ${target} (last hop: ${last === undefined ? 'none' : last.line.trim()})`);
  }
  if (silentTtl !== null) {
    const hop = hops.find((h) => h.ttl === silentTtl);
    if (hop === undefined || /\d+\.\d+\.\d+\.\d+/.test(hop.line)) throw new Error(`${name}: the silent hop ${silentTtl} answered: ${hop?.line.trim() ?? 'missing'}`);
  }
}

/** One whole-process run of a trace-shaped command in h1, checked (checkTrace): its time. */
export async function traceRun(lab: Lab, argv: string[], name: string, parse: (t: string) => { ttl: number; line: string }[], silentTtl: number | null): Promise<RunOutcome> {
  const r = expectExit(await runProcess(argv, { netns: lab.namespace('h1'), timeoutMs: 120_000 }), name);
  checkTrace(name, parse(r.stdout), lab.address('h2'), silentTtl);
  return { values: { ms: r.ms } };
}

export const traceGroup = benchGroup('trace', '4', 'trace time on the 4-hop lab', async (ctx) => {
  const ours = await pendingUnless('trace', ['-n']);
  const tracerouteProblem = toolProblem(ctx.tools, 'traceroute');
  const mtrProblem = ctx.quick ? 'skipped in --quick: mtr -r waits its 5 s grace time every run' : toolProblem(ctx.tools, 'mtr-tiny');
  const rows: Row[] = [];
  const labs: [BenchLabKind, string, number | null][] = [
    [BENCH_LAB.chain3, 'every router answers', null],
    [BENCH_LAB.chain3Silent, 'hop 2 silent', 2],
  ];
  for (const [kind, label, silent] of labs) {
    const lab = await ctx.labs.get(kind);
    const target = lab.address('h2');
    const contenders: Contender[] = [
      { name: 'rawprobe trace', side: SIDE.ours, command: `rawprobe trace -n ${target}`, unavailable: ours, run: () => traceRun(lab, rawprobeArgv(['trace', '-n', target]), 'rawprobe trace', traceHops, silent) },
      { name: 'traceroute -I', side: SIDE.theirs, command: `traceroute -I -n ${target}`, unavailable: tracerouteProblem, run: () => traceRun(lab, [toolPath(ctx.tools, 'traceroute'), '-I', '-n', target], 'traceroute -I', traceHops, silent) },
      { name: 'mtr -r -c 1', side: SIDE.theirs, command: `mtr -r -n -c 1 ${target}`, unavailable: mtrProblem, run: () => traceRun(lab, [toolPath(ctx.tools, 'mtr'), '-r', '-n', '-c', '1', target], 'mtr -r', mtrHops, silent) },
    ];
    const id = silent === null ? 'answering' : 'silent-hop';
    const results = await runRounds(contenders, { runs: runsFor(ctx.runs, ctx.quick, 5), onRun: progress(ctx, `trace ${id}`) });
    const metric: Metric = { key: 'ms', what: `trace 4 hops, ${label}: whole process`, units: 'ms', better: BETTER.lower };
    rows.push(...rowsFor('trace', `4.${id}`, results, [
      { ours: 'rawprobe trace', theirs: 'traceroute -I', id: 'traceroute' },
      { ours: 'rawprobe trace', theirs: 'mtr -r -c 1', id: 'mtr' },
    ], [metric]));
  }
  return rows;
});
