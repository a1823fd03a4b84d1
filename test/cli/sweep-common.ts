// What the sweep lab tests (sweep-lab.test.ts, sweep6-lab.test.ts) share: the sweep lab
// (fixtures/labs/sweep.json, h1 - r1 - t) made into a block of live addresses, one IP version at
// a time, sweep run in h1, and the non-empty lines of an output.
import type { Lab } from '../../lib/lab/index.js';
import { findTool } from '../../lib/lab/system.js';
import { rawprobe, type CliResult } from '../helpers/cli.js';
import { must, withLab } from '../helpers/lab.js';
import { rootTest } from '../helpers/privilege.js';
import { toolTest } from '../helpers/tools.js';

/** A test that builds the block lab: it needs root and nft (its drop rules), or is skipped, saying which. */
export const blockLabTest = toolTest(['nft'], rootTest());

/** One version's block lab: what t answers for, what it drops, what r1 refuses. */
export interface BlockPlan {
  family: 4 | 6;
  /** The block t answers for (a local route on its loopback). */
  block: string;
  /** Addresses of the block whose echo requests nftables drops on t. */
  dropped: readonly string[];
  /** The prefix r1 has an unreachable route to (it answers with the ICMP error). */
  unreachable: string;
}

/** The sweep lab with t answering plan.block (but plan.dropped) and r1 refusing plan.unreachable. */
export async function blockLab(t: Parameters<typeof withLab>[0], plan: BlockPlan): Promise<Lab> {
  const v6 = plan.family === 6;
  // IPv4 alone when it is IPv4: a test counts every packet h1's interface sends (IPv6 would add its own multicast reports).
  const lab = await withLab(t, 'sweep', { ipv6: v6 });
  const ip = [(await findTool('ip')) ?? 'ip', ...(v6 ? ['-6'] : [])];
  const nft = (await findTool('nft')) ?? 'nft';
  await must(lab.exec('t', [...ip, 'route', 'add', 'local', plan.block, 'dev', 'lo']), 'local route on t');
  await must(lab.exec('r1', [...ip, 'route', 'add', plan.block, 'via', lab.address('t', { family: plan.family })]), 'route on r1');
  await must(lab.exec('r1', [...ip, 'route', 'add', 'unreachable', plan.unreachable]), 'unreachable route on r1');
  const [table, icmp] = v6 ? ['ip6', 'icmpv6'] : ['ip', 'icmp'];
  const rules = `table ${table} sweepdrop {\n  chain input {\n    type filter hook input priority 0;\n    ${table} daddr { ${plan.dropped.join(', ')} } ${icmp} type echo-request drop\n  }\n}\n`;
  await must(lab.exec('t', [nft, '-f', '-'], { input: rules }), 'nft drop rules on t');
  return lab;
}

/** `rawprobe sweep ...args` in h1 (`input` on its stdin). */
export function sweepIn(lab: Lab, args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return rawprobe(['sweep', ...args], { where: { lab, node: 'h1' }, ...options });
}

export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** An fping line with its times masked (dotted quads kept): "127.0.0.1 : [0], 64 bytes, T ms (T avg, 0% loss)". */
export function maskTimes(line: string): string {
  return line.replace(/(?<![\d.])(\d+\.\d+|NaN)(?![\d.])/g, 'T');
}
