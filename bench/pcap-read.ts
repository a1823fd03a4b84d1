// Benchmark: reading a 200,000-packet, ~37 MB classic pcap with lib/pcap, against tshark and the
// npm package pcap-parser, all measured in the same run on the same (page-cached) file.
//
//   npx tsc -p . && node dist/bench/pcap-read.js [--packets 200000] [--runs 5] [--keep]
//
// Every reader must see the same record count and the same sum of one byte per packet, so a
// reader that skips work cannot look fast. The packets are built here by hand (IPv4 + ICMP/UDP/
// TCP, about 170 bytes) so the benchmark does not depend on lib/wire.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { EventEmitter } from 'node:events';
import {
  PcapWriter,
  locateIpv4InRecord,
  newIpv4Location,
  pcapRecords,
  readPcapBuffer,
  readPcapFile,
  type RecordView,
} from '../lib/pcap/index.js';
import { median } from './stats.js';

export interface PcapReadBenchOptions {
  packets?: number;
  runs?: number;
  /** Keep the generated file (its path is in the result). */
  keep?: boolean;
  /** Skip tshark (e.g. where it is not installed). */
  tshark?: boolean;
}

export interface Timing {
  name: string;
  /** Median wall time over the runs, milliseconds. */
  ms: number;
  runs: number[];
  /** ms / tshark ms: below 1 is faster than tshark. */
  ratioToTshark: number | null;
  /** ms / pcap-parser ms. */
  ratioToPcapParser: number | null;
}

export interface PcapReadBenchResult {
  file: string;
  bytes: number;
  packets: number;
  writeMs: number;
  timings: Timing[];
}

/** IPv4 + ICMP echo / UDP / TCP, 150 to 190 bytes (mean 170), by hand. */
function buildPacket(i: number): Buffer {
  const kind = i % 3;
  const total = 150 + ((i * 7919) % 41);
  const p = Buffer.alloc(total);
  p[0] = 0x45;
  p.writeUInt16BE(total, 2);
  p.writeUInt16BE(i & 0xffff, 4);
  p[8] = 64;
  p[9] = kind === 0 ? 1 : kind === 1 ? 17 : 6;
  p.writeUInt32BE(0xc6336401, 12); // 198.51.100.1
  p.writeUInt32BE((0xcb007100 | (i & 0xff)) >>> 0, 16); // 203.0.113.x
  let sum = 0;
  for (let o = 0; o < 20; o += 2) sum += p.readUInt16BE(o);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  p.writeUInt16BE(~sum & 0xffff, 10);
  if (kind === 0) {
    p[20] = 8; // echo request
    p.writeUInt16BE(0x1234, 24);
    p.writeUInt16BE(i & 0xffff, 26);
  } else if (kind === 1) {
    p.writeUInt16BE(40000 + (i % 1000), 20);
    p.writeUInt16BE(33434, 22);
    p.writeUInt16BE(total - 20, 24);
  } else {
    p.writeUInt16BE(40000 + (i % 1000), 20);
    p.writeUInt16BE(80, 22);
    p.writeUInt32BE(i, 24);
    p[32] = 0x50;
    p[33] = 0x02; // SYN
  }
  for (let o = kind === 2 ? 40 : 28; o < total; o++) p[o] = (i + o) & 0xff;
  return p;
}

async function time(runs: number, fn: () => Promise<number> | number, check: (v: number) => void): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const v = await fn();
    out.push(performance.now() - t0);
    check(v);
  }
  return out;
}

interface PcapParserModule {
  parse(input: string): EventEmitter;
}

