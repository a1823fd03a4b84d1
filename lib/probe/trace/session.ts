// trace: TTL probing through the shared engine, with traceroute 2.1's rules (traceroute.c), and
// the header comparison no traceroute does (changes.ts).
//
//   - probes go out with rising TTL, -q per hop, up to -N in flight at once (traceroute
//     sends 16 at once): the whole path is probed in parallel, not hop after hop;
//   - each probe waits at most MAX (-w); once an answer comes back with time r, probes of the
//     same hop wait at most HERE * (r + 1 ms) and probes of nearer hops NEAR * (r + 1 ms)
//     (traceroute's get_timeout(), -w MAX,HERE,NEAR, defaults 5,3,10): a silent hop costs
//     ten round trips of the hops behind it, not five seconds;
//   - a hop is final when a probe of it reached the destination (echo reply, port unreachable,
//     SYN-ACK/RST) or got an unreachable (!H !N !P !F...): no probe goes beyond it, and the
//     trace ends when every probe up to it is answered or given up;
//   - hops are reported in TTL order as soon as all their probes are settled.
//
// Answers are matched to probes by key (the quoted inner header for errors), so a missing
// answer (ICMP rate limiting in a router) is a `*`, never another probe's router. A destination
// that rate-limits its own answers (UDP's port unreachable) is placed by its quote, which tells
// the TTL a probe had left when it got there: the hops between are not reported as hops (a hop
// where nobody answered is held back until a farther hop answers, or one more wait passed).
//
// `tos` runs the same machinery with several lanes: one TTL sweep per TOS value, side by side
// in one engine (a lane is one value; each lane keeps its own final hop, waits and changes).
import { formatIpv4 } from '../../wire/bytes.js';
import { ICMP_TYPE, isError } from '../../wire/icmpv4-codes.js';
import { FIELD as IP, isFragment, PROTOCOL } from '../../wire/ipv4.js';
import { quotedHeaderOffset } from '../../wire/peek.js';
import { NS_PER_MS } from '../../socket/clock.js';
import { fragmentIpv4 } from '../../wire/fragment.js';
import { traceMark } from '../../wire/icmp-names.js';
import type { Ipv4OptionInit } from '../../wire/ipv4-options.js';
import type { Capture } from '../engine/capture.js';
import { ChangeTracker, compareQuoted, type HeaderChange } from './changes.js';
import { NEXT, OUTCOME, ProbeEngine, type EngineClock, type Next, type Outcome, type ProbeHandler } from '../engine/engine.js';
import { errnoName, optionError, wholeIn } from '../errors.js';
import type { Match, ProbeSlot } from '../engine/protocol.js';
import { checkSourceOption, chooseSource, resolveTarget, type ResolvedTarget } from '../resolve.js';
import { realClock, runSession } from '../engine/session.js';
import { rttMicros } from '../engine/stats.js';
import { IcmpProbe } from '../protocols/trace-icmp.js';
import { PROBE_KINDS, type ProbeKind, type TraceProtocol } from '../protocols/trace-protocol.js';
import { openTraceSocket, type TraceSocket } from './socket.js';
import { FragmentingSocket, fragmentMtuFor } from '../engine/fragmenting-socket.js';
import { routeMtu } from '../../socket/route.js';
import { TcpSynProbe } from '../protocols/tcp-syn.js';
import { UDP_BASE_PORT, UdpProbe } from '../protocols/udp.js';

export interface TraceOptions {
  /** Host name or IPv4 address. */
  host: string;
  /** Probe kind (-P / -I -U -T). Default 'icmp'. */
  kind?: ProbeKind;
  /** UDP: the first destination port (default 33434); TCP: the destination port (default 80). */
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
  /** IPv4 options every probe carries. */
  ipOptions?: readonly Ipv4OptionInit[];
  /** ICMP echo identifier. Default: random. */
  identifier?: number | null;
  /** UDP source port / first TCP source port. Default: random, above 32767. */
  sourcePort?: number | null;
  /**
   * Compare the quoted TTL with 1 (default true). Off when probes are not meant to expire on the
   * way (tos without --path sends TTL 64).
   */
  compareTtl?: boolean;
  /** Write every packet sent and received here (pcap). */
  pcapOut?: string | null;
}

