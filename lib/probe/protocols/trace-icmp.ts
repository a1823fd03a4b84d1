// ICMP echo probes for trace and tos (traceroute -I): ping's probe (icmp-echo.ts), with IPv4
// options allowed, and the packet length traceroute counts (headers included) filled with
// traceroute's data. Either IP version, by the family table.
//
//   echo reply with our identifier             -> reply (the destination), key (identifier, seq)
//   error quoting our echo                      -> error (notice for ICMP 4 and 5), key from the
//                                                 quote, target = the quoted destination
//   anything else (our own request looped back on lo, other pings) -> none
import { FAMILY4 } from '../family/family4.js';
import { IcmpEchoProtocol } from './icmp-echo.js';
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
    const family = options.family ?? FAMILY4;
    const headers = family.template(options, { echo: { identifier, sequence: 0 } }).bytes.length;
    super({ ...options, identifier, size: Math.max(0, options.length - headers), pattern: PROBE_PATTERN });
    this.packetLength = this.maxProbeLength;
  }
}
