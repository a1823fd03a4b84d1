// `rawprobe lab up|down|exec|show`, the work behind cli/commands/lab.ts: each subcommand's
// calls into lib/lab/ and its output. Every decision is the library's.
import { existsSync } from 'node:fs';
import { renderTable } from '../format/table.js';
import { execForeground, LabCommandError, LabInterruptedError, labDown, labPrivilegeProblem, labShow, labUp, listLabs, loadLabFile, openLab } from '../../lib/lab/index.js';
import type { Lab, LabStatus } from '../../lib/lab/index.js';
import type { DownArgs, ExecArgs, ShowArgs, UpArgs } from '../commands/lab.js';
import { CliError, EXIT_ERROR } from '../errors.js';
import { withSignals } from './args.js';

/** `rawprobe lab up FILE`: bring the lab up, show it, say how to try it and take it down. */
export async function up(argv: UpArgs): Promise<void> {
  const options = { allowAnyAddress: argv['allow-any-address'], ...(argv.name === undefined ? {} : { name: argv.name }) };
  const spec = await loadLabFile(argv.file, options);
  const started = performance.now();
  const lab = await interruptible((signal) => labUp(spec, { ...options, replace: argv.replace, source: argv.file, signal }));
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`lab ${lab.name} is up: ${lab.plan.nodes.length} nodes, ${lab.plan.links.length} links (${ms} ms)\n`);
  process.stdout.write(formatStatus(await labShow(lab.name)));
  const hint = tryHint(lab);
  if (hint !== null) process.stdout.write(`try: ${hint}\n`);
  process.stdout.write(`take it down with: rawprobe lab down ${lab.name}\n`);
}

/**
 * Runs `work` (an up) with SIGINT, SIGTERM and SIGHUP interrupting it: the up removes what it made,
 * then we exit as a shell reports that signal (130 for Ctrl-C), with one line saying so.
 */
async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = (signal: NodeJS.Signals) => () => controller.abort(signal);
  try {
    return await withSignals({ SIGINT: abort('SIGINT'), SIGTERM: abort('SIGTERM'), SIGHUP: abort('SIGHUP') }, () => work(controller.signal));
  } catch (err) {
    if (err instanceof LabInterruptedError) throw new CliError(err.message, err.exitCode);
    throw err;
  }
}

/** `rawprobe lab down LAB`: by file or name; what was removed. */
export async function down(argv: DownArgs): Promise<void> {
  let name = argv.name ?? argv.lab;
  if (argv.name === undefined && (argv.lab.endsWith('.json') || existsSync(argv.lab))) {
    name = (await loadLabFile(argv.lab, { allowAnyAddress: true })).name;
  }
  const result = await labDown(name);
  if (result.namespaces.length === 0) {
    process.stdout.write(`lab ${name} was not up; nothing to remove\n`);
    return;
  }
  const killed = result.killed === 0 ? '' : `, killed ${result.killed} process${result.killed === 1 ? '' : 'es'} left inside`;
  process.stdout.write(`lab ${name} is down: removed ${result.namespaces.length} namespaces${killed}\n`);
}

/** `rawprobe lab exec LAB.NODE -- CMD`: run CMD in the node, exit with its code. */
export async function exec(argv: ExecArgs): Promise<void> {
  const command = [...(argv.cmd ?? []), ...(argv['--'] ?? [])].map(String);
  if (command.length === 0) throw new CliError('lab exec: no command; write it after --, e.g. rawprobe lab exec chain3.h1 -- ping 203.0.113.6');
  const problem = await labPrivilegeProblem();
  if (problem !== null) throw new CliError(`lab exec: ${problem}`);
  const { lab, node } = await resolveNode(argv.node, argv.lab);
  process.exitCode = await runForeground(lab, node, command);
}

/** The command's exit code as a shell gives it (lib/lab/foreground.ts); 127/126 when it cannot start. */
async function runForeground(lab: Lab, node: string, command: string[]): Promise<number> {
  try {
    return await execForeground(lab, node, command);
  } catch (err) {
    if (err instanceof LabCommandError) throw new CliError(err.message, err.exitCode);
    throw err;
  }
}

/** `rawprobe lab show [NAME]`: the labs that are up, as tables or JSON. */
export async function show(argv: ShowArgs): Promise<void> {
  const labs = await labShow(argv.name);
  if (argv.json) {
    process.stdout.write(JSON.stringify(labs, null, 2) + '\n');
    return;
  }
  if (labs.length === 0) {
    process.stdout.write('no lab is up\n');
    return;
  }
  process.stdout.write(formatStatus(labs));
}

/** `chain3.h1`, or `h1` with --lab, or `h1` alone when exactly one lab has such a node. */
async function resolveNode(text: string, labName: string | undefined): Promise<{ lab: Lab; node: string }> {
  const dot = text.indexOf('.');
  if (labName === undefined && dot > 0) {
    const lab = await openLab(text.slice(0, dot));
    return { lab, node: checkNode(lab, text.slice(dot + 1)) };
  }
  if (labName !== undefined) {
    const lab = await openLab(labName);
    return { lab, node: checkNode(lab, text) };
  }
  const labs: Lab[] = [];
  for (const name of await listLabs()) {
    const lab = await openLab(name).catch(() => null);
    if (lab !== null && lab.nodes.includes(text)) labs.push(lab);
  }
  if (labs.length === 1) return { lab: labs[0]!, node: text };
  if (labs.length === 0) throw new CliError(`lab exec: no lab that is up has a node named "${text}" (see rawprobe lab show)`);
  throw new CliError(`lab exec: node "${text}" is in several labs (${labs.map((l) => l.name).join(', ')}); write LAB.${text} or pass --lab`);
}

function checkNode(lab: Lab, node: string): string {
  if (!lab.nodes.includes(node)) throw new CliError(`lab exec: lab ${lab.name} has no node "${node}" (nodes: ${lab.nodes.join(', ')})`, EXIT_ERROR);
  return node;
}

/** A first command for a student: traceroute from the first host to the last. */
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

function formatStatus(labs: LabStatus[]): string {
  return labs
    .map((lab) => {
      const notes: string[] = [];
      if (!lab.live) notes.push('recorded plan: run as root to read addresses and routes live');
      if (!lab.complete) {
        const missing = lab.nodes.filter((n) => !n.present).map((n) => n.namespace);
        notes.push(`incomplete, missing ${missing.join(', ')}: rawprobe lab down ${lab.name}`);
      }
      const from = lab.source === null ? '' : ` from ${lab.source}`;
      const head = `lab ${lab.name}${from}, up since ${lab.createdAt}${notes.map((n) => `\n(${n})`).join('')}\n`;
      const rows = [
        ['NODE', 'NAMESPACE', 'INTERFACES', 'ROUTES', 'IMPAIRMENTS'],
        ...lab.nodes.map((n) => [
          `${n.node}\n${n.role}`,
          n.present ? n.namespace : `${n.namespace}\n(missing)`,
          n.interfaces
            .map((i) => {
              const extra = [i.peer === null ? null : `to ${i.peer}`, i.mtu === 1500 ? null : `mtu ${i.mtu}`].filter((x) => x !== null);
              return `${i.name} ${i.addresses.join(' ')}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
            })
            .join('\n'),
          n.routes.join('\n'),
          n.impairments.join('\n'),
        ]),
      ];
      return head + renderTable(rows[0] ?? [], rows.slice(1));
    })
    .join('\n');
}
