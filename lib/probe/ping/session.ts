// ping: ICMP echo through the shared engine, with iputils ping's rules (ping_common.c):
//
//   - probe n carries icmp_seq n + 1; the identifier defaults to the process id (raw sockets);
//   - it stops when count replies + errors have come, or at the deadline (-w), or after the
//     last probe has had its linger: twice the largest RTT seen (at least the interval), or
//     the -W timeout when nothing came back at all;
//   - with a deadline it keeps sending past the count until count replies came;
//   - -O reports, before each send, a previous probe still unanswered.
//
// The session reports events (objects, only when someone listens) and counters (for flood
// output, no object per packet); words and layout are cli/format's business.
import { describeIcmp } from '../../wire/icmp-names.js';
import { ICMP_TYPE, isFragmentationNeeded } from '../../wire/icmpv4-codes.js';
import { formatHex, formatIpv4 } from '../../wire/bytes.js';
import { toEpochMs, type RawSocket } from '../../socket/index.js';
import { openPcapOut, type Capture } from '../engine/capture.js';
import { NEXT, OUTCOME, ProbeEngine, type EngineClock, type Next, type Outcome, type ProbeHandler, type ProbeSocket } from '../engine/engine.js';
import { errnoName, firstLine, optionError, wholeIn } from '../errors.js';
import { ECHO_HEADER_BYTES, IcmpEchoProtocol, MAX_ECHO_DATA } from '../protocols/icmp-echo.js';
import { FragmentingSocket, fragmentMtuFor } from '../engine/fragmenting-socket.js';
import { routeMtu } from '../../socket/route.js';
import { openProbeSocket } from '../engine/probe-socket.js';
import { MATCH_FLAG, type Match, type ProbeSlot } from '../engine/protocol.js';
import { checkSourceOption, chooseSource, resolveTarget, type ResolvedTarget } from '../resolve.js';
import { realClock, runSession } from '../engine/session.js';
import { PROBE_STATE } from '../engine/table.js';
import { lossPercent, rttMicros, rttSummary, type TargetStats } from '../engine/stats.js';

export interface PingOptions {
  /** Host name or IPv4 address; several for one session probing them in turn (library use). */
  host: string | readonly string[];
  /** Stop after this many replies (+ errors) per target (-c). Default: until stopped. */
  count?: number | null;
  /** Seconds between probes, in ms (-i). Default 1000; flood: 0. Below 1 ms only with flood. */
  intervalMs?: number | null;
  /** Flood (-f): many probes in flight, sent in batches as replies come back. */
  flood?: boolean;
  /** Data bytes after the ICMP header (-s), 0..65507. Default 56. */
  size?: number;
  /** IPv4 TTL (-t), 1..255. Default 64. */
  ttl?: number;
  /** IPv4 TOS byte (-Q), 0..255. Default 0. */
  tos?: number;
  /** How long to wait for each reply, ms (-W). Default 10000 (iputils' linger). */
  timeoutMs?: number;
  /** Stop after this long, ms (-w). */
  deadlineMs?: number | null;
  /** Data pattern (-p), 1..16 bytes. */
  pattern?: Uint8Array | null;
  /** Source address (-I); default: the one the kernel would choose. */
  source?: string | null;
  /** Don't Fragment (-M do / dont). Default true, as iputils' default "want" sends. */
  df?: boolean;
  /**
   * Cut a probe larger than the route's MTU into fragments here, sent without DF (-M want and
   * dont, the default), as Linux does for iputils; false (-M do): the kernel refuses it with
   * EMSGSIZE, reported as a local error.
   */
  fragment?: boolean;
  /** ICMP identifier (--id). Default: process id & 0xffff (distinct per session in a process). */
  identifier?: number | null;
  /** Probes sent at once before pacing (-l); with flood, the probes kept in flight. */
  preload?: number | null;
  /** Report "no answer yet" before each send (-O). */
  outstanding?: boolean;
  /** Write every packet sent and received here (pcap). */
  pcapOut?: string | null;
}

