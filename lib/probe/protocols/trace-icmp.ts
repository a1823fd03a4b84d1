// ICMP echo probes for trace and tos (traceroute -I): ping's probe (icmp-echo.ts), with IPv4
// options allowed, and the packet length traceroute counts (headers included) filled with
// traceroute's data.
//
//   echo reply with our identifier             -> reply (the destination), key (identifier, seq)
//   error (3 4 5 11 12) quoting our echo        -> error (notice for 4 and 5), key from the quote,
//                                                 target = the quoted destination
//   anything else (our own request looped back on lo, other pings) -> none
import { encodePacket } from '../../wire/packet.js';
import { IcmpEchoProtocol } from './icmp-echo.js';
import { templateIp } from './template.js';
import { PROBE_PATTERN, type ProbeHeaderOptions, type TraceProtocol } from './trace-protocol.js';

export interface IcmpProbeOptions extends ProbeHeaderOptions {
  /** The echo identifier (16 bits). */
  identifier: number;
}

export class IcmpProbe extends IcmpEchoProtocol implements TraceProtocol {
  readonly kind = 'icmp' as const;
  readonly packetLength: number;

  constructor(options: IcmpProbeOptions) {
    const identifier = options.identifier & 0xffff;
    const headers = encodePacket({ ip: templateIp(options), icmp: { kind: 'echo-request', identifier, sequence: 0 } }).length;
    super({ ...options, identifier, size: Math.max(0, options.length - headers), pattern: PROBE_PATTERN });
    this.packetLength = this.maxProbeLength;
  }
}