export interface TraceConfig {
  target: ResolvedTarget;
  kind: ProbeKind;
  /** UDP: first destination port; TCP: destination port; ICMP: null. */
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
  ipOptions: readonly Ipv4OptionInit[];
  identifier: number;
  sourcePort: number;
  compareTtl: boolean;
  pcapOut: string | null;
}

export interface TraceStart {
  type: 'start';
  host: string;
  address: string;
  source: string;
  kind: ProbeKind;
  port: number | null;
  firstTtl: number;
  maxTtl: number;
  probesPerHop: number;
  /** Bytes per probe, headers included (traceroute's "60 byte packets"). */
  packetLength: number;
  tos: number[];
  df: boolean;
}

/** One probe's outcome. */
export interface TraceProbe {
  /** Who answered; null: no answer (`*`). */
  from: string | null;
  /** Round trip in ms (microsecond resolution), and in whole microseconds. */
  rttMs: number | null;
  rttUs: number | null;
  /** The ICMP message that answered; null for no answer and for a TCP answer. */
  icmp: { type: number; code: number } | null;
  /** traceroute's mark after the time: '!H', '!N', '!F-1400'...; null for none. */
  mark: string | null;
  /** The destination itself answered (echo reply, port unreachable, SYN-ACK or RST). */
  reply: boolean;
  /** Flags byte of a TCP answer (0x12 SYN-ACK, 0x14 RST-ACK), else null. */
  tcpFlags: number | null;
  /** TTL and TOS of the answer datagram itself. */
  ttl: number | null;
  tos: number | null;
  /** TOS and TTL our header had when the answering node got it (from the quote), else null. */
  quotedTos: number | null;
  quotedTtl: number | null;
  /** Every difference between the quote and what this probe carried. */
  changes: HeaderChange[];
  /** The kernel refused to send it (errno name), else null. */
  sendError: string | null;
}

export interface TraceHop {
  type: 'hop';
  /** Index of the lane (TOS value) and that value. */
  lane: number;
  tos: number;
  ttl: number;
  probes: TraceProbe[];
  /** Changes to our header seen first at this hop (see ChangeTracker). */
  changes: HeaderChange[];
  /**
   * The last hop: a probe of it reached the destination or got an unreachable, or a later
   * answer's quote showed the destination is here (see TraceHandler.answer).
   */
  final: boolean;
}

export interface TraceDone {
  type: 'done';
  lane: number;
  tos: number;
  /** The destination answered. */
  reached: boolean;
  /** TTL of the last hop reported (0 when none was). */
  hops: number;
}

export interface TraceLaneResult {
  tos: number;
  reached: boolean;
  hops: TraceHop[];
}

