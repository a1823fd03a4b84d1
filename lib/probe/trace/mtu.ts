// trace --mtu: the path MTU, and the hop where it drops (tracepath; traceroute --mtu), as a
// ProbeHandler. Every probe has DF set; the socket sends at the interface MTU whatever the kernel
// learnt (IP_PMTUDISC_PROBE, socket.ts), so each run asks the path again. In batches:
//
//   path    small probes (60 bytes) to every TTL at once, traceroute-style: which hops answer,
//           their round trips (so later waits are a few round trips, not MAX), the last hop
//   sweep   -q probes of the current size S to every hop from the first not settled yet, at once.
//           The lowest hop whose probes got Fragmentation Needed (from the router before it, with
//           its next-hop MTU M) is where the MTU drops: S becomes M (a plateau below S when M is
//           nonsense: RFC 1191's table), and the next sweep starts there
//   search  the "black hole" (RFC 2923): a hop that answered small probes but lost every probe
//           of size S, with no Fragmentation Needed, has a router before it that drops what does
//           not fit and says nothing. The largest size that still gets an answer from that hop is
//           found by bisection (each size lost twice before it counts as too big): that is the
//           MTU, and the next sweep starts there
//
// Until a sweep finds nothing more: every hop up to the last one then has its probes at the
// path MTU. Hops are reported in TTL order as soon as no later sweep can change them.
import { isFragmentationNeeded } from '../../wire/icmpv4-codes.js';
import type { ProbeEngine } from '../engine/engine.js';
import type { Match, ProbeSlot } from '../engine/protocol.js';
import { NEXT, OUTCOME, type Next, type Outcome, type ProbeHandler } from '../engine/types.js';
import type { ProbePlan } from '../protocols/probe-plan.js';
import { destinationHop, refusedProbe } from './answer.js';
import { ChangeTracker } from './changes.js';
import { noAnswer, type TraceProbe } from './events.js';
import type { MtuHooks, MtuHop } from './mtu-events.js';
import type { TraceConfig } from './options.js';
import type { SizedProtocol } from './sized-protocol.js';
import { TraceHandlerBase } from './trace-handler.js';
import { adaptiveWait, shortenWaits } from './waits.js';

/** RFC 1191 section 7's plateaus: where to go when a router gives no (or a nonsense) next-hop MTU. */
export const MTU_PLATEAUS = [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68] as const;
/** The smallest MTU IPv4 allows (RFC 791). */
const MIN_MTU = 68;
/** A size counts as too big for a silent router once this many probes of it were lost. */
const LOSSES_TO_SHRINK = 2;

/** The largest plateau below `size`. */
export function plateauBelow(size: number): number {
  return MTU_PLATEAUS.find((p) => p < size) ?? MIN_MTU;
}

type Batch = 'path' | 'sweep' | 'search';

interface Sent {
  ttl: number;
  size: number;
}

interface SweepHop {
  probes: TraceProbe[];
  /** The next-hop MTU a Fragmentation Needed gave for this TTL's probes, null for none. */
  fragNeeded: number | null;
  /** Those answers themselves (shown, with their !F marks, when the probes cannot shrink any more). */
  refusals: TraceProbe[];
}

interface Search {
  ttl: number;
  /** Largest size answered, smallest size known too big, the size being tried, its losses. */
  lo: number;
  hi: number;
  mid: number;
  lost: number;
}

export class PathMtuHandler extends TraceHandlerBase implements ProbeHandler {
  readonly #plan: ProbePlan;
  readonly #hooks: MtuHooks;
  readonly #queue: Sent[] = [];
  readonly #open = new Map<number, Sent>();
  #batch: Batch = 'path';
  /** Round trips (ns) per TTL, from every answer: what the waits are made of. */
  readonly #rtt = new Map<number, number>();
  readonly #answeredSmall = new Set<number>();
  #final = Number.POSITIVE_INFINITY;
  #last = 0;
  #reached = false;
  /** hops the destination's reply travelled back (tracepath's "back"), null without a reply. */
  #back: number | null = null;
  #size: number;
  readonly #small: number;
  #from: number;
  readonly #sweep = new Map<number, SweepHop>();
  /** Where the MTU dropped, to show on that hop: what the next sweep's first hop carries. */
  #drop: { pmtu: number; blackHole: boolean } | null = null;
  #search: Search | null = null;
  readonly #tracker = new ChangeTracker();

  constructor(engine: ProbeEngine, config: TraceConfig, protocol: SizedProtocol, plan: ProbePlan, hooks: MtuHooks) {
    super(engine, config, protocol);
    this.#plan = plan;
    this.#hooks = hooks;
    this.#size = protocol.packetLength;
    this.#small = Math.min(this.#size, protocol.sizeFor(config.length));
    this.#from = config.firstTtl;
    for (let t = config.firstTtl; t <= config.maxTtl; t++) this.#queue.push({ ttl: t, size: this.#small });
  }

