// Row 3: round-trip time, 200 probes 10 ms apart, on loopback (127.0.0.1 in h1's namespace) and
// from h1 across the 3-router lab to h2: `rawprobe ping -c 200 -i 0.01` against iputils
// `ping -c 200 -i 0.01`. Each run gives the median and the 99th percentile of its per-probe
// times (the `time=` of each reply line); the row shows the median of those over the runs.
//
// A lower figure is not automatically better here: both tools measure the same kernel path, and
// ours should sit close to iputils' (which takes kernel timestamps). A large gap either way means
// one of them measures something else (the event loop, a late timestamp).

import type { Lab } from '../../lib/lab/index.js';
import type { BenchContext, BenchGroup } from '../context.js';
import { progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { BENCH_LAB } from '../lab.js';
import { expectExit, runProcess } from '../proc.js';
import { pendingUnless, rawprobeArgv } from '../rawprobe.js';
import { median, percentile } from '../stats.js';
import { toolPath, toolProblem } from '../tools.js';

/** Every `time=0.045 ms` of a ping's reply lines (iputils' shape, which ours keeps). */
export function parseRtts(text: string): number[] {
  const out: number[] = [];
  const re = /\btime=([0-9.]+) ms\b/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(Number(m[1]));
  return out;
}

async function rttRun(lab: Lab, argv: string[], name: string, probes: number): Promise<RunOutcome> {
  const r = expectExit(await runProcess(argv, { netns: lab.namespace('h1'), timeoutMs: 60_000 }), name);
  const rtts = parseRtts(r.stdout);
  // A probe lost now and then is the network's business; most missing means a broken run.
  if (rtts.length < probes * 0.95) throw new Error(`${name}: ${rtts.length} replies to ${probes} probes`);
  return { values: { median: median(rtts), p99: percentile(rtts, 99) } };
}

export const rttGroup: BenchGroup = {
  id: 'rtt',
  number: '3',
  title: 'round-trip time, probes 10 ms apart',
  async run(ctx: BenchContext): Promise<Row[]> {
    const probes = ctx.quick ? 30 : 200;
    const lab = await ctx.labs.get(BENCH_LAB.chain3);
    const pingProblem = toolProblem(ctx.tools, 'iputils-ping');
    const ours = await pendingUnless('ping', ['-n', '-c', '-i']);
    const rows: Row[] = [];
    for (const [id, label, address] of [
      ['loopback', 'loopback', '127.0.0.1'],
      ['lab', '3-router lab', lab.address('h2')],
    ] as const) {
      const args = ['-n', '-c', String(probes), '-i', '0.01', address];
      const contenders: Contender[] = [
        { name: 'rawprobe ping', side: SIDE.ours, command: `rawprobe ping ${args.join(' ')}`, unavailable: ours, run: () => rttRun(lab, rawprobeArgv(['ping', ...args]), 'rawprobe ping', probes) },
        { name: 'ping (iputils)', side: SIDE.theirs, command: `ping ${args.join(' ')}`, unavailable: pingProblem, run: () => rttRun(lab, [toolPath(ctx.tools, 'ping'), ...args], 'ping', probes) },
      ];
      const results = await runRounds(contenders, { runs: runsFor(ctx.runs, ctx.quick, 5), onRun: progress(ctx, `rtt ${id}`) });
      const metrics: Metric[] = [
        { key: 'median', what: `RTT ${label}, ${probes} probes 10 ms apart: median`, units: 'ms', better: BETTER.lower, words: { better: 'lower', worse: 'higher' } },
        { key: 'p99', what: `RTT ${label}, ${probes} probes 10 ms apart: p99`, units: 'ms', better: BETTER.lower, words: { better: 'lower', worse: 'higher' } },
      ];
      rows.push(...rowsFor('rtt', `3.${id}`, results, [{ ours: 'rawprobe ping', theirs: 'ping (iputils)', id: 'iputils' }], metrics));
    }
    return rows;
  },
};
