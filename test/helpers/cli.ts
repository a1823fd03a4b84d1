// Running the CLI as a user does, for every test that does: `rawprobe(args, options)` runs the
// built CLI (./rawprobe, that is node dist/app/main.js) on the host, in a network namespace of its
// own, inside a lab node, or behind another command (setpriv); and `parseArgs` gives the values a
// command's own declaration makes of a command line, without running it. Limits only stop a
// broken test from hanging; nothing here asserts on time.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import yargs, { type ArgumentsCamelCase, type CommandModule } from 'yargs';
import { KEPT_CA_CERTS } from '../../cli/ca-certs.js';
import type { Lab } from '../../lib/lab/index.js';
import { findTool } from '../../lib/lab/system.js';
import { lineSplitter, LineWaits } from './lines.js';

/** The repository, from dist/test/helpers/ (compiled) or test/helpers/. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The CLI as shipped: the bundle cli/bundle.ts makes, which ./rawprobe runs. */
export const MAIN = join(ROOT, 'dist/app/main.js');
/** tsc's output of cli/start.ts, one module per source file (test/cli/startup.test.ts). */
export const UNBUNDLED_MAIN = join(ROOT, 'dist/cli/start.js');

/** A fixture capture's path: fixtures/pcap/NAME. */
export function pcapFixture(name: string): string {
  return join(ROOT, 'fixtures/pcap', name);
}

export interface CliResult {
  /** The exit code, null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RawprobeOptions {
  /** Written to stdin, which is then closed (an empty stdin when absent). */
  input?: string | Buffer;
  /** Added to the environment (which always has TZ=UTC, so that decode's local times are stable). */
  env?: NodeJS.ProcessEnv;
  /** The bound on the whole run (default 60 s); the process is killed after it. */
  timeoutMs?: number;
  /**
   * Where it runs: on the host (default); 'netns', in a network namespace of its own with only lo
   * up (unshare --net), so that counts on 127.0.0.1 are this run's alone; or in a lab's node.
   */
  where?: 'host' | 'netns' | { lab: Lab; node: string };
  /** A command that runs rawprobe, in front of node: ['setpriv', '--reuid=65534', ...]. */
  via?: readonly string[];
  /** Options for node itself, before the script: ['--import', HOOK]. */
  nodeArgs?: readonly string[];
  /** The script to run instead of the bundle: UNBUNDLED_MAIN. */
  main?: string;
}

/** `argv` in a network namespace of its own, with lo up (the namespace ends with the process). */
export async function inOwnNetns(argv: readonly string[]): Promise<string[]> {
  const ip = (await findTool('ip')) ?? '/usr/sbin/ip';
  return ['unshare', '--net', '--', 'sh', '-c', `${ip} link set lo up && exec "$@"`, 'sh', ...argv];
}

/**
 * What ./rawprobe does to the environment before it starts node: NODE_EXTRA_CA_CERTS moved aside
 * (cli/ca-certs.ts), so that each test's node does not parse certificates either.
 */
export function launcherEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const certs = env['NODE_EXTRA_CA_CERTS'];
  return certs === undefined ? {} : { NODE_EXTRA_CA_CERTS: undefined, [KEPT_CA_CERTS]: certs };
}

/** Runs `rawprobe ...args` and resolves with its exit code and output (never rejects on a failure exit). */
export async function rawprobe(args: readonly string[], options: RawprobeOptions = {}): Promise<CliResult> {
  const argv = [...(options.via ?? []), process.execPath, ...(options.nodeArgs ?? []), options.main ?? MAIN, ...args];
  return runCommand(argv, { ...options, env: { ...launcherEnv(), ...options.env } });
}

/** Runs any command the way rawprobe() runs the CLI: where, input, time bound; resolves with its output. */
export async function runCommand(argv: readonly string[], options: RawprobeOptions = {}): Promise<CliResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const where = options.where ?? 'host';
  if (typeof where === 'object') {
    const r = await where.lab.exec(where.node, [...argv], { timeoutMs, ...(options.input === undefined ? {} : { input: options.input.toString() }) });
    if (r.timedOut) throw new Error(`${where.node}$ ${argv.join(' ')} still running after ${timeoutMs} ms; stderr: ${r.stderr}`);
    return { code: r.code, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  }
  const full = where === 'netns' ? await inOwnNetns(argv) : [...argv];
  return spawnAndCollect(full, { ...options, timeoutMs });
}

