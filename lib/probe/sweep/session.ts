// sweep: ICMP echo to many targets at once, as fping does, through the shared probe engine.
//
// Two modes, fping's:
//   alive (no count)  one probe per target; no answer within the timeout: retry, the timeout
//                     multiplied by the backoff each time (-r, -t, -B); a reply: alive; all
//                     tries spent: unreachable. ICMP errors are reported and end that try.
//   count (-c N)      N probes per target, one every period (-p); each reply and timeout
//                     reported, then the target's xmt/rcv/%loss and min/avg/max.
//
// Targets come lazily from a TargetFeed (targets-feed.ts) and are probed through a small set
// of engine target indices ("lanes"), reused as targets finish, so memory follows what is in
// flight, not the length of the list. A finished target leaves only counters in the summary.
// Sending is paced by --rate (packets per second, in sendmmsg batches) or unpaced (`max`, the
// engine's window being its ring of 65536 probes); replies are drained in receive batches.
//
// The rules per target live in sweep-handler.ts; this file holds the options, the events, the
// socket and the session.
import { statSync } from 'node:fs';
import { formatIpv4 } from '../../wire/bytes.js';
import { constants, type RawSocket } from '../../socket/index.js';
import { ProbeEngine, type EngineClock } from '../engine/engine.js';
import { optionError } from '../errors.js';
import { ECHO_HEADER_BYTES, IcmpEchoProtocol, MAX_ECHO_DATA } from '../protocols/icmp-echo.js';
import type { PingSocket } from '../ping/session.js';
import { FragmentingSocket, fragmentMtuFor } from '../engine/fragmenting-socket.js';
import { rawSocketDrops, smallestInterfaceMtu } from '../../socket/system.js';
import { openProbeSocket } from '../engine/probe-socket.js';
import { checkSourceAddress } from '../resolve.js';
import { realClock, settleTimestamps } from '../engine/session.js';
import { SweepHandler } from './handler.js';
import { FEED, TargetFeed, type FeedTarget } from './feed.js';
import { checkTargetFile, fileError, parseTargetArguments, type TargetOrigin, type TargetSpec } from './targets.js';

export interface SweepOptions {
  /** Targets: addresses, names, CIDR blocks (a.b.c.d/n), ranges (a.b.c.d-e.f.g.h or a.b.c.d-N). */
  targets?: readonly string[];
  /** Files of targets, one per line (`#` comments, blank lines); `-` reads `stdin`. */
  files?: readonly string[];
  /** What `-` reads (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Probes per target (count mode, fping -c); null: alive mode. */
  count?: number | null;
  /** Alive mode: tries after the first (fping -r). Default 3. */
  retries?: number;
  /** Wait for a reply, ms (fping -t). Default 500; count mode: the period, at most 2000. */
  timeoutMs?: number | null;
  /** Alive mode: each retry waits this many times longer (fping -B), 1-5. Default 1.5. */
  backoff?: number;
  /** Count mode: time between two probes to one target, ms (fping -p). Default 1000. */
  periodMs?: number;
  /** Probes per second over all targets; null: as fast as the socket takes them. Default 1000. */
  rate?: number | null;
  /** Data bytes after the ICMP header, 0-65507. Default 56. */
  size?: number;
  /** IPv4 TTL, 1-255. Default 64. */
  ttl?: number;
  /** IPv4 TOS byte, 0-255. Default 0. */
  tos?: number;
  /** Source address; default: the kernel picks per route (a zero source in our header). */
  source?: string | null;
  /** ICMP identifier; default: the process id. */
  identifier?: number | null;
  /** Name to address (tests); default getaddrinfo. */
  resolve?: (name: string) => Promise<string>;
}

/** The options with defaults filled in and checked. */
export interface SweepConfig {
  args: TargetSpec[];
  files: string[];
  count: number | null;
  retries: number;
  timeoutMs: number;
  backoff: number;
  periodMs: number;
  rate: number | null;
  size: number;
  ttl: number;
  tos: number;
  source: string | null;
  identifier: number;
  /**
   * Probes larger than this are sent as fragments of it (fping's kernel fragments them; with
   * IP_HDRINCL Linux never does): the smallest MTU of the interfaces that are up, which every
   * route can take. null when the probes fit.
   */
  fragmentMtu: number | null;
}

