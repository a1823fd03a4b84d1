// Row 2: flood. Echo requests sent and replies received per second, for a bounded time, from h1
// through the 3-router lab to h2, and on loopback (127.0.0.1 inside h1's namespace, so the
// interface counters are ours alone):
//
//   ours    rawprobe ping -f -q -w D          rawprobe send --rate max --count N (under timeout D)
//   theirs  ping -f -q -w D (iputils)         hping3 --flood --icmp -d 56 (under timeout -s INT D)
//           the npm raw-socket package (bench/raw-socket-flood.cjs, a window of 64 in flight)
//   ceiling bench/c/raw-sender.c: sendmmsg of 64 prebuilt IP_HDRINCL echo requests, over and
//           over (bench/ceilings.ts compiles it): what the kernel takes from one sender here, the
//           figure `send --rate max` is read against; and the same on as many threads as our
//           send uses (one per CPU, at most 4), what the kernel takes from this machine's CPUs
//           bench/c/flood-ceiling.c: ping -f in C with every probe stamped by the kernel at both
//           ends, as ours is, on one thread that sends and reads (the figure `ping -f` is read
//           against: what a flood timed as ours is can do here)
//
// Every tool sends 56 bytes of ICMP data and floods for D seconds (5; 1 with --quick, which
// also leaves loopback to full runs). "Sent" is the steady rate from h1's interface counters,
// polled every 100 ms during each run and taken from when packets flowed to when they stopped
// (start-up excluded): one measure for every tool, including those that do not count. "Replies" is what the tool itself says it read, over
// D seconds; hping3 --flood and rawprobe send read no replies, so they have no such row. Each
// tool's own totals are cross-checked against the counters over the whole run (a note per tool).
// hping3 ignores -c in flood mode: it is bounded by time only (SIGINT after D, SIGKILL 2 s later).
//
// Network safety: every flood runs inside this run's own lab namespaces, to h2 or to h1's own
// loopback, bounded by time (D s) and, where the tool allows, by count.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab } from '../../lib/lab/index.js';
import { benchGroup, progress } from '../context.js';
import { counterDelta, linkCounters, timedCounters, type LinkCounters } from '../counters.js';
import { defaultSendThreads } from '../../cli/run/send.js';
import { ceiling } from '../ceilings.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, skippedRow, type Contender, type ContenderResult, type Metric, type Row, type RunOutcome } from '../harness.js';
import { BENCH_LAB } from '../lab.js';
import { expectExit, runProcess, type ProcResult } from '../proc.js';
import { ensureRawSocket, RAW_SOCKET_SCRIPT } from '../raw-socket.js';
import { pendingUnless, rawprobeArgv } from '../rawprobe.js';
import { toolPath, toolProblem } from '../tools.js';

export const FLOOD_TARGET = { lab: 'lab', loopback: 'loopback' } as const;
export type FloodTargetId = (typeof FLOOD_TARGET)[keyof typeof FLOOD_TARGET];

export interface FloodTarget {
  id: FloodTargetId;
  label: string;
  address: string;
  /** h1's interface the flood crosses. */
  dev: string;
}

/** Probes at most this many per run, where the tool takes a count (D s at 2M/s). */
export function floodCap(seconds: number): number {
  return seconds * 2_000_000;
}

/** "N packets transmitted, M received" (iputils and our ping) or "... M packets received" (hping3). */
export function parseTransmitted(text: string): { sent: number; received: number } | null {
  const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(text);
  return m === null ? null : { sent: Number(m[1]), received: Number(m[2]) };
}

/**
 * What the counters say was sent and received. On h1's eth0 requests leave (tx) and replies come
 * in (rx); on loopback every packet is counted once as tx and once as rx, requests and replies
 * alike, so each is half of tx (every request to 127.0.0.1 is answered).
 */
export function countersSay(target: FloodTargetId, d: LinkCounters): { sent: number; replies: number } {
  if (target === FLOOD_TARGET.lab) return { sent: d.txPackets, replies: d.rxPackets };
  return { sent: d.txPackets / 2, replies: d.txPackets / 2 };
}

interface OwnCounts {
  sent: number | null;
  received: number | null;
}

/** How often h1's counters are read while a tool floods. */
export const POLL_MS = 100;

/**
 * The steady sending rate from counter samples taken every POLL_MS while a tool ran: from the
 * first sample at which packets were already flowing to the last one before they stopped, so
 * neither a tool's start-up (Node's is 0.25 s here, more under load) nor its tail counts for or
 * against it. null when fewer than three samples saw traffic (no steady stretch to measure).
 */
