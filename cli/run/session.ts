// What a probing command does around its session (ping, trace, tos, sweep): the one-line error
// when it cannot open, and Ctrl-C.
import { firstLine } from '../../lib/probe/errors.js';
import { CliError, EXIT_ERROR } from '../errors.js';

/** Opens a session; why it could not (an option, a name, a route, the privilege) is one line, exit 2. */
export async function openOrFail<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (e) {
    throw new CliError(firstLine(e instanceof Error ? e.message : String(e)), EXIT_ERROR);
  }
}

/**
 * Runs `work` with these signal handlers installed (SIGINT: the session stops and reports what it
 * has, as the classic tools do on Ctrl-C), and removes them after, whatever happened.
 */
export async function withSignals<T>(handlers: Partial<Record<NodeJS.Signals, () => void>>, work: () => Promise<T>): Promise<T> {
  const installed = Object.entries(handlers) as [NodeJS.Signals, () => void][];
  for (const [signal, handler] of installed) process.on(signal, handler);
  try {
    return await work();
  } finally {
    for (const [signal, handler] of installed) process.off(signal, handler);
  }
}
