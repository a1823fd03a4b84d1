// What a probing command does around its session (ping, trace, tos, sweep): the one-line error
// when it cannot open, and Ctrl-C (cli/run/signals.ts).
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

// Signals have a file of their own (rawprobe socket uses them without the probe engine's errors).
export { withSignals } from './signals.js';
