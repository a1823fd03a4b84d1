// Every command's declarations in one list, in `rawprobe --help`'s order: what the man pages
// (cli/run/man.ts) and shell completion (cli/run/complete.ts) are made from, the very objects yargs
// builds each --help from (cli/commands/). Async because two declarations need lib/ data (send's
// table of what the kernel rewrites, sockopt's socket kinds); only those two uses load it.
import type { Options, PositionalOptions } from 'yargs';
import * as capture from './capture.js';
import * as checksum from './checksum.js';
import * as completion from './completion.js';
import * as decode from './decode.js';
import type { CommandHelp } from './define.js';
import * as lab from './lab.js';
import * as ping from './ping.js';
import * as send from './send.js';
import * as setupPrivileges from './setup-privileges.js';
import * as socket from './socket.js';
import * as sockopt from './sockopt.js';
import * as sweep from './sweep.js';
import * as tos from './tos.js';
import * as trace from './trace.js';

export interface CommandEntry {
  /** The words that name it: ['ping'], ['lab', 'exec']. */
  path: readonly string[];
  help: CommandHelp;
  /** A usage line of its own (send's), with $0 for the program. */
  usage?: string;
  positionals: Readonly<Record<string, PositionalOptions>>;
  options: Readonly<Record<string, Options>>;
  /** Subcommands (lab's); a command with them has no work of its own. */
  subcommands?: readonly CommandEntry[];
}

function entry(path: readonly string[], d: { help: CommandHelp; positionals?: Record<string, PositionalOptions>; options?: Record<string, Options> }): CommandEntry {
  return { path, help: d.help, positionals: d.positionals ?? {}, options: d.options ?? {} };
}

/** Every command, with lab's subcommands under it. */
export async function catalog(): Promise<CommandEntry[]> {
  const { HDRINCL_RULES } = await import('../../lib/craft/hdrincl.js');
  const kinds = await import('../../lib/socket/kinds.js');
  return [
    entry(['ping'], ping),
    entry(['trace'], trace),
    entry(['tos'], tos),
    entry(['sweep'], sweep),
    entry(['checksum'], checksum),
    entry(['decode'], decode),
    entry(['capture'], capture),
    { ...entry(['send'], { ...send, help: { ...send.help, epilog: send.epilog(HDRINCL_RULES) } }), usage: send.USAGE },
    entry(['sockopt'], { help: sockopt.help, options: sockopt.sockoptOptions(kinds) }),
    {
      ...entry(['socket'], { help: socket.socket }),
      subcommands: [
        entry(['socket', 'listen'], { help: socket.listen, positionals: socket.positionals, options: socket.listenOptions(kinds) }),
        entry(['socket', 'connect'], { help: socket.connect, positionals: socket.positionals, options: socket.connectOptions(kinds) }),
      ],
    },
    {
      ...entry(['lab'], { help: lab.lab }),
      subcommands: [entry(['lab', 'up'], lab.up), entry(['lab', 'down'], lab.down), entry(['lab', 'exec'], lab.exec), entry(['lab', 'show'], lab.show)],
    },
    entry(['setup-privileges'], setupPrivileges),
    entry(['completion'], completion),
  ];
}

/** The command named by `path`, or null. */
export function findCommand(commands: readonly CommandEntry[], path: readonly string[]): CommandEntry | null {
  let list: readonly CommandEntry[] = commands;
  let found: CommandEntry | null = null;
  for (const word of path) {
    found = list.find((c) => c.path[c.path.length - 1] === word) ?? null;
    if (found === null) return null;
    list = found.subcommands ?? [];
  }
  return found;
}
