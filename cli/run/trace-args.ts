// Command-line values that trace and tos share: the probe kind (-P, -I, -U, -T), numbers as
// traceroute takes them, and -w MAX[,HERE,NEAR]. Errors are CliError (exit 2), naming the option.
import { PROBE_KINDS, type ProbeKind } from '../../lib/probe/trace-protocol.js';
import { CliError } from '../errors.js';

export type Value = string | string[] | undefined;

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

/** -P NAME, or one of -I -U -T (traceroute's shortcuts); null when none is given. */
export function probeKind(protocol: Value, flags: { icmp: boolean; udp: boolean; tcp: boolean }): ProbeKind | null {
  const chosen: ProbeKind[] = [];
  const named = last(protocol);
  if (named !== undefined) {
    const k = named.trim().toLowerCase();
    if (!(PROBE_KINDS as readonly string[]).includes(k)) throw new CliError(`-P: unknown probe kind "${named}": give icmp, udp or tcp`);
    chosen.push(k as ProbeKind);
  }
  if (flags.icmp) chosen.push('icmp');
  if (flags.udp) chosen.push('udp');
  if (flags.tcp) chosen.push('tcp');
  const kinds = [...new Set(chosen)];
  if (kinds.length > 1) throw new CliError(`choose one probe kind (got ${kinds.join(' and ')})`);
  return kinds[0] ?? null;
}

/** -w MAX[,HERE,NEAR] in seconds and factors, as traceroute 2.1 takes it. */
export function parseWait(text: string): { waitMs: number; here?: number; near?: number } {
  const parts = text.split(/[,/]/);
  if (parts.length > 3 || parts[0] === undefined || parts[0].trim() === '') {
    throw new CliError(`-w: "${text}" is not MAX[,HERE,NEAR] (seconds, then factors: e.g. 5,3,10)`);
  }
  const out: { waitMs: number; here?: number; near?: number } = { waitMs: decimal('-w', 'wait', parts[0]) * 1000 };
  if (parts[1] !== undefined && parts[1].trim() !== '') out.here = decimal('-w', 'HERE factor', parts[1]);
  if (parts[2] !== undefined && parts[2].trim() !== '') out.near = decimal('-w', 'NEAR factor', parts[2]);
  return out;
}
