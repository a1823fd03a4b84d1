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
import { put16, u16 } from '../../wire/bytes.js';
import { ERROR_TYPES, HEADER_LENGTH as ICMP_HEADER_LENGTH, ICMP_TYPE, UNREACHABLE_CODE } from '../../wire/icmpv4-codes.js';
import { FIELD as IP } from '../../wire/ipv4.js';
import { encodePacket } from '../../wire/packet.js';
import { quotedTransportAt } from '../../wire/quoted.js';
import { FIELD as UDP, PROTOCOL_NUMBER as PROTOCOL } from '../../wire/udp.js';
import type { BpfInstruction } from '../../socket/bpf.js';
import { answerHeaderLength, icmpErrorAt, quotedAnswer, quotedProtocolFilter } from './answer.js';
import { TransportTemplate, templateIp } from './template.js';
import { MATCH, type Match, type MatchKind, type ProbeSlot } from '../engine/protocol.js';
import { probeData, type ProbeHeaderOptions, type TraceProtocol } from './trace-protocol.js';

export interface UdpProbeOptions extends ProbeHeaderOptions {
  /** Our source port. */
  srcPort: number;
  /** Destination port of probe 0 (traceroute: 33434); probe n goes to base + n. */
  basePort: number;
}

/** traceroute's first destination port. */
export const UDP_BASE_PORT = 33434;


export class UdpProbe implements TraceProtocol {
  readonly kind = 'udp' as const;
  readonly srcPort: number;
  readonly basePort: number;
  /** Distinct destination ports from the base up to 65535: probes beyond reuse them. */
  readonly span: number;
  readonly packetLength: number;
  readonly maxProbeLength: number;
  /** Its answers are all errors quoting it (the destination's too: port unreachable). */
  readonly icmpTypes: readonly number[] = ERROR_TYPES;
  readonly template: Buffer;
  readonly #t: TransportTemplate;

  constructor(options: UdpProbeOptions) {
    this.srcPort = options.srcPort & 0xffff;
    this.basePort = options.basePort & 0xffff;
    this.span = 0x10000 - this.basePort;
    const ip = templateIp(options);
    const udp = { srcPort: this.srcPort, dstPort: this.basePort };
    const headers = encodePacket({ ip, udp }).length;
    this.template = encodePacket({ ip, udp, payload: probeData(options.length - headers) });
    this.#t = new TransportTemplate(this.template, options.ipIdBase);
    this.packetLength = this.template.length;
    this.maxProbeLength = this.template.length;
  }

  /** Destination port of probe n. */
  portOf(n: number): number {
    return this.basePort + (n % this.span);
  }

  encode(probe: ProbeSlot, buf: Buffer): number {
    const b = buf;
    this.#t.write(b, probe);
    const u = this.#t.hl;
    const port = this.portOf(probe.number);
    put16(b, u + UDP.DST_PORT, port);
    put16(b, u + UDP.CHECKSUM, 0);
    const sum = this.#t.checksum(b, probe.addressValue);
    put16(b, u + UDP.CHECKSUM, sum === 0 ? 0xffff : sum); // 0 means "no checksum" in UDP (RFC 768)
    probe.key = port;
    return this.packetLength;
  }

  match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    m.kind = MATCH.none;
    const hl = answerHeaderLength(b, offset, length);
    if (hl < 0) return MATCH.none;
    const p = icmpErrorAt(b, offset, hl);
    if (p < 0) return MATCH.none;
    const q = quotedTransportAt(b, p, offset + length, PROTOCOL);
    if (q < 0) return MATCH.none;
    const dstPort = u16(b, q + UDP.DST_PORT);
    if (dstPort < this.basePort) return MATCH.none;
    // Not our source port: a NAT moved it, and the quoted IP identification must then be the
    // one that probe carried.
    const quoted = p + ICMP_HEADER_LENGTH;
    if (u16(b, q + UDP.SRC_PORT) !== this.srcPort && u16(b, quoted + IP.ID) !== this.#t.ipIdOf(dstPort - this.basePort)) return MATCH.none;
    m.key = dstPort;
    const kind = quotedAnswer(b, offset, hl, length, wireLength, m);
    // Port unreachable from the probe's destination itself: the probe arrived.
    if (kind !== MATCH.error || m.type !== ICMP_TYPE.DESTINATION_UNREACHABLE || m.code !== UNREACHABLE_CODE.PORT || m.from !== m.target) return kind;
    m.kind = MATCH.reply;
    return MATCH.reply;
  }

  /** Passes ICMP messages that quote a UDP datagram (the socket's ICMP_FILTER already keeps errors only). */
  filter(): BpfInstruction[] {
    return quotedProtocolFilter(PROTOCOL);
  }
}
