// ping: ICMP echo through the shared engine, with iputils ping's rules (handler.ts). This file
// puts the pieces together: the options checked and resolved (options.ts), the echo protocol,
// the raw socket sized for the run, the probe session (engine/session.ts: capture, fragmenting,
// settling, closing on every path), and the engine's pacing for -i, -f and -l.
import { CommandSession, ProbeSession, openWithCapture, type SessionParts, type SessionSocket } from '../engine/session.js';
import { PauseSwitch } from '../engine/pause-switch.js';
import { timestampsOf } from '../engine/timestamps.js';
import { IcmpEchoProtocol } from '../protocols/icmp-echo.js';
import { startOf, summarize, type PingHooks, type PingStart, type PingSummary } from './events.js';
import { PingHandler } from './handler.js';
import { configurePing, type PingConfig, type PingOptions } from './options.js';

/** How long after opening the socket the first probe waits (see settleTimestamps, engine/session.ts). */
const TIMESTAMP_SETTLE_MS = 10;
/** iputils' MININTERVAL: a flood with no replies still sends every 10 ms. */
const FLOOD_STALL_MS = 10;
/** The engine's memory of probes (its ring): every probe of a short counted run, else 64 Ki. */
const MAX_MEMORY = 65536;
const MIN_MEMORY = 64;
/** Most probes per sendmmsg in a flood; the receive slots match. */
const BATCH = 64;
/** Most replies read per wake-up. */
const MAX_PER_WAKE = 4096;
/** A flood's receive buffer: at least this, else room for four windows of replies. */
const FLOOD_RCVBUF = 262144;

export type PingSessionParts = SessionParts;

/**
 * Checks the options, resolves the targets, opens the capture file and the socket (needs
 * CAP_NET_RAW). Nothing is sent until run().
 */
export async function openPing(options: PingOptions, parts: PingSessionParts = {}): Promise<PingSession> {
  const config = await configurePing(options);
  return openWithCapture(config.pcapOut, parts, (p) => new PingSession(config, p));
}

export class PingSession extends CommandSession<PingConfig, IcmpEchoProtocol> {
  readonly start: PingStart;
  /** ping --watch's p: no new probes until resumed; those in flight still count. */
  readonly pauses = new PauseSwitch();

  constructor(config: PingConfig, parts: PingSessionParts = {}) {
    const protocol = new IcmpEchoProtocol({
      identifier: config.identifier,
      source: config.source,
      size: config.size,
      pattern: config.pattern,
      df: config.df,
      ipIdBase: Math.floor(Math.random() * 0x10000),
      flowLabel: config.flowLabel,
      family: config.family,
    });
    const openSocket = (): SessionSocket => openPingSocket(protocol, config);
    // IPv6 routers never fragment: with -M want or dont, a Packet Too Big's MTU is where our
    // own fragmenting starts (as the kernel does for iputils ping -6), so the socket can cut.
    const adaptMtu = config.family.version === 6 && config.fragment;
    const fragmentMtu = config.fragmentMtu ?? (adaptMtu ? (config.routeMtu ?? 0xffff) : null);
    super(config, protocol, new ProbeSession({ openSocket, fragmentMtu, settleMs: TIMESTAMP_SETTLE_MS }, parts));
    this.start = startOf(config, timestampsOf(this.session.rawSocket));
  }

  /** Runs to the end (count, deadline, stop()); one summary per target. Closes the socket and the capture. */
  run(hooks: PingHooks = {}): Promise<PingSummary[]> {
    const config = this.config;
    const targetCount = config.targets.length;
    const counted = config.count !== null && config.deadlineMs === null;
    return this.session.run(
      {
        protocol: this.protocol,
        handler: (engine) => this.pauses.attach(new PingHandler(engine, this.protocol, config, hooks, (mtu) => this.session.lowerMtu(mtu))),
        targets: config.targets.map((t) => t.address),
        timeoutMs: config.timeoutMs,
        intervalMs: config.intervalMs / targetCount,
        window: config.flood && config.intervalMs === 0 ? config.preload : undefined,
        preload: config.flood ? 1 : config.preload,
        stallMs: config.flood ? FLOOD_STALL_MS : 0,
        deadlineMs: config.deadlineMs,
        memory: counted ? Math.min(MAX_MEMORY, Math.max(MIN_MEMORY, config.count! * targetCount * 2)) : MAX_MEMORY,
        maxBatch: BATCH,
        hardwareTimestamps: this.start.timestamps?.hardware?.on === true,
      },
      () => config.targets.map((_, i) => this.summary(i)),
    );
  }

  /** The summary so far (SIGQUIT's status line), for target i. */
  summary(i = 0): PingSummary {
    const engine = this.session.engine;
    return summarize(this.config.targets[i]!, engine?.stats(i) ?? null, engine?.startedAt ?? Number.NaN, this.config, engine?.timing ?? null);
  }
}

function openPingSocket(protocol: IcmpEchoProtocol, config: PingConfig): SessionSocket {
  return config.family.openSockets(protocol, {
    source: config.sourceGiven ? config.source : null,
    hardwareTimestampsFor: config.hardwareTimestamps ? config.source : null,
    slotCount: BATCH,
    maxPerWake: MAX_PER_WAKE,
    setup: (socket) => {
      // Room for the whole window of replies (the kernel caps it at net.core.rmem_max).
      if (config.flood) socket.setOption('SO_RCVBUF', Math.max(FLOOD_RCVBUF, config.preload * (protocol.maxProbeLength + 1024) * 4));
    },
  });
}
