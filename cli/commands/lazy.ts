// A command's handler that loads its work (cli/run/<name>.ts) only when the command runs, so
// that `--help`, `--version` and the other commands never pay for it (test/cli/startup.test.ts).
import type { ArgumentsCamelCase } from 'yargs';

/** `load` is `() => import('../run/<name>.js')`: a literal path, so the loader sees it. */
export function runLater<A>(load: () => Promise<{ run(argv: A): Promise<void> }>): (args: ArgumentsCamelCase) => Promise<void> {
  return async (args) => {
    const { run } = await load();
    await run(args as unknown as A);
  };
}
