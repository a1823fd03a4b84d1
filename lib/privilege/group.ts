// Looking a group up by name or number as the system does (getent: /etc/group, LDAP, systemd's
// dynamic groups), for `rawprobe setup-privileges --group G`.
import { findTool, run } from '../lab/system.js';

export interface GroupEntry {
  name: string;
  gid: number;
  /** The members listed in the group database (users whose primary group it is are not listed). */
  members: string[];
}

/** The group named (or numbered) `group`, or null when the system has none. */
export async function lookupGroup(group: string): Promise<GroupEntry | null> {
  const getent = await findTool('getent');
  if (getent === null) throw new Error('"getent" (Debian package libc-bin) is not in PATH');
  const r = await run(getent, ['group', group], { timeoutMs: 10_000 });
  // getent: 0 found, 2 not found; anything else is its own failure.
  if (r.code === 2) return null;
  if (r.code !== 0) throw new Error(`getent group ${group}: ${r.stderr.trim() || `exit code ${String(r.code)}`}`);
  return parseGroupLine(r.stdout.split('\n')[0] ?? '');
}

/** `name:password:gid:member,member` (group(5)), or null when the line is not one. */
export function parseGroupLine(line: string): GroupEntry | null {
  const fields = line.trim().split(':');
  if (fields.length !== 4 || !/^[0-9]+$/.test(fields[2]!)) return null;
  return { name: fields[0]!, gid: Number(fields[2]), members: fields[3]!.split(',').filter((m) => m !== '') };
}
