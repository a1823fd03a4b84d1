// Row 4, continued: trace as mtr and tracepath are used, whole process, in the same run on the
// same labs (rate limits off, as every bench lab: the rows measure the tools).
//
//   report  `rawprobe trace -n --report -c 10` against `mtr -r -n -c 10` on the 4-hop lab: mtr
//           sends a round a second and waits its 5 s grace time after the last; ours sends each
//           round once the one before is settled and ends with the last answer. Each run must
//           list the 4 hops of the lab with the same Loss% per hop as mtr's runs (0.0% here),
//           or the row failed.
//   mtu     `rawprobe trace -n --mtu` against `tracepath -n` on mtu1400 (h1 - r1 - r2 - h2, a
//           1400-byte link after r1): both must end "Resume: pmtu 1400". The kernel's cached path
//           MTU is flushed before every run (outside the timing), so both find it on the path.
//
// --quick skips the report row (mtr takes 15 s a run).

import type { Lab } from '../../lib/lab/index.js';
import { benchGroup, progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { BENCH_LAB } from '../lab.js';
import { expectExit, runProcess } from '../proc.js';
import { pendingUnless, rawprobeArgv } from '../rawprobe.js';
import { toolPath, toolProblem } from '../tools.js';

/** Report rows (mtr -r's and ours): `  2.|-- 198.51.100.2   0.0%    10 ...` as host and Loss%. */
export function reportRows(text: string): { ttl: number; host: string; loss: string }[] {
  const out: { ttl: number; host: string; loss: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\.\|-- (\S+)\s+([\d.]+)%/.exec(line);
    if (m !== null) out.push({ ttl: Number(m[1]), host: m[2]!, loss: m[3]! });
  }
  return out;
}

/** Throws unless the report lists `path`'s hops, in order, each with `loss` Loss%. */
export function checkReport(name: string, text: string, path: readonly string[], loss: string): void {
  const rows = reportRows(text);
  const got = rows.map((r) => `${r.ttl} ${r.host} ${r.loss}%`).join(', ');
  const want = path.map((a, i) => `${i + 1} ${a} ${loss}%`).join(', ');
  if (got !== want) throw new Error(`${name}: rows ${got || 'none'}, not ${want}`);
}

async function reportRun(lab: Lab, argv: string[], name: string): Promise<RunOutcome> {
  const r = expectExit(await runProcess(argv, { netns: lab.namespace('h1'), timeoutMs: 120_000 }), name);
  checkReport(name, r.stdout, lab.path('h1', 'h2').hops.map((h) => h.address!), '0.0');
  return { values: { ms: r.ms } };
}

async function mtuRun(lab: Lab, argv: string[], name: string): Promise<RunOutcome> {
  await lab.exec('h1', ['ip', 'route', 'flush', 'cache']);
  const r = expectExit(await runProcess(argv, { netns: lab.namespace('h1'), timeoutMs: 60_000 }), name);
  if (!/Resume: pmtu 1400\b/.test(r.stdout)) throw new Error(`${name}: no "Resume: pmtu 1400" (${r.stdout.trim().split('\n').at(-1) ?? 'no output'})`);
  return { values: { ms: r.ms } };
}

export const traceReportGroup = benchGroup('trace-report', '4', 'trace --report against mtr -r, trace --mtu against tracepath', async (ctx) => {
  const rows: Row[] = [];
  const chain3 = await ctx.labs.get(BENCH_LAB.chain3);
  const h2 = chain3.address('h2');
  const report = await pendingUnless('trace', ['--report', '-c']);
  const mtrProblem = ctx.quick ? 'skipped in --quick: mtr -r -c 10 takes 15 s a run' : toolProblem(ctx.tools, 'mtr-tiny');
  const reportContenders: Contender[] = [
    { name: 'rawprobe trace --report', side: SIDE.ours, command: `rawprobe trace -n --report -c 10 ${h2}`, unavailable: mtrProblem ?? report, run: () => reportRun(chain3, rawprobeArgv(['trace', '-n', '--report', '-c', '10', h2]), 'rawprobe trace --report') },
    { name: 'mtr -r -c 10', side: SIDE.theirs, command: `mtr -r -n -c 10 ${h2}`, unavailable: mtrProblem, run: () => reportRun(chain3, [toolPath(ctx.tools, 'mtr'), '-r', '-n', '-c', '10', h2], 'mtr -r') },
  ];
  const reportResults = await runRounds(reportContenders, { runs: runsFor(ctx.runs, ctx.quick, 3), onRun: progress(ctx, 'trace --report') });
  const reportMetric: Metric = { key: 'ms', what: 'report, 10 rounds of the 4-hop lab (same Loss% per hop): whole process', units: 'ms', better: BETTER.lower };
  rows.push(...rowsFor('trace-report', '4.report', reportResults, [{ ours: 'rawprobe trace --report', theirs: 'mtr -r -c 10', id: 'mtr' }], [reportMetric]));

  const mtu = await ctx.labs.get(BENCH_LAB.mtu1400);
  const target = mtu.address('h2');
  const ours = await pendingUnless('trace', ['--mtu']);
  const tracepathProblem = toolProblem(ctx.tools, 'iputils-tracepath');
  const mtuContenders: Contender[] = [
    { name: 'rawprobe trace --mtu', side: SIDE.ours, command: `rawprobe trace -n --mtu ${target}`, unavailable: ours, run: () => mtuRun(mtu, rawprobeArgv(['trace', '-n', '--mtu', target]), 'rawprobe trace --mtu') },
    { name: 'tracepath', side: SIDE.theirs, command: `tracepath -n ${target}`, unavailable: tracepathProblem, run: () => mtuRun(mtu, [toolPath(ctx.tools, 'tracepath'), '-n', target], 'tracepath') },
  ];
  const mtuResults = await runRounds(mtuContenders, { runs: runsFor(ctx.runs, ctx.quick, 5), onRun: progress(ctx, 'trace --mtu') });
  const mtuMetric: Metric = { key: 'ms', what: 'path MTU of mtu1400 (1400 found): whole process', units: 'ms', better: BETTER.lower };
  rows.push(...rowsFor('trace-report', '4.mtu', mtuResults, [{ ours: 'rawprobe trace --mtu', theirs: 'tracepath', id: 'tracepath' }], [mtuMetric]));
  return rows;
});
