// traceroute's adaptive waits (traceroute.c get_timeout(), -w MAX,HERE,NEAR), shared by every
// trace handler: a probe waits at most MAX; once an answer comes back from a hop in time r, the
// probes of that hop wait at most HERE * (r + 1 ms) and the probes of nearer hops NEAR * (r + 1 ms).
// A silent hop then costs a few round trips of the hops behind it, not MAX.
import { NS_PER_MS } from '../../socket/clock.js';
import type { ProbeEngine } from '../engine/engine.js';

/** traceroute's DEF_WAIT_PREC: added to a round trip before multiplying, so tiny times still leave room. */
export const WAIT_PRECISION_NS = NS_PER_MS;

export interface WaitFactors {
  /** MAX, ms. */
  waitMs: number;
  /** HERE and NEAR; 0 turns one off. */
  here: number;
  near: number;
}

/** The wait for a probe, ms: HERE times its hop's round trip (ns, NaN for none), else NEAR times a farther hop's, else MAX. */
export function adaptiveWait(f: WaitFactors, hereNs: number, fartherNs: number): number {
  if (f.here > 0 && !Number.isNaN(hereNs)) return Math.min(f.waitMs, (f.here * (hereNs + WAIT_PRECISION_NS)) / NS_PER_MS);
  if (f.near > 0 && !Number.isNaN(fartherNs)) return Math.min(f.waitMs, (f.near * (fartherNs + WAIT_PRECISION_NS)) / NS_PER_MS);
  return f.waitMs;
}

/**
 * An answer came back in rttNs from hop h: each open probe (`open` gives n and its hop, or -1 to
 * leave it alone) of hop h may wait HERE times that from its sending, of nearer hops NEAR times.
 * Deadlines only ever move closer.
 */
export function shortenWaits(engine: ProbeEngine, f: WaitFactors, open: Iterable<number>, hopOf: (n: number) => number, h: number, rttNs: number): void {
  const table = engine.table;
  for (const n of open) {
    const k = hopOf(n);
    if (k < 0 || k > h) continue;
    const factor = k === h ? f.here : f.near;
    const sentAt = engine.sentAt(n);
    if (factor <= 0 || !table.has(n) || Number.isNaN(sentAt)) continue; // not sent yet (a full socket buffer)
    const deadline = sentAt + Math.min(f.waitMs * NS_PER_MS, factor * (rttNs + WAIT_PRECISION_NS));
    if (deadline < (table.deadline[table.slot(n)] as number)) engine.setDeadline(n, deadline);
  }
}
