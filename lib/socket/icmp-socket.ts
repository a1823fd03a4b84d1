// The usual ping socket, opened and set up in one call: raw ICMP or ICMPv6, optionally with your
// own IPv4 header, optionally passing only some ICMP types.
import { socketError, ErrorCode } from './errors.js';
import { icmpFilterMask, icmpv6FilterBytes } from './options.js';
import { openSocket, type RawSocket } from './socket.js';

export interface RawIcmpOptions {
  /** 'inet' (default) for ICMP, 'inet6' for ICMPv6. */
  family?: 'inet' | 'inet6';
  /** IPv4 only: the data you send starts with your own IPv4 header (IP_HDRINCL). */
  hdrincl?: boolean;
  /** Only these ICMP types reach the socket (ICMP_FILTER / ICMPV6_FILTER); all when omitted. */
  passTypes?: readonly number[];
}

/** The usual ping socket: raw ICMP (or ICMPv6), optionally with your own IPv4 header. */
export function rawIcmpSocket(options: RawIcmpOptions = {}): RawSocket {
  const family = options.family ?? 'inet';
  if (options.hdrincl === true && family !== 'inet') throw socketError(ErrorCode.invalidArgValue, 'hdrincl exists only for IPv4 (IPv6 has no IP_HDRINCL)', 'RangeError');
  const socket = openSocket({ family, type: 'raw', protocol: family === 'inet' ? 'icmp' : 'icmpv6' });
  try {
    if (options.hdrincl === true) socket.setOption('IP_HDRINCL', true);
    if (options.passTypes !== undefined) {
      if (family === 'inet') socket.setOption('ICMP_FILTER', icmpFilterMask(options.passTypes));
      else socket.setOption('ICMPV6_FILTER', icmpv6FilterBytes(options.passTypes));
    }
  } catch (error) {
    socket.close();
    throw error;
  }
  return socket;
}
