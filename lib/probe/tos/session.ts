// tos: what the path does with each TOS value. For every value, probes go to the target with
// that TOS byte; a row says whether they were answered, the TOS of the answer, the TOS the
// target received (when its answer quotes our header: UDP's port unreachable), and the round
// trip. With `path`, each value also gets a TTL sweep (trace's machinery, one lane per value,
// all lanes side by side), and the quotes of the routers on the way say where the value
// was rewritten: after the last hop that still quoted what we sent, by the first hop that
// quoted something else. (A router re-marking what it forwards shows in the quotes of the hop
// after it, never in its own: it checks the TTL before it forwards.)
import { openWithCapture } from '../engine/session.js';
import { TraceSession, configureTrace, type TraceConfig, type TraceHop, type TraceOptions, type TraceSessionParts } from '../trace/index.js';
import { tosRow, type TosRow } from './rows.js';
import type { ProbeKind } from '../protocols/trace-protocol.js';

export interface TosOptions {
  /** Host name or IP address. */
  host: string;
  /** IP version (-4, -6); default: the address's own. */
  version?: 4 | 6 | null;
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
    version: options.version ?? null,
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

/** Checks the options, resolves the host, opens the capture file and the sockets (CAP_NET_RAW). Nothing is sent until run(). */
export async function openTos(options: TosOptions, parts: TraceSessionParts = {}): Promise<TosSession> {
  const config = await configureTrace(tosTraceOptions(options));
  return openWithCapture(config.pcapOut, parts, (p) => new TosSession(config, options.path ?? false, { ...parts, ...p }));
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

