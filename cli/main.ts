// The `rawprobe` command as yargs parses it: parsing and dispatch only. Each command's options
// are declared in cli/options/, its help in cli/commands/, its work in cli/run/ (loaded when it
// runs: it calls lib/ and sets process.exitCode) and its words in cli/format/. cli/start.ts, where
// the command starts, comes here for every line its quick parse leaves to yargs.
import yargs from 'yargs';
import { withCommands } from './commands/index.js';
import { describeError, exitCodeOf, fail, EXIT_ERROR } from './errors.js';
import { usageLine, viewOf } from './usage.js';
import { version } from './version.js';

/**
 * yargs renders a command's whole help just after starting its handler, and keeps it for a help
 * message on a later failure. We never show help once a command runs (its errors are one line,
 * cli/errors.ts), and that rendering (string widths and wrapping for every option) is a
 * noticeable part of a short run. A middleware is handed the command's own yargs instance, whose
 * usage object does the caching; it runs before the handler, for async builders too.
 */
function skipHelpCache(_argv: unknown, y: unknown): void {
  type Usage = { cacheHelpMessage?: () => void };
  const usage = (y as { getInternalMethods?: () => { getUsageInstance(): Usage } }).getInternalMethods?.().getUsageInstance();
  if (usage?.cacheHelpMessage !== undefined) usage.cacheHelpMessage = () => {};
}

export async function main(argv: string[]): Promise<void> {
  let failed = false;
  const parser = withCommands(yargs(argv).scriptName('rawprobe').usage('$0 <command> [options]'))
    .middleware(skipHelpCache as Parameters<ReturnType<typeof yargs>['middleware']>[0])
    .demandCommand(1, 'name a command; see rawprobe --help')
    .strict()
    .strictCommands()
    .version(version())
    .alias('h', 'help')
    .help()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message: string | null, err: Error | undefined) => {
      if (!failed) {
        failed = true;
        if (err) fail(describeError(err), exitCodeOf(err));
        else fail(usageLine(message ?? 'invalid usage', argv, viewOf(parser)), EXIT_ERROR);
      }
      // With exitProcess(false), yargs goes on to run the command after a failed validation
      // (an unknown option under strict()): throwing here is what stops it.
      throw err ?? new Error(message ?? 'invalid usage');
    });
  try {
    await parser.parseAsync();
  } catch (err) {
    if (!failed) fail(describeError(err), exitCodeOf(err));
  }
}

