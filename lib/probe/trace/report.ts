// What many rounds of a trace add up to, hop by hop (mtr's report, trace --report and the live
// view): each hop's statistics (hop-stats.ts), every address that answered there and how often
// (traceroute lists several routers on one hop line; mtr lists them under the hop), the flows
// that went through each (trace --multipath: Dublin traceroute's map of a load-balanced path),
// the ICMP extensions (MPLS label stacks) each address sent last, the marks (!H, !N...), and
// what the path did to our header, reported at the first hop whose quotes show it (changes.ts).
//
// The rounds handler (rounds.ts) records every settled probe here; snapshot() makes the rows.
// Which hops there are: up to the destination once it answered (or a hop that answered with an
// unreachable), else up to one past the farthest hop that answered (mtr's net_max).
import type { IcmpExtensionObject } from '../../wire/icmp-extensions.js';
import { ChangeTracker, type ChangeField, type HeaderChange } from './changes.js';
import type { TraceProbe } from './events.js';
import { HopStats, type HopFigures } from './hop-stats.js';

/** One address seen at a hop. */
export interface ReportHost {
  address: string;
  /** Answers from it. */
  count: number;
  /** The flows whose probes it answered (trace --multipath), ascending; [0] without flows. */
  flows: number[];
  /** The ICMP extension objects of its latest answer that had any (RFC 4884), else null. */
  extensions: IcmpExtensionObject[] | null;
}

export interface ReportHop {
  ttl: number;
  /** The address that answered most (the first of them on a tie), null when none did. */
  host: string | null;
  /** Every address that answered, in the order first seen. */
  hosts: ReportHost[];
  figures: HopFigures;
  /** Flows probed at this hop that no address answered (trace --multipath), ascending. */
  silentFlows: number[];
  /** Changes to our header seen first at this hop. */
  changes: HeaderChange[];
  /** traceroute's marks seen at this hop (!H, !N, !F-1400...), in the order first seen. */
  marks: string[];
  /** The destination answered at this hop. */
  destination: boolean;
  /** Its last outcomes, oldest first: round trips in µs, NaN for no answer (the live view draws them). */
  history: number[];
}

interface HostRecord {
  count: number;
  flows: Set<number>;
  extensions: IcmpExtensionObject[] | null;
}

class HopRecord {
  readonly stats = new HopStats();
  readonly hosts = new Map<string, HostRecord>();
  readonly probedFlows = new Set<number>();
  /** The first change seen per field, and whether any answer quoted our header. */
  readonly changes = new Map<ChangeField, HeaderChange>();
  quoted = false;
  readonly marks = new Set<string>();
  destination = false;
}

export class RoundsReport {
  readonly firstTtl: number;
  readonly maxTtl: number;
  readonly #hops = new Map<number, HopRecord>();
  /** The destination's hop (or an unreachable's), null while unknown. */
  #final: number | null = null;

  constructor(firstTtl: number, maxTtl: number) {
    this.firstTtl = firstTtl;
    this.maxTtl = maxTtl;
  }

  /** The hop known to be the last one, null while unknown. */
  get final(): number | null {
    return this.#final;
  }

  /** Hop `ttl` is the last one (null: not known any more: the path grew). */
  setFinal(ttl: number | null): void {
    this.#final = ttl;
  }

  #hop(ttl: number): HopRecord {
    let h = this.#hops.get(ttl);
    if (h === undefined) {
      h = new HopRecord();
      this.#hops.set(ttl, h);
    }
    return h;
  }

  /** A settled probe of hop `ttl`, flow `flow`. */
  record(ttl: number, flow: number, p: TraceProbe): void {
    const h = this.#hop(ttl);
    h.stats.record(p.from === null ? null : p.rttUs);
    h.probedFlows.add(flow);
    if (p.mark !== null) h.marks.add(p.mark);
    if (p.reply) h.destination = true;
    if (p.quotedTtl !== null) {
      h.quoted = true;
      for (const c of p.changes) if (!h.changes.has(c.field)) h.changes.set(c.field, c);
    }
    if (p.from === null) return;
    let host = h.hosts.get(p.from);
    if (host === undefined) {
      host = { count: 0, flows: new Set(), extensions: null };
      h.hosts.set(p.from, host);
    }
    host.count++;
    host.flows.add(flow);
    if (p.extensions !== null && p.extensions.length > 0) host.extensions = p.extensions;
  }

  /** The RTT statistics of hop `ttl`, null before it was probed. */
  statsOf(ttl: number): HopStats | null {
    return this.#hops.get(ttl)?.stats ?? null;
  }

  /** Forgets every figure (the live view's `r`); what is known of the path stays. */
  reset(): void {
    this.#hops.clear();
  }

  /** The farthest hop any address answered from; firstTtl - 1 before any did. */
  farthestAnswered(): number {
    let last = this.firstTtl - 1;
    for (const [ttl, h] of this.#hops) if (h.hosts.size > 0 && ttl > last) last = ttl;
    return last;
  }

  /** The last hop to show: the final one, else one past the farthest that answered (at most maxTtl). */
  lastHop(): number {
    if (this.#final !== null) return this.#final;
    return Math.min(this.maxTtl, Math.max(this.firstTtl, this.farthestAnswered() + 1));
  }

  /** One row per hop, first TTL to lastHop(). */
  snapshot(): ReportHop[] {
    const tracker = new ChangeTracker();
    const rows: ReportHop[] = [];
    for (let ttl = this.firstTtl; ttl <= this.lastHop(); ttl++) {
      const h = this.#hops.get(ttl) ?? new HopRecord();
      const hosts = [...h.hosts].map(([address, r]) => ({ address, count: r.count, flows: [...r.flows].sort((a, b) => a - b), extensions: r.extensions }));
      let main: ReportHost | null = null;
      for (const host of hosts) if (main === null || host.count > main.count) main = host;
      const answered = new Set(hosts.flatMap((x) => x.flows));
      rows.push({
        ttl,
        host: main?.address ?? null,
        hosts,
        figures: h.stats.figures(),
        silentFlows: [...h.probedFlows].filter((f) => !answered.has(f)).sort((a, b) => a - b),
        changes: tracker.hop(h.quoted ? [[...h.changes.values()]] : []),
        marks: [...h.marks],
        destination: h.destination,
        history: h.stats.history(),
      });
    }
    return rows;
  }
}
