// Row 8: capturing a flood. In the two-host lab (h1 - t), h1 floods t with N UDP packets as fast
// as `rawprobe send --rate max` goes (1M; 200k with --quick) while one capture tool runs on t's
// eth0 with the filter `udp`, into /dev/null:
//
//   ours    rawprobe capture -i eth0 -w /dev/null udp            (ring: 8 blocks of 1 MiB)
//   theirs  tcpdump -n -i eth0 -B 8192 -w /dev/null udp          (the same 8 MiB of ring)
//
// Figures per run: packets captured per second of flood (the flood's steady rate from t's rx
// counters, polled every 100 ms, times the share of the packets the tool captured), the kernel's
// drops, and the CPU time the tool spent per captured packet (the sum of its threads' schedstat
// run time from "listening" to the end of the flood). Both tools are stopped with SIGINT 1.5 s
// after the flood, past tcpdump's 1 s buffer timeout, so neither leaves packets in the ring; what
// each says it received is checked against t's counters.
//
// On a 2-core machine one sender cannot outrun either tool: a tool that drops nothing captures at
// the flood's own rate, which varies from run to run with the machine's load (each run's rate is
// in the notes). The CPU time per packet is the figure that compares the tools themselves: the
// capture rate a core would sustain is 1e9 / that.
//
// Network safety: the flood stays inside this run's lab, to t's address, bounded by count and by
// the time limit of every process.

import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab } from '../../lib/lab/index.js';
import { benchGroup, progress } from '../context.js';
import { linkCounters, timedCounters } from '../counters.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { BENCH_LAB } from '../lab.js';
import { expectExit, runProcess } from '../proc.js';
import { pendingUnless, rawprobeArgv } from '../rawprobe.js';
import { steadyRate } from './flood.js';
import { toolPath, toolProblem } from '../tools.js';

/** tcpdump's (and our) end-of-run counts; null when a line is missing. */
export function parseCaptureStats(stderr: string): { captured: number; received: number; dropped: number } | null {
  const n = (what: string): number | null => {
    const m = new RegExp(`^(\\d+) packets? ${what}$`, 'm').exec(stderr);
    return m === null ? null : Number(m[1]);
  };
  const captured = n('captured');
  const received = n('received by filter');
  const dropped = n('dropped by kernel');
  return captured === null || received === null || dropped === null ? null : { captured, received, dropped };
}

/** CPU time of a process so far, nanoseconds: the run time of each of its threads (/proc/PID/task/T/schedstat). */
export function cpuNs(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return total;
}

async function waitFor(test: () => boolean, what: string, limitMs: number): Promise<void> {
  const start = Date.now();
  while (!test()) {
    if (Date.now() - start > limitMs) throw new Error(`${what}: not after ${limitMs} ms`);
    await sleep(20);
  }
}

/** One capture tool on t while h1 floods it. */
async function captureRun(lab: Lab, name: string, argv: string[], flood: string[], count: number): Promise<RunOutcome> {
  // `ip netns exec` execs the tool: the child's pid is the tool's.
  const child = lab.spawn('t', argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('close', () => ((exited = true), resolve())));
  try {
    await waitFor(() => stderr.includes('listening on') || exited, `${name} listening`, 30_000);
    if (exited) throw new Error(`${name} did not start: ${stderr.trim()}`);
    const cpuBefore = cpuNs(child.pid!);
    const before = await linkCounters(lab, 't', 'eth0');
    let flooding = true;
    const sending = runProcess(flood, { netns: lab.namespace('h1'), timeoutMs: 120_000 }).finally(() => (flooding = false));
    const samples: { count: number; at: number }[] = [];
    while (flooding) {
      const c = await timedCounters(lab, 't', 'eth0');
      samples.push({ count: c.rxPackets, at: c.at });
      await Promise.race([sleep(100), sending.then(() => undefined, () => undefined)]);
    }
    expectExit(await sending, 'the flood (rawprobe send)');
    await sleep(1500);
    const after = await linkCounters(lab, 't', 'eth0');
    const cpu = cpuNs(child.pid!) - cpuBefore;
    child.kill('SIGINT');
    await Promise.race([exit, sleep(30_000)]);
    if (!exited) throw new Error(`${name} did not stop on SIGINT`);
    const stats = parseCaptureStats(stderr);
    if (stats === null) throw new Error(`${name} printed no statistics: ${stderr.trim()}`);
    const arrived = after.rxPackets - before.rxPackets;
    if (arrived < count * 0.9) throw new Error(`the flood did not arrive: ${arrived} of ${count} packets`);
    if (Math.abs(stats.received - arrived) > 16) throw new Error(`${name}: received by filter ${stats.received}, but ${arrived} packets arrived`);
    const rate = steadyRate(samples);
    if (rate === null) throw new Error('too short a flood to measure its rate');
    return {
      values: { captured: rate * (stats.captured / stats.received), dropped: stats.dropped, cpu: cpu / Math.max(1, stats.captured), floodRate: rate },
      note: `flood ${Math.round(rate / 1000)}k packets/s`,
    };
  } finally {
    if (!exited) child.kill('SIGKILL');
  }
}

export const captureGroup = benchGroup('capture', '8', 'capture a lab flood into /dev/null: rawprobe capture vs tcpdump', async (ctx) => {
  const count = ctx.quick ? 200_000 : 1_000_000;
  const lab = await ctx.labs.get(BENCH_LAB.sweep);
  const flood = rawprobeArgv(['send', '--dst', lab.address('t'), '--proto', 'udp', '--dport', '9', '--payload-size', '18', '--rate', 'max', '--count', String(count)]);
  const ours = ['capture', '-i', 'eth0', '-w', '/dev/null', 'udp'];
  const theirs = ['-n', '-i', 'eth0', '-B', '8192', '-w', '/dev/null', 'udp'];
  const contenders: Contender[] = [
    {
      name: 'rawprobe capture',
      side: SIDE.ours,
      command: `rawprobe ${ours.join(' ')}`,
      unavailable: await pendingUnless('capture', ['-i', '-w']),
      run: () => captureRun(lab, 'rawprobe capture', rawprobeArgv(ours), flood, count),
    },
    {
      name: 'tcpdump',
      side: SIDE.theirs,
      command: `tcpdump ${theirs.join(' ')}`,
      unavailable: toolProblem(ctx.tools, 'tcpdump'),
      run: () => captureRun(lab, 'tcpdump', [toolPath(ctx.tools, 'tcpdump'), ...theirs], flood, count),
    },
  ];
  const results = await runRounds(contenders, { runs: runsFor(ctx.runs, ctx.quick, 5), onRun: progress(ctx, 'capture') });
  const label = `${count / 1000}k UDP packets flooded at full rate through a lab link, captured into /dev/null`;
  const metrics: Metric[] = [
    { key: 'captured', what: `${label}: packets captured per second of flood`, units: 'packets/s', better: BETTER.higher },
    { key: 'dropped', what: `${label}: dropped by the kernel (ring full)`, units: 'packets', better: BETTER.lower, words: { better: 'fewer', worse: 'more' } },
    { key: 'cpu', what: `${label}: CPU time per captured packet`, units: 'ns', better: BETTER.lower, words: { better: 'less', worse: 'more' } },
  ];
  return rowsFor('capture', '8', results, [{ ours: 'rawprobe capture', theirs: 'tcpdump', id: 'tcpdump' }], metrics);
});
