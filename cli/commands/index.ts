// Every command of the CLI, in the order `rawprobe --help` lists them. Adding a command means
// writing cli/commands/<name>.ts and listing it here.
import type { CommandModule } from 'yargs';
import * as lab from './lab.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [lab];
