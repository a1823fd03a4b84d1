// `lab exec`: a command run inside a node the way a shell runs a foreground job. It keeps the
// terminal (same process group, stdio inherited), its exit code becomes ours (128 + n when it
// died of signal n, 127 when the command does not exist, 126 when it cannot be executed), and we
// return only once it has ended, so its last output never lands after the shell's prompt.
//
// Signals. `ip netns exec` execs the command in place, so the child we spawn is the command.
// SIGINT, SIGTERM and SIGHUP sent to us are passed on to it, and we go on waiting. But Ctrl-C in
// a terminal (and a hang-up, or `kill -INT -PGID`) signals the whole process group, the command
// included: passing that one on too would deliver it twice, and a program that stops on the
// first SIGINT and restores the default action (Node's `process.once`, many scripts) would then
// die of the second and turn a clean exit 0 into 130. sudo tells the two apart from the sender in
// siginfo (a kernel-made signal, or one from its own process group, is not forwarded); Node
// shows no siginfo. So a witness does it: a `cat` in our process group, whose default action
// makes it die of any of the three. The kernel signals every member of a group in one pass,
// before our handler can run, so when a signal reaches us the witness tells us at once whether
// it went to the whole group (the witness got it: the command did too) or to us alone (forward).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { constants as fsConstants, readFileSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { delimiter, join } from 'node:path';
import { LAB_STEP, LabCommandError, LabError } from './errors.js';
import { systemEnv } from './lab.js';
import type { Lab } from './lab.js';

/** The signals passed on to the command. */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A shell's exit codes for a command that cannot run (POSIX, "Command Search and Execution"). */
export const EXIT_NOT_FOUND = 127;
export const EXIT_NOT_EXECUTABLE = 126;

export interface ForegroundOptions {
  /** The command's environment; default: the lab's (PATH without node_modules, see Lab.spawn). */
  env?: NodeJS.ProcessEnv;
}

/** Runs `argv` in the node with our stdio, passing signals on; resolves with the shell's `$?` for it. */
export async function execForeground(lab: Lab, node: string, argv: readonly string[], options: ForegroundOptions = {}): Promise<number> {
  lab.node(node); // an unknown node is an error before anything starts
  const env = options.env ?? systemEnv();
  await requireRunnable(lab.name, argv[0] ?? '', env['PATH'] ?? '');
  const witness = new Witness();
  let child: ChildProcess | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (witness.sawGroupSignal(signal)) return;
    child?.kill(signal);
  };
  // Our handlers go in before the command starts: once it runs (and perhaps prints), a signal
  // must find them, not node's default action, which would end us and leave it running.
  for (const s of FORWARDED_SIGNALS) process.on(s, onSignal);
  try {
    const started = lab.spawn(node, argv, { stdio: 'inherit', env });
    child = started;
    return await new Promise<number>((resolve, reject) => {
      started.on('error', (err) => reject(new LabError(lab.name, LAB_STEP.exec, `cannot run ip netns exec: ${err.message}`)));
      started.on('exit', (code, signal) => resolve(code ?? 128 + signalNumber(signal)));
    });
  } finally {
    for (const s of FORWARDED_SIGNALS) process.off(s, onSignal);
    witness.end();
  }
}

/** 128 + n for a command that died of signal n, as a shell reports it. */
export function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : (osConstants.signals[signal] ?? 0);
}

/**
 * Throws LabCommandError (127, 126) when `command` would not start: not found in PATH, or not an
 * executable file. `ip netns exec` would exit 1 for both after its own message; a user expects a
 * shell's answer. The node sees the same files (a namespace changes the network, not the PATH).
 */
