// ICMPv6 type and code numbers (IANA "ICMPv6 Parameters"), and the kind each type decodes to.
// Named once here; icmpv6.ts re-exports them. Names for display live in icmpv6-names.ts.

export const ICMPV6_TYPE = {
  DESTINATION_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  MLD_QUERY: 130,
  MLD_REPORT: 131,
  MLD_DONE: 132,
  ROUTER_SOLICITATION: 133,
  ROUTER_ADVERTISEMENT: 134,
  NEIGHBOR_SOLICITATION: 135,
  NEIGHBOR_ADVERTISEMENT: 136,
  REDIRECT: 137,
  MLDV2_REPORT: 143,
} as const;

/** Destination Unreachable codes (RFC 4443 3.1, RFC 6550, RFC 8883). */
export const UNREACHABLE_CODE = {
  NO_ROUTE: 0,
  ADMIN_PROHIBITED: 1,
  BEYOND_SCOPE: 2,
  ADDRESS: 3,
  PORT: 4,
  SOURCE_POLICY: 5,
  REJECT_ROUTE: 6,
  SOURCE_ROUTING_HEADER: 7,
  HEADERS_TOO_LONG: 8,
} as const;

export const TIME_EXCEEDED_CODE = {
  HOP_LIMIT: 0,
  FRAGMENT_REASSEMBLY: 1,
} as const;

/** Parameter Problem codes (RFC 4443 3.4, RFC 7112, RFC 8754, RFC 8883). */
export const PARAMETER_PROBLEM_CODE = {
  HEADER_FIELD: 0,
  NEXT_HEADER: 1,
  OPTION: 2,
  INCOMPLETE_CHAIN: 3,
  SR_UPPER_LAYER: 4,
  NEXT_HEADER_INTERMEDIATE: 5,
  EXTENSION_TOO_BIG: 6,
  CHAIN_TOO_LONG: 7,
  TOO_MANY_EXTENSIONS: 8,
  TOO_MANY_OPTIONS: 9,
  OPTION_TOO_BIG: 10,
} as const;

/** The type number of each kind ('unknown' has none of its own). */
export const KIND_TYPE = {
  'destination-unreachable': 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'parameter-problem': 4,
  'echo-request': 128,
  'echo-reply': 129,
  'mld-query': 130,
  'mld-report': 131,
  'mld-done': 132,
  'router-solicitation': 133,
  'router-advertisement': 134,
  'neighbor-solicitation': 135,
  'neighbor-advertisement': 136,
  redirect: 137,
  'mldv2-report': 143,
} as const;

export type Icmpv6Kind = keyof typeof KIND_TYPE | 'unknown';

const TYPE_KIND: Record<number, Exclude<Icmpv6Kind, 'unknown'>> = Object.fromEntries(
  Object.entries(KIND_TYPE).map(([k, t]) => [t, k as Exclude<Icmpv6Kind, 'unknown'>]),
);

/** The kind a type number decodes to. */
export function kindOf(type: number): Icmpv6Kind {
  return TYPE_KIND[type] ?? 'unknown';
}

/** Error messages are types 0-127 (RFC 4443 section 2.1); they quote the invoking packet. */
export function isError(type: number): boolean {
  return type < 128;
}

