// ICMP echo probes over a raw IPv4 socket with IP_HDRINCL (RFC 792): ping's entry in the
// engine's function table. The whole packet, IPv4 header included, is ours: TTL, TOS,
// identification and DF are what we write.
//
// Encoding builds one template packet with lib/wire and, per probe, patches only what
// changes: destination, TTL, TOS and IP id (then the 20-byte header checksum), and the echo
// sequence (the ICMP checksum follows incrementally, RFC 1624). Matching reads the received
// datagram in place:
//
//   echo reply, our identifier          -> reply, key (identifier, sequence), target = its source
//   error (3 4 5 11 12) quoting our echo -> error (notice for 4 and 5), key from the quoted echo,
//                                           target = the quoted destination
//   anything else (our own request looped back on lo, other processes' traffic) -> none
import { echoKey } from '../wire/peek.js';
import { incrementalUpdate, internetChecksum, sum16 } from '../wire/checksum.js';
import { encodePacket } from '../wire/packet.js';
import { echoReplyFilterV4, type BpfInstruction } from '../socket/index.js';
import { MATCH, MATCH_FLAG, type Match, type MatchKind, type ProbeProtocol, type ProbeSlot } from './protocol.js';

/** Most data bytes after the ICMP header: 65535 - 20 (IPv4) - 8 (ICMP). */
export const MAX_ECHO_DATA = 65507;

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
}

// Offsets for a header without options (the template never has any).
const IP = { TOS: 1, ID: 4, TTL: 8, CHECKSUM: 10, DST: 16, LENGTH: 20 } as const;
const ICMP = { CHECKSUM: 2, SEQUENCE: 6, DATA: 8 } as const;
const ECHO_REPLY = 0;
const ECHO_REQUEST = 8;

/** The echo data ping sends: the pattern repeated, or 0, 1, 2... (iputils' fill() and setup()). */
export function echoData(size: number, pattern: Uint8Array | null = null): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = pattern !== null && pattern.length > 0 ? pattern[i % pattern.length]! : i & 0xff;
  return data;
}

export class IcmpEchoProtocol implements ProbeProtocol {
  readonly identifier: number;
  readonly maxProbeLength: number;
  readonly icmpTypes: readonly number[] = [0, 3, 4, 5, 11, 12];
  /** The packet every probe starts from (destination 0.0.0.0, sequence 0). */
  readonly template: Buffer;
  readonly #templateIcmpChecksum: number;
  readonly #ipIdBase: number;
  readonly #size: number;
  /** Buffers that already hold the template: only the changing fields are written again. */
  readonly #primed = new WeakSet<Uint8Array>();

  constructor(options: IcmpEchoOptions) {
    this.identifier = options.identifier & 0xffff;
    this.#size = options.size;
    this.#ipIdBase = (options.ipIdBase ?? 0) & 0xffff;
    this.template = encodePacket({
      ip: { src: options.source, dst: 0, ttl: 64, tos: 0, id: 0, flags: { df: options.df } },
      icmp: { kind: 'echo-request', identifier: this.identifier, sequence: 0, data: echoData(options.size, options.pattern ?? null) },
    });
    this.maxProbeLength = this.template.length;
    this.#templateIcmpChecksum = (this.template[IP.LENGTH + ICMP.CHECKSUM]! << 8) | this.template[IP.LENGTH + ICMP.CHECKSUM + 1]!;
  }

  /** The echo sequence of probe n: iputils' ntransmitted + 1, on 16 bits. */
  sequenceOf(n: number): number {
    return (n + 1) & 0xffff;
  }

