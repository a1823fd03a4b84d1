// Many rounds of a trace (mtr's report and live view, trace --report, --watch, --multipath) as a
// ProbeHandler: each round sends one probe per hop (-q of them), first TTL up to the last hop,
// and every settled probe goes into the report (report.ts) at its hop.
//
//   - a round goes out as traceroute sends a trace: rising TTL, up to -N probes in flight;
//   - rounds start -i apart (mtr's -i); with -i 0 (trace --report's default) each round starts
//     as soon as the one before it is settled: as fast as the path answers, no faster. With
//     -i > 0 rounds overlap when the path is slower than -i, and a probe still waiting for its
//     answer never holds the next round back (mtr's pace, without its per-hop spreading);
//   - the last hop: the destination's (a reply), or an unreachable's; probes beyond it are
//     dropped, neither sent nor counted, and later rounds stop there. A destination that limits
//     its port unreachables is placed by its quote, as the one-shot trace does (handler.ts); a
//     router answering at that TTL later means the path grew: the next rounds probe further;
//   - each probe waits at most MAX (-w); a hop with answers in earlier rounds waits HERE times
//     its worst round trip, one without them NEAR times a farther hop's (traceroute's factors,
//     with the hop's history as the round trip), and an answer in this round shortens the
//     waits of the probes before it as traceroute does;
//   - while the destination has not answered, the rounds after the first stop 12 hops past the
//     farthest hop that did (mtr's -U), and a hop silent in every round so far, beyond every hop
//     that answered, waits NEAR times the round trip of the nearest hop that answers, not MAX;
//   - there is no grace time at the end (mtr waits 5 s after the last round): the run ends
//     when the last round's last probe is settled;
//   - the flow: trace --multipath sends round r as flow r mod K, --paris every round as flow 0
//     (the protocol keeps each flow's ports or checksum, flows.ts); classic probes have none.
//
// pause() holds new rounds (probes in flight still settle), resume() lets them go again.
import { ICMP_TYPE } from '../../wire/icmpv4-codes.js';
import { NS_PER_MS } from '../../socket/clock.js';
import type { ProbeEngine } from '../engine/engine.js';
import type { Match, ProbeSlot } from '../engine/protocol.js';
import { NEXT, OUTCOME, type EngineClock, type Next, type Outcome, type ProbeHandler } from '../engine/types.js';
import type { ProbePlan } from '../protocols/probe-plan.js';
import type { TraceProtocol } from '../protocols/trace-protocol.js';
import { destinationHop, refusedProbe } from './answer.js';
import { noAnswer, type TraceProbe } from './events.js';
import type { TraceConfig } from './options.js';
import type { RoundsReport } from './report.js';
import { TraceHandlerBase } from './trace-handler.js';
import { adaptiveWait, shortenWaits } from './waits.js';

/** mtr's -U default: rounds after the first probe this many hops past the farthest that answered. */
export const MAX_UNKNOWN = 12;

export interface RoundsPlan {
  /** Rounds to run; null: until stop(). */
  rounds: number | null;
  /** Time between the starts of two rounds, ms; 0: each round once the one before is settled. */
  intervalMs: number;
}

export interface RoundDone {
  /** Rounds completed so far (this one included). */
  completed: number;
  /** The destination has answered (in any round). */
  reached: boolean;
}

export interface RoundsHooks {
  /** A probe was settled and recorded at hop `ttl` (the live view redraws). */
  onProbe?: (ttl: number, flow: number, probe: TraceProbe) => void;
  /** Every probe of a round was settled. */
  onRound?: (done: RoundDone) => void;
}

interface Round {
  /** 0, 1, 2... in the order started. */
  index: number;
  startedAt: number;
  flow: number;
  /** TTL limit when it started (the last hop, as known then). */
  limit: number;
  /** Probes sent and not settled. */
  pending: number;
  /** Every probe of it has gone out. */
  sent: boolean;
}

interface OpenProbe {
  ttl: number;
  round: Round;
}

