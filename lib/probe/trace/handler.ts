// trace's side of the probe engine: traceroute 2.1's scheduling (traceroute.c) as a
// ProbeHandler, with the header comparison no traceroute does (answer.ts, changes.ts).
//
//   - probes go out with rising TTL, -q per hop, up to -N in flight at once (traceroute
//     sends 16 at once): the whole path is probed in parallel, not hop after hop;
//   - each probe waits at most MAX (-w); once an answer comes back with time r, probes of the
//     same hop wait at most HERE * (r + 1 ms) and probes of nearer hops NEAR * (r + 1 ms)
//     (traceroute's get_timeout(), -w MAX,HERE,NEAR, defaults 5,3,10): a silent hop costs
//     ten round trips of the hops behind it, not five seconds;
//   - a hop is final when a probe of it reached the destination (echo reply, port unreachable,
//     SYN-ACK/RST) or got an unreachable (!H !N !P !F...): no probe goes beyond it, and the
//     trace ends when every probe up to it is answered or given up;
//   - hops are reported in TTL order as soon as all their probes are settled.
//
// Answers are matched to probes by key (the quoted inner header for errors), so a missing
// answer (ICMP rate limiting in a router) is a `*`, never another probe's router. A destination
// that rate-limits its own answers (UDP's port unreachable) is placed by its quote, which tells
// the TTL a probe had left when it got there: the hops between are not reported as hops (a hop
// where nobody answered is held back until a farther hop answers, or one more wait passed).
//
// `tos` runs the same machinery with several lanes: one TTL sweep per TOS value, side by side
// in one engine (a lane is one value; each lane keeps its own final hop, waits and changes).
import { NS_PER_MS } from '../../socket/clock.js';
import type { ProbeEngine } from '../engine/engine.js';
import type { Match, ProbeSlot } from '../engine/protocol.js';
import { NEXT, OUTCOME, type EngineClock, type Next, type Outcome, type ProbeHandler } from '../engine/types.js';
import type { TraceProtocol } from '../protocols/trace-protocol.js';
import { destinationHop, refusedProbe } from './answer.js';
import { ChangeTracker } from './changes.js';
import { noAnswer, type TraceHooks, type TraceHop, type TraceLaneResult, type TraceProbe } from './events.js';
import type { TraceConfig } from './options.js';
import { TraceHandlerBase } from './trace-handler.js';
import { adaptiveWait, shortenWaits } from './waits.js';

const CELL = { unsent: 0, open: 1, done: 2 } as const;

interface Lane {
  tos: number;
  /** Lowest TTL known to be final; Infinity until one is. */
  final: number;
  /** Next TTL to report. */
  nextHop: number;
  complete: boolean;
  reported: boolean;
  reached: boolean;
  tracker: ChangeTracker;
  hops: TraceHop[];
}

/**
 * The probes form a grid: TTL (outer), lane, probe of the hop (inner); cell g is
 * ((ttl - first) * lanes + lane) * q + i, and goes out in that order (all lanes of a TTL, then
 * the next TTL), skipping cells beyond their lane's final hop.
 */
export class TraceHandler extends TraceHandlerBase implements ProbeHandler {
  readonly #hooks: TraceHooks;
  readonly #lanes: Lane[];
  readonly #q: number;
  readonly #laneCount: number;
  readonly #hopCount: number;
  readonly #total: number;
  readonly #state: Uint8Array;
  readonly #results: (TraceProbe | null)[];
  /** The cell of each probe, by the engine's probe number n (every n is below the cell count). */
  readonly #cellOf: Int32Array;
  /** First round trip seen per lane and hop (ns), NaN until one: the base of the adaptive waits. */
  readonly #firstRtt: Float64Array;
  /** When each silent hop was first held back (clock ns), NaN when never. */
  readonly #silentSince: Float64Array;
  readonly #clock: EngineClock;
  readonly #open = new Set<number>();
  #cursor = 0;
  /** At the end: report everything settled, hold nothing back. */
  #flushing = false;

