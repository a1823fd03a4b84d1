// ICMP echo probes for trace and tos (traceroute -I): ping's probe (icmp-echo.ts), with IPv4
// options allowed, the packet length traceroute counts (headers included), and the matched
// datagram kept for the header comparison.
//
//   echo reply with our identifier             -> reply (the destination), key (identifier, seq)
//   error (3 4 5 11 12) quoting our echo        -> error (notice for 4 and 5), key from the quote,
//                                                 target = the quoted destination
//   anything else (our own request looped back on lo, other pings) -> none
import { incrementalUpdate, sum16 } from '../wire/checksum.js';
import { encodePacket } from '../wire/packet.js';
import { echoKey } from '../wire/peek.js';
import { echoReplyFilterV4, type BpfInstruction } from '../socket/bpf.js';
import { MATCH, MATCH_FLAG, type Match, type MatchKind, type ProbeSlot } from './protocol.js';
import { patchIpv4, probeData, probeIpId, readU32, type DatagramRef, type ProbeHeaderOptions, type TraceProtocol } from './trace-protocol.js';

export interface IcmpProbeOptions extends ProbeHeaderOptions {
  /** The echo identifier (16 bits). */
  identifier: number;
}

const ECHO_REPLY = 0;
const ECHO_REQUEST = 8;
const ICMP = { CHECKSUM: 2, IDENTIFIER: 4, SEQUENCE: 6, DATA: 8 } as const;

export class IcmpProbe implements TraceProtocol {
  readonly kind = 'icmp' as const;
  readonly identifier: number;
  readonly packetLength: number;
  readonly maxProbeLength: number;
  readonly icmpTypes: readonly number[] = [0, 3, 4, 5, 11, 12];
  readonly last: DatagramRef = { bytes: new Uint8Array(0), offset: 0, length: 0 };
  /** The packet every probe starts from (destination 0.0.0.0, sequence 0). */
  readonly template: Buffer;
  readonly #hl: number;
  readonly #ipIdBase: number;
  readonly #templateChecksum: number;
  readonly #primed = new WeakSet<Uint8Array>();

  constructor(options: IcmpProbeOptions) {
    this.identifier = options.identifier & 0xffff;
    this.#ipIdBase = (options.ipIdBase ?? 0) & 0xffff;
    const ip = { src: options.source, dst: 0, ttl: 64, tos: 0, id: 0, flags: { df: options.df }, options: options.ipOptions ?? [] };
    const headers = encodePacket({ ip, icmp: { kind: 'echo-request', identifier: this.identifier, sequence: 0 } }).length;
    this.template = encodePacket({
      ip,
      icmp: { kind: 'echo-request', identifier: this.identifier, sequence: 0, data: probeData(options.length - headers) },
    });
    this.#hl = (this.template[0]! & 0x0f) << 2;
    this.packetLength = this.template.length;
    this.maxProbeLength = this.template.length;
    const c = this.#hl + ICMP.CHECKSUM;
    this.#templateChecksum = (this.template[c]! << 8) | this.template[c + 1]!;
  }

  /** The echo sequence of probe n (n + 1 on 16 bits, as ping numbers them). */
  sequenceOf(n: number): number {
    return (n + 1) & 0xffff;
  }

