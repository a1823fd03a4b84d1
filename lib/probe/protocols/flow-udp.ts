// UDP probes that keep their flow (Paris traceroute, Augustin et al., IMC 2006): every probe of a
// flow carries the same addresses, protocol and ports, so a router that balances load per flow
// (a hash of those five fields: Linux's fib_multipath_hash_policy=1, most ECMP hardware) sends all
// of them the same way, and a trace shows one real path instead of a mix of several. Dublin
// traceroute's idea on top: flow f goes to port base + f, so K flows explore K of the paths.
//
// With the ports fixed, the probe is told by its IPv4 identification (Dublin traceroute's choice):
// it is in every quote, no load balancer hashes it, and a NAT that rewrites ports or checksums
// leaves it alone. Probe n carries 1 + (base + n) mod 65535 (never 0, which would let the kernel
// choose one), the key of its answers.
//
//   port unreachable (3/3) from the quoted destination  -> reply (the destination answered)
//   any other error (3 11 12) quoting a probe of ours    -> error; 4 and 5 -> notice
//
// A quote is ours when its destination port is one of our flows' (the source port may have been
// rewritten by a NAT on the way: the header comparison then reports it).
import { put16, u16 } from '../../wire/bytes.js';
import { incrementalUpdate } from '../../wire/checksum.js';
import { HEADER_LENGTH as ICMP_HEADER_LENGTH, UNREACHABLE_CODE } from '../../wire/icmpv4-codes.js';
import { FIELD as IP } from '../../wire/ipv4.js';
import { FIELD as UDP } from '../../wire/udp.js';
import { MATCH, type Match, type MatchKind, type ProbeSlot } from '../engine/protocol.js';
import { arrivalAs, quotedAnswer } from './answer.js';
import type { Flows } from './probe-plan.js';
import { UdpProbe, type UdpProbeOptions } from './udp.js';

/** Distinct IPv4 identifications a flow probe may carry (1-65535). */
export const IP_ID_SPAN = 0xffff;

export interface FlowProbeOptions {
  /** The flows the probes are spread over (1: Paris), and each probe's (the handler's choice). */
  flows: Flows;
}

export class FlowUdpProbe extends UdpProbe {
  readonly flows: Flows;
  readonly #idBase: number;

  constructor(options: UdpProbeOptions & FlowProbeOptions) {
    super(options);
    this.flows = options.flows;
    this.#idBase = (options.ipIdBase ?? 0) & 0xffff;
  }

  /** Probe n's destination port: its flow's. */
  override portOf(n: number): number {
    return this.portBase + this.flows.of(n);
  }

  /** Probe n's IPv4 identification, the key of its answers. */
  keyOf(n: number): number {
    return 1 + ((this.#idBase + n) % IP_ID_SPAN);
  }

  override encode(probe: ProbeSlot, buf: Buffer): number {
    const length = super.encode(probe, buf);
    const id = this.keyOf(probe.number);
    put16(buf, IP.CHECKSUM, incrementalUpdate(u16(buf, IP.CHECKSUM), u16(buf, IP.ID), id));
    put16(buf, IP.ID, id);
    probe.key = id;
    return length;
  }

  override match(b: Uint8Array, offset: number, length: number, wireLength: number, m: Match): MatchKind {
    m.kind = MATCH.none;
    const hl = this.headerLength(b, offset, length);
    const q = this.quotedProbe(b, offset, length, hl);
    if (q < 0) return MATCH.none;
    const dstPort = u16(b, q + UDP.DST_PORT);
    if (dstPort < this.portBase || dstPort >= this.portBase + this.flows.count) return MATCH.none;
    m.key = u16(b, offset + hl + ICMP_HEADER_LENGTH + IP.ID);
    // Port unreachable from the probe's destination itself: the probe arrived.
    return arrivalAs(quotedAnswer(b, offset, hl, length, wireLength, m), m, UNREACHABLE_CODE.PORT);
  }
}
