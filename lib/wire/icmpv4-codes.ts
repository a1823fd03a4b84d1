// ICMPv4's numbers (RFC 792; RFC 1122, RFC 1812 codes; next-hop MTU RFC 1191; RFC 4884 length):
// where each field of the 8-byte header sits, the type and code tables, and which types quote
// the datagram that caused them. icmpv4.ts (the codec) re-exports everything here; quoted.ts
// and the allocation-free readers (peek.ts, lib/probe, lib/craft) import it without the codec.
//
//   rest of header:  echo / timestamp   identifier(16) sequence(16)
//                    unreachable        unused(8) length(8) next-hop MTU(16, code 4 only)
//                    time exceeded      unused(8) length(8) unused(16)
//                    parameter problem  pointer(8) length(8) unused(16)
//                    redirect           gateway address(32)
//                    source quench      unused(32)

import { ICMP_HEADER_FIELD } from './icmp-common.js';
import { at } from './tables.js';

/** Byte offsets of the fixed part (the first ones as ICMPv6's: icmp-common.ts) and of a timestamp message's three timestamps. */
export const FIELD = {
  ...ICMP_HEADER_FIELD,
  ...at(4, [['POINTER', 1], ['LENGTH', 1], ['NEXT_HOP_MTU', 2]]), // unreachable, time exceeded, parameter problem
  ...at(4, [['GATEWAY', 4]]), // redirect
  ...at(8, [['ORIGINATE', 4]], [['RECEIVE', 4]], [['TRANSMIT', 4]]), // timestamp
};

/** The fixed part every message has: type, code, checksum and the 4-byte rest of header. */
export const HEADER_LENGTH = 8;
/** A timestamp message: the header and three 32-bit timestamps. */
export const TIMESTAMP_LENGTH = 20;

export const ICMP_TYPE = {
  ECHO_REPLY: 0,
  DESTINATION_UNREACHABLE: 3,
  SOURCE_QUENCH: 4,
  REDIRECT: 5,
  ECHO_REQUEST: 8,
  ROUTER_ADVERTISEMENT: 9,
  ROUTER_SOLICITATION: 10,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
  TIMESTAMP_REQUEST: 13,
  TIMESTAMP_REPLY: 14,
  INFORMATION_REQUEST: 15,
  INFORMATION_REPLY: 16,
  ADDRESS_MASK_REQUEST: 17,
  ADDRESS_MASK_REPLY: 18,
} as const;

/** Destination unreachable codes (RFC 792, RFC 1122, RFC 1812). */
export const UNREACHABLE_CODE = {
  NET: 0,
  HOST: 1,
  PROTOCOL: 2,
  PORT: 3,
  FRAGMENTATION_NEEDED: 4,
  SOURCE_ROUTE_FAILED: 5,
  NET_UNKNOWN: 6,
  HOST_UNKNOWN: 7,
  HOST_ISOLATED: 8,
  NET_PROHIBITED: 9,
  HOST_PROHIBITED: 10,
  NET_TOS: 11,
  HOST_TOS: 12,
  ADMIN_PROHIBITED: 13,
  HOST_PRECEDENCE_VIOLATION: 14,
  PRECEDENCE_CUTOFF: 15,
} as const;

export const TIME_EXCEEDED_CODE = {
  TTL: 0,
  FRAGMENT_REASSEMBLY: 1,
} as const;

export const REDIRECT_CODE = {
  NET: 0,
  HOST: 1,
  TOS_NET: 2,
  TOS_HOST: 3,
} as const;

export const PARAMETER_PROBLEM_CODE = {
  POINTER: 0,
  MISSING_OPTION: 1,
  BAD_LENGTH: 2,
} as const;

export type IcmpKind =
  | 'echo-request'
  | 'echo-reply'
  | 'destination-unreachable'
  | 'time-exceeded'
  | 'parameter-problem'
  | 'redirect'
  | 'source-quench'
  | 'timestamp-request'
  | 'timestamp-reply'
  | 'unknown';

/** The type number of each kind ('unknown' has none of its own). */
export const KIND_TYPE = {
  'echo-reply': ICMP_TYPE.ECHO_REPLY,
  'destination-unreachable': ICMP_TYPE.DESTINATION_UNREACHABLE,
  'source-quench': ICMP_TYPE.SOURCE_QUENCH,
  redirect: ICMP_TYPE.REDIRECT,
  'echo-request': ICMP_TYPE.ECHO_REQUEST,
  'time-exceeded': ICMP_TYPE.TIME_EXCEEDED,
  'parameter-problem': ICMP_TYPE.PARAMETER_PROBLEM,
  'timestamp-request': ICMP_TYPE.TIMESTAMP_REQUEST,
  'timestamp-reply': ICMP_TYPE.TIMESTAMP_REPLY,
} as const;

const TYPE_KIND = new Map<number, Exclude<IcmpKind, 'unknown'>>(
  (Object.entries(KIND_TYPE) as [Exclude<IcmpKind, 'unknown'>, number][]).map(([kind, type]) => [type, kind]),
);

/** The kind a type number decodes to. */
export function kindOf(type: number): IcmpKind {
  return TYPE_KIND.get(type) ?? 'unknown';
}

/**
 * The types whose body quotes the datagram that caused them (RFC 792): unreachable, source
 * quench, redirect, time exceeded, parameter problem.
 */
export const ERROR_TYPES: readonly number[] = [
  ICMP_TYPE.DESTINATION_UNREACHABLE,
  ICMP_TYPE.SOURCE_QUENCH,
  ICMP_TYPE.REDIRECT,
  ICMP_TYPE.TIME_EXCEEDED,
  ICMP_TYPE.PARAMETER_PROBLEM,
];

/** ERROR_TYPES as a table by type byte: isError() runs for every datagram a probe reads. */
const QUOTES = new Uint8Array(256);
for (const type of ERROR_TYPES) QUOTES[type] = 1;

/** True for a type in ERROR_TYPES: its body quotes the datagram that caused it. */
export function isError(type: number): boolean {
  return QUOTES[type & 0xff] === 1;
}

/** The quoting types that report no failure (source quench, redirect): the datagram went on. */
export function isNotice(type: number): boolean {
  return type === ICMP_TYPE.SOURCE_QUENCH || type === ICMP_TYPE.REDIRECT;
}

/** RFC 1191: unreachable code 4 carries the next hop's MTU. */
export function isFragmentationNeeded(type: number, code: number): boolean {
  return type === ICMP_TYPE.DESTINATION_UNREACHABLE && code === UNREACHABLE_CODE.FRAGMENTATION_NEEDED;
}
