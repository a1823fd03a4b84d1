// `rawprobe ping HOST`: iputils ping's options and output, on IPv4 headers built by lib/
// (IP_HDRINCL). Declared in cli/options/ping.ts; cli/run/ping.ts does the work, loaded only when
// ping runs: lib/probe probes, cli/format/ping.ts has the words.
import type { Argv } from 'yargs';
import { help, positionals, yargsOptions } from '../options/ping.js';
import { lazyCommand, withHelp } from './lazy.js';

// -V (iputils' "print version and exit") is yargs' own --version, under iputils' letter; the
// quick parse leaves -V to yargs (it is not among the declared options).
const builder = (y: Argv) =>
  withHelp(y.positional('host', positionals.host).positional('hops', positionals.hops).options(yargsOptions).alias('V', 'version'), help);
export const ping = lazyCommand(help, builder, () => import('../run/ping.js'), { positionals, options: yargsOptions });
