// Row 9 (issue 13): the probing commands over IPv6, each beside its peer in the same run:
//
//   flood   rawprobe ping -6 -f -q -w D  vs  iputils ping -6 -f -q -w D, from h1 through the
//           3-router lab (chain3 with IPv6) to h2: echo requests sent (steady rate, h1's
//           interface counters) and replies read per second (flood.ts's measure)
//   trace   rawprobe trace -6 -n  vs  traceroute -6 -I -n  and  vs  rawprobe trace -n (IPv4) on
//           the same lab: whole process, every run must reach h2 (the bar: within 1.1x
//           of our IPv4 trace)
//   sweep   rawprobe sweep -6 --rate max -f LIST  vs  fping -6 -i 0 -r 0 -f LIST, LIST being
//           65,534 addresses of 2001:db8:ff::/112 (fping takes no 65,536th), all answered by the
//           sweep lab's t: whole process; both must report every one alive (fping 5.1 cannot
//           generate IPv6 lists, so both read the same file); and vs the machine's ceiling,
//           bench/c/sweep6-ceiling.c: the same sweep in C with our means (IPV6_HDRINCL, sendmmsg)
//
// Network safety: everything runs inside this run's own lab namespaces, floods bounded by time
// and count.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab } from '../../lib/lab/index.js';
import { formatIpv6, parseIpv6 } from '../../lib/wire/ipv6-address.js';
import { ceiling } from '../ceilings.js';
import type { BenchContext } from '../context.js';
import { benchGroup, progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Row, type RunOutcome } from '../harness.js';
import { BENCH_LAB, SWEEP_BLOCK6 } from '../lab.js';
import { expectExit, runProcess } from '../proc.js';
import { pendingUnless, rawprobeArgv } from '../rawprobe.js';
import { toolPath, toolProblem } from '../tools.js';
import { FLOOD_TARGET, floodCap, floodRun, required } from './flood.js';
import { countAlive } from './sweep.js';
import { checkTrace, traceHops } from './trace.js';

/**
 * The addresses 2001:db8:ff::1 to ::fffe (65,534, what the IPv4 row's /16 has; --quick: 4,094),
 * one per line. Not all 65,536 of the /112: fping numbers its probes with 16 bits and refuses a
 * 65,536th target ("not enough sequence numbers available").
 */
function sweepList(quick: boolean): { text: string; count: number } {
  const base = parseIpv6(SWEEP_BLOCK6.split('/')[0]!);
  const count = quick ? 4094 : 65534;
  const lines: string[] = [];
  for (let i = 1; i <= count; i++) {
    base[14] = i >> 8;
    base[15] = i & 0xff;
    lines.push(formatIpv6(base));
  }
  return { text: `${lines.join('\n')}\n`, count };
}

async function floodRows(ctx: BenchContext): Promise<Row[]> {
  const seconds = ctx.quick ? 1 : 5;
  const D = String(seconds);
  const cap = String(floodCap(seconds));
  const lab = await ctx.labs.get(BENCH_LAB.chain3);
  const a = lab.address('h2', { family: 6 });
  const target = { id: FLOOD_TARGET.lab, label: `-6 through the 3-router lab, ${D} s`, address: a, dev: 'eth0' };
  const contenders: Contender[] = [
    {
      name: 'rawprobe ping -6 -f',
      side: SIDE.ours,
      command: `rawprobe ping -6 -f -q -w ${D} -c ${cap} ${a}`,
      unavailable: await pendingUnless('ping', ['-6', '-f']),
      run: () => floodRun(lab, target, rawprobeArgv(['ping', '-6', '-f', '-q', '-w', D, '-c', cap, a]), 'rawprobe ping -6 -f', seconds, (r) => required('rawprobe ping -6 -f', r), [0, 1]),
    },
    {
      name: 'ping -6 -f (iputils)',
      side: SIDE.theirs,
      command: `ping -6 -f -q -s 56 -w ${D} -c ${cap} ${a}`,
      unavailable: toolProblem(ctx.tools, 'iputils-ping'),
      run: () => floodRun(lab, target, [toolPath(ctx.tools, 'ping'), '-6', '-f', '-q', '-s', '56', '-w', D, '-c', cap, a], 'ping -6 -f', seconds, (r) => required('ping -6 -f', r), [0, 1]),
    },
  ];
  const results = await runRounds(contenders, { runs: runsFor(ctx.runs, ctx.quick, 3), onRun: progress(ctx, 'ipv6 flood') });
  return rowsFor('ipv6', '9.flood', results, [{ ours: 'rawprobe ping -6 -f', theirs: 'ping -6 -f (iputils)', id: 'iputils' }], [
    { key: 'sent', what: `flood ${target.label}: echo requests sent (steady rate)`, units: 'packets/s', better: BETTER.higher },
    { key: 'replies', what: `flood ${target.label}: replies the tool read`, units: 'packets/s', better: BETTER.higher },
  ]);
}

