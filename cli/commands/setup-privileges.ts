// `rawprobe setup-privileges --group G | --undo`: run once as root, it gives CAP_NET_RAW to a
// private copy of node that only root and members of G may execute, which the `rawprobe` launcher
// uses (lib/privilege/setup.ts says why and where). Declared in cli/options/setup-privileges.ts;
// cli/run/setup-privileges.ts does the work, loaded when the command runs.
import type { Argv } from 'yargs';
import { checkSetupArgs, help, options } from '../options/setup-privileges.js';
import { lazyCommand, withHelp } from './lazy.js';

const builder = (y: Argv) => withHelp(y.options(options).check(checkSetupArgs), help);
export const setupPrivileges = lazyCommand(help, builder, () => import('../run/setup-privileges.js'));