/** The defaults, filled in and checked. */
export interface PingConfig {
  targets: ResolvedTarget[];
  count: number | null;
  intervalMs: number;
  flood: boolean;
  size: number;
  ttl: number;
  tos: number;
  timeoutMs: number;
  deadlineMs: number | null;
  pattern: Buffer | null;
  source: string;
  sourceGiven: boolean;
  /** DF on every probe: false when the probes are fragmented (fragmentMtu). */
  df: boolean;
  /** The smallest route MTU of the targets (null: no route known), what a local EMSGSIZE means. */
  routeMtu: number | null;
  /** The MTU the probes are cut for (routeMtu), or null when they fit or -M do forbids it. */
  fragmentMtu: number | null;
  identifier: number;
  preload: number;
  outstanding: boolean;
  pcapOut: string | null;
}

/** Probes a flood keeps in flight unless -l says otherwise (see bench/ping-flood.ts). */
export const FLOOD_WINDOW = 64;
/** How long after opening the socket the first probe waits (see settleTimestamps, session.ts). */
const TIMESTAMP_SETTLE_MS = 10;
/** iputils' MININTERVAL: a flood with no replies still sends every 10 ms. */
const FLOOD_STALL_MS = 10;

export interface PingStart {
  type: 'start';
  host: string;
  address: string;
  /** All targets, when the session has several. */
  targets: { host: string; address: string }[];
  source: string;
  sourceGiven: boolean;
  /** Data bytes, and the whole IPv4 packet (data + 8 + 20) as iputils prints "56(84)". */
  size: number;
  packetSize: number;
  identifier: number;
  ttl: number;
  tos: number;
  df: boolean;
  /** The MTU probes are fragmented for here, null when they fit the route whole. */
  fragmentMtu: number | null;
  /** The -p pattern as hex, null without one. */
  pattern: string | null;
  flood: boolean;
  count: number | null;
  intervalMs: number;
  timeoutMs: number;
  deadlineMs: number | null;
}

interface AnswerBase {
  host: string;
  /** The address the probe went to. */
  target: string;
  seq: number;
  /** Who sent the answer. */
  from: string;
  /** Epoch ms of the kernel's receive timestamp. */
  receivedAt: number;
  /** Round trip, ms (microsecond resolution, as iputils) and whole microseconds. */
  rttMs: number;
  rttUs: number;
}

export interface PingReply extends AnswerBase {
  type: 'reply';
  /** ICMP bytes (header + data), what iputils prints as "64 bytes". */
  bytes: number;
  ttl: number;
  tos: number;
  /** The TOS the probe was sent with. */
  sentTos: number;
  duplicate: boolean;
  late: boolean;
  badChecksum: boolean;
  truncated: boolean;
  wrongData: boolean;
}

export interface PingIcmpError extends AnswerBase {
  /** 'error' counts (time exceeded, unreachable, parameter problem); 'notice' does not (redirect, source quench). */
  type: 'error' | 'notice';
  icmpType: number;
  icmpCode: number;
  /** iputils' words: "Time to live exceeded", "Frag needed and DF set (mtu = 1400)"... */
  message: string;
  /** Next-hop MTU of "fragmentation needed", else null. */
  mtu: number | null;
  /** Redirect: the gateway; parameter problem: the pointer. */
  gateway: string | null;
  pointer: number | null;
  /** TOS and TTL of our probe as the router quoted it. */
  quotedTos: number;
  quotedTtl: number;
  badChecksum: boolean;
}

export interface PingTimeout {
  type: 'timeout';
  host: string;
  target: string;
  seq: number;
}

export interface PingNoAnswer {
  type: 'no-answer';
  host: string;
  target: string;
  seq: number;
  /** Epoch ms. */
  at: number;
}

export interface PingSendError {
  type: 'send-error';
  host: string;
  target: string;
  seq: number;
  code: string | null;
  message: string;
}

