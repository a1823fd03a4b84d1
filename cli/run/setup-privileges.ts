// `rawprobe setup-privileges`, the work behind cli/commands/setup-privileges.ts: lib/privilege
// does it, cli/format/setup-privileges.ts says what was done.
import { PrivilegeSetupError, setupPrivileges, undoPrivileges } from '../../lib/privilege/index.js';
import type { SetupPrivilegesArgs } from '../options/setup-privileges.js';
import { CliError, EXIT_ERROR } from '../errors.js';
import { setupText, undoText } from '../format/setup-privileges.js';

export async function run(argv: SetupPrivilegesArgs): Promise<void> {
  try {
    if (argv.undo) {
      process.stdout.write(undoText(await undoPrivileges()));
      return;
    }
    const result = await setupPrivileges({ group: argv.group!, ...(argv.node === undefined ? {} : { node: argv.node }) });
    process.stdout.write(setupText(result));
  } catch (err) {
    if (err instanceof PrivilegeSetupError) throw new CliError(`setup-privileges: ${err.message}`, EXIT_ERROR);
    throw err;
  }
}
