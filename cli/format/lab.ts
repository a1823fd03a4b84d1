// What `rawprobe lab` prints: what `up` built and how to try it, what `down` removed, and each lab
// that is up as a table of its nodes (the CLI's table style, cli/format/table.ts).
import type { Lab, LabStatus } from '../../lib/lab/index.js';
import { renderTable } from './table.js';

/** "lab chain3 is up: 5 nodes, 4 links (812 ms)" */
export function upLine(lab: Lab, ms: number): string {
  return `lab ${lab.name} is up: ${lab.plan.nodes.length} nodes, ${lab.plan.links.length} links (${ms} ms)\n`;
}

/** A first command for a student (traceroute from the first host to the last), and how to end. */
export function upHints(lab: Lab): string {
  const hint = tryHint(lab);
  return `${hint === null ? '' : `try: ${hint}\n`}take it down with: rawprobe lab down ${lab.name}\n`;
}

function tryHint(lab: Lab): string | null {
  const hosts = lab.plan.nodes.filter((n) => n.role === 'host');
  if (hosts.length < 2) return null;
  const from = hosts[0]!.name;
  const to = hosts[hosts.length - 1]!.name;
  try {
    return `rawprobe lab exec ${lab.name}.${from} -- traceroute -n ${lab.address(to)}`;
  } catch {
    return null;
  }
}

/** What `down` did: the namespaces removed and the processes killed, or that there was nothing. */
export function downLine(name: string, result: { namespaces: readonly string[]; killed: number }): string {
  if (result.namespaces.length === 0) return `lab ${name} was not up; nothing to remove\n`;
  const killed = result.killed === 0 ? '' : `, killed ${result.killed} process${result.killed === 1 ? '' : 'es'} left inside`;
  return `lab ${name} is down: removed ${result.namespaces.length} namespaces${killed}\n`;
}

/** `show` with no lab up. */
export const NO_LAB = 'no lab is up\n';

function interfaceText(i: LabStatus['nodes'][number]['interfaces'][number]): string {
  const extra = [i.peer === null ? null : `to ${i.peer}`, i.mtu === 1500 ? null : `mtu ${i.mtu}`].filter((x) => x !== null);
  return `${i.name} ${i.addresses.join(' ')}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

function labText(lab: LabStatus): string {
  const notes: string[] = [];
  if (!lab.live) notes.push('recorded plan: run as root to read addresses and routes live');
  if (!lab.complete) {
    const missing = lab.nodes.filter((n) => !n.present).map((n) => n.namespace);
    notes.push(`incomplete, missing ${missing.join(', ')}: rawprobe lab down ${lab.name}`);
  }
  const from = lab.source === null ? '' : ` from ${lab.source}`;
  const head = `lab ${lab.name}${from}, up since ${lab.createdAt}${notes.map((n) => `\n(${n})`).join('')}\n`;
  const rows = lab.nodes.map((n) => [
    `${n.node}\n${n.role}`,
    n.present ? n.namespace : `${n.namespace}\n(missing)`,
    n.interfaces.map(interfaceText).join('\n'),
    n.routes.join('\n'),
    n.impairments.join('\n'),
  ]);
  return head + renderTable(['NODE', 'NAMESPACE', 'INTERFACES', 'ROUTES', 'IMPAIRMENTS'], rows);
}

/** Each lab that is up: a heading and a table of its nodes. */
export function statusText(labs: readonly LabStatus[]): string {
  return labs.map(labText).join('\n');
}

/** `show --json`. */
export function statusJson(labs: readonly LabStatus[]): string {
  return JSON.stringify(labs, null, 2) + '\n';
}