export const SWEEP_DEFAULTS = {
  retries: 3,
  timeoutMs: 500,
  backoff: 1.5,
  periodMs: 1000,
  rate: 1000,
  size: 56,
  ttl: 64,
  tos: 0,
} as const;

/** How long after opening its socket the first probe waits (see settleTimestamps, session.ts). */
const TIMESTAMP_SETTLE_MS = 10;

/** Most target indices (and so targets) probed at once: the engine's ring of probes. */
export const SWEEP_MEMORY = 65536;

// ---- events ------------------------------------------------------------------------------------

interface Target {
  /** What to print: the name as given, else the address. */
  host: string;
  address: string;
}

/** A target is done: alive or unreachable, with its counts. */
export interface SweepResult extends Target {
  type: 'result';
  alive: boolean;
  /** Probes sent, and resolved (answered or timed out: fping's xmt). */
  sent: number;
  resolved: number;
  received: number;
  duplicates: number;
  late: number;
  /** ICMP errors about its probes, and local send errors. */
  errors: number;
  /** Whole percent of resolved probes without a reply (fping's integer %loss). */
  loss: number;
  /** Round-trip times of its replies, ns (null without one); alive mode: rttNs is the reply's. */
  rttNs: number | null;
  minNs: number | null;
  avgNs: number | null;
  maxNs: number | null;
}

/** Count mode: a reply (fping's "[0], 64 bytes, 0.042 ms (0.042 avg, 0% loss)"). */
export interface SweepReply extends Target {
  type: 'reply';
  /** Index of the probe among this target's, from 0. */
  seq: number;
  from: string;
  bytes: number;
  ttl: number;
  rttNs: number;
  avgNs: number;
  loss: number;
}

/** Count mode: a probe's time ran out. */
export interface SweepTimeout extends Target {
  type: 'timeout';
  seq: number;
  avgNs: number | null;
  loss: number;
}

/** Another copy of an answered probe (never counted as a reply). */
export interface SweepDuplicate extends Target {
  type: 'duplicate';
  seq: number;
  from: string;
  bytes: number;
  rttNs: number;
}

/** An ICMP message about one of our probes: an error (unreachable, time exceeded...) or a notice (redirect). */
export interface SweepIcmp extends Target {
  type: 'icmp';
  kind: 'error' | 'notice';
  seq: number;
  from: string;
  icmpType: number;
  icmpCode: number;
}

/** A name that did not resolve (fping: "name: Name or service not known"). */
export interface SweepUnknown {
  type: 'unknown';
  host: string;
  reason: string;
  file: string | null;
  line: number | null;
}

/** The kernel refused to send a probe. */
export interface SweepSendError extends Target {
  type: 'send-error';
  seq: number;
  code: string | null;
  message: string;
}

export type SweepEvent = SweepResult | SweepReply | SweepTimeout | SweepDuplicate | SweepIcmp | SweepUnknown | SweepSendError;

export interface SweepHooks {
  /** Every event; objects are made only when this is set. */
  onEvent?: (e: SweepEvent) => void;
  /** Results only are wanted (alive mode, or -q): replies and timeouts are not made. */
  resultsOnly?: boolean;
  /** End of a burst of events (a receive batch): flush buffered output here. */
  onFlush?: () => void;
}

