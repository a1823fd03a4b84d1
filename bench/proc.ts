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
import { performance } from 'node:perf_hooks';

export const GNU_TIME = '/usr/bin/time';

export interface ProcResult {
  /** Exit code, or null when ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Spawn to exit, milliseconds. */
  ms: number;
  /** Peak resident memory of the program in KiB (GNU time %M), when asked for and available. */
  maxRssKb: number | null;
  /** The hard limit ran out and the process was killed. */
  timedOut: boolean;
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
      killGroup(child);
      n += 1;
    }
  }
  live.clear();
  return n;
}

/** SIGKILL to the child's whole process group: GNU time's child, a shell's children. */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** Runs argv to completion. Rejects only when the program cannot be started. */
export function runProcess(argv: readonly string[], options: ProcOptions = {}): Promise<ProcResult> {
  if (argv.length === 0) return Promise.reject(new Error('runProcess: no command given'));
  let rssDir: string | null = null;
  let full = [...argv];
  if (options.memory === true && existsSync(GNU_TIME)) {
    rssDir = mkdtempSync(join(tmpdir(), 'rawprobe-bench-rss-'));
    full = [GNU_TIME, '-f', '%M', '-o', join(rssDir, 'rss'), ...full];
  }
  if (options.netns !== undefined) full = [options.ip ?? 'ip', 'netns', 'exec', options.netns, ...full];
  const maxOutput = options.maxOutput ?? 4 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(full[0]!, full.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
      // Its own process group, so a time limit or Ctrl-C ends the program under GNU time too.
      detached: true,
    });
    live.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, options.timeoutMs ?? 30_000);
    child.stdout!.on('data', (b: Buffer) => {
      // A flood tool may print a character per packet: keep the end, where summaries are.
      out.push(b);
      outBytes += b.length;
      while (outBytes > maxOutput && out.length > 1) outBytes -= out.shift()!.length;
    });
    child.stderr!.on('data', (b: Buffer) => {
      err.push(b);
      errBytes += b.length;
      while (errBytes > maxOutput && err.length > 1) errBytes -= err.shift()!.length;
    });
    const cleanup = (): void => {
      clearTimeout(timer);
      live.delete(child);
    };
    child.on('error', (e) => {
      cleanup();
      if (rssDir !== null) rmSync(rssDir, { recursive: true, force: true });
      reject(e);
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      cleanup();
      let maxRssKb: number | null = null;
      if (rssDir !== null) {
        try {
          // GNU time writes "Command exited with non-zero status N" before the figure then.
          const lines = readFileSync(join(rssDir, 'rss'), 'utf8').trim().split('\n');
          const v = Number(lines[lines.length - 1]);
          maxRssKb = Number.isFinite(v) && v > 0 ? v : null;
        } catch {
          maxRssKb = null;
        }
        rmSync(rssDir, { recursive: true, force: true });
      }
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms,
        maxRssKb,
        timedOut,
      });
    });
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input ?? '');
  });
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