function spawnAndCollect(argv: readonly string[], options: RawprobeOptions & { timeoutMs: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    const child = spawn(file!, args, { cwd: ROOT, env: { ...process.env, TZ: 'UTC', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${argv.join(' ')} still running after ${options.timeoutMs} ms; stderr: ${stderr}`));
    }, options.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // a command that exits before reading stdin
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The values `command` hands to its cli/run/ module for `args` (what follows the command's name),
 * parsed by the command's own option declarations; nothing runs. Usage errors reject.
 */
export async function parseArgs<A>(command: CommandModule<{}, A>, args: readonly string[]): Promise<ArgumentsCamelCase<A>> {
  const name = String(command.command).split(' ')[0]!;
  let parsed: ArgumentsCamelCase<A> | undefined;
  await yargs([name, ...args])
    .command({ ...command, handler: (a) => void (parsed = a) })
    .strict()
    .exitProcess(false)
    .fail((message, err) => {
      throw err ?? new Error(message);
    })
    .parseAsync();
  if (parsed === undefined) throw new Error(`${name} ${args.join(' ')}: the command did not run`);
  return parsed;
}

/** A usage error as the CLI promises it: exit 2, nothing on stdout, one line "rawprobe: ..." saying `message`. */
export function assertUsageError(t: ExecutionContext, r: CliResult, message: string | RegExp): void {
  t.is(r.code, 2, r.stderr);
  t.is(r.stdout, '');
  t.true(r.stderr.startsWith('rawprobe: '), r.stderr);
  if (typeof message === 'string') t.true(r.stderr.includes(message), r.stderr);
  else t.regex(r.stderr, message);
  t.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
}

/**
 * Bad command lines, each with what its error must say: every one a usage error (exit 2, nothing
 * on stdout, one line "rawprobe: ...", no stack trace), run one after the other by `run` (the
 * test file's own runner: its command, where it runs).
 */
export async function assertBadInputs(t: ExecutionContext, run: (args: string[]) => Promise<CliResult>, cases: readonly (readonly [string[], RegExp])[]): Promise<void> {
  for (const [args, pattern] of cases) {
    const r = await run(args);
    t.is(r.code, 2, args.join(' '));
    t.is(r.stdout, '', args.join(' '));
    t.regex(r.stderr, /^rawprobe: [^\n]+\n$/, args.join(' '));
    t.regex(r.stderr, pattern, args.join(' '));
    t.notRegex(r.stderr, /\n\s+at /);
  }
}

/** A CLI left running while a test talks to it (a `rawprobe socket listen`, a client held open). */
export interface RunningCli {
  /** The next line of stdout or stderr (as each completes) matching `accept`; rejects when the process ends first, or after `limitMs`. */
  line(stream: 'stdout' | 'stderr', accept: RegExp, limitMs?: number): Promise<string>;
  /** Every byte it has written to stdout so far. */
  stdoutBytes(): Buffer;
  /** Writes to its stdin; end() closes it. */
  write(data: string | Buffer): void;
  end(): void;
  signal(signal: NodeJS.Signals): void;
  /** Its exit code and output, when it has ended (stdout as text). */
  done: Promise<CliResult>;
}

/**
 * Starts `rawprobe ...args` on the host with stdin open (closed by end(), or at once with
 * `input`), and kills it when the test ends if it is still running.
 */
export function startRawprobe(t: ExecutionContext, args: readonly string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): RunningCli {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC', ...launcherEnv(), ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  let ended = false;
  const waits = new LineWaits();
  const collect = (stream: 'stdout' | 'stderr') => {
    const split = lineSplitter(lines[stream], () => waits.wake());
    return (chunk: Buffer) => {
      (stream === 'stdout' ? out : err).push(chunk);
      split(chunk.toString('latin1'));
    };
  };
  child.stdout.on('data', collect('stdout'));
  child.stderr.on('data', collect('stderr'));
  child.stdin.on('error', () => {}); // it may exit before reading its stdin
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      ended = true;
      waits.end();
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
  t.teardown(() => {
    if (!ended) child.kill('SIGKILL');
  });
  if (options.input !== undefined) child.stdin.end(options.input);
  const seen = { stdout: 0, stderr: 0 };
  return {
    line(stream, accept, limitMs = 30_000) {
      const next = (): string | undefined => (seen[stream] < lines[stream].length ? lines[stream][seen[stream]++] : undefined);
      const stderr = (): string => lines.stderr.join('\n');
      return waits.line(
        next,
        (line) => accept.test(line),
        limitMs,
        () => `no ${stream} line matching ${String(accept)} within ${limitMs} ms; stderr: ${stderr()}`,
        () => `rawprobe ${args.join(' ')} ended before a ${stream} line matching ${String(accept)}; stderr: ${stderr()}`,
      );
    },
    stdoutBytes: () => Buffer.concat(out),
    write: (data) => void child.stdin.write(data),
    end: () => child.stdin.end(),
    signal: (signal) => void child.kill(signal),
    done,
  };
}
