// `rawprobe checksum [INPUT]`: verify the IPv4 header, ICMP, UDP and TCP checksums of every
// packet, print per-layer counts and the bad ones; --fix writes a corrected copy; --compute HEX
// gives the right values for one packet. Declared in cli/options/checksum.ts; cli/run/checksum.ts
// does the work (lib/check, streaming), loaded only when checksum runs.
import type { Argv } from 'yargs';
import { conflicts, help, options, positionals } from '../options/checksum.js';
import { lazyCommand, withConflicts, withHelp } from './lazy.js';

const builder = (y: Argv) =>
  withConflicts(withHelp(y.positional('input', positionals.input).options(options), help), conflicts).parserConfiguration({ 'parse-positional-numbers': false });
export const checksum = lazyCommand(help, builder, () => import('../run/checksum.js'), { positionals, options, conflicts });
