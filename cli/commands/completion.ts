// `rawprobe completion [bash|zsh]` prints the shell's completion script; `rawprobe __complete N --
// WORDS...`, hidden from the help, is what that script runs on each Tab: the candidates for word N,
// one per line (cli/run/completion.ts). Declared in cli/options/completion.ts; the work loads only
// when one of them runs, so completion costs the other commands nothing at start.
import type { Argv, CommandModule } from 'yargs';
import { help, positionals, REQUEST } from '../options/completion.js';
import { lazyCommand, withHelp } from './lazy.js';

const run = () => import('../run/completion.js');

export const completion = lazyCommand(help, (y: Argv) => withHelp(y.positional('shell', positionals.shell), help), () => run().then((m) => ({ run: m.script })));

// The words being completed are anything a user may type (unknown options, half-written ones):
// they come after --, untouched by the parser.
const request = lazyCommand(
  { command: REQUEST.command, describe: '' },
  (y: Argv) => y.positional('cword', REQUEST.positionals.cword).parserConfiguration({ 'populate--': true, 'parse-positional-numbers': false }),
  () => run().then((m) => ({ run: m.complete })),
);

/** Hidden from --help (describe: false). */
export const completionRequest: CommandModule<{}, typeof request extends CommandModule<{}, infer A> ? A : never> = { ...request, describe: false };
