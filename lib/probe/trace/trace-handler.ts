// What the three trace handlers (handler.ts: one trace and tos's lanes; rounds.ts: mtr's rounds;
// mtu.ts: the path MTU) share as ProbeHandlers: the engine they run on, the reader that turns an
// answer into a TraceProbe, the configuration, whether they stopped, and how a probe is let go:
// never after the end, never beyond -N in flight (traceroute's sim_probes), and aimed at a TTL with
// its TOS and its adaptive wait.
import type { ProbeEngine } from '../engine/engine.js';
import type { ProbeSlot } from '../engine/protocol.js';
import { NEXT, type Next } from '../engine/types.js';
import type { TraceProtocol } from '../protocols/trace-protocol.js';
import { TraceAnswers } from './answer.js';
import type { TraceConfig } from './options.js';

export abstract class TraceHandlerBase {
  protected readonly engine: ProbeEngine;
  protected readonly answers: TraceAnswers;
  protected readonly config: TraceConfig;
  /** Nothing more goes out: every hop is settled, or the engine stopped. */
  protected stopped = false;

  constructor(engine: ProbeEngine, config: TraceConfig, protocol: TraceProtocol) {
    this.engine = engine;
    this.answers = new TraceAnswers(engine, config, protocol);
    this.config = config;
  }

  /** What next() says before it picks a probe: done once stopped, wait with `inFlight` at -N; null: pick one. */
  protected held(inFlight: number): Next | null {
    if (this.stopped) return NEXT.done;
    return inFlight >= this.config.simultaneous ? NEXT.wait : null;
  }

  /** Sets the probe to go out with this TTL and TOS, waiting at most timeoutMs for its answer. */
  protected aim(probe: ProbeSlot, ttl: number, tos: number, timeoutMs: number): void {
    probe.target = 0;
    probe.ttl = ttl;
    probe.tos = tos;
    probe.timeoutMs = timeoutMs;
  }
}