  encode(probe: ProbeSlot, buf: Buffer): number {
    const b = buf;
    if (!this.#primed.has(b)) {
      b.set(this.template, 0);
      this.#primed.add(b);
    }
    const sequence = this.sequenceOf(probe.number);
    const id = (this.#ipIdBase + probe.number) & 0xffff || 1; // 0 would let the kernel choose
    const dst = probe.addressValue;
    b[IP.TOS] = probe.tos;
    b[IP.ID] = id >>> 8;
    b[IP.ID + 1] = id & 0xff;
    b[IP.TTL] = probe.ttl;
    b[IP.DST] = dst >>> 24;
    b[IP.DST + 1] = (dst >>> 16) & 0xff;
    b[IP.DST + 2] = (dst >>> 8) & 0xff;
    b[IP.DST + 3] = dst & 0xff;
    b[IP.CHECKSUM] = 0;
    b[IP.CHECKSUM + 1] = 0;
    const ipSum = internetChecksum(b, 0, IP.LENGTH);
    b[IP.CHECKSUM] = ipSum >>> 8;
    b[IP.CHECKSUM + 1] = ipSum & 0xff;
    const at = IP.LENGTH;
    b[at + ICMP.SEQUENCE] = sequence >>> 8;
    b[at + ICMP.SEQUENCE + 1] = sequence & 0xff;
    const icmpSum = incrementalUpdate(this.#templateIcmpChecksum, 0, sequence);
    b[at + ICMP.CHECKSUM] = icmpSum >>> 8;
    b[at + ICMP.CHECKSUM + 1] = icmpSum & 0xff;
    probe.key = echoKey(this.identifier, sequence);
    return this.maxProbeLength;
  }

  match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    m.kind = MATCH.none;
    const end = offset + length;
    if (length < 28 || end > b.length) return MATCH.none;
    const vihl = b[offset]!;
    const hl = (vihl & 0x0f) << 2;
    if (vihl >>> 4 !== 4 || hl < 20 || hl + 8 > length || b[offset + 9] !== 1) return MATCH.none;
    if (((b[offset + 6]! & 0x1f) | b[offset + 7]!) !== 0) return MATCH.none; // not a first fragment
    const p = offset + hl;
    const type = b[p]!;
    // The ICMP message ends where the IPv4 total length says, or where the bytes stop.
    const totalLength = (b[offset + 2]! << 8) | b[offset + 3]!;
    const icmpLength = Math.min(totalLength, wireLength) - hl;
    const cut = wireLength > length || totalLength > wireLength;

    if (type === ECHO_REPLY) {
      const identifier = (b[p + 4]! << 8) | b[p + 5]!;
      if (identifier !== this.identifier) return MATCH.none;
      this.#fill(b, offset, p, icmpLength, m);
      m.key = echoKey(identifier, (b[p + 6]! << 8) | b[p + 7]!);
      m.target = m.from;
      let flags = 0;
      if (cut || icmpLength < ICMP.DATA + this.#size) flags |= MATCH_FLAG.truncated;
      if (!cut && sum16(b, p, icmpLength) !== 0xffff) flags |= MATCH_FLAG.badChecksum;
      if (!this.#sameData(b, p + ICMP.DATA, Math.min(icmpLength, end - p) - ICMP.DATA)) flags |= MATCH_FLAG.wrongData;
      m.flags = flags;
      m.kind = MATCH.reply;
      return MATCH.reply;
    }
    if (type !== 3 && type !== 4 && type !== 5 && type !== 11 && type !== 12) return MATCH.none;
    // The quoted datagram: its IPv4 header and the first 8 bytes of our echo request.
    const inner = p + 8;
    if (inner + 20 > end || b[inner]! >>> 4 !== 4 || b[inner + 9] !== 1) return MATCH.none;
    const innerHl = (b[inner]! & 0x0f) << 2;
    if (innerHl < 20 || inner + innerHl + 8 > end) return MATCH.none;
    if (((b[inner + 6]! & 0x1f) | b[inner + 7]!) !== 0) return MATCH.none;
    const q = inner + innerHl;
    const identifier = (b[q + 4]! << 8) | b[q + 5]!;
    if (b[q] !== ECHO_REQUEST || identifier !== this.identifier) return MATCH.none;
    this.#fill(b, offset, p, icmpLength, m);
    m.key = echoKey(identifier, (b[q + 6]! << 8) | b[q + 7]!);
    m.target = ((b[inner + 16]! << 24) | (b[inner + 17]! << 16) | (b[inner + 18]! << 8) | b[inner + 19]!) >>> 0;
    m.quotedTos = b[inner + 1]!;
    m.quotedTtl = b[inner + 8]!;
    const code = b[p + 1]!;
    if (type === 3 && code === 4) m.info = (b[p + 6]! << 8) | b[p + 7]!;
    else if (type === 12) m.info = b[p + 4]!;
    else if (type === 5) m.info = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
    m.flags = !cut && sum16(b, p, icmpLength) !== 0xffff ? MATCH_FLAG.badChecksum : cut ? MATCH_FLAG.truncated : 0;
    m.kind = type === 4 || type === 5 ? MATCH.notice : MATCH.error;
    return m.kind;
  }

  filter(): BpfInstruction[] {
    return echoReplyFilterV4(this.identifier);
  }

  /** The fields every answer has. */
  #fill(b: Uint8Array, offset: number, p: number, icmpLength: number, m: Match): void {
    m.from = ((b[offset + 12]! << 24) | (b[offset + 13]! << 16) | (b[offset + 14]! << 8) | b[offset + 15]!) >>> 0;
    m.ttl = b[offset + 8]!;
    m.tos = b[offset + 1]!;
    m.type = b[p]!;
    m.code = b[p + 1]!;
    m.info = -1;
    m.quotedTos = -1;
    m.quotedTtl = -1;
    m.bytes = icmpLength;
    m.flags = 0;
  }

  /** True when the `length` echoed bytes at b[at] are what we sent. */
  #sameData(b: Uint8Array, at: number, length: number): boolean {
    const t = this.template;
    const base = IP.LENGTH + ICMP.DATA;
    const n = Math.min(length, this.#size);
    for (let i = 0; i < n; i++) if (b[at + i] !== t[base + i]) return false;
    return true;
  }
}
