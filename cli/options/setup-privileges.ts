// `rawprobe setup-privileges`, declared once: its help and options. cli/commands/setup-privileges.ts
// gives them to yargs; cli/run/setup-privileges.ts reads their values as SetupPrivilegesArgs.
import { flag, text, type ArgsOf, type CommandHelp } from './define.js';

export const help: CommandHelp = {
  command: 'setup-privileges',
  describe: 'As root, once: let the members of one group open raw sockets with rawprobe (a private node with cap_net_raw), not every Node program',
  examples: [
    ['sudo $0 setup-privileges --group netlab', 'members of netlab run rawprobe ping, trace, sweep ... without sudo'],
    ['sudo $0 setup-privileges --undo', 'remove it'],
  ],
  epilog: [
    'It copies node to libexec/node in rawprobe\'s folder, owned root:GROUP, mode 0750, with cap_net_raw+ep, and checks that a member of GROUP gets the capability. Run it again after upgrading node.',
    'Exit: 0 done, 2 not root, no such group, or the capability did not take (one line says why).',
  ].join('\n\n'),
};

export const options = {
  group: text('the group whose members may use it (a name or a number); it must exist', { alias: 'g' }),
  undo: flag(null, 'remove the private node again'),
  node: text('the node binary to copy (default: the one running rawprobe)'),
} as const;

export type SetupPrivilegesArgs = ArgsOf<{}, typeof options>;

/** yargs' check: --group, or --undo alone. */
export function checkSetupArgs(argv: { group?: string | undefined; undo?: boolean; node?: string | undefined }): true {
  const group = typeof argv.group === 'string' && argv.group !== '';
  if (argv.undo === true && (group || argv.node !== undefined)) throw new Error('--undo takes no --group or --node');
  if (argv.undo === true || group) return true;
  throw new Error('name the group with --group G (or remove the setup with --undo)');
}
