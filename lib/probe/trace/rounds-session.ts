// trace --report, --watch and --multipath: rounds of a trace on the shared engine (rounds.ts),
// added up hop by hop (report.ts). This file puts the pieces together as session.ts does for the
// one-shot trace: the options checked and resolved, the probe protocol (flow-keeping when asked),
// the sockets, the probe session, and an engine whose memory suits a run of any length.
import { PauseSwitch } from '../engine/pause-switch.js';
import { CommandSession, openWithCapture } from '../engine/session.js';
import { ProbePlan } from '../protocols/probe-plan.js';
import type { TraceProtocol } from '../protocols/trace-protocol.js';
import { optionError } from '../errors.js';
import type { TraceStart } from './events.js';
import type { FlowChoice } from './flows.js';
import { configureTrace, type TraceConfig, type TraceOptions } from './options.js';
import { RoundsReport, type ReportHop } from './report.js';
import { RoundsHandler, type RoundsHooks, type RoundsPlan } from './rounds.js';
import { randomBases, traceProbeSession, traceProtocol, traceStartOf, type TraceSessionParts } from './session.js';

/** mtr's -c default: rounds of a report. */
export const DEFAULT_ROUNDS = 10;
/** Probes a run remembers (its ring): a few hundred rounds back, far more than any wait. */
const MEMORY = 4096;
/** More rounds than any run would finish. */
const MAX_ROUNDS = 1_000_000;

export interface TraceRoundsOptions extends TraceOptions {
  /** Rounds (mtr -c). Default 10; with multipath, one per flow; null: until stop(). */
  rounds?: number | null;
  /** Time between the starts of two rounds, ms (mtr -i). Default 0: each once the one before is settled. */
  intervalMs?: number;
}

export interface RoundsStart extends TraceStart {
  flow: FlowChoice;
  rounds: number | null;
  intervalMs: number;
}

export interface RoundsResult {
  /** Rounds whose every probe was settled. */
  completed: number;
  /** The destination answered. */
  reached: boolean;
  hops: ReportHop[];
}

function roundsPlan(options: TraceRoundsOptions, config: TraceConfig): RoundsPlan {
  const rounds = options.rounds === undefined ? (config.flow.mode === 'multipath' ? config.flow.flows : DEFAULT_ROUNDS) : options.rounds;
  if (rounds !== null && !(Number.isInteger(rounds) && rounds >= 1 && rounds <= MAX_ROUNDS)) {
    throw optionError('rounds', `${String(rounds)} rounds: give a whole number from 1 to ${MAX_ROUNDS}`);
  }
  const intervalMs = options.intervalMs ?? 0;
  if (!(Number.isFinite(intervalMs) && intervalMs >= 0 && intervalMs <= 3_600_000)) {
    throw optionError('intervalMs', `interval ${String(intervalMs / 1000)} s is out of range: give 0 to 3600 seconds`);
  }
  return { rounds, intervalMs };
}

/** Checks the options, resolves the host, opens the capture file and the sockets (CAP_NET_RAW). Nothing is sent until run(). */
export async function openTraceRounds(options: TraceRoundsOptions, parts: TraceSessionParts = {}): Promise<TraceRoundsSession> {
  // Classic probes take a port per probe: the ring of remembered probes must not meet itself.
  const config = await configureTrace({ probesPerHop: 1, ...options }, MEMORY);
  const plan = roundsPlan(options, config);
  return openWithCapture(config.pcapOut, parts, (p) => new TraceRoundsSession(config, plan, { ...parts, ...p }));
}

export class TraceRoundsSession extends CommandSession<TraceConfig, TraceProtocol> {
  readonly start: RoundsStart;
  readonly report: RoundsReport;
  readonly #plan: ProbePlan;
  readonly #rounds: RoundsPlan;
  #handler: RoundsHandler | null = null;
  /** The live view's p: no new rounds until resumed; probes in flight still settle. */
  readonly pauses = new PauseSwitch();

  constructor(config: TraceConfig, rounds: RoundsPlan, parts: TraceSessionParts = {}) {
    const plan = new ProbePlan(MEMORY);
    const protocol = parts.protocol ?? traceProtocol(config, plan, randomBases());
    super(config, protocol, traceProbeSession(config, protocol, parts));
    this.#plan = plan;
    this.#rounds = rounds;
    this.report = new RoundsReport(config.firstTtl, config.maxTtl);
    this.start = { ...traceStartOf(config, protocol.packetLength), flow: config.flow, rounds: rounds.rounds, intervalMs: rounds.intervalMs };
  }

  /** Runs every round (or until stop()); closes the sockets and the capture. */
  run(hooks: RoundsHooks = {}): Promise<RoundsResult> {
    const config = this.config;
    const session = this.session;
    return session.run(
      {
        protocol: this.protocol,
        handler: (engine) => {
          this.#handler = new RoundsHandler(engine, config, this.protocol, { plan: this.#plan, report: this.report, rounds: this.#rounds, hooks, clock: session.clock });
          return this.pauses.attach(this.#handler);
        },
        targets: [config.target.address],
        timeoutMs: config.waitMs,
        memory: MEMORY,
        // One sendto per probe, each with its own timestamp (session.ts says why).
        maxBatch: 1,
      },
      (handler) => {
        handler.finish();
        return { completed: handler.completed, reached: handler.reached, hops: this.report.snapshot() };
      },
    );
  }

  /** Rounds completed so far. */
  get completed(): number {
    return this.#handler?.completed ?? 0;
  }

  /** Forgets the figures so far (the live view's `r`); rounds go on. */
  reset(): void {
    this.report.reset();
  }
}