async function requireRunnable(lab: string, command: string, path: string): Promise<void> {
  const candidates = command.includes('/') ? [command] : path.split(delimiter).filter((d) => d !== '').map((d) => join(d, command));
  let found = false;
  for (const file of candidates) {
    try {
      await access(file, fsConstants.F_OK);
    } catch {
      continue;
    }
    found = true;
    if (await isExecutableFile(file)) return;
  }
  if (!found) throw new LabCommandError(lab, `${command}: command not found`, EXIT_NOT_FOUND);
  throw new LabCommandError(lab, `${command}: permission denied (not an executable file)`, EXIT_NOT_EXECUTABLE);
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * A `cat` reading a pipe from us, in our process group, with the forwarded signals blocked (GNU
 * env's --block-signal): a signal sent to the group stays pending in it, where /proc shows it, for
 * as long as we need to look. (A cat that died of the signal would pass through a moment where the
 * signal is no longer pending and the process is not yet a zombie: on a busy machine we looked
 * right then, and forwarded a Ctrl-C the command already had.) Without GNU env it is a plain cat,
 * which dies of the signal. It ends on end of input when we end, however we end. Each time it has
 * seen a signal, a new one takes its place (a second Ctrl-C is judged the same way).
 */
class Witness {
  private process: ChildProcess | null = null;
  /**
   * Set while the signals libuv read in one batch are being handled, once one of them replaced the
   * witness. Node runs the handlers of every signal read from its signal pipe in one go: when our
   * loop was slow (a busy machine), two Ctrl-Cs can sit in that pipe together, and the second one
   * reached the group before the replacement existed, so the replacement cannot have seen it.
   */
  private replacedInThisBatch = false;

  constructor() {
    this.start();
  }

  /** True when `signal` reached the whole group: the witness has it pending or died of it. */
  sawGroupSignal(signal: NodeJS.Signals): boolean {
    const witness = this.process;
    if (witness === null || witness.pid === undefined) return false; // forwarding twice beats not forwarding
    if (this.replacedInThisBatch) return true;
    const seen = witness.signalCode !== null || hasSignal(witness.pid, signal);
    if (seen) {
      this.end();
      this.start();
      this.replacedInThisBatch = true;
      setImmediate(() => {
        this.replacedInThisBatch = false;
      });
    }
    return seen;
  }

  end(): void {
    this.process?.kill('SIGKILL');
    this.process?.stdin?.destroy();
    this.process = null;
  }

  private start(): void {
    const argv = envBlocksSignals() ? ['env', ...FORWARDED_SIGNALS.map((sig) => `--block-signal=${sig}`), 'cat'] : ['cat'];
    const witness = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'ignore', 'ignore'] });
    witness.on('error', () => {
      if (this.process === witness) this.process = null;
    });
    witness.stdin?.on('error', () => {});
    this.process = witness;
  }
}

let blockSignals: boolean | null = null;

/** Whether `env --block-signal` works here (GNU coreutils 8.31 and later); asked once. */
function envBlocksSignals(): boolean {
  blockSignals ??= spawnSync('env', ['--block-signal=SIGINT', 'true'], { stdio: 'ignore' }).status === 0;
  return blockSignals;
}

/** PF_EXITING in /proc/PID/stat's flags: the process has begun to exit (include/linux/sched.h). */
const PF_EXITING = 0x4;

/**
 * Whether the process has `signal` pending (ShdPnd/SigPnd in /proc/PID/status), is dying (a
 * pending SIGKILL: the kernel turns a fatal signal into one at once) or is already gone.
 */
function hasSignal(pid: number, signal: NodeJS.Signals): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return true; // reaped: only a signal (or our end) ends it
  }
  if (/^State:\s*[ZX]/m.test(status) || isExiting(pid)) return true;
  const bits = [...status.matchAll(/^(?:ShdPnd|SigPnd):\s*([0-9a-f]+)$/gm)].reduce((all, m) => all | BigInt(`0x${m[1]}`), 0n);
  const mask = (1n << BigInt(signalNumber(signal) - 1)) | (1n << BigInt(signalNumber('SIGKILL') - 1));
  return (bits & mask) !== 0n;
}

/** Whether the process has begun to exit (a signal's default action already taken) or is gone. */
function isExiting(pid: number): boolean {
  try {
    // The fields after the command name (which may hold spaces and parentheses): state is the first.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const flags = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[6]);
    return (flags & PF_EXITING) !== 0;
  } catch {
    return true;
  }
}
