// tos's rows: for each TOS value (a lane of the trace machinery), whether the target answered,
// the TOS of its answer and the one it received, the round trip, and with --path where along the
// path the value was rewritten, read from the routers' quotes hop by hop.
import { dscpName, dscpOf, ecnOf } from '../../wire/dscp.js';
import type { TraceLaneResult } from '../trace/index.js';

/** Where along the path a value was rewritten (from the routers' quotes). */
export interface TosPath {
  /**
   * true: a hop quoted another TOS; false: quotes had ours up to the last router (or the target's
   * own quote), so nothing on the way changed it; null: unknown, because no hop quoted our header
   * or the ones after the last that kept it did not (ICMP rate limiting): never guessed.
   */
  rewritten: boolean | null;
  /** The TOS the first hop that saw it changed quoted, else null. */
  quoted: number | null;
  /** The last hop whose quote still had the value we sent (the rewriting router, or the hop before it). */
  lastKept: { ttl: number; from: string } | null;
  /** The first hop whose quote had another value. */
  firstSeen: { ttl: number; from: string } | null;
  /** TTL of the last hop of the sweep (the destination when reached). */
  hops: number;
  reached: boolean;
}

export interface TosRow {
  type: 'tos';
  /** The TOS byte sent, and its parts. */
  tos: number;
  dscp: number;
  dscpName: string | null;
  ecn: number;
  /** Probes sent to the target (at the destination's hop with `path`), and answers from it. */
  sent: number;
  answered: number;
  /** TOS byte of the target's answer (the first one), else null. */
  replyTos: number | null;
  /** The TOS our probe had when the target got it (from its quote; UDP probes), else null. */
  arrivedTos: number | null;
  /** Mean round trip of the answers, ms; null when none. */
  rttMs: number | null;
  /** With `path`; null otherwise. */
  path: TosPath | null;
}

/** A lane's row: the answers of its last hop (the target), and with `path`, where the value changed. */
export function tosRow(lane: TraceLaneResult, path: boolean): TosRow {
  const last = lane.hops[lane.hops.length - 1];
  const atTarget = last !== undefined && (last.final || !path) ? last.probes : [];
  const replies = atTarget.filter((p) => p.reply);
  const first = replies[0];
  const rtts = replies.map((p) => p.rttMs).filter((r): r is number => r !== null);
  return {
    type: 'tos',
    tos: lane.tos,
    dscp: dscpOf(lane.tos),
    dscpName: dscpName(dscpOf(lane.tos)),
    ecn: ecnOf(lane.tos),
    sent: atTarget.length,
    answered: replies.length,
    replyTos: first?.tos ?? null,
    arrivedTos: first?.quotedTos ?? null,
    rttMs: rtts.length === 0 ? null : Math.round((rtts.reduce((a, b) => a + b, 0) / rtts.length) * 1000) / 1000,
    path: path ? rewritePoint(lane) : null,
  };
}

/** Walks the quotes hop by hop: the last that kept the value, the first that did not. */
export function rewritePoint(lane: TraceLaneResult): TosPath {
  let lastKept: TosPath['lastKept'] = null;
  let firstSeen: TosPath['firstSeen'] = null;
  let quoted: number | null = null;
  for (const hop of lane.hops) {
    const q = hop.probes.find((p) => p.quotedTos !== null && p.from !== null);
    if (q === undefined) continue;
    if (q.quotedTos === lane.tos) {
      lastKept = { ttl: hop.ttl, from: q.from! };
      continue;
    }
    firstSeen = { ttl: hop.ttl, from: q.from! };
    quoted = q.quotedTos;
    break;
  }
  const last = lane.hops[lane.hops.length - 1];
  // "Kept" holds for the whole path only when the quote that kept it came from the last router
  // (the hop before the target's) or from the target itself (a UDP probe's port unreachable);
  // a later hop that did not quote might have been the one to rewrite it.
  const lastRouter = last === undefined ? 0 : lane.reached ? last.ttl - 1 : last.ttl;
  const keptThrough = lastKept !== null && lastKept.ttl >= lastRouter;
  return {
    rewritten: firstSeen !== null ? true : keptThrough ? false : null,
    quoted,
    lastKept,
    firstSeen,
    hops: last?.ttl ?? 0,
    reached: lane.reached,
  };
}
