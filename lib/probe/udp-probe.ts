// UDP probes for trace and tos (traceroute's default method): a datagram to port base + n
// (33434 + n), from one source port. Nothing listens there, so the destination answers with
// ICMP port unreachable; routers answer with Time Exceeded. Both quote our header, and the
// destination port in the quote says which probe it was (RFC 768; RFC 792).
//
//   port unreachable (3/3) from the quoted destination  -> reply (the destination answered)
//   any other error (3 11 12) quoting our UDP probe      -> error; 4 and 5 -> notice
//
// A quote is ours when its destination port is one of ours and its source port is ours, or,
// when a NAT rewrote the source port, when its IP id is the one that probe carried (the
// header comparison then reports the port change instead of losing the answer).
import { fold, pseudoHeaderSum, sum16 } from '../wire/checksum.js';
import { encodePacket } from '../wire/packet.js';
import { constants } from '../socket/constants.js';
import { jump, stmt, type BpfInstruction } from '../socket/bpf.js';
import { MATCH, MATCH_FLAG, type Match, type MatchKind, type ProbeSlot } from './protocol.js';
import { fill, setInfo } from './trace-icmp.js';
import { patchIpv4, probeData, probeIpId, quotedTransport, readU32, type DatagramRef, type ProbeHeaderOptions, type TraceProtocol } from './trace-protocol.js';

export interface UdpProbeOptions extends ProbeHeaderOptions {
  /** Our source port. */
  srcPort: number;
  /** Destination port of probe 0 (traceroute: 33434); probe n goes to base + n. */
  basePort: number;
}

/** traceroute's first destination port. */
export const UDP_BASE_PORT = 33434;

const UDP = { SRC_PORT: 0, DST_PORT: 2, LENGTH: 4, CHECKSUM: 6 } as const;
const PROTOCOL = 17;

export class UdpProbe implements TraceProtocol {
  readonly kind = 'udp' as const;
  readonly srcPort: number;
  readonly basePort: number;
  /** Distinct destination ports from the base up to 65535: probes beyond reuse them. */
  readonly span: number;
  readonly packetLength: number;
  readonly maxProbeLength: number;
  readonly icmpTypes: readonly number[] = [3, 4, 5, 11, 12];
  readonly last: DatagramRef = { bytes: new Uint8Array(0), offset: 0, length: 0 };
  readonly template: Buffer;
  readonly #hl: number;
  readonly #ipIdBase: number;
  readonly #src: number;
  /** Sum of the UDP data (constant), so a probe's checksum needs only its header summed. */
  readonly #dataSum: number;
  readonly #primed = new WeakSet<Uint8Array>();

  constructor(options: UdpProbeOptions) {
    this.srcPort = options.srcPort & 0xffff;
    this.basePort = options.basePort & 0xffff;
    this.span = 0x10000 - this.basePort;
    this.#ipIdBase = (options.ipIdBase ?? 0) & 0xffff;
    const ip = { src: options.source, dst: 0, ttl: 64, tos: 0, id: 0, flags: { df: options.df }, options: options.ipOptions ?? [] };
    const udp = { srcPort: this.srcPort, dstPort: this.basePort };
    const headers = encodePacket({ ip, udp }).length;
    this.template = encodePacket({ ip, udp, payload: probeData(options.length - headers) });
    this.#hl = (this.template[0]! & 0x0f) << 2;
    this.packetLength = this.template.length;
    this.maxProbeLength = this.template.length;
    this.#src = readU32(this.template, 12);
    const data = this.#hl + 8;
    this.#dataSum = sum16(this.template, data, this.template.length - data);
  }

  /** Destination port of probe n. */
  portOf(n: number): number {
    return this.basePort + (n % this.span);
  }

  encode(probe: ProbeSlot, buf: Buffer): number {
    const b = buf;
    if (!this.#primed.has(b)) {
      b.set(this.template, 0);
      this.#primed.add(b);
    }
    patchIpv4(b, this.#hl, probe, probeIpId(this.#ipIdBase, probe.number));
    const u = this.#hl;
    const port = this.portOf(probe.number);
    b[u + UDP.DST_PORT] = port >>> 8;
    b[u + UDP.DST_PORT + 1] = port & 0xff;
    b[u + UDP.CHECKSUM] = 0;
    b[u + UDP.CHECKSUM + 1] = 0;
    const udpLength = this.packetLength - u;
    const pseudo = pseudoHeaderSum(this.#src, probe.addressValue, PROTOCOL, udpLength);
    let sum = ~fold(pseudo + sum16(b, u, 8) + this.#dataSum) & 0xffff;
    if (sum === 0) sum = 0xffff; // 0 means "no checksum" in UDP (RFC 768)
    b[u + UDP.CHECKSUM] = sum >>> 8;
    b[u + UDP.CHECKSUM + 1] = sum & 0xff;
    probe.key = port;
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
    if (type !== 3 && type !== 4 && type !== 5 && type !== 11 && type !== 12) return MATCH.none;
    const q = quotedTransport(b, p, end, PROTOCOL);
    if (q < 0) return MATCH.none;
    const inner = p + 8;
    const srcPort = (b[q + UDP.SRC_PORT]! << 8) | b[q + UDP.SRC_PORT + 1]!;
    const dstPort = (b[q + UDP.DST_PORT]! << 8) | b[q + UDP.DST_PORT + 1]!;
    if (dstPort < this.basePort) return MATCH.none;
    if (srcPort !== this.srcPort) {
      const id = (b[inner + 4]! << 8) | b[inner + 5]!;
      if (id !== probeIpId(this.#ipIdBase, dstPort - this.basePort)) return MATCH.none;
    }
    const totalLength = (b[offset + 2]! << 8) | b[offset + 3]!;
    const icmpLength = Math.min(totalLength, wireLength) - hl;
    const cut = wireLength > length || totalLength > wireLength;
    fill(b, offset, p, icmpLength, m);
    m.key = dstPort;
    m.target = readU32(b, inner + 16);
    m.quotedTos = b[inner + 1]!;
    m.quotedTtl = b[inner + 8]!;
    setInfo(b, p, type, m);
    m.flags = cut ? MATCH_FLAG.truncated : sum16(b, p, icmpLength) !== 0xffff ? MATCH_FLAG.badChecksum : 0;
    if (type === 4 || type === 5) m.kind = MATCH.notice;
    else if (type === 3 && m.code === 3 && m.from === m.target) m.kind = MATCH.reply;
    else m.kind = MATCH.error;
    return m.kind;
  }

  /** Passes ICMP messages that quote a UDP datagram (the socket's ICMP_FILTER already keeps errors only). */
  filter(): BpfInstruction[] {
    return quotedProtocolFilter(PROTOCOL);
  }
}

/**
 * For a raw ICMP socket (the program sees the IPv4 header first): pass ICMP messages whose
 * quoted datagram has this protocol, drop the rest.
 */
export function quotedProtocolFilter(protocol: number): BpfInstruction[] {
  const c = constants;
  return [
    stmt(c.BPF_LDX | c.BPF_B | c.BPF_MSH, 0), // X = IP header length
    stmt(c.BPF_LD | c.BPF_B | c.BPF_IND, 8 + 9), // A = quoted protocol (ICMP header 8, then IPv4 byte 9)
    jump(c.BPF_JMP | c.BPF_JEQ | c.BPF_K, protocol, 0, 1),
    stmt(c.BPF_RET | c.BPF_K, 0xffffffff),
    stmt(c.BPF_RET | c.BPF_K, 0),
  ];
}
