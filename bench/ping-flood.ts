// Measurement (not a test): `rawprobe ping` against iputils ping, and the npm raw-socket package,
// all in the same run on the same machine.
//
//   npx tsc -p . && node dist/bench/ping-flood.js [--seconds 5] [--rounds 3] [--raw-socket DIR]
//
//   flood  round trips per second for S seconds (`-f -q -w S`): on loopback and from h1 to h2
//          through the 3-router lab (fixtures/labs/chain3.json), iputils `ping -f` and the
//          raw-socket flood (bench/raw-socket-flood.cjs: a window of 64, as ours) alongside
//   rtt    median of the 200 per-reply times of `ping -c 200 -i 0.01`, ours and iputils, on
//          loopback and across the lab
//
// Tools run in turns (iputils, rawprobe, raw-socket, iputils, ...) so drift hurts nobody; each
// figure is the median over the rounds. Everything runs inside this run's own lab namespaces
// (loopback is h1's own lo), bounded by time, and the lab is taken down at the end.
// DIR is a node_modules directory holding a built raw-socket (npm install raw-socket --prefix
// /tmp/rs, then node-gyp rebuild --nodedir=/usr in it); without it that column is skipped.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { labUp, loadLabFile, type Lab } from '../lib/lab/index.js';
import { median } from './stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'dist/app/main.js');
const RAW_SOCKET_SCRIPT = join(ROOT, 'bench/raw-socket-flood.cjs');

interface Options {
  seconds: number;
  rounds: number;
  rawSocket: string | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { seconds: 5, rounds: 3, rawSocket: '/tmp/rs/node_modules' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--seconds' && v !== undefined) (o.seconds = Math.min(10, Math.max(1, Number(v)))), i++;
    else if (a === '--rounds' && v !== undefined) (o.rounds = Math.min(9, Math.max(1, Number(v)))), i++;
    else if (a === '--raw-socket' && v !== undefined) (o.rawSocket = v === 'none' ? null : v), i++;
    else throw new Error(`unknown argument ${a}`);
  }
  if (o.rawSocket !== null && !existsSync(join(o.rawSocket, 'raw-socket/build/Release/raw.node'))) o.rawSocket = null;
  return o;
}

/** "N packets transmitted, M received" (both pings). */
function received(text: string): number | null {
  const m = /(\d+) packets transmitted, (\d+) received/.exec(text);
  return m === null ? null : Number(m[2]);
}

/** Every time= of a ping run, in ms. */
function times(text: string): number[] {
  return [...text.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));
}

type Tool = 'iputils' | 'rawprobe' | 'raw-socket';

async function flood(lab: Lab, tool: Tool, target: string, seconds: number, rawSocket: string | null): Promise<number> {
  const limit = { timeoutMs: (seconds + 15) * 1000 };
  if (tool === 'iputils') {
    const r = await lab.exec('h1', ['ping', '-f', '-q', '-w', String(seconds), target], limit);
    const n = received(r.stdout);
    if (n === null) throw new Error(`iputils ping: ${r.stderr || r.stdout}`);
    return n / seconds;
  }
  if (tool === 'rawprobe') {
    const r = await lab.exec('h1', [process.execPath, MAIN, 'ping', '-f', '-q', '-w', String(seconds), target], limit);
    const n = received(r.stdout);
    if (n === null) throw new Error(`rawprobe ping: ${r.stderr || r.stdout}`);
    return n / seconds;
  }
  const env = { ...process.env, NODE_PATH: rawSocket! };
  const r = await lab.exec('h1', [process.execPath, RAW_SOCKET_SCRIPT, target, String(seconds), String(seconds * 2_000_000)], { ...limit, env });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const j = JSON.parse(line) as { received: number; seconds: number };
  return j.received / seconds;
}