export class RoundsHandler extends TraceHandlerBase implements ProbeHandler {
  readonly #plan: ProbePlan;
  readonly #report: RoundsReport;
  readonly #rounds: RoundsPlan;
  readonly #hooks: RoundsHooks;
  readonly #clock: EngineClock;
  readonly #open = new Map<number, OpenProbe>();
  /** Rounds started and not settled. */
  readonly #active = new Set<Round>();
  /** The round being sent, and where it is: next TTL, next probe of that TTL. */
  #current: Round | null = null;
  #ttl = 0;
  #index = 0;
  #started = 0;
  #completed = 0;
  #lastStart = Number.NaN;
  /** Lowest TTL known to be the last hop; Infinity while unknown. */
  #final = Number.POSITIVE_INFINITY;
  #reached = false;
  #paused = false;
  #timer: unknown = null;

  constructor(engine: ProbeEngine, config: TraceConfig, protocol: TraceProtocol, parts: { plan: ProbePlan; report: RoundsReport; rounds: RoundsPlan; hooks: RoundsHooks; clock: EngineClock }) {
    super(engine, config, protocol);
    this.#plan = parts.plan;
    this.#report = parts.report;
    this.#rounds = parts.rounds;
    this.#hooks = parts.hooks;
    this.#clock = parts.clock;
  }

  get completed(): number {
    return this.#completed;
  }

  get reached(): boolean {
    return this.#reached;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** No new rounds until resume(); probes in flight still settle. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (!this.stopped) this.engine.wake();
  }

  // ---- sending ----