export interface TraceHooks {
  onHop?: (hop: TraceHop) => void;
  onDone?: (done: TraceDone) => void;
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

/** traceroute's DEF_WAIT_PREC: added to a round trip before multiplying, so tiny times still leave room. */
const WAIT_PRECISION_NS = 1e6;
const MAX_PROBES_PER_HOP = 10;
/** How long after opening the socket the first probe waits (see settleTimestamps, session.ts). */
const TIMESTAMP_SETTLE_MS = 3;

// ---- options ---------------------------------------------------------------------------------

function tosList(tos: TraceOptions['tos']): number[] {
  if (tos === undefined) return [0];
  return typeof tos === 'number' ? [tos] : [...tos];
}

/** Checks the options that need no system call; throws ProbeError naming the option. */
export function checkTraceOptions(options: TraceOptions): void {
  if (typeof options.host !== 'string' || options.host === '') throw optionError('host', 'give a host to trace');
  const kind = options.kind ?? 'icmp';
  if (!(PROBE_KINDS as readonly string[]).includes(kind)) {
    throw optionError('kind', `unknown probe kind "${String(kind)}": give icmp, udp or tcp`);
  }
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
  checkSourceOption(options.source);
  if (options.identifier != null) wholeIn('identifier', 'identifier', options.identifier, 0, 0xffff);
  if (options.sourcePort != null) wholeIn('sourcePort', 'source port', options.sourcePort, 1, 0xffff);
  if (options.port != null) {
    if (kind === 'icmp') throw optionError('port', 'a port is for udp and tcp probes (-P udp, -P tcp), not icmp');
    wholeIn('port', 'port', options.port, 1, 0xffff);
  }
  // Every probe needs its own port (its key): the ports must not run out.
  const total = probeCount(first, max, q, lanes.length);
  if (kind === 'udp') {
    const base = options.port ?? UDP_BASE_PORT;
    if (0x10000 - base < total) {
      throw optionError('port', `port ${base} leaves room for ${0x10000 - base} probes, and this trace may send ${total}: give a lower port`);
    }
  }
  if (kind === 'tcp' && options.sourcePort != null) {
    const dst = options.port ?? TRACE_DEFAULTS.tcpPort;
    if (0x10000 - options.sourcePort < total) {
      throw optionError('sourcePort', `source port ${options.sourcePort} leaves room for ${0x10000 - options.sourcePort} probes, and this trace may send ${total}`);
    }
    if (dst >= options.sourcePort && dst < options.sourcePort + total) {
      throw optionError('sourcePort', `the source ports ${options.sourcePort}-${options.sourcePort + total - 1} include the destination port ${dst}`);
    }
  }
}

function probeCount(first: number, max: number, q: number, lanes: number): number {
  return (max - first + 1) * q * lanes;
}

function randomIn(low: number, high: number): number {
  return low + Math.floor(Math.random() * (high - low + 1));
}

/** Checks, resolves the host and finds the source address. */
export async function configureTrace(options: TraceOptions): Promise<TraceConfig> {
  checkTraceOptions(options);
  const target = await resolveTarget(options.host);
  const { source, sourceGiven } = chooseSource(options.source, target.address);
  const kind = options.kind ?? 'icmp';
  const df = options.df ?? false;
  const length = options.length ?? TRACE_DEFAULTS.length;
  const firstTtl = options.firstTtl ?? TRACE_DEFAULTS.firstTtl;
  const maxTtl = options.maxTtl ?? TRACE_DEFAULTS.maxTtl;
  const probesPerHop = options.probesPerHop ?? TRACE_DEFAULTS.probesPerHop;
  const tos = tosList(options.tos);
  const total = probeCount(firstTtl, maxTtl, probesPerHop, tos.length);
  const port = kind === 'icmp' ? null : options.port ?? (kind === 'udp' ? UDP_BASE_PORT : TRACE_DEFAULTS.tcpPort);
  let sourcePort = options.sourcePort ?? 0;
  if (options.sourcePort == null) {
    // Above the well-known and registered ports, clear of the destination port (TCP).
    do sourcePort = randomIn(32768, kind === 'tcp' ? 0x10000 - total : 60999);
    while (kind === 'tcp' && port !== null && port >= sourcePort && port < sourcePort + total);
  }
  return {
    target,
    kind,
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
    fragmentMtu: df ? null : fragmentMtuFor(length, routeMtu(target.address, sourceGiven ? source : null)),
    source,
    sourceGiven,
    ipOptions: options.ipOptions ?? [],
    identifier: options.identifier ?? randomIn(0, 0xffff),
    sourcePort,
    compareTtl: options.compareTtl ?? true,
    pcapOut: options.pcapOut ?? null,
  };
}

/** The probe protocol for a configuration. */
export function traceProtocol(config: TraceConfig): TraceProtocol {
  const header = {
    source: config.source,
    df: config.df,
    ipOptions: config.ipOptions,
    length: config.length,
    ipIdBase: randomIn(0, 0xffff),
  };
  switch (config.kind) {
    case 'udp':
      return new UdpProbe({ ...header, srcPort: config.sourcePort, basePort: config.port ?? UDP_BASE_PORT });
    case 'tcp':
      return new TcpSynProbe({ ...header, dstPort: config.port ?? TRACE_DEFAULTS.tcpPort, srcPortBase: config.sourcePort, sequenceBase: randomIn(0, 0xffffffff) });
    default:
      return new IcmpProbe({ ...header, identifier: config.identifier });
  }
}

// ---- the session --------------------------------------------------------------------------

export interface TraceSessionParts {
  /** Defaults: openTraceSocket() and the addon's clock. Tests pass fakes. */
  socket?: TraceSocket;
  clock?: EngineClock;
  /** Default: traceProtocol(config). */
  protocol?: TraceProtocol;
  /** Where config.pcapOut goes: openTraceCapture(config) (openTrace does it). */
  capture?: Capture | null;
}

/**
 * Opens config.pcapOut (creating or truncating it), or gives null without one. The pcap writer
 * is loaded only here, so a trace without --pcap-out never pays for it.
 */
export async function openTraceCapture(config: TraceConfig): Promise<Capture | null> {
  if (config.pcapOut === null) return null;
  const { openPcapOut } = await import('../engine/capture.js');
  return openPcapOut(config.pcapOut);
}

/** Checks the options, resolves the host, opens the sockets (CAP_NET_RAW). Nothing is sent until run(). */
export async function openTrace(options: TraceOptions, parts: TraceSessionParts = {}): Promise<TraceSession> {
  const config = await configureTrace(options);
  const capture = parts.capture !== undefined ? parts.capture : await openTraceCapture(config);
  try {
    return new TraceSession(config, { ...parts, capture });
  } catch (e) {
    await capture?.close();
    throw e;
  }
}

export class TraceSession {
  readonly config: TraceConfig;
  readonly start: TraceStart;
  readonly protocol: TraceProtocol;
  readonly #socket: TraceSocket;
  readonly #clock: EngineClock;
  readonly #ownSocket: boolean;
  readonly #openedAt = performance.now();
  readonly #capture: Capture | null;
  #engine: ProbeEngine | null = null;
  #stopRequested = false;