export function steadyRate(samples: readonly { count: number; at: number }[]): number | null {
  const moving: number[] = [];
  for (let i = 1; i < samples.length; i++) if (samples[i]!.count > samples[i - 1]!.count) moving.push(i);
  if (moving.length < 3) return null;
  // Flooding began before sample moving[0] and went on until after sample (last - 1).
  const a = samples[moving[0]!]!;
  const b = samples[moving[moving.length - 1]! - 1]!;
  if (b.at <= a.at) return null;
  return (b.count - a.count) / ((b.at - a.at) / 1000);
}

/**
 * One flood run in h1. `sent` is the steady rate from h1's interface counters, polled while the
 * tool runs (the same measure for every tool, whether or not it counts); `replies` is the tool's
 * own count of replies it read, over its D seconds, or null when it reads none.
 */
export async function floodRun(lab: Lab, target: FloodTarget, argv: string[], name: string, seconds: number, own: (r: ProcResult) => OwnCounts, ok: number[], env?: NodeJS.ProcessEnv): Promise<RunOutcome> {
  const before = await linkCounters(lab, 'h1', target.dev);
  let done = false;
  const running = runProcess(argv, { netns: lab.namespace('h1'), timeoutMs: (seconds + 15) * 1000, ...(env === undefined ? {} : { env }), maxOutput: 1 << 20 }).finally(() => {
    done = true;
  });
  const samples: { count: number; at: number }[] = [];
  while (!done) {
    const c = await timedCounters(lab, 'h1', target.dev);
    samples.push({ count: countersSay(target.id, c).sent, at: c.at });
    await Promise.race([sleep(POLL_MS), running.then(() => undefined, () => undefined)]);
  }
  const r = await running;
  const after = await linkCounters(lab, 'h1', target.dev);
  expectExit(r, name, ok);
  const steady = steadyRate(samples);
  if (steady === null) throw new Error(`${name}: too short a stretch of sending to measure (${samples.length} counter samples)`);
  const whole = countersSay(target.id, counterDelta(before, after));
  const mine = own(r);
  return {
    values: {
      sent: steady,
      replies: mine.received === null ? null : mine.received / seconds,
      ownSent: mine.sent,
      ownReceived: mine.received,
      ifSent: whole.sent,
      ifReplies: whole.replies,
    },
  };
}

export function required(name: string, r: ProcResult): { sent: number; received: number } {
  const c = parseTransmitted(r.stdout) ?? parseTransmitted(r.stderr);
  if (c === null) throw new Error(`${name}: no "N packets transmitted, M received" summary in its output`);
  return c;
}

/** How far a contender's own totals stray from the interface counters over its runs (worst run). */
export function worstDeviation(result: ContenderResult, own: string, counted: string): number | null {
  let worst: number | null = null;
  for (const o of result.outcomes) {
    const a = o.values[own];
    const b = o.values[counted];
    if (typeof a !== 'number' || typeof b !== 'number' || b === 0) continue;
    worst = Math.max(worst ?? 0, Math.abs(a - b) / b);
  }
  return worst;
}

