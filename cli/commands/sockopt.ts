// `rawprobe sockopt`: every socket option of the table, read live from a socket of the family
// and type asked (after the --set values are applied), with what each means; the kernel's
// refusals shown as its errno. Declared in cli/options/sockopt.ts; cli/run/sockopt.ts does the
// work (lib/sockopt), loaded only when sockopt runs.
import type { Argv } from 'yargs';
import { help, sockoptOptions } from '../options/sockopt.js';
import { lazyCommand, withHelp } from './lazy.js';

// Async so that the lists of families, types and protocols (lib/socket) load only when this
// command is chosen; yargs awaits a builder's promise (parseAsync).
const builder = async (y: Argv) => withHelp(y.options(sockoptOptions(await import('../../lib/socket/kinds.js'))), help).parserConfiguration({ 'parse-numbers': false });
export const sockopt = lazyCommand(help, builder, () => import('../run/sockopt.js'));
