// One place that turns any failure into the one-line message and exit code the CLI promises.
// Exit codes (documented in README): 0 success, 1 "the network said no" (no reply, bad checksum
// found, target unreachable), 2 bad usage, bad input or a system error.

export const EXIT_OK = 0;
export const EXIT_NEGATIVE = 1;
export const EXIT_ERROR = 2;

/** An error whose message is already fit for the user; thrown by command handlers. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_ERROR) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

interface SystemErrorLike {
  code?: unknown;
  syscall?: unknown;
  message?: unknown;
}

/** The single line printed for an error, without the "rawprobe: " prefix. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const e = err as Error & SystemErrorLike;
    // The addon and lib/ already write messages that say what to do; keep them on one line.
    return String(e.message).split('\n')[0] ?? String(e.message);
  }
  return String(err);
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  return EXIT_ERROR;
}