  constructor(config: TraceConfig, parts: TraceSessionParts = {}) {
    this.config = config;
    this.protocol = parts.protocol ?? traceProtocol(config);
    this.#ownSocket = parts.socket === undefined;
    const socket = parts.socket ?? openTraceSocket(this.protocol, { source: config.sourceGiven ? config.source : null });
    this.#socket = config.fragmentMtu === null ? socket : new FragmentingSocket(socket, config.fragmentMtu);
    this.#clock = parts.clock ?? realClock;
    this.#capture = parts.capture ?? null;
    this.start = {
      type: 'start',
      host: config.target.host,
      address: config.target.address,
      source: config.source,
      kind: config.kind,
      port: config.port,
      firstTtl: config.firstTtl,
      maxTtl: config.maxTtl,
      probesPerHop: config.probesPerHop,
      packetLength: this.protocol.packetLength,
      tos: [...config.tos],
      df: config.df,
    };
  }

  /** Runs to the end (every lane reached its last hop, or stop()). Closes the sockets. */
  async run(hooks: TraceHooks = {}): Promise<TraceLaneResult[]> {
    const config = this.config;
    const handler = new TraceHandler(config, this.protocol, hooks, this.#clock);
    const total = probeCount(config.firstTtl, config.maxTtl, config.probesPerHop, config.tos.length);
    const engine = new ProbeEngine({
      socket: this.#socket,
      protocol: this.protocol,
      handler,
      clock: this.#clock,
      targets: [config.target.address],
      timeoutMs: config.waitMs,
      // Sized to the trace: every probe stays remembered (late answers are recognised), and a
      // small ring is quicker to allocate than the default 64 Ki probes.
      memory: Math.max(64, total),
      // One sendto per probe, each with its own timestamp, as traceroute sends them: a trace
      // sends a few dozen probes, and in a sendmmsg batch only the first has a measured send
      // time (the others' are interpolated, and on a fast path their answers can arrive before
      // the interpolated time: a 0.000 ms hop).
      maxBatch: 1,
      tap: this.#capture?.tap ?? null,
    });
    this.#engine = engine;
    handler.engine = engine;
    await runSession(engine, {
      ownSocket: this.#ownSocket,
      openedAt: this.#openedAt,
      settleMs: TIMESTAMP_SETTLE_MS,
      stopRequested: () => this.#stopRequested,
      socket: this.#socket,
      capture: this.#capture,
    });
    handler.finish(this.#stopRequested);
    return handler.results();
  }

  /** Ends the run now (SIGINT): run() resolves with the hops reported so far. */
  stop(): void {
    this.#stopRequested = true;
    this.#engine?.stop();
  }
}

// ---- the handler: traceroute's scheduling on top of the engine ------------------------------

const CELL = { unsent: 0, open: 1, done: 2 } as const;

interface Lane {
  tos: number;
  /** Lowest TTL known to be final; Infinity until one is. */
  final: number;
  /** Next TTL to report. */
  nextHop: number;
  complete: boolean;
  reported: boolean;
  reached: boolean;
  tracker: ChangeTracker;
  hops: TraceHop[];
}

/**
 * The probes form a grid: TTL (outer), lane, probe of the hop (inner); cell g is
 * ((ttl - first) * lanes + lane) * q + i, and goes out in that order (all lanes of a TTL, then
 * the next TTL), skipping cells beyond their lane's final hop.
 */
class TraceHandler implements ProbeHandler {
  engine: ProbeEngine | null = null;
  readonly #config: TraceConfig;
  readonly #protocol: TraceProtocol;
  readonly #hooks: TraceHooks;
  readonly #lanes: Lane[];
  readonly #q: number;
  readonly #laneCount: number;
  readonly #hopCount: number;
  readonly #total: number;
  readonly #state: Uint8Array;
  readonly #results: (TraceProbe | null)[];
  /** The cell of each probe, by the engine's probe number n (every n is below the cell count). */
  readonly #cellOf: Int32Array;
  /** First round trip seen per lane and hop (ns), NaN until one: the base of the adaptive waits. */
  readonly #firstRtt: Float64Array;
  /** When each silent hop was first held back (clock ns), NaN when never. */
  readonly #silentSince: Float64Array;
  readonly #clock: EngineClock;
  readonly #open = new Set<number>();
  #cursor = 0;
  #stopped = false;
  /** At the end: report everything settled, hold nothing back. */
  #flushing = false;
  // for re-encoding what a probe carried (the header comparison)
  readonly #scratch: Buffer;
  readonly #slot: ProbeSlot;

  constructor(config: TraceConfig, protocol: TraceProtocol, hooks: TraceHooks, clock: EngineClock) {
    this.#config = config;
    this.#clock = clock;
    this.#protocol = protocol;
    this.#hooks = hooks;
    this.#q = config.probesPerHop;
    this.#laneCount = config.tos.length;
    this.#hopCount = config.maxTtl - config.firstTtl + 1;
    this.#total = this.#hopCount * this.#laneCount * this.#q;
    this.#state = new Uint8Array(this.#total);
    this.#results = new Array<TraceProbe | null>(this.#total).fill(null);
    this.#cellOf = new Int32Array(this.#total).fill(-1);
    this.#firstRtt = new Float64Array(this.#hopCount * this.#laneCount).fill(Number.NaN);
    this.#silentSince = new Float64Array(this.#hopCount * this.#laneCount).fill(Number.NaN);
    this.#lanes = config.tos.map((tos) => ({
      tos,
      final: Number.POSITIVE_INFINITY,
      nextHop: config.firstTtl,
      complete: false,
      reported: false,
      reached: false,
      tracker: new ChangeTracker(),
      hops: [],
    }));
    this.#scratch = Buffer.alloc(protocol.maxProbeLength);
    this.#slot = { number: 0, target: 0, address: config.target.address, addressValue: 0, ttl: 64, tos: 0, timeoutMs: 0, key: -1 };
  }

