// trace's options (traceroute's letters in brackets), its defaults, and the checks that need no
// system call (a bad value is a ProbeError naming the option); configureTrace() then resolves the
// host, picks the source address, ports and identifier, and the MTU to cut probes for.
import type { Ipv4OptionInit } from '../../wire/ipv4-options.js';
import { routeMtu } from '../../socket/route.js';
import { optionError, wholeIn } from '../errors.js';
import { fragmentMtuFor } from '../engine/fragmenting-socket.js';
import { TRACE_KINDS, type ProbeKind } from '../protocols/trace-protocol.js';
import { DEFAULT_RAW_PROTOCOL } from '../protocols/raw-ip.js';
import { UDP_BASE_PORT } from '../protocols/udp.js';
import { FIXED_UDP_PORT } from '../protocols/udp-fixed.js';
import { ECN_ECT0 } from '../../wire/dscp.js';
import type { SynOptions } from '../../wire/tcp-options.js';
import { chooseFlows, type FlowChoice } from './flows.js';
import { checkDeviceOption, checkSourceOption, chooseSource, resolveTarget, type IpVersion, type ResolvedTarget } from '../resolve.js';
import { familyOf, type ProbeFamily } from '../family/index.js';

export interface TraceOptions {
  /** Host name or IP address. */
  host: string;
  /** IP version (-4, -6); default: the address's own, IPv4 for a name. */
  version?: IpVersion | null;
  /** Probe kind (-M, or -I -U -UL -T -P). Default 'icmp'. */
  kind?: ProbeKind;
  /**
   * UDP: every probe to one destination port, from source ports counted up (traceroute -U,
   * port 53 unless given), rather than to 33434 and up (traceroute's default). Default false;
   * UDP-Lite always has one destination port.
   */
  fixedPort?: boolean;
  /** raw: the IPv4 protocol number of the probes (traceroute -P), 0-255. Default 253. */
  protocol?: number | null;
  /**
   * UDP: the first destination port (default 33434), or the one port (-U, -UL: default 53); TCP:
   * the destination port (default 80).
   */
  port?: number | null;
  /** First TTL (-f), 1-255. Default 1. */
  firstTtl?: number;
  /** Last TTL (-m), 1-255. Default 30. */
  maxTtl?: number;
  /** Probes per hop (-q), 1-10. Default 3. */
  probesPerHop?: number;
  /** Longest wait for an answer, ms (-w MAX). Default 5000. */
  waitMs?: number;
  /** Wait for the other probes of a hop that answered: HERE times its time (-w ,HERE). Default 3; 0: off. */
  here?: number;
  /** Wait for a hop when a farther one answered: NEAR times its time (-w ,,NEAR). Default 10; 0: off. */
  near?: number;
  /** Probes in flight at once (-N). Default 16. */
  simultaneous?: number;
  /** TOS byte of the probes (-Q); several values make one lane each (tos --path). Default 0. */
  tos?: number | readonly number[];
  /** Don't Fragment (-F). Default false, as traceroute. */
  df?: boolean;
  /** Bytes per probe, headers included (traceroute's packetlen). Default 60. */
  length?: number | null;
  /** Source address (-s). Default: the one the kernel would choose. */
  source?: string | null;
  /** Send and receive through this interface only (-i: SO_BINDTODEVICE). Default: any. */
  device?: string | null;
  /** IPv4 options every probe carries. */
  ipOptions?: readonly Ipv4OptionInit[];
  /** ICMP echo identifier. Default: random. */
  identifier?: number | null;
  /**
   * Source port (--sport): UDP's to 33434 and up, and -U's and -UL's, of every probe (as
   * traceroute's); TCP's of the first. Default: random, above 32767, counted up per probe where
   * the source port tells the probes apart (-T, -U, -UL).
   */
  sourcePort?: number | null;
  /**
   * Compare the quoted TTL with 1 (default true). Off when probes are not meant to expire on the
   * way (tos without --path sends TTL 64).
   */
  compareTtl?: boolean;
  /** Write every packet sent and received here (pcap). */
  pcapOut?: string | null;
  /** Keep one flow for every probe (Paris traceroute, --paris). Default false. */
  paris?: boolean;
  /** Spread the probes over this many flows, each kept (--multipath=K); null: no. */
  multipath?: number | null;
  /** TCP probes: the SYN's options (--tcp-options). Default: MSS, SACK-permitted, timestamps, window scale when they fit. */
  tcpOptions?: SynOptions | null;
  /** ECN-capable probes (--ecn): ECT(0) on the IP header, and ECE and CWR on a TCP SYN. Default false. */
  ecn?: boolean;
}

