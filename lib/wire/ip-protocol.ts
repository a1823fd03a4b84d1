// IANA "Assigned Internet Protocol Numbers": one registry for IPv4's Protocol field and IPv6's
// Next Header (RFC 8200 section 4), so the two tables cannot disagree. Any other number is
// carried as is.

export const IP_PROTOCOL = {
  // what a packet carries
  ICMP: 1, IGMP: 2, TCP: 6, UDP: 17, GRE: 47, ICMPV6: 58, SCTP: 132,
  // IPv6 in IP (6in4, 6in6)
  IPV6: 41,
  // IPv6 extension headers (RFC 7045's list; ESP and AH are IPv4 payloads too), and the end of the chain
  HOP_BY_HOP: 0, ROUTING: 43, FRAGMENT: 44, ESP: 50, AH: 51, DESTINATION_OPTIONS: 60, MOBILITY: 135, HIP: 139, SHIM6: 140,
  NO_NEXT_HEADER: 59,
} as const;