/** fping -s, and ours beyond it. */
export interface SweepSummary {
  type: 'summary';
  /** Targets probed (names that resolved, and every address of blocks and ranges). */
  targets: number;
  alive: number;
  unreachable: number;
  /** Names that did not resolve. */
  unknown: number;
  /** Probes whose time ran out. */
  timeouts: number;
  /** Echo requests sent (fping counts failed sends too). */
  sent: number;
  /** Echo replies matched to a probe of ours: first replies, duplicates and late ones. */
  replies: number;
  duplicates: number;
  late: number;
  /** Replies with a bad checksum. */
  corrupted: number;
  /** ICMP errors and notices about our probes (fping's "other ICMP received"). */
  otherIcmp: number;
  /** Sends the kernel refused. */
  sendErrors: number;
  /** Answers that matched no probe we still remember (their key had come round again). */
  stray: number;
  /** Round trips of first replies, ns; null when none. */
  minNs: number | null;
  avgNs: number | null;
  maxNs: number | null;
  /** From the first send to the end, ns. */
  elapsedNs: number;
  /** Datagrams the kernel dropped on our socket for want of buffer, or null when unknown. */
  drops: number | null;
  /** A bad line read from stdin or a file that became unreadable: the sweep stopped there. */
  inputError: string | null;
  /** Interrupted (stop()) before the end of the list. */
  interrupted: boolean;
}

// ---- options -----------------------------------------------------------------------------------

/** fping's wording for a whole number out of range (ping and trace use errors.ts's wholeIn). */
function wholeIn(field: string, what: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw optionError(field, `${what} ${String(v)} is out of range ${min}-${max}`);
}

/** Checks what needs no system call; throws ProbeError (options) or TargetListError (targets). */
export function configureSweep(options: SweepOptions): SweepConfig {
  const targets = options.targets ?? [];
  const files = [...(options.files ?? [])];
  if (targets.length === 0 && files.length === 0) throw optionError('targets', 'no targets: give addresses, names, blocks (a.b.c.d/n) or ranges, or --file');
  if (files.filter((f) => f === '-').length > 1) throw optionError('files', 'stdin (-) can be read only once');
  const count = options.count ?? null;
  if (count !== null) wholeIn('count', 'count', count, 1, 1_000_000);
  const retries = options.retries ?? SWEEP_DEFAULTS.retries;
  wholeIn('retries', 'retries', retries, 0, 1000);
  const periodMs = options.periodMs ?? SWEEP_DEFAULTS.periodMs;
  if (!(Number.isFinite(periodMs) && periodMs >= 1 && periodMs <= 3_600_000)) throw optionError('periodMs', `period ${String(periodMs)} ms is out of range 1-3600000`);
  const timeoutMs = options.timeoutMs ?? (count === null ? SWEEP_DEFAULTS.timeoutMs : Math.min(periodMs, 2000));
  if (!(Number.isFinite(timeoutMs) && timeoutMs >= 1 && timeoutMs <= 3_600_000)) throw optionError('timeoutMs', `timeout ${String(timeoutMs)} ms is out of range 1-3600000`);
  const backoff = options.backoff ?? SWEEP_DEFAULTS.backoff;
  if (!(Number.isFinite(backoff) && backoff >= 1 && backoff <= 5)) throw optionError('backoff', `backoff ${String(backoff)} is out of range 1.0-5.0`);
  const rate = options.rate === undefined ? SWEEP_DEFAULTS.rate : options.rate;
  if (rate !== null && !(Number.isFinite(rate) && rate >= 1 && rate <= 10_000_000)) throw optionError('rate', `rate ${String(rate)} is out of range 1-10000000 packets per second (or max)`);
  const size = options.size ?? SWEEP_DEFAULTS.size;
  wholeIn('size', 'size', size, 0, MAX_ECHO_DATA);
  const ttl = options.ttl ?? SWEEP_DEFAULTS.ttl;
  wholeIn('ttl', 'ttl', ttl, 1, 255);
  const tos = options.tos ?? SWEEP_DEFAULTS.tos;
  wholeIn('tos', 'tos', tos, 0, 255);
  if (options.identifier != null) wholeIn('identifier', 'identifier', options.identifier, 0, 0xffff);
  return {
    args: parseTargetArguments(targets),
    files,
    count,
    retries,
    timeoutMs,
    backoff,
    periodMs,
    rate,
    size,
    ttl,
    tos,
    source: options.source ?? null,
    identifier: options.identifier ?? defaultSweepIdentifier(),
    fragmentMtu: fragmentMtuFor(size + ECHO_HEADER_BYTES, smallestInterfaceMtu()),
  };
}