export interface TraceConfig {
  target: ResolvedTarget;
  /** The target's IP version's table. */
  family: ProbeFamily;
  kind: ProbeKind;
  /** UDP to one destination port (-U); always so for UDP-Lite. */
  fixedPort: boolean;
  /** raw: the probes' IPv4 protocol number; null for the other kinds. */
  protocol: number | null;
  /** UDP: first destination port, or the one port (-U, -UL); TCP: destination port; ICMP and raw: null. */
  port: number | null;
  firstTtl: number;
  maxTtl: number;
  probesPerHop: number;
  waitMs: number;
  here: number;
  near: number;
  simultaneous: number;
  /** One lane per value. */
  tos: number[];
  df: boolean;
  length: number;
  /**
   * Probes longer than the route's MTU are cut into fragments of this size here (traceroute's
   * kernel does it; IP_HDRINCL never does), null when they fit or DF is set (-F).
   */
  fragmentMtu: number | null;
  source: string;
  sourceGiven: boolean;
  /** The interface the probes go through (-i), or null. */
  device: string | null;
  ipOptions: readonly Ipv4OptionInit[];
  identifier: number;
  sourcePort: number;
  /** --sport was given: -U and -UL then keep it for every probe (told apart by IP identification). */
  sourcePortGiven: boolean;
  compareTtl: boolean;
  pcapOut: string | null;
  /** Classic probes, one kept flow (paris) or several (multipath), and how many (flows.ts). */
  flow: FlowChoice;
  /** TCP: the SYN's options, null for the default choice. */
  tcpOptions: SynOptions | null;
  /** ECN setup on the probes (their TOS values carry ECT(0)). */
  ecn: boolean;
}

/** traceroute's defaults (traceroute.c: DEF_HOPS, DEF_NUM_PROBES, DEF_WAIT_SECS, DEF_HERE_FACTOR, DEF_NEAR_FACTOR, DEF_SIM_PROBES). */
export const TRACE_DEFAULTS = {
  firstTtl: 1,
  maxTtl: 30,
  probesPerHop: 3,
  waitMs: 5000,
  here: 3,
  near: 10,
  simultaneous: 16,
  length: 60,
  tcpPort: 80,
} as const;

/** traceroute's MAX_PROBES: -q goes up to this. */
const MAX_PROBES_PER_HOP = 10;

function tosList(tos: TraceOptions['tos']): number[] {
  if (tos === undefined) return [0];
  return typeof tos === 'number' ? [tos] : [...tos];
}

/**
 * Checks the options that need no system call; throws ProbeError naming the option.
 * `portsInUse`: as configureTrace's.
 */
export function checkTraceOptions(options: TraceOptions, portsInUse?: number): void {
  if (typeof options.host !== 'string' || options.host === '') throw optionError('host', 'give a host to trace');
  const kind = options.kind ?? 'icmp';
  if (!(TRACE_KINDS as readonly string[]).includes(kind)) {
    throw optionError('kind', `unknown probe kind "${String(kind)}": give ${TRACE_KINDS.join(', ')}`);
  }
  if (options.protocol != null) {
    if (kind !== 'raw') throw optionError('protocol', 'a protocol number is for raw probes (-P), not ' + kind);
    wholeIn('protocol', 'protocol', options.protocol, 0, 255);
  }
  checkDeviceOption(options.device);
  const first = options.firstTtl ?? TRACE_DEFAULTS.firstTtl;
  const max = options.maxTtl ?? TRACE_DEFAULTS.maxTtl;
  wholeIn('firstTtl', 'first TTL', first, 1, 255);
  wholeIn('maxTtl', 'max TTL', max, 1, 255);
  if (max < first) throw optionError('maxTtl', `max TTL ${max} is below the first TTL ${first}: give a max TTL of at least ${first}`);
  const q = options.probesPerHop ?? TRACE_DEFAULTS.probesPerHop;
  if (!Number.isInteger(q) || q < 1 || q > MAX_PROBES_PER_HOP) {
    throw optionError('probesPerHop', `${String(q)} probes per hop: give a whole number from 1 to ${MAX_PROBES_PER_HOP}`);
  }
  const wait = options.waitMs ?? TRACE_DEFAULTS.waitMs;
  if (!(Number.isFinite(wait) && wait >= 1 && wait <= 3_600_000)) {
    throw optionError('waitMs', `wait ${String(wait / 1000)} s is out of range: give 0.001 to 3600 seconds`);
  }
  for (const [field, value] of [['here', options.here], ['near', options.near]] as const) {
    if (value != null && !(Number.isFinite(value) && value >= 0 && value <= 1000)) {
      throw optionError(field, `${field.toUpperCase()} factor ${String(value)} is out of range: give 0 (off) to 1000`);
    }
  }
  if (options.simultaneous != null) wholeIn('simultaneous', 'probes in flight', options.simultaneous, 1, 1024);
  const lanes = tosList(options.tos);
  if (lanes.length === 0 || lanes.length > 256) throw optionError('tos', `${lanes.length} TOS values: give 1 to 256`);
  for (const v of lanes) wholeIn('tos', 'TOS', v, 0, 255);
  if (options.length != null) wholeIn('length', 'packet length', options.length, 0, 65535);
  checkSourceOption(options.source, false);
  if (options.identifier != null) wholeIn('identifier', 'identifier', options.identifier, 0, 0xffff);
  if (options.sourcePort != null) wholeIn('sourcePort', 'source port', options.sourcePort, 1, 0xffff);
  if (options.tcpOptions != null && kind !== 'tcp') throw optionError('tcpOptions', 'TCP options (--tcp-options) are for TCP SYN probes (-T, -P tcp)');
  if (options.port != null) {
    if (kind === 'icmp' || kind === 'raw') throw optionError('port', `a port is for udp, udplite and tcp probes, not ${kind}`);
    wholeIn('port', 'port', options.port, 1, 0xffff);
  }
  const flow = chooseFlows(options.paris, options.multipath, kind, options.length ?? TRACE_DEFAULTS.length);
  if (flow.mode === 'multipath' && kind === 'raw') throw optionError('multipath', 'raw probes have no ports to make flows of: give -M udp, tcp or icmp');
  if (flow.mode === 'classic') checkPortRoom(options, kind, portsInUse ?? probeCount(first, max, q, lanes.length));
  else checkFlowPorts(options, kind, flow.flows);
}

