// A command whose work (cli/run/<name>.ts) loads only when the command runs, so that `--help`,
// `--version` and the other commands never pay for it (test/cli/startup.test.ts). What run()
// receives is typed by the builder, that is by yargs from the command's option declarations
// (cli/options/<name>.ts): a run() that reads an option the builder does not declare, or reads it
// as another type, does not compile.
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { CommandHelp } from '../options/define.js';
import { quickLine, type Declaration, type QuickArgs, type QuickLine } from '../quick-parse.js';

type Builder<A> = ((y: Argv) => Argv<A>) | ((y: Argv) => PromiseLike<Argv<A>>);

/** A command cli/start.ts may run without yargs: its declarations, their parse, and its work. */
export interface QuickCommand {
  declaration: Declaration;
  /**
   * The quick parse of `args` (all of rawprobe's arguments, this command's name first). Here, with
   * the declarations, because it knows their kinds by their coerce functions (cli/options/define.ts):
   * the very functions of this bundle's file, which another file's copy would not be.
   */
  parse(args: readonly string[]): QuickLine;
  run(argv: QuickArgs): Promise<void>;
}

export type LazyCommand<A> = CommandModule<{}, A> & {
  /** Set when the builder hands yargs only `declaration` (cli/quick-parse.ts reads the same). */
  quick: QuickCommand | null;
};

/**
 * The yargs command `help` names and describes, whose builder is `builder`, and whose handler
 * loads cli/run/<name>.ts with `load`: `() => import('../run/<name>.js')`, a literal path, so
 * that the bundler sees it. `declaration`: what the builder declares (positionals, options,
 * conflicts), when that is all it declares, so that the quick parse may read the command's lines.
 */
export function lazyCommand<A>(
  help: CommandHelp,
  builder: Builder<A>,
  load: () => Promise<{ run(argv: ArgumentsCamelCase<NoInfer<A>>): Promise<void> }>,
  declaration: Omit<Declaration, 'help'> | null = null,
): LazyCommand<A> {
  const run = async (argv: ArgumentsCamelCase<A>): Promise<void> => {
    const work = await load();
    await work.run(argv);
  };
  return {
    command: help.command,
    describe: help.describe,
    builder,
    handler: run,
    // The quick parse gives what yargs gives for these declarations (test/cli/quick-parse.test.ts).
    quick: declaration === null ? null : quickCommand({ help, ...declaration }, (argv) => run(argv as ArgumentsCamelCase<A>)),
  };
}

function quickCommand(declaration: Declaration, run: (argv: QuickArgs) => Promise<void>): QuickCommand {
  return { declaration, parse: (args) => quickLine(declaration, args), run };
}

/** `y` with the help's examples and closing words. */
export function withHelp<T>(y: Argv<T>, help: CommandHelp): Argv<T> {
  let out = y;
  for (const [command, description] of help.examples ?? []) out = out.example(command, description);
  return help.epilog === undefined ? out : out.epilog(help.epilog);
}

/** `y` told which options exclude which (a command's `conflicts`, declared with its options). */
export function withConflicts<T>(y: Argv<T>, conflicts: Declaration['conflicts']): Argv<T> {
  let out = y;
  for (const [key, others] of conflicts ?? []) out = out.conflicts(key, [...others]);
  return out;
}
