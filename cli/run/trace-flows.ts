// trace --multipath[=K]: the number of flows, as the command line gives it. yargs has no optional
// values (GNU's --opt[=value]): a bare --multipath reads the next word as its value, so the help
// says to write --multipath=K or to put --multipath after the host.
import { CliError } from '../errors.js';
import { whole } from '../numbers.js';

/** --multipath[=K]: K flows; null for a bare --multipath (the default number). */
export function multipathFlows(text: string): number | null {
  if (text === '') return null;
  if (!/^\d+$/.test(text.trim())) throw new CliError(`--multipath: "${text}" is not a number of flows (write --multipath=K, or put --multipath after the host)`);
  return whole('--multipath', 'flows', text);
}