/** Whether every probe goes to one destination port and the source port tells them apart: -T, -U, -UL. */
export function countsSourcePorts(kind: ProbeKind, fixedPort: boolean | undefined): boolean {
  return kind === 'tcp' || kind === 'udplite' || (kind === 'udp' && fixedPort === true);
}

/** The destination port a kind's probes go to (the first, for UDP to 33434 and up); null for ICMP and raw. */
export function defaultPort(kind: ProbeKind, fixedPort: boolean | undefined): number | null {
  if (kind === 'icmp' || kind === 'raw') return null;
  if (kind === 'tcp') return TRACE_DEFAULTS.tcpPort;
  return kind === 'udplite' || fixedPort === true ? FIXED_UDP_PORT : UDP_BASE_PORT;
}

/** Every classic probe needs its own port (its key): the ports must not run out. */
function checkPortRoom(options: TraceOptions, kind: ProbeKind, total: number): void {
  const counted = countsSourcePorts(kind, options.fixedPort);
  if (kind === 'udp' && !counted) {
    const base = options.port ?? UDP_BASE_PORT;
    if (0x10000 - base < total) {
      throw optionError('port', `port ${base} leaves room for ${0x10000 - base} probes, and this trace may send ${total}: give a lower port`);
    }
  }
  // -U and -UL with --sport keep that port for every probe (traceroute's): nothing counts up.
  if (counted && options.sourcePort != null && kind === 'tcp') {
    const dst = options.port ?? TRACE_DEFAULTS.tcpPort;
    if (0x10000 - options.sourcePort < total) {
      throw optionError('sourcePort', `source port ${options.sourcePort} leaves room for ${0x10000 - options.sourcePort} probes, and this trace may send ${total}`);
    }
    if (dst >= options.sourcePort && dst < options.sourcePort + total) {
      throw optionError('sourcePort', `the source ports ${options.sourcePort}-${options.sourcePort + total - 1} include the destination port ${dst}`);
    }
  }
}

/** A flow's port: UDP destination ports port .. port + flows - 1, TCP source ports sport ..; they must exist. */
function checkFlowPorts(options: TraceOptions, kind: ProbeKind, flows: number): void {
  const [field, base] = kind === 'udp' && options.fixedPort !== true ? ['port', options.port ?? UDP_BASE_PORT] : ['sourcePort', options.sourcePort];
  if (kind === 'icmp' || kind === 'raw' || base == null || base + flows - 1 <= 0xffff) return;
  throw optionError(field, `${flows} flows need the ports ${base}-${base + flows - 1}: give a lower ${field === 'port' ? 'port' : 'source port'}`);
}

/** Probes a whole trace may send: every cell of the grid. */
export function probeCount(first: number, max: number, q: number, lanes: number): number {
  return (max - first + 1) * q * lanes;
}

