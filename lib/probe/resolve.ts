// Names, targets and sources for probing, as iputils ping finds them:
//   - a target that is a dotted quad is used as is (and never looked up in reverse);
//   - an IPv6 address is refused at once, in one line: these commands probe IPv4;
//   - any other name goes through getaddrinfo (dns.lookup), IPv4 only;
//   - the source address is the one the kernel would pick (lib/socket/route.ts asks the routing
//     table through a UDP socket that sends nothing), or the one given, checked to be ours;
//   - reverse names come from getnameinfo (dns.lookupService): /etc/hosts first, like every
//     other program on the machine. Never dns.reverse, which always asks a DNS server.
// Every failure is a ProbeError in the words iputils prints. node:dns loads only when a name is
// looked up: a probe of an address (most of them) never pays for it.
import { isIPv6 } from 'node:net';
import { parseIpv4 } from '../wire/bytes.js';
import { checkLocalAddress, routeSource, type RouteHow } from '../socket/route.js';
import { errnoName, optionError, PROBE_ERROR, ProbeError } from './errors.js';

export interface ResolvedTarget {
  /** What the user gave. */
  host: string;
  /** The IPv4 address to probe. */
  address: string;
  /** True when `host` was already an address (no name lookups at all then, as iputils). */
  numeric: boolean;
}

/** True for a strict dotted quad. */
export function isIpv4Address(text: string): boolean {
  try {
    parseIpv4(text);
    return true;
  } catch {
    return false;
  }
}

/** The ProbeError for an IPv6 address where an IPv4 one is needed, or null for anything else. */
export function ipv6Refusal(text: string, field: string): ProbeError | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!isIPv6(bare)) return null;
  return new ProbeError(PROBE_ERROR.resolve, `${text} is an IPv6 address: this command probes IPv4 only`, field);
}

// getaddrinfo's own words (gai_strerror), which is what iputils prints after the name.
const GAI_WORDS: Record<string, string> = {
  ENOTFOUND: 'Name or service not known',
  EAI_NONAME: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
  EAI_FAIL: 'Non-recoverable failure in name resolution',
  EAI_NODATA: 'No address associated with hostname',
  EAI_ADDRFAMILY: 'Address family for hostname not supported',
};

export async function resolveTarget(host: string): Promise<ResolvedTarget> {
  if (isIpv4Address(host)) return { host, address: host, numeric: true };
  const v6 = ipv6Refusal(host, 'host');
  if (v6 !== null) throw v6;
  if (host === '' || host.includes('\0')) throw new ProbeError(PROBE_ERROR.resolve, `${JSON.stringify(host)}: Name or service not known`, 'host');
  let address: string;
  try {
    const { promises: dns } = await import('node:dns');
    address = (await dns.lookup(host, { family: 4 })).address;
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? '');
    throw new ProbeError(PROBE_ERROR.resolve, `${host}: ${GAI_WORDS[code] ?? (e as Error).message}`, 'host');
  }
  // getaddrinfo hands an address literal back as it is, whatever family was asked for.
  if (!isIpv4Address(address)) throw new ProbeError(PROBE_ERROR.resolve, `${host}: ${GAI_WORDS.EAI_ADDRFAMILY}`, 'host');
  return { host, address, numeric: false };
}

const ROUTE_WORDS: Record<string, string> = {
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'No route to host',
  EACCES: 'Permission denied (a broadcast address?)',
  EADDRNOTAVAIL: 'Cannot assign requested address',
};

function routeWords(e: unknown): string {
  const code = String((e as { code?: unknown }).code ?? '');
  return ROUTE_WORDS[code] ?? (e as Error).message;
}

/**
 * The local address the kernel would send from to reach `address` (iputils' probe_fd trick),
 * through `how.device` and with `how.mark` when given.
 */
export function sourceAddressFor(address: string, how: RouteHow = {}): string {
  try {
    return routeSource(address, how);
  } catch (e) {
    if (errnoName(e) === 'ENODEV' && how.device != null) throw noSuchDevice(how.device);
    throw new ProbeError(PROBE_ERROR.route, `connect: ${routeWords(e)} (${address})`, 'host');
  }
}

/** iputils' words when SO_BINDTODEVICE names no interface of this machine (its namespace). */
export function noSuchDevice(device: string): ProbeError {
  return new ProbeError(PROBE_ERROR.route, `SO_BINDTODEVICE ${device}: No such device`, 'device');
}

/** Throws a ProbeError naming `field` unless `address` is one of this machine's (-I, -s, -S). */
export function checkSourceAddress(address: string, field = 'source'): void {
  try {
    checkLocalAddress(address);
  } catch (e) {
    throw new ProbeError(PROBE_ERROR.route, `bind: ${routeWords(e)}: ${address} is not an address of this machine`, field);
  }
}

/** The source address option, before any system call: a dotted quad (chooseSource checks it is ours). */
export function checkSourceOption(source: string | null | undefined): void {
  if (source == null || isIpv4Address(source)) return;
  throw ipv6Refusal(source, 'source') ?? optionError('source', `source "${source}" is not an IPv4 address (a.b.c.d)`);
}

/**
 * The source address: the one given (checked to be this machine's, as -I), or the one the kernel
 * would choose to reach `target`.
 */
export function chooseSource(given: string | null | undefined, target: string, how: RouteHow = {}): { source: string; sourceGiven: boolean } {
  if (given != null) {
    checkSourceAddress(given);
    return { source: given, sourceGiven: true };
  }
  return { source: sourceAddressFor(target, how), sourceGiven: false };
}

/** Throws a ProbeError naming `field` unless `device` can be an interface name (IFNAMSIZ: 15 bytes, no spaces, / or :). */
export function checkDeviceOption(device: string | null | undefined, field = 'device'): void {
  if (device != null && !/^[^\s/:]{1,15}$/.test(device)) {
    throw optionError(field, `interface "${device}" is not an interface name (at most 15 characters, no spaces, / or :)`);
  }
}

/** The name getnameinfo gives for an address, or null (no name, or the lookup failed). */
export async function reverseName(address: string): Promise<string | null> {
  try {
    const { promises: dns } = await import('node:dns');
    const { hostname } = await dns.lookupService(address, 0);
    return hostname === '' ? null : hostname;
  } catch {
    return null;
  }
}
