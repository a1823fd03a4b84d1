// `rawprobe capture [-i IFACE|any] [EXPRESSION...]`: what arrives on an interface, live, one line
// per packet (decode's lines), or into a pcap/pcapng file, with tcpdump's filter expressions and
// tcpdump's statistics at the end. Declared in cli/options/capture.ts; cli/run/capture.ts does the
// work, loaded only when capture runs, with lib/capture under it and its words in
// cli/format/capture.ts.
import type { Argv } from 'yargs';
import { help, options, positionals } from '../options/capture.js';
import { lazyCommand, withHelp } from './lazy.js';

// 'boolean-negation' off: --no-optimize is an option of its own (tcpdump -O), not "optimize: false".
const builder = (y: Argv) =>
  withHelp(y.positional('expression', positionals.expression).options(options), help).parserConfiguration({
    'parse-positional-numbers': false,
    'boolean-negation': false,
  });
export const capture = lazyCommand(help, builder, () => import('../run/capture.js'), { positionals, options });
