// Names, targets and sources for probing, as iputils ping finds them:
//   - a target that is an address (a dotted quad, IPv6 text with an optional %zone) is used as
//     is (and never looked up in reverse), and picks its IP version by itself; -4 or -6 against
//     it is refused in getaddrinfo's words ("Address family for hostname not supported"), and a
//     zone that names no interface as "Name or service not known", as iputils;
//   - a command that probes IPv4 only refuses an IPv6 address at once, in one line;
//   - any other name goes through getaddrinfo (dns.lookup), IPv4 unless -6 asks for IPv6;
//   - the source address is the one the kernel would pick (lib/socket/route.ts asks the routing
//     table through a UDP socket that sends nothing), or the one given, checked to be ours;
//   - reverse names come from getnameinfo (dns.lookupService): /etc/hosts first, like every
//     other program on the machine. Never dns.reverse, which always asks a DNS server.
// Every failure is a ProbeError in the words iputils prints. node:dns loads only when a name is
// looked up, and addresses are read by lib/wire, not node:net: a probe of an address (most of
// them) loads neither.
import { parseIpv4 } from '../wire/bytes.js';
import { isIpv6Text } from '../wire/ipv6-address.js';
import { interfaceIndex } from '../socket/system.js';
import { checkLocalAddress, routeSource, type RouteHow } from '../socket/route.js';
import { errnoName, optionError, PROBE_ERROR, ProbeError } from './errors.js';

/** An IP version, or null: the target's own (an address), else IPv4. */
export type IpVersion = 4 | 6;

export interface ResolvedTarget {
  /** What the user gave. */
  host: string;
  /** The address to probe (IPv6 with its zone, when it had one). */
  address: string;
  /** Absent: 4. */
  version?: IpVersion;
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
  if (!isIpv6Text(bare)) return null;
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

/** The IPv6 address text `host` is (zone checked: it must name an interface), or null when it is none. */
function ipv6Literal(host: string): string | null {
  if (!isIpv6Text(host)) return null;
  const percent = host.indexOf('%');
  if (percent >= 0) {
    const zone = host.slice(percent + 1);
    if (!/^\d+$/.test(zone) && interfaceIndex(zone) === null) throw new ProbeError(PROBE_ERROR.resolve, `${host}: ${GAI_WORDS.ENOTFOUND}`, 'host');
  }
  return host;
}

/**
 * The address to probe for `host`. `version`: 4 or 6 (-4, -6), or null: an address picks its
 * own, a name is looked up for IPv4. `ipv4Only`: the command probes IPv4 only, and says so.
 */
export async function resolveTarget(host: string, version: IpVersion | null = null, ipv4Only = false): Promise<ResolvedTarget> {
  const family = (wanted: IpVersion): void => {
    if (version !== null && version !== wanted) throw new ProbeError(PROBE_ERROR.resolve, `${host}: ${GAI_WORDS.EAI_ADDRFAMILY}`, 'host');
  };
  if (isIpv4Address(host)) {
    family(4);
    return { host, address: host, version: 4, numeric: true };
  }
  if (ipv4Only) {
    const v6 = ipv6Refusal(host, 'host');
    if (v6 !== null) throw v6;
  }
  const literal = ipv6Literal(host);
  if (literal !== null) {
    family(6);
    return { host, address: literal, version: 6, numeric: true };
  }
  if (host === '' || host.includes('\0')) throw new ProbeError(PROBE_ERROR.resolve, `${JSON.stringify(host)}: Name or service not known`, 'host');
  const wanted = version ?? 4;
  let address: string;
  try {
    const { promises: dns } = await import('node:dns');
    address = (await dns.lookup(host, { family: wanted })).address;
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? '');
    throw new ProbeError(PROBE_ERROR.resolve, `${host}: ${GAI_WORDS[code] ?? (e as Error).message}`, 'host');
  }
  // getaddrinfo hands an address literal back as it is, whatever family was asked for.
  if (wanted === 4 ? !isIpv4Address(address) : !isIpv6Text(address)) {
    throw new ProbeError(PROBE_ERROR.resolve, `${host}: ${GAI_WORDS.EAI_ADDRFAMILY}`, 'host');
  }
  return { host, address, version: wanted, numeric: false };
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

/**
 * The source address option, before any system call: a dotted quad, or IPv6 text unless the
 * command probes IPv4 only (chooseSource checks it is ours and of the target's version).
 */
export function checkSourceOption(source: string | null | undefined, ipv4Only = true): void {
  if (source == null || isIpv4Address(source)) return;
  if (!ipv4Only && isIpv6Text(source)) return;
  throw (ipv4Only ? ipv6Refusal(source, 'source') : null) ?? optionError('source', `source "${source}" is not an IPv4 address (a.b.c.d)${ipv4Only ? '' : ' or an IPv6 address'}`);
}

/**
 * The source address: the one given (checked to be this machine's, as -I), or the one the kernel
 * would choose to reach `target`.
 */
export function chooseSource(given: string | null | undefined, target: string, how: RouteHow = {}): { source: string; sourceGiven: boolean } {
  if (given != null) {
    if (isIpv4Address(given) !== isIpv4Address(target)) {
      throw optionError('source', `source ${given} and target ${target} are not of one IP version`);
    }
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
