// `rawprobe sweep TARGET...`: ICMP echo to many targets at once, with fping's options and
// output. Declared in cli/options/sweep.ts; cli/run/sweep.ts does the work, loaded only when
// sweep runs: lib/probe/sweep/ probes, cli/format/sweep.ts has the words.
import type { Argv } from 'yargs';
import { help, options, positionals } from '../options/sweep.js';
import { lazyCommand, withHelp } from './lazy.js';

const builder = (y: Argv) => withHelp(y.positional('targets', positionals.targets).options(options), help);
export const sweep = lazyCommand(help, builder, () => import('../run/sweep.js'), { positionals, options });
