// Microbenchmark: parsing an IPv6 packet against parsing its IPv4 twin, per packet, with lib/wire
// (decodePacket6 vs decodePacket). Issue 12 asks that IPv6 cost no more than 1.3x IPv4.
//
//   npx tsc -p . && node dist/bench/ipv6-parse.js [N] [ROUNDS]     default 200000 packets, 9 rounds
//
// The same work on both sides: N distinct echo requests (56 data bytes; IPv4 84 bytes, IPv6 104),
// then the same as UDP with 32 data bytes. Each parse reads every field, formats both addresses
// and verifies every checksum (IPv4 header + ICMP; ICMPv6 over its pseudo-header; UDP over the
// pseudo-header). Two address patterns: every packet from another source (the worst case for
// ipv6-address.ts's cache of formatted addresses: every source is formatted afresh), and one
// conversation (one source, one destination: a ping or trace reading its replies). The packets are built before timing; each round parses all N of each family,
// interleaved so both see the same machine state, after one untimed warm-up round. Printed: the
// median CPU ns per packet of each (process CPU time, so a busy machine's other processes do not
// count; wall time is printed too), and the ratio. A speed check, not a test (no timed assertions in
// tests): numbers depend on the machine and its load.

import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { decodePacket, encodePacket } from '../lib/wire/packet.js';
import { decodePacket6, encodePacket6 } from '../lib/wire/packet6.js';

const PATTERN = Buffer.from(Array.from({ length: 256 + 64 }, (_, k) => k & 0xff));

export interface Pair {
  name: string;
  v4: Buffer[];
  v6: Buffer[];
  check4: (b: Buffer) => number;
  check6: (b: Buffer) => number;
}

/** N packets of each version, the same fields, and the parse each version's reader does. */
export function buildPair(kind: 'icmp' | 'udp', distinct: boolean, N: number): Pair {
  const v4: Buffer[] = new Array(N);
  const v6: Buffer[] = new Array(N);
  for (let i = 0; i < N; i++) {
    const s = i & 0xffff;
    const data = PATTERN.subarray(i & 0xff, (i & 0xff) + (kind === 'icmp' ? 56 : 32));
    const j = distinct ? i : 0;
    const src4 = `198.51.${(j >> 8) & 0xff}.${j & 0xff}`;
    const src6 = `2001:db8:${((j >> 8) & 0xffff).toString(16)}::${(j & 0xff).toString(16)}`;
    if (kind === 'icmp') {
      v4[i] = encodePacket({ ip: { id: s, src: src4, dst: '203.0.113.6' }, icmp: { kind: 'echo-request', identifier: 0x1234, sequence: s, data } });
      v6[i] = encodePacket6({ ip: { src: src6, dst: '2001:db8:0:1::6' }, icmpv6: { kind: 'echo-request', identifier: 0x1234, sequence: s, data } });
    } else {
      v4[i] = encodePacket({ ip: { id: s, src: src4, dst: '203.0.113.6' }, udp: { srcPort: 40000 + (s & 0xfff), dstPort: 33434 }, payload: data });
      v6[i] = encodePacket6({ ip: { src: src6, dst: '2001:db8:0:1::6' }, udp: { srcPort: 40000 + (s & 0xfff), dstPort: 33434 }, payload: data });
    }
  }
  // What a caller reads: the addresses, the sequence or port, and every checksum verdict.
  const check4 = (b: Buffer): number => {
    const p = decodePacket(b);
    const ok = p.ip.checksumValid && (p.icmp ? p.icmp.checksumValid === true : p.udp!.checksumValid === true);
    return (ok ? 1 : 0) + p.ip.src.length + (p.icmp?.kind === 'echo-request' ? p.icmp.sequence : p.udp!.srcPort) * 0;
  };
  const check6 = (b: Buffer): number => {
    const p = decodePacket6(b);
    const ok = p.icmpv6 ? p.icmpv6.checksumValid === true : p.udp!.checksumValid === true;
    return (ok ? 1 : 0) + p.ip.src.length + (p.icmpv6?.kind === 'echo-request' ? p.icmpv6.sequence : p.udp!.srcPort) * 0;
  };
  const what = kind === 'icmp' ? 'ICMP echo request, 56 data bytes' : 'UDP, 32 data bytes';
  return { name: `${what}, ${distinct ? 'a new source each packet' : 'one conversation'}`, v4, v6, check4, check6 };
}

/**
 * One pass over the list: CPU time of this process per packet (process.cpuUsage: user + system),
 * so time the scheduler gives other processes on a busy machine is not counted; wall time beside.
 */
export function round(list: Buffer[], check: (b: Buffer) => number): { ns: number; wallNs: number; sum: number } {
  let sum = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < list.length; i++) sum += check(list[i]!);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { ns: ((cpu.user + cpu.system) * 1e3) / list.length, wallNs: (wall * 1e6) / list.length, sum };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function main(N: number, ROUNDS: number): void {
  for (const pair of [buildPair('icmp', true, N), buildPair('udp', true, N), buildPair('icmp', false, N), buildPair('udp', false, N)]) {
    round(pair.v4, pair.check4);
    round(pair.v6, pair.check6);
    const t4: number[] = [];
    const t6: number[] = [];
    const w4: number[] = [];
    const w6: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const a = round(pair.v4, pair.check4);
      const b = round(pair.v6, pair.check6);
      // Every packet must have verified: a fast wrong parse is no result.
      if (a.sum < N || b.sum < N) throw new Error(`${pair.name}: checksums failed (${a.sum}, ${b.sum} for ${N})`);
      t4.push(a.ns);
      t6.push(b.ns);
      w4.push(a.wallNs);
      w6.push(b.wallNs);
    }
    const m4 = median(t4);
    const m6 = median(t6);
    process.stdout.write(
      `${pair.name}: IPv4 ${m4.toFixed(0)} ns/packet, IPv6 ${m6.toFixed(0)} ns/packet (CPU), IPv6/IPv4 ${(m6 / m4).toFixed(2)}x; ` +
        `wall ${median(w4).toFixed(0)} / ${median(w6).toFixed(0)} ns  [median of ${ROUNDS} rounds of ${N}]\n`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(Number(process.argv[2] ?? 200_000), Number(process.argv[3] ?? 9));
