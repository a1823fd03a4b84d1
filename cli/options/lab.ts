// `rawprobe lab up|down|exec|show`, each declared once: its help and options. cli/commands/lab.ts
// gives them to yargs, cli/run/lab.ts reads their values (LabUpArgs, ...).
import { flag, optional, required, text, type ArgsOf, type CommandHelp } from './define.js';

export const lab: CommandHelp = {
  command: 'lab',
  describe: 'Network labs in namespaces: hosts and routers with loss, duplication, MTU, silent hops, TOS rewriting',
};

export const up = {
  help: {
    command: 'up <file>',
    describe: 'Bring up the lab described in FILE (JSON); replaces a half-built lab of the same name',
  },
  positionals: { file: required('lab file, e.g. fixtures/labs/chain3.json') },
  options: {
    name: text('bring it up under this name instead of the file\'s'),
    'allow-any-address': flag(null, 'allow addresses outside the documentation and loopback ranges'),
    replace: flag(null, 'take down a lab of the same name that is already up'),
  },
};

export const down = {
  help: {
    command: 'down <lab>',
    describe: 'Take a lab down (by lab FILE or NAME): kill what runs in it, delete its namespaces',
  },
  positionals: { lab: required('the lab file or the lab\'s name') },
  options: { name: text('the name it was brought up under (with a FILE)') },
};

export const exec = {
  help: {
    command: 'exec <node> [cmd..]',
    describe: 'Run a command inside a lab node: rawprobe lab exec chain3.h1 -- ping 203.0.113.6 (exits with the command\'s code)',
  },
  positionals: {
    node: required('LAB.NODE, or NODE when only one lab has it'),
    cmd: { type: 'string', array: true, describe: 'the command, after --' } as const,
  },
  options: { lab: text('the lab the node is in') },
};

export const show = {
  help: {
    command: 'show [name]',
    describe: 'Show the labs that are up: nodes, namespaces, addresses, routes, impairments',
  },
  positionals: { name: optional('only this lab') },
  options: { json: flag(null, 'print JSON instead of tables') },
};

export type LabUpArgs = ArgsOf<typeof up.positionals, typeof up.options>;
export type LabDownArgs = ArgsOf<typeof down.positionals, typeof down.options>;
/** With `populate--` (cli/commands/lab.ts), yargs puts what follows `--` in argv['--']. */
export type LabExecArgs = ArgsOf<typeof exec.positionals, typeof exec.options> & { '--'?: (string | number)[] };
export type LabShowArgs = ArgsOf<typeof show.positionals, typeof show.options>;
