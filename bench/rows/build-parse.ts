// Row 1: build and parse rate of echo requests with a 56-byte payload, checksums filled when
// building and verified when parsing: lib/wire against scapy, on the same packets; once for IPv4
// + ICMP (group build-parse), once for IPv6 + ICMPv6 (group build-parse6: scapy's
// IPv6()/ICMPv6EchoRequest(), the checksum over the pseudo-header).
//
// Same work on both sides: packet i has id = seq = i & 0xffff, TTL 64, TOS 0, no flags, ICMP id
// 0x1234, payload pattern[i % 256 .. +56], 198.51.100.1 -> 203.0.113.6 (IPv6: hop limit 64,
// class 0, flow label 0, 2001:db8::1 -> 2001:db8:0:1::6, ICMPv6 id 0x1234). Each side builds its
// packets into separate byte objects (a Buffer / a bytes), then parses each back, reads the
// sequence and the data, and checks both checksums. Both must report every packet valid and the
// sums the sequence gives, and sample packets must be identical byte for byte, or the row fails.
// scapy runs N packets (about 2,000/s: 20,000 take 10 s); our side the first M >= N of the same
// sequence, so its rate is not all JIT warm-up and timer resolution.
//
// Both sides time themselves inside their own process (Python and scapy start-up excluded; our
// side runs in the harness process after one untimed warm-up pass, so the JIT is warm as a
// long-running user of the library would see it).

