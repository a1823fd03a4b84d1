// The field tables of the link-layer headers (offsets named once, smoltcp-style), shared by the
// reader (link.ts) and the writer (link-header.ts).

import { layout } from '../wire/tables.js';
import { MPLS_ETHERTYPE } from './link-mpls.js';

export const ETHERTYPE = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100, // 802.1Q
  IPV6: 0x86dd,
  MPLS: MPLS_ETHERTYPE.UNICAST,
  MPLS_MULTICAST: MPLS_ETHERTYPE.MULTICAST,
  QINQ: 0x88a8, // 802.1ad service tag
  QINQ_OLD: 0x9100, // pre-standard double tagging
} as const;

export const ETHERNET = layout([['DST', 6], ['SRC', 6], ['ETHERTYPE', 2], ['LENGTH', 0]]);
export const VLAN_TAG = layout([['TCI', 2], ['ETHERTYPE', 2], ['LENGTH', 0]]);
/** Linux cooked v1 (packet(7)'s sockaddr_ll facts, in the capture's order). */
export const SLL = layout([['PACKET_TYPE', 2], ['ARPHRD', 2], ['ADDRESS_LENGTH', 2], ['ADDRESS', 8], ['PROTOCOL', 2], ['LENGTH', 0]]);
/** Linux cooked v2. */
export const SLL2 = layout(
  [['PROTOCOL', 2], ['RESERVED', 2]],
  [['IFINDEX', 4]],
  [['ARPHRD', 2], ['PACKET_TYPE', 1], ['ADDRESS_LENGTH', 1]],
  [['ADDRESS', 8]],
  [['LENGTH', 0]],
);
/** NULL and LOOP: a 4-byte address family. */
export const FAMILY_HEADER_LENGTH = 4;

/** BSD address families as found in NULL / LOOP headers. IPv6 differs per OS. */
export const ADDRESS_FAMILY = {
  INET: 2,
  INET6_LINUX: 10,
  INET6_BSD: 24, // NetBSD, OpenBSD, BSD/OS
  INET6_FREEBSD: 28,
  INET6_DARWIN: 30,
} as const;

/** Linux ARPHRD_* hardware types used in cooked headers. */
export const ARPHRD = { ETHER: 1, LOOPBACK: 772 } as const;
