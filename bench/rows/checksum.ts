// Row 5: checksum check of a generated 200,000-packet pcap with known bad checksums at each
// layer, whole process, the file in the page cache for every tool:
//
//   rawprobe checksum FILE --max-listed 0    the text report, listing every bad packet
//   rawprobe checksum FILE --json            the JSON report (every bad packet listed)
//   tshark -r FILE ... -Y <a bad checksum> -T fields -e frame.number
//                                            tshark listing the same bad packets, with IPv4, UDP
//                                            and TCP checksum validation switched on (it always
//                                            validates ICMP and ICMPv6)
//
// on an IPv4 file, and again on an IPv6 one of as many packets (ICMPv6, UDP and TCP over IPv6,
// some behind Hop-by-Hop or Destination Options headers). Each must list exactly the packets the generator spoiled, or the row fails. And in-process,
// against the machine's ceiling: the library's checkCapture (no Node start-up, the same read of
// the file) against bench/c/pcap-checksum.c, the same checks in plain C over the file mapped in
// memory (bench/ceilings.ts compiles it), as packets per second.
//
// The files come from bench/make-checksum-pcap.ts, the generator the checksum command's tests
// use: Ethernet, ICMP(v6) echo / UDP / TCP in turn, about 37 MB for 200,000 IPv4 packets, with
// bad IPv4 and transport checksums, UDP sent without a checksum (bad over IPv6) and
// snaplen-cut packets (unverifiable) planted by a seeded random choice.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCapture } from '../../lib/check/index.js';
import { ceiling } from '../ceilings.js';
import { makeChecksumPcap } from '../make-checksum-pcap.js';
import type { BenchContext } from '../context.js';
import { benchGroup, progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { expectExit, runProcess, type ProcResult } from '../proc.js';
import { pendingUnless, rawprobeArgv } from '../rawprobe.js';
import { toolPath, toolProblem } from '../tools.js';

export const CHECKSUM_LAYERS = ['ipv4', 'icmp', 'udp', 'tcp', 'icmpv6'] as const;
export type ChecksumLayer = (typeof CHECKSUM_LAYERS)[number];

/** The generated file and the packets with a bad checksum planted in it (0-based, ascending). */
export interface ChecksumPcap {
  file: string;
  packets: number;
  bytes: number;
  badPackets: number[];
}

/** Writes the file with bench/make-checksum-pcap.ts (the checksum command's own test generator). */
export async function writeChecksumPcap(file: string, packets: number, ipv6 = false): Promise<ChecksumPcap> {
  const planted = await makeChecksumPcap(file, { packets, ipv6: ipv6 ? 1 : 0 });
  const badPackets = [...new Set(planted.bad.map((b) => b.index))].sort((a, b) => a - b);
  return { file, packets: planted.packets, bytes: planted.bytes, badPackets };
}

/**
 * The display filter that keeps a packet with any bad checksum: Wireshark's status 0 is bad, and
 * 4 ("illegal") is a UDP checksum of 0 over IPv6, where RFC 8200 makes it mandatory.
 */
export const TSHARK_BAD_FILTER = [...CHECKSUM_LAYERS.map((l) => `${l === 'ipv4' ? 'ip' : l}.checksum.status == 0`), 'udp.checksum.status == 4'].join(' || ');

export const TSHARK_CHECKSUM_ARGS = [
  '-o', 'ip.check_checksum:TRUE',
  '-o', 'udp.check_checksum:TRUE',
  '-o', 'tcp.check_checksum:TRUE',
  '-Y', TSHARK_BAD_FILTER,
  '-T', 'fields',
  '-e', 'frame.number',
];

/** tshark's frame numbers (from 1), one per line, as 0-based packet indexes. */
export function tsharkBadPackets(text: string): number[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => Number(l.trim()) - 1);
}

/** The packets of the text report's bad-checksum table (`│ 44 │ tcp │ ...`), each once. */
export function textBadPackets(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/^│\s*(\d+)\s*│\s*(ipv4|icmpv6|icmp|udp|tcp)\s*│/gm)) {
    const n = Number(m[1]);
    if (out[out.length - 1] !== n) out.push(n);
  }
  return out;
}