async function traceRows(ctx: BenchContext): Promise<Row[]> {
  const lab = await ctx.labs.get(BENCH_LAB.chain3);
  const h2 = lab.address('h2', { family: 6 });
  const h2v4 = lab.address('h2');
  const run = async (argv: string[], name: string, target: string): Promise<RunOutcome> => {
    const r = expectExit(await runProcess(argv, { netns: lab.namespace('h1'), timeoutMs: 120_000 }), name);
    checkTrace(name, traceHops(r.stdout), target, null);
    return { values: { ms: r.ms } };
  };
  const ours = await pendingUnless('trace', ['-6', '-n']);
  const contenders: Contender[] = [
    { name: 'rawprobe trace -6', side: SIDE.ours, command: `rawprobe trace -6 -n ${h2}`, unavailable: ours, run: () => run(rawprobeArgv(['trace', '-6', '-n', h2]), 'rawprobe trace -6', h2) },
    { name: 'traceroute -6 -I', side: SIDE.theirs, command: `traceroute -6 -I -n ${h2}`, unavailable: toolProblem(ctx.tools, 'traceroute'), run: () => run([toolPath(ctx.tools, 'traceroute'), '-6', '-I', '-n', h2], 'traceroute -6 -I', h2) },
    { name: 'rawprobe trace (IPv4)', side: SIDE.theirs, command: `rawprobe trace -n ${h2v4}`, unavailable: ours, run: () => run(rawprobeArgv(['trace', '-n', h2v4]), 'rawprobe trace', h2v4) },
  ];
  const results = await runRounds(contenders, { runs: runsFor(ctx.runs, ctx.quick, 5), onRun: progress(ctx, 'ipv6 trace') });
  return rowsFor('ipv6', '9.trace', results, [
    { ours: 'rawprobe trace -6', theirs: 'traceroute -6 -I', id: 'traceroute' },
    { ours: 'rawprobe trace -6', theirs: 'rawprobe trace (IPv4)', id: 'ipv4' },
  ], [{ key: 'ms', what: 'trace -6, 4 hops, every router answering: whole process', units: 'ms', better: BETTER.lower }]);
}

async function sweepRows(ctx: BenchContext): Promise<Row[]> {
  const lab: Lab = await ctx.labs.get(BENCH_LAB.sweep);
  const { text, count } = sweepList(ctx.quick);
  const dir = mkdtempSync(join(tmpdir(), 'rawprobe-bench-sweep6-'));
  const list = join(dir, 'targets6.txt');
  writeFileSync(list, text);
  try {
    const run = async (argv: string[], name: string): Promise<RunOutcome> => {
      const r = expectExit(await runProcess(argv, { netns: lab.namespace('h1'), memory: true, timeoutMs: 120_000, maxOutput: 64 * 1024 * 1024 }), name);
      const alive = countAlive(r.stdout);
      if (alive !== count) throw new Error(`${name}: ${alive} of ${count} addresses alive (all answer in this lab)`);
      return { values: { seconds: r.ms / 1000, rssMb: r.maxRssKb === null ? null : r.maxRssKb / 1024 } };
    };
    const c = await ceiling('sweep6-ceiling');
    const source = lab.address('h1', { family: 6 });
    const contenders: Contender[] = [
      { name: 'rawprobe sweep -6', side: SIDE.ours, command: `rawprobe sweep -6 --rate max -f LIST`, unavailable: await pendingUnless('sweep', ['-6', '--rate']), run: () => run(rawprobeArgv(['sweep', '-6', '--rate', 'max', '-f', list]), 'rawprobe sweep -6') },
      { name: 'fping -6', side: SIDE.theirs, command: `fping -6 -i 0 -r 0 -f LIST`, unavailable: toolProblem(ctx.tools, 'fping'), run: () => run([toolPath(ctx.tools, 'fping'), '-6', '-i', '0', '-r', '0', '-f', list], 'fping -6') },
      { name: 'C sweep -6', side: SIDE.theirs, command: `sweep6-ceiling LIST ${source}   (bench/c/sweep6-ceiling.c)`, unavailable: c.problem, run: () => run([c.path!, list, source], 'C sweep -6') },
    ];
    const results = await runRounds(contenders, { runs: runsFor(ctx.runs, ctx.quick, 5), onRun: progress(ctx, 'ipv6 sweep') });
    const what = `sweep -6 of ${count} addresses (listed, of ${SWEEP_BLOCK6}; all alive)`;
    return rowsFor('ipv6', '9.sweep', results, [
      { ours: 'rawprobe sweep -6', theirs: 'fping -6', id: 'fping' },
      { ours: 'rawprobe sweep -6', theirs: 'C sweep -6', id: 'ceiling' },
    ], [
      { key: 'seconds', what: `${what}: whole process`, units: 's', better: BETTER.lower },
      { key: 'rssMb', what: `${what}: peak memory`, units: 'MB', better: BETTER.lower, words: { better: 'smaller', worse: 'larger' } },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const ipv6Group = benchGroup('ipv6', '9', 'IPv6 probing beside its peers: ping -6 -f, trace -6, sweep -6', async (ctx) => {
  return [...(await floodRows(ctx)), ...(await traceRows(ctx)), ...(await sweepRows(ctx))];
});