let sweepsOpened = 0;

/** The process id, as ping's (and fping's) identifier; distinct per sweep in one process. */
function defaultSweepIdentifier(): number {
  return (process.pid + 0x8000 + sweepsOpened++) & 0xffff;
}

/**
 * Reads every regular file once for its first bad line (before anything is sent), checks the
 * others exist. Stdin and pipes are checked as they are read.
 */
async function checkFiles(files: readonly string[]): Promise<void> {
  for (const file of files) {
    if (file === '-') continue;
    let regular: boolean;
    try {
      regular = statSync(file).isFile();
    } catch (e) {
      throw fileError(file, e);
    }
    if (regular) await checkTargetFile(file);
  }
}

// ---- the session -------------------------------------------------------------------------------

export interface SweepParts {
  /** Defaults: a raw ICMP socket with IP_HDRINCL, and the addon's clock. Tests pass fakes. */
  socket?: PingSocket;
  clock?: EngineClock;
  stdin?: NodeJS.ReadableStream;
}

/** Checks options and target files, opens the socket (CAP_NET_RAW). Nothing is sent until run(). */
export async function openSweep(options: SweepOptions, parts: SweepParts = {}): Promise<SweepSession> {
  const config = configureSweep(options);
  await checkFiles(config.files);
  if (config.source !== null) checkSourceAddress(config.source);
  return new SweepSession(config, { ...parts, stdin: parts.stdin ?? options.stdin }, options.resolve);
}

export class SweepSession {
  readonly config: SweepConfig;
  readonly protocol: IcmpEchoProtocol;
  readonly #socket: PingSocket;
  /** The socket itself, under #socket's fragmenting wrapper if there is one (for its drop count). */
  readonly #rawSocket: PingSocket;
  readonly #clock: EngineClock;
  readonly #stdin: NodeJS.ReadableStream | undefined;
  readonly #resolve: ((name: string) => Promise<string>) | undefined;
  readonly #ownSocket: boolean;
  readonly #openedAt = performance.now();
  #feed: TargetFeed | null = null;
  #engine: ProbeEngine | null = null;
  #handler: SweepHandler | null = null;
  #stopRequested = false;

  constructor(config: SweepConfig, parts: SweepParts = {}, resolve?: (name: string) => Promise<string>) {
    this.config = config;
    this.protocol = new IcmpEchoProtocol({
      identifier: config.identifier,
      // Zero: with IP_HDRINCL Linux fills in the source of the route to each target (raw(7)),
      // so a sweep across several interfaces leaves from the right address on each.
      source: config.source ?? '0.0.0.0',
      size: config.size,
      df: false,
      ipIdBase: Math.floor(Math.random() * 0x10000),
    });
    this.#ownSocket = parts.socket === undefined;
    this.#rawSocket = parts.socket ?? openSweepSocket(this.protocol, config);
    this.#socket = config.fragmentMtu === null ? this.#rawSocket : new FragmentingSocket(this.#rawSocket, config.fragmentMtu);
    this.#clock = parts.clock ?? realClock;
    this.#stdin = parts.stdin;
    this.#resolve = resolve;
  }

