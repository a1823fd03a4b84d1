// What trace --mtu prints: traceroute's hop lines at the size each hop was probed with, tracepath's
// "pmtu N" on the hop where the path MTU dropped (with "(black hole)" when no router said so and
// the probes found it by shrinking), and tracepath's closing line:
//
//   traceroute to 203.0.113.6 (203.0.113.6), 30 hops max, 1500 byte packets
//    1  203.0.113.2  0.041 ms  0.012 ms  0.010 ms
//    2  198.51.100.2  0.044 ms  0.016 ms  0.014 ms pmtu 1400
//    3  203.0.113.6  0.043 ms  0.017 ms  0.015 ms
//        Resume: pmtu 1400 hops 3 back 3
//
// --json: the hop objects of a plain trace with size, pmtu and blackHole, then the done object
// with pmtu and back.
import type { MtuDone, MtuHop } from '../../lib/probe/trace/mtu-events.js';
import { hopJson, hopLine, type HopLineOptions } from './trace.js';

/** The hop line: traceroute's, then " pmtu N" where the MTU dropped. */
export function mtuHopLine(hop: MtuHop, who: (address: string) => string = (a) => a, options: HopLineOptions = {}): string {
  const line = hopLine({ type: 'hop', lane: 0, tos: 0, ttl: hop.ttl, probes: hop.probes, changes: [], final: hop.final }, who, options);
  const pmtu = hop.pmtu === null ? '' : ` pmtu ${hop.pmtu}${hop.blackHole ? ' (black hole)' : ''}`;
  const changes = hopLine({ type: 'hop', lane: 0, tos: 0, ttl: 0, probes: [], changes: hop.changes, final: false }).slice(3);
  return line + pmtu + changes;
}

/** tracepath's last line: "     Resume: pmtu 1400 hops 3 back 3 " without the trailing space; "back" only with a reply. */
export function resumeLine(done: MtuDone): string {
  return `     Resume: pmtu ${done.pmtu} hops ${done.hops}${done.back === null ? '' : ` back ${done.back}`}`;
}

export function mtuHopJson(hop: MtuHop): Record<string, unknown> {
  const base = hopJson({ type: 'hop', lane: 0, tos: 0, ttl: hop.ttl, probes: hop.probes, changes: hop.changes, final: hop.final });
  return { ...base, size: hop.size, pmtu: hop.pmtu, blackHole: hop.blackHole };
}

export function mtuDoneJson(done: MtuDone): Record<string, unknown> {
  return { type: 'done', reached: done.reached, hops: done.hops, pmtu: done.pmtu, back: done.back };
}
