// Command-line values several probing commands share (ping, trace, tos, sweep): a TOS byte and
// --pcap-out. Numbers are cli/numbers.ts's. Errors are CliError (exit 2), naming the option as
// the user wrote it ('-Q', '--values').
import { parseTos } from '../../lib/wire/dscp.js';
import { ParseError } from '../../lib/wire/errors.js';
import { CliError } from '../errors.js';

/** A TOS byte: 0-255, 0x00-0xff or a DSCP name (lib/wire/dscp.ts says what is wrong). */
export function tosByte(flag: string, text: string): number {
  try {
    return parseTos(text);
  } catch (e) {
    if (e instanceof ParseError) throw new CliError(`${flag}: ${e.message}`);
    throw e;
  }
}

/** --pcap-out FILE, or undefined without it. */
export function pcapOut(file: string | undefined): string | undefined {
  if (file === '') throw new CliError('--pcap-out: give a file name');
  return file;
}

/** The IP version -4 / -6 ask for, or undefined (the target's own); both at once is a usage error, as iputils says. */
export function ipVersionOf(argv: { ipv4?: boolean; ipv6?: boolean }): 4 | 6 | undefined {
  if (argv.ipv4 === true && argv.ipv6 === true) throw new CliError('only one -4 or -6 option may be specified');
  return argv.ipv6 === true ? 6 : argv.ipv4 === true ? 4 : undefined;
}
