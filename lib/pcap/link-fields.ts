// The field tables of the link-layer headers (offsets named once, smoltcp-style), shared by the
// reader (link.ts) and the writer (link-header.ts).

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

export const ETHERNET = { DST: 0, SRC: 6, ETHERTYPE: 12, LENGTH: 14 } as const;
export const VLAN_TAG = { TCI: 0, ETHERTYPE: 2, LENGTH: 4 } as const;
export const SLL = { PACKET_TYPE: 0, ARPHRD: 2, ADDRESS_LENGTH: 4, ADDRESS: 6, PROTOCOL: 14, LENGTH: 16 } as const;
export const SLL2 = {
  PROTOCOL: 0,
  RESERVED: 2,
  IFINDEX: 4,
  ARPHRD: 8,
  PACKET_TYPE: 10,
  ADDRESS_LENGTH: 11,
  ADDRESS: 12,
  LENGTH: 20,
} as const;
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
