// `rawprobe setup-privileges`: CAP_NET_RAW for rawprobe and one group of users, instead of for
// every Node program on the machine.
//
// A file capability belongs to a file: `setcap cap_net_raw+ep /usr/bin/node` lets every program
// of every user that runs on that node craft raw packets. iputils narrows the same grant to one
// binary, ping. We cannot give it to our JavaScript alone (a script is not what the kernel
// executes), so we give it to a private copy of node that only root and the members of one group
// may execute: owned root:GROUP, mode 0750, cap_net_raw+ep. The `rawprobe` launcher runs the CLI
// with that copy when the user may execute it, and with the node in PATH otherwise. The grant is
// therefore "members of GROUP may open raw sockets" (with rawprobe, or with any script they run
// on that copy), which is what `sudo` would otherwise be used for, and nothing for anyone else.
//
// Where: <package root>/libexec/node (lib/package-root.ts), not a system folder such as
// /usr/local/libexec/rawprobe/node, because
//   - it belongs to the installed copy that uses it: `npm uninstall -g rawprobe` (or deleting a
//     checkout) removes it with the package, and no privileged binary outlives what it served;
//   - the launcher finds it beside itself with no configuration, and two installs (a global one,
//     a checkout) never use each other's;
// at the price that the package's folder must keep file capabilities: a filesystem without
// extended attributes, or mounted nosuid, silently drops them. So the setup checks the result for
// real: it runs the copy as an unprivileged member of the group and reads the capability the
// kernel gave it; if it is missing, the copy is removed and the error says why.
//
// The copy does not follow upgrades of node: run setup-privileges again after one (it replaces
// the copy in place, safely while rawprobe runs: the new file is renamed over the old).
// chown() clears file capabilities (capabilities(7)), so the order is: copy, chown, chmod, setcap.
import { chmod, chown, copyFile, mkdir, realpath, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { findTool, firstLine, run } from '../lab/system.js';
import { packageRoot, privateNodePath } from '../package-root.js';
import { lookupGroup } from './group.js';
import type { GroupEntry } from './group.js';

/** The capability, as setcap(8) writes it: permitted and effective, nothing inheritable. */
export const CAPABILITY_TEXT = 'cap_net_raw+ep';
/** rwx for root, r-x for the group, nothing for others. */
export const PRIVATE_NODE_MODE = 0o750;
/** The uid the check runs as: nobody (a uid with no files and no privilege), plus the group. */
const CHECK_UID = 65534;

export interface SetupOptions {
  /** The group whose members may use the capability (a name or a number). */
  group: string;
  /** The node binary to copy; default: the one running, or the one in PATH if that is the copy. */
  node?: string;
  /** Default: this package's root. */
  packageDir?: string;
}

export interface SetupResult {
  /** The private node: <package root>/libexec/node. */
  path: string;
  /** The binary it was copied from, and its version (`v20.20.2`). */
  source: string;
  version: string;
  group: GroupEntry;
}

export interface UndoResult {
  path: string;
  /** False when there was nothing to remove. */
  removed: boolean;
}

/** A setup that cannot be done, with the reason and what to do, in one line. */
export class PrivilegeSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrivilegeSetupError';
  }
}

