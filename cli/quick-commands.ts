// The commands whose plain lines cli/start.ts parses itself (cli/quick-parse.ts), each with the
// file of its work, cli/run/<name>.ts. That file also hands over the command's declarations (its
// `command` export, cli/commands/<name>.ts), so that such a line loads one file of the bundle
// besides the entry: the other commands' declarations and yargs stay unread (README,
// Performance). The paths are literal, so that the bundler sees them (cli/bundle.ts).
import type { QuickCommand } from './commands/lazy.js';

/** Loads a command's work and, with it, its declarations. */
export type QuickWork = () => Promise<{ command: { quick: QuickCommand | null } }>;

const QUICK_WORK = new Map<string, QuickWork>([
  ['ping', () => import('./run/ping.js')],
  ['trace', () => import('./run/trace.js')],
  ['tos', () => import('./run/tos.js')],
  ['sweep', () => import('./run/sweep.js')],
  ['checksum', () => import('./run/checksum.js')],
  ['decode', () => import('./run/decode.js')],
  ['capture', () => import('./run/capture.js')],
  ['send', () => import('./run/send.js')],
]);

/** The names of the commands the quick parse reads. */
export const QUICK_COMMANDS: readonly string[] = [...QUICK_WORK.keys()];

/**
 * How to load the work of the command `args` (all of rawprobe's arguments) names, or null when
 * yargs must read the line anyway: a command the quick parse does not read, or a line asking for
 * help (the quick parse leaves `--help` and `-h` to yargs, and help needs no command's work).
 */
export function quickWork(args: readonly string[]): QuickWork | null {
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) return null;
  return QUICK_WORK.get(args[0]!) ?? null;
}
