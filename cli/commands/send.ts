// `rawprobe send`: craft any IPv4 or IPv6 packet (from flags, from the JSON `decode --json`
// prints, or from hex / a capture) and send it through a raw IP_HDRINCL (IPV6_HDRINCL) socket,
// paced by --interval or --rate, printing the answers with --wait. Declared in cli/options/send.ts; cli/run/send.ts does
// the work (lib/craft builds and sends), loaded only when send runs.
import type { Argv } from 'yargs';
import { conflicts, epilog, help, options, positionals, USAGE } from '../options/send.js';
import { lazyCommand, withConflicts, withHelp } from './lazy.js';

// Async so that the table of what the kernel rewrites (lib/craft), shown in the help, loads only
// when this command is chosen; yargs awaits a builder's promise (parseAsync).
async function builder(y: Argv) {
  const { HDRINCL_RULES } = await import('../../lib/craft/hdrincl.js');
  const y2 = withHelp(y.usage(USAGE).positional('target', positionals.target).options(options), { ...help, epilog: epilog(HDRINCL_RULES) });
  return withConflicts(y2, conflicts).parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false });
}
export const send = lazyCommand(help, builder, () => import('../run/send.js'), { positionals, options, conflicts });