/** The packets of the JSON report's badPackets, each once. */
export function jsonBadPackets(text: string): number[] {
  const j = JSON.parse(text) as { badPackets?: { index: number }[] };
  if (!Array.isArray(j.badPackets)) throw new Error('no badPackets in the JSON report');
  return [...new Set(j.badPackets.map((b) => b.index))];
}

function sameList(who: string, got: number[], want: ChecksumPcap): void {
  const differs = got.length !== want.badPackets.length || got.some((n, i) => n !== want.badPackets[i]);
  if (differs) throw new Error(`${who} listed ${got.length} bad packets (first ${got.slice(0, 3).join(', ')}); ${want.badPackets.length} were planted (first ${want.badPackets.slice(0, 3).join(', ')})`);
}

function figures(r: ProcResult): Record<string, number | null> {
  return { seconds: r.ms / 1000, rssMb: r.maxRssKb === null ? null : r.maxRssKb / 1024 };
}

/** A whole-process contender that lists the bad packets: exit `ok`, then its list checked. */
function lister(name: string, side: Contender['side'], argv: string[], unavailable: string | null, ok: number[], list: (stdout: string) => number[], pcap: ChecksumPcap): Contender {
  return {
    name,
    side,
    command: argv.join(' ').replace(pcap.file, 'FILE'),
    unavailable,
    async run(): Promise<RunOutcome> {
      const r = expectExit(await runProcess(argv, { memory: true, timeoutMs: 300_000, maxOutput: 256 * 1024 * 1024 }), name, ok);
      sameList(name, list(r.stdout), pcap);
      return { values: figures(r) };
    },
  };
}

/**
 * A side measured in packets per second over the file: `measure` checks it and gives its own time
 * (ns) and the bad packets it listed, which must be the planted ones.
 */
function rateContender(name: string, side: Contender['side'], command: string, unavailable: string | null, pcap: ChecksumPcap, measure: () => Promise<{ ns: number; listed: number[] }>): Contender {
  return {
    name,
    side,
    command,
    unavailable,
    async run(): Promise<RunOutcome> {
      const { ns, listed } = await measure();
      sameList(name, listed, pcap);
      return { values: { rate: pcap.packets / (ns / 1e9) } };
    },
  };
}

/**
 * The in-process side: checkCapture over the file, here; with the addon's checksum lane
 * (lib/check/lane.ts) when it is built, or (native false) JavaScript alone.
 */
function library(pcap: ChecksumPcap, native: boolean): Contender {
  const name = native ? 'checkCapture (in-process)' : 'checkCapture, JavaScript alone';
  const command = native ? 'checkCapture(FILE) in the bench process' : 'checkCapture(FILE, { native: false }) in the bench process';
  return rateContender(name, SIDE.ours, command, null, pcap, async () => {
    const t0 = process.hrtime.bigint();
    const { tally } = await checkCapture(pcap.file, { native });
    const ns = Number(process.hrtime.bigint() - t0);
    return { ns, listed: [...new Set(tally.summary().bad.map((b) => b.index))] };
  });
}

/** The ceiling: bench/c/pcap-checksum.c, its own time for the read and the checks. */
function cChecker(path: string | null, problem: string | null, pcap: ChecksumPcap): Contender {
  return rateContender('C checker', SIDE.theirs, 'pcap-checksum FILE   (bench/c/pcap-checksum.c)', problem, pcap, async () => {
    const r = expectExit(await runProcess([path!, pcap.file], { timeoutMs: 120_000 }), 'C checker');
    const listed = [...new Set(r.stdout.split('\n').filter((l) => /^\d+ [a-z0-9]+$/.test(l)).map((l) => Number(l.split(' ')[0])))];
    const ns = /^ns (\d+)$/m.exec(r.stdout);
    if (ns === null) throw new Error('C checker printed no "ns N"');
    return { ns: Number(ns[1]), listed };
  });
}