export type PingEvent = PingReply | PingIcmpError | PingTimeout | PingNoAnswer | PingSendError;

/** Counts since the last flush, for flood output (no object per packet). */
export interface PingProgress {
  sent: number;
  /** Good replies and duplicates (iputils erases a dot for both). */
  replies: number;
  corrupted: number;
  errors: number;
  sendErrors: number;
}

export interface PingHooks {
  onEvent?: (event: PingEvent) => void;
  onProgress?: (progress: PingProgress) => void;
}

/** Round-trip figures in one unit. */
export interface RttFigures {
  min: number;
  avg: number;
  max: number;
  mdev: number;
}

/** The target's counters (stats.ts says what each counts), and the figures iputils derives from them. */
export interface PingSummary extends Pick<TargetStats, 'transmitted' | 'received' | 'duplicates' | 'corrupted' | 'errors' | 'late' | 'pipe'> {
  type: 'summary';
  host: string;
  target: string;
  /** The ICMP identifier the session used. */
  identifier: number;
  /** Percent, as iputils computes it (a C float). */
  loss: number;
  /** From the start to the last probe sent, ms (iputils' "time"). */
  timeMs: number;
  /** ms; null when no reply came. */
  rtt: RttFigures | null;
  /** The same in whole microseconds (what iputils prints from). */
  rttUs: RttFigures | null;
  /** Flood: mean gap between probes and the smoothed RTT, whole microseconds. */
  ipgUs: number | null;
  ewmaUs: number | null;
}

// ---- options -------------------------------------------------------------------------------

let sessionsOpened = 0;

/** iputils' identifier for raw sockets (pid & 0xffff), moved on for each session of this process. */
export function defaultIdentifier(): number {
  return (process.pid + sessionsOpened++) & 0xffff;
}

/** Checks the options that need no system call; throws ProbeError naming the option. */
export function checkPingOptions(options: PingOptions): void {
  const hosts = typeof options.host === 'string' ? [options.host] : [...options.host];
  if (hosts.length === 0) throw optionError('host', 'give a host to ping');
  const flood = options.flood ?? false;
  if (options.count != null && (!Number.isInteger(options.count) || options.count < 1)) {
    throw optionError('count', `count ${String(options.count)} is not a whole number of probes, 1 or more`);
  }
  if (options.intervalMs != null) {
    if (!Number.isFinite(options.intervalMs) || options.intervalMs < 0) {
      throw optionError('intervalMs', `interval ${String(options.intervalMs / 1000)} s is not a time in seconds`);
    }
    if (options.intervalMs < 1 && !flood) {
      throw optionError('intervalMs', `interval ${options.intervalMs / 1000} s is below 1 ms: use -f (flood) to send faster`);
    }
  }
  if (options.size != null) {
    if (Number.isInteger(options.size) && options.size > MAX_ECHO_DATA) {
      throw optionError('size', `packet size ${options.size} is too large: at most ${MAX_ECHO_DATA} data bytes fit an IPv4 packet`);
    }
    wholeIn('size', 'packet size', options.size, 0, MAX_ECHO_DATA);
  }
  if (options.ttl != null) wholeIn('ttl', 'ttl', options.ttl, 1, 255);
  if (options.tos != null) wholeIn('tos', 'TOS', options.tos, 0, 255);
  if (options.timeoutMs != null && !(Number.isFinite(options.timeoutMs) && options.timeoutMs >= 1)) {
    throw optionError('timeoutMs', `timeout ${String(options.timeoutMs / 1000)} s is too short: at least 0.001 s`);
  }
  if (options.deadlineMs != null && !(Number.isFinite(options.deadlineMs) && options.deadlineMs > 0)) {
    throw optionError('deadlineMs', `deadline ${String(options.deadlineMs / 1000)} s is not a positive time in seconds`);
  }
  if (options.pattern != null && (options.pattern.length < 1 || options.pattern.length > 16)) {
    throw optionError('pattern', `a pattern is 1 to 16 bytes (got ${options.pattern.length})`);
  }
  checkSourceOption(options.source);
  if (options.identifier != null) wholeIn('identifier', 'identifier', options.identifier, 0, 0xffff);
  if (options.preload != null) wholeIn('preload', 'preload', options.preload, 1, 65536);
}

