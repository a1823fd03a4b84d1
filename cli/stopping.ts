// How a run ends before its natural end, in one place for every command that runs for a while
// (ping, trace, tos, sweep, send, capture, decode, checksum):
//
//   SIGINT   (Ctrl-C) the run stops and reports what it has; the exit code is the command's own,
//            as iputils ping, traceroute and tcpdump do
//   SIGTERM  the same, then exit 143, as a shell reports a process SIGTERM ended
//   SIGHUP   the same, then exit 129 (the terminal went away: the summary may have nowhere to go,
//            but a --pcap-out file is still completed)
//   EPIPE    the reader of stdout went away (`| head -1`): the run stops, prints nothing more,
//            completes its files, and exits quietly
//   a second signal while stopping ends the process at once (128 + n)
//
// The handlers are installed when the command starts, before it prints anything: a signal sent
// on seeing the first line must find them there. Loaded at every start (cli/main.ts), so it
// imports nothing.

/** Why a run was asked to end early. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'EPIPE';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof SIGNALS)[number];

/** The exit status a shell gives a process that the signal ended: 128 + its number. */
const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** What a running command learns about being stopped. */
export interface Stopping {
  /** Why the run was asked to stop, null while it has not been. */
  readonly reason: StopReason | null;
  /** Calls `stop` when the run is asked to stop (at once if it already was); replaces the one before. */
  onStop(stop: (reason: StopReason) => void): void;
}

class Run implements Stopping {
  reason: StopReason | null = null;
  #stop: ((reason: StopReason) => void) | null = null;

  onStop(stop: (reason: StopReason) => void): void {
    this.#stop = stop;
    if (this.reason !== null) stop(this.reason);
  }

  request(reason: StopReason): void {
    if (this.reason !== null) {
      // Asked again while stopping: a second Ctrl-C (or a TERM after it) ends the process now.
      if (reason !== 'EPIPE') process.exit(SIGNAL_EXIT[reason]);
      return;
    }
    this.reason = reason;
    if (reason === 'SIGTERM' || reason === 'SIGHUP') exitAs(SIGNAL_EXIT[reason]);
    this.#stop?.(reason);
  }
}

let current: Run | null = null;

/** Whatever the command decides afterwards, the process ends with `code` (a shell's 143 or 129). */
function exitAs(code: number): void {
  process.once('exit', () => {
    process.exitCode = code;
  });
}

/**
 * Runs `work` with SIGINT, SIGTERM, SIGHUP and a closed stdout stopping it (through the function
 * it gives `onStop`), and removes the handlers after, whatever happened. Call it first thing in a
 * command's run(), before any output.
 */
export async function stoppable<T>(work: (stopping: Stopping) => Promise<T>): Promise<T> {
  const run = new Run();
  const handlers = SIGNALS.map((signal) => [signal, () => run.request(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const outer = current;
  current = run;
  try {
    return await work(run);
  } finally {
    current = outer;
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}

/** Writes to stdout that go nowhere once its reader has gone. */
function silenceStdout(): void {
  process.stdout.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as typeof process.stdout.write;
}

/**
 * Gives process.stdout the 'error' handler below when something first reads it, not before:
 * making the stream loads node:net and the stream modules when stdout is a pipe or a terminal
 * (1.7 MB of a /16 sweep's peak), which a command writing through cli/stdout.ts never needs.
 */
export function watchStdout(): void {
  const own = Object.getOwnPropertyDescriptor(process, 'stdout');
  const make = own?.get;
  if (own === undefined || make === undefined || own.configurable !== true) {
    process.stdout.on('error', onStdoutError);
    return;
  }
  Object.defineProperty(process, 'stdout', {
    configurable: true,
    enumerable: own.enumerable,
    get(): NodeJS.WriteStream {
      const stream = make.call(process) as NodeJS.WriteStream;
      // Node's own getter again from now on: it keeps the stream it made.
      Object.defineProperty(process, 'stdout', own);
      stream.on('error', onStdoutError);
      return stream;
    },
  });
}

/**
 * stdout's 'error' handler (cli/main.ts). EPIPE, the reader having gone (`rawprobe ... | head`):
 * a run in progress stops, completes its files and ends quietly; with none, the process ends now,
 * quietly, as other Unix tools do. Any other error goes on.
 */
export function onStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
  silenceStdout();
  if (current === null) process.exit(process.exitCode ?? 0);
  current.request('EPIPE');
}
