// A command whose work (cli/run/<name>.ts) loads only when the command runs, so that `--help`,
// `--version` and the other commands never pay for it (test/cli/startup.test.ts). What run()
// receives is typed by the builder, that is by yargs from the command's option declarations
// (cli/options/<name>.ts): a run() that reads an option the builder does not declare, or reads it
// as another type, does not compile.
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { CommandHelp } from '../options/define.js';

type Builder<A> = ((y: Argv) => Argv<A>) | ((y: Argv) => PromiseLike<Argv<A>>);

/**
 * The yargs command `help` names and describes, whose builder is `builder`, and whose handler
 * loads cli/run/<name>.ts with `load`: `() => import('../run/<name>.js')`, a literal path, so
 * that the bundler sees it.
 */
export function lazyCommand<A>(
  help: CommandHelp,
  builder: Builder<A>,
  load: () => Promise<{ run(argv: ArgumentsCamelCase<NoInfer<A>>): Promise<void> }>,
): CommandModule<{}, A> {
  return {
    command: help.command,
    describe: help.describe,
    builder,
    handler: async (argv) => {
      const { run } = await load();
      await run(argv);
    },
  };
}

/** `y` with the help's examples and closing words. */
export function withHelp<T>(y: Argv<T>, help: CommandHelp): Argv<T> {
  let out = y;
  for (const [command, description] of help.examples ?? []) out = out.example(command, description);
  return help.epilog === undefined ? out : out.epilog(help.epilog);
}
