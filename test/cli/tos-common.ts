// What the tos lab tests (tos-lab.test.ts, tos6-lab.test.ts) share: tos run in h1 with roomier
// waits, its JSON rows, nodes without ICMP rate limits, and the dscp-rewrite --path check.
import type { ExecutionContext } from 'ava';
import type { Lab } from '../../lib/lab/index.js';
import type { TosRowJson } from '../../cli/format/tos.js';
import { rawprobe, type CliResult } from '../helpers/cli.js';

/** tos in h1 (`version`: -4/-6 or none), with roomier HERE and NEAR factors than the defaults: see trace-lab.test.ts's patient(). */
export function tosIn(lab: Lab, args: string[], version: string[] = []): Promise<CliResult> {
  const w = args.indexOf('-w');
  const waits = w < 0 ? ['-w', '2,30,30', ...args] : args.map((a, i) => (i === w + 1 ? `${a},30,30` : a));
  return rawprobe(['tos', ...version, ...waits], { where: { lab, node: 'h1' } });
}

/** The --json rows of a run. */
export function tosRows(r: CliResult): TosRowJson[] {
  return r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as TosRowJson);
}

/** Lab node settings: these nodes without an ICMP rate limit (routers by their r name). */
export const unlimited = (nodes: string[]): Record<string, { role: 'router' | 'host'; icmpRatelimit: false }> =>
  Object.fromEntries(nodes.map((n) => [n, { role: n.startsWith('r') ? ('router' as const) : ('host' as const), icmpRatelimit: false as const }]));

/** How one IP version's dscp-rewrite --path run looks (tos-lab.test.ts, tos6-lab.test.ts). */
export interface RewritePath {
  family: 4 | 6;
  /** tos in h1 for that version. */
  tos: (lab: Lab, args: string[]) => Promise<CliResult>;
  /** The probes' size on the first line (60 for IPv4, 80 for IPv6). */
  packetBytes: number;
  /** What else the EF row holds (IPv6: the reply's traffic class). */
  ef?: Partial<TosRowJson>;
  /** Check that -U's rows show what arrived: the target's port unreachable quotes it (IPv4). */
  arrived?: boolean;
}

/**
 * dscp-rewrite --path with UDP and ICMP probes: r1 is the last hop that kept each value, r2 the
 * first that saw CS1, in the JSON rows and in the text alike.
 */
export async function checkRewritePath(t: ExecutionContext, lab: Lab, c: RewritePath): Promise<void> {
  const h2 = lab.address('h2', { family: c.family });
  const [r1, r2] = lab.path('h1', 'h2', c.family).hops;
  t.is(r1!.node, 'r1');
  for (const kind of ['-U', '-I']) {
    const r = await c.tos(lab, ['--values', '0xb8,0x20,0', '--path', kind, '--json', h2]);
    t.is(r.code, 0, r.stderr);
    const [ef, cs1, zero] = tosRows(r);
    t.like(ef!, { tos: 0xb8, dscpName: 'EF', answered: 1, sent: 1, ...c.ef });
    t.deepEqual(ef!.path, { rewritten: true, quoted: 0x20, lastKept: { ttl: 1, from: r1!.address }, firstSeen: { ttl: 2, from: r2!.address }, hops: 3, reached: true }, kind);
    t.like(zero!.path!, { rewritten: true, quoted: 0x20, lastKept: { ttl: 1, from: r1!.address } });
    t.like(cs1!.path!, { rewritten: false, quoted: null, firstSeen: null });
    if (c.arrived === true && kind === '-U') t.deepEqual(tosRows(r).map((x) => x.arrivedTos), [0x20, 0x20, 0x20], 'the target\'s port unreachable quotes what arrived');
    const text = await c.tos(lab, ['--values', '0xb8,0x20,0', '--path', kind, h2]);
    const lines = text.stdout.split('\n');
    t.is(lines[0], `tos ${h2} (${h2}): 3 values, 1 ${kind === '-U' ? 'udp' : 'icmp'} probe per hop (TTL sweep), ${c.packetBytes} byte packets`);
    const efLine = lines.find((l) => l.startsWith('│ 0xb8 '))!;
    t.true(efLine.includes(`to 0x20 after hop 1 ${r1!.address} (seen at hop 2 ${r2!.address})`), efLine);
    t.true(lines.find((l) => l.startsWith('│ 0x20 '))!.includes('no (kept to hop'), text.stdout);
  }
}