async function rttMedian(lab: Lab, tool: 'iputils' | 'rawprobe', target: string): Promise<number> {
  const argv = ['ping', '-c', '200', '-i', '0.01', target];
  const r = await lab.exec('h1', tool === 'iputils' ? argv : [process.execPath, MAIN, ...argv], { timeoutMs: 30_000 });
  const t = times(r.stdout);
  if (t.length < 190) throw new Error(`${tool}: only ${t.length} replies: ${r.stderr}`);
  return median(t);
}

function fmt(n: number): string {
  return n >= 1000 ? `${Math.round(n / 1000)}k` : n.toFixed(3);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('needs root (raw sockets and network namespaces)');
  const o = parseArgs(process.argv.slice(2));
  const source = join(ROOT, 'fixtures/labs/chain3.json');
  const name = `pf${process.pid}`.slice(0, 32);
  const lab = await labUp(await loadLabFile(source), { name, source, temporary: true });
  try {
    const h2 = lab.address('h2');
    const tools: Tool[] = o.rawSocket === null ? ['iputils', 'rawprobe'] : ['iputils', 'rawprobe', 'raw-socket'];
    const targets = [
      ['loopback', '127.0.0.1'],
      ['chain3 lab h1->h2', h2],
    ] as const;
    const floods = new Map<string, number[]>();
    for (let round = 0; round < o.rounds; round++) {
      for (const [label, target] of targets) {
        for (const tool of tools) {
          const rate = await flood(lab, tool, target, o.seconds, o.rawSocket);
          const key = `${label}|${tool}`;
          floods.set(key, [...(floods.get(key) ?? []), rate]);
          process.stderr.write(`round ${round + 1} ${label} ${tool}: ${Math.round(rate)} rt/s\n`);
        }
      }
    }
    const rtts = new Map<string, number[]>();
    for (let round = 0; round < o.rounds; round++) {
      for (const [label, target] of targets) {
        for (const tool of ['iputils', 'rawprobe'] as const) {
          const m = await rttMedian(lab, tool, target);
          const key = `${label}|${tool}`;
          rtts.set(key, [...(rtts.get(key) ?? []), m]);
          process.stderr.write(`round ${round + 1} ${label} ${tool}: median rtt ${m} ms\n`);
        }
      }
    }
    const result: Record<string, unknown> = { seconds: o.seconds, rounds: o.rounds, flood: {}, rtt: {} };
    process.stdout.write(`\nflood, round trips per second (median of ${o.rounds} runs of ${o.seconds} s)\n`);
    for (const [label] of targets) {
      const iputils = median(floods.get(`${label}|iputils`)!);
      const row: Record<string, number> = {};
      for (const tool of tools) row[tool] = Math.round(median(floods.get(`${label}|${tool}`)!));
      (result.flood as Record<string, unknown>)[label] = row;
      const ours = row['rawprobe']!;
      const rs = row['raw-socket'];
      process.stdout.write(
        `  ${label.padEnd(20)} rawprobe ${fmt(ours)}  iputils ${fmt(iputils)}  (x${(ours / iputils).toFixed(2)})` +
          (rs === undefined ? '  raw-socket not built' : `  raw-socket ${fmt(rs)}  (x${(ours / rs).toFixed(2)})`) +
          '\n',
      );
    }
    process.stdout.write(`\nmedian RTT of ping -c 200 -i 0.01 (median of ${o.rounds} runs), ms\n`);
    for (const [label] of targets) {
      const ours = median(rtts.get(`${label}|rawprobe`)!);
      const theirs = median(rtts.get(`${label}|iputils`)!);
      (result.rtt as Record<string, unknown>)[label] = { rawprobe: ours, iputils: theirs, ratio: ours / theirs };
      process.stdout.write(`  ${label.padEnd(20)} rawprobe ${fmt(ours)}  iputils ${fmt(theirs)}  (x${(ours / theirs).toFixed(2)})\n`);
    }
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
  } finally {
    await lab.down();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`ping-flood: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
