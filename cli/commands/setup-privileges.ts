// `rawprobe setup-privileges --group G | --undo`: run once as root, it gives CAP_NET_RAW to a
// private copy of node that only root and members of G may execute, which the `rawprobe` launcher
// uses (lib/privilege/setup.ts says why and where). This file is the command's definition only;
// cli/run/setup-privileges.ts does the work, loaded when the command runs.
import type { Argv } from 'yargs';
import { runLater } from './lazy.js';

export interface SetupPrivilegesArgs {
  group?: string;
  undo: boolean;
  node?: string;
}

export const command = 'setup-privileges';
export const describe = 'As root, once: let the members of one group open raw sockets with rawprobe (a private node with cap_net_raw), not every Node program';

export function builder(y: Argv): Argv<SetupPrivilegesArgs> {
  return y
    .option('group', { alias: 'g', type: 'string', describe: 'the group whose members may use it (a name or a number); it must exist' })
    .option('undo', { type: 'boolean', default: false, describe: 'remove the private node again' })
    .option('node', { type: 'string', describe: 'the node binary to copy (default: the one running rawprobe)' })
    .check((argv) => {
      const group = typeof argv.group === 'string' && argv.group !== '';
      if (argv.undo && (group || argv.node !== undefined)) throw new Error('--undo takes no --group or --node');
      if (argv.undo || group) return true;
      throw new Error('name the group with --group G (or remove the setup with --undo)');
    })
    .example('sudo $0 setup-privileges --group netlab', 'members of netlab run rawprobe ping, trace, sweep ... without sudo')
    .example('sudo $0 setup-privileges --undo', 'remove it')
    .epilog(
      [
        'It copies node to libexec/node in rawprobe\'s folder, owned root:GROUP, mode 0750, with cap_net_raw+ep, and checks that a member of GROUP gets the capability. Run it again after upgrading node.',
        'Exit: 0 done, 2 not root, no such group, or the capability did not take (one line says why).',
      ].join('\n\n'),
    );
}

export const handler = runLater<SetupPrivilegesArgs>(() => import('../run/setup-privileges.js'));
