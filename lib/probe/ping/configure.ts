// configurePing(): the checked options (options.ts) made into a PingConfig, with what the system
// says, in iputils' order (ping.c, ping4_run):
//
//   - the targets resolved (a name through getaddrinfo; an IPv6 address refused in one line);
//   - the source address: the one given (checked to be ours), or the one the route gives, looked
//     up through a UDP socket with the same interface (-I IFNAME) and mark (-m) as the probes;
//     when that lookup is refused with EACCES the target is a broadcast address: without -b
//     that is iputils' question, with -b the lookup again with SO_BROADCAST;
//   - a broadcast (-b) or multicast ping takes replies from any host and, unless -M says
//     otherwise, never fragments (iputils sets IP_PMTUDISC_DO then);
//   - -R and -T: the option every probe carries, with our own slot filled (ip-options.ts);
//   - the route MTU, and the MTU probes are cut for when they do not fit.
import { parseIpv4 } from '../../wire/bytes.js';
import { optionsLength } from '../../wire/ipv4-options.js';
import { checkLocalAddress, routeMtu, routeSource, type RouteHow } from '../../socket/route.js';
import { interfaceHolds } from '../../socket/interfaces.js';
import { errnoName, PROBE_ERROR, ProbeError } from '../errors.js';
import { fragmentMtuFor } from '../engine/fragmenting-socket.js';
import { familyOf } from '../family/index.js';
import { MAX_ECHO_DATA } from '../protocols/icmp-echo.js';
import { HEADER_LENGTH as ICMP_HEADER_LENGTH } from '../../wire/icmpv4-codes.js';
import { chooseSource as givenOrRouteSource, resolveTarget, sourceAddressFor, type ResolvedTarget } from '../resolve.js';
import { optionError } from '../errors.js';
import { probeIpOption, type PingIpOption } from './ip-options.js';
import { checkPingOptions, defaultIdentifier, FLOOD_WINDOW, PING_DEFAULTS, type PingConfig, type PingOptions } from './options.js';

/** iputils' words when the route lookup is refused for a broadcast address and -b was not given. */
export const BROADCAST_QUESTION = 'Do you want to ping broadcast? Then -b. If not, check your local firewall rules';

/** Checks, resolves names (an IPv6 address is refused in one line) and finds the source address and the route MTU. */
export async function configurePing(options: PingOptions): Promise<PingConfig> {
  checkPingOptions(options);
  const hosts = typeof options.host === 'string' ? [options.host] : [...options.host];
  const targets: ResolvedTarget[] = [];
  for (const host of hosts) targets.push(await resolveTarget(host, options.version ?? null));
  const version = targets[0]!.version ?? 4;
  if (targets.some((t) => (t.version ?? 4) !== version)) throw optionError('host', 'the targets of one session are all IPv4 or all IPv6');
  if (version === 6) checkIpv4Only(options);
  const family = familyOf(version);
  const how: RouteHow = { device: options.device ?? null, mark: options.mark ?? null };
  const { source, sourceGiven, broadcastTarget } = chooseSource(options, targets[0]!.address, how);
  const anySource = (options.broadcast ?? false) || (version === 4 && isMulticast(targets[0]!.address));
  const flood = options.flood ?? false;
  const size = options.size ?? PING_DEFAULTS.size;
  if (version === 4 && size > MAX_ECHO_DATA) throw optionError('size', `packet size ${size} is too large: at most ${MAX_ECHO_DATA} data bytes fit an IPv4 packet`);
  const ipOption = await resolvedIpOption(options.ipOption ?? null);
  const probeOption = ipOption === null ? null : probeIpOption(ipOption, source, isOurs);
  const optionBytes = probeOption === null ? 0 : (optionsLength(probeOption.options) + 3) & ~3;
  const mtu = smallestRouteMtu(targets, sourceGiven ? source : null, how);
  // iputils: a broadcast or multicast ping defaults to IP_PMTUDISC_DO (never fragmented).
  const fragment = options.fragment ?? !anySource;
  const fragmentMtu = fragment ? fragmentMtuFor(size + family.ipHeaderBytes + ICMP_HEADER_LENGTH + optionBytes, mtu) : null;
  const strictSource = options.strictSource ?? false;
  return {
    targets,
    family,
    flowLabel: options.flowLabel ?? 0,
    fragment,
    count: options.count ?? null,
    intervalMs: options.intervalMs ?? (flood ? 0 : PING_DEFAULTS.intervalMs),
    flood,
    size,
    ttl: options.ttl ?? PING_DEFAULTS.ttl,
    tos: options.tos ?? PING_DEFAULTS.tos,
    timeoutMs: options.timeoutMs ?? PING_DEFAULTS.timeoutMs,
    deadlineMs: options.deadlineMs ?? null,
    pattern: options.pattern == null ? null : Buffer.from(options.pattern),
    source,
    sourceGiven,
    df: fragmentMtu === null && (options.df ?? true),
    routeMtu: mtu,
    fragmentMtu,
    identifier: options.identifier ?? defaultIdentifier(),
    preload: options.preload ?? (flood ? FLOOD_WINDOW : 1),
    outstanding: options.outstanding ?? false,
    pcapOut: options.pcapOut ?? null,
    device: options.device ?? null,
    anySource,
    broadcastTarget,
    bindSource: sourceGiven || strictSource,
    connect: options.connect ?? false,
    debug: options.debug ?? false,
    mark: options.mark ?? null,
    dontRoute: options.dontRoute ?? false,
    sendBuffer: options.sendBuffer ?? null,
    noLoop: options.noLoop ?? false,
    ipOption,
    ipOptions: probeOption?.options ?? [],
    stampAt: probeOption?.stampAt ?? -1,
    adaptive: options.adaptive ?? false,
    userLatency: options.userLatency ?? false,
    hardwareTimestamps: options.hardwareTimestamps ?? false,
  };
}

