// ping: ICMP echo through the shared engine, with iputils ping's rules (handler.ts). This file
// puts the pieces together: the options checked and resolved (options.ts, configure.ts), the echo
// protocol, the sockets with the options iputils sets on its own (sized for the run, -I, -b, -L,
// -m, -r, -S, -d, -C, -B), the probe session (engine/session.ts: capture, fragmenting, settling,
// closing on every path), and the engine's pacing for -i, -f, -l and -A.
import { parseIpv4 } from '../../wire/bytes.js';
import { BATCH, FLAG_HARDWARE_TIMESTAMP, FLAG_KERNEL_TIMESTAMP, type ReceiveBatch } from '../../socket/batch.js';
import { now as clockNow } from '../../socket/clock.js';
import type { RawSocket } from '../../socket/socket.js';
import { bindToDevice } from '../engine/probe-socket.js';
import { CommandSession, ProbeSession, openWithCapture, type SessionParts, type SessionSocket } from '../engine/session.js';
import { PauseSwitch } from '../engine/pause-switch.js';
import { timestampsOf } from '../engine/timestamps.js';
import { IcmpEchoProtocol } from '../protocols/icmp-echo.js';
import { startOf, summarize, type PingHooks, type PingStart, type PingSummary } from './events.js';
import { PingHandler } from './handler.js';
import { configurePing, sourceIsOnDevice } from './configure.js';
import type { PingConfig, PingOptions } from './options.js';

/** How long after opening the socket the first probe waits (see settleTimestamps, engine/session.ts). */
const TIMESTAMP_SETTLE_MS = 10;
/** iputils' MININTERVAL: a flood with no replies still sends every 10 ms. */
const FLOOD_STALL_MS = 10;
/** The engine's memory of probes (its ring): every probe of a short counted run, else 64 Ki. */
const MAX_MEMORY = 65536;
const MIN_MEMORY = 64;
/** Most probes per sendmmsg in a flood; the receive slots match. */
const PROBE_BATCH = 64;
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
      ipOptions: config.ipOptions,
      stampAt: config.stampAt,
      replyTarget: config.anySource ? parseIpv4(config.targets[0]!.address) : -1,
      flowLabel: config.flowLabel,
      family: config.family,
    });
    const openSocket = (): SessionSocket => openPingSocket(protocol, config);
    // IPv6 routers never fragment: with -M want or dont, a Packet Too Big's MTU is where our
    // own fragmenting starts (as the kernel does for iputils ping -6), so the socket can cut.
    const adaptMtu = config.family.version === 6 && config.fragment;
    const fragmentMtu = config.fragmentMtu ?? (adaptMtu ? (config.routeMtu ?? 0xffff) : null);
    super(config, protocol, new ProbeSession({ openSocket, fragmentMtu, settleMs: TIMESTAMP_SETTLE_MS }, parts));
    const onDevice = config.device !== null && !config.sourceGiven ? sourceIsOnDevice(config.source, config.device) : null;
    this.start = startOf(config, timestampsOf(this.session.rawSocket), onDevice);
  }

  /** Runs to the end (count, deadline, stop()); one summary per target. Closes the socket and the capture. */
  run(hooks: PingHooks = {}): Promise<PingSummary[]> {
    const config = this.config;
    const targetCount = config.targets.length;
    const counted = config.count !== null && config.deadlineMs === null;
    const clock = this.session.clock;
    // A reply's data says something only in a reply event (iputils compares it only when printed).
    this.protocol.compareData = hooks.onEvent !== undefined;
    return this.session.run(
      {
        protocol: this.protocol,
        handler: (engine) => this.pauses.attach(new PingHandler(engine, this.protocol, config, hooks, clock, (mtu) => this.session.lowerMtu(mtu))),
        targets: config.targets.map((t) => t.address),
        timeoutMs: config.timeoutMs,
        // -A: the handler paces the probes (adaptive.ts).
        intervalMs: config.adaptive ? 0 : config.intervalMs / targetCount,
        window: config.flood && config.intervalMs === 0 ? config.preload : undefined,
        preload: config.flood ? 1 : config.preload,
        stallMs: config.flood ? FLOOD_STALL_MS : 0,
        deadlineMs: config.deadlineMs,
        memory: counted ? Math.min(MAX_MEMORY, Math.max(MIN_MEMORY, config.count! * targetCount * 2)) : MAX_MEMORY,
        maxBatch: PROBE_BATCH,
        // A flood's sends (and a lab's forwarding inside them) on the socket's own thread.
        sendThread: config.flood && config.intervalMs === 0,
        hardwareTimestamps: this.start.timestamps?.hardware?.on === true,
      },
      (handler) => {
        handler.close();
        return config.targets.map((_, i) => this.summary(i));
      },
    );
  }

  /** The summary so far (SIGQUIT's status line), for target i. */
  summary(i = 0): PingSummary {
    const engine = this.session.engine;
    return summarize(this.config.targets[i]!, engine?.stats(i) ?? null, engine?.startedAt ?? Number.NaN, this.config, engine?.timing ?? null);
  }
}

/**
 * The sockets, with what iputils sets on its own: on the one that sends, the interface (-I
 * IFNAME), broadcast (-b), the mark (-m), no routing (-r), the send buffer (-S), SO_DEBUG (-d);
 * on the one that hears (the same for IPv4), no multicast loop (-L), connected to the target
 * (-C), and bound to the source (-I address, -B).
 */
function openPingSocket(protocol: IcmpEchoProtocol, config: PingConfig): SessionSocket {
  return config.family.openSockets(protocol, {
    source: config.bindSource ? config.source : null,
    hardwareTimestampsFor: config.hardwareTimestamps ? config.source : null,
    userTimes: config.userLatency,
    slotCount: PROBE_BATCH,
    maxPerWake: MAX_PER_WAKE,
    senderSource: config.source,
    senderSetup: (socket) => {
      if (config.device !== null) bindToDevice(socket, config.device);
      if (config.anySource) socket.setOption('SO_BROADCAST', true);
      if (config.mark !== null) socket.setOption('SO_MARK', config.mark);
      if (config.dontRoute) socket.setOption('SO_DONTROUTE', true);
      if (config.sendBuffer !== null) socket.setOption('SO_SNDBUF', config.sendBuffer);
      if (config.debug) socket.setOption('SO_DEBUG', true);
    },
    setup: (socket) => {
      if (config.noLoop && config.family.version === 4) socket.setOption('IP_MULTICAST_LOOP', false);
      if (config.connect) socket.connect(config.targets[0]!.address);
      if (config.userLatency) socket.prependListener('batch', stampWhenRead);
      // Room for the whole window of replies (the kernel caps it at net.core.rmem_max).
      if (config.flood) socket.setOption('SO_RCVBUF', Math.max(FLOOD_RCVBUF, config.preload * (protocol.maxProbeLength + 1024) * 4));
    },
  });
}

/**
 * -U: each datagram's time becomes the time rawprobe reads it (user space, after the wake-up and
 * the event loop), not the kernel's receive timestamp: iputils' "full user-to-user latency".
 * Runs before the engine hears of the batch.
 */
function stampWhenRead(batch: ReceiveBatch): void {
  const at = clockNow();
  const meta = batch.meta;
  for (let i = 0; i < batch.count; i++) {
    const base = i * BATCH.stride;
    meta[base + BATCH.timestamp] = at;
    meta[base + BATCH.flags] = (meta[base + BATCH.flags] as number) & ~(FLAG_KERNEL_TIMESTAMP | FLAG_HARDWARE_TIMESTAMP);
  }
}