import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodePacket, decodePacket6, encodePacket, encodePacket6 } from '../../lib/wire/index.js';
import type { BenchContext, BenchGroup } from '../context.js';
import { progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { REPO_ROOT } from '../lab.js';
import { expectExit, runProcess } from '../proc.js';
import { SYSTEM_PYTHON, toolProblem } from '../tools.js';

const SRC = '198.51.100.1';
const DST = '203.0.113.6';
const SRC6 = '2001:db8::1';
const DST6 = '2001:db8:0:1::6';
const IDENT = 0x1234;
const PAYLOAD = 56;

export const SCAPY_SCRIPT = join(REPO_ROOT, 'bench', 'scapy-build-parse.py');

/** What either side reports for one run. */
export interface BuildParseReport {
  n: number;
  buildSeconds: number;
  parseSeconds: number;
  /** Packets whose IPv4 and ICMP checksums both verified. */
  valid: number;
  seqSum: number;
  dataBytes: number;
  /** index -> hex of the built packet. */
  sample: Record<string, string>;
}

/** Indexes compared byte for byte: both ends, the 256-boundary of the payload pattern. */
export function sampleIndexes(n: number): number[] {
  return [...new Set([0, 1, 255, 256, 65535, 65536, n - 1].filter((i) => i >= 0 && i < n))];
}

/** Packet i's payload: the same slices scapy-build-parse.py takes. */
const PATTERN = Buffer.from(Array.from({ length: 256 + PAYLOAD }, (_, k) => k & 0xff));

/** Packet i (sequence s), as each version builds it. */
function build(version: 4 | 6, s: number, data: Buffer): Buffer {
  if (version === 6) {
    return encodePacket6({
      ip: { trafficClass: 0, flowLabel: 0, hopLimit: 64, src: SRC6, dst: DST6 },
      icmpv6: { kind: 'echo-request', code: 0, identifier: IDENT, sequence: s, data },
    });
  }
  return encodePacket({
    ip: { version: 4, tos: 0, id: s, flags: { df: false, mf: false, reserved: false }, fragmentOffset: 0, ttl: 64, src: SRC, dst: DST },
    icmp: { kind: 'echo-request', code: 0, identifier: IDENT, sequence: s, data },
  });
}

/** The echo request in b with its checksums' verdict, or null. */
function parse(version: 4 | 6, b: Buffer): { ok: boolean; sequence: number; data: Buffer } | null {
  if (version === 6) {
    const m = decodePacket6(b).icmpv6;
    return m === null || m.kind !== 'echo-request' ? null : { ok: m.checksumValid === true, sequence: m.sequence, data: m.data };
  }
  const p = decodePacket(b);
  const m = p.icmp;
  return m === null || m.kind !== 'echo-request' ? null : { ok: p.ip.checksumValid === true && m.checksumValid === true, sequence: m.sequence, data: m.data };
}

/** Our side, in this process. */
export function oursBuildParse(n: number, sample: readonly number[], version: 4 | 6 = 4): BuildParseReport {
  const t0 = performance.now();
  const built: Buffer[] = new Array<Buffer>(n);
  for (let i = 0; i < n; i++) {
    const o = i & 0xff;
    built[i] = build(version, i & 0xffff, PATTERN.subarray(o, o + PAYLOAD));
  }
  const t1 = performance.now();
  let valid = 0;
  let seqSum = 0;
  let dataBytes = 0;
  for (let i = 0; i < n; i++) {
    const echo = parse(version, built[i]!);
    if (echo === null) continue;
    if (echo.ok) valid += 1;
    seqSum += echo.sequence;
    dataBytes += echo.data.length;
  }
  const t2 = performance.now();
  const out: Record<string, string> = {};
  for (const i of sample) if (i >= 0 && i < n) out[String(i)] = built[i]!.toString('hex');
  return { n, buildSeconds: (t1 - t0) / 1000, parseSeconds: (t2 - t1) / 1000, valid, seqSum, dataBytes, sample: out };
}

/** scapy's side: one python process per run. */
export async function scapyBuildParse(n: number, sample: readonly number[], version: 4 | 6 = 4): Promise<BuildParseReport> {
  const r = expectExit(
    await runProcess([SYSTEM_PYTHON, SCAPY_SCRIPT, String(n), sample.join(','), ...(version === 6 ? ['--ipv6'] : [])], { timeoutMs: 600_000 }),
    'scapy-build-parse.py',
  );
  return JSON.parse(r.stdout) as BuildParseReport;
}

/** The sums every correct run of N packets gives, on either side. */
export function expectedSums(n: number): { seqSum: number; dataBytes: number } {
  let seqSum = 0;
  for (let i = 0; i < n; i++) seqSum += i & 0xffff;
  return { seqSum, dataBytes: n * PAYLOAD };
}

/** Throws unless the report did the full work; returns a note on the sample comparison. */
export function checkReport(who: string, r: BuildParseReport, n: number, reference: Record<string, string> | null): string {
  const want = expectedSums(n);
  if (r.n !== n || r.valid !== n) throw new Error(`${who}: ${r.valid} of ${n} packets verified (expected all)`);
  if (r.seqSum !== want.seqSum || r.dataBytes !== want.dataBytes) {
    throw new Error(`${who}: parsed sums ${r.seqSum}/${r.dataBytes}, expected ${want.seqSum}/${want.dataBytes}`);
  }
  if (reference === null) return '';
  const keys = Object.keys(reference);
  for (const k of keys) {
    if (r.sample[k] !== reference[k]) {
      throw new Error(`${who}: packet ${k} differs from ours: ${r.sample[k] ?? '(missing)'} vs ${reference[k]}`);
    }
  }
  return `${keys.length} sample packets identical to ours byte for byte`;
}

function metrics(version: 4 | 6): Metric[] {
  const what = version === 6 ? 'IPv6/ICMPv6 echo' : 'IPv4/ICMP echo';
  return [
    { key: 'build', what: `build + serialise ${what}, 56-byte payload, checksums filled`, units: 'packets/s', better: BETTER.higher },
    { key: 'parse', what: `parse ${what} + verify ${version === 6 ? 'the ICMPv6 checksum (pseudo-header)' : 'both checksums'}`, units: 'packets/s', better: BETTER.higher },
  ];
}

function rates(r: BuildParseReport): Record<string, number> {
  return { build: r.n / r.buildSeconds, parse: r.n / r.parseSeconds };
}

/** The group for one IP version: lib/wire against scapy on the same packets. */
function buildParse(version: 4 | 6): BenchGroup {
  const id = version === 6 ? 'build-parse6' : 'build-parse';
  return {
    id,
    number: '1',
    title: `build and parse rate${version === 6 ? ', IPv6' : ''}: lib/wire vs scapy`,
    async run(ctx: BenchContext): Promise<Row[]> {
      const n = ctx.quick ? 1_000 : 20_000;
      const m = ctx.quick ? 100_000 : 200_000;
      const sample = sampleIndexes(n);
      const reference = oursBuildParse(m, sample, version); // warm-up pass, and the bytes scapy must match
      checkReport('lib/wire', reference, m, null);
      const ours: Contender = {
        name: 'lib/wire',
        side: SIDE.ours,
        command: `${version === 6 ? 'encodePacket6 + decodePacket6' : 'encodePacket + decodePacket'}, ${m} packets in-process`,
        unavailable: null,
        async run(): Promise<RunOutcome> {
          const r = oursBuildParse(m, sample, version);
          checkReport('lib/wire', r, m, reference.sample);
          return { values: rates(r) };
        },
      };
      const theirs: Contender = {
        name: 'scapy',
        side: SIDE.theirs,
        command: `${SYSTEM_PYTHON} bench/scapy-build-parse.py ${n}${version === 6 ? ' --ipv6' : ''}`,
        unavailable: toolProblem(ctx.tools, 'python3-scapy'),
        async run(): Promise<RunOutcome> {
          const r = await scapyBuildParse(n, sample, version);
          const note = checkReport('scapy', r, n, reference.sample);
          return { values: rates(r), note };
        },
      };
      const results = await runRounds([ours, theirs], { runs: runsFor(ctx.runs, ctx.quick, 5), onRun: progress(ctx, id) });
      return rowsFor(id, version === 6 ? '1.ipv6' : '1', results, [{ ours: 'lib/wire', theirs: 'scapy', id: 'scapy' }], metrics(version));
    },
  };
}

export const buildParseGroup: BenchGroup = buildParse(4);
export const buildParse6Group: BenchGroup = buildParse(6);
