// What the tos lab tests (tos-lab.test.ts, tos6-lab.test.ts) share: tos run in h1 with roomier
// waits, its JSON rows, and nodes without ICMP rate limits.
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
