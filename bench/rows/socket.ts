// Row 8: the classic socket API (lib/socket/classic) against the tools people move bytes and
// accept connections with, on loopback:
//
//   bulk    1 GiB over TCP: our sender (connect, sendAll of a 4 MiB buffer over and over,
//           shutdown) to our receiver (accept, recv 256 KiB at a time until the end, counting)
//           against `socat -u OPEN:/dev/zero,readbytes=N TCP:...` into `socat -u TCP-LISTEN:...
//           OPEN:/dev/null`. Wall time from the sender's spawn to the receiver's exit, both
//           receivers already listening; throughput = bytes / that time. Our receiver checks it
//           got every byte; socat's sender sends exactly N (readbytes), and both socats must exit 0.
//   accept  connections accepted per second, from a full backlog: 4000 connections are made
//           (and closed by the client, which leaves them waiting to be accepted all the same)
//           while the server waits; then it accepts and closes all 4000, timing first to last.
//           Several such rounds per server process; the figure is the rounds after the first
//           (a running server's rate; the first, with Node's JIT still cold, is in a note).
//           Our accept loop (`for await ... of server.connections()`) against Python's
//           (`conn, _ = s.accept(); conn.close()`, blocking), the same client for both.
//
//   cli     the same 1 GiB through whole commands: `dd | rawprobe socket connect` into
//           `rawprobe socket listen --quiet > /dev/null`, against `dd | socat -u STDIN TCP:...`
//           into `socat -u TCP-LISTEN:... STDOUT > /dev/null` (bench/socket-cli.ts).
//
// bulk and accept measure the library through bench/socket-peers.ts; cli the command built on it.
import { join } from 'node:path';

import { createSocket } from '../../lib/socket/index.js';
import type { BenchContext } from '../context.js';
import { benchGroup, progress } from '../context.js';
import { BETTER, rowsFor, runRounds, runsFor, SIDE, type Contender, type Metric, type Row, type RunOutcome } from '../harness.js';
import { REPO_ROOT } from '../lab.js';
import { expectExit, runProcess, startProcess, type Running } from '../proc.js';
import { socketCliContenders } from '../socket-cli.js';
import { toolPath, toolProblem } from '../tools.js';

const PEERS = join(REPO_ROOT, 'dist', 'bench', 'socket-peers.js');
const ACCEPT_LOOP = join(REPO_ROOT, 'bench', 'accept-loop.py');
const GIB = 1024 * 1024 * 1024;
const BACKLOG_FULL = 4000;

const METRICS: Metric[] = [
  { key: 'mbps', what: 'loopback TCP bulk transfer of 1 GiB: sender spawn to last byte', units: 'MB/s', better: BETTER.higher },
  { key: 'accepts', what: 'connections accepted per second from a full backlog (4000 waiting)', units: '/s', better: BETTER.higher },
  { key: 'cli', what: 'loopback TCP bulk transfer of 1 GiB, whole commands: stdin pipe to /dev/null, sender spawn to last byte', units: 'MB/s', better: BETTER.higher },
];

/** A loopback TCP port nobody holds now (the kernel's pick, released), for socat to listen on. */
function freePort(): number {
  const s = createSocket({ family: 'inet', type: 'stream' }).bind('127.0.0.1', 0);
  const port = s.address().port as number;
  s.close();
  return port;
}

/** Runs `server` (up to `ready`), then `client`; the figure is the time to the server's exit. */
async function timedPair(server: readonly string[], ready: RegExp, client: (running: Running, line: string) => readonly string[], what: string): Promise<{ ms: number; lines: Running }> {
  const running = startProcess(server);
  try {
    const line = await running.nextLine((l) => ready.test(l));
    const t0 = performance.now();
    expectExit(await runProcess(client(running, line), { timeoutMs: 120_000 }), `${what} sender`);
    const code = await running.exited;
    if (code !== 0) throw new Error(`${what} receiver exited with ${String(code)}: ${running.stderr().trim().split('\n').pop() ?? ''}`);
    return { ms: performance.now() - t0, lines: running };
  } finally {
    running.kill();
  }
}

