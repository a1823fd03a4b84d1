// `rawprobe send` as a probe protocol, so that crafted packets go through the same engine as
// ping's probes: encode() puts crafted packet n % count (a whole IPv4 datagram, written as the
// user built it) into the engine's buffer, counting an echo or timestamp request's sequence up
// by one per round (its ICMP checksum following by RFC 1624 when it was right to begin with);
// match() tells which sent packet a received one answers, reading keys straight from the bytes.
//
//   sent                                   answered by                          key
//   ICMP echo / timestamp request          its reply (0 / 14), an ICMP error     identifier, sequence
//                                          quoting it
//   UDP / TCP                              a segment back from the destination  source and destination
//                                          port to our port, an error quoting it  ports
//   another protocol                       an ICMP error quoting it             protocol, destination
//   another ICMP message (a reply, an      nothing: the engine never waits for it
//   error crafted on purpose)
//
// Every key is a number in its own range (a tag above the 32 bits of the value), as the
// engine's table wants, and answers are credited only when they come from (or quote) the
// sent packet's destination.
import { put16, u16, u32 } from '../wire/bytes.js';
import { incrementalUpdate, sum16 } from '../wire/checksum.js';
import { ERROR_TYPES, FIELD as ICMP, HEADER_LENGTH as ICMP_HEADER_LENGTH, ICMP_TYPE, isError } from '../wire/icmpv4-codes.js';
import { FIELD as IP, headerLengthOf, PROTOCOL } from '../wire/ipv4.js';
import { echoKey, firstFragmentPayloadOffset } from '../wire/peek.js';
import { quotedHeaderAt } from '../wire/quoted.js';
import { FIELD as PORTS } from '../wire/udp.js';
import { fillAnswer } from '../probe/protocols/answer.js';
import { MATCH, type Match, type MatchKind, type ProbeProtocol, type ProbeSlot } from '../probe/engine/protocol.js';

/** Key ranges: a tag times 2^32 plus the 32-bit value read from the packet. */
const KEY_TAG = { echo: 1, udp: 2, tcp: 3, other: 0x100 } as const;
const TAG = 2 ** 32;

/** The key an answer to this sent packet will carry, or -1 when nothing can answer it. */
export function requestKey(packet: Uint8Array, offset = 0, length = packet.length - offset): number {
  const p = firstFragmentPayloadOffset(packet, offset, length);
  if (p < 0) return -1;
  return keyOfDatagram(packet, offset, p, offset + length, false);
}

/**
 * The key of the datagram at b[offset] (transport header at p, end of the bytes at end): of a
 * request we sent, or (reversed: true) of a UDP/TCP segment coming back, whose ports are the
 * other way round. -1 when it has none.
 */
function keyOfDatagram(b: Uint8Array, offset: number, p: number, end: number, reversed: boolean): number {
  const protocol = b[offset + IP.PROTOCOL]!;
  if (protocol === PROTOCOL.ICMP) {
    const type = b[p + ICMP.TYPE];
    if (p + ICMP_HEADER_LENGTH > end || (type !== ICMP_TYPE.ECHO_REQUEST && type !== ICMP_TYPE.TIMESTAMP_REQUEST)) return -1;
    return KEY_TAG.echo * TAG + echoKey(u16(b, p + ICMP.IDENTIFIER), u16(b, p + ICMP.SEQUENCE));
  }
  if (protocol === PROTOCOL.UDP || protocol === PROTOCOL.TCP) {
    if (p + 4 > end) return -1;
    const src = u16(b, p + PORTS.SRC_PORT);
    const dst = u16(b, p + PORTS.DST_PORT);
    const ports = reversed ? ((dst << 16) | src) >>> 0 : ((src << 16) | dst) >>> 0;
    return (protocol === PROTOCOL.UDP ? KEY_TAG.udp : KEY_TAG.tcp) * TAG + ports;
  }
  return (KEY_TAG.other + protocol) * TAG + u32(b, offset + IP.DST);
}

/**
 * Classifies the IPv4 datagram at b[offset, offset + length) as an answer to a crafted packet:
 * an echo or timestamp reply (reply), a TCP or UDP segment (reply), or an ICMP error quoting one
 * (error, notices included: any answer is an answer here). Fills m (key, target, the answer's
 * fields) and returns its kind; MATCH.none for anything else.
 */
