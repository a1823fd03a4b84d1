// Every command of the CLI, in the order `rawprobe --help` lists them. Adding a command means
// writing cli/commands/<name>.ts and listing it here.
//
// All of these load at every start, so each holds only its definition (command, describe,
// builder, and a handler that imports cli/run/<name>.ts): `rawprobe --version`, `--help` and one
// command never pay for the lib/ modules of the others. A builder needing data from lib/ (choices,
// a table in the help) is async and imports it; value imports of lib/ go in cli/run/.
import type { CommandModule } from 'yargs';
import * as checksum from './checksum.js';
import * as decode from './decode.js';
import * as lab from './lab.js';
import * as ping from './ping.js';
import * as send from './send.js';
import * as setupPrivileges from './setup-privileges.js';
import * as sockopt from './sockopt.js';
import * as sweep from './sweep.js';
import * as tos from './tos.js';
import * as trace from './trace.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [ping, trace, tos, sweep, checksum, decode, send, sockopt, lab, setupPrivileges];
