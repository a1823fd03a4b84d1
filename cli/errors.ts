// One place that turns any failure into the one-line message and exit code the CLI promises
// (cli/exit-codes.ts).

import { EXIT_ERROR } from './exit-codes.js';
import { privilegeHint } from './privilege-hint.js';

export { EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK } from './exit-codes.js';

/** Says `message` on stderr as the one line `rawprobe: ...` and sets the exit code. */
export function fail(message: string, exitCode: number): void {
  process.stderr.write(`rawprobe: ${message}\n`);
  process.exitCode = exitCode;
}

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
    return withPrivilegeHint(String(e.message).split('\n')[0] ?? String(e.message));
  }
  return String(err);
}

/** A missing CAP_NET_RAW names the group that has it here, when setup-privileges was run (cli/privilege-hint.ts). */
function withPrivilegeHint(line: string): string {
  const at = line.indexOf(NEEDS_CAP_NET_RAW);
  if (at < 0) return line;
  const hint = privilegeHint();
  return hint === null ? line : line.slice(0, at + NEEDS_CAP_NET_RAW.length) + hint;
}

const NEEDS_CAP_NET_RAW = 'needs CAP_NET_RAW: ';

export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  return EXIT_ERROR;
}
