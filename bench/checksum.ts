// Benchmark (a measurement, not a test): `rawprobe checksum` against tshark's checksum validation
// on the same generated 200,000-packet (~37 MB) capture, in the same run, with the same counts.
//
//   npx tsc -p . && node dist/bench/checksum.js [--packets 200000] [--runs 5] [--keep] [--json]
//
// The file comes from make-checksum-pcap.ts (seeded: bad IPv4 header, ICMP, UDP and TCP checksums,
// UDP without checksum, snaplen-cut packets), so the right answer is known. Both tools must report
// exactly the planted counts per layer (good, bad, unverifiable, none sent) or the run fails: a
// tool that skips work cannot look fast. Whole-process wall time (median of the runs) and peak
// resident memory (GNU time's %M, when /usr/bin/time exists) are measured for both, the file in
// the page cache for both. The in-process library time (checkCapture, no Node start-up) is shown
// for reference.
//
// tshark needs its IPv4, UDP and TCP checksum preferences on (ICMP and ICMPv6 it always checks)
// and -T fields to dissect every packet; -E occurrence=f keeps the outer packet's fields when an
// ICMP error quotes another one, and frame.protocols says which upper layer is the outer one
// (an IPv6 packet's first Next Header may name an extension header):
//   tshark -n -r FILE -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
//     -T fields -E occurrence=f -e frame.protocols -e ip.checksum.status -e icmp.checksum.status \
//     -e udp.checksum.status -e tcp.checksum.status -e icmpv6.checksum.status
// The row runs twice: on the IPv4 file, and on a file of the same size that is half IPv6.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LAYERS, checkCapture } from '../lib/check/index.js';
import { makeChecksumPcap, type PlantedCounts } from './make-checksum-pcap.js';
import { runProcess } from './proc.js';
import { median } from './stats.js';

type Counts = PlantedCounts['layers'];

export const TSHARK_ARGS = [
  '-n', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE',
  '-T', 'fields', '-E', 'occurrence=f',
  '-e', 'frame.protocols', '-e', 'ip.checksum.status', '-e', 'icmp.checksum.status', '-e', 'udp.checksum.status', '-e', 'tcp.checksum.status',
  '-e', 'icmpv6.checksum.status',
];

/** The outer upper layer frame.protocols names ("eth:ethertype:ipv6:ipv6.hopopts:udp:data"), or null. */
function outerLayer(protocols: string): 'icmp' | 'icmpv6' | 'udp' | 'tcp' | null {
  for (const p of protocols.split(':')) if (p === 'icmp' || p === 'icmpv6' || p === 'udp' || p === 'tcp') return p;
  return null;
}

const MAIN = fileURLToPath(new URL('../app/main.js', import.meta.url));

export interface ProcessRun {
  ms: number;
  /** Peak resident set size in MB. */
  rssMb: number | null;
  stdout: string;
  status: number | null;
}

/** Runs a command, timing it from here and reading its peak memory from GNU time when present. */
async function runMeasured(argv: string[]): Promise<ProcessRun> {
  const r = await runProcess(argv, { memory: true, timeoutMs: 600_000, maxOutput: 512 * 1024 * 1024 });
  return { ms: r.ms, rssMb: r.maxRssKb === null ? null : r.maxRssKb / 1024, stdout: r.stdout, status: r.code };
}

/**
 * tshark's fields (TSHARK_ARGS), counted per layer the way rawprobe counts: the outer packet's
 * upper layer. Wireshark's statuses: 0 bad, 1 good, 2 unverified, 3 not present, 4 illegal (a
 * UDP checksum of 0 over IPv6, which rawprobe counts bad).
 */
export function countTshark(text: string): { packets: number; layers: Counts } {
  const names = ['bad', 'good', 'unverifiable', 'absent', 'bad'] as const;
  const layers = Object.fromEntries(LAYERS.map((l) => [l, { good: 0, bad: 0, unverifiable: 0, absent: 0 }])) as Counts;
  let packets = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    packets++;
    const [protocols, ip, icmp, udp, tcp, icmpv6] = line.split('\t');
    if (ip) layers.ipv4[names[Number(ip)]!]++;
    const layer = outerLayer(protocols ?? '');
    const status = layer === null ? '' : { icmp, icmpv6, udp, tcp }[layer];
    if (layer !== null && status) layers[layer][names[Number(status)]!]++;
  }
  return { packets, layers };
}

