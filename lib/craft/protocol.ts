// `rawprobe send` as a probe protocol, so that crafted packets go through the same engine as
// ping's probes, for either IP version: encode() puts crafted packet n % count (a whole IP
// packet, written as the user built it) into the engine's buffer, counting an echo or timestamp
// request's sequence up by one per round (its checksum following by RFC 1624 when it was right to
// begin with); match() tells which sent packet a received one answers. What depends on the
// version (where the keys sit in the bytes, the sockets) is the family's (family.ts): FAMILY4 or
// FAMILY6, chosen by the packets.
import { put16 } from '../wire/bytes.js';
import { incrementalUpdate } from '../wire/checksum.js';
import type { Match, MatchKind, ProbeProtocol, ProbeSlot } from '../probe/engine/protocol.js';
import { echoAnswerKey, type Counter, type CraftFamily } from './family.js';
import { FAMILY4 } from './family4.js';
import { FAMILY6 } from './family6.js';

export { classifyAnswer, counterFor, requestKey } from './family4.js';

/** The family of a list of packets: all IPv4 or all IPv6 (one socket sends them). Throws RangeError for a mix or neither. */
export function familyOf(packets: readonly Uint8Array[]): CraftFamily {
  const versions = new Set(packets.map((p) => (p.length > 0 ? p[0]! >>> 4 : -1)));
  if (versions.size === 1 && versions.has(6)) return FAMILY6;
  if (versions.size === 1 && versions.has(4)) return FAMILY4;
  if (versions.has(4) && versions.has(6)) throw new RangeError('the packets mix IPv4 and IPv6: send each version in a run of its own');
  const other = [...versions].find((v) => v !== 4 && v !== 6);
  throw new RangeError(other === -1 ? 'an empty packet has no IP header to send' : `IP version ${other} is neither 4 nor 6: nothing to send it with`);
}

export class CraftedProtocol implements ProbeProtocol {
  readonly maxProbeLength: number;
  /** Every type an answer to a crafted packet can have (the listening socket's type filter). */
  readonly icmpTypes: readonly number[];
  readonly family: CraftFamily;
  readonly #packets: readonly Buffer[];
  readonly #counters: readonly (Counter | null)[];
  /** Each packet's key in round 0 (-1: nothing answers it). */
  readonly #keys: readonly number[];
  /** Which packet each engine buffer holds now, so a buffer is written whole only when that changes. */
  readonly #holds = new WeakMap<Uint8Array, number>();
  readonly #perPacket: boolean;

  /**
   * `count`: whether echo and timestamp sequences count up per round (send's incrementSequence);
   * `listening`: whether answers are read at all (without, no packet gets a key to look up).
   * `family`: the packets' (familyOf), unless given. `perPacket`: the list is one packet varied
   * (send's walks), whose sequence counts up per packet sent rather than per round.
   */
  constructor(packets: readonly Buffer[], count: boolean, listening = true, family: CraftFamily = familyOf(packets), perPacket = false) {
    this.#perPacket = perPacket;
    this.family = family;
    this.icmpTypes = family.icmpTypes;
    this.#packets = packets;
    this.#counters = packets.map((p) => (count ? family.counterFor(p) : null));
    this.#keys = packets.map((p) => (listening ? family.requestKey(p) : -1));
    this.maxProbeLength = Math.max(...packets.map((p) => p.length));
  }

  /** Which crafted packet probe n is, and how far its sequence moves: one per round, or per packet. */
  #place(n: number): { t: number; round: number } {
    return { t: n % this.#packets.length, round: this.#perPacket ? n : Math.floor(n / this.#packets.length) };
  }

  /** Whether anything can answer probe n (its key is a real one). */
  answerable(n: number): boolean {
    return this.#keys[n % this.#packets.length]! >= 0;
  }

  /** The bytes of probe n as sent (a copy when its sequence was counted up): for onSent. */
  bytesOf(n: number): Buffer {
    const { t, round } = this.#place(n);
    const template = this.#packets[t]!;
    const c = this.#counters[t];
    if (c == null || round === 0) return template;
    const out = Buffer.from(template);
    this.#count(out, c, round);
    return out;
  }

  encode(probe: ProbeSlot, buf: Buffer): number {
    const { t, round } = this.#place(probe.number);
    const template = this.#packets[t]!;
    const c = this.#counters[t];
    if (this.#holds.get(buf) !== t || c != null) {
      template.copy(buf, 0);
      this.#holds.set(buf, t);
    }
    const key = this.#keys[t]!;
    const seq = c != null && round > 0 ? this.#count(buf, c, round) : -1;
    probe.key = key < 0 ? -1 : seq < 0 ? key : echoAnswerKey(c!.identifier, seq);
    return template.length;
  }

  /** Writes round `round`'s sequence (and checksum) into b; returns the sequence. */
  #count(b: Uint8Array, c: Counter, round: number): number {
    const seq = (c.seq + round) & 0xffff;
    put16(b, c.seqOffset, seq);
    if (c.fixSum) put16(b, c.sumOffset, incrementalUpdate(c.checksum, c.seq, seq));
    return seq;
  }

  match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    return this.family.classifyAnswer(b, offset, length, wireLength, m);
  }

  /** The listening sockets are the family's (family4.ts, family6.ts): no filter of the protocol's. */
  filter(): null {
    return null;
  }
}