export async function benchPcapRead(options: PcapReadBenchOptions = {}): Promise<PcapReadBenchResult> {
  const packets = options.packets ?? 200_000;
  const runs = options.runs ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'rawprobe-bench-pcap-'));
  const file = join(dir, 'bench.pcap');
  try {
    const t0 = performance.now();
    const writer = new PcapWriter(file);
    let expectedSum = 0;
    for (let i = 0; i < packets; i++) {
      const p = buildPacket(i);
      expectedSum += p[9]!;
      writer.write(p, { sec: 1_700_000_000 + Math.floor(i / 1000), nsec: (i % 1000) * 1_000_000 });
    }
    await writer.close();
    const writeMs = performance.now() - t0;
    const bytes = statSync(file).size;
    readFileSync(file); // into the page cache for everyone

    const check = (name: string) => (sum: number) => {
      if (sum !== expectedSum) throw new Error(`${name}: byte sum ${sum}, expected ${expectedSum}`);
    };
    const timings: { name: string; runs: number[] }[] = [];

    // The byte summed is the IPv4 protocol field (offset 9 of a RAW record).
    timings.push({
      name: 'readPcapFile (streaming, 4 MiB chunks)',
      runs: await time(
        runs,
        async () => {
          let sum = 0;
          await readPcapFile(file, (v: RecordView) => {
            sum += v.buffer[v.offset + 9]!;
          });
          return sum;
        },
        check('readPcapFile'),
      ),
    });
    const loc = newIpv4Location();
    timings.push({
      name: 'readPcapFile + locateIpv4InRecord',
      runs: await time(
        runs,
        async () => {
          let sum = 0;
          await readPcapFile(file, (v: RecordView) => {
            if (locateIpv4InRecord(v, loc).reason === null) sum += v.buffer[loc.offset + 9]!;
          });
          return sum;
        },
        check('readPcapFile+locate'),
      ),
    });
    timings.push({
      name: 'readFileSync + readPcapBuffer',
      runs: await time(
        runs,
        () => {
          let sum = 0;
          readPcapBuffer(readFileSync(file), (v: RecordView) => {
            sum += v.buffer[v.offset + 9]!;
          });
          return sum;
        },
        check('readPcapBuffer'),
      ),
    });
    timings.push({
      name: 'for await pcapRecords (object + copy per packet)',
      runs: await time(
        runs,
        async () => {
          let sum = 0;
          for await (const rec of pcapRecords(file)) sum += rec.data[9]!;
          return sum;
        },
        check('pcapRecords'),
      ),
    });

    const require = createRequire(import.meta.url);
    const pcapParser = require('pcap-parser') as PcapParserModule;
    timings.push({
      name: 'pcap-parser 0.2.1',
      runs: await time(
        Math.min(runs, 3),
        () =>
          new Promise<number>((resolve, reject) => {
            let sum = 0;
            const p = pcapParser.parse(file);
            p.on('packet', (pkt: { data: Buffer }) => {
              sum += pkt.data[9]!;
            });
            p.on('error', reject);
            p.on('end', () => resolve(sum));
          }),
        check('pcap-parser'),
      ),
    });

    if (options.tshark !== false) {
      timings.push({
        name: 'tshark -T fields -e frame.number',
        runs: await time(
          Math.min(runs, 3),
          () => {
            const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number'], {
              stdio: ['ignore', 'ignore', 'ignore'],
            });
            if (r.status !== 0) throw new Error(`tshark exited with ${r.status ?? r.signal}`);
            return expectedSum; // tshark's count is not inspected; it read the whole file
          },
          () => {},
        ),
      });
    }

    const tshark = timings.find((t) => t.name.startsWith('tshark'));
    const parser = timings.find((t) => t.name.startsWith('pcap-parser'));
    const tsharkMs = tshark === undefined ? null : median(tshark.runs);
    const parserMs = parser === undefined ? null : median(parser.runs);
    return {
      file,
      bytes,
      packets,
      writeMs,
      timings: timings.map((t) => {
        const ms = median(t.runs);
        return {
          name: t.name,
          ms,
          runs: t.runs,
          ratioToTshark: tsharkMs === null ? null : ms / tsharkMs,
          ratioToPcapParser: parserMs === null ? null : ms / parserMs,
        };
      }),
    };
  } finally {
    if (options.keep !== true) rmSync(dir, { recursive: true, force: true });
  }
}

/** "12.3x faster" / "1.4x slower" than a baseline, from ms / baseline ms. */
function versus(ratio: number | null, baseline: string): string {
  if (ratio === null || ratio === 1) return ''.padEnd(30);
  const text = ratio < 1 ? `${(1 / ratio).toFixed(1)}x faster` : `${ratio.toFixed(1)}x slower`;
  return `${text} than ${baseline}`.padEnd(30);
}

function formatResult(r: PcapReadBenchResult): string {
  const lines = [
    `pcap read: ${r.packets} packets, ${(r.bytes / 1e6).toFixed(1)} MB ` +
      `(written by PcapWriter in ${r.writeMs.toFixed(0)} ms); median of the runs`,
  ];
  for (const t of r.timings) {
    const own = t.name.startsWith('tshark') || t.name.startsWith('pcap-parser');
    const vsTshark = t.name.startsWith('tshark') ? versus(null, '') : versus(t.ratioToTshark, 'tshark');
    const vsParser = own && !t.name.startsWith('tshark') ? '' : versus(t.ratioToPcapParser, 'pcap-parser');
    lines.push(`  ${t.name.padEnd(50)} ${t.ms.toFixed(1).padStart(8)} ms  ${vsTshark}${vsParser}`.trimEnd());
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i < 0 ? undefined : process.argv[i + 1];
  };
  const result = await benchPcapRead({
    packets: arg('--packets') === undefined ? undefined : Number(arg('--packets')),
    runs: arg('--runs') === undefined ? undefined : Number(arg('--runs')),
    keep: process.argv.includes('--keep'),
  });
  console.log(formatResult(result));
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
}
