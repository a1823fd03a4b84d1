// `rawprobe lab up|down|exec|show`: network labs in namespaces (lib/lab/). This file is the
// commands' definitions only (options and help); cli/run/lab.ts does the work, loaded when a lab
// subcommand runs. Every decision is the library's.
import type { Argv, CommandModule } from 'yargs';

export interface UpArgs {
  file: string;
  name?: string;
  'allow-any-address': boolean;
  replace: boolean;
}

export interface DownArgs {
  lab: string;
  name?: string;
}

export interface ExecArgs {
  node: string;
  cmd?: string[];
  lab?: string;
  '--'?: string[];
}

export interface ShowArgs {
  name?: string;
  json: boolean;
}

const up: CommandModule<object, UpArgs> = {
  command: 'up <file>',
  describe: 'Bring up the lab described in FILE (JSON); replaces a half-built lab of the same name',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'lab file, e.g. fixtures/labs/chain3.json' })
      .option('name', { type: 'string', describe: 'bring it up under this name instead of the file\'s' })
      .option('allow-any-address', { type: 'boolean', default: false, describe: 'allow addresses outside the documentation and loopback ranges' })
      .option('replace', { type: 'boolean', default: false, describe: 'take down a lab of the same name that is already up' }) as Argv<UpArgs>,
  handler: async (argv) => {
    const run = await import('../run/lab.js');
    await run.up(argv);
  },
};

const down: CommandModule<object, DownArgs> = {
  command: 'down <lab>',
  describe: 'Take a lab down (by lab FILE or NAME): kill what runs in it, delete its namespaces',
  builder: (y) =>
    y
      .positional('lab', { type: 'string', demandOption: true, describe: 'the lab file or the lab\'s name' })
      .option('name', { type: 'string', describe: 'the name it was brought up under (with a FILE)' }) as Argv<DownArgs>,
  handler: async (argv) => {
    const run = await import('../run/lab.js');
    await run.down(argv);
  },
};

const exec: CommandModule<object, ExecArgs> = {
  command: 'exec <node> [cmd..]',
  describe: 'Run a command inside a lab node: rawprobe lab exec chain3.h1 -- ping 203.0.113.6 (exits with the command\'s code)',
  builder: (y) =>
    y
      .positional('node', { type: 'string', demandOption: true, describe: 'LAB.NODE, or NODE when only one lab has it' })
      .positional('cmd', { type: 'string', array: true, describe: 'the command, after --' })
      .option('lab', { type: 'string', describe: 'the lab the node is in' })
      // Everything after `--` is the command, verbatim: no number parsing ("0x10" stays "0x10").
      .parserConfiguration({ 'populate--': true, 'parse-positional-numbers': false }) as Argv<ExecArgs>,
  handler: async (argv) => {
    const run = await import('../run/lab.js');
    await run.exec(argv);
  },
};

const show: CommandModule<object, ShowArgs> = {
  command: 'show [name]',
  describe: 'Show the labs that are up: nodes, namespaces, addresses, routes, impairments',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'only this lab' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON instead of tables' }) as Argv<ShowArgs>,
  handler: async (argv) => {
    const run = await import('../run/lab.js');
    await run.show(argv);
  },
};

export const command = 'lab';
export const describe = 'Network labs in namespaces: hosts and routers with loss, duplication, MTU, silent hops, TOS rewriting';
export function builder(y: Argv): Argv {
  return y
    .command(up)
    .command(down)
    .command(exec)
    .command(show)
    .demandCommand(1, 'name a lab command: up, down, exec or show');
}
export function handler(): void {}
