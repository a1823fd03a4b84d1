// `rawprobe socket listen|connect ADDRESS`: netcat on the classic socket API, every system call
// shown as it returns (lib/netcat, lib/socket/classic). Declared in cli/options/socket.ts;
// cli/run/socket.ts does the work, loaded only when a socket subcommand runs.
import type { Argv } from 'yargs';
import * as o from '../options/socket.js';
import { lazyCommand, withHelp } from './lazy.js';

// Async so that the lists of families and types (lib/socket/kinds.ts) load only when this command
// is chosen; yargs awaits a builder's promise (parseAsync). Text stays text: `--send 010` is three
// characters, and an address is never a number. Flags that exclude each other (--echo and --send,
// --quiet and --json) are checked in cli/run/socket-args.ts: yargs counts a flag's default false
// as given.
const kinds = () => import('../../lib/socket/kinds.js');
const TEXT_ONLY = { 'parse-numbers': false, 'parse-positional-numbers': false } as const;

async function listenBuilder(y: Argv) {
  return withHelp(y.positional('address', o.positionals.address).options(o.listenOptions(await kinds())), o.listen)
    .conflicts('send', 'send-file')
    .parserConfiguration(TEXT_ONLY);
}

async function connectBuilder(y: Argv) {
  return withHelp(y.positional('address', o.positionals.address).options(o.connectOptions(await kinds())), o.connect)
    .conflicts('send', 'send-file')
    .parserConfiguration(TEXT_ONLY);
}

const run = () => import('../run/socket.js');
const listen = lazyCommand(o.listen, listenBuilder, () => run().then((m) => ({ run: m.listen })));
const connect = lazyCommand(o.connect, connectBuilder, () => run().then((m) => ({ run: m.connect })));

export const socket = {
  ...o.socket,
  builder: (y: Argv) => y.command(listen).command(connect).demandCommand(1, 'name a socket command: listen or connect'),
  handler: (): void => {},
};