  encode(probe: ProbeSlot, buf: Buffer): number {
    const b = buf;
    if (!this.#primed.has(b)) {
      b.set(this.template, 0);
      this.#primed.add(b);
    }
    patchIpv4(b, this.#hl, probe, probeIpId(this.#ipIdBase, probe.number));
    const sequence = this.sequenceOf(probe.number);
    const at = this.#hl;
    b[at + ICMP.SEQUENCE] = sequence >>> 8;
    b[at + ICMP.SEQUENCE + 1] = sequence & 0xff;
    const sum = incrementalUpdate(this.#templateChecksum, 0, sequence);
    b[at + ICMP.CHECKSUM] = sum >>> 8;
    b[at + ICMP.CHECKSUM + 1] = sum & 0xff;
    probe.key = echoKey(this.identifier, sequence);
    return this.packetLength;
  }

  match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    m.kind = MATCH.none;
    const last = this.last;
    last.bytes = b;
    last.offset = offset;
    last.length = length;
    const end = offset + length;
    if (length < 28 || end > b.length) return MATCH.none;
    const vihl = b[offset]!;
    const hl = (vihl & 0x0f) << 2;
    if (vihl >>> 4 !== 4 || hl < 20 || hl + 8 > length || b[offset + 9] !== 1) return MATCH.none;
    if (((b[offset + 6]! & 0x1f) | b[offset + 7]!) !== 0) return MATCH.none;
    const p = offset + hl;
    const type = b[p]!;
    const totalLength = (b[offset + 2]! << 8) | b[offset + 3]!;
    const icmpLength = Math.min(totalLength, wireLength) - hl;
    const cut = wireLength > length || totalLength > wireLength;

    if (type === ECHO_REPLY) {
      const identifier = (b[p + ICMP.IDENTIFIER]! << 8) | b[p + ICMP.IDENTIFIER + 1]!;
      if (identifier !== this.identifier) return MATCH.none;
      fill(b, offset, p, icmpLength, m);
      m.key = echoKey(identifier, (b[p + ICMP.SEQUENCE]! << 8) | b[p + ICMP.SEQUENCE + 1]!);
      m.target = m.from;
      m.flags = cut ? MATCH_FLAG.truncated : sum16(b, p, icmpLength) !== 0xffff ? MATCH_FLAG.badChecksum : 0;
      m.kind = MATCH.reply;
      return MATCH.reply;
    }
    if (type !== 3 && type !== 4 && type !== 5 && type !== 11 && type !== 12) return MATCH.none;
    const inner = p + 8;
    if (inner + 20 > end || b[inner]! >>> 4 !== 4 || b[inner + 9] !== 1) return MATCH.none;
    const innerHl = (b[inner]! & 0x0f) << 2;
    if (innerHl < 20 || inner + innerHl + 8 > end) return MATCH.none;
    if (((b[inner + 6]! & 0x1f) | b[inner + 7]!) !== 0) return MATCH.none;
    const q = inner + innerHl;
    const identifier = (b[q + ICMP.IDENTIFIER]! << 8) | b[q + ICMP.IDENTIFIER + 1]!;
    if (b[q] !== ECHO_REQUEST || identifier !== this.identifier) return MATCH.none;
    fill(b, offset, p, icmpLength, m);
    m.key = echoKey(identifier, (b[q + ICMP.SEQUENCE]! << 8) | b[q + ICMP.SEQUENCE + 1]!);
    m.target = readU32(b, inner + 16);
    m.quotedTos = b[inner + 1]!;
    m.quotedTtl = b[inner + 8]!;
    setInfo(b, p, type, m);
    m.flags = cut ? MATCH_FLAG.truncated : sum16(b, p, icmpLength) !== 0xffff ? MATCH_FLAG.badChecksum : 0;
    m.kind = type === 4 || type === 5 ? MATCH.notice : MATCH.error;
    return m.kind;
  }

  filter(): BpfInstruction[] {
    return echoReplyFilterV4(this.identifier);
  }
}

/** The fields every answer has, read from the outer IPv4 header and the ICMP (or TCP) header at p. */
export function fill(b: Uint8Array, offset: number, p: number, bytes: number, m: Match): void {
  m.from = readU32(b, offset + 12);
  m.ttl = b[offset + 8]!;
  m.tos = b[offset + 1]!;
  m.type = b[p]!;
  m.code = b[p + 1]!;
  m.info = -1;
  m.quotedTos = -1;
  m.quotedTtl = -1;
  m.bytes = bytes;
  m.flags = 0;
}

/** Match.info for an ICMP error at p: the next-hop MTU (3/4), the pointer (12), the gateway (5). */
export function setInfo(b: Uint8Array, p: number, type: number, m: Match): void {
  const code = b[p + 1]!;
  if (type === 3 && code === 4) m.info = (b[p + 6]! << 8) | b[p + 7]!;
  else if (type === 12) m.info = b[p + 4]!;
  else if (type === 5) m.info = readU32(b, p + 4);
}