  next(probe: ProbeSlot): Next {
    const held = this.held(this.#open.size);
    if (held !== null) return held;
    const round = this.#current !== null && !this.#current.sent ? this.#current : this.#startRound();
    if (round === null) return NEXT.wait;
    const ttl = this.#ttl;
    this.aim(probe, ttl, this.config.tos[0] ?? 0, this.#waitFor(ttl));
    this.#plan.set(probe.number, round.flow);
    this.#open.set(probe.number, { ttl, round });
    round.pending++;
    if (++this.#index >= this.config.probesPerHop) {
      this.#index = 0;
      this.#ttl++;
    }
    if (this.#ttl > Math.min(round.limit, this.#final)) round.sent = true;
    return NEXT.send;
  }

  /** A new round when one may start now, else null (and a timer for when one may). */
  #startRound(): Round | null {
    const { rounds, intervalMs } = this.#rounds;
    if (this.#paused || (rounds !== null && this.#started >= rounds)) return null;
    if (this.#started > 0) {
      const now = this.#clock.now();
      if (intervalMs <= 0) {
        if (this.#active.size > 0) return null;
      } else if (now < this.#lastStart + intervalMs * NS_PER_MS) {
        this.#wakeAt(this.#lastStart + intervalMs * NS_PER_MS - now);
        return null;
      }
    }
    const c = this.config;
    const index = this.#started++;
    const round: Round = {
      index,
      startedAt: this.#clock.now(),
      flow: c.flow.mode === 'multipath' ? index % c.flow.flows : 0,
      limit: Math.min(c.maxTtl, this.#final, index === 0 ? c.maxTtl : this.#report.farthestAnswered() + MAX_UNKNOWN),
      pending: 0,
      sent: false,
    };
    this.#lastStart = round.startedAt;
    this.#current = round;
    this.#active.add(round);
    this.#ttl = c.firstTtl;
    this.#index = 0;
    return round;
  }

  #wakeAt(delayNs: number): void {
    if (this.#timer !== null) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      if (!this.stopped) this.engine.wake();
    }, Math.max(0, delayNs / NS_PER_MS));
  }

  /**
   * traceroute's get_timeout() (waits.ts), with each hop's worst round trip so far as its time. A
   * hop beyond every hop that answered, once some hop there went unanswered (a destination that
   * never answers, a firewall), takes the nearest answering hop's time as NEAR's: it would answer
   * about as fast, and each round would otherwise wait MAX for it.
   */
  #waitFor(ttl: number): number {
    const worst = (t: number): number => {
      const s = this.#report.statsOf(t);
      return s === null || s.received === 0 ? Number.NaN : s.worstUs * 1000;
    };
    let farther = Number.NaN;
    for (let t = ttl + 1; t <= Math.min(this.config.maxTtl, this.#final) && Number.isNaN(farther); t++) farther = worst(t);
    if (Number.isNaN(farther) && this.#silentUpTo(ttl)) {
      for (let t = ttl - 1; t >= this.config.firstTtl && Number.isNaN(farther); t--) farther = worst(t);
    }
    return adaptiveWait(this.config, worst(ttl), farther);
  }

  /** Some hop past the farthest that answered, up to `ttl`, was probed and never answered. */
  #silentUpTo(ttl: number): boolean {
    for (let t = this.#report.farthestAnswered() + 1; t <= ttl; t++) {
      const s = this.#report.statsOf(t);
      if (s !== null && s.sent > 0 && s.received === 0) return true;
    }
    return false;
  }

  sent(n: number, error: Error | null): void {
    if (error === null) return;
    const p = this.#open.get(n);
    if (p === undefined) return;
    // The kernel refused it (no route, too long for the interface with DF): traceroute stops there.
    this.#finalAt(p.ttl);
    this.#settle(n, refusedProbe(error));
    this.engine.wake();
  }

  // ---- answers ----

  answer(n: number, outcome: Outcome, m: Match, receivedAt: number): void {
    const p = this.#open.get(n);
    const result = p === undefined ? null : this.answers.answerOf(n, outcome, m, receivedAt);
    if (p === undefined || result === null) return;
    const ttl = p.ttl;
    if (result.reply) {
      this.#reached = true;
      // A destination that limits its port unreachables answered a later probe: its quote says
      // how far it really is (handler.ts); this probe's hop is beyond it.
      this.#finalAt(destinationHop(this.config, ttl, result));
    } else if (result.mark !== null || result.icmp?.type === ICMP_TYPE.DESTINATION_UNREACHABLE) {
      this.#finalAt(ttl);
    } else if (ttl === this.#final) {
      // A router where the destination was: the path grew. Later rounds probe beyond it again.
      this.#final = Number.POSITIVE_INFINITY;
      this.#report.setFinal(null);
    }
    if (ttl > this.#final) {
      this.#settle(n, null);
      return;
    }
    this.#shortenWaits(ttl, Math.max(0, receivedAt - this.engine.sentAt(n)));
    this.#settle(n, result);
  }

  timeout(n: number): void {
    const p = this.#open.get(n);
    if (p !== undefined) this.#settle(n, p.ttl > this.#final ? null : noAnswer());
  }

  /** Hop `ttl` is the last one (if no nearer one is): probes beyond it are dropped. */
  #finalAt(ttl: number): void {
    if (ttl >= this.#final) return;
    this.#final = ttl;
    this.#report.setFinal(ttl);
    for (const [n, p] of this.#open) if (p.ttl > ttl) this.#settle(n, null);
  }

  /** An answer came back in rttNs at hop h: shorter waits for the probes of h and nearer (waits.ts). */
  #shortenWaits(h: number, rttNs: number): void {
    shortenWaits(this.engine, this.config, this.#open.keys(), (n) => this.#open.get(n)?.ttl ?? -1, h, rttNs);
  }

  /** Probe n is settled: recorded with `result`, or dropped (null: beyond the last hop). */
  #settle(n: number, result: TraceProbe | null): void {
    const p = this.#open.get(n);
    if (p === undefined) return;
    this.#open.delete(n);
    const round = p.round;
    round.pending--;
    if (result !== null) {
      const flow = round.flow;
      this.#report.record(p.ttl, flow, result);
      this.#hooks.onProbe?.(p.ttl, flow, result);
    }
    if (round === this.#current && this.#ttl > Math.min(round.limit, this.#final)) round.sent = true;
    if (round.sent && round.pending === 0 && this.#active.delete(round)) {
      this.#completed++;
      this.#hooks.onRound?.({ completed: this.#completed, reached: this.#reached });
    }
    const { rounds } = this.#rounds;
    if (!this.stopped && rounds !== null && this.#completed >= rounds && this.#open.size === 0) {
      this.stopped = true;
      this.engine.stop();
    }
  }

  /** The engine stopped (the end, or stop()): no more timers. */
  finish(): void {
    this.stopped = true;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
