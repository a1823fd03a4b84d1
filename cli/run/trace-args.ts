// Command-line values that trace and tos share: the probe kind (-P, -I, -U, -T) and
// -w MAX[,HERE,NEAR]. Errors are CliError (exit 2), naming the option.
import { PROBE_KINDS, type ProbeKind } from '../../lib/probe/protocols/trace-protocol.js';
import { CliError } from '../errors.js';
import { decimal } from '../numbers.js';

/** -P NAME, or one of -I -U -T (traceroute's shortcuts); null when none is given. */
export function probeKind(named: string | undefined, flags: { icmp: boolean; udp: boolean; tcp: boolean }): ProbeKind | null {
  const chosen: ProbeKind[] = [];
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
