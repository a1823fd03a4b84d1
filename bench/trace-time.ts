// Measurement (not a test): the whole wall time of one trace of the 4-hop lab (h1 - r1 - r2 -
// r3 - h2, fixtures/labs/chain3.json), with every router answering and with r2 silent
// (chain3-silent.json): `rawprobe trace -n` beside `traceroute -I -n` and `mtr -r -n -c 1`, in the
// same run, on the same labs. Each run must reach h2 and, in the silent lab, show hop 2
// unanswered (bench/rows/trace.ts checks the output), or the figure would time a failure.
//
//   npx tsc -p . && node dist/bench/trace-time.js [--rounds 5] [--no-mtr]
//
// Also timed, to show where our time goes: `rawprobe --version` (node and the CLI starting, no
// probe at all), and `rawprobe trace -n -M default` beside `traceroute -n` (UDP, traceroute's default).
// Tools run in turns within each round so drift hurts nobody; each figure is the median over the
// rounds, and every ratio compares figures of this run. No node has an ICMP rate limit (as the
// bench harness's labs: the rows measure the tools, not the kernel's token bucket). mtr -r waits
// its 5 s grace time after the last probe whatever the path: that is what its user waits, so it is
// measured as it is. The labs are this run's own and are taken down at the end.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { labUp, parseLabSpec, type Lab, type LabFile } from '../lib/lab/index.js';
import { REPO_ROOT } from './lab.js';
import { runProcess } from './proc.js';
import { checkTrace, mtrHops, traceHops } from './rows/trace.js';
import { median } from './stats.js';

const MAIN = join(REPO_ROOT, 'dist/app/main.js');

interface Options {
  rounds: number;
  mtr: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rounds: 5, mtr: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--rounds' && v !== undefined) (o.rounds = Math.min(21, Math.max(1, Math.floor(Number(v)) || 1))), i++;
    else if (a === '--no-mtr') o.mtr = false;
    else throw new Error(`unknown argument ${a} (use --rounds N, --no-mtr)`);
  }
  return o;
}

async function lab(fixture: string, name: string): Promise<Lab> {
  const file = JSON.parse(await readFile(join(REPO_ROOT, 'fixtures/labs', `${fixture}.json`), 'utf8')) as LabFile;
  // No ICMP rate limit anywhere: the routers' Time Exceeded and h2's port unreachables (UDP
  // rows) all come, so every run traces the same path and the figures compare the tools.
  for (const node of Object.values(file.nodes)) node.icmpRatelimit = false;
  const source = `fixtures/labs/${fixture}.json`;
  return labUp(parseLabSpec(file, { source, name }), { name, source, temporary: true });
}

interface Contender {
  name: string;
  argv: (target: string) => string[];
  /** How to read its hop lines; null: no trace output to check (the start-up baseline). */
  hops: ((text: string) => { ttl: number; line: string }[]) | null;
}

async function timeOne(l: Lab, c: Contender, target: string, silentTtl: number | null): Promise<number> {
  const r = await runProcess(c.argv(target), { netns: l.namespace('h1'), timeoutMs: 60_000 });
  if (r.timedOut) throw new Error(`${c.name}: still running after 60 s`);
  if (c.hops !== null) {
    if (r.code !== 0) throw new Error(`${c.name}: exit ${String(r.code)}: ${r.stderr.trim()}`);
    checkTrace(c.name, c.hops(r.stdout), target, silentTtl);
  }
  return r.ms;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('needs root (raw sockets and network namespaces)');
  const o = parseArgs(process.argv.slice(2));
  const contenders: Contender[] = [
    { name: 'rawprobe trace -n', argv: (t) => [process.execPath, MAIN, 'trace', '-n', t], hops: traceHops },
    { name: 'traceroute -I -n', argv: (t) => ['traceroute', '-I', '-n', t], hops: traceHops },
    { name: 'rawprobe trace -n -M default', argv: (t) => [process.execPath, MAIN, 'trace', '-n', '-M', 'default', t], hops: traceHops },
    { name: 'traceroute -n (UDP)', argv: (t) => ['traceroute', '-n', t], hops: traceHops },
    { name: 'rawprobe --version', argv: () => [process.execPath, MAIN, '--version'], hops: null },
    ...(o.mtr ? [{ name: 'mtr -r -n -c 1', argv: (t: string) => ['mtr', '-r', '-n', '-c', '1', t], hops: mtrHops }] : []),
  ];
  const labs: Lab[] = [];
  try {
    const cases: { label: string; lab: Lab; silent: number | null }[] = [
      { label: 'every router answers', lab: await lab('chain3', `tt${process.pid}-a`), silent: null },
      { label: 'hop 2 silent', lab: await lab('chain3-silent', `tt${process.pid}-s`), silent: 2 },
    ];
    labs.push(...cases.map((c) => c.lab));
    const result: Record<string, Record<string, unknown>> = {};
    for (const c of cases) {
      const target = c.lab.address('h2');
      const times = new Map<string, number[]>(contenders.map((x) => [x.name, []]));
      for (let round = 0; round < o.rounds; round++) {
        for (const x of contenders) {
          const ms = await timeOne(c.lab, x, target, c.silent);
          times.get(x.name)!.push(ms);
          process.stderr.write(`${c.label}, round ${round + 1}: ${x.name} ${fmt(ms)} ms\n`);
        }
      }
      const med = new Map([...times].map(([k, v]) => [k, median(v)]));
      const ours = med.get('rawprobe trace -n')!;
      const ratio = (other: string): number | null => (med.has(other) ? ours / med.get(other)! : null);
      result[c.label] = {
        medianMs: Object.fromEntries(med),
        ours,
        vsTracerouteI: ratio('traceroute -I -n'),
        vsMtr: ratio('mtr -r -n -c 1'),
        udpVsTraceroute: med.get('rawprobe trace -n -M default')! / med.get('traceroute -n (UDP)')!,
        tracingBeyondStartMs: ours - med.get('rawprobe --version')!,
      };
      process.stdout.write(`\n${c.label}: whole process, median of ${o.rounds} runs, ms\n`);
      for (const [name, ms] of med) process.stdout.write(`  ${name.padEnd(22)} ${fmt(ms).padStart(7)}\n`);
      process.stdout.write(
        `  rawprobe trace / traceroute -I = ${ratio('traceroute -I -n')!.toFixed(2)}` +
          (o.mtr ? `, / mtr -r = ${ratio('mtr -r -n -c 1')!.toFixed(3)}` : '') +
          `; -U / traceroute (UDP) = ${(result[c.label]!['udpVsTraceroute'] as number).toFixed(2)}` +
          `; beyond start-up (rawprobe --version): ${fmt(result[c.label]!['tracingBeyondStartMs'] as number)} ms\n`,
      );
    }
    process.stdout.write(`\n${JSON.stringify({ rounds: o.rounds, results: result })}\n`);
  } finally {
    for (const l of labs) await l.down();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`trace-time: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
