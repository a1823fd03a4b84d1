// trace: TTL probing through the shared engine with traceroute 2.1's rules (handler.ts). This
// file puts the pieces together: the options checked and resolved (options.ts), the probe kind's
// protocol, the sockets it needs (socket.ts), the probe session (engine/session.ts: capture,
// fragmenting, settling, closing on every path), and an engine sized to the trace.
import { CommandSession, ProbeSession, openWithCapture, type SessionParts, type SessionSocket } from '../engine/session.js';
import { IcmpProbe } from '../protocols/trace-icmp.js';
import type { TraceProtocol } from '../protocols/trace-protocol.js';
import { TcpSynProbe } from '../protocols/tcp-syn.js';
import { UDP_BASE_PORT, UdpProbe } from '../protocols/udp.js';
import { FixedPortUdpProbe } from '../protocols/udp-fixed.js';
import { DEFAULT_RAW_PROTOCOL, RawIpProbe } from '../protocols/raw-ip.js';
import { MIN_COVERAGE } from '../../wire/udplite.js';
import { FlowIcmpProbe } from '../protocols/flow-icmp.js';
import { FlowTcpProbe } from '../protocols/flow-tcp.js';
import { FlowUdpProbe } from '../protocols/flow-udp.js';
import { Flows, ProbePlan } from '../protocols/probe-plan.js';
import type { TraceHooks, TraceLaneResult, TraceStart } from './events.js';
import { TraceHandler } from './handler.js';
import { configureTrace, probeCount, randomIn, TRACE_DEFAULTS, type TraceConfig, type TraceOptions } from './options.js';
import { openTraceSocket } from './socket.js';

/** How long after opening the socket the first probe waits (see settleTimestamps, engine/session.ts). */
const TIMESTAMP_SETTLE_MS = 3;
/** The smallest ring of remembered probes worth making. */
const MIN_MEMORY = 64;

export interface TraceSessionParts extends SessionParts {
  /** Default: traceProtocol(config). */
  protocol?: TraceProtocol;
}

/** What every probe of a run shares beyond the configuration: random bases, drawn once. */
export interface ProbeBases {
  ipIdBase: number;
  sequenceBase: number;
}

export function randomBases(): ProbeBases {
  return { ipIdBase: randomIn(0, 0xffff), sequenceBase: randomIn(0, 0xffffffff) };
}

/**
 * The probe protocol for a configuration: traceroute's probes, or flow-keeping ones (flows.ts)
 * whose flow per probe `plan` holds. `length`: bytes per probe instead of the configuration's
 * (trace --mtu makes one protocol per size, with the same bases, so keys agree).
 */
export function traceProtocol(config: TraceConfig, plan: ProbePlan = new ProbePlan(1), bases: ProbeBases = randomBases(), length = config.length): TraceProtocol {
  const header = { source: config.source, df: config.df, ipOptions: config.ipOptions, length, ipIdBase: bases.ipIdBase, family: config.family };
  const flows = config.flow.mode === 'classic' ? null : { flows: new Flows(plan, config.flow.flows) };
  if (config.kind === 'udplite' || (config.kind === 'udp' && config.fixedPort)) {
    // --sport: that port for every probe, as traceroute -U keeps it (one flow, told by IP id;
    // IPv6 has no identification: its source ports count up from --sport, as -T's do).
    const kept = flows ?? (config.sourcePortGiven && config.family.version === 4 ? { flows: new Flows(plan, 1) } : {});
    const coverage = config.kind === 'udplite' ? { coverage: MIN_COVERAGE } : {};
    return new FixedPortUdpProbe({ ...header, dstPort: config.port ?? 0, srcPortBase: config.sourcePort, ...coverage, ...kept });
  }
  switch (config.kind) {
    case 'raw':
      // One flow already (addresses and protocol): --paris changes nothing.
      return new RawIpProbe({ ...header, protocol: config.protocol ?? DEFAULT_RAW_PROTOCOL });
    case 'udp': {
      const udp = { ...header, srcPort: config.sourcePort, basePort: config.port ?? UDP_BASE_PORT };
      return flows === null ? new UdpProbe(udp) : new FlowUdpProbe({ ...udp, ...flows });
    }
    case 'tcp': {
      const tcp = {
        ...header,
        dstPort: config.port ?? TRACE_DEFAULTS.tcpPort,
        srcPortBase: config.sourcePort,
        sequenceBase: bases.sequenceBase,
        ecnSetup: config.ecn,
        ...(config.tcpOptions === null ? {} : { synOptions: config.tcpOptions }),
      };
      return flows === null ? new TcpSynProbe(tcp) : new FlowTcpProbe({ ...tcp, ...flows });
    }
    default: {
      const icmp = { ...header, identifier: config.identifier };
      return flows === null ? new IcmpProbe(icmp) : new FlowIcmpProbe({ ...icmp, ...flows });
    }
  }
}

