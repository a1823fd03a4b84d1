// ICMP echo probes over a raw IPv4 socket with IP_HDRINCL (RFC 792): ping's and sweep's entry in
// the engine's function table (trace's ICMP probe, trace-icmp.ts, is this one too). The whole
// packet, IPv4 header included, is ours: TTL, TOS, identification and DF are what we write.
//
// Encoding starts from a template (template.ts) and, per probe, patches the IPv4 fields
// that change and the echo sequence (the ICMP checksum follows incrementally, RFC 1624).
// Matching reads the received datagram in place (answer.ts):
//
//   echo reply, our identifier          -> reply, key (identifier, sequence), target = its source
//                                           (broadcast and multicast pings: the address probed,
//                                           whoever answered: every host's reply counts)
//   error (3 4 5 11 12) quoting our echo -> error (notice for 4 and 5), key from the quoted echo,
//                                           target = the quoted destination
//   anything else (our own request looped back on lo, other processes' traffic) -> none
import { put16, u16 } from '../../wire/bytes.js';
import { incrementalUpdate, sum16 } from '../../wire/checksum.js';
import { ERROR_TYPES, FIELD as ICMP, HEADER_LENGTH as ICMP_HEADER_LENGTH, ICMP_TYPE } from '../../wire/icmpv4-codes.js';
import { FIELD as IP, MIN_HEADER_LENGTH as IPV4_HEADER_LENGTH, PROTOCOL } from '../../wire/ipv4.js';
import type { Ipv4OptionInit } from '../../wire/ipv4-options.js';
import { encodePacket } from '../../wire/packet.js';
import { echoKey } from '../../wire/peek.js';
import { quotedTransportAt } from '../../wire/quoted.js';
import { echoReplyFilterV4, type BpfInstruction } from '../../socket/bpf.js';
import { answerHeaderLength, fillAnswer, icmpErrorAt, quotedAnswer } from './answer.js';
import { ProbeTemplate, templateIp } from './template.js';
import { MATCH, MATCH_FLAG, type Match, type MatchKind, type ProbeProtocol, type ProbeSlot } from '../engine/protocol.js';

/** The IPv4 and ICMP echo headers around the data: iputils' "56(84) bytes". */
export const ECHO_HEADER_BYTES = IPV4_HEADER_LENGTH + ICMP_HEADER_LENGTH;

/** Most data bytes after the ICMP header: 65535 - 20 (IPv4) - 8 (ICMP). */
export const MAX_ECHO_DATA = 0xffff - ECHO_HEADER_BYTES;

/** What an echo probe's answers can be: the reply, or an error quoting it. */
const ECHO_ANSWER_TYPES: readonly number[] = [ICMP_TYPE.ECHO_REPLY, ...ERROR_TYPES];

export interface IcmpEchoOptions {
  /** The echo identifier (16 bits): how replies are told apart from other pings'. */
  identifier: number;
  /** Our source address, written into every header. */
  source: string;
  /** Data bytes after the 8-byte ICMP header (ping -s), 0..65507. */
  size: number;
  /** Data filled with this pattern repeated (ping -p); default bytes 0, 1, 2... as iputils. */
  pattern?: Uint8Array | null;
  /** Don't Fragment (ping -M do; iputils' default "want" sets it too). */
  df: boolean;
  /** IP identification of probe 0; probe n gets base + n (mod 2^16, never 0). */
  ipIdBase?: number;
  /** IPv4 options carried by every probe (trace's --ip-option, ping -R and -T). Default none. */
  ipOptions?: readonly Ipv4OptionInit[];
  /** Where a timestamp option takes each probe's send time (ping -T; template.ts), -1 for none. */
  stampAt?: number;
  /**
   * A broadcast or multicast ping (iputils' rts->multicast): the address probed (u32), to which
   * every echo reply is credited whichever host sent it; -1 (default): a reply answers only a
   * probe sent to its source.
   */
  replyTarget?: number;
}

/** The echo data ping sends: the pattern repeated, or 0, 1, 2... (iputils' fill() and setup()). */
export function echoData(size: number, pattern: Uint8Array | null = null): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = pattern !== null && pattern.length > 0 ? pattern[i % pattern.length]! : i & 0xff;
  return data;
}