/** The whole-process rows on one file: the text and JSON reports against tshark listing the same bad packets. */
async function listingRows(ctx: BenchContext, pcap: ChecksumPcap, ipv6: boolean): Promise<Row[]> {
  readFileSync(pcap.file); // into the page cache, for every tool
  const k = `${pcap.packets / 1000}k`;
  const ours = await pendingUnless('checksum', ['--json', '--max-listed']);
  const tsharkProblem = toolProblem(ctx.tools, 'tshark');
  const tshark = tsharkProblem === null ? toolPath(ctx.tools, 'tshark') : 'tshark';
  // Exit 1 is the answer "bad checksums found", which this file has.
  const contenders = [
    lister('rawprobe checksum', SIDE.ours, rawprobeArgv(['checksum', pcap.file, '--max-listed', '0']), ours, [1], textBadPackets, pcap),
    lister('rawprobe checksum --json', SIDE.ours, rawprobeArgv(['checksum', pcap.file, '--json']), ours, [1], jsonBadPackets, pcap),
    lister('tshark -Y <bad checksum>', SIDE.theirs, [tshark, '-n', '-r', pcap.file, ...TSHARK_CHECKSUM_ARGS], tsharkProblem, [0], tsharkBadPackets, pcap),
  ];
  const results = await runRounds(contenders, { runs: runsFor(ctx.runs, ctx.quick, 5), onRun: progress(ctx, ipv6 ? 'checksum, IPv6' : 'checksum') });
  const file = `${k}-packet ${ipv6 ? 'IPv6 ' : ''}pcap`;
  const metrics: Metric[] = [
    { key: 'seconds', what: `checksum check of a ${file}, listing the bad packets: whole process`, units: 's', better: BETTER.lower },
    { key: 'rssMb', what: `checksum check of a ${file}: peak memory`, units: 'MB', better: BETTER.lower, words: { better: 'smaller', worse: 'larger' } },
  ];
  const suffix = ipv6 ? '-ipv6' : '';
  return rowsFor('checksum', '5', results, [
    { ours: 'rawprobe checksum', theirs: 'tshark -Y <bad checksum>', id: `text.tshark${suffix}` },
    { ours: 'rawprobe checksum --json', theirs: 'tshark -Y <bad checksum>', id: `json.tshark${suffix}` },
  ], metrics);
}

export const checksumGroup = benchGroup('checksum', '5', 'checksum check of a pcap, IPv4 and IPv6: rawprobe checksum vs tshark, and the C ceiling', async (ctx) => {
  const packets = ctx.quick ? 20_000 : 200_000;
  const dir = mkdtempSync(join(tmpdir(), 'rawprobe-bench-checksum-'));
  try {
    const pcap = await writeChecksumPcap(join(dir, 'checksum.pcap'), packets);
    const rows = await listingRows(ctx, pcap, false);
    // The C checker reads IPv4 only: the ceiling is measured on the IPv4 file.
    const c = await ceiling('pcap-checksum');
    const inProcess = await runRounds([library(pcap, true), library(pcap, false), cChecker(c.path, c.problem, pcap)], { runs: runsFor(ctx.runs, ctx.quick, 5), warmup: 1, onRun: progress(ctx, 'checksum in-process') });
    const rate: Metric = { key: 'rate', what: `checksum check of a ${packets / 1000}k-packet pcap in-process: packets checked`, units: 'packets/s', better: BETTER.higher };
    rows.push(...rowsFor('checksum', '5', inProcess, [
      { ours: 'checkCapture (in-process)', theirs: 'C checker', id: 'library.ceiling' },
      { ours: 'checkCapture, JavaScript alone', theirs: 'C checker', id: 'library-js.ceiling' },
    ], [rate]));
    rmSync(pcap.file, { force: true });
    const pcap6 = await writeChecksumPcap(join(dir, 'checksum6.pcap'), packets, true);
    rows.push(...(await listingRows(ctx, pcap6, true)));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