/** Checks, resolves names and finds the source address. */
export async function configurePing(options: PingOptions): Promise<PingConfig> {
  checkPingOptions(options);
  const hosts = typeof options.host === 'string' ? [options.host] : [...options.host];
  const targets: ResolvedTarget[] = [];
  for (const host of hosts) targets.push(await resolveTarget(host));
  const { source, sourceGiven } = chooseSource(options.source, targets[0]!.address);
  const flood = options.flood ?? false;
  const size = options.size ?? 56;
  const mtu = smallestRouteMtu(targets, sourceGiven ? source : null);
  const fragmentMtu = options.fragment === false ? null : fragmentMtuFor(size + ECHO_HEADER_BYTES, mtu);
  return {
    targets,
    count: options.count ?? null,
    intervalMs: options.intervalMs ?? (flood ? 0 : 1000),
    flood,
    size,
    ttl: options.ttl ?? 64,
    tos: options.tos ?? 0,
    timeoutMs: options.timeoutMs ?? 10_000,
    deadlineMs: options.deadlineMs ?? null,
    pattern: options.pattern == null ? null : Buffer.from(options.pattern),
    source,
    sourceGiven,
    df: fragmentMtu === null && (options.df ?? true),
    routeMtu: mtu,
    fragmentMtu,
    identifier: options.identifier ?? defaultIdentifier(),
    preload: options.preload ?? (flood ? FLOOD_WINDOW : 1),
    outstanding: options.outstanding ?? false,
    pcapOut: options.pcapOut ?? null,
  };
}

/** The smallest route MTU among the targets, null when none has a route. */
function smallestRouteMtu(targets: readonly ResolvedTarget[], source: string | null): number | null {
  let smallest: number | null = null;
  for (const t of targets) {
    const mtu = routeMtu(t.address, source);
    if (mtu !== null && (smallest === null || mtu < smallest)) smallest = mtu;
  }
  return smallest;
}

// ---- the session --------------------------------------------------------------------------

/** What the session probes through: a RawSocket, or a fake in tests. */
export type PingSocket = ProbeSocket & { close(): void };

export interface PingSessionParts {
  /** Defaults: a raw ICMP socket with IP_HDRINCL, and the addon's clock. Tests pass fakes. */
  socket?: PingSocket;
  clock?: EngineClock;
}

/**
 * Checks the options, resolves the targets, opens the socket (needs CAP_NET_RAW) and the
 * capture file. Nothing is sent until run().
 */
export async function openPing(options: PingOptions): Promise<PingSession> {
  const config = await configurePing(options);
  return new PingSession(config);
}

export class PingSession {
  readonly config: PingConfig;
  readonly start: PingStart;
  readonly protocol: IcmpEchoProtocol;
  readonly #socket: PingSocket;
  readonly #clock: EngineClock;
  readonly #ownSocket: boolean;
  readonly #openedAt = performance.now();
  readonly #capture: Capture | null;
  #engine: ProbeEngine | null = null;
  #stopRequested = false;

