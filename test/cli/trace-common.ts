// What the trace lab tests share (trace-lab.test.ts, trace-report-lab.test.ts,
// trace-watch.test.ts): running rawprobe trace and traceroute inside a lab node with patient
// waits, the hop lines without their times, JSON lines, and a lab's nodes with ICMP rate
// limiting off.
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import type { Lab } from '../../lib/lab/index.js';
import { ROOT, rawprobe, runCommand, type CliResult } from '../helpers/cli.js';

/**
 * The adaptive waits stay on, with roomier factors than traceroute's 3 and 10, for us and for
 * traceroute alike (its -w takes the same MAX,HERE,NEAR): these tests run
 * beside many others on two cores, where the kernel may hand a router's answer over a few
 * milliseconds late, and a probe given up on is a `*` the structure checks would count. (The
 * defaults' logic is tested on a fake clock in test/probe/trace-session.test.ts; their speed is
 * bench/trace-time.ts's business.)
 */
export function patient(args: string[]): string[] {
  const w = args.indexOf('-w');
  if (w < 0) return ['-w', '5,30,30', ...args];
  const out = [...args];
  if (!args[w + 1]!.includes(',')) out[w + 1] = `${args[w + 1]!},30,30`;
  return out;
}

export function trace(lab: Lab, args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return rawprobe(['trace', ...patient(args)], { where: { lab, node: 'h1' }, timeoutMs });
}

export function traceroute(lab: Lab, args: string[]): Promise<CliResult> {
  return runCommand(['traceroute', ...patient(args)], { where: { lab, node: 'h1' } });
}

/** Hop lines without their times: " 2  198.51.100.2" or " 3  * * *" or " 2  203.0.113.2 !F-1400 !F-1400 !F-1400". */
export function shape(r: CliResult): string[] {
  return r.stdout
    .split('\n')
    .filter((l) => /^[ \d]\d /.test(l))
    .map((l) => l.replace(/ {2}\d+\.\d{3} ms/g, '').replace(/ \[.*\]$/, ''));
}

export function json(r: CliResult): Record<string, unknown>[] {
  return r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export interface JsonProbe {
  from: string | null;
  rtt: number | null;
  icmp: { type: number; code: number } | null;
}

/** Every node of a lab, ICMP rate limit off: every probe answered. */
export function unlimited(nodes: string[]): Record<string, { role: 'router' | 'host'; icmpRatelimit: false }> {
  return Object.fromEntries(nodes.map((n) => [n, { role: n.startsWith('r') ? ('router' as const) : ('host' as const), icmpRatelimit: false as const }]));
}

/**
 * Makes router `node` (at `address`) answer from a user process (test/cli/children/<child>.js
 * with `args`, see responder.ts) instead of its kernel: the nftables commands `nft` first (they
 * drop the kernel's own Time Exceeded), then the child, killed when the test ends. Resolves once
 * h1's ping with TTL 2 gets its answer: the first answers of a cold process come late.
 */
export async function labResponder(t: ExecutionContext, lab: Lab, node: string, nft: readonly string[], child: string, args: readonly string[], address: string): Promise<void> {
  for (const rule of nft) {
    const r = await lab.exec(node, ['nft', ...rule.split(' ')]);
    if (r.code !== 0) throw new Error(`nft ${rule}: ${r.stderr}`);
  }
  const responder = lab.spawn(node, [process.execPath, join(ROOT, `dist/test/cli/children/${child}.js`), ...args]);
  t.teardown(() => {
    responder.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    responder.stdout!.once('data', () => resolve());
    responder.once('exit', (code) => reject(new Error(`${child} exited ${String(code)}`)));
  });
  for (let i = 0; i < 20; i++) {
    const ping = await lab.exec('h1', ['ping', '-n', '-c', '1', '-W', '1', '-t', '2', lab.address('h2')]);
    if (ping.stdout.includes(`From ${address} icmp_seq=1 Time to live exceeded`)) return;
  }
  throw new Error(`${child} never answered`);
}