/** A trace's start (traceroute's header line), its probes `packetLength` bytes long. */
export function traceStartOf(config: TraceConfig, packetLength: number): TraceStart {
  return {
    type: 'start',
    host: config.target.host,
    address: config.target.address,
    source: config.source,
    kind: config.kind,
    port: config.port,
    firstTtl: config.firstTtl,
    maxTtl: config.maxTtl,
    probesPerHop: config.probesPerHop,
    packetLength,
    tos: [...config.tos],
    df: config.df,
  };
}

/** The probe session of a trace: its sockets (opened unless `parts` has a fake), probes cut for config.fragmentMtu. */
export function traceProbeSession(config: TraceConfig, protocol: TraceProtocol, parts: SessionParts): ProbeSession {
  const openSocket = (): SessionSocket => openTraceSocket(protocol, config.family, { source: config.sourceGiven ? config.source : null, device: config.device, target: config.target.address });
  return new ProbeSession({ openSocket, fragmentMtu: config.fragmentMtu, settleMs: TIMESTAMP_SETTLE_MS }, parts);
}

/** Checks the options, resolves the host, opens the capture file and the sockets (CAP_NET_RAW). Nothing is sent until run(). */
export async function openTrace(options: TraceOptions, parts: TraceSessionParts = {}): Promise<TraceSession> {
  const config = await configureTrace(options);
  return openWithCapture(config.pcapOut, parts, (p) => new TraceSession(config, { ...parts, ...p }));
}

export class TraceSession extends CommandSession<TraceConfig, TraceProtocol> {
  readonly start: TraceStart;

  constructor(config: TraceConfig, parts: TraceSessionParts = {}) {
    const protocol = parts.protocol ?? traceProtocol(config);
    super(config, protocol, traceProbeSession(config, protocol, parts));
    this.start = traceStartOf(config, protocol.packetLength);
  }

  /** Runs to the end (every lane reached its last hop, or stop()). Closes the sockets and the capture. */
  run(hooks: TraceHooks = {}): Promise<TraceLaneResult[]> {
    const config = this.config;
    const session = this.session;
    return session.run(
      {
        protocol: this.protocol,
        handler: (engine) => new TraceHandler(engine, config, this.protocol, hooks, session.clock),
        targets: [config.target.address],
        timeoutMs: config.waitMs,
        // Sized to the trace: every probe stays remembered (late answers are recognised), and a
        // small ring is quicker to allocate than the default 64 Ki probes.
        memory: Math.max(MIN_MEMORY, probeCount(config.firstTtl, config.maxTtl, config.probesPerHop, config.tos.length)),
        // One sendto per probe, each with its own timestamp, as traceroute sends them: a trace
        // sends a few dozen probes, and in a sendmmsg batch only the first has a measured send
        // time (the others' are interpolated, and on a fast path their answers can arrive before
        // the interpolated time: a 0.000 ms hop).
        maxBatch: 1,
      },
      (handler) => {
        handler.finish(session.stopRequested);
        return handler.results();
      },
    );
  }
}
