// Every command of the CLI, in the order `rawprobe --help` lists them. Adding a command means
// writing cli/commands/<name>.ts and listing it here.
import type { CommandModule } from 'yargs';
import * as checksum from './checksum.js';
import * as decode from './decode.js';
import * as lab from './lab.js';
import * as ping from './ping.js';
import * as send from './send.js';
import * as sockopt from './sockopt.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [ping, checksum, decode, send, sockopt, lab];