function crossCheck(result: ContenderResult | undefined, target: FloodTarget): string | null {
  if (result === undefined || result.outcomes.length === 0) return null;
  const parts: string[] = [];
  const sent = worstDeviation(result, 'ownSent', 'ifSent');
  if (sent !== null) parts.push(`sent ${percent(sent)}`);
  // On loopback the counters cannot tell requests from replies: only the lab checks replies.
  const received = target.id === FLOOD_TARGET.lab ? worstDeviation(result, 'ownReceived', 'ifReplies') : null;
  if (received !== null) parts.push(`received ${percent(received)}`);
  if (parts.length === 0) return `flood ${target.id}: ${result.name} reports no counts of its own: its sent figure is the interface counters' alone`;
  const bad = [sent, received].some((d) => d !== null && d > 0.02);
  return `flood ${target.id}: ${result.name}'s own counts vs h1's interface counters (${target.dev}), worst run: ${parts.join(', ')}${bad ? ' — DISAGREE' : ''}`;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(2)}% off`;
}

export const floodGroup = benchGroup('flood', '2', 'flood through the 3-router lab and on loopback', async (ctx) => {
  const seconds = ctx.quick ? 1 : 5;
  const cap = String(floodCap(seconds));
  const D = String(seconds);
  const lab = await ctx.labs.get(BENCH_LAB.chain3);
  const rawSocket = await ensureRawSocket(ctx.log);
  const sender = await ceiling('raw-sender');
  const stampedFlood = await ceiling('flood-ceiling');
  const pingProblem = toolProblem(ctx.tools, 'iputils-ping');
  const hpingProblem = toolProblem(ctx.tools, 'hping3');
  const timeout = ctx.tools.paths['timeout'] ?? 'timeout';
  const oursPing = await pendingUnless('ping', ['-f', '-q', '-w', '-c']);
  const oursSend = await pendingUnless('send', ['--dst', '--type', '--icmp-id', '--payload-hex', '--rate', '--count', '--send-threads']);
  // As many as send --rate max uses by default, said on both command lines.
  const threads = String(defaultSendThreads());
  const payloadHex = Buffer.from(Array.from({ length: 56 }, (_, k) => k)).toString('hex');
  const ceilingThreads = `C sender, ${threads} threads (sendmmsg)`;
  const rawSocketName = `npm raw-socket${rawSocket.version === null ? '' : ` ${rawSocket.version}`}`;
  const targets: FloodTarget[] = [
    { id: FLOOD_TARGET.lab, label: `through the 3-router lab, ${D} s`, address: lab.address('h2'), dev: 'eth0' },
    { id: FLOOD_TARGET.loopback, label: `on loopback, ${D} s`, address: '127.0.0.1', dev: 'lo' },
  ];
  const rows: Row[] = [];
  for (const target of targets) {
    const a = target.address;
    const contenders: Contender[] = [
      {
        name: 'rawprobe ping -f',
        side: SIDE.ours,
        command: `rawprobe ping -f -q -w ${D} -c ${cap} ${a}`,
        unavailable: oursPing,
        run: () => floodRun(lab, target, rawprobeArgv(['ping', '-f', '-q', '-w', D, '-c', cap, a]), 'rawprobe ping -f', seconds, (r) => required('rawprobe ping -f', r), [0, 1]),
      },
      {
        name: 'rawprobe send --rate max',
        side: SIDE.ours,
        command: `timeout -s INT ${D} rawprobe send --dst ${a} --type 8 --icmp-id 4660 --payload-hex <56 bytes> --rate max --send-threads ${threads} --count ${cap}`,
        unavailable: oursSend,
        run: () =>
          floodRun(lab, target, [timeout, '-s', 'INT', '-k', '2', D, ...rawprobeArgv(['send', '--dst', a, '--type', '8', '--icmp-id', '4660', '--payload-hex', payloadHex, '--rate', 'max', '--send-threads', threads, '--count', cap])],
            'rawprobe send', seconds, () => ({ sent: null, received: null }), [0, 124, 130]),
      },
      {
        name: 'ping -f (iputils)',
        side: SIDE.theirs,
        command: `ping -f -q -s 56 -w ${D} -c ${cap} ${a}`,
        unavailable: pingProblem,
        run: () => floodRun(lab, target, [toolPath(ctx.tools, 'ping'), '-f', '-q', '-s', '56', '-w', D, '-c', cap, a], 'ping -f', seconds, (r) => required('ping -f', r), [0, 1]),
      },
      {
        name: 'hping3 --flood --icmp',
        side: SIDE.theirs,
        command: `timeout -s INT ${D} hping3 --flood --icmp -d 56 ${a}`,
        unavailable: hpingProblem,
        run: () =>
          floodRun(lab, target, [timeout, '-s', 'INT', '-k', '2', D, toolPath(ctx.tools, 'hping3'), '--flood', '--icmp', '-d', '56', a], 'hping3', seconds,
            // hping3 --flood never reads replies (it always says 0 received): the counters tell.
            (r) => ({ sent: required('hping3', r).sent, received: null }), [0, 124, 130]),
      },
      {
        name: 'C sender (sendmmsg)',
        side: SIDE.theirs,
        command: `timeout -s INT ${D} raw-sender ${a} ${cap}   (bench/c/raw-sender.c)`,
        unavailable: sender.problem,
        run: () =>
          floodRun(lab, target, [timeout, '-s', 'INT', '-k', '2', D, sender.path!, a, cap], 'C sender', seconds, (r) => {
            const m = /^sent (\d+)$/m.exec(r.stdout);
            if (m === null) throw new Error('C sender printed no "sent N"');
            return { sent: Number(m[1]), received: null };
          }, [0, 124, 130]),
      },
      {
        name: ceilingThreads,
        side: SIDE.theirs,
        command: `timeout -s INT ${D} raw-sender ${a} ${cap} ${threads}   (bench/c/raw-sender.c)`,
        unavailable: sender.problem,
        run: () =>
          floodRun(lab, target, [timeout, '-s', 'INT', '-k', '2', D, sender.path!, a, cap, threads], 'C sender', seconds, (r) => {
            const m = /^sent (\d+)$/m.exec(r.stdout);
            if (m === null) throw new Error('C sender printed no "sent N"');
            return { sent: Number(m[1]), received: null };
          }, [0, 124, 130]),
      },
      {
        name: 'C ping -f, kernel stamps',
        side: SIDE.theirs,
        command: `flood-ceiling ${a} ${D} ${cap}   (bench/c/flood-ceiling.c)`,
        unavailable: stampedFlood.problem,
        run: () => floodRun(lab, target, [stampedFlood.path!, a, D, cap], 'C ping -f', seconds, (r) => required('C ping -f', r), [0]),
      },
      {
        name: rawSocketName,
        side: SIDE.theirs,
        command: `node bench/raw-socket-flood.cjs ${a} ${D} ${cap}`,
        unavailable: rawSocket.problem,
        run: () =>
          floodRun(lab, target, [process.execPath, RAW_SOCKET_SCRIPT, a, D, cap], 'raw-socket flood', seconds, (r) => {
            const j = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { sent?: number; received?: number };
            if (typeof j.sent !== 'number' || typeof j.received !== 'number') throw new Error('raw-socket flood printed no counts');
            return { sent: j.sent, received: j.received };
          }, [0], rawSocket.env),
      },
    ];
    const metrics: Metric[] = [
      { key: 'sent', what: `flood ${target.label}: echo requests sent (steady rate)`, units: 'packets/s', better: BETTER.higher },
      { key: 'replies', what: `flood ${target.label}: replies the tool read`, units: 'packets/s', better: BETTER.higher },
    ];
    const pairs = [
      { ours: 'rawprobe ping -f', theirs: 'ping -f (iputils)', id: 'ping-f.iputils' },
      { ours: 'rawprobe ping -f', theirs: 'hping3 --flood --icmp', id: 'ping-f.hping3', metrics: ['sent'] },
      { ours: 'rawprobe ping -f', theirs: rawSocketName, id: 'ping-f.raw-socket' },
      { ours: 'rawprobe ping -f', theirs: 'C ping -f, kernel stamps', id: 'ping-f.ceiling' },
      { ours: 'rawprobe send --rate max', theirs: 'ping -f (iputils)', id: 'send.iputils', metrics: ['sent'] },
      { ours: 'rawprobe send --rate max', theirs: 'hping3 --flood --icmp', id: 'send.hping3', metrics: ['sent'] },
      { ours: 'rawprobe send --rate max', theirs: 'C sender (sendmmsg)', id: 'send.ceiling', metrics: ['sent'] },
      { ours: 'rawprobe send --rate max', theirs: ceilingThreads, id: 'send.ceiling-threads', metrics: ['sent'] },
      { ours: 'rawprobe send --rate max', theirs: rawSocketName, id: 'send.raw-socket', metrics: ['sent'] },
    ];
    if (ctx.quick && target.id === FLOOD_TARGET.loopback) {
      for (const pair of pairs) {
        for (const m of metrics) {
          if (pair.metrics !== undefined && !pair.metrics.includes(m.key)) continue;
          rows.push(skippedRow(`2.${target.id}.${pair.id}.${m.key}`, 'flood', m, pair.ours, pair.theirs, 'skipped in --quick: loopback floods run in full runs'));
        }
      }
      continue;
    }
    const results = await runRounds(contenders, { runs: runsFor(ctx.runs, ctx.quick, 3), onRun: progress(ctx, `flood ${target.id}`) });
    const groupRows = rowsFor('flood', `2.${target.id}`, results, pairs, metrics);
    // Each tool's cross-check once, on the first row that shows the tool.
    const noted = new Set<string>();
    for (const row of groupRows) {
      for (const tool of [row.oursTool, row.theirsTool]) {
        if (noted.has(tool)) continue;
        const c = crossCheck(results.get(tool), target);
        if (c === null) continue;
        noted.add(tool);
        row.notes.push(tool.startsWith('hping3') ? `${c}; hping3 --flood ignores -c: bounded by time only` : c);
      }
    }
    rows.push(...groupRows);
  }
  return rows;
});
