// Row 3: round-trip time, 200 probes 10 ms apart, on loopback (127.0.0.1 in h1's namespace) and
// from h1 across the 3-router lab to h2: `rawprobe ping -c 200 -i 0.01` against iputils
// `ping -c 200 -i 0.01`. Each run gives the median and the 99th percentile of its per-probe
// times (the `time=` of each reply line); the row shows the median of those over the runs.
//
// And under flood, 64 probes in flight sent as fast as replies come back: every reply's time from
// the same ping session the CLI's -f runs (bench/flood-rtts.ts prints them; -f itself prints
// none) against iputils `ping -n -i 0 -l 64`, which prints a line per reply.
//
// Both tools take the receive time from the kernel. rawprobe takes the send time from the kernel
// too (SO_TIMESTAMPING: when the packet reached the driver); iputils reads the clock before its
// sendmsg call, so its times also hold the trip down through the socket layer. Ours should be the
// lower, never 0 or below. A large gap the other way means we measure something else (the event
// loop, a late timestamp).

import type { Lab } from '../../lib/lab/index.js';
import { benchGroup, progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { BENCH_LAB } from '../lab.js';
import { expectExit, runProcess } from '../proc.js';
import { pendingUnless, rawprobeArgv } from '../rawprobe.js';
import { median, percentile } from '../stats.js';
import { REPO_ROOT } from '../lab.js';
import { join } from 'node:path';
import { toolPath, toolProblem } from '../tools.js';

/** Every `time=0.045 ms` of a ping's reply lines (iputils' shape, which ours keeps). */
export function parseRtts(text: string): number[] {
  const out: number[] = [];
  const re = /\btime=([0-9.]+) ms\b/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(Number(m[1]));
  return out;
}

/** The times bench/flood-rtts.ts prints, in ms. */
function parseFloodRtts(text: string): number[] {
  const j = JSON.parse(text.trim().split('\n').pop() ?? '{}') as { rttMs?: number[] };
  if (!Array.isArray(j.rttMs)) throw new Error('flood-rtts printed no times');
  return j.rttMs;
}

/**
 * One run's median and p99. Ours must never report a round trip of 0 or below (iputils prints
 * 0.000 for a trip under a microsecond, which is its business).
 */
async function rttRun(lab: Lab, argv: string[], name: string, probes: number, ours: boolean, parse: (text: string) => number[] = parseRtts): Promise<RunOutcome> {
  const r = expectExit(await runProcess(argv, { netns: lab.namespace('h1'), timeoutMs: 60_000, maxOutput: 64 * 1024 * 1024 }), name);
  const rtts = parse(r.stdout);
  const zero = rtts.filter((t) => !(t > 0)).length;
  if (ours && zero > 0) throw new Error(`${name}: ${zero} round trips of 0 or below`);
  // A probe lost now and then is the network's business; most missing means a broken run.
  if (rtts.length < probes * 0.95) throw new Error(`${name}: ${rtts.length} replies to ${probes} probes`);
  return { values: { median: median(rtts), p99: percentile(rtts, 99) } };
}

const FLOOD_RTTS = join(REPO_ROOT, 'dist', 'bench', 'flood-rtts.js');

export const rttGroup = benchGroup('rtt', '3', 'round-trip time, probes 10 ms apart', async (ctx) => {
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
      { name: 'rawprobe ping', side: SIDE.ours, command: `rawprobe ping ${args.join(' ')}`, unavailable: ours, run: () => rttRun(lab, rawprobeArgv(['ping', ...args]), 'rawprobe ping', probes, true) },
      { name: 'ping (iputils)', side: SIDE.theirs, command: `ping ${args.join(' ')}`, unavailable: pingProblem, run: () => rttRun(lab, [toolPath(ctx.tools, 'ping'), ...args], 'ping', probes, false) },
    ];
    const results = await runRounds(contenders, { runs: runsFor(ctx.runs, ctx.quick, 5), onRun: progress(ctx, `rtt ${id}`) });
    const metrics: Metric[] = [
      { key: 'median', what: `RTT ${label}, ${probes} probes 10 ms apart: median`, units: 'ms', better: BETTER.lower, words: { better: 'lower', worse: 'higher' } },
      { key: 'p99', what: `RTT ${label}, ${probes} probes 10 ms apart: p99`, units: 'ms', better: BETTER.lower, words: { better: 'lower', worse: 'higher' } },
    ];
    rows.push(...rowsFor('rtt', `3.${id}`, results, [{ ours: 'rawprobe ping', theirs: 'ping (iputils)', id: 'iputils' }], metrics));

    // Under flood: 64 in flight.
    const flood = ctx.quick ? 2000 : 20_000;
    const floodArgs = ['-n', '-i', '0', '-l', '64', '-c', String(flood), address];
    const floodContenders: Contender[] = [
      { name: 'rawprobe ping -f', side: SIDE.ours, command: `node dist/bench/flood-rtts.js ${address} ${flood}   (rawprobe ping -f's session, every reply's time)`, unavailable: ours, run: () => rttRun(lab, [process.execPath, FLOOD_RTTS, address, String(flood)], 'rawprobe ping -f', flood, true, parseFloodRtts) },
      { name: 'ping -i 0 -l 64 (iputils)', side: SIDE.theirs, command: `ping ${floodArgs.join(' ')}`, unavailable: pingProblem, run: () => rttRun(lab, [toolPath(ctx.tools, 'ping'), ...floodArgs], 'ping -i 0 -l 64', flood, false) },
    ];
    const floodResults = await runRounds(floodContenders, { runs: runsFor(ctx.runs, ctx.quick, 3), onRun: progress(ctx, `rtt ${id} flood`) });
    const floodMetrics: Metric[] = metrics.map((m) => ({ ...m, what: `RTT ${label}, flood (64 in flight, ${flood} probes): ${m.key}` }));
    rows.push(...rowsFor('rtt', `3.${id}.flood`, floodResults, [{ ours: 'rawprobe ping -f', theirs: 'ping -i 0 -l 64 (iputils)', id: 'iputils' }], floodMetrics));
  }
  return rows;
});
