// Which received IPv4 packets answer the ones we sent, for code that keeps its own list of sent
// packets: echo and timestamp replies carrying our identifier and sequence, ICMP errors whose
// quoted datagram is one of ours (by its ICMP identifier/sequence, its ports, or for other
// protocols its destination and protocol), and TCP/UDP segments coming back from the destination
// port to our source port. The keys are the ones `send`'s IPv4 table reads (family4.ts), so
// this and `rawprobe send` on the engine agree on what answers what.
import { newMatch, MATCH } from '../probe/engine/protocol.js';
import { u32 } from '../wire/bytes.js';
import { FIELD as IP } from '../wire/ipv4.js';
import type { ReplyKind } from './family.js';
import { classifyAnswer, replyKind, requestKey } from './family4.js';

export type { ReplyKind } from './family.js';
export { replyKind } from './family4.js';

export interface ReplyMatch {
  kind: ReplyKind;
  /** Index (0-based, in sending order) of the packet this answers (the latest with that key). */
  probe: number;
  /** When that packet was sent, in lib/socket clock units (ns), or null. */
  sentAt: number | null;
}

interface Sent {
  index: number;
  sentAt: number;
  dst: number;
  answered: boolean;
}

export class ReplyMatcher {
  readonly #byKey = new Map<number, Sent>();
  readonly #match = newMatch();
  #sent = 0;
  /** Packets that can still be answered: remembered, not answered, not replaced by a later one. */
  #awaiting = 0;

  /** Records a packet as sent (call for every packet, in order). */
  noteSent(packet: Uint8Array, sentAt: number): void {
    const index = this.#sent++;
    const key = requestKey(packet);
    // Other ICMP messages (errors, replies we craft) get no answer that could be matched.
    if (key < 0) return;
    const old = this.#byKey.get(key);
    if (old !== undefined && !old.answered) this.#awaiting--; // a later packet with the same key takes its place
    this.#byKey.set(key, { index, sentAt, dst: u32(packet, IP.DST), answered: false });
    this.#awaiting++;
  }

  /** True once something was sent and no packet sent can still be answered. */
  get allAnswered(): boolean {
    return this.#sent > 0 && this.#awaiting === 0;
  }

  /** The packet `bytes` (a received IPv4 packet) answers, or null. */
  match(bytes: Uint8Array): ReplyMatch | null {
    const m = this.#match;
    if (classifyAnswer(bytes, 0, bytes.length, bytes.length, m) === MATCH.none) return null;
    const sent = this.#byKey.get(m.key);
    if (sent === undefined || sent.dst !== m.target) return null;
    if (!sent.answered) {
      sent.answered = true;
      this.#awaiting--;
    }
    return { kind: replyKind(bytes, 0, m.kind, m.type), probe: sent.index, sentAt: sent.sentAt };
  }
}