  constructor(engine: ProbeEngine, config: TraceConfig, protocol: TraceProtocol, hooks: TraceHooks, clock: EngineClock) {
    super(engine, config, protocol);
    this.#clock = clock;
    this.#hooks = hooks;
    this.#q = config.probesPerHop;
    this.#laneCount = config.tos.length;
    this.#hopCount = config.maxTtl - config.firstTtl + 1;
    this.#total = this.#hopCount * this.#laneCount * this.#q;
    this.#state = new Uint8Array(this.#total);
    this.#results = new Array<TraceProbe | null>(this.#total).fill(null);
    this.#cellOf = new Int32Array(this.#total).fill(-1);
    this.#firstRtt = new Float64Array(this.#hopCount * this.#laneCount).fill(Number.NaN);
    this.#silentSince = new Float64Array(this.#hopCount * this.#laneCount).fill(Number.NaN);
    this.#lanes = config.tos.map((tos) => ({
      tos,
      final: Number.POSITIVE_INFINITY,
      nextHop: config.firstTtl,
      complete: false,
      reported: false,
      reached: false,
      tracker: new ChangeTracker((c) => this.answers.fieldEnd(c)),
      hops: [],
    }));
  }

  #laneOf(g: number): number {
    return Math.floor(g / this.#q) % this.#laneCount;
  }

  #ttlOf(g: number): number {
    return this.config.firstTtl + Math.floor(g / (this.#q * this.#laneCount));
  }

  /** The cell of probe n, or -1. */
  #cell(n: number): number {
    return n >= 0 && n < this.#total ? (this.#cellOf[n] as number) : -1;
  }

  // ---- sending ----

  next(probe: ProbeSlot): Next {
    const held = this.held(this.#open.size);
    if (held !== null) return held;
    while (this.#cursor < this.#total) {
      const g = this.#cursor;
      const lane = this.#lanes[this.#laneOf(g)]!;
      if (!lane.complete && this.#ttlOf(g) <= lane.final) break;
      this.#cursor = (Math.floor(g / this.#q) + 1) * this.#q; // the rest of this lane's cells at this TTL
    }
    if (this.#cursor >= this.#total) return NEXT.done;
    const g = this.#cursor++;
    const lane = this.#laneOf(g);
    const ttl = this.#ttlOf(g);
    this.aim(probe, ttl, this.#lanes[lane]!.tos, this.#waitFor(lane, ttl));
    this.#cellOf[probe.number] = g;
    this.#state[g] = CELL.open;
    this.#open.add(probe.number);
    return NEXT.send;
  }

  /** traceroute's get_timeout(): the wait for a new probe, from the answers so far. */
  #waitFor(lane: number, ttl: number): number {
    const row = lane * this.#hopCount;
    const h = ttl - this.config.firstTtl;
    let farther = Number.NaN;
    for (let k = h + 1; k < this.#hopCount && Number.isNaN(farther); k++) farther = this.#firstRtt[row + k] as number;
    return adaptiveWait(this.config, this.#firstRtt[row + h] as number, farther);
  }

  sent(n: number, error: Error | null): void {
    if (error === null) return;
    const g = this.#cell(n);
    if (g < 0 || this.#state[g] !== CELL.open) return;
    // The kernel said no before anything left (no route; longer than the interface MTU, which
    // Linux never fragments for a header we wrote): traceroute stops there, with the mark.
    this.#settle(n, g, refusedProbe(error), true);
    // Room in the window again: the engine only asks for more after an answer or a timeout.
    this.engine.wake();
  }

  // ---- answers ----

  answer(n: number, outcome: Outcome, m: Match, receivedAt: number): void {
    if (outcome !== OUTCOME.reply && outcome !== OUTCOME.error) return; // duplicates, late, corrupted, redirects
    const g = this.#cell(n);
    if (g < 0 || this.#state[g] !== CELL.open) return;
    const rttNs = Math.max(0, receivedAt - this.engine.sentAt(n));
    const result = this.answers.probe(n, outcome, m, receivedAt);
    const final = result.reply || result.mark !== null || result.icmp?.type === this.config.family.destinationUnreachable;
    const lane = this.#laneOf(g);
    const h = this.#ttlOf(g) - this.config.firstTtl;
    if (result.reply) {
      this.#lanes[lane]!.reached = true;
      // A destination that limits its ICMP errors (UDP's port unreachable) may leave the probes
      // of its own hop unanswered and answer one sent with a larger TTL. Its quote tells how far
      // it really is: the probe arrived with quotedTtl left, so the destination is hop
      // ttl - quotedTtl + 1, and the hops between are not hops at all.
      const real = destinationHop(this.config, this.#ttlOf(g), result);
      if (real < this.#ttlOf(g)) this.#finalAt(lane, real);
    }
    const row = lane * this.#hopCount;
    if (Number.isNaN(this.#firstRtt[row + h] as number)) this.#firstRtt[row + h] = rttNs;
    this.#shortenWaits(lane, h, rttNs);
    this.#settle(n, g, result, final);
  }

  timeout(n: number): void {
    const g = this.#cell(n);
    if (g < 0 || this.#state[g] !== CELL.open) return;
    this.#settle(n, g, noAnswer(), false);
  }

  /** An answer came back in rttNs for a probe of hop h: shorter waits for the lane's probes of h and nearer (waits.ts). */
  #shortenWaits(lane: number, h: number, rttNs: number): void {
    const hopOf = (n: number): number => {
      const g = this.#cell(n);
      return this.#laneOf(g) === lane ? this.#ttlOf(g) - this.config.firstTtl : -1;
    };
    shortenWaits(this.engine, this.config, this.#open, hopOf, h, rttNs);
  }

  #settle(n: number, g: number, result: TraceProbe, final: boolean): void {
    this.#state[g] = CELL.done;
    this.#results[g] = result;
    this.#open.delete(n);
    const index = this.#laneOf(g);
    const lane = this.#lanes[index]!;
    if (final) this.#finalAt(index, this.#ttlOf(g));
    this.#report(lane, index);
    if (!this.stopped && this.#lanes.every((l) => l.complete)) {
      this.stopped = true;
      this.engine.stop();
    }
  }

  /**
   * Hop `ttl` is the lane's last one (if no nearer one is). Probes beyond it will never be
   * reported: they stop counting as in flight, so they do not hold back other probes (their
   * answers, if any, are ignored).
   */
  #finalAt(lane: number, ttl: number): void {
    const l = this.#lanes[lane]!;
    if (ttl >= l.final) return;
    l.final = ttl;
    for (const n of this.#open) {
      const g = this.#cell(n);
      if (this.#laneOf(g) === lane && this.#ttlOf(g) > ttl) {
        this.#state[g] = CELL.done;
        this.#open.delete(n);
      }
    }
  }

  /** Reports the lane's hops that are settled, in TTL order. */
  #report(lane: Lane, index: number): void {
    const c = this.config;
    while (!lane.complete) {
      const ttl = lane.nextHop;
      if (ttl > c.maxTtl || ttl > lane.final) {
        lane.complete = true;
        break;
      }
      const base = this.#cellIndex(ttl, index);
      let settled = true;
      let silent = true;
      for (let i = 0; i < this.#q; i++) {
        if (this.#state[base + i] !== CELL.done) settled = false;
        else if (this.#results[base + i]?.from != null) silent = false;
      }
      if (!settled) break;
      if (silent && this.#hold(lane, index, ttl)) break;
      this.#emitHop(lane, index, ttl, base);
      lane.nextHop++;
    }
    this.#done(lane, index);
  }

  /**
   * Whether to hold back a hop where nobody answered. It may be no hop at all: a destination
   * that rate-limits its port unreachables can leave its own hop and the next ones silent,
   * then answer a later probe whose quote shows it was nearer (see answer()). So a silent hop
   * waits until a farther hop answers (it is a real silent router), the final hop is known,
   * or one more MAX wait has passed (nothing is coming; a black hole still prints `* * *` hop
   * after hop, as traceroute does, only one wait later).
   */
  #hold(lane: Lane, index: number, ttl: number): boolean {
    if (this.#flushing || lane.final !== Number.POSITIVE_INFINITY) return false;
    for (let t = ttl + 1; t <= this.config.maxTtl; t++) {
      const base = this.#cellIndex(t, index);
      for (let i = 0; i < this.#q; i++) if (this.#results[base + i]?.from != null) return false;
    }
    const key = index * this.#hopCount + (ttl - this.config.firstTtl);
    const now = this.#clock.now();
    const since = this.#silentSince[key] as number;
    if (Number.isNaN(since)) {
      this.#silentSince[key] = now;
      return true;
    }
    return now - since < this.config.waitMs * NS_PER_MS;
  }

  #cellIndex(ttl: number, lane: number): number {
    return ((ttl - this.config.firstTtl) * this.#laneCount + lane) * this.#q;
  }

  #emitHop(lane: Lane, index: number, ttl: number, base: number): void {
    const probes: TraceProbe[] = [];
    for (let i = 0; i < this.#q; i++) probes.push(this.#results[base + i] ?? noAnswer());
    const quoting = probes.filter((p) => p.quotedTtl !== null);
    const place = { ttl, from: probes.find((p) => p.from !== null)?.from ?? null, quoteBytes: shortestQuote(quoting) };
    const final = ttl === lane.final;
    const changes = lane.tracker.hop(quoting.map((p) => p.changes), place);
    const hop: TraceHop = { type: 'hop', lane: index, tos: lane.tos, ttl, probes, changes, final };
    if (place.quoteBytes !== null) hop.quote = { bytes: place.quoteBytes, unknown: this.answers.unknownPart(place.quoteBytes) };
    if (final) lane.complete = true;
    lane.hops.push(hop);
    this.#hooks.onHop?.(hop);
  }

  #done(lane: Lane, index: number): void {
    if (!lane.complete || lane.reported) return;
    lane.reported = true;
    const last = lane.hops[lane.hops.length - 1];
    this.#hooks.onDone?.({ type: 'done', lane: index, tos: lane.tos, reached: lane.reached, hops: last?.ttl ?? 0, middleboxes: lane.tracker.middleboxes() });
  }

  /**
   * The engine stopped. After a natural end every lane is complete already; after stop() the
   * lanes still open end where they are (hops not settled are not reported, as traceroute
   * interrupted prints nothing more).
   */
  finish(interrupted: boolean): void {
    this.stopped = true;
    this.#flushing = true;
    if (!interrupted) {
      // Defensive: after a natural end nothing is open; report whatever is settled.
      for (let g = 0; g < this.#total; g++) if (this.#state[g] === CELL.open) this.#state[g] = CELL.done;
    }
    this.#lanes.forEach((lane, index) => {
      if (!interrupted) this.#report(lane, index);
      lane.complete = true;
      this.#done(lane, index);
    });
  }

  results(): TraceLaneResult[] {
    return this.#lanes.map((l) => ({ tos: l.tos, reached: l.reached, hops: l.hops, middleboxes: l.tracker.middleboxes() }));
  }
}

/** The shortest quote of the hop's answers (bytes), null when none quoted our datagram. */
export function shortestQuote(probes: readonly TraceProbe[]): number | null {
  let least: number | null = null;
  for (const p of probes) if (p.quoteBytes !== undefined && (least === null || p.quoteBytes < least)) least = p.quoteBytes;
  return least;
}
