// The labs the benchmark runs in, brought up with lib/lab under names unique to this run
// (`rpb<pid>-chain3`), each at most once and only when a row needs it, and all taken down by
// downAll(): in run.ts's finally, and from its SIGINT/SIGTERM handler. They are marked temporary,
// so if this process is killed outright the next labSweep() (next bench run, any lab test)
// removes them.
//
//   chain3         h1 - r1 - r2 - r3 - h2, no ICMP rate limit on the routers (flood, RTT, trace)
//   chain3-silent  the same with r2 silent (trace with a silent hop)
//   mtu1400        h1 - r1 - r2 - h2 with a 1400-byte link between the routers (trace --mtu, tracepath)
//   sweep          h1 - t, where t answers for all of 198.18.0.0/16 (`ip route add local ... dev lo`)
//                  and of 2001:db8:ff::/112 (65,536 addresses, for sweep -6)
//
// Rate limiting is switched off on the routers because the rows measure the tools, not the kernel's
// ICMP token bucket: with it on, mtr run right after traceroute sees `???` for every router.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { findTool, labDown, labSweep, labUp, parseLabSpec, type Lab, type LabFile } from '../lib/lab/index.js';

/** The repository root, from dist/bench/ (compiled) or bench/. */
export const REPO_ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/bench/') ? '../../' : '../', import.meta.url));

export const BENCH_LAB = { chain3: 'chain3', chain3Silent: 'chain3-silent', mtu1400: 'mtu1400', sweep: 'sweep' } as const;
export type BenchLabKind = (typeof BENCH_LAB)[keyof typeof BENCH_LAB];

/** The /16 the sweep lab's target answers for: 198.18.0.0/15 is the benchmarking range (RFC 2544). */
export const SWEEP_BLOCK = '198.18.0.0/16';
/** Its IPv6 twin: 65,536 addresses, what sweep -6 and fping -6 are timed on. */
export const SWEEP_BLOCK6 = '2001:db8:ff::/112';

async function fixture(name: string): Promise<LabFile> {
  return JSON.parse(await readFile(`${REPO_ROOT}fixtures/labs/${name}.json`, 'utf8')) as LabFile;
}

function noRatelimit(file: LabFile): LabFile {
  for (const node of Object.values(file.nodes)) if (node.role === 'router') node.icmpRatelimit = false;
  return file;
}

async function labFile(kind: BenchLabKind): Promise<{ file: LabFile; source: string | null }> {
  switch (kind) {
    case BENCH_LAB.chain3:
      return { file: noRatelimit(await fixture('chain3')), source: 'fixtures/labs/chain3.json' };
    case BENCH_LAB.chain3Silent:
      return { file: noRatelimit(await fixture('chain3-silent')), source: 'fixtures/labs/chain3-silent.json' };
    case BENCH_LAB.mtu1400:
      return { file: noRatelimit(await fixture('mtu1400')), source: 'fixtures/labs/mtu1400.json' };
    case BENCH_LAB.sweep:
      return {
        file: {
          name: 'sweep',
          description: 'h1 - t; t answers every address of 198.18.0.0/16 and 2001:db8:ff::/112 (local routes on its loopback)',
          ipv6: true,
          // Automatic addresses: h1 203.0.113.1, t 203.0.113.2 (a host's default route goes only
          // to a router, so h1's is given).
          nodes: { h1: { role: 'host', routes: [{ to: 'default', via: '203.0.113.2' }] }, t: { role: 'host' } },
          links: [{ between: ['h1', 't'] }],
        },
        source: null,
      };
  }
}

/** The labs of one benchmark run. */
export class BenchLabs {
  private readonly labs = new Map<BenchLabKind, Promise<Lab>>();
  private readonly names = new Set<string>();
  private downing: Promise<string[]> | null = null;
  private swept = false;

  constructor(private readonly prefix = `rpb${process.pid}`) {}

  /** The lab of that kind, brought up on first use. */
  get(kind: BenchLabKind): Promise<Lab> {
    if (this.downing !== null) return Promise.reject(new Error('the benchmark is stopping: no new labs'));
    let lab = this.labs.get(kind);
    if (lab === undefined) {
      lab = this.up(kind);
      this.labs.set(kind, lab);
    }
    return lab;
  }

  private async up(kind: BenchLabKind): Promise<Lab> {
    if (!this.swept) {
      this.swept = true;
      await labSweep(); // labs of an earlier run that was killed outright
    }
    const name = `${this.prefix}-${kind}`.slice(0, 32);
    this.names.add(name);
    const { file, source } = await labFile(kind);
    const spec = parseLabSpec(file, { name, ...(source === null ? {} : { source }) });
    const lab = await labUp(spec, { name, source, temporary: true, replace: true });
    if (kind === BENCH_LAB.sweep) {
      const ip = (await findTool('ip')) ?? 'ip';
      const r = await lab.exec('t', [ip, 'route', 'add', 'local', SWEEP_BLOCK, 'dev', 'lo']);
      if (r.code !== 0) throw new Error(`sweep lab: ip route add local ${SWEEP_BLOCK} failed: ${r.stderr.trim()}`);
      // IPv6: t (2001:db8::2) answers the block; h1's routes are given, so it is told the way.
      for (const [node, args] of [['t', ['-6', 'route', 'add', 'local', SWEEP_BLOCK6, 'dev', 'lo']], ['h1', ['-6', 'route', 'add', SWEEP_BLOCK6, 'via', lab.address('t', { family: 6 })]]] as const) {
        const r6 = await lab.exec(node, [ip, ...args]);
        if (r6.code !== 0) throw new Error(`sweep lab: ip ${args.join(' ')} on ${node} failed: ${r6.stderr.trim()}`);
      }
    }
    return lab;
  }

  /** Names of the labs brought up (or being brought up) so far. */
  get upNames(): string[] {
    return [...this.names];
  }

  /** Takes every lab of this run down; safe to call twice and from a signal handler. */
  downAll(): Promise<string[]> {
    this.downing ??= (async () => {
      const done: string[] = [];
      // Wait for an `up` in flight, so nothing it creates is left behind.
      await Promise.allSettled([...this.labs.values()]);
      for (const name of this.names) {
        try {
          const r = await labDown(name);
          if (r.namespaces.length > 0) done.push(name);
        } catch (err) {
          process.stderr.write(`bench: taking lab ${name} down failed: ${(err as Error).message}\n`);
        }
      }
      return done;
    })();
    return this.downing;
  }
}