/** A whole number from low to high, both included. */
export function randomIn(low: number, high: number): number {
  return low + Math.floor(Math.random() * (high - low + 1));
}

/**
 * Checks, resolves the host and finds the source address. `portsInUse`: how many TCP source
 * ports (or UDP destination ports) the run uses at once, for choosing a random base that leaves
 * room; default one per probe of the grid (classic), one per flow when flows are kept.
 */
export async function configureTrace(options: TraceOptions, portsInUse?: number): Promise<TraceConfig> {
  checkTraceOptions(options, portsInUse);
  const kind = options.kind ?? 'icmp';
  const target = await resolveTarget(options.host, options.version ?? null);
  const family = familyOf(target.version ?? 4);
  if (family.version === 6 && options.ipOptions !== undefined && options.ipOptions.length > 0) throw optionError('ipOptions', 'IP options are IPv4\'s: an IPv6 probe has none');
  // UDP-Lite and raw probes are built on IPv4 headers only (udp-fixed.ts, raw-ip.ts).
  if (family.version === 6 && (kind === 'udplite' || kind === 'raw')) throw optionError('kind', `${kind} probes are IPv4 only: give -4, or another method for IPv6`);
  const device = options.device ?? null;
  const { source, sourceGiven } = chooseSource(options.source, target.address, { device });
  const fixedPort = kind === 'udplite' || (kind === 'udp' && options.fixedPort === true);
  const df = options.df ?? false;
  // traceroute's default packet: 60 bytes over IPv4, 80 over IPv6 (the same data after a 40-byte header).
  const length = options.length ?? TRACE_DEFAULTS.length + (family.ipHeaderBytes - 20);
  const firstTtl = options.firstTtl ?? TRACE_DEFAULTS.firstTtl;
  const maxTtl = options.maxTtl ?? TRACE_DEFAULTS.maxTtl;
  const probesPerHop = options.probesPerHop ?? TRACE_DEFAULTS.probesPerHop;
  // ECN-capable: ECT(0) in each value's ECN bits (RFC 3168), kept through the comparison.
  const tos = tosList(options.tos).map((v) => (options.ecn === true ? (v & ~0x03) | ECN_ECT0 : v));
  const flow = chooseFlows(options.paris, options.multipath, kind, length);
  // The flow probes are IPv4's (flow-*.ts: the IPv4 identification, an ICMPv4 checksum): over
  // IPv6 they would go unanswered, every hop a star.
  if (family.version === 6 && flow.mode !== 'classic') throw optionError(flow.mode === 'paris' ? 'paris' : 'multipath', `--${flow.mode} keeps flows over IPv4 only: give -4, or leave it out for IPv6`);
  const total = portsInUse ?? (flow.mode === 'classic' ? probeCount(firstTtl, maxTtl, probesPerHop, tos.length) : flow.flows);
  const port = options.port ?? defaultPort(kind, fixedPort);
  const counted = countsSourcePorts(kind, fixedPort);
  let sourcePort = options.sourcePort ?? 0;
  if (options.sourcePort == null) {
    // Above the well-known and registered ports, clear of the destination port where the
    // source ports count up (-T, -U, -UL).
    do sourcePort = randomIn(32768, counted ? 0x10000 - total : 60999);
    while (counted && port !== null && port >= sourcePort && port < sourcePort + total);
  }
  return {
    target,
    family,
    kind,
    fixedPort,
    protocol: kind === 'raw' ? options.protocol ?? DEFAULT_RAW_PROTOCOL : null,
    port,
    firstTtl,
    maxTtl,
    probesPerHop,
    waitMs: options.waitMs ?? TRACE_DEFAULTS.waitMs,
    here: options.here ?? TRACE_DEFAULTS.here,
    near: options.near ?? TRACE_DEFAULTS.near,
    simultaneous: options.simultaneous ?? TRACE_DEFAULTS.simultaneous,
    tos,
    df,
    length,
    fragmentMtu: df ? null : fragmentMtuFor(length, routeMtu(target.address, sourceGiven ? source : null, { device })),
    source,
    sourceGiven,
    device,
    ipOptions: options.ipOptions ?? [],
    identifier: options.identifier ?? randomIn(0, 0xffff),
    sourcePort,
    sourcePortGiven: options.sourcePort != null,
    compareTtl: options.compareTtl ?? true,
    pcapOut: options.pcapOut ?? null,
    flow,
    tcpOptions: options.tcpOptions ?? null,
    ecn: options.ecn ?? false,
  };
}
