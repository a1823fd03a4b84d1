// Running the programs a benchmark compares: whole-process wall time, peak memory, output, a hard
// time limit, optionally inside a lab node's namespace. Every child is remembered until it exits,
// so Ctrl-C can end them all (bench/run.ts) before the labs are taken down.
//
// Wall time is taken around spawn-to-exit on our side, so every tool pays the same fork/exec and
// `ip netns exec` overhead. Peak memory (maximum resident set) comes from GNU time's %M, the same
// figure for every program, when /usr/bin/time exists.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killChild, run, type RunResult } from '../lib/lab/system.js';
import { lineSplitter, LineWaits } from '../test/helpers/lines.js';

export const GNU_TIME = '/usr/bin/time';

export interface ProcResult extends RunResult {
  /** Peak resident memory of the program in KiB (GNU time %M), when asked for and available. */
  maxRssKb: number | null;
}

export interface ProcOptions {
  /** Run inside this network namespace (`ip netns exec NS ...`). */
  netns?: string;
  /** Full path of `ip` for netns (default "ip" from PATH). */
  ip?: string;
  /** SIGKILL after this long. Default 30 s. */
  timeoutMs?: number;
  /** Written to stdin, which is then closed. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Measure peak memory with GNU time. */
  memory?: boolean;
  /** Keep at most this many bytes of stdout (a flood tool's dots); default 4 MiB. */
  maxOutput?: number;
}

const live = new Set<ChildProcess>();

/** Ends every child still running (Ctrl-C). */
export function killAllChildren(): number {
  let n = 0;
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      killChild(child, true);
      n += 1;
    }
  }
  live.clear();
  return n;
}

/** Runs argv to completion (lib/lab's run, in a process group of its own). Rejects only when the program cannot be started. */
export async function runProcess(argv: readonly string[], options: ProcOptions = {}): Promise<ProcResult> {
  if (argv.length === 0) throw new Error('runProcess: no command given');
  let rssDir: string | null = null;
  let full = [...argv];
  if (options.memory === true && existsSync(GNU_TIME)) {
    rssDir = mkdtempSync(join(tmpdir(), 'rawprobe-bench-rss-'));
    full = [GNU_TIME, '-f', '%M', '-o', join(rssDir, 'rss'), ...full];
  }
  if (options.netns !== undefined) full = [options.ip ?? 'ip', 'netns', 'exec', options.netns, ...full];
  let child: ChildProcess | null = null;
  try {
    const r = await run(full[0]!, full.slice(1), {
      input: options.input,
      timeoutMs: options.timeoutMs ?? 30_000,
      env: options.env,
      cwd: options.cwd,
      // A time limit or Ctrl-C then ends the program under GNU time and `ip netns exec` too.
      processGroup: true,
      // A flood tool may print a character per packet: keep the end, where summaries are.
      maxOutput: options.maxOutput ?? 4 * 1024 * 1024,
      onSpawn: (c) => {
        child = c;
        live.add(c);
      },
    });
    return { ...r, maxRssKb: rssDir === null ? null : peakRssKb(join(rssDir, 'rss')) };
  } finally {
    if (child !== null) live.delete(child);
    if (rssDir !== null) rmSync(rssDir, { recursive: true, force: true });
  }
}

/** GNU time's %M figure, or null. With a failing program it writes "Command exited with non-zero status N" first. */
function peakRssKb(file: string): number | null {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const v = Number(lines[lines.length - 1]);
    return Number.isFinite(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

/** The last non-empty line of some output, for error messages. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines[lines.length - 1] ?? '';
}

/** Throws a one-line error unless the program exited with one of `ok` codes. */
export function expectExit(r: ProcResult, what: string, ok: readonly number[] = [0]): ProcResult {
  if (r.timedOut) throw new Error(`${what} ran past its time limit and was killed`);
  if (r.code === null || !ok.includes(r.code)) {
    const why = lastLine(r.stderr) || lastLine(r.stdout) || 'no output';
    throw new Error(`${what} exited with ${r.code ?? r.signal}: ${why}`);
  }
  return r;
}

/** A program left running while others run against it (a server): its lines as they come. */
export interface Running {
  /**
   * The next line of its output (stdout and stderr, as each line completes) matching `accept`;
   * rejects when the program exits first or after `limitMs`.
   */
  nextLine(accept: (line: string) => boolean, limitMs?: number): Promise<string>;
  /** Writes to its stdin. */
  write(text: string): void;
  /** Resolves with its exit code (null when killed). */
  exited: Promise<number | null>;
  /** SIGKILL, if it is still running. */
  kill(): void;
  stderr(): string;
}

/** Starts argv in its own process group, remembered for Ctrl-C; callers kill() it in a finally. */
export function startProcess(argv: readonly string[]): Running {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  live.add(child);
  const lines: string[] = [];
  let err = '';
  const waits = new LineWaits();
  // stdout and stderr into one list of lines, each stream's unfinished line kept apart
  child.stdout?.setEncoding('utf8').on('data', lineSplitter(lines, () => waits.wake()));
  const stderrLines = lineSplitter(lines, () => waits.wake());
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    stderrLines(chunk);
  });
  child.stdin?.on('error', () => undefined); // a program that exits before reading its stdin
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    // 'close', not 'exit': it comes after the last of the output, so a line printed just before
    // exiting is seen by nextLine (the socket row's `wc -c` count).
    child.on('close', (code) => {
      done = true;
      live.delete(child);
      resolve(code);
      waits.end();
    });
  });
  let seen = 0;
  return {
    exited,
    stderr: () => err,
    write: (text) => void child.stdin?.write(text),
    kill: () => {
      if (!done) killChild(child, true);
    },
    nextLine(accept, limitMs = 30_000) {
      const next = (): string | undefined => (seen < lines.length ? lines[seen++] : undefined);
      return waits.line(next, accept, limitMs, () => `no matching line within ${limitMs} ms; stderr: ${lastLine(err)}`, () => `exited before a matching line; stderr: ${lastLine(err) || 'none'}`);
    },
  };
}

/** States as /proc/net/tcp shows them (hex; include/net/tcp_states.h). */
export const TCP_STATE = { TIME_WAIT: '06', LISTEN: '0A' } as const;

/** TCP sockets bound to 127.0.0.1:port in `state`, from /proc/net/tcp (the bench and the socket tests watch the kernel's side). */
export function loopbackTcpSockets(port: number, state: (typeof TCP_STATE)[keyof typeof TCP_STATE]): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .filter((line) => {
      const fields = line.trim().split(/\s+/);
      return fields[1] === local && fields[3] === state;
    }).length;
}