function sameCounts(who: string, got: Counts, want: Counts): void {
  for (const layer of LAYERS) {
    const a = JSON.stringify(got[layer]);
    const b = JSON.stringify(want[layer]);
    if (a !== b) throw new Error(`${who}: ${layer} ${a}, planted ${b}`);
  }
}

export interface ChecksumBenchResult {
  file: string;
  packets: number;
  bytes: number;
  planted: Counts;
  rows: { name: string; medianMs: number; runsMs: number[]; peakRssMb: number | null; ratioToTshark: number | null }[];
  libraryMs: number;
}

export async function benchChecksum(options: { packets?: number; runs?: number; keep?: boolean } = {}): Promise<ChecksumBenchResult> {
  const packets = options.packets ?? 200_000;
  const runs = Math.max(3, options.runs ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'rawprobe-bench-checksum-'));
  const file = join(dir, 'checksum.pcap');
  try {
    const planted = await makeChecksumPcap(file, { packets });
    readFileSync(file); // into the page cache, for every contender

    // In-process: the engine alone.
    const lib: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const { tally } = await checkCapture(file);
      lib.push(performance.now() - t0);
      sameCounts('checkCapture', tally.summary().layers, planted.layers);
    }

    const ours: ProcessRun[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await runMeasured([process.execPath, MAIN, 'checksum', file, '--json']);
      if (r.status !== 1) throw new Error(`rawprobe checksum exited ${r.status} (1 expected: the file has bad checksums)`);
      const json = JSON.parse(r.stdout) as { packets: number; layers: Counts };
      if (json.packets !== packets) throw new Error(`rawprobe checksum read ${json.packets} packets of ${packets}`);
      sameCounts('rawprobe checksum', json.layers, planted.layers);
      ours.push(r);
    }

    const tshark: ProcessRun[] = [];
    const haveTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
    if (haveTshark) {
      for (let i = 0; i < Math.min(runs, 3); i++) {
        const r = await runMeasured(['tshark', '-r', file, ...TSHARK_ARGS]);
        if (r.status !== 0) throw new Error(`tshark exited ${r.status}`);
        const counted = countTshark(r.stdout);
        if (counted.packets !== packets) throw new Error(`tshark printed ${counted.packets} packets of ${packets}`);
        sameCounts('tshark', counted.layers, planted.layers);
        tshark.push(r);
      }
    }
    const tsharkMs = tshark.length > 0 ? median(tshark.map((r) => r.ms)) : null;
    const row = (name: string, list: ProcessRun[]): ChecksumBenchResult['rows'][number] => {
      const ms = median(list.map((r) => r.ms));
      const rss = list.map((r) => r.rssMb).filter((x): x is number => x !== null);
      return { name, medianMs: ms, runsMs: list.map((r) => r.ms), peakRssMb: rss.length > 0 ? Math.max(...rss) : null, ratioToTshark: tsharkMs === null ? null : ms / tsharkMs };
    };
    const rows = [row('rawprobe checksum FILE --json', ours)];
    if (tshark.length > 0) rows.push(row('tshark (checksum validation on)', tshark));
    return { file, packets, bytes: planted.bytes, planted: planted.layers, rows, libraryMs: median(lib) };
  } finally {
    if (options.keep !== true) rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  const get = (name: string): number | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const result = await benchChecksum({
    ...(get('packets') !== undefined ? { packets: get('packets')! } : {}),
    ...(get('runs') !== undefined ? { runs: get('runs')! } : {}),
    keep: argv.includes('--keep'),
  });
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const bad = LAYERS.map((l) => `${l} ${result.planted[l].bad}`).join(', ');
  process.stdout.write(`checksum of ${result.packets} packets, ${(result.bytes / 1e6).toFixed(1)} MB; both found the planted bad checksums (${bad}) and every other count\n`);
  for (const r of result.rows) {
    const ratio = r.ratioToTshark === null || r.ratioToTshark === 1 ? '' : `  ${(1 / r.ratioToTshark).toFixed(1)}x faster than tshark`;
    const rss = r.peakRssMb === null ? '' : `  peak ${r.peakRssMb.toFixed(0)} MB`;
    process.stdout.write(`  ${r.name.padEnd(34)} ${(r.medianMs / 1000).toFixed(3)} s${rss}${ratio}   (runs: ${r.runsMs.map((m) => (m / 1000).toFixed(3)).join(' ')})\n`);
  }
  process.stdout.write(`  ${'library checkCapture (in-process)'.padEnd(34)} ${(result.libraryMs / 1000).toFixed(3)} s\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
