// `rawprobe trace HOST [PACKETLEN]`: traceroute's options and output, on IPv4 headers built by
// lib/ (IP_HDRINCL), with what the path did to our header at the end of each hop line. Declared
// in cli/options/trace.ts; cli/run/trace.ts does the work, loaded only when trace runs: lib/probe
// probes, cli/format/trace.ts has the words.
import type { Argv } from 'yargs';
import { help, options, positionals, spellings } from '../options/trace.js';
import { lazyCommand, withHelp } from './lazy.js';

const builder = (y: Argv) => withHelp(y.positional('host', positionals.host).positional('packetlen', positionals.packetlen).options(options), help);
export const trace = lazyCommand(help, builder, () => import('../run/trace.js'), { positionals, options, spellings });