export function classifyAnswer(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
  m.kind = MATCH.none;
  const p = firstFragmentPayloadOffset(b, offset, length);
  if (p < 0) return MATCH.none;
  const end = offset + length;
  const protocol = b[offset + IP.PROTOCOL];
  let key = -1;
  let kind: MatchKind = MATCH.reply;
  if (protocol === PROTOCOL.ICMP) {
    if (p + ICMP_HEADER_LENGTH > end) return MATCH.none;
    const type = b[p + ICMP.TYPE]!;
    if (type === ICMP_TYPE.ECHO_REPLY || type === ICMP_TYPE.TIMESTAMP_REPLY) {
      key = KEY_TAG.echo * TAG + echoKey(u16(b, p + ICMP.IDENTIFIER), u16(b, p + ICMP.SEQUENCE));
      m.target = u32(b, offset + IP.SRC);
    } else if (isError(type)) {
      key = quotedKey(b, p, end);
      m.target = key < 0 ? -1 : u32(b, p + ICMP_HEADER_LENGTH + IP.DST);
      kind = MATCH.error;
    }
  } else if (protocol === PROTOCOL.UDP || protocol === PROTOCOL.TCP) {
    key = keyOfDatagram(b, offset, p, end, true);
    m.target = u32(b, offset + IP.SRC);
  }
  if (key < 0) return MATCH.none;
  fillAnswer(b, offset, p - offset, length, wireLength, m);
  m.key = key;
  m.kind = kind;
  return kind;
}

/** The key of the datagram an ICMP error (at b[p, end)) quotes, or -1. */
function quotedKey(b: Uint8Array, p: number, end: number): number {
  const inner = quotedHeaderAt(b, p, end);
  if (inner < 0) return -1;
  const innerP = inner + headerLengthOf(b, inner);
  const protocol = b[inner + IP.PROTOCOL];
  // Ports and echo fields must be there; another protocol is known by its destination alone.
  if ((protocol === PROTOCOL.ICMP && innerP + ICMP_HEADER_LENGTH > end) || ((protocol === PROTOCOL.UDP || protocol === PROTOCOL.TCP) && innerP + 4 > end)) return -1;
  return keyOfDatagram(b, inner, innerP, end, false);
}

/** What one crafted packet needs to count its sequence up: where its ICMP sequence and checksum are. */
interface Counter {
  identifier: number;
  seqOffset: number;
  sumOffset: number;
  seq: number;
  checksum: number;
  /** The packet's ICMP checksum is right: keep it right as the sequence changes. */
  fixSum: boolean;
}

/** An echo or timestamp request's counter, else null. */
export function counterFor(packet: Uint8Array): Counter | null {
  const hl = firstFragmentPayloadOffset(packet, 0, packet.length);
  if (hl < 0 || packet[IP.PROTOCOL] !== PROTOCOL.ICMP || hl + ICMP_HEADER_LENGTH > packet.length) return null;
  const type = packet[hl + ICMP.TYPE];
  if (type !== ICMP_TYPE.ECHO_REQUEST && type !== ICMP_TYPE.TIMESTAMP_REQUEST) return null;
  const totalLength = u16(packet, IP.TOTAL_LENGTH);
  const end = Math.min(packet.length, totalLength >= hl ? totalLength : packet.length);
  return {
    identifier: u16(packet, hl + ICMP.IDENTIFIER),
    seqOffset: hl + ICMP.SEQUENCE,
    sumOffset: hl + ICMP.CHECKSUM,
    seq: u16(packet, hl + ICMP.SEQUENCE),
    checksum: u16(packet, hl + ICMP.CHECKSUM),
    fixSum: sum16(packet, hl, end - hl) === 0xffff,
  };
}

export class CraftedProtocol implements ProbeProtocol {
  readonly maxProbeLength: number;
  /** Every type an answer to a crafted packet can have (the listening socket's ICMP_FILTER). */
  readonly icmpTypes: readonly number[] = [ICMP_TYPE.ECHO_REPLY, ICMP_TYPE.TIMESTAMP_REPLY, ...ERROR_TYPES];
  readonly #packets: readonly Buffer[];
  readonly #counters: readonly (Counter | null)[];
  /** Each packet's key in round 0 (-1: nothing answers it). */
  readonly #keys: readonly number[];
  /** Which packet each engine buffer holds now, so a buffer is written whole only when that changes. */
  readonly #holds = new WeakMap<Uint8Array, number>();

  /**
   * `count`: whether echo and timestamp sequences count up per round (send's incrementSequence);
   * `listening`: whether answers are read at all (without, no packet gets a key to look up).
   */
  constructor(packets: readonly Buffer[], count: boolean, listening = true) {
    this.#packets = packets;
    this.#counters = packets.map((p) => (count ? counterFor(p) : null));
    this.#keys = packets.map((p) => (listening ? requestKey(p) : -1));
    this.maxProbeLength = Math.max(...packets.map((p) => p.length));
  }

  /** Which crafted packet probe n is, and in which round. */
  #place(n: number): { t: number; round: number } {
    return { t: n % this.#packets.length, round: Math.floor(n / this.#packets.length) };
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
    probe.key = key < 0 ? -1 : seq < 0 ? key : KEY_TAG.echo * TAG + echoKey(c!.identifier, seq);
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
    return classifyAnswer(b, offset, length, wireLength, m);
  }

  /** The listening sockets are send's own (send.ts): no filter of the protocol's. */
  filter(): null {
    return null;
  }
}