export class IcmpEchoProtocol implements ProbeProtocol {
  readonly identifier: number;
  readonly maxProbeLength: number;
  readonly icmpTypes: readonly number[] = ECHO_ANSWER_TYPES;
  /** The packet every probe starts from (destination 0.0.0.0, sequence 0). */
  readonly template: Buffer;
  readonly #t: ProbeTemplate;
  readonly #templateIcmpChecksum: number;
  readonly #size: number;
  readonly #replyTarget: number;
  /** Leading data bytes that differ from probe to probe (Paris's checksum compensation), not compared in replies. */
  protected varyingDataBytes = 0;

  constructor(options: IcmpEchoOptions) {
    this.identifier = options.identifier & 0xffff;
    this.#size = options.size;
    this.template = encodePacket({
      ip: templateIp(options),
      icmp: { kind: 'echo-request', identifier: this.identifier, sequence: 0, data: echoData(options.size, options.pattern ?? null) },
    });
    this.#t = new ProbeTemplate(this.template, options.ipIdBase, options.stampAt ?? -1);
    this.#replyTarget = options.replyTarget ?? -1;
    this.maxProbeLength = this.template.length;
    this.#templateIcmpChecksum = u16(this.template, this.#t.hl + ICMP.CHECKSUM);
  }

  /** The echo sequence of probe n: iputils' ntransmitted + 1, on 16 bits. */
  sequenceOf(n: number): number {
    return (n + 1) & 0xffff;
  }

  encode(probe: ProbeSlot, buf: Buffer): number {
    const b = buf;
    this.#t.write(b, probe);
    const sequence = this.sequenceOf(probe.number);
    const at = this.#t.hl;
    put16(b, at + ICMP.SEQUENCE, sequence);
    put16(b, at + ICMP.CHECKSUM, incrementalUpdate(this.#templateIcmpChecksum, 0, sequence));
    probe.key = echoKey(this.identifier, sequence);
    return this.maxProbeLength;
  }

  match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    m.kind = MATCH.none;
    const hl = answerHeaderLength(b, offset, length);
    if (hl < 0 || b[offset + IP.PROTOCOL] !== PROTOCOL.ICMP) return MATCH.none;
    const p = offset + hl;
    if (b[p + ICMP.TYPE] === ICMP_TYPE.ECHO_REPLY) {
      if (u16(b, p + ICMP.IDENTIFIER) !== this.identifier) return MATCH.none;
      fillAnswer(b, offset, hl, length, wireLength, m);
      m.key = echoKey(this.identifier, u16(b, p + ICMP.SEQUENCE));
      m.target = this.#replyTarget >= 0 ? this.#replyTarget : m.from;
      // Beyond a cut: shorter than what we sent is truncated too (and its checksum may still
      // be checked), and the echoed data must be ours.
      const cut = m.flags !== 0;
      const icmpLength = m.bytes;
      let flags = m.flags;
      if (icmpLength < ICMP.BODY + this.#size) flags |= MATCH_FLAG.truncated;
      if (!cut && sum16(b, p, icmpLength) !== 0xffff) flags |= MATCH_FLAG.badChecksum;
      if (!this.#sameData(b, p + ICMP.BODY, Math.min(icmpLength, offset + length - p) - ICMP.BODY)) flags |= MATCH_FLAG.wrongData;
      m.flags = flags;
      m.kind = MATCH.reply;
      return MATCH.reply;
    }
    if (icmpErrorAt(b, offset, hl) < 0) return MATCH.none;
    // The quoted datagram: its IPv4 header and the first 8 bytes of our echo request.
    const q = quotedTransportAt(b, p, offset + length, PROTOCOL.ICMP);
    if (q < 0 || b[q + ICMP.TYPE] !== ICMP_TYPE.ECHO_REQUEST || u16(b, q + ICMP.IDENTIFIER) !== this.identifier) return MATCH.none;
    m.key = echoKey(this.identifier, u16(b, q + ICMP.SEQUENCE));
    return quotedAnswer(b, offset, hl, length, wireLength, m);
  }

  filter(): BpfInstruction[] {
    return echoReplyFilterV4(this.identifier);
  }

  /** True when the `length` echoed bytes at b[at] are what we sent. */
  #sameData(b: Uint8Array, at: number, length: number): boolean {
    const t = this.template;
    const base = this.#t.hl + ICMP.BODY;
    const n = Math.min(length, this.#size);
    for (let i = this.varyingDataBytes; i < n; i++) if (b[at + i] !== t[base + i]) return false;
    return true;
  }
}
