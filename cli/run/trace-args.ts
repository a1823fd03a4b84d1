// Command-line values of trace and tos: the probe kind (tos: -P, -I, -U, -T; trace: traceroute's
// -M, -I, -U, -UL, -T, -P) and -w MAX[,HERE,NEAR]. Errors are CliError (exit 2), naming the option.
import { PROBE_KINDS, type ProbeKind } from '../../lib/probe/protocols/trace-protocol.js';
import { CliError } from '../errors.js';
import { decimal, whole } from '../numbers.js';

/** What trace probes with: the kind, UDP's one port (-U), raw's protocol number (-P). */
export interface TraceMethod {
  kind: ProbeKind;
  fixedPort: boolean;
  protocol: number | null;
}

/** traceroute's -M names (its modules), as trace's kinds. */
const METHODS: Readonly<Record<string, Omit<TraceMethod, 'protocol'>>> = {
  icmp: { kind: 'icmp', fixedPort: false },
  default: { kind: 'udp', fixedPort: false },
  udp: { kind: 'udp', fixedPort: true },
  udplite: { kind: 'udplite', fixedPort: true },
  tcp: { kind: 'tcp', fixedPort: false },
  raw: { kind: 'raw', fixedPort: false },
};

/** The method -M, -I, -T, -U, -UL or -P choose (traceroute's letters), null when none is given; two different ones are a usage error. */
export function traceMethod(argv: { method?: string; icmp: boolean; tcp: boolean; udp: boolean; udplite: boolean; protocol?: string }): TraceMethod | null {
  const chosen = new Map<string, TraceMethod>();
  if (argv.method !== undefined) {
    const name = argv.method.trim().toLowerCase();
    const m = METHODS[name];
    if (m === undefined) throw new CliError(`-M: unknown method "${argv.method}": give ${Object.keys(METHODS).join(', ')}`);
    chosen.set(name, { ...m, protocol: null });
  }
  for (const [given, name] of [[argv.icmp, 'icmp'], [argv.tcp, 'tcp'], [argv.udp, 'udp'], [argv.udplite, 'udplite']] as const) {
    if (given) chosen.set(name, { ...METHODS[name]!, protocol: null });
  }
  if (argv.protocol !== undefined) chosen.set('raw', { kind: 'raw', fixedPort: false, protocol: rawProtocol(argv.protocol) });
  if (chosen.size > 1) throw new CliError(`choose one probe method (got ${[...chosen.keys()].join(' and ')})`);
  return [...chosen.values()][0] ?? null;
}

/** -P: a protocol number, as traceroute takes it (a name there is /etc/protocols'; our probe kinds are -M's). */
function rawProtocol(text: string): number {
  if (/^\s*[a-z]/i.test(text)) {
    throw new CliError(`-P: "${text}" is not a protocol number (0-255): -P sends raw IPv4 probes of that protocol, as traceroute's; for ${text} probes give -M ${text === 'udp' ? 'default (ports 33434 and up) or -U (port 53)' : text}`);
  }
  return whole('-P', 'protocol', text);
}

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
