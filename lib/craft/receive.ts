// What both of send's families share around their sockets: the receive slots of each listening
// socket, the echo identifiers the packets carry (one identifier: the kernel filters other
// processes' echo replies away; several: every echo reply passes), and opening the sender with its
// listeners as one SocketGroup, every socket closed again when one step fails.
import { SocketGroup } from '../probe/engine/socket-group.js';
import type { RawSocket } from '../socket/socket.js';
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

/**
 * The sending socket `openSender` makes and, with waitMs, the listeners `openListeners` adds to
 * the list it is given (so that what it opened before a failure is closed too); they start
 * receiving once all are open.
 */
export function openSocketGroup(waitMs: number, openSender: () => RawSocket, openListeners: (into: RawSocket[]) => void): SocketGroup {
  const sender = openSender();
  const receivers: RawSocket[] = [];
  try {
    if (waitMs > 0) {
      openListeners(receivers);
      for (const r of receivers) r.startReceiving(RECEIVE);
    }
  } catch (e) {
    for (const s of [sender, ...receivers]) s.close();
    throw e;
  }
  return new SocketGroup(sender, receivers);
}