function bulkContenders(ctx: BenchContext, bytes: number): Contender[] {
  const mbps = (ms: number): number => bytes / 1e6 / (ms / 1000);
  const ours: Contender = {
    name: 'rawprobe sendAll/recv',
    side: SIDE.ours,
    command: `node dist/bench/socket-peers.js receive & node dist/bench/socket-peers.js send PORT ${bytes}`,
    unavailable: null,
    async run(): Promise<RunOutcome> {
      let port = '';
      const { ms, lines } = await timedPair([process.execPath, PEERS, 'receive'], /^port \d+$/, (_r, line) => {
        port = line.slice(5);
        return [process.execPath, PEERS, 'send', port, String(bytes)];
      }, 'rawprobe');
      const got = /^received (\d+) bytes in ([0-9.]+) ms$/.exec(await lines.nextLine((l) => l.startsWith('received'), 1000));
      if (got === null || Number(got[1]) !== bytes) throw new Error(`our receiver counted ${got?.[1] ?? 'nothing'} of ${bytes} bytes`);
      return { values: { mbps: mbps(ms) }, note: `the transfer alone (first recv to the end): ${Math.round(mbps(Number(got[2])))} MB/s` };
    },
  };
  const socat = (): string => toolPath(ctx.tools, 'socat');
  const theirs: Contender = {
    name: 'socat',
    side: SIDE.theirs,
    command: `socat -u TCP-LISTEN:PORT,bind=127.0.0.1 OPEN:/dev/null & socat -u OPEN:/dev/zero,readbytes=${bytes} TCP:127.0.0.1:PORT`,
    unavailable: toolProblem(ctx.tools, 'socat'),
    async run(): Promise<RunOutcome> {
      const port = freePort();
      const server = [socat(), '-d', '-d', '-u', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`, 'OPEN:/dev/null'];
      const { ms } = await timedPair(server, /listening on/, () => [socat(), '-u', `OPEN:/dev/zero,readbytes=${bytes}`, `TCP:127.0.0.1:${port}`], 'socat');
      return { values: { mbps: mbps(ms) }, note: 'socat copies 8 KiB per read/write (its default -b 8192)' };
    },
  };
  return [ours, theirs];
}

/**
 * One run: ROUNDS rounds of "fill the backlog, then accept it all" against one server process.
 * The figure is the rate of the rounds after the first (a long-running server's rate); the first
 * round, which pays for JIT warm-up in Node, is kept in a note.
 */
function acceptContender(name: string, side: Contender['side'], server: string[], unavailable: string | null, count: number, rounds: number): Contender {
  return {
    name,
    side,
    command: `${server.join(' ')} (each round after: node dist/bench/socket-peers.js connect PORT ${count} 64)`,
    unavailable,
    async run(): Promise<RunOutcome> {
      const running = startProcess(server);
      try {
        const port = (await running.nextLine((l) => /^port \d+$/.test(l))).slice(5);
        const ms: number[] = [];
        for (let round = 0; round < rounds; round++) {
          expectExit(await runProcess([process.execPath, PEERS, 'connect', port, String(count), '64'], { timeoutMs: 120_000 }), 'the connecting client');
          running.write('go\n');
          const got = /^accepted (\d+) in ([0-9.]+) ms$/.exec(await running.nextLine((l) => l.startsWith('accepted'), 60_000));
          if (got === null || Number(got[1]) !== count) throw new Error(`${name} accepted ${got?.[1] ?? 'nothing'} of ${count}`);
          ms.push(Number(got[2]));
        }
        const warm = ms.slice(1).reduce((a, b) => a + b, 0);
        const first = ms[0] as number;
        return {
          values: { accepts: ((count * (rounds - 1)) / warm) * 1000 },
          note: `first round (a fresh process): ${Math.round((count / first) * 1000)}/s`,
        };
      } finally {
        running.kill();
      }
    },
  };
}

export const socketGroup = benchGroup('socket', '8', 'classic sockets on loopback: bulk TCP vs socat (library and `rawprobe socket`), accept loop vs Python', async (ctx) => {
  const bytes = ctx.quick ? GIB / 4 : GIB;
  const metrics = METRICS.map((m) => ((m.key === 'mbps' || m.key === 'cli') && ctx.quick ? { ...m, what: m.what.replace('1 GiB', '256 MiB') } : m));
  const runs = runsFor(ctx.runs, ctx.quick, 7);
  const bulk = await runRounds(bulkContenders(ctx, bytes), { runs, warmup: 1, onRun: progress(ctx, 'socket bulk') });
  const cli = await runRounds(socketCliContenders(ctx, bytes, freePort), { runs, warmup: 1, onRun: progress(ctx, 'socket cli') });
  const python = toolProblem(ctx.tools, 'python3');
  const rounds = ctx.quick ? 3 : 6;
  const accept = await runRounds(
    [
      acceptContender('rawprobe accept', SIDE.ours, [process.execPath, PEERS, 'accept', String(BACKLOG_FULL), String(rounds)], null, BACKLOG_FULL, rounds),
      acceptContender('python accept loop', SIDE.theirs, [python === null ? toolPath(ctx.tools, 'python3') : 'python3', ACCEPT_LOOP, String(BACKLOG_FULL), String(rounds)], python, BACKLOG_FULL, rounds),
    ],
    { runs, warmup: 1, onRun: progress(ctx, 'socket accept') },
  );
  return [
    ...rowsFor('socket', '8', bulk, [{ ours: 'rawprobe sendAll/recv', theirs: 'socat', id: 'bulk-socat', metrics: ['mbps'] }], metrics),
    ...rowsFor('socket', '8', cli, [{ ours: 'rawprobe socket connect/listen', theirs: 'socat STDIN/STDOUT', id: 'cli-socat', metrics: ['cli'] }], metrics),
    ...rowsFor('socket', '8', accept, [{ ours: 'rawprobe accept', theirs: 'python accept loop', id: 'accept-python', metrics: ['accepts'] }], metrics),
  ];
});
