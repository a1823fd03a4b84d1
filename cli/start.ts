#!/usr/bin/env node
// Where the `rawprobe` command starts (./rawprobe runs its bundle, dist/app/main.js). Most lines
// people type never need yargs, whose loading and set-up cost more than Node's own start: so
// `--version` is answered here, and a command line the quick parse reads (cli/quick-parse.ts: the
// plain forms of ping, trace, tos, sweep, checksum, decode, capture and send) goes straight to
// that command's work (cli/run/<name>.ts, loaded on use). Everything else (--help, completions,
// usage errors, lab, sockopt, any line the quick parse leaves alone) goes to yargs (cli/main.ts),
// loaded only then.
import { quickCommand } from './commands/index.js';
import { describeError, exitCodeOf, fail } from './errors.js';
import { quickParse } from './quick-parse.js';
import { version } from './version.js';

// `rawprobe ... | head` closes our stdout early: stop quietly, as other Unix tools do.
function exitQuietlyOnEpipe(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
}

/** Runs the command line `args` (what follows `rawprobe`); never rejects. */
export async function start(args: readonly string[]): Promise<void> {
  process.stdout.on('error', exitQuietlyOnEpipe);
  if (args.length === 1 && args[0] === '--version') {
    process.stdout.write(`${version()}\n`);
    return;
  }
  const command = args.length > 0 ? quickCommand(args[0]!) : null;
  const argv = command === null ? null : quickParse(args[0]!, command.declaration, args.slice(1));
  try {
    if (command === null || argv === null) {
      const { main } = await import('./main.js');
      await main([...args]);
    } else {
      await command.run(argv);
    }
  } catch (err) {
    fail(describeError(err), exitCodeOf(err));
  }
}

void start(process.argv.slice(2));