/** Installs the private node for `options.group`; replaces an earlier one. Needs root. */
export async function setupPrivileges(options: SetupOptions): Promise<SetupResult> {
  requireRoot(`sudo rawprobe setup-privileges --group ${options.group}`);
  const group = await lookupGroup(options.group);
  if (group === null) {
    throw new PrivilegeSetupError(`no group named "${options.group}": create it (sudo groupadd ${options.group}) and add its users (sudo usermod -aG ${options.group} USER)`);
  }
  const setcap = await findTool('setcap');
  if (setcap === null) throw new PrivilegeSetupError('"setcap" (Debian package libcap2-bin) is not in PATH');
  const packageDir = options.packageDir ?? packageRoot();
  const path = privateNodePath(packageDir);
  const source = await sourceNode(options.node, path);
  const version = await nodeVersion(source);

  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const temporary = join(dirname(path), `.node.${process.pid}.tmp`);
  try {
    await copyFile(source, temporary);
    await chown(temporary, 0, group.gid);
    await chmod(temporary, PRIVATE_NODE_MODE);
    const r = await run(setcap, [CAPABILITY_TEXT, temporary]);
    if (r.code !== 0) throw new PrivilegeSetupError(`setcap ${CAPABILITY_TEXT} ${path}: ${firstLine(r.stderr) || `exit code ${String(r.code)}`}`);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
  const problem = await checkGrant(path, group);
  if (problem !== null) {
    await removePrivateNode(path);
    throw new PrivilegeSetupError(`${problem}; removed ${path} again`);
  }
  return { path, source, version, group };
}

/** Removes the private node (and libexec/ when empty). Needs root when there is one. */
export async function undoPrivileges(packageDir: string = packageRoot()): Promise<UndoResult> {
  const path = privateNodePath(packageDir);
  const present = await stat(path).then(
    () => true,
    () => false,
  );
  if (!present) return { path, removed: false };
  requireRoot('sudo rawprobe setup-privileges --undo');
  await removePrivateNode(path);
  return { path, removed: true };
}

function requireRoot(command: string): void {
  if (process.geteuid?.() !== 0) {
    throw new PrivilegeSetupError(`needs root, since it gives a copy of node ${CAPABILITY_TEXT}: ${command}`);
  }
}

/** The node to copy: the one asked for, else the one running us unless that is the copy itself. */
async function sourceNode(asked: string | undefined, privatePath: string): Promise<string> {
  const copy = await realpath(privatePath).catch(() => privatePath);
  if (asked !== undefined) {
    const source = await realpath(asked).catch(() => {
      throw new PrivilegeSetupError(`--node ${asked}: no such file`);
    });
    if (source === copy) throw new PrivilegeSetupError(`--node ${asked} is the private copy itself; name the node it should copy`);
    return source;
  }
  const running = await realpath(process.execPath);
  if (running !== copy) return running;
  const inPath = await findTool('node');
  const source = inPath === null ? null : await realpath(inPath);
  if (source === null || source === copy) throw new PrivilegeSetupError('cannot tell which node to copy: name it with --node');
  return source;
}

async function nodeVersion(node: string): Promise<string> {
  const r = await run(node, ['--version'], { timeoutMs: 30_000 }).catch((err: Error) => {
    throw new PrivilegeSetupError(`${node} does not run: ${err.message}`);
  });
  const version = r.stdout.trim();
  if (r.code !== 0 || !/^v[0-9]/.test(version)) throw new PrivilegeSetupError(`${node} is not a node binary (node --version: ${firstLine(r.stderr) || version})`);
  return version;
}

/**
 * Runs the copy as an unprivileged member of the group (nobody, with only that group) and reads
 * the capabilities the kernel gave it. It installs only cap_net_raw, so any effective capability
 * means it arrived. Returns what went wrong, or null.
 */
async function checkGrant(path: string, group: GroupEntry): Promise<string | null> {
  const setpriv = await findTool('setpriv');
  if (setpriv === null) return null; // util-linux is essential on Debian; elsewhere, trust setcap
  const script = "process.stdout.write(/^CapEff:\\s*([0-9a-f]+)$/m.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1])";
  // Through sh: setpriv still holds root's capabilities while it execs (its path lookup ignores
  // folder permissions); the shell has none left, so its exec sees the folders as a member does.
  const asMember = [`--reuid=${CHECK_UID}`, `--regid=${CHECK_UID}`, `--groups=${group.gid}`, '--inh-caps=-all'];
  const r = await run(setpriv, [...asMember, '/bin/sh', '-c', 'exec "$0" -e "$1"', path, script], { timeoutMs: 30_000, cwd: '/' });
  if (r.code !== 0) {
    // sh says "<path>: 1: exec: <path>: Permission denied": its last part is the reason.
    const why = firstLine(r.stderr).split(': ').pop() || `exit code ${String(r.code)}`;
    return `a member of ${group.name} cannot run ${path}: ${why} (is a folder on the way closed to other users?)`;
  }
  if (/^0+$/.test(r.stdout.trim())) {
    return `${path} does not get CAP_NET_RAW when a member of ${group.name} runs it: its filesystem drops file capabilities (mounted nosuid, or without extended attributes)`;
  }
  return null;
}

async function removePrivateNode(path: string): Promise<void> {
  await rm(path, { force: true });
  await rmdir(dirname(path)).catch(() => {}); // only when empty: anything else there is not ours
}
