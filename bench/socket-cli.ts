// The whole-command half of row 8: `rawprobe socket connect` piping 1 GiB into
// `rawprobe socket listen` over loopback TCP, against socat doing the same, as people run them:
//
//   rawprobe socket listen tcp://127.0.0.1:PORT --quiet > /dev/null
//   dd if=/dev/zero bs=1M count=1024 | rawprobe socket connect tcp://127.0.0.1:PORT --quiet
//
//   socat -u TCP-LISTEN:PORT,bind=127.0.0.1 STDOUT > /dev/null
//   dd if=/dev/zero bs=1M count=1024 | socat -u STDIN TCP:127.0.0.1:PORT
//
// Both read their input from the same kind of pipe and write what arrives to /dev/null. The
// figure is bytes / time from the sender's spawn (start-up included: it is part of the command)
// to the receiver's exit; the receiver is up before the clock starts, found listening in
// /proc/net/tcp (neither prints a line then: rawprobe is --quiet). Every byte is counted once per
// contender, in its warm-up run, with the receiver's stdout piped through `wc -c` instead.

import type { BenchContext } from './context.js';
import { SIDE, type Contender, type RunOutcome } from './harness.js';
import { expectExit, loopbackTcpSockets, runProcess, startProcess, TCP_STATE } from './proc.js';
import { rawprobeArgv } from './rawprobe.js';
import { toolPath, toolProblem } from './tools.js';

const MIB = 1024 * 1024;

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

function shell(argv: readonly string[]): string {
  return argv.map(quote).join(' ');
}

async function waitListening(port: number, isExited: () => boolean): Promise<void> {
  for (let waited = 0; loopbackTcpSockets(port, TCP_STATE.LISTEN) === 0; waited += 5) {
    if (isExited()) throw new Error(`the receiver exited before listening on port ${port}`);
    if (waited > 30_000) throw new Error(`nothing listens on 127.0.0.1:${port} after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Pair {
  /** The receiver, writing what arrives to stdout. */
  receiver: (port: number | 'PORT') => string[];
  /** The sender, reading its stdin. */
  sender: (port: number | 'PORT') => string[];
}

/**
 * One run: the receiver listening (its stdout to /dev/null, or counted by `wc -c` when `count`),
 * then dd | sender; the time from the sender's spawn to the receiver's exit.
 */
async function timedRun(pair: Pair, port: number, bytes: number, count: boolean, what: string): Promise<{ ms: number; counted: number | null }> {
  const sink = count ? '| wc -c' : '> /dev/null';
  const running = startProcess(['bash', '-c', `set -o pipefail; ${shell(pair.receiver(port))} ${sink}`]);
  let exited = false;
  void running.exited.then(() => (exited = true));
  try {
    await waitListening(port, () => exited);
    const t0 = performance.now();
    const feed = `dd if=/dev/zero bs=1M count=${bytes / MIB} status=none | ${shell(pair.sender(port))} > /dev/null`;
    expectExit(await runProcess(['bash', '-c', `set -o pipefail; ${feed}`], { timeoutMs: 120_000 }), `${what} sender`);
    const code = await running.exited;
    const ms = performance.now() - t0;
    if (code !== 0) throw new Error(`${what} receiver exited with ${String(code)}: ${running.stderr().trim().split('\n').pop() ?? ''}`);
    const counted = count ? Number(await running.nextLine((l) => /^\s*\d+\s*$/.test(l), 1000)) : null;
    return { ms, counted };
  } finally {
    running.kill();
  }
}

/** A contender whose first run (the warm-up) counts the bytes that arrived, and later runs time. */
function cliContender(name: string, side: Contender['side'], pair: Pair, bytes: number, freePort: () => number, unavailable: string | null, note: string): Contender {
  let counted = false;
  return {
    name,
    side,
    command: `${shell(pair.receiver('PORT'))} > /dev/null & dd if=/dev/zero bs=1M count=${bytes / MIB} | ${shell(pair.sender('PORT'))}`,
    unavailable,
    async run(): Promise<RunOutcome> {
      const { ms, counted: got } = await timedRun(pair, freePort(), bytes, !counted, name);
      if (!counted) {
        if (got !== bytes) throw new Error(`${name}: the receiver wrote ${String(got)} of ${bytes} bytes`);
        counted = true;
      }
      return { values: { cli: bytes / 1e6 / (ms / 1000) }, note };
    },
  };
}

/** rawprobe socket connect/listen against socat, both whole commands, `bytes` each run. */
export function socketCliContenders(ctx: BenchContext, bytes: number, freePort: () => number): Contender[] {
  const rawprobe: Pair = {
    receiver: (port) => rawprobeArgv(['socket', 'listen', `tcp://127.0.0.1:${port}`, '--quiet']),
    sender: (port) => rawprobeArgv(['socket', 'connect', `tcp://127.0.0.1:${port}`, '--quiet']),
  };
  const socat = (): string => toolPath(ctx.tools, 'socat');
  const theirs: Pair = {
    receiver: (port) => [socat(), '-u', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`, 'STDOUT'],
    sender: (port) => [socat(), '-u', 'STDIN', `TCP:127.0.0.1:${port}`],
  };
  const startUp = 'start-up included (the sender is spawned when the clock starts); every byte counted in the warm-up run';
  return [
    cliContender('rawprobe socket connect/listen', SIDE.ours, rawprobe, bytes, freePort, null, `${startUp}; 256 KiB recv_into, stdin read ahead 1 MiB`),
    cliContender('socat STDIN/STDOUT', SIDE.theirs, theirs, bytes, freePort, toolProblem(ctx.tools, 'socat'), `${startUp}; socat copies 8 KiB per read/write`),
  ];
}
