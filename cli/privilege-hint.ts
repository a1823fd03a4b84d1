// The exact fix for a missing CAP_NET_RAW when `rawprobe setup-privileges` has been run here: the
// private node (lib/package-root.ts privateNodePath) exists, so the question is only whether this
// user is in its group. The addon's advice (native/errors.cc) cannot know that; describeError
// (cli/errors.ts) swaps it for this. Synchronous and light (node:fs only, not node:os), since it
// sits on the error path every command shares and loads at start-up.
import { readFileSync, statSync } from 'node:fs';
import { privateNodePath } from '../lib/package-root.js';

/** The advice that follows "needs CAP_NET_RAW: ", or null to keep the addon's. */
export function privilegeHint(): string | null {
  let path: string;
  let gid: number;
  try {
    path = privateNodePath();
    gid = statSync(path).gid;
  } catch {
    return null; // not set up here: the addon's advice (run setup-privileges) is the fix
  }
  if (process.getegid?.() === gid || (process.getgroups?.() ?? []).includes(gid)) return null;
  const group = groupName(gid);
  return `here rawprobe has it for the members of group ${group} only (${path}): ask an administrator to add you (sudo usermod -aG ${group} ${userName()}) and log in again, or run as root`;
}

/** The group's name from /etc/group, else its number. */
function groupName(gid: number): string {
  return nameIn('/etc/group', gid) ?? String(gid);
}

/** This user's name from /etc/passwd (a user from a directory service: $USER). */
function userName(): string {
  const uid = process.geteuid?.();
  return (uid === undefined ? null : nameIn('/etc/passwd', uid)) ?? process.env['USER'] ?? 'USER';
}

/** The name of number `id` in a file of name:x:id:... lines (/etc/group, /etc/passwd), or null. */
function nameIn(file: string, id: number): string | null {
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [name, , number] = line.split(':');
      if (name !== undefined && number === String(id)) return name;
    }
  } catch {
    // no such file: the caller's fallback will do
  }
  return null;
}
