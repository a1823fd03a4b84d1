// Command-line values every probing command shares (ping, trace, tos, sweep): the last of a
// repeated option, numbers as the classic tools take them, a TOS byte, --pcap-out; and what a run
// does around its session (the one-line error when it cannot open, Ctrl-C). Errors are CliError
// (exit 2), naming the option as the user wrote it ('-c', '--id').
import { firstLine } from '../../lib/probe/errors.js';
import { parseTos } from '../../lib/wire/dscp.js';
import { ParseError } from '../../lib/wire/errors.js';
import type { Value } from '../commands/options.js';
import { CliError, EXIT_ERROR } from '../errors.js';

export type { Value };

/** The last value of an option given more than once (as getopt keeps the last). */
export function last(v: Value): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Every value of a repeatable option. */
export function all(v: Value): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function whole(flag: string, what: string, text: string): number {
  const t = text.trim();
  if (!/^[+]?\d+$/.test(t)) throw new CliError(`${flag}: ${what} "${text}" is not a whole number`);
  return Number(t);
}

export function decimal(flag: string, what: string, text: string): number {
  const t = text.trim();
  if (!/^[+]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) throw new CliError(`${flag}: ${what} "${text}" is not a number`);
  return Number(t);
}

/** A TOS byte: 0-255, 0x00-0xff or a DSCP name (lib/wire/dscp.ts says what is wrong). */
export function tosByte(flag: string, text: string): number {
  try {
    return parseTos(text);
  } catch (e) {
    if (e instanceof ParseError) throw new CliError(`${flag}: ${e.message}`);
    throw e;
  }
}

/** --pcap-out FILE, or undefined without it. */
export function pcapOut(v: Value): string | undefined {
  const file = last(v);
  if (file === '') throw new CliError('--pcap-out: give a file name');
  return file;
}

/** Opens a session; why it could not (an option, a name, a route, the privilege) is one line, exit 2. */
export async function openOrFail<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (e) {
    throw new CliError(firstLine(e instanceof Error ? e.message : String(e)), EXIT_ERROR);
  }
}

/**
 * Runs `work` with these signal handlers installed (SIGINT: the session stops and reports what it
 * has, as the classic tools do on Ctrl-C), and removes them after, whatever happened.
 */
export async function withSignals<T>(handlers: Partial<Record<NodeJS.Signals, () => void>>, work: () => Promise<T>): Promise<T> {
  const installed = Object.entries(handlers) as [NodeJS.Signals, () => void][];
  for (const [signal, handler] of installed) process.on(signal, handler);
  try {
    return await work();
  } finally {
    for (const [signal, handler] of installed) process.off(signal, handler);
  }
}
