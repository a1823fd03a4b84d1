// `rawprobe sockopt`: every socket option of the table, read live from a socket of the family
// and type asked (after the --set values are applied), with what each means; the kernel's
// refusals shown as its errno. The lesson table of socket options, made live (lib/sockopt).
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { FAMILIES, PROTOCOLS, SOCKET_TYPES, type Family, type ProtocolName, type SocketType } from '../../lib/socket/index.js';
import { OptionValueError, parseOptionValue, readOptions, type OptionSetting, type SocketReading } from '../../lib/sockopt/index.js';
import { CliError, describeError, EXIT_ERROR, EXIT_NEGATIVE, EXIT_OK } from '../errors.js';
import { printJsonLine } from '../format/json.js';
import { sockoptJsonRows, sockoptText } from '../format/sockopt.js';
import { parseInteger } from '../numbers.js';

interface SockoptArgs {
  family: Family;
  type: SocketType;
  protocol?: string;
  set?: string[];
  json: boolean;
  verbose: boolean;
}

export const command = 'sockopt';
export const describe = 'Every socket option, read live from a socket of a family and type: value, meaning, the kernel\'s refusals';

export function builder(y: Argv): Argv<SockoptArgs> {
  return y
    .option('family', { alias: 'f', choices: FAMILIES, default: 'inet' as Family, describe: 'address family' })
    .option('type', { alias: 't', choices: SOCKET_TYPES, default: 'dgram' as SocketType, describe: 'socket type' })
    .option('protocol', { alias: 'p', type: 'string', describe: `protocol: ${PROTOCOLS.join(', ')} or a number (default: icmp for inet raw, icmpv6 for inet6 raw, else 0)` })
    .option('set', {
      type: 'string',
      array: true,
      describe: 'set NAME=VALUE before reading (repeatable): on/off, numbers, DSCP names for IP_TOS, off|on:S for SO_LINGER, 1.5s for timeouts, pass:0,3 for ICMP_FILTER, hex for bytes',
    })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per option (JSON Lines), the same rows' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'add a NOTE column: what surprises people, and the full refusal' })
    .parserConfiguration({ 'parse-numbers': false })
    .example('$0 sockopt --type stream', 'TCP socket options, TCP_NODELAY and TCP_MAXSEG included')
    .example('$0 sockopt --set SO_RCVBUF=65536 --set IP_TTL=7', 'watch Linux double the buffer size you ask for')
    .example('sudo $0 sockopt --type raw --set ICMP_FILTER=pass:0,3,11', 'raw ICMP socket that only sees echo replies and errors')
    .epilog('Exit: 0 every --set taken, 1 the kernel refused a --set (shown in the table), 2 bad arguments or a socket the kernel will not open.') as unknown as Argv<SockoptArgs>;
}

function protocolOf(text: string | undefined): ProtocolName | number | undefined {
  if (text === undefined) return undefined;
  if ((PROTOCOLS as readonly string[]).includes(text.toLowerCase())) return text.toLowerCase() as ProtocolName;
  return parseInteger(text, 'protocol', 65535);
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

export async function handler(args: ArgumentsCamelCase): Promise<void> {
  const a = args as unknown as SockoptArgs;
  const protocol = protocolOf(a.protocol);
  const settings = settingsOf(a.set);
  let reading: SocketReading;
  try {
    reading = readOptions({ family: a.family, type: a.type, ...(protocol === undefined ? {} : { protocol }) }, settings);
  } catch (e) {
    const p = protocol === undefined ? '' : ` protocol ${protocol}`;
    const code = (e as { code?: unknown }).code;
    // The addon's message starts "socket ECODE: "; the code goes in brackets instead.
    const why = describeError(e).replace(/^socket [A-Z]+: /, '');
    const article = a.family === 'unix' ? 'a' : 'an';
    throw new CliError(`sockopt: the kernel refuses ${article} ${a.family} ${a.type}${p} socket${typeof code === 'string' ? ` (${code})` : ''}: ${why}`, EXIT_ERROR);
  }
  if (a.json) for (const row of sockoptJsonRows(reading)) printJsonLine(row);
  else process.stdout.write(sockoptText(reading, a.verbose));
  process.exitCode = reading.rows.some((r) => r.set?.error) ? EXIT_NEGATIVE : EXIT_OK;
}
