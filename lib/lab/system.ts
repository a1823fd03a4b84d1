// The lab's contact with the machine: running `ip`, `nft`, `sysctl` and `tc` (argument arrays,
// never a shell), finding them in PATH, checking privileges, listing namespaces. run() is also
// the process runner of bench/ (process groups, bounded output, spawn-to-exit time).
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';

/** Where `ip netns add` keeps its namespaces (one file each, bind-mounted). */
export const NETNS_DIR = '/run/netns';

export interface RunResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The time limit ran out and the process was killed. */
  timedOut: boolean;
  /** Spawn to exit, milliseconds. */
  ms: number;
}

export interface RunOptions {
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Kill (SIGKILL) after this long; default 30 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Start it as a process group of its own, so that the time limit (or killChild) ends what it
   * started too: the program under a wrapper such as GNU time or `ip netns exec`. Default false.
   */
  processGroup?: boolean;
  /** Keep about the last this-many bytes of stdout and of stderr (a flood tool's dots); default all. */
  maxOutput?: number;
  /** Called with the child as soon as it is spawned (to track it, e.g. to end it on Ctrl-C). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs a program to completion and collects its output. Rejects only if it cannot start. */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const group = options.processGroup === true;
  const limit = options.maxOutput ?? Infinity;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
      detached: group,
    });
    options.onSpawn?.(child);
    const stdout = collect(child.stdout!, limit);
    const stderr = collect(child.stderr!, limit);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killChild(child, group);
    }, options.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      resolve({ code, signal, stdout: stdout(), stderr: stderr(), timedOut, ms });
    });
    // A tool that exits early closes its stdin; the EPIPE that follows is not our failure.
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input ?? '');
  });
}

/** Gathers a stream's bytes, dropping the oldest chunks beyond `limit`; returns the text getter. */
function collect(stream: Readable, limit: number): () => string {
  const chunks: Buffer[] = [];
  let bytes = 0;
  stream.on('data', (b: Buffer) => {
    chunks.push(b);
    bytes += b.length;
    while (bytes > limit && chunks.length > 1) bytes -= chunks.shift()!.length;
  });
  return () => Buffer.concat(chunks).toString('utf8');
}

/** SIGKILL to the child, or to its whole process group (started with processGroup). */
export function killChild(child: ChildProcess, group: boolean): void {
  if (group && child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
      return;
    } catch {
      // no such group (any more): the child alone
    }
  }
  child.kill('SIGKILL');
}

/** Starts a long-running program; the caller owns it. */
export function start(file: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(file, args, options);
}

/**
 * The full path of a system tool in PATH, or null. Directories inside node_modules are skipped:
 * under `npx` or an npm script PATH starts with node_modules/.bin, where an unrelated package's
 * `nft` (a Node file tracer) would otherwise run instead of nftables and "succeed".
 */
export async function findTool(command: string, path: string = process.env['PATH'] ?? ''): Promise<string | null> {
  const key = `${path}\0${command}`;
  const cached = toolCache.get(key);
  if (cached !== undefined) return cached;
  let found: string | null = null;
  for (const dir of path.split(delimiter)) {
    if (dir === '' || dir.split('/').includes('node_modules')) continue;
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      found = candidate;
      break;
    } catch {
      // not here
    }
  }
  toolCache.set(key, found);
  return found;
}

const toolCache = new Map<string, string | null>();

/** Capabilities (bit numbers, linux/capability.h) a lab needs. */
export const CAPABILITY = { CAP_SYS_ADMIN: 21, CAP_NET_ADMIN: 12 } as const;

/** Why each one is needed, for the error message. */
const CAPABILITY_USE = {
  CAP_SYS_ADMIN: 'to create and enter network namespaces',
  CAP_NET_ADMIN: 'to configure their links, addresses and rules',
} as const;

/** The capabilities from CAPABILITY this process lacks (read from /proc/self/status). */
export async function missingCapabilities(): Promise<(keyof typeof CAPABILITY)[]> {
  let effective = 0n;
  try {
    const status = await readFile('/proc/self/status', 'utf8');
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
    if (m) effective = BigInt(`0x${m[1]}`);
  } catch {
    // No /proc: assume nothing, and let the tools' own errors speak.
  }
  return (Object.keys(CAPABILITY) as (keyof typeof CAPABILITY)[]).filter(
    (name) => (effective & (1n << BigInt(CAPABILITY[name]))) === 0n,
  );
}

/** One sentence naming the missing capabilities and what each is for. */
export function describeMissing(missing: (keyof typeof CAPABILITY)[]): string {
  const what = missing.map((c) => `${c} (${CAPABILITY_USE[c]})`).join(' and ');
  return `needs root: this process lacks ${what}; run it as root, e.g. with sudo`;
}

/** Names of all named network namespaces (the files in /run/netns). */
export async function listNamespaces(): Promise<string[]> {
  try {
    return (await readdir(NETNS_DIR)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The first meaningful line of a tool's error output, for a one-line message. */
export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

/** A failed run in one line: the first line of its error output, else `<tool> exit code N`. */
export function runFailure(result: RunResult, tool = ''): string {
  return firstLine(result.stderr) || `${tool === '' ? '' : `${tool} `}exit code ${String(result.code)}`;
}

/**
 * Explains an `ip -batch` failure: iproute2 prints the error, then "Command failed -:N"; quote the
 * error and the line it came from.
 */
export function describeBatchFailure(result: RunResult, input: string): string {
  const lines = result.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const failed = lines.find((l) => /^Command failed -:\d+$/.test(l));
  const errors = lines.filter((l) => l !== failed);
  const message = errors.join('; ') || `exit code ${String(result.code ?? result.signal)}`;
  if (failed === undefined) return message;
  const n = Number(failed.slice('Command failed -:'.length));
  const command = input.split('\n')[n - 1];
  return command === undefined ? message : `${message} (in "${command}")`;
}