  /** Probes every target; resolves with the summary (the socket is closed then). */
  async run(hooks: SweepHooks = {}): Promise<SweepSummary> {
    const config = this.config;
    let handler: SweepHandler | null = null;
    const unknowns: { host: string; reason: string; origin: TargetOrigin | null }[] = [];
    let unknownCount = 0;
    const feed = new TargetFeed({
      args: config.args,
      files: config.files,
      ...(this.#stdin === undefined ? {} : { stdin: this.#stdin }),
      ...(this.#resolve === undefined ? {} : { resolve: this.#resolve }),
      onUnknown: (host, reason, origin) => {
        unknownCount++;
        if (handler === null) unknowns.push({ host, reason, origin });
        else handler.unknown(host, reason, origin);
      },
      onReady: () => this.#engine?.wake(),
    });
    this.#feed = feed;
    const startedAt = this.#clock.now();
    try {
      await feed.start();
      const first: FeedTarget = { address: 0, name: null };
      const state = this.#stopRequested ? FEED.end : feed.take(first);
      handler = new SweepHandler(config, feed, hooks, this.#clock);
      this.#handler = handler;
      for (const u of unknowns.splice(0)) handler.unknown(u.host, u.reason, u.origin);
      if (state !== FEED.target) {
        handler.flush();
        return this.#summary(handler, startedAt, unknownCount, null);
      }
      const engine = new ProbeEngine({
        socket: this.#socket,
        protocol: this.protocol,
        handler,
        clock: this.#clock,
        targets: [formatIpv4(first.address)],
        timeoutMs: config.timeoutMs,
        rate: config.rate ?? 0,
        // No window: it counts probes sent after the newest answered one, and in dead address
        // space nothing is ever answered. The handler keeps in flight at most what the ring holds.
        window: Number.POSITIVE_INFINITY,
        memory: SWEEP_MEMORY,
        maxBatch: batchFor(config.rate),
      });
      handler.attach(engine, first);
      this.#engine = engine;
      if (this.#ownSocket) await settleTimestamps(this.#openedAt, TIMESTAMP_SETTLE_MS);
      if (!this.#stopRequested) await engine.start();
      engine.stop();
      handler.finishAll();
      return this.#summary(handler, Number.isNaN(engine.startedAt) ? startedAt : engine.startedAt, unknownCount, engine);
    } finally {
      feed.close();
      this.#socket.close();
    }
  }

  /** The most targets probed at once so far (engine target indices made): what memory follows. */
  get lanes(): number {
    return this.#handler?.lanes ?? 0;
  }

  /** Ends the run now (SIGINT): targets still being probed are reported, then the summary. */
  stop(): void {
    this.#stopRequested = true;
    this.#feed?.close();
    this.#engine?.stop();
  }

  #summary(handler: SweepHandler, startedAt: number, unknown: number, engine: ProbeEngine | null): SweepSummary {
    const drops = engine === null ? null : rawSocketDrops(this.#rawSocket);
    const error = this.#feed?.error ?? null;
    return handler.summary(this.#clock.now() - startedAt, unknown, drops, error === null ? null : error.message, this.#stopRequested);
  }
}

/**
 * Probes per sendmmsg: ten milliseconds' worth at the rate (at least 4, so a timer that fires
 * late catches up instead of losing the time; at most 64), 64 unpaced.
 */
export function batchFor(rate: number | null): number {
  if (rate === null) return 64;
  return Math.max(4, Math.min(64, Math.ceil(rate / 100)));
}

/** Receive buffer: the replies to about a quarter second of sending (8192 unpaced, many bursts). */
function receiveBufferFor(rate: number | null, size: number): number {
  const burst = rate === null ? 8192 : Math.ceil(rate / 4);
  // A small reply costs the kernel about 1 KiB of buffer (the skb's truesize), a big one its size.
  return Math.max(1 << 20, Math.min(32 << 20, burst * Math.max(1024, size + ECHO_HEADER_BYTES + 512)));
}


function openSweepSocket(protocol: IcmpEchoProtocol, config: SweepConfig): RawSocket {
  return openProbeSocket(protocol, {
    source: config.source,
    slotCount: 256,
    maxPerWake: 8192,
    setup: (socket) => {
      const bytes = receiveBufferFor(config.rate, config.size);
      try {
        // SO_RCVBUFFORCE (socket(7)): as root, past net.core.rmem_max. Not in the option table.
        socket.setOption(['SOL_SOCKET', constants.SO_RCVBUFFORCE], bytes);
      } catch {
        socket.setOption('SO_RCVBUF', bytes); // without CAP_NET_ADMIN: capped at rmem_max
      }
    },
  });
}
