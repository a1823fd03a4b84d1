// `rawprobe sockopt`, the work behind cli/commands/sockopt.ts: the --protocol and --set text as
// lib/sockopt takes them (cli/run/option-settings.ts), one socket read, the table
// (cli/format/sockopt.ts) and the exit code.
import { readOptions, type SocketReading } from '../../lib/sockopt/index.js';
import { CliError, EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { printJsonLine } from '../format/json.js';
import { socketRefused, sockoptJsonRows, sockoptText } from '../format/sockopt.js';
import type { SockoptArgs } from '../options/sockopt.js';
import { protocolOf, settingsOf } from './option-settings.js';

/** What `rawprobe sockopt` does once yargs has parsed its options (cli/options/sockopt.ts). */
export async function run(a: SockoptArgs): Promise<void> {
  const protocol = protocolOf(a.protocol);
  const settings = settingsOf(a.set);
  let reading: SocketReading;
  try {
    reading = readOptions({ family: a.family, type: a.type, ...(protocol === undefined ? {} : { protocol }) }, settings);
  } catch (e) {
    throw new CliError(socketRefused(a.family, a.type, protocol, e), EXIT_ERROR);
  }
  if (a.json) for (const row of sockoptJsonRows(reading)) printJsonLine(row);
  else process.stdout.write(sockoptText(reading, a.verbose));
  process.exitCode = reading.rows.some((r) => r.set?.error) ? EXIT_NEGATIVE : EXIT_OK;
}
