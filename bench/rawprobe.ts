// Our own command as the benchmark runs it: `<repo>/rawprobe ...`, the launcher a user runs from
// a checkout (a sh script that execs node on the CLI bundle), and whether a subcommand exists yet
// (`rawprobe <cmd> --help` exits 0).
//
// Rows for commands other helpers are still writing are defined against the documented CLI and
// say "pending: rawprobe <cmd> not built yet" until `--help` shows the command's usage.

import { join } from 'node:path';
import { REPO_ROOT } from './lab.js';
import { runProcess } from './proc.js';

export const RAWPROBE = join(REPO_ROOT, 'rawprobe');

/** argv that runs our CLI as a user does: the launcher, with the node in PATH (or libexec/node). */
export function rawprobeArgv(args: readonly string[]): string[] {
  return [RAWPROBE, ...args];
}

const helps = new Map<string, Promise<string | null>>();
let starts: Promise<string | null> | null = null;

/** null when `rawprobe --version` runs, else the one line saying why it does not. */
export function rawprobeStartProblem(): Promise<string | null> {
  starts ??= runProcess(rawprobeArgv(['--version']), { timeoutMs: 20_000 }).then(
    (r) => {
      if (r.code === 0) return null;
      const lines = r.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      return lines.find((l) => /error/i.test(l)) ?? lines[lines.length - 1] ?? `exit code ${String(r.code)}`;
    },
    (err: Error) => err.message,
  );
  return starts;
}

/**
 * The text of `rawprobe <command> --help`, or null when the CLI has no such command. The exit code
 * alone does not tell: for an unknown command yargs prints the general help and exits 0, so the
 * text must show the command's own usage line.
 */
export function rawprobeHelp(command: string): Promise<string | null> {
  let p = helps.get(command);
  if (p === undefined) {
    const usage = new RegExp(`^\\s*rawprobe ${command}(\\s|$)`, 'm');
    p = runProcess(rawprobeArgv([command, '--help']), { timeoutMs: 20_000 }).then(
      (r) => (r.code === 0 && usage.test(r.stdout) ? r.stdout : null),
      () => null,
    );
    helps.set(command, p);
  }
  return p;
}

/** The options of `flags` ("-f", "--rate") that a help text does not mention. */
export function missingFlags(help: string, flags: readonly string[]): string[] {
  return flags.filter((f) => !new RegExp(`(^|[\\s,\\[])${f.replace(/[-]/g, '\\-')}(?![\\w-])`, 'm').test(help));
}

/**
 * null when the command exists with every option the row uses; "pending: rawprobe <cmd> not
 * built yet" when the CLI runs but lacks the command or one of the options (a stub being
 * written); "failed: rawprobe does not start: ..." when the CLI itself is broken.
 */
export async function pendingUnless(command: string, flags: readonly string[] = []): Promise<string | null> {
  const broken = await rawprobeStartProblem();
  if (broken !== null) return `failed: rawprobe does not start: ${broken}`;
  const help = await rawprobeHelp(command);
  if (help === null) return `pending: rawprobe ${command} not built yet`;
  const missing = missingFlags(help, flags);
  return missing.length === 0 ? null : `pending: rawprobe ${command} not built yet (no ${missing.join(', ')})`;
}
