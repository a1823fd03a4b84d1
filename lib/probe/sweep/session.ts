// sweep: ICMP echo to many targets at once, as fping does, through the shared probe engine.
//
// Two modes, fping's:
//   alive (no count)  one probe per target; no answer within the timeout: retry, the timeout
//                     multiplied by the backoff each time (-r, -t, -B); a reply: alive; all
//                     tries spent: unreachable. ICMP errors are reported and end that try.
//   count (-c N)      N probes per target, one every period (-p); each reply and timeout
//                     reported, then the target's xmt/rcv/%loss and min/avg/max.
//
// Targets come lazily from a TargetFeed (feed.ts) and are probed through a small set
// of engine target indices ("lanes"), reused as targets finish, so memory follows what is in
// flight, not the length of the list. A finished target leaves only counters in the summary.
// Sending is paced by --rate (packets per second, in sendmmsg batches) or unpaced (`max`, at
// most 65,536 probes in flight); replies are drained in receive batches. The engine's table
// starts small and grows only with what is in flight; what the sweep must remember of settled
// probes (late and duplicate replies) is in its own compact records (probes.ts).
//
// The rules per target live in handler.ts, the options in options.ts, the events in events.ts;
// this file holds the socket and the session (engine/session.ts does the opening and closing).
import { constants } from '../../socket/constants.js';
import type { RawSocket } from '../../socket/socket.js';
import type { SessionSocket } from '../engine/session.js';
import { rawSocketDrops } from '../../socket/system.js';
import { CommandSession, ProbeSession, type SessionParts } from '../engine/session.js';
import { SocketGroup } from '../engine/socket-group.js';
import { ECHO_HEADER_BYTES, IcmpEchoProtocol } from '../protocols/icmp-echo.js';
import { checkSourceAddress } from '../resolve.js';
import { TargetAddress } from './address.js';
import { unknownEvent, type SweepHooks, type SweepProgress, type SweepSummary } from './events.js';
import { FEED, TargetFeed, type FeedTarget } from './feed.js';
import { SweepHandler } from './handler.js';
import { PROBE_MEMORY } from './probes.js';
import type { CheckedFiles } from './checked.js';
import { checkFiles, configureSweep, type SweepConfig, type SweepOptions } from './options.js';
import { SweepTotals } from './totals.js';

/** How long after opening its socket the first probe waits (see settleTimestamps, engine/session.ts). */
const TIMESTAMP_SETTLE_MS = 10;

/** Most target indices (and so targets) probed at once, and most probes in flight: the sweep's records. */
export const SWEEP_MEMORY = PROBE_MEMORY;
/**
 * Probes the engine's table holds at first. It grows to SWEEP_MEMORY when the slot a new probe
 * needs still holds one in flight: in the sweep lab, at full rate, answers keep at most a burst
 * (512) in flight and it never grows; in dead address space it does, once.
 */
const ENGINE_MEMORY_START = 1024;

export interface SweepParts extends Omit<SessionParts, 'capture'> {
  stdin?: NodeJS.ReadableStream;
  /** What checkFiles kept of the target files: probed from there, not read again. */
  checked?: CheckedFiles;
}

/** Checks options and target files, opens the socket (CAP_NET_RAW). Nothing is sent until run(). */
export async function openSweep(options: SweepOptions, parts: SweepParts = {}): Promise<SweepSession> {
  const config = configureSweep(options);
  const checked = await checkFiles(config.files, config.family.version);
  if (config.source !== null) checkSourceAddress(config.source);
  return new SweepSession(config, { ...parts, stdin: parts.stdin ?? options.stdin, checked }, options.resolve);
}

export class SweepSession extends CommandSession<SweepConfig, IcmpEchoProtocol> {
  readonly #stdin: NodeJS.ReadableStream | undefined;
  readonly #checked: CheckedFiles | undefined;
  readonly #resolve: ((name: string) => Promise<string>) | undefined;
  #feed: TargetFeed | null = null;
  #handler: SweepHandler | null = null;
  #totals: SweepTotals | null = null;
  #startedAt = Number.NaN;

  constructor(config: SweepConfig, parts: SweepParts = {}, resolve?: (name: string) => Promise<string>) {
    const protocol = new IcmpEchoProtocol({
      identifier: config.identifier,
      // Zero: with IP_HDRINCL Linux fills in the source of the route to each target (raw(7)),
      // so a sweep across several interfaces leaves from the right address on each. IPv6's
      // IPV6_HDRINCL fills in nothing: the template asks the routing table (template6.ts).
      source: config.source ?? (config.family.version === 6 ? '::' : '0.0.0.0'),
      family: config.family,
      size: config.size,
      df: false,
      ipIdBase: Math.floor(Math.random() * 0x10000),
    });
    // No sweep line tells of the echoed data (fping does not look at it): not compared.
    protocol.compareData = false;
    const { stdin, checked, ...sessionParts } = parts;
    const openSocket = (): SessionSocket => openSweepSocket(protocol, config);
    super(config, protocol, new ProbeSession({ openSocket, fragmentMtu: config.fragmentMtu, settleMs: TIMESTAMP_SETTLE_MS }, sessionParts));
    this.#stdin = stdin;
    this.#checked = checked;
    this.#resolve = resolve;
  }

