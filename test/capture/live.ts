// A CLI process the test talks to while it runs: output collected as it comes, and a wait for a
// line (or anything) to appear. The waits have a limit only so that a broken build fails instead
// of hanging; nothing asserts on how long anything took.
import { spawn, type ChildProcess } from 'node:child_process';
import { MAIN, ROOT } from '../helpers/cli.js';

export interface Live {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once `test(stdout, stderr)` holds; rejects (naming `what`) if the process ends first or the limit passes. */
  until(test: (stdout: string, stderr: string) => boolean, what: string, limitMs?: number): Promise<void>;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running (a teardown). */
  kill(): void;
}

export interface LiveOptions {
  /** Run inside this network namespace (ip netns exec). */
  netns?: string;
  /** The command to run instead of rawprobe (argv[0] then args). */
  command?: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts `rawprobe ...args` (or options.command) with piped stdio; TZ=UTC. */
export function live(args: readonly string[], options: LiveOptions = {}): Live {
  let argv = options.command === undefined ? [process.execPath, MAIN, ...args] : [options.command, ...args];
  if (options.netns !== undefined) argv = ['ip', 'netns', 'exec', options.netns, ...argv];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env: { ...process.env, TZ: 'UTC', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const checks = new Set<() => void>();
  const poke = (): void => {
    for (const check of [...checks]) check();
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    poke();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    poke();
  });
  child.stdin!.on('error', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal });
      poke();
    });
  });
  let ended = false;
  void exited.then(() => (ended = true));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    until(test, what, limitMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`${what}: not seen after ${limitMs} ms; stdout: ${out.slice(-500)} stderr: ${err.slice(-500)}`)), limitMs);
        const finish = (e: Error | null): void => {
          clearTimeout(timer);
          checks.delete(check);
          if (e === null) resolve();
          else reject(e);
        };
        const check = (): void => {
          if (test(out, err)) finish(null);
          else if (ended) finish(new Error(`${what}: the process ended first; stdout: ${out.slice(-500)} stderr: ${err.slice(-500)}`));
        };
        checks.add(check);
        check();
      });
    },
  };
}

/** Lines of text that start with "#<n> " (decode's and capture's packet lines). */
export function packetLines(text: string): string[] {
  return text.split('\n').filter((l) => /^#\d+ /.test(l));
}
