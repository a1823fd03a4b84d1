// `rawprobe sockopt`, the work behind cli/commands/sockopt.ts: the --protocol and --set text as
// lib/sockopt takes them, one socket read, the table (cli/format/sockopt.ts) and the exit code.
import { PROTOCOLS, type ProtocolName } from '../../lib/socket/index.js';
import { OptionValueError, parseOptionValue, readOptions, type OptionSetting, type SocketReading } from '../../lib/sockopt/index.js';
import { CliError, EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { printJsonLine } from '../format/json.js';
import { socketRefused, sockoptJsonRows, sockoptText } from '../format/sockopt.js';
import { wholeIn } from '../numbers.js';
import type { SockoptArgs } from '../options/sockopt.js';

function protocolOf(text: string | undefined): ProtocolName | number | undefined {
  if (text === undefined) return undefined;
  if ((PROTOCOLS as readonly string[]).includes(text.toLowerCase())) return text.toLowerCase() as ProtocolName;
  return wholeIn('--protocol', 'protocol', text, 0, 65535);
}

function settingsOf(list: string[] | undefined): OptionSetting[] {
  return (list ?? []).map((item) => {
    const text = String(item);
    const eq = text.indexOf('=');
    if (eq <= 0) throw new CliError(`--set ${text}: write NAME=VALUE, e.g. --set SO_RCVBUF=65536`, EXIT_ERROR);
    try {
      return parseOptionValue(text.slice(0, eq).trim().toUpperCase(), text.slice(eq + 1));
    } catch (e) {
      if (e instanceof OptionValueError) throw new CliError(`--set ${e.message}`, EXIT_ERROR);
      throw e;
    }
  });
}

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
