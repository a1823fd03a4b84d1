// What a lab that is up looks like on disk: /run/rawprobe/labs/<name>.json, written when `up`
// finishes and removed by `down`. It lets `show`, `exec` and `down` work from another process
// (the CLI) and lets a test worker's dead labs be swept. The namespaces themselves remain the
// truth for cleanup: `down` also removes any namespace with the lab's prefix, recorded or not.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabPlan } from './plan.js';

/** /run is a tmpfs: the records vanish at reboot, as the namespaces do. */
export const STATE_DIR = '/run/rawprobe/labs';

export interface LabState {
  version: 1;
  name: string;
  /** The lab file it came from, or null when built in code. */
  source: string | null;
  /** ISO 8601. */
  createdAt: string;
  /** The process that brought it up, and whether the lab dies with it (test labs). */
  owner: { pid: number; temporary: boolean };
  plan: LabPlan;
}

function statePath(name: string): string {
  return join(STATE_DIR, `${name}.json`);
}

export async function writeState(state: LabState): Promise<void> {
  await mkdir(STATE_DIR, { recursive: true, mode: 0o755 });
  // Write then rename, so a reader in another worker never sees half a file.
  const tmp = `${statePath(state.name)}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o644 });
  await rename(tmp, statePath(state.name));
}

/** The record of a lab, or null if none (or unreadable: a record we cannot parse is no record). */
export async function readState(name: string): Promise<LabState | null> {
  try {
    const state = JSON.parse(await readFile(statePath(name), 'utf8')) as LabState;
    return state.version === 1 && state.name === name ? state : null;
  } catch {
    return null;
  }
}

export async function removeState(name: string): Promise<void> {
  await rm(statePath(name), { force: true });
}

/** Names of all recorded labs. */
export async function listStates(): Promise<string[]> {
  try {
    return (await readdir(STATE_DIR))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
