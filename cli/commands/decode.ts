// `rawprobe decode [INPUT]`: every packet of a capture or of hex text, one summary line each,
// every field with --verbose, one JSON object each with --json. Declared in cli/options/decode.ts;
// cli/run/decode.ts does the work, loaded only when decode runs: reading is cli/input.ts, the
// decoding lib/ (pcap, wire, check), the looks cli/format/packet.ts.
import type { Argv } from 'yargs';
import { help, options, positionals } from '../options/decode.js';
import { lazyCommand, withHelp } from './lazy.js';

const builder = (y: Argv) => withHelp(y.positional('input', positionals.input).options(options), help).parserConfiguration({ 'parse-positional-numbers': false });
export const decode = lazyCommand(help, builder, () => import('../run/decode.js'), { positionals, options });
