// What both of send's listening sides share: the receive slots of each listening socket, and the
// echo identifiers the packets carry (one identifier: the kernel filters other processes' echo
// replies away; several: every echo reply passes).
import type { Counter } from './family.js';

/** Receive slots of each listening socket, and most datagrams taken per wake-up. */
export const RECEIVE = { slotCount: 64, slotSize: 65536, maxPerWake: 1024 } as const;

/** The ICMP / ICMPv6 echo identifiers the packets carry. */
export function echoIdentifiers(packets: readonly Buffer[], counterFor: (packet: Uint8Array) => Counter | null): Set<number> {
  const ids = new Set<number>();
  for (const p of packets) {
    const c = counterFor(p);
    if (c !== null) ids.add(c.identifier);
  }
  return ids;
}
