// tos: what the path does with each TOS value. For every value, probes go to the target with
// that TOS byte; a row says whether they were answered, the TOS of the answer, the TOS the
// target received (when its answer quotes our header: UDP's port unreachable), and the round
// trip. With `path`, each value also gets a TTL sweep (trace's machinery, one lane per value,
// all lanes side by side), and the quotes of the routers on the way say where the value
// was rewritten: after the last hop that still quoted what we sent, by the first hop that
// quoted something else. (A router re-marking what it forwards shows in the quotes of the hop
// after it, never in its own: it checks the TTL before it forwards.)
import { dscpName, dscpOf, ecnOf } from '../../wire/dscp.js';
import { TraceSession, configureTrace, openTraceCapture, type TraceConfig, type TraceHop, type TraceLaneResult, type TraceOptions, type TraceSessionParts } from '../trace/session.js';
import type { ProbeKind } from '../protocols/trace-protocol.js';

export interface TosOptions {
  /** Host name or IPv4 address. */
  host: string;
  /** The TOS bytes to try, in the order the rows come. */
  values: readonly number[];
  /** Probe kind. Default 'icmp'. */
  kind?: ProbeKind;
  /** UDP: first destination port; TCP: destination port. */
  port?: number | null;
  /** Probes per value (per hop with `path`). Default 1. */
  probesPerValue?: number;
  /** Longest wait for an answer, ms. Default 2000. */
  waitMs?: number;
  here?: number;
  near?: number;
  /** Probes in flight at once. Default 16. */
  simultaneous?: number;
  /** Also sweep the TTL and find where each value is rewritten. */
  path?: boolean;
  /** With `path`: the TTL range. Defaults 1 and 30. */
  firstTtl?: number;
  maxTtl?: number;
  df?: boolean;
  length?: number | null;
  source?: string | null;
  pcapOut?: string | null;
}

/** Where along the path a value was rewritten (from the routers' quotes). */
export interface TosPath {
  /** true: a hop quoted another TOS; false: every quote had ours; null: no quote at all. */
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

export interface TosStart {
  type: 'start';
  host: string;
  address: string;
  kind: ProbeKind;
  values: number[];
  probesPerValue: number;
  path: boolean;
  packetLength: number;
}

export const TOS_DEFAULTS = { probesPerValue: 1, waitMs: 2000, simultaneous: 16 } as const;

/** The TTL of probes sent straight to the target (no sweep): far enough for any path. */
const DIRECT_TTL = 64;

/** The trace options for a tos run. */
export function tosTraceOptions(options: TosOptions): TraceOptions {
  const path = options.path ?? false;
  return {
    host: options.host,
    kind: options.kind ?? 'icmp',
    port: options.port ?? null,
    tos: options.values,
    probesPerHop: options.probesPerValue ?? TOS_DEFAULTS.probesPerValue,
    waitMs: options.waitMs ?? TOS_DEFAULTS.waitMs,
    ...(options.here === undefined ? {} : { here: options.here }),
    ...(options.near === undefined ? {} : { near: options.near }),
    simultaneous: options.simultaneous ?? TOS_DEFAULTS.simultaneous,
    firstTtl: path ? (options.firstTtl ?? 1) : DIRECT_TTL,
    maxTtl: path ? (options.maxTtl ?? 30) : DIRECT_TTL,
    compareTtl: path,
    df: options.df ?? false,
    length: options.length ?? null,
    source: options.source ?? null,
    pcapOut: options.pcapOut ?? null,
  };
}

export async function openTos(options: TosOptions, parts: TraceSessionParts = {}): Promise<TosSession> {
  const config = await configureTrace(tosTraceOptions(options));
  const capture = parts.capture !== undefined ? parts.capture : await openTraceCapture(config);
  try {
    return new TosSession(config, options.path ?? false, { ...parts, capture });
  } catch (e) {
    await capture?.close();
    throw e;
  }
}

export class TosSession {
  readonly trace: TraceSession;
  readonly start: TosStart;
  readonly #path: boolean;

  constructor(config: TraceConfig, path: boolean, parts: TraceSessionParts = {}) {
    this.trace = new TraceSession(config, parts);
    this.#path = path;
    this.start = {
      type: 'start',
      host: config.target.host,
      address: config.target.address,
      kind: config.kind,
      values: [...config.tos],
      probesPerValue: config.probesPerHop,
      path,
      packetLength: this.trace.protocol.packetLength,
    };
  }

  /** Probes every value; one row per value, in the order given. */
  async run(hooks: { onHop?: (hop: TraceHop) => void } = {}): Promise<TosRow[]> {
    const lanes = await this.trace.run(hooks.onHop === undefined ? {} : { onHop: hooks.onHop });
    return lanes.map((lane) => tosRow(lane, this.#path));
  }

  stop(): void {
    this.trace.stop();
  }
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
  return {
    rewritten: firstSeen !== null ? true : lastKept !== null ? false : null,
    quoted,
    lastKept,
    firstSeen,
    hops: last?.ttl ?? 0,
    reached: lane.reached,
  };
}
