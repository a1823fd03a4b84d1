// What a socket is: its family, type and protocol, by name, and the constants behind them.
import { constants } from './constants.js';
import { ErrorCode, socketError, type SocketError } from './errors.js';

export const FAMILIES = ['inet', 'inet6', 'unix'] as const;
export type Family = (typeof FAMILIES)[number];

export const SOCKET_TYPES = ['raw', 'dgram', 'stream', 'seqpacket', 'rdm'] as const;
export type SocketType = (typeof SOCKET_TYPES)[number];

export const PROTOCOLS = ['icmp', 'icmpv6', 'udp', 'tcp', 'raw'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];

/** "family type", as the option table lists where an option exists: 'inet raw', 'unix dgram'. */
export type SocketKind = `${Family} ${SocketType}`;

const FAMILY_CONSTANT = { inet: 'AF_INET', inet6: 'AF_INET6', unix: 'AF_UNIX' } as const;
const TYPE_CONSTANT = {
  raw: 'SOCK_RAW',
  dgram: 'SOCK_DGRAM',
  stream: 'SOCK_STREAM',
  seqpacket: 'SOCK_SEQPACKET',
  rdm: 'SOCK_RDM',
} as const;
const PROTOCOL_CONSTANT = {
  icmp: 'IPPROTO_ICMP',
  icmpv6: 'IPPROTO_ICMPV6',
  udp: 'IPPROTO_UDP',
  tcp: 'IPPROTO_TCP',
  raw: 'IPPROTO_RAW',
} as const;

/** The C name of a family or type ('AF_UNIX', 'SOCK_SEQPACKET'), as a call log shows it. */
export function familyConstant(family: Family): (typeof FAMILY_CONSTANT)[Family] {
  return FAMILY_CONSTANT[family];
}

export function typeConstant(type: SocketType): (typeof TYPE_CONSTANT)[SocketType] {
  return TYPE_CONSTANT[type];
}

export function familyNumber(family: Family): number {
  return constants[FAMILY_CONSTANT[family]];
}

export function typeNumber(type: SocketType): number {
  return constants[TYPE_CONSTANT[type]];
}

export function protocolNumber(protocol: ProtocolName): number {
  return constants[PROTOCOL_CONSTANT[protocol]];
}

/** The family name for an AF_* number, or null for families rawprobe does not open. */
export function familyName(value: number): Family | null {
  if (value === constants.AF_INET) return 'inet';
  if (value === constants.AF_INET6) return 'inet6';
  if (value === constants.AF_UNIX) return 'unix';
  return null;
}

export function isFamily(value: unknown): value is Family {
  return typeof value === 'string' && (FAMILIES as readonly string[]).includes(value);
}

export function isSocketType(value: unknown): value is SocketType {
  return typeof value === 'string' && (SOCKET_TYPES as readonly string[]).includes(value);
}

export function isProtocolName(value: unknown): value is ProtocolName {
  return typeof value === 'string' && (PROTOCOLS as readonly string[]).includes(value);
}

function invalid(message: string): SocketError {
  return socketError(ErrorCode.invalidArgValue, message, 'RangeError');
}

/** Throws ERR_INVALID_ARG_VALUE unless family and type name kinds rawprobe opens. */
export function checkKind(family: unknown, type: unknown): void {
  if (!isFamily(family)) throw invalid(`family must be 'inet', 'inet6' or 'unix' (got '${String(family)}')`);
  if (!isSocketType(type)) {
    throw invalid(`type must be 'raw', 'dgram', 'stream', 'seqpacket' or 'rdm' (got '${String(type)}')`);
  }
}

/**
 * The protocol number to open: as given (a name or a number), or the default, which is
 * 'icmp' for inet raw, 'icmpv6' for inet6 raw (a raw socket needs one) and 0 (the type's usual
 * protocol) for everything else.
 */
export function resolveProtocol(family: Family, type: SocketType, protocol: ProtocolName | number | undefined): number {
  if (protocol === undefined) {
    if (type === 'raw' && family === 'inet') return protocolNumber('icmp');
    if (type === 'raw' && family === 'inet6') return protocolNumber('icmpv6');
    return 0;
  }
  if (typeof protocol === 'number') {
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 65535) {
      throw invalid(`protocol must be an integer from 0 to 65535 (got ${protocol})`);
    }
    return protocol;
  }
  if (!isProtocolName(protocol)) {
    throw invalid(`protocol must be 'icmp', 'icmpv6', 'udp', 'tcp', 'raw' or a number (got '${String(protocol)}')`);
  }
  return protocolNumber(protocol);
}