  #laneOf(g: number): number {
    return Math.floor(g / this.#q) % this.#laneCount;
  }

  #ttlOf(g: number): number {
    return this.#config.firstTtl + Math.floor(g / (this.#q * this.#laneCount));
  }

  /** The cell of probe n, or -1. */
  #cell(n: number): number {
    return n >= 0 && n < this.#total ? (this.#cellOf[n] as number) : -1;
  }

  // ---- sending ----

  next(probe: ProbeSlot): Next {
    if (this.#stopped) return NEXT.done;
    if (this.#open.size >= this.#config.simultaneous) return NEXT.wait;
    while (this.#cursor < this.#total) {
      const g = this.#cursor;
      const lane = this.#lanes[this.#laneOf(g)]!;
      if (!lane.complete && this.#ttlOf(g) <= lane.final) break;
      this.#cursor = (Math.floor(g / this.#q) + 1) * this.#q; // the rest of this lane's cells at this TTL
    }
    if (this.#cursor >= this.#total) return NEXT.done;
    const g = this.#cursor++;
    const lane = this.#laneOf(g);
    const ttl = this.#ttlOf(g);
    probe.target = 0;
    probe.ttl = ttl;
    probe.tos = this.#lanes[lane]!.tos;
    probe.timeoutMs = this.#waitFor(lane, ttl);
    this.#cellOf[probe.number] = g;
    this.#state[g] = CELL.open;
    this.#open.add(probe.number);
    return NEXT.send;
  }

  /** traceroute's get_timeout(): the wait for a new probe, from the answers so far. */
  #waitFor(lane: number, ttl: number): number {
    const c = this.#config;
    const row = lane * this.#hopCount;
    const h = ttl - c.firstTtl;
    const here = this.#firstRtt[row + h] as number;
    if (c.here > 0 && !Number.isNaN(here)) return Math.min(c.waitMs, (c.here * (here + WAIT_PRECISION_NS)) / NS_PER_MS);
    if (c.near > 0) {
      for (let k = h + 1; k < this.#hopCount; k++) {
        const r = this.#firstRtt[row + k] as number;
        if (!Number.isNaN(r)) return Math.min(c.waitMs, (c.near * (r + WAIT_PRECISION_NS)) / NS_PER_MS);
      }
    }
    return c.waitMs;
  }

  sent(n: number, error: Error | null): void {
    if (error === null) return;
    const g = this.#cell(n);
    if (g < 0 || this.#state[g] !== CELL.open) return;
    const name = errnoName(error) ?? 'EIO';
    // The kernel said no before anything left (no route; longer than the interface MTU, which
    // Linux never fragments for a header we wrote): traceroute reports locally-found errors
    // with the same marks, and stops there.
    const mark = name === 'EMSGSIZE' ? '!F' : name === 'EHOSTUNREACH' ? '!H' : name === 'ENETUNREACH' ? '!N' : name === 'EACCES' || name === 'EPERM' ? '!X' : `!<${name}>`;
    this.#settle(n, g, { ...noAnswer(), mark, sendError: name }, true);
    // Room in the window again: the engine only asks for more after an answer or a timeout.
    this.engine!.wake();
  }

  // ---- answers ----

  answer(n: number, outcome: Outcome, m: Match, receivedAt: number): void {
    if (outcome !== OUTCOME.reply && outcome !== OUTCOME.error) return; // duplicates, late, corrupted, redirects
    const g = this.#cell(n);
    if (g < 0 || this.#state[g] !== CELL.open) return;
    const engine = this.engine!;
    const rttNs = Math.max(0, receivedAt - engine.sentAt(n));
    const rttUs = rttMicros(rttNs);
    const isIcmp = m.data[m.offset + IP.PROTOCOL] === PROTOCOL.ICMP;
    const icmp = isIcmp ? { type: m.type, code: m.code } : null;
    const mark = isIcmp && outcome === OUTCOME.error ? traceMark(m.type, m.code, { nextHopMtu: m.info >= 0 ? m.info : null }) : null;
    let changes: HeaderChange[] = [];
    let quoted = false;
    if (isIcmp && isError(m.type)) {
      const inner = quotedHeaderOffset(m.data, m.offset, m.length);
      if (inner >= 0) {
        quoted = true;
        let sent: Uint8Array = this.#scratch;
        let length = this.#sentBytes(n);
        // A router quotes the fragment that reached it: compare with the first one we sent. (The
        // destination quotes the datagram it put back together: compare with the whole probe.)
        const mtu = this.#config.fragmentMtu;
        if (mtu !== null && length > mtu && isFragment(m.data, inner)) {
          sent = fragmentIpv4(this.#scratch.subarray(0, length), mtu)[0]!;
          length = sent.byteLength;
        }
        // The quoted TTL means something for a probe that expired, or that reached the
        // destination: then it arrived with 1 left. An unreachable from a router on the way
        // (!F, !H...) is about another limit, the TTL left is whatever it was.
        const expiring = this.#config.compareTtl && (m.type === ICMP_TYPE.TIME_EXCEEDED || outcome === OUTCOME.reply);
        changes = compareQuoted(sent, 0, length, m.data, inner, m.offset + m.length - inner, { expectedTtl: expiring ? 1 : null });
      }
    }
    const result: TraceProbe = {
      from: formatIpv4(m.from),
      rttMs: rttUs / 1000,
      rttUs,
      icmp,
      mark,
      reply: outcome === OUTCOME.reply,
      tcpFlags: isIcmp ? null : m.type,
      ttl: m.ttl,
      tos: m.tos,
      quotedTos: quoted ? m.quotedTos : null,
      quotedTtl: quoted ? m.quotedTtl : null,
      changes,
      sendError: null,
    };
    const final = result.reply || mark !== null || (icmp !== null && icmp.type === ICMP_TYPE.DESTINATION_UNREACHABLE);
    const lane = this.#laneOf(g);
    const h = this.#ttlOf(g) - this.#config.firstTtl;
    if (result.reply) {
      this.#lanes[lane]!.reached = true;
      // A destination that limits its ICMP errors (UDP's port unreachable) may leave the probes
      // of its own hop unanswered and answer one sent with a larger TTL. Its quote tells how far
      // it really is: the probe arrived with quotedTtl left, so the destination is hop
      // ttl - quotedTtl + 1, and the hops between are not hops at all.
      if (this.#config.compareTtl && result.quotedTtl !== null && result.quotedTtl > 1) {
        const real = Math.max(this.#config.firstTtl, this.#ttlOf(g) - result.quotedTtl + 1);
        this.#finalAt(lane, real);
      }
    }
    const row = lane * this.#hopCount;
    if (Number.isNaN(this.#firstRtt[row + h] as number)) this.#firstRtt[row + h] = rttNs;
    this.#shortenWaits(lane, h, rttNs);
    this.#settle(n, g, result, final);
  }

  timeout(n: number): void {
    const g = this.#cell(n);
    if (g < 0 || this.#state[g] !== CELL.open) return;
    this.#settle(n, g, noAnswer(), false);
  }

  /** Writes what probe n carried into the scratch buffer (the protocols encode deterministically). */
  #sentBytes(n: number): number {
    const engine = this.engine!;
    const slot = this.#slot;
    slot.number = n;
    slot.target = 0;
    slot.addressValue = engine.targetValues[0]!;
    slot.ttl = engine.ttlOf(n);
    slot.tos = engine.tosOf(n);
    return this.#protocol.encode(slot, this.#scratch);
  }

  /**
   * An answer came back in rttNs for a probe of hop h: the other probes of hop h may wait
   * HERE times that, the probes of nearer hops NEAR times (traceroute's -w MAX,HERE,NEAR).
   */
  #shortenWaits(lane: number, h: number, rttNs: number): void {
    const c = this.#config;
    const engine = this.engine!;
    const table = engine.table;
    for (const n of this.#open) {
      const g = this.#cell(n);
      if (this.#laneOf(g) !== lane) continue;
      const k = this.#ttlOf(g) - c.firstTtl;
      if (k > h) continue;
      const factor = k === h ? c.here : c.near;
      if (factor <= 0 || !table.has(n)) continue;
      const sentAt = engine.sentAt(n);
      if (Number.isNaN(sentAt)) continue; // not sent yet (held back by a full socket buffer)
      const deadline = sentAt + Math.min(c.waitMs * NS_PER_MS, factor * (rttNs + WAIT_PRECISION_NS));
      if (deadline < (table.deadline[table.slot(n)] as number)) engine.setDeadline(n, deadline);
    }
  }

  #settle(n: number, g: number, result: TraceProbe, final: boolean): void {
    this.#state[g] = CELL.done;
    this.#results[g] = result;
    this.#open.delete(n);
    const index = this.#laneOf(g);
    const lane = this.#lanes[index]!;
    if (final) this.#finalAt(index, this.#ttlOf(g));
    this.#report(lane, index);
    if (!this.#stopped && this.#lanes.every((l) => l.complete)) {
      this.#stopped = true;
      this.engine!.stop();
    }
  }

  /**
   * Hop `ttl` is the lane's last one (if no nearer one is). Probes beyond it will never be
   * reported: they stop counting as in flight, so they do not hold back other probes (their
   * answers, if any, are ignored).
   */
  #finalAt(lane: number, ttl: number): void {
    const l = this.#lanes[lane]!;
    if (ttl >= l.final) return;
    l.final = ttl;
    for (const n of this.#open) {
      const g = this.#cell(n);
      if (this.#laneOf(g) === lane && this.#ttlOf(g) > ttl) {
        this.#state[g] = CELL.done;
        this.#open.delete(n);
      }
    }
  }

  /** Reports the lane's hops that are settled, in TTL order. */
  #report(lane: Lane, index: number): void {
    const c = this.#config;
    while (!lane.complete) {
      const ttl = lane.nextHop;
      if (ttl > c.maxTtl || ttl > lane.final) {
        lane.complete = true;
        break;
      }
      const base = this.#cellIndex(ttl, index);
      let settled = true;
      let silent = true;
      for (let i = 0; i < this.#q; i++) {
        if (this.#state[base + i] !== CELL.done) settled = false;
        else if (this.#results[base + i]?.from != null) silent = false;
      }
      if (!settled) break;
      if (silent && this.#hold(lane, index, ttl)) break;
      this.#emitHop(lane, index, ttl, base);
      lane.nextHop++;
    }
    this.#done(lane, index);
  }

  /**
   * Whether to hold back a hop where nobody answered. It may be no hop at all: a destination
   * that rate-limits its port unreachables can leave its own hop and the next ones silent,
   * then answer a later probe whose quote shows it was nearer (see answer()). So a silent hop
   * waits until a farther hop answers (it is a real silent router), the final hop is known,
   * or one more MAX wait has passed (nothing is coming; a black hole still prints `* * *` hop
   * after hop, as traceroute does, only one wait later).
   */
  #hold(lane: Lane, index: number, ttl: number): boolean {
    if (this.#flushing || lane.final !== Number.POSITIVE_INFINITY) return false;
    for (let t = ttl + 1; t <= this.#config.maxTtl; t++) {
      const base = this.#cellIndex(t, index);
      for (let i = 0; i < this.#q; i++) if (this.#results[base + i]?.from != null) return false;
    }
    const key = index * this.#hopCount + (ttl - this.#config.firstTtl);
    const now = this.#clock.now();
    const since = this.#silentSince[key] as number;
    if (Number.isNaN(since)) {
      this.#silentSince[key] = now;
      return true;
    }
    return now - since < this.#config.waitMs * NS_PER_MS;
  }

  #cellIndex(ttl: number, lane: number): number {
    return ((ttl - this.#config.firstTtl) * this.#laneCount + lane) * this.#q;
  }

  #emitHop(lane: Lane, index: number, ttl: number, base: number): void {
    const probes: TraceProbe[] = [];
    for (let i = 0; i < this.#q; i++) probes.push(this.#results[base + i] ?? noAnswer());
    const quotes = probes.filter((p) => p.quotedTtl !== null).map((p) => p.changes);
    const final = ttl === lane.final;
    const hop: TraceHop = { type: 'hop', lane: index, tos: lane.tos, ttl, probes, changes: lane.tracker.hop(quotes), final };
    if (final) lane.complete = true;
    lane.hops.push(hop);
    this.#hooks.onHop?.(hop);
  }

  #done(lane: Lane, index: number): void {
    if (!lane.complete || lane.reported) return;
    lane.reported = true;
    const last = lane.hops[lane.hops.length - 1];
    this.#hooks.onDone?.({ type: 'done', lane: index, tos: lane.tos, reached: lane.reached, hops: last?.ttl ?? 0 });
  }

  /**
   * The engine stopped. After a natural end every lane is complete already; after stop() the
   * lanes still open end where they are (hops not settled are not reported, as traceroute
   * interrupted prints nothing more).
   */
  finish(interrupted: boolean): void {
    this.#stopped = true;
    this.#flushing = true;
    if (!interrupted) {
      // Defensive: after a natural end nothing is open; report whatever is settled.
      for (let g = 0; g < this.#total; g++) if (this.#state[g] === CELL.open) this.#state[g] = CELL.done;
    }
    this.#lanes.forEach((lane, index) => {
      if (!interrupted) this.#report(lane, index);
      lane.complete = true;
      this.#done(lane, index);
    });
  }

  results(): TraceLaneResult[] {
    return this.#lanes.map((l) => ({ tos: l.tos, reached: l.reached, hops: l.hops }));
  }
}

/** A probe without an answer (`*`): every field null, no changes. */
export function noAnswer(): TraceProbe {
  return {
    from: null,
    rttMs: null,
    rttUs: null,
    icmp: null,
    mark: null,
    reply: false,
    tcpFlags: null,
    ttl: null,
    tos: null,
    quotedTos: null,
    quotedTtl: null,
    changes: [],
    sendError: null,
  };
}
