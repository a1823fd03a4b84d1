// Row 5: checksum check of a generated 200,000-packet pcap with known bad checksums at each
// layer: `rawprobe checksum FILE --json` against tshark with IPv4, UDP and TCP checksum
// validation switched on (it always validates ICMP and ICMPv6). Both must find exactly the bad
// checksums the generator planted, or the row fails. Whole-process wall time and peak memory, the
// file in the page cache for both. Two halves: an IPv4 file, and an IPv6 one of as many packets
// (ICMPv6, UDP and TCP over IPv6, some behind Hop-by-Hop or Destination Options headers).
//
// The files come from bench/make-checksum-pcap.ts, the generator the checksum command's tests
// use: Ethernet, ICMP(v6) echo / UDP / TCP in turn, about 37 MB for 200,000 IPv4 packets, with
// bad IPv4 and transport checksums, UDP sent without a checksum (bad over IPv6) and
// snaplen-cut packets (unverifiable) planted by a seeded random choice. tshark's output is
// counted as bench/checksum.ts counts it (countTshark).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAYERS } from '../../lib/check/index.js';
import { countTshark, TSHARK_ARGS } from '../checksum.js';
import { makeChecksumPcap } from '../make-checksum-pcap.js';
import type { BenchContext, BenchGroup } from '../context.js';
import { progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { expectExit, lastLine, runProcess, type ProcResult } from '../proc.js';
import { pendingUnless, rawprobeArgv } from '../rawprobe.js';
import { toolPath, toolProblem } from '../tools.js';

export type ChecksumLayer = (typeof LAYERS)[number];
export type LayerCounts = Record<ChecksumLayer, number>;

/** The generated file and the bad checksums planted in it, per layer. */
export interface ChecksumPcap {
  file: string;
  packets: number;
  bytes: number;
  bad: LayerCounts;
}

/** Writes the file with bench/make-checksum-pcap.ts (the checksum command's own test generator); `ipv6`: all IPv6. */
export async function writeChecksumPcap(file: string, packets: number, ipv6 = false): Promise<ChecksumPcap> {
  const planted = await makeChecksumPcap(file, { packets, ipv6: ipv6 ? 1 : 0 });
  const bad = Object.fromEntries(LAYERS.map((l) => [l, planted.layers[l].bad])) as LayerCounts;
  return { file, packets: planted.packets, bytes: planted.bytes, bad };
}

/** tshark's bad checksums per layer, from TSHARK_ARGS output. */
export function tsharkBad(text: string): { packets: number; bad: LayerCounts } {
  const counted = countTshark(text);
  return { packets: counted.packets, bad: Object.fromEntries(LAYERS.map((l) => [l, counted.layers[l].bad])) as LayerCounts };
}

function sameCounts(who: string, got: { packets: number; bad: Partial<LayerCounts> }, want: ChecksumPcap): void {
  const show = (b: Partial<LayerCounts>): string => LAYERS.map((l) => `${l} ${b[l] ?? '?'}`).join(', ');
  const differs = got.packets !== want.packets || LAYERS.some((l) => got.bad[l] !== want.bad[l]);
  if (differs) throw new Error(`${who} found ${got.packets} packets, bad ${show(got.bad)}; expected ${want.packets}, bad ${show(want.bad)}`);
}

function figures(r: ProcResult): Record<string, number | null> {
  return { seconds: r.ms / 1000, rssMb: r.maxRssKb === null ? null : r.maxRssKb / 1024 };
}

function metrics(packets: number, ipv6: boolean): Metric[] {
  const what = `checksum check of a ${packets / 1000}k-packet ${ipv6 ? 'IPv6 ' : ''}pcap`;
  return [
    { key: 'seconds', what: `${what}, whole process`, units: 's', better: BETTER.lower },
    { key: 'rssMb', what: `${what}: peak memory`, units: 'MB', better: BETTER.lower, words: { better: 'smaller', worse: 'larger' } },
  ];
}

/** One half: the file of one version, both tools on it, alternated. */
async function half(ctx: BenchContext, dir: string, packets: number, ipv6: boolean): Promise<Row[]> {
  const pcap = await writeChecksumPcap(join(dir, ipv6 ? 'checksum6.pcap' : 'checksum.pcap'), packets, ipv6);
  readFileSync(pcap.file); // into the page cache, for both
  const ours: Contender = {
    name: 'rawprobe checksum',
    side: SIDE.ours,
    command: `rawprobe checksum FILE --json`,
    unavailable: await pendingUnless('checksum', ['--json']),
    async run(): Promise<RunOutcome> {
      // Exit 1 is the answer "bad checksums found", which this file has.
      const r = expectExit(await runProcess(rawprobeArgv(['checksum', pcap.file, '--json']), { memory: true, timeoutMs: 300_000 }), 'rawprobe checksum', [0, 1]);
      let json: { packets: number; bad: Partial<LayerCounts> };
      try {
        json = JSON.parse(r.stdout) as typeof json;
      } catch {
        // Exit 1 is also how Node reports a crash: then stderr says why.
        const why = r.stderr.split('\n').find((l) => /error/i.test(l))?.trim() ?? lastLine(r.stderr);
        throw new Error(`printed no JSON report (exit ${String(r.code)}${why === '' ? '' : `: ${why}`})`);
      }
      sameCounts('rawprobe checksum', json, pcap);
      return { values: figures(r) };
    },
  };
  const theirs: Contender = {
    name: 'tshark',
    side: SIDE.theirs,
    command: `tshark -r FILE ${TSHARK_ARGS.join(' ')}`,
    unavailable: toolProblem(ctx.tools, 'tshark'),
    async run(): Promise<RunOutcome> {
      const argv = [toolPath(ctx.tools, 'tshark'), '-r', pcap.file, ...TSHARK_ARGS];
      const r = expectExit(await runProcess(argv, { memory: true, timeoutMs: 300_000, maxOutput: 256 * 1024 * 1024 }), 'tshark');
      sameCounts('tshark', tsharkBad(r.stdout), pcap);
      const planted = LAYERS.filter((l) => pcap.bad[l] > 0).map((l) => `${pcap.bad[l]} ${l}`);
      return { values: figures(r), note: `found the planted ${planted.join(', ')} bad checksums in ${(pcap.bytes / 1e6).toFixed(1)} MB` };
    },
  };
  const results = await runRounds([ours, theirs], { runs: runsFor(ctx.runs, ctx.quick, 5), onRun: progress(ctx, ipv6 ? 'checksum, IPv6' : 'checksum') });
  return rowsFor('checksum', '5', results, [{ ours: 'rawprobe checksum', theirs: 'tshark', id: ipv6 ? 'tshark-ipv6' : 'tshark' }], metrics(packets, ipv6));
}

export const checksumGroup: BenchGroup = {
  id: 'checksum',
  number: '5',
  title: 'checksum check of a pcap, IPv4 and IPv6: rawprobe checksum vs tshark',
  async run(ctx: BenchContext): Promise<Row[]> {
    const packets = ctx.quick ? 20_000 : 200_000;
    const dir = mkdtempSync(join(tmpdir(), 'rawprobe-bench-checksum-'));
    try {
      return [...(await half(ctx, dir, packets, false)), ...(await half(ctx, dir, packets, true))];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
