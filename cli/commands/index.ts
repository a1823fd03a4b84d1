// Every command of the CLI, in the order `rawprobe --help` lists them. Adding a command means
// declaring its options in cli/options/<name>.ts, its help in cli/commands/<name>.ts, its work in
// cli/run/<name>.ts and its words in cli/format/<name>.ts, and listing it here.
//
// All of these load at every start, so each holds only its definition (command, describe, a
// builder that hands yargs the option declarations, and a handler that imports cli/run/<name>.ts):
// `rawprobe --version`, `--help` and one command never pay for the lib/ modules of the others. A
// builder needing data from lib/ (choices, a table in the help) is async and imports it; value
// imports of lib/ go in cli/run/.
import type { Argv } from 'yargs';
import { capture } from './capture.js';
import { checksum } from './checksum.js';
import { completion, completionRequest } from './completion.js';
import { decode } from './decode.js';
import { lab } from './lab.js';
import { ping } from './ping.js';
import { send } from './send.js';
import { setupPrivileges } from './setup-privileges.js';
import { socket } from './socket.js';
import { sockopt } from './sockopt.js';
import { sweep } from './sweep.js';
import { tos } from './tos.js';
import { trace } from './trace.js';

/** `y` with every command, one call each so that yargs' types follow each command's own. */
export function withCommands(y: Argv): Argv {
  return y.command(ping).command(trace).command(tos).command(sweep).command(checksum).command(decode).command(capture).command(send).command(sockopt).command(socket).command(lab).command(setupPrivileges).command(completion).command(completionRequest);
}

