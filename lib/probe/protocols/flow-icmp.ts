// ICMP echo probes that keep their flow (Paris traceroute; see flow-udp.ts for why). ICMP has no
// ports: a load balancer that hashes the transport header reads the first four bytes (type, code
// and checksum), so Paris traceroute keeps the checksum constant while the sequence number, which
// tells the probes apart, changes: the first two data bytes make up for it (RFC 1071's sum is
// commutative: sequence + that word is the same for every probe of a flow). Flow f makes the two
// add up to f, so each flow has its own checksum. The identifier is the same for every flow.
//
// Matching is the echo probe's (icmp-echo.ts): key (identifier, sequence); the echoed data is
// compared after the two bytes that differ from probe to probe.
import { put16, u16 } from '../../wire/bytes.js';
import { fold, internetChecksum } from '../../wire/checksum.js';
import { FIELD as ICMP } from '../../wire/icmpv4-codes.js';
import { headerLengthOf } from '../../wire/ipv4.js';
import type { ProbeSlot } from '../engine/protocol.js';
import type { FlowProbeOptions } from './flow-udp.js';
import type { Flows } from './probe-plan.js';
import { IcmpProbe, type IcmpProbeOptions } from './trace-icmp.js';

/** Data bytes that carry the compensation word. */
export const COMPENSATION_BYTES = 2;

export class FlowIcmpProbe extends IcmpProbe {
  readonly flows: Flows;

  /** Throws a RangeError when the probe has no room for the compensation word (2 data bytes). */
  constructor(options: IcmpProbeOptions & FlowProbeOptions) {
    super(options);
    this.flows = options.flows;
    this.varyingDataBytes = COMPENSATION_BYTES;
    if (this.packetLength - headerLengthOf(this.template, 0) - ICMP.BODY < COMPENSATION_BYTES) {
      throw new RangeError(`a ${this.packetLength}-byte echo probe has no room for the ${COMPENSATION_BYTES} bytes that keep its checksum`);
    }
  }

  override encode(probe: ProbeSlot, buf: Buffer): number {
    const length = super.encode(probe, buf);
    const icmp = headerLengthOf(buf, 0);
    const sequence = u16(buf, icmp + ICMP.SEQUENCE);
    const flow = this.flows.of(probe.number);
    // sequence + word = flow (ones' complement): the same sum, so the same checksum, all flow long.
    put16(buf, icmp + ICMP.BODY, fold(flow + (~sequence & 0xffff)));
    put16(buf, icmp + ICMP.CHECKSUM, 0);
    put16(buf, icmp + ICMP.CHECKSUM, internetChecksum(buf, icmp, length - icmp));
    return length;
  }
}
