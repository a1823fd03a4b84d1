// What sweep -C and -Q keep per target beyond the count line, from the reply and timeout events,
// as fping keeps it:
//
//   -C N      each probe's round trip, printed when the target is done:
//             "198.18.0.1 : 0.042 0.061 - 0.058" (- for a probe without a reply)
//   -Q SECS   counts since the last interval: every SECS seconds "[04:50:34]", then a count line
//             per target being probed ("xmt/rcv/%loss = 5/5/0%, min/avg/max = ..."), and the
//             counts start again. xmt counts the probes settled in the interval (a reply or a
//             timeout); fping counts those sent, so a probe in flight at the tick counts in
//             fping's interval and in our next.
//
// Entries are keyed by the target's serial place in the events (host and address), and dropped
// when the target's result comes: a finished target costs nothing.
import { lossOf, type SweepReply, type SweepTimeout } from '../../lib/probe/sweep/index.js';
import { countSummaryLine, intervalHeading, roundTripsLine } from '../format/sweep.js';

type Settled = SweepReply | SweepTimeout;

function keyOf(e: { host: string; address: string }): string {
  return `${e.host}\u0000${e.address}`;
}

/** -C: each target's round trips, by probe index. */
export class RoundTrips {
  readonly #rtts = new Map<string, (number | null)[]>();

  settled(e: Settled): void {
    const key = keyOf(e);
    let list = this.#rtts.get(key);
    if (list === undefined) this.#rtts.set(key, (list = []));
    list[e.seq] = e.type === 'reply' ? e.rttNs : null;
  }

  /** The target is done after `sent` probes: its line, and its entry is dropped. */
  done(e: { host: string; address: string; sent: number }): string {
    const key = keyOf(e);
    const list = this.#rtts.get(key) ?? [];
    this.#rtts.delete(key);
    return roundTripsLine(e.host, Array.from({ length: Math.max(e.sent, list.length) }, (_, i) => list[i] ?? null));
  }
}

interface Split {
  host: string;
  resolved: number;
  received: number;
  minNs: number;
  maxNs: number;
  sumNs: number;
}

/** -Q: each target's counts since the last interval. */
export class IntervalSplits {
  readonly #splits = new Map<string, Split>();

  settled(e: Settled): void {
    const key = keyOf(e);
    let s = this.#splits.get(key);
    if (s === undefined) this.#splits.set(key, (s = { host: e.host, resolved: 0, received: 0, minNs: Infinity, maxNs: 0, sumNs: 0 }));
    s.resolved++;
    if (e.type !== 'reply') return;
    s.received++;
    s.minNs = Math.min(s.minNs, e.rttNs);
    s.maxNs = Math.max(s.maxNs, e.rttNs);
    s.sumNs += e.rttNs;
  }

  /** The target is done: it has no more intervals. */
  done(e: { host: string; address: string }): void {
    this.#splits.delete(keyOf(e));
  }

  /** The interval's lines ("[hh:mm:ss]" first), and every target's counts start again. */
  tick(at: Date): string[] {
    const out = [intervalHeading(at)];
    for (const s of this.#splits.values()) {
      const any = s.received > 0;
      out.push(
        countSummaryLine({
          host: s.host,
          resolved: s.resolved,
          received: s.received,
          loss: lossOf(s.resolved, s.received),
          minNs: any ? s.minNs : null,
          avgNs: any ? s.sumNs / s.received : null,
          maxNs: any ? s.maxNs : null,
        }),
      );
      Object.assign(s, { resolved: 0, received: 0, minNs: Infinity, maxNs: 0, sumNs: 0 });
    }
    return out;
  }
}
