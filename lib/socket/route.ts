// What the kernel's routing table says, asked through a UDP socket that never sends anything:
// connect() only looks the route up (iputils ping's probe_fd trick), bind() only checks that an
// address is ours. Each call opens one socket (IPv4 or IPv6, as the address is) and closes it
// before returning.
//
//   routeSource(dst, how?)   the local address the kernel would send from to reach dst
//   routeMtu(dst, src?, how?) the route's MTU: the interface's, or a smaller path MTU the kernel
//                            learnt from Fragmentation Needed / Packet Too Big (IP_MTU, ip(7);
//                            IPV6_MTU, ipv6(7))
//   checkLocalAddress(addr)  throws unless addr is one of this machine's (EADDRNOTAVAIL)
//
// `how` is what changes the route a probe socket gets, set on the UDP socket too as iputils sets
// it on its probe_fd: an interface (SO_BINDTODEVICE, ping -I IFNAME), a firewall mark that policy
// routing may read (SO_MARK, ping -m), and SO_BROADCAST, without which a broadcast destination
// fails with EACCES.
import { constants } from './constants.js';
import { openSocket, type RawSocket } from './socket.js';

/** Any port: connecting a UDP socket sends nothing (9 is discard, should a packet ever leave). */
const ANY_PORT = 9;

/** What the probe socket sets that can change its route. */
export interface RouteHow {
  /** Only through this interface (SO_BINDTODEVICE). */
  device?: string | null;
  /** A firewall mark (SO_MARK), which policy routing rules may match. */
  mark?: number | null;
  /** Allow a broadcast destination (SO_BROADCAST). */
  broadcast?: boolean;
}

/** IPv6 text has a colon; IPv4 never does. */
function isIpv6(address: string): boolean {
  return address.includes(':');
}

function withUdpSocket<T>(address: string, use: (socket: RawSocket) => T, how: RouteHow = {}): T {
  const socket = openSocket({ family: isIpv6(address) ? 'inet6' : 'inet', type: 'dgram' });
  try {
    if (how.device != null) socket.setOption('SO_BINDTODEVICE', Buffer.from(how.device));
    if (how.mark != null) socket.setOption('SO_MARK', how.mark);
    if (how.broadcast === true) socket.setOption('SO_BROADCAST', true);
    return use(socket);
  } finally {
    socket.close();
  }
}

/**
 * "127.0.0.1" for 127.0.0.1, the outgoing interface's address otherwise. Throws the socket
 * error (ENETUNREACH, EHOSTUNREACH, EACCES for a broadcast address...).
 */
export function routeSource(destination: string, how: RouteHow = {}): string {
  return withUdpSocket(destination, (s) => {
    s.connect(destination, ANY_PORT);
    return s.address().address;
  }, how);
}

/**
 * The MTU of the route to `address`, from `source` when given. null when there is no route (or
 * the source is not ours), so that a send reports the problem as it always does.
 */
export function routeMtu(address: string, source: string | null = null, how: RouteHow = {}): number | null {
  try {
    return withUdpSocket(address, (s) => {
      if (source !== null) s.bind(source);
      s.connect(address, ANY_PORT);
      return s.getOption(isIpv6(address) ? ['IPPROTO_IPV6', constants.IPV6_MTU] : ['IPPROTO_IP', constants.IP_MTU]) as number;
    }, how);
  } catch {
    return null;
  }
}

/** Throws the socket error (EADDRNOTAVAIL) unless `address` is one of this machine's. */
export function checkLocalAddress(address: string): void {
  withUdpSocket(address, (s) => s.bind(address));
}
