// What `rawprobe setup-privileges` prints: what was installed or removed, and the next step.
import type { SetupResult, UndoResult } from '../../lib/privilege/index.js';

export function setupText(r: SetupResult): string {
  const group = r.group.name;
  return [
    `installed ${r.path}: a copy of ${r.source} (${r.version}), owner root:${group}, mode 0750, cap_net_raw+ep`,
    `members of ${group} now run rawprobe with CAP_NET_RAW; nobody else gains anything`,
    `add a user: sudo usermod -aG ${group} USER (it takes effect at their next login)`,
    'after upgrading node, run this again; to remove it: sudo rawprobe setup-privileges --undo',
    '',
  ].join('\n');
}

export function undoText(r: UndoResult): string {
  return r.removed ? `removed ${r.path}\n` : `nothing to remove: ${r.path} does not exist\n`;
}