/**
 * The source: the one given, or the route's (through the interface and with the mark the probes
 * will have). A route lookup refused with EACCES means a broadcast target (iputils' probe_fd).
 */
function chooseSource(options: PingOptions, target: string, how: RouteHow): { source: string; sourceGiven: boolean; broadcastTarget: boolean } {
  if (options.source != null) return { ...givenOrRouteSource(options.source, target), broadcastTarget: false };
  try {
    return { source: routeSource(target, how), sourceGiven: false, broadcastTarget: false };
  } catch (e) {
    if (errnoName(e) !== 'EACCES') return { source: sourceAddressFor(target, how), sourceGiven: false, broadcastTarget: false };
  }
  if (options.broadcast !== true) throw new ProbeError(PROBE_ERROR.route, BROADCAST_QUESTION, 'broadcast');
  return { source: sourceAddressFor(target, { ...how, broadcast: true }), sourceGiven: false, broadcastTarget: true };
}

/** -R, -T and -b are IPv4's: ping -6 refuses them in one line. */
function checkIpv4Only(options: PingOptions): void {
  if (options.ipOption != null) throw optionError('ipOption', `${options.ipOption.kind === 'record-route' ? '-R' : '-T'} is an IPv4 option: IPv6 has no Record Route or Timestamp option`);
  if (options.broadcast === true) throw optionError('broadcast', '-b is an IPv4 option: IPv6 has no broadcast');
}

/** 224.0.0.0/4 (RFC 5771). */
function isMulticast(address: string): boolean {
  return parseIpv4(address) >>> 28 === 0xe;
}

function isOurs(address: string): boolean {
  try {
    checkLocalAddress(address);
    return true;
  } catch {
    return false;
  }
}

/** tsprespec's addresses, resolved as the destination is (names through getaddrinfo). */
async function resolvedIpOption(option: PingIpOption | null): Promise<PingIpOption | null> {
  if (option === null || option.kind !== 'timestamp' || option.hops === undefined) return option;
  const hops: string[] = [];
  for (const hop of option.hops) hops.push((await resolveTarget(hop)).address);
  return { ...option, hops };
}

/** The smallest route MTU among the targets, null when none has a route. */
function smallestRouteMtu(targets: readonly ResolvedTarget[], source: string | null, how: RouteHow): number | null {
  let smallest: number | null = null;
  for (const t of targets) {
    const mtu = routeMtu(t.address, source, how);
    if (mtu !== null && (smallest === null || mtu < smallest)) smallest = mtu;
  }
  return smallest;
}

/**
 * -I IFNAME without a source: whether the route's source is an address of that interface
 * (iputils warns when it is not: "source address might be selected on device other than").
 */
export function sourceIsOnDevice(source: string, device: string): boolean {
  return interfaceHolds(device, source);
}
