// The ways a lab can fail, each saying where and why in one line:
// - LabSpecError: the lab file is wrong. `path` names the field (`links[1].mtu`), `reason` the
//   rule it breaks. Thrown before anything is created.
// - LabError: a step of `up`, `down` or `exec` failed on this machine (no privilege, `ip` missing,
//   the kernel refused a command). `step` is one of LAB_STEP; `reason` quotes the tool's own error.
//   Two kinds carry the exit code a shell would give: LabCommandError (`exec` of a command that
//   cannot start: 127, 126) and LabInterruptedError (`up` stopped by a signal: 128 + n).
import { constants as osConstants } from 'node:os';

/** The steps named in LabError messages, in the order `up` runs them. */
export const LAB_STEP = {
  validate: 'validate the lab',
  privileges: 'check privileges',
  tools: 'find tools',
  name: 'claim the name',
  cleanup: 'clean up leftovers',
  create: 'create namespaces and links',
  sysctl: 'set sysctls',
  configure: 'set addresses, links and routes',
  nft: 'install impairments (nftables)',
  delay: 'add delay (netem)',
  state: 'record the lab',
  down: 'remove the lab',
  open: 'find the lab',
  exec: 'run in a node',
  ratelimit: 'set the ICMP rate limit',
  interrupted: 'up',
} as const;

export type LabStep = (typeof LAB_STEP)[keyof typeof LAB_STEP];

export class LabSpecError extends Error {
  /** Where the bad value is: `nodes.r1.silent`, `links[0].between[1]`, or `` for the whole file. */
  readonly path: string;
  readonly reason: string;
  /** The file it came from, or null for a spec built in code. */
  readonly source: string | null;

  constructor(path: string, reason: string, source: string | null = null) {
    const where = [source, path].filter((s) => s !== null && s !== '').join(': ');
    super(where === '' ? reason : `${where}: ${reason}`);
    this.name = 'LabSpecError';
    this.path = path;
    this.reason = reason;
    this.source = source;
  }
}

export class LabError extends Error {
  /** The lab's name, or null when the failure came before a name was known. */
  readonly lab: string | null;
  readonly step: LabStep;
  readonly reason: string;

  constructor(lab: string | null, step: LabStep, reason: string) {
    super(`${lab === null ? 'lab' : `lab ${lab}`}: ${step} failed: ${reason}`);
    this.name = 'LabError';
    this.lab = lab;
    this.step = step;
    this.reason = reason;
  }
}

/** A command `lab exec` cannot start, with a shell's exit code for it: 127 not found, 126 not executable. */
export class LabCommandError extends LabError {
  readonly exitCode: number;

  constructor(lab: string, reason: string, exitCode: number) {
    super(lab, LAB_STEP.exec, reason);
    this.name = 'LabCommandError';
    this.exitCode = exitCode;
  }
}

/**
 * `up` was interrupted (SIGINT, SIGTERM, SIGHUP) and removed what it had made; `exitCode` is a
 * shell's for that signal (128 + its number: 130 for Ctrl-C).
 */
export class LabInterruptedError extends LabError {
  readonly signal: string;
  readonly exitCode: number;

  constructor(lab: string, signal: string, removed: number) {
    const what = removed === 0 ? 'nothing was left to remove' : `removed the ${removed} namespace${removed === 1 ? '' : 's'} it had made`;
    super(lab, LAB_STEP.interrupted, `interrupted by ${signal}; ${what}`);
    this.message = `lab ${lab}: up interrupted by ${signal}; ${what}`;
    this.name = 'LabInterruptedError';
    this.signal = signal;
    this.exitCode = 128 + (osConstants.signals[signal as NodeJS.Signals] ?? osConstants.signals.SIGINT);
  }
}
