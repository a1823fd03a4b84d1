// `rawprobe lab up|down|exec|show`, the work behind cli/commands/lab.ts: each subcommand's
// calls into lib/lab/; cli/format/lab.ts words the output. Every decision is the library's.
import { existsSync } from 'node:fs';
import { execForeground, LabCommandError, LabInterruptedError, labDown, labPrivilegeProblem, labShow, labUp, listLabs, loadLabFile, openLab } from '../../lib/lab/index.js';
import type { Lab } from '../../lib/lab/index.js';
import { CliError, EXIT_ERROR } from '../errors.js';
import { downLine, NO_LAB, statusJson, statusText, upHints, upLine } from '../format/lab.js';
import type { LabDownArgs, LabExecArgs, LabShowArgs, LabUpArgs } from '../options/lab.js';
import { labNodeLine } from '../format/progress.js';
import { progressWanted, ProgressLine } from '../progress.js';
import { withSignals } from './session.js';

/** `rawprobe lab up FILE`: bring the lab up, show it, say how to try it and take it down. */
export async function up(argv: LabUpArgs): Promise<void> {
  const options = { allowAnyAddress: argv['allow-any-address'], ...(argv.name === undefined ? {} : { name: argv.name }) };
  const spec = await loadLabFile(argv.file, options);
  const started = performance.now();
  // Each node as it comes up, on a terminal's stderr (a big lab takes seconds).
  const progress = new ProgressLine(progressWanted(process.stderr));
  const onNode = (node: string, done: number, total: number): void => progress.show(labNodeLine(options.name ?? spec.name, node, done, total));
  const lab = await interruptible((signal) => labUp(spec, { ...options, replace: argv.replace, source: argv.file, signal, onNode })).finally(() => progress.stop());
  process.stdout.write(upLine(lab, Math.round(performance.now() - started)));
  process.stdout.write(statusText(await labShow(lab.name)));
  process.stdout.write(upHints(lab));
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
export async function down(argv: LabDownArgs): Promise<void> {
  let name = argv.name ?? argv.lab;
  if (argv.name === undefined && (argv.lab.endsWith('.json') || existsSync(argv.lab))) {
    name = (await loadLabFile(argv.lab, { allowAnyAddress: true })).name;
  }
  process.stdout.write(downLine(name, await labDown(name)));
}

/** `rawprobe lab exec LAB.NODE -- CMD`: run CMD in the node, exit with its code. */
export async function exec(argv: LabExecArgs): Promise<void> {
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
export async function show(argv: LabShowArgs): Promise<void> {
  const labs = await labShow(argv.name);
  if (argv.json) process.stdout.write(statusJson(labs));
  else process.stdout.write(labs.length === 0 ? NO_LAB : statusText(labs));
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