  constructor(config: PingConfig, parts: PingSessionParts = {}) {
    this.config = config;
    this.protocol = new IcmpEchoProtocol({
      identifier: config.identifier,
      source: config.source,
      size: config.size,
      pattern: config.pattern,
      df: config.df,
      ipIdBase: Math.floor(Math.random() * 0x10000),
    });
    this.#ownSocket = parts.socket === undefined;
    const socket = parts.socket ?? openPingSocket(this.protocol, config);
    this.#socket = config.fragmentMtu === null ? socket : new FragmentingSocket(socket, config.fragmentMtu);
    this.#clock = parts.clock ?? realClock;
    try {
      this.#capture = config.pcapOut === null ? null : openPcapOut(config.pcapOut);
    } catch (e) {
      this.#socket.close();
      throw e;
    }
    const first = config.targets[0]!;
    this.start = {
      type: 'start',
      host: first.host,
      address: first.address,
      targets: config.targets.map((t) => ({ host: t.host, address: t.address })),
      source: config.source,
      sourceGiven: config.sourceGiven,
      size: config.size,
      packetSize: config.size + ECHO_HEADER_BYTES,
      identifier: config.identifier,
      ttl: config.ttl,
      tos: config.tos,
      df: config.df,
      fragmentMtu: config.fragmentMtu,
      pattern: config.pattern === null ? null : formatHex(config.pattern),
      flood: config.flood,
      count: config.count,
      intervalMs: config.intervalMs,
      timeoutMs: config.timeoutMs,
      deadlineMs: config.deadlineMs,
    };
  }

