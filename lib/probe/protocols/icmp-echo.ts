// ICMP echo probes (RFC 792; ICMPv6, RFC 4443 section 4) over a raw socket whose header is ours
// (IP_HDRINCL, IPV6_HDRINCL): ping's and sweep's entry in the engine's function table (trace's
// ICMP probe, trace-icmp.ts, is this one too). The whole packet, IP header included, is ours:
// TTL (hop limit), TOS (traffic class), identification, DF and flow label are what we write.
// What differs per IP version (the header, where an answer's fields are, how a quote is found)
// is the family table's (lib/probe/family).
//
// Encoding starts from a template (template.ts, template6.ts) and, per probe, patches the IP
// fields that change and the echo sequence, then the checksum over the header alone (the data's
// sum is kept). Matching reads the received datagram in place:
//
//   echo reply, our identifier                -> reply, key (identifier, sequence), target = its source
//                                                (broadcast and multicast pings: the address
//                                                probed, whoever answered: every host's reply counts)
//   error (ICMP 3 4 5 11 12, ICMPv6 1 2 3 4)  -> error (notice for ICMP 4 and 5), key from the
//     quoting our echo                           quoted echo, target = the quoted destination
//   anything else (our own request looped back on lo, other processes' traffic) -> none
import { put16, u16 } from '../../wire/bytes.js';
import { sum16 } from '../../wire/checksum.js';
import { FIELD as ICMP, HEADER_LENGTH as ICMP_HEADER_LENGTH } from '../../wire/icmpv4-codes.js';
import { MIN_HEADER_LENGTH as IPV4_HEADER_LENGTH } from '../../wire/ipv4.js';
import type { Ipv4OptionInit } from '../../wire/ipv4-options.js';
import { echoKey } from '../../wire/peek.js';
import type { BpfInstruction } from '../../socket/bpf.js';
import { FAMILY4 } from '../family/family4.js';
import type { ProbeFamily } from '../family/family.js';
import { UpperTemplate } from './template.js';
import { MATCH, MATCH_FLAG, type Match, type MatchKind, type ProbeProtocol, type ProbeSlot } from '../engine/protocol.js';

/** The IPv4 and ICMP echo headers around the data: iputils' "56(84) bytes". */
export const ECHO_HEADER_BYTES = IPV4_HEADER_LENGTH + ICMP_HEADER_LENGTH;

/** Most data bytes after the ICMP header: 65535 - 20 (IPv4) - 8 (ICMP). */
export const MAX_ECHO_DATA = 0xffff - ECHO_HEADER_BYTES;

/** Most data bytes after the ICMPv6 header: a payload length of 65535 less 8 (ping -6 -s 65527). */
export const MAX_ECHO_DATA6 = 0xffff - ICMP_HEADER_LENGTH;

export interface IcmpEchoOptions {
  /** The echo identifier (16 bits): how replies are told apart from other pings'. */
  identifier: number;
  /** Our source address, written into every header. */
  source: string;
  /** Data bytes after the 8-byte ICMP header (ping -s), 0..65507 (IPv6: 65527). */
  size: number;
  /** Data filled with this pattern repeated (ping -p); default bytes 0, 1, 2... as iputils. */
  pattern?: Uint8Array | null;
  /** Don't Fragment (ping -M do; iputils' default "want" sets it too). IPv4 only. */
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
  /** IPv6 flow label (ping -6 -F). Default 0. */
  flowLabel?: number;
  /** The IP version's table; default IPv4. */
  family?: ProbeFamily;
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
  readonly icmpTypes: readonly number[];
  readonly family: ProbeFamily;
  /** The packet every probe starts from (destination unset, sequence 0). */
  readonly template: Buffer;
  readonly #t: UpperTemplate;
  readonly #size: number;
  readonly #replyTarget: number;
  /** Leading data bytes that differ from probe to probe (Paris's checksum compensation), not compared in replies. */
  protected varyingDataBytes = 0;
  /**
   * Whether a reply's data is compared with ours (MATCH_FLAG.wrongData). Only a reply printed
   * says so: ping turns it off when no reply is printed (-q, -f), as iputils compares only then.
   */
  compareData = true;

  constructor(options: IcmpEchoOptions) {
    const family = options.family ?? FAMILY4;
    this.family = family;
    this.identifier = options.identifier & 0xffff;
    this.#size = options.size;
    this.icmpTypes = [family.echoReply, ...family.errorTypes];
    const header = family.template(options, { echo: { identifier: this.identifier, sequence: 0, data: echoData(options.size, options.pattern ?? null) } }, options.ipIdBase);
    this.template = header.bytes;
    this.#t = new UpperTemplate(header, family.icmpProtocol);
    this.#replyTarget = options.replyTarget ?? -1;
    this.maxProbeLength = this.template.length;
  }

  /** The echo sequence of probe n: iputils' ntransmitted + 1, on 16 bits. */
  sequenceOf(n: number): number {
    return (n + 1) & 0xffff;
  }

  encode(probe: ProbeSlot, buf: Buffer): number {
    const b = buf;
    const t = this.#t;
    t.write(b, probe);
    const sequence = this.sequenceOf(probe.number);
    const at = t.hl;
    put16(b, at + ICMP.SEQUENCE, sequence);
    put16(b, at + ICMP.CHECKSUM, 0);
    put16(b, at + ICMP.CHECKSUM, t.checksum(b));
    probe.key = echoKey(this.identifier, sequence);
    return this.maxProbeLength;
  }

  match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    m.kind = MATCH.none;
    const family = this.family;
    const p = family.open(b, offset, length, wireLength, m);
    if (p < 0 || family.protocolOf(b, offset, m) !== family.icmpProtocol) return MATCH.none;
    const end = offset + length;
    if (b[p + ICMP.TYPE] === family.echoReply) {
      if (u16(b, p + ICMP.IDENTIFIER) !== this.identifier) return MATCH.none;
      m.key = echoKey(this.identifier, u16(b, p + ICMP.SEQUENCE));
      m.target = this.#replyTarget >= 0 ? this.#replyTarget : m.from;
      // Beyond a cut: shorter than what we sent is truncated too (and its checksum may still
      // be checked: ICMPv4's here, ICMPv6's by the kernel), and the echoed data must be ours.
      const cut = m.flags !== 0;
      const icmpLength = m.bytes;
      let flags = m.flags;
      if (icmpLength < ICMP.BODY + this.#size) flags |= MATCH_FLAG.truncated;
      if (!cut && family.version === 4 && sum16(b, p, icmpLength) !== 0xffff) flags |= MATCH_FLAG.badChecksum;
      if (this.compareData && !this.#sameData(b, p + ICMP.BODY, Math.min(icmpLength, end - p) - ICMP.BODY)) flags |= MATCH_FLAG.wrongData;
      m.flags = flags;
      m.kind = MATCH.reply;
      return MATCH.reply;
    }
    // The quoted datagram: its IP header and the first 8 bytes of our echo request.
    const q = family.quoted(b, offset, p, end, family.icmpProtocol, m);
    if (q < 0 || b[q + ICMP.TYPE] !== family.echoRequest || u16(b, q + ICMP.IDENTIFIER) !== this.identifier) return MATCH.none;
    m.key = echoKey(this.identifier, u16(b, q + ICMP.SEQUENCE));
    return family.error(b, offset, p, length, wireLength, m);
  }

  filter(): BpfInstruction[] {
    return this.family.echoFilter(this.identifier);
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
