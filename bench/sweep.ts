// Measurement (not a test): `rawprobe sweep --rate max` against `fping -i 0 -r 0 -g`, whole
// process, wall time and peak memory (GNU time's %M: maximum resident set), for a /20, /18, /17
// and /16 of the sweep lab (bench/lab.ts: node t answers every address of 198.18.0.0/16), all in
// the same run on the same machine, so that how each grows from a /20 to a /16 can be compared.
//
//   npx tsc -p . && node dist/bench/sweep.js [--rounds 5] [--sizes 20,18,17,16]
//
// Tools run in turns (fping, rawprobe, fping, ...) so drift hurts nobody; each figure is the
// median over the rounds. Every host must be reported alive, or the run fails. One more
// rawprobe run per size with --json reports the kernel's drops on our socket (must be 0) and the
// counts. Everything runs inside this run's own lab, taken down at the end (Ctrl-C included).
import { BENCH_LAB, BenchLabs } from './lab.js';
import { expectExit, killAllChildren, runProcess, type ProcResult } from './proc.js';
import { rawprobeArgv } from './rawprobe.js';
import { countAlive, hostsIn } from './rows/sweep.js';
import { median } from './stats.js';

interface Options {
  rounds: number;
  sizes: number[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rounds: 5, sizes: [20, 18, 17, 16] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--rounds' && v !== undefined) (o.rounds = Math.min(15, Math.max(1, Number(v)))), i++;
    else if (a === '--sizes' && v !== undefined) (o.sizes = v.split(',').map(Number)), i++;
    else throw new Error(`unknown argument ${a}`);
  }
  if (o.sizes.some((s) => !Number.isInteger(s) || s < 16 || s > 30)) throw new Error('--sizes: prefix lengths from 16 to 30 (the lab answers a /16)');
  return o;
}

interface Sample {
  seconds: number;
  mb: number;
}

type Tool = 'rawprobe' | 'fping';

async function once(ns: string, tool: Tool, prefix: number): Promise<Sample> {
  const block = `198.18.0.0/${prefix}`;
  const argv = tool === 'fping' ? ['fping', '-i', '0', '-r', '0', '-g', block] : rawprobeArgv(['sweep', '--rate', 'max', block]);
  const r: ProcResult = expectExit(await runProcess(argv, { netns: ns, memory: true, timeoutMs: 120_000, maxOutput: 64 * 1024 * 1024 }), tool);
  const alive = countAlive(r.stdout);
  if (alive !== hostsIn(prefix)) throw new Error(`${tool} /${prefix}: ${alive} of ${hostsIn(prefix)} hosts alive (all answer in this lab)`);
  if (r.maxRssKb === null) throw new Error('no peak memory figure: is /usr/bin/time (GNU time) installed?');
  return { seconds: r.ms / 1000, mb: r.maxRssKb / 1024 };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('needs root (raw sockets and network namespaces)');
  const o = parseArgs(process.argv.slice(2));
  const labs = new BenchLabs(`sw${process.pid}`);
  const stop = (): void => {
    killAllChildren();
    void labs.downAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const lab = await labs.get(BENCH_LAB.sweep);
    const ns = lab.namespace('h1');
    const samples = new Map<string, Sample[]>();
    for (let round = 0; round < o.rounds; round++) {
      for (const prefix of o.sizes) {
        for (const tool of ['fping', 'rawprobe'] as const) {
          const s = await once(ns, tool, prefix);
          const key = `${tool}/${prefix}`;
          samples.set(key, [...(samples.get(key) ?? []), s]);
          process.stderr.write(`round ${round + 1} /${prefix} ${tool}: ${s.seconds.toFixed(3)} s, ${s.mb.toFixed(1)} MB\n`);
        }
      }
    }
    const details: Record<string, unknown> = {};
    for (const prefix of o.sizes) {
      const r = expectExit(await runProcess(rawprobeArgv(['sweep', '--rate', 'max', '--json', `198.18.0.0/${prefix}`]), { netns: ns, timeoutMs: 120_000, maxOutput: 64 * 1024 * 1024 }), 'rawprobe --json');
      const summary = JSON.parse(r.stdout.trimEnd().split('\n').pop()!) as Record<string, unknown>;
      details[`/${prefix}`] = { alive: summary['alive'], sent: summary['sent'], replies: summary['replies'], drops: summary['drops'], stray: summary['stray'], elapsedMs: summary['elapsedMs'] };
    }

    const row = (tool: Tool, prefix: number): { seconds: number; mb: number } => {
      const list = samples.get(`${tool}/${prefix}`)!;
      return { seconds: median(list.map((s) => s.seconds)), mb: median(list.map((s) => s.mb)) };
    };
    const out: string[] = [];
    out.push(`\nsweep of 198.18.0.0/N, every host alive; median of ${o.rounds} runs each, whole process (ip netns exec included)\n`);
    out.push('| block | hosts | rawprobe s | fping s | time ratio | rawprobe MB | fping MB | memory ratio |');
    out.push('|---|---|---|---|---|---|---|---|');
    const result: Record<string, unknown> = { rounds: o.rounds, sizes: {} };
    for (const prefix of o.sizes) {
      const ours = row('rawprobe', prefix);
      const theirs = row('fping', prefix);
      (result.sizes as Record<string, unknown>)[`/${prefix}`] = { hosts: hostsIn(prefix), rawprobe: ours, fping: theirs, timeRatio: ours.seconds / theirs.seconds, memoryRatio: ours.mb / theirs.mb };
      out.push(
        `| /${prefix} | ${hostsIn(prefix)} | ${ours.seconds.toFixed(3)} | ${theirs.seconds.toFixed(3)} | x${(ours.seconds / theirs.seconds).toFixed(2)} | ${ours.mb.toFixed(1)} | ${theirs.mb.toFixed(1)} | x${(ours.mb / theirs.mb).toFixed(2)} |`,
      );
    }
    const small = Math.max(...o.sizes);
    const large = Math.min(...o.sizes);
    if (small !== large) {
      const growth = (tool: Tool): { seconds: number; mb: number } => ({
        seconds: row(tool, large).seconds - row(tool, small).seconds,
        mb: row(tool, large).mb - row(tool, small).mb,
      });
      const g = { rawprobe: growth('rawprobe'), fping: growth('fping') };
      result['growth'] = { from: `/${small}`, to: `/${large}`, ...g };
      out.push(
        `\ngrowth from /${small} to /${large}: rawprobe +${g.rawprobe.seconds.toFixed(3)} s, +${g.rawprobe.mb.toFixed(1)} MB; ` +
          `fping +${g.fping.seconds.toFixed(3)} s, +${g.fping.mb.toFixed(1)} MB`,
      );
    }
    result['rawprobeJson'] = details;
    out.push(`\nrawprobe --json summaries: ${JSON.stringify(details)}`);
    process.stdout.write(`${out.join('\n')}\n\n${JSON.stringify(result)}\n`);
  } finally {
    await labs.downAll();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`sweep bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