  /** Runs to the end (count, deadline, stop()); one summary per target. Closes the socket. */
  async run(hooks: PingHooks = {}): Promise<PingSummary[]> {
    const config = this.config;
    const handler = new PingHandler(this, config, hooks);
    const targetCount = config.targets.length;
    const engine = new ProbeEngine({
      socket: this.#socket,
      protocol: this.protocol,
      handler,
      clock: this.#clock,
      targets: config.targets.map((t) => t.address),
      timeoutMs: config.timeoutMs,
      intervalMs: config.intervalMs / targetCount,
      window: config.flood && config.intervalMs === 0 ? config.preload : undefined,
      preload: config.flood ? 1 : config.preload,
      stallMs: config.flood ? FLOOD_STALL_MS : 0,
      deadlineMs: config.deadlineMs,
      memory: config.count === null || config.deadlineMs !== null ? 65536 : Math.min(65536, Math.max(64, config.count * targetCount * 2)),
      maxBatch: 64,
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
    return config.targets.map((_, i) => this.summary(i));
  }

  /** Ends the run now (SIGINT): run() resolves with the summaries so far. */
  stop(): void {
    this.#stopRequested = true;
    this.#engine?.stop();
  }

  /** The summary so far (SIGQUIT's status line), for target i. */
  summary(i = 0): PingSummary {
    const target = this.config.targets[i]!;
    const engine = this.#engine;
    const s = engine?.stats(i) ?? null;
    return summarize(target, s, engine?.startedAt ?? Number.NaN, this.config);
  }

  /** Packets written to the capture file so far. */
  get captured(): number {
    return this.#capture?.count ?? 0;
  }
}

function openPingSocket(protocol: IcmpEchoProtocol, config: PingConfig): RawSocket {
  return openProbeSocket(protocol, {
    source: config.sourceGiven ? config.source : null,
    slotCount: 64,
    maxPerWake: 4096,
    setup: (socket) => {
      // Room for the whole window of replies (the kernel caps it at net.core.rmem_max).
      if (config.flood) socket.setOption('SO_RCVBUF', Math.max(262144, config.preload * (config.size + ECHO_HEADER_BYTES + 1024) * 4));
    },
  });
}

export function summarize(target: ResolvedTarget, s: TargetStats | null, startedAt: number, config: PingConfig): PingSummary {
  const rtt = s === null || s.received === 0 ? null : rttSummary(s);
  const transmitted = s?.transmitted ?? 0;
  const timeNs = s === null || Number.isNaN(s.lastSentAt) ? 0 : s.lastSentAt - startedAt;
  const flood = config.flood || config.intervalMs === 0;
  return {
    type: 'summary',
    host: target.host,
    target: target.address,
    identifier: config.identifier,
    transmitted,
    received: s?.received ?? 0,
    duplicates: s?.duplicates ?? 0,
    corrupted: s?.corrupted ?? 0,
    errors: s?.errors ?? 0,
    late: s?.late ?? 0,
    loss: s === null ? 0 : lossPercent(s),
    timeMs: Math.max(0, Math.round(timeNs / 1e6)),
    rtt: rtt === null ? null : { min: rtt.minUs / 1000, avg: rtt.avgUs / 1000, max: rtt.maxUs / 1000, mdev: rtt.mdevUs / 1000 },
    rttUs: rtt === null ? null : { min: rtt.minUs, avg: rtt.avgUs, max: rtt.maxUs, mdev: rtt.mdevUs },
    pipe: s?.pipe ?? 0,
    ipgUs: flood && s !== null && s.received > 0 && transmitted > 1 ? Math.trunc(Math.max(0, timeNs) / 1000 / (transmitted - 1)) : null,
    ewmaUs: s !== null && s.received > 0 ? Math.trunc(s.ewma8Us / 8) : null,
  };
}

/** iputils' stop rules and the events, on top of the engine. */
class PingHandler implements ProbeHandler {
  engine: ProbeEngine | null = null;
  readonly #config: PingConfig;
  readonly #hooks: PingHooks;
  readonly #session: PingSession;
  readonly #progress: PingProgress = { sent: 0, replies: 0, corrupted: 0, errors: 0, sendErrors: 0 };
  readonly #lastProbe: number[];
  readonly #limit: number;
  #sends = 0;

  constructor(session: PingSession, config: PingConfig, hooks: PingHooks) {
    this.#session = session;
    this.#config = config;
    this.#hooks = hooks;
    this.#lastProbe = config.targets.map(() => -1);
    this.#limit = config.count === null ? Number.POSITIVE_INFINITY : config.count * config.targets.length;
  }

  next(probe: ProbeSlot): Next {
    const config = this.#config;
    // With a deadline, iputils goes on sending past the count until count replies came.
    if (this.#sends >= this.#limit && config.deadlineMs === null) return NEXT.done;
    const target = this.#sends % config.targets.length;
    probe.target = target;
    probe.ttl = config.ttl;
    probe.tos = config.tos;
    const engine = this.engine!;
    const previous = this.#lastProbe[target]!;
    if (config.outstanding && previous >= 0 && this.#hooks.onEvent !== undefined) {
      const st = engine.stateOf(previous);
      if (st !== PROBE_STATE.replied && st !== PROBE_STATE.late && st !== PROBE_STATE.free) {
        const t = config.targets[target]!;
        this.#hooks.onEvent({ type: 'no-answer', host: t.host, target: t.address, seq: this.#session.protocol.sequenceOf(previous), at: Date.now() });
      }
    }
    this.#lastProbe[target] = probe.number;
    this.#sends++;
    return NEXT.send;
  }

  sent(n: number, error: Error | null): void {
    const engine = this.engine!;
    if (error === null) {
      this.#progress.sent++;
    } else {
      this.#progress.sendErrors++;
      if (this.#hooks.onEvent !== undefined) {
        const t = this.#config.targets[engine.targetOf(n)]!;
        this.#hooks.onEvent({
          type: 'send-error',
          host: t.host,
          target: t.address,
          seq: this.#session.protocol.sequenceOf(n),
          code: errnoName(error),
          message: firstLine(String(error.message)),
        });
      }
      this.#checkStop();
    }
    // After the last probe, linger as iputils does: twice the largest RTT (at least one
    // interval) when replies came, else the -W timeout.
    if (this.#sends >= this.#limit && this.#config.deadlineMs === null && n === engine.count - 1) {
      let received = 0;
      let maxUs = 0;
      for (let i = 0; i < this.#config.targets.length; i++) {
        const s = engine.stats(i);
        received += s.received;
        if (s.maxUs > maxUs) maxUs = s.maxUs;
      }
      const lingerNs = received > 0 ? Math.max(2 * maxUs * 1000, this.#config.intervalMs * 1e6) : this.#config.timeoutMs * 1e6;
      const at = engine.sentAt(n);
      engine.finishAt((Number.isNaN(at) ? engine.startedAt : at) + lingerNs);
    }
  }

  answer(n: number, outcome: Outcome, m: Match, receivedAt: number): void {
    const p = this.#progress;
    if (outcome === OUTCOME.reply || outcome === OUTCOME.duplicate) p.replies++;
    else if (outcome === OUTCOME.corrupted) p.corrupted++;
    else if (outcome === OUTCOME.error) p.errors++;
    if (this.#hooks.onEvent !== undefined) this.#hooks.onEvent(this.#event(n, outcome, m, receivedAt));
    if (outcome === OUTCOME.reply || outcome === OUTCOME.error) this.#checkStop();
  }

  timeout(n: number): void {
    if (this.#hooks.onEvent === undefined) return;
    const engine = this.engine!;
    const t = this.#config.targets[engine.targetOf(n)]!;
    this.#hooks.onEvent({ type: 'timeout', host: t.host, target: t.address, seq: this.#session.protocol.sequenceOf(n) });
  }

  flush(): void {
    const p = this.#progress;
    if (this.#hooks.onProgress !== undefined && (p.sent | p.replies | p.corrupted | p.errors | p.sendErrors) !== 0) {
      this.#hooks.onProgress(p);
    }
    p.sent = 0;
    p.replies = 0;
    p.corrupted = 0;
    p.errors = 0;
    p.sendErrors = 0;
  }

  /** iputils: stop when received + errors reach the count (for every target); with -w, at the first error. */
  #checkStop(): void {
    const engine = this.engine!;
    const config = this.#config;
    let errors = 0;
    let reached = config.count !== null;
    for (let i = 0; i < config.targets.length; i++) {
      const s = engine.stats(i);
      errors += s.errors;
      if (config.count !== null && s.received + s.errors < config.count) reached = false;
    }
    if (reached || (config.deadlineMs !== null && errors > 0)) engine.stop();
  }

  #event(n: number, outcome: Outcome, m: Match, receivedAt: number): PingEvent {
    const engine = this.engine!;
    const t = this.#config.targets[engine.targetOf(n)]!;
    const rttUs = rttMicros(receivedAt - engine.sentAt(n));
    const base = {
      host: t.host,
      target: t.address,
      seq: this.#session.protocol.sequenceOf(n),
      from: formatIpv4(m.from),
      receivedAt: toEpochMs(receivedAt),
      rttMs: rttUs / 1000,
      rttUs,
    };
    if (outcome === OUTCOME.error || outcome === OUTCOME.notice) {
      const mtu = isFragmentationNeeded(m.type, m.code) ? m.info : null;
      const gateway = m.type === ICMP_TYPE.REDIRECT ? formatIpv4(m.info) : null;
      const pointer = m.type === ICMP_TYPE.PARAMETER_PROBLEM ? m.info : null;
      return {
        type: outcome === OUTCOME.error ? 'error' : 'notice',
        ...base,
        icmpType: m.type,
        icmpCode: m.code,
        message: describeIcmp(m.type, m.code, { nextHopMtu: mtu, gateway, pointer }),
        mtu,
        gateway,
        pointer,
        quotedTos: m.quotedTos,
        quotedTtl: m.quotedTtl,
        badChecksum: (m.flags & MATCH_FLAG.badChecksum) !== 0,
      };
    }
    return {
      type: 'reply',
      ...base,
      bytes: m.bytes,
      ttl: m.ttl,
      tos: m.tos,
      sentTos: engine.tosOf(n),
      duplicate: outcome === OUTCOME.duplicate,
      late: outcome === OUTCOME.late,
      badChecksum: outcome === OUTCOME.corrupted,
      truncated: (m.flags & MATCH_FLAG.truncated) !== 0,
      wrongData: (m.flags & MATCH_FLAG.wrongData) !== 0,
    };
  }
}
