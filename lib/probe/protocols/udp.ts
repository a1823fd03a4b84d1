// UDP probes for trace and tos (traceroute's default method): a datagram to port base + n
// (33434 + n), from one source port. Nothing listens there, so the destination answers with
// ICMP (ICMPv6) port unreachable; routers answer with Time Exceeded. Both quote our header, and the
// destination port in the quote says which probe it was (RFC 768; RFC 792).
//
//   port unreachable (3/3) from the quoted destination  -> reply (the destination answered)
//   any other error (3 11 12) quoting our UDP probe      -> error; 4 and 5 -> notice
//
// A quote is ours when its destination port is one of ours and its source port is ours, or,
// when a NAT rewrote the source port, when its IP id is the one that probe carried (the
// header comparison then reports the port change instead of losing the answer).
import { u16 } from '../../wire/bytes.js';
import { FIELD as UDP, PROTOCOL_NUMBER as PROTOCOL } from '../../wire/udp.js';
import { UdpPortProbe } from './port-probe.js';
import { probeData, type ProbeHeaderOptions } from './trace-protocol.js';

export interface UdpProbeOptions extends ProbeHeaderOptions {
  /** Our source port. */
  srcPort: number;
  /** Destination port of probe 0 (traceroute: 33434); probe n goes to base + n. */
  basePort: number;
}

/** traceroute's first destination port. */
export const UDP_BASE_PORT = 33434;

/** A computed UDP checksum of 0 is sent as 0xffff: 0 means "no checksum" (RFC 768). */
const NO_CHECKSUM_STAND_IN = 0xffff;

export class UdpProbe extends UdpPortProbe {
  readonly kind = 'udp' as const;
  readonly srcPort: number;

  constructor(options: UdpProbeOptions) {
    const udp = { srcPort: options.srcPort & 0xffff, dstPort: options.basePort & 0xffff };
    const layout = { portField: UDP.DST_PORT, checksumField: UDP.CHECKSUM, zeroChecksumAs: NO_CHECKSUM_STAND_IN };
    super(options, { udp }, (room) => ({ udp, payload: probeData(room) }), udp.dstPort, PROTOCOL, layout);
    this.srcPort = udp.srcPort;
  }

  /** Destination port of probe 0. */
  get basePort(): number {
    return this.portBase;
  }

  protected quotedKey(b: Uint8Array, p: number, q: number): number {
    const dstPort = u16(b, q + UDP.DST_PORT);
    if (dstPort < this.portBase) return -1;
    // Not our source port: a NAT moved it, and the quoted IP identification must then be the
    // one that probe carried (IPv4: IPv6 has no identification, so the port must be ours).
    if (u16(b, q + UDP.SRC_PORT) !== this.srcPort && (this.family.version === 6 || this.family.quotedIpId(b, p) !== this.t.ipIdOf(dstPort - this.portBase))) return -1;
    return dstPort;
  }
}
