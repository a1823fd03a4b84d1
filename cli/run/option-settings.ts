// The socket options of a command line, read the same way by `rawprobe sockopt` and
// `rawprobe socket`: --protocol (a name or a number) and --set NAME=VALUE (lib/sockopt parses the
// value in the option's own shape). Errors are CliError (exit 2), naming the option as written.
import { PROTOCOLS, type ProtocolName } from '../../lib/socket/index.js';
import { OptionValueError, parseOptionValue, type OptionSetting } from '../../lib/sockopt/index.js';
import { CliError, EXIT_ERROR } from '../errors.js';
import { wholeIn } from '../numbers.js';

/** --protocol: icmp, icmpv6, udp, tcp, raw, or a number 0-65535; undefined when not given. */
export function protocolOf(text: string | undefined): ProtocolName | number | undefined {
  if (text === undefined) return undefined;
  if ((PROTOCOLS as readonly string[]).includes(text.toLowerCase())) return text.toLowerCase() as ProtocolName;
  return wholeIn('--protocol', 'protocol', text, 0, 65535);
}

/** Every --set NAME=VALUE, in order. */
export function settingsOf(list: readonly string[] | undefined): OptionSetting[] {
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