  /**
   * What the run found so far (final once it ended): the path MTU, whether the destination
   * answered, and the hops its answer came back over (null: not known).
   */
  found(): { pmtu: number; reached: boolean; back: number | null } {
    return { pmtu: this.#size, reached: this.#reached, back: this.#back };
  }

  // ---- sending ----

  next(probe: ProbeSlot): Next {
    const held = this.held(this.#open.size);
    if (held !== null) return held;
    let sent = this.#queue.shift();
    while (sent !== undefined && sent.ttl > this.#final) sent = this.#queue.shift();
    if (sent === undefined) return NEXT.wait;
    this.aim(probe, sent.ttl, this.config.tos[0] ?? 0, this.#waitFor(sent.ttl));
    this.#plan.set(probe.number, 0, sent.size);
    this.#open.set(probe.number, sent);
    return NEXT.send;
  }

  #waitFor(ttl: number): number {
    let farther = Number.NaN;
    for (let t = ttl + 1; t <= Math.min(this.config.maxTtl, this.#final) && Number.isNaN(farther); t++) farther = this.#rtt.get(t) ?? Number.NaN;
    return adaptiveWait(this.config, this.#rtt.get(ttl) ?? Number.NaN, farther);
  }

  sent(n: number, error: Error | null): void {
    if (error === null) return;
    const p = this.#open.get(n);
    if (p === undefined) return;
    const refused = refusedProbe(error);
    // Longer than the interface allows: as if the first router had said so, one plateau down.
    this.#settle(n, refused, refused.sendError === 'EMSGSIZE' ? plateauBelow(p.size) : null);
    this.engine.wake();
  }

  // ---- answers ----

  answer(n: number, outcome: Outcome, m: Match, receivedAt: number): void {
    const p = this.#open.get(n);
    const result = p === undefined ? null : this.answers.answerOf(n, outcome, m, receivedAt);
    if (p === undefined || result === null) return;
    const fragNeeded = outcome === OUTCOME.error && isFragmentationNeeded(m.type, m.code) ? m.info : null;
    const rtt = Math.max(0, receivedAt - this.engine.sentAt(n));
    if (fragNeeded === null) {
      if (!this.#rtt.has(p.ttl)) this.#rtt.set(p.ttl, rtt);
      if (result.reply) {
        this.#reached = true;
        this.#back = backHops(m.ttl);
        this.#finalAt(destinationHop(this.config, p.ttl, result));
      } else if (result.mark !== null) {
        this.#finalAt(p.ttl);
      }
      shortenWaits(this.engine, this.config, this.#open.keys(), (k) => this.#open.get(k)?.ttl ?? -1, p.ttl, rtt);
    }
    this.#settle(n, p.ttl > this.#final ? null : result, fragNeeded);
  }

  timeout(n: number): void {
    const p = this.#open.get(n);
    if (p !== undefined) this.#settle(n, p.ttl > this.#final ? null : noAnswer(), null);
  }

  #finalAt(ttl: number): void {
    if (ttl >= this.#final) return;
    this.#final = ttl;
    for (const [n, p] of this.#open) if (p.ttl > ttl) this.#settle(n, null, null);
  }

  /** Probe n settled with `result` (null: beyond the last hop, dropped). */
  #settle(n: number, result: TraceProbe | null, fragNeeded: number | null): void {
    const p = this.#open.get(n);
    if (p === undefined) return;
    this.#open.delete(n);
    if (result !== null) {
      if (this.#batch === 'path' && result.from !== null) this.#answeredSmall.add(p.ttl);
      if (this.#batch === 'sweep') this.#recordSweep(p.ttl, result, fragNeeded, p.size);
      if (this.#batch === 'search') this.#recordSearch(result, fragNeeded);
    }
    if (this.#open.size === 0 && this.#queue.every((q) => q.ttl > this.#final)) this.#nextBatch();
  }

  #recordSweep(ttl: number, result: TraceProbe, fragNeeded: number | null, size: number): void {
    let hop = this.#sweep.get(ttl);
    if (hop === undefined) {
      hop = { probes: [], fragNeeded: null, refusals: [] };
      this.#sweep.set(ttl, hop);
    }
    if (fragNeeded !== null) {
      hop.fragNeeded = sane(fragNeeded, size);
      hop.refusals.push(result);
    } else {
      hop.probes.push(result);
    }
  }

  #recordSearch(result: TraceProbe, fragNeeded: number | null): void {
    const s = this.#search!;
    if (fragNeeded !== null) {
      s.hi = Math.max(s.lo + 1, Math.min(s.mid, sane(fragNeeded, s.mid) + 1));
      s.lost = 0;
    } else if (result.from !== null) {
      s.lo = s.mid;
      s.lost = 0;
    } else if (++s.lost >= LOSSES_TO_SHRINK) {
      s.hi = s.mid;
      s.lost = 0;
    }
  }

  // ---- batches ----

  #nextBatch(): void {
    this.#queue.length = 0;
    if (this.#batch === 'path') {
      this.#last = Number.isFinite(this.#final) ? this.#final : Math.max(this.config.firstTtl, ...this.#answeredSmall);
      this.#startSweep();
    } else if (this.#batch === 'sweep') {
      this.#afterSweep();
    } else {
      this.#afterSearchProbe();
    }
    this.engine.wake();
  }

  #startSweep(): void {
    this.#batch = 'sweep';
    this.#sweep.clear();
    for (let t = this.#from; t <= this.#last; t++) {
      for (let i = 0; i < this.config.probesPerHop; i++) this.#queue.push({ ttl: t, size: this.#size });
    }
  }

  /** The lowest hop where the size stopped getting through decides the next batch; the hops before it are done. */
  #afterSweep(): void {
    for (let t = this.#from; t <= Math.min(this.#last, this.#final); t++) {
      const hop = this.#sweep.get(t) ?? { probes: [], fragNeeded: null, refusals: [] };
      if (hop.fragNeeded !== null && hop.fragNeeded < this.#size) {
        this.#shrinkAt(t, hop.fragNeeded, false);
        return;
      }
      if (hop.fragNeeded !== null) {
        // Refused at the smallest size IPv4 has: the path ends here, with the refusals' marks.
        hop.probes.push(...hop.refusals);
        this.#final = t;
        break;
      }
      const lost = hop.probes.every((p) => p.from === null);
      if (lost && this.#answeredSmall.has(t) && this.#small < this.#size) {
        this.#batch = 'search';
        this.#search = { ttl: t, lo: this.#small, hi: this.#size, mid: 0, lost: 0 };
        this.#reportHopsBefore(t);
        this.#afterSearchProbe();
        return;
      }
    }
    this.#reportHopsBefore(Number.POSITIVE_INFINITY);
    this.#finish();
  }

  #afterSearchProbe(): void {
    const s = this.#search!;
    if (s.hi - s.lo <= 1) {
      this.#search = null;
      this.#shrinkAt(s.ttl, s.lo, true);
      return;
    }
    if (s.lost === 0) s.mid = Math.floor((s.lo + s.hi) / 2);
    this.#queue.push({ ttl: s.ttl, size: s.mid });
  }

  /** The MTU drops to `pmtu` at hop `ttl`: the hops before it are done, the next sweep starts there. */
  #shrinkAt(ttl: number, pmtu: number, blackHole: boolean): void {
    this.#reportHopsBefore(ttl);
    this.#size = pmtu;
    this.#from = ttl;
    this.#drop = { pmtu, blackHole };
    this.#startSweep();
  }

  /** Reports the sweep's hops from the first not reported up to below `ttl` (settled at the current size). */
  #reportHopsBefore(ttl: number): void {
    const end = Math.min(ttl - 1, this.#last, this.#final);
    for (let t = this.#from; t <= end; t++) {
      const probes = this.#sweep.get(t)?.probes ?? [];
      const quotes = probes.filter((p) => p.quotedTtl !== null).map((p) => p.changes);
      const drop = t === this.#from ? this.#drop : null;
      const hop: MtuHop = { type: 'hop', ttl: t, size: this.#size, probes, changes: this.#tracker.hop(quotes), pmtu: drop?.pmtu ?? null, blackHole: drop?.blackHole ?? false, final: t === this.#final };
      this.#hooks.onHop?.(hop);
    }
    if (end >= this.#from) {
      this.#drop = null;
      this.#from = end + 1;
    }
  }

  #finish(): void {
    this.stopped = true;
    this.engine.stop();
  }

  /** The engine stopped: nothing more to send. */
  finish(): void {
    this.stopped = true;
  }
}

/** A next-hop MTU as given, or a plateau below `size` when it cannot be right (0 from old routers, or not smaller). */
function sane(mtu: number, size: number): number {
  return mtu >= MIN_MTU && mtu < size ? mtu : plateauBelow(size);
}

/** tracepath's ttl2hops: hops back from a reply's TTL, its sender's initial TTL taken as 64, 128 or 255. */
export function backHops(ttl: number): number {
  return (ttl <= 64 ? 65 : ttl <= 128 ? 129 : 256) - ttl;
}
