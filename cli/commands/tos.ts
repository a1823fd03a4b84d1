// `rawprobe tos HOST`: which TOS values get through, how they come back, and (with --path) where
// on the path each one is rewritten. Declared in cli/options/tos.ts; cli/run/tos.ts does the
// work, loaded only when tos runs: lib/probe/tos/ probes (on trace's machinery),
// cli/format/tos.ts has the table.
import type { Argv } from 'yargs';
import { help, options, positionals } from '../options/tos.js';
import { lazyCommand, withHelp } from './lazy.js';

const builder = (y: Argv) => withHelp(y.positional('host', positionals.host).options(options), help);
export const tos = lazyCommand(help, builder, () => import('../run/tos.js'), { positionals, options });