  /** Probes every target; resolves with the summary (the socket is closed then, whatever happened). */
  async run(hooks: SweepHooks = {}): Promise<SweepSummary> {
    const session = this.session;
    const totals = new SweepTotals();
    this.#totals = totals;
    let unknown = 0;
    const feed = new TargetFeed({
      args: this.config.args,
      files: this.config.files,
      version: this.config.family.version,
      ...(this.#stdin === undefined ? {} : { stdin: this.#stdin }),
      ...(this.#checked === undefined ? {} : { checked: this.#checked }),
      ...(this.#resolve === undefined ? {} : { resolve: this.#resolve }),
      onUnknown: (host, reason, origin) => {
        unknown++;
        hooks.onEvent?.(unknownEvent(host, reason, origin));
      },
      onReady: () => session.engine?.wake(),
    });
    this.#feed = feed;
    const startedAt = session.clock.now();
    this.#startedAt = startedAt;
    try {
      await feed.start();
      const first: FeedTarget = { address: 0, name: null, high: null };
      if (session.stopRequested || feed.take(first) !== FEED.target) {
        hooks.onFlush?.();
        return this.#summary(totals, startedAt, unknown, null);
      }
      return await this.#probe(feed, first, totals, hooks, (engineStartedAt, drops) =>
        this.#summary(totals, Number.isNaN(engineStartedAt) ? startedAt : engineStartedAt, unknown, drops),
      );
    } finally {
      feed.close();
      await session.close();
    }
  }

  /** Runs the engine from the first target on; `end` makes the summary before the socket closes. */
  #probe(
    feed: TargetFeed,
    first: FeedTarget,
    totals: SweepTotals,
    hooks: SweepHooks,
    end: (startedAt: number, drops: number | null) => SweepSummary,
  ): Promise<SweepSummary> {
    const config = this.config;
    const session = this.session;
    return session.run(
      {
        protocol: this.protocol,
        handler: (engine) => (this.#handler = new SweepHandler(engine, config, feed, first, totals, hooks, session.clock)),
        targets: [new TargetAddress().of(first).text],
        timeoutMs: config.timeoutMs,
        rate: config.rate ?? 0,
        // No window: it counts probes sent after the newest answered one, and in dead address
        // space nothing is ever answered. The handler keeps in flight at most what the ring holds.
        window: Number.POSITIVE_INFINITY,
        memory: SWEEP_MEMORY,
        memoryStart: ENGINE_MEMORY_START,
        maxBatch: batchFor(config.rate),
      },
      (handler, engine) => {
        handler.finishAll();
        return end(engine.startedAt, receiveDrops(session.rawSocket));
      },
    );
  }

  /** How far the run has come, null before it started. */
  progress(): SweepProgress | null {
    const totals = this.#totals;
    const feed = this.#feed;
    if (totals === null || feed === null) return null;
    const engineStart = this.session.engine?.startedAt ?? Number.NaN;
    const since = Number.isNaN(engineStart) ? this.#startedAt : engineStart;
    return {
      total: feed.total,
      started: feed.taken,
      finished: totals.alive + totals.unreachable + totals.unfinished,
      alive: totals.alive,
      unreachable: totals.unreachable,
      sent: totals.transmitted,
      elapsedNs: Math.max(0, this.session.clock.now() - since),
    };
  }

  /** The most targets probed at once so far (engine target indices made): what memory follows. */
  get lanes(): number {
    return this.#handler?.lanes ?? 0;
  }

  /** Ends the run now (SIGINT): targets still being probed are reported, then the summary. */
  override stop(): void {
    this.#feed?.close();
    super.stop();
  }

  #summary(totals: SweepTotals, startedAt: number, unknown: number, drops: number | null): SweepSummary {
    const error = this.#feed?.error ?? null;
    return totals.summary(this.session.clock.now() - startedAt, unknown, drops, error === null ? null : error.message, this.session.stopRequested);
  }
}

/**
 * What the kernel dropped on the sockets the replies come in on: the one IPv4 socket, or IPv6's
 * ICMPv6 socket(s) beside the sender (SocketGroup); null when a socket cannot tell.
 */
function receiveDrops(socket: SessionSocket): number | null {
  const receivers = socket instanceof SocketGroup ? socket.receivers : [socket];
  let drops = 0;
  for (const r of receivers) {
    const n = rawSocketDrops(r);
    if (n === null) return null;
    drops += n;
  }
  return drops;
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


function openSweepSocket(protocol: IcmpEchoProtocol, config: SweepConfig): SessionSocket {
  return config.family.openSockets(protocol, {
    source: config.source,
    // Replies are taken a thousand a wake-up at most (bigger batches only made the peak memory
    // bigger, a /16: 71 MB at 8192, 65 MB at 1024, and the sweep no faster), into the same
    // Buffer and array every wake-up: the sweep reads each answer as it comes and keeps numbers
    // only (a new pair per wake-up was garbage the moment it was read: 0.7 MB of a /16's peak).
    slotCount: 64,
    maxPerWake: 1024,
    reuseBatches: true,
    // As fping: each probe's send time is the clock read before its send call (the sendmmsg of
    // its batch), not the kernel's stamp read back from the error queue for every probe, which
    // cost the kernel an extra buffer and a queue per probe and us an extra read per wake-up.
    // Answers keep their kernel receive stamps.
    sendStamps: false,
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
