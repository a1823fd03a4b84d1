// trace --mtu on the shared engine (mtu.ts): the options checked and resolved with DF set, one
// probe protocol per size (sized-protocol.ts) sharing the random bases so keys agree, the sockets,
// and the probe session; the first size is the route's MTU (what the kernel would send whole).
import { routeMtu } from '../../socket/route.js';
import { wholeIn } from '../errors.js';
import { CommandSession, openWithCapture } from '../engine/session.js';
import { ProbePlan } from '../protocols/probe-plan.js';
import type { TraceStart } from './events.js';
import { PathMtuHandler } from './mtu.js';
import type { MtuDone, MtuHooks, MtuHop } from './mtu-events.js';
import { configureTrace, type TraceConfig, type TraceOptions } from './options.js';
import { randomBases, traceProbeSession, traceProtocol, traceStartOf, type TraceSessionParts } from './session.js';
import { SizedProtocol } from './sized-protocol.js';

/** The first size when the route's MTU cannot be read (Ethernet's). */
const FALLBACK_MTU = 1500;
/** IPv4's smallest MTU (RFC 791) and largest datagram. */
const MIN_MTU = 68;
const MAX_LENGTH = 0xffff;
const MEMORY = 4096;

export interface MtuOptions extends TraceOptions {
  /** The first probe size; default the route's MTU. */
  startLength?: number | null;
}

export interface MtuResult extends MtuDone {
  hopList: MtuHop[];
}

/** Checks the options, resolves the host, opens the capture file and the sockets (CAP_NET_RAW). */
export async function openPathMtu(options: MtuOptions, parts: TraceSessionParts = {}): Promise<PathMtuSession> {
  if (options.startLength != null) wholeIn('startLength', 'packet length', options.startLength, MIN_MTU, MAX_LENGTH);
  const config = await configureTrace({ ...options, df: true }, MEMORY);
  const route = routeMtu(config.target.address, config.sourceGiven ? config.source : null) ?? FALLBACK_MTU;
  // Loopback's MTU is 65536: one more than an IPv4 datagram can hold.
  const start = options.startLength ?? Math.min(MAX_LENGTH, route);
  return openWithCapture(config.pcapOut, parts, (p) => new PathMtuSession(config, start, { ...parts, ...p }));
}

export class PathMtuSession extends CommandSession<TraceConfig, SizedProtocol> {
  readonly start: TraceStart;
  readonly #plan: ProbePlan;

  constructor(config: TraceConfig, startLength: number, parts: TraceSessionParts = {}) {
    const plan = new ProbePlan(MEMORY);
    const bases = randomBases();
    const protocol = new SizedProtocol((length) => traceProtocol(config, plan, bases, length), plan, startLength, Math.max(startLength, config.length));
    // DF: never cut into fragments.
    super(config, protocol, traceProbeSession({ ...config, fragmentMtu: null }, protocol, parts));
    this.#plan = plan;
    this.start = traceStartOf(config, protocol.packetLength);
  }

  run(hooks: MtuHooks = {}): Promise<MtuResult> {
    const hopList: MtuHop[] = [];
    const onHop = (hop: MtuHop): void => {
      hopList.push(hop);
      hooks.onHop?.(hop);
    };
    return this.session.run(
      {
        protocol: this.protocol,
        handler: (engine) => new PathMtuHandler(engine, this.config, this.protocol, this.#plan, { onHop }),
        targets: [this.config.target.address],
        timeoutMs: this.config.waitMs,
        memory: MEMORY,
        maxBatch: 1,
      },
      (handler) => {
        handler.finish();
        const last = hopList[hopList.length - 1];
        const { pmtu, reached, back } = handler.found();
        return { type: 'done', reached, hops: last?.ttl ?? 0, pmtu, back, hopList };
      },
    );
  }
}
