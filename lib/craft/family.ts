// What `rawprobe send` does differently per IP version, as one table of functions (iputils'
// ping_func_set, once for IPv4 and once for IPv6): where a crafted packet goes, the key an
// answer to it will carry, reading that key out of what comes back, counting an echo's
// sequence up, and the sockets. protocol.ts, send-handler.ts and send.ts run either table the
// same way; family4.ts and family6.ts fill them.
//
// Keys are numbers in ranges of their own (a tag above the 32 bits of the value), shared by both
// versions:
//
//   sent                                 answered by                              key
//   ICMP / ICMPv6 echo (timestamp) req.  its reply, an error quoting it           identifier, sequence
//   UDP / TCP                            a segment back from the destination      source and destination
//                                        port to our port, an error quoting it    port
//   another protocol                     an error quoting it                      protocol, destination
//   another ICMP message                 nothing: the engine never waits for it
import type { Match, MatchKind } from '../probe/engine/protocol.js';
import type { SocketGroup } from '../probe/engine/socket-group.js';
import { u16 } from '../wire/bytes.js';
import { sum16 } from '../wire/checksum.js';
import { FIELD as ICMP } from '../wire/icmpv4-codes.js';
import { echoKey } from '../wire/peek.js';

/** What kind of answer a reply is. */
export type ReplyKind = 'echo-reply' | 'timestamp-reply' | 'icmp-error' | 'tcp' | 'udp';

/** Key ranges: a tag times 2^32 plus the 32-bit value read from the packet. */
export const KEY_TAG = { echo: 1, udp: 2, tcp: 3, other: 0x100 } as const;
export const TAG = 2 ** 32;

/** The key of an echo (or timestamp) request or reply. */
export function echoAnswerKey(identifier: number, sequence: number): number {
  return KEY_TAG.echo * TAG + echoKey(identifier, sequence);
}

/** The key of a UDP (17) or TCP (6) segment by its ports, as the request had them. */
export function portsKey(protocol: number, srcPort: number, dstPort: number): number {
  return (protocol === 17 ? KEY_TAG.udp : KEY_TAG.tcp) * TAG + (((srcPort << 16) | dstPort) >>> 0);
}

/** The key of a packet of another protocol, by that protocol and 32 bits of its destination. */
export function otherKey(protocol: number, destination32: number): number {
  return (KEY_TAG.other + protocol) * TAG + (destination32 >>> 0);
}

/** What one crafted echo request needs to count its sequence up: where its sequence and checksum are. */
export interface Counter {
  identifier: number;
  seqOffset: number;
  sumOffset: number;
  seq: number;
  checksum: number;
  /** The packet's ICMP checksum is right: keep it right as the sequence changes. */
  fixSum: boolean;
}

/**
 * The counter of the echo (or timestamp) request whose ICMP or ICMPv6 header is at packet[p],
 * its message `length` bytes long, `pseudo` its pseudo-header sum (0 for ICMPv4): the identifier,
 * sequence and checksum sit at the same offsets in both.
 */
export function counterAt(packet: Uint8Array, p: number, length: number, pseudo: number): Counter {
  return {
    identifier: u16(packet, p + ICMP.IDENTIFIER),
    seqOffset: p + ICMP.SEQUENCE,
    sumOffset: p + ICMP.CHECKSUM,
    seq: u16(packet, p + ICMP.SEQUENCE),
    checksum: u16(packet, p + ICMP.CHECKSUM),
    fixSum: sum16(packet, p, length, pseudo) === 0xffff,
  };
}

/** The per-version half of `send`. */
export interface CraftFamily {
  readonly version: 4 | 6;
  /** Every type an answer can have (the listening socket's ICMP_FILTER / ICMPV6_FILTER). */
  readonly icmpTypes: readonly number[];
  /** The destination the kernel routes by: the packet's own. Throws RangeError when it has none. */
  destinationOf(packet: Uint8Array): string;
  /** The key an answer to this sent packet will carry, or -1 when nothing can answer it. */
  requestKey(packet: Uint8Array): number;
  /**
   * Classifies a received datagram as an answer to a crafted packet (m.batch and m.index say
   * where it came from); fills m and returns its kind, MATCH.none for anything else.
   */
  classifyAnswer(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind;
  /** An echo (or timestamp) request's counter, else null. */
  counterFor(packet: Uint8Array): Counter | null;
  /** What kind of answer m (classified) is. */
  replyKind(m: Match): ReplyKind;
  /**
   * The answer in m as a whole IP packet, for printing: IPv4 as received; IPv6 with its header
   * rebuilt (a raw IPv6 socket never hands it over) from what the kernel tells, `sent` being the
   * packet it answers.
   */
  answerPacket(m: Match, sent: Uint8Array): Buffer;
  /** The sending socket (raw, the header ours) and, with waitMs, the sockets that hear the answers. */
  openSockets(packets: readonly Buffer[], waitMs: number): SocketGroup;
}
