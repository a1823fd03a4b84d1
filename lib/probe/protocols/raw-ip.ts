// Raw IP probes of any protocol (traceroute -P N, its "raw" method): an IPv4 header carrying
// protocol N (253 unless given: RFC 3692's number for experiments) and traceroute's data bytes,
// no transport header of ours. Routers answer Time Exceeded as for any datagram; a destination
// that does not speak N answers protocol unreachable (3/2), which traceroute prints as the
// destination with !P, and so do we. A destination that speaks N sees a malformed header and
// usually stays silent (traceroute -P 17: stars from there on).
//
//   protocol unreachable (3/2) from the quoted destination  -> reply (the destination, !P)
//   any other error (3 11 12) quoting our probe              -> error; 4 and 5 -> notice
//
// With no ports, the probe is told by its IPv4 identification, which every quote carries
// (traceroute sends one raw probe at a time instead; an id per probe lets us keep -N in flight).
import { formatIpv4, u16, u32 } from '../../wire/bytes.js';
import { ERROR_TYPES, UNREACHABLE_CODE } from '../../wire/icmpv4-codes.js';
import { FIELD as IP } from '../../wire/ipv4.js';
import { encodePacket } from '../../wire/packet.js';
import { quotedHeaderAt } from '../../wire/quoted.js';
import type { BpfInstruction } from '../../socket/bpf.js';
import { MATCH, type Match, type MatchKind, type ProbeSlot } from '../engine/protocol.js';
import { answerHeaderLength, arrivalAs, icmpErrorAt, quotedAnswer, quotedProtocolFilter } from './answer.js';
import { ProbeTemplate, templateIp } from './template.js';
import { probeData, type ProbeHeaderOptions, type TraceProtocol } from './trace-protocol.js';

/** traceroute's DEF_RAW_PROT: 253, "use for experimentation and testing" (RFC 3692). */
export const DEFAULT_RAW_PROTOCOL = 253;

export interface RawIpOptions extends ProbeHeaderOptions {
  /** The IPv4 protocol number every probe carries, 0-255. */
  protocol: number;
}

export class RawIpProbe implements TraceProtocol {
  readonly kind = 'raw' as const;
  readonly protocol: number;
  readonly packetLength: number;
  readonly maxProbeLength: number;
  readonly icmpTypes: readonly number[] = ERROR_TYPES;
  readonly #t: ProbeTemplate;
  /** Our source address, as the quote of a probe of ours carries it. */
  readonly #source: number;

  constructor(options: RawIpOptions) {
    this.protocol = options.protocol & 0xff;
    const ip = { ...templateIp(options), protocol: this.protocol };
    const header = encodePacket({ ip }).length;
    const template = encodePacket({ ip, payload: probeData(options.length - header) });
    this.#t = new ProbeTemplate(template, options.ipIdBase);
    this.#source = u32(template, IP.SRC);
    this.packetLength = template.length;
    this.maxProbeLength = template.length;
  }

  /** The source address of every probe. */
  get source(): string {
    return formatIpv4(this.#source);
  }

  encode(probe: ProbeSlot, buf: Buffer): number {
    this.#t.write(buf, probe);
    probe.key = this.#t.ipIdOf(probe.number);
    return this.packetLength;
  }

  match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    m.kind = MATCH.none;
    const hl = answerHeaderLength(b, offset, length);
    const icmp = hl < 0 ? -1 : icmpErrorAt(b, offset, hl);
    const inner = icmp < 0 ? -1 : quotedHeaderAt(b, icmp, offset + length);
    if (inner < 0 || b[inner + IP.PROTOCOL] !== this.protocol || u32(b, inner + IP.SRC) !== this.#source) return MATCH.none;
    m.key = u16(b, inner + IP.ID);
    // Protocol unreachable from the probe's destination itself: the probe arrived.
    return arrivalAs(quotedAnswer(b, offset, hl, length, wireLength, m), m, UNREACHABLE_CODE.PROTOCOL);
  }

  /** Passes ICMP messages that quote our protocol (the socket's ICMP_FILTER keeps errors only). */
  filter(): BpfInstruction[] {
    return quotedProtocolFilter(this.protocol);
  }
}
