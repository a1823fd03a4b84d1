#!/usr/bin/env node
// Where the `rawprobe` command starts (./rawprobe runs its bundle, dist/app/main.js). Most lines
// people type never need yargs, whose loading and set-up cost more than Node's own start: so
// `--version` is answered here, and a command line the quick parse reads (cli/quick-parse.ts: the
// plain forms of ping, trace, tos, sweep, checksum, decode, capture and send) goes straight to
// that command's work (cli/run/<name>.ts, loaded on use, with the command's declarations:
// cli/quick-commands.ts). Everything else (--help, completions, usage errors, lab, sockopt, any
// line the quick parse leaves alone) goes to yargs (cli/main.ts), loaded only then. Both come out
// of V8's code cache when a run before this one left it (cli/code-cache.ts).
import { writeSync } from 'node:fs';
import { restoreExtraCaCerts } from './ca-certs.js';
import { useCodeCache, type ModuleClass } from './code-cache.js';
import { quickWork } from './quick-commands.js';
import { watchStdout } from './stopping.js';
import { version } from './version.js';

/** `rawprobe --version`: one write, without the stream machinery process.stdout loads. */
function printVersion(): void {
  try {
    writeSync(1, `${version()}\n`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
  }
}

/** Runs the command line `args` (what follows `rawprobe`); never rejects. */
export async function start(args: readonly string[]): Promise<void> {
  if (args.length === 1 && args[0] === '--version') return printVersion();
  restoreExtraCaCerts();
  // `rawprobe ... | head` closes our stdout early: stop quietly, as other Unix tools do, once a
  // run in progress has completed its files (cli/stopping.ts); watched from its first use.
  watchStdout();
  // `module` is there when this file runs as the CommonJS bundle (dist/app/main.js), with
  // CommonJS's Module class and this file's name; tsc's ES module has neither, and no cache.
  if (typeof module === 'object') useCodeCache(module.filename, module.constructor as ModuleClass);
  try {
    let line = args;
    const work = quickWork(args);
    if (work !== null) {
      // The command's work, and its declarations with it (cli/quick-commands.ts).
      const { quick } = (await work()).command;
      const parsed = quick!.parse(args);
      if (parsed.argv !== null) return await quick!.run(parsed.argv);
      line = parsed.line;
    }
    const { main } = await import('./main.js');
    await main([...line]);
  } catch (err) {
    const { describeError, exitCodeOf, fail } = await import('./errors.js');
    fail(describeError(err), exitCodeOf(err));
  }
}

void start(process.argv.slice(2));
