// Row 5: checksum check of a generated 200,000-packet pcap with known bad checksums at each
// layer: `rawprobe checksum FILE --json` against tshark with IPv4, UDP and TCP checksum
// validation switched on (it always validates ICMP). Both must find exactly the bad checksums the
// generator planted, or the row fails. Whole-process wall time and peak memory, the file in the
// page cache for both.
//
// The file comes from bench/make-checksum-pcap.ts, the generator the checksum command's tests
// use: Ethernet, ICMP echo / UDP / TCP in turn, about 37 MB for 200,000 packets, with bad IPv4
// and transport checksums, UDP sent without a checksum and snaplen-cut packets (unverifiable)
// planted by a seeded random choice.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeChecksumPcap } from '../make-checksum-pcap.js';
import type { BenchContext, BenchGroup } from '../context.js';
import { progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { expectExit, lastLine, runProcess, type ProcResult } from '../proc.js';
import { pendingUnless, rawprobeArgv } from '../rawprobe.js';
import { toolPath, toolProblem } from '../tools.js';

export const CHECKSUM_LAYERS = ['ipv4', 'icmp', 'udp', 'tcp'] as const;
export type ChecksumLayer = (typeof CHECKSUM_LAYERS)[number];
export type LayerCounts = Record<ChecksumLayer, number>;

/** The generated file and the bad checksums planted in it, per layer. */
export interface ChecksumPcap {
  file: string;
  packets: number;
  bytes: number;
  bad: LayerCounts;
}

/** Writes the file with bench/make-checksum-pcap.ts (the checksum command's own test generator). */
export async function writeChecksumPcap(file: string, packets: number): Promise<ChecksumPcap> {
  const planted = await makeChecksumPcap(file, { packets });
  const bad: LayerCounts = { ipv4: 0, icmp: 0, udp: 0, tcp: 0 };
  for (const l of CHECKSUM_LAYERS) bad[l] = planted.layers[l].bad;
  return { file, packets: planted.packets, bytes: planted.bytes, bad };
}

/** tshark's -T fields output (one line per packet: ip, icmp, udp, tcp status) to bad counts. */
export function countTsharkStatus(text: string): { packets: number; bad: LayerCounts } {
  const bad: LayerCounts = { ipv4: 0, icmp: 0, udp: 0, tcp: 0 };
  let packets = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    packets += 1;
    const f = line.split('\t');
    // Wireshark's checksum status: 0 bad, 1 good, 2 unverified; empty when the layer is absent.
    CHECKSUM_LAYERS.forEach((layer, k) => {
      if (f[k] === '0') bad[layer] += 1;
    });
  }
  return { packets, bad };
}

export const TSHARK_CHECKSUM_ARGS = [
  '-o', 'ip.check_checksum:TRUE',
  '-o', 'udp.check_checksum:TRUE',
  '-o', 'tcp.check_checksum:TRUE',
  '-T', 'fields',
  '-e', 'ip.checksum.status',
  '-e', 'icmp.checksum.status',
  '-e', 'udp.checksum.status',
  '-e', 'tcp.checksum.status',
];

function sameCounts(who: string, got: { packets: number; bad: Partial<LayerCounts> }, want: ChecksumPcap): void {
  const show = (b: Partial<LayerCounts>): string => CHECKSUM_LAYERS.map((l) => `${l} ${b[l] ?? '?'}`).join(', ');
  const differs = got.packets !== want.packets || CHECKSUM_LAYERS.some((l) => got.bad[l] !== want.bad[l]);
  if (differs) throw new Error(`${who} found ${got.packets} packets, bad ${show(got.bad)}; expected ${want.packets}, bad ${show(want.bad)}`);
}

function figures(r: ProcResult): Record<string, number | null> {
  return { seconds: r.ms / 1000, rssMb: r.maxRssKb === null ? null : r.maxRssKb / 1024 };
}

const METRICS: Metric[] = [
  { key: 'seconds', what: 'checksum check of a 200k-packet pcap, whole process', units: 's', better: BETTER.lower },
  { key: 'rssMb', what: 'checksum check of a 200k-packet pcap: peak memory', units: 'MB', better: BETTER.lower, words: { better: 'smaller', worse: 'larger' } },
];

export const checksumGroup: BenchGroup = {
  id: 'checksum',
  number: '5',
  title: 'checksum check of a pcap: rawprobe checksum vs tshark',
  async run(ctx: BenchContext): Promise<Row[]> {
    const packets = ctx.quick ? 20_000 : 200_000;
    const dir = mkdtempSync(join(tmpdir(), 'rawprobe-bench-checksum-'));
    try {
      const pcap = await writeChecksumPcap(join(dir, 'checksum.pcap'), packets);
      readFileSync(pcap.file); // into the page cache, for both
      const metrics = METRICS.map((m) => ({ ...m, what: m.what.replace('200k', `${packets / 1000}k`) }));
      const tsharkProblem = toolProblem(ctx.tools, 'tshark');
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
        command: `tshark -r FILE ${TSHARK_CHECKSUM_ARGS.join(' ')}`,
        unavailable: tsharkProblem,
        async run(): Promise<RunOutcome> {
          const argv = [toolPath(ctx.tools, 'tshark'), '-r', pcap.file, ...TSHARK_CHECKSUM_ARGS];
          const r = expectExit(await runProcess(argv, { memory: true, timeoutMs: 300_000, maxOutput: 256 * 1024 * 1024 }), 'tshark');
          sameCounts('tshark', countTsharkStatus(r.stdout), pcap);
          return { values: figures(r), note: `found the planted ${CHECKSUM_LAYERS.map((l) => `${pcap.bad[l]} ${l}`).join(', ')} bad checksums in ${(pcap.bytes / 1e6).toFixed(1)} MB` };
        },
      };
      const results = await runRounds([ours, theirs], { runs: runsFor(ctx.runs, ctx.quick, 5), onRun: progress(ctx, 'checksum') });
      return rowsFor('checksum', '5', results, [{ ours: 'rawprobe checksum', theirs: 'tshark', id: 'tshark' }], metrics);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
