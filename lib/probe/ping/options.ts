// ping's options (iputils' letters in brackets), their defaults, and the checks that need no
// system call (a bad value is a ProbeError naming the option); configurePing() (configure.ts)
// then resolves the names, picks the source address and the route MTU, and fills in the rest
// (PingConfig).
import { checkDeviceOption, checkSourceOption, type IpVersion, type ResolvedTarget } from '../resolve.js';
import { optionError, wholeIn } from '../errors.js';
import { MAX_ECHO_DATA, MAX_ECHO_DATA6 } from '../protocols/icmp-echo.js';
import type { ProbeFamily } from '../family/index.js';
import type { Ipv4OptionInit } from '../../wire/ipv4-options.js';
import { MAX_PRESPECIFIED, type PingIpOption } from './ip-options.js';

export interface PingOptions {
  /** Host name or IP address; several for one session probing them in turn (library use). */
  host: string | readonly string[];
  /** IP version (-4, -6); default: the address's own, IPv4 for a name. */
  version?: IpVersion | null;
  /** IPv6 flow label (-F), 0..0xfffff. Default 0. */
  flowLabel?: number | null;
  /** Stop after this many replies (+ errors) per target (-c). Default: until stopped. */
  count?: number | null;
  /** Time between probes, ms (-i takes seconds). Default 1000; flood: 0. Below 1 ms only with flood. */
  intervalMs?: number | null;
  /** Flood (-f): many probes in flight, sent in batches as replies come back. */
  flood?: boolean;
  /** Data bytes after the ICMP header (-s), 0..65507 (IPv6: 65527). Default 56. */
  size?: number;
  /** IPv4 TTL or IPv6 hop limit (-t), 1..255. Default 64. */
  ttl?: number;
  /** IPv4 TOS byte or IPv6 traffic class (-Q), 0..255. Default 0. */
  tos?: number;
  /** How long to wait for each reply, ms (-W). Default 10000 (iputils' linger). */
  timeoutMs?: number;
  /** Stop after this long, ms (-w). */
  deadlineMs?: number | null;
  /** Data pattern (-p), 1..16 bytes. */
  pattern?: Uint8Array | null;
  /** Source address (-I); default: the one the kernel would choose. */
  source?: string | null;
  /** Don't Fragment (-M do / dont). Default true, as iputils' default "want" sends. */
  df?: boolean;
  /**
   * Cut a probe larger than the route's MTU into fragments here, sent without DF (-M want and
   * dont, the default), as Linux does for iputils; false (-M do): the kernel refuses it with
   * EMSGSIZE, reported as a local error.
   */
  fragment?: boolean;
  /** ICMP identifier (--id). Default: process id & 0xffff (distinct per session in a process). */
  identifier?: number | null;
  /** Probes sent at once before pacing (-l); with flood, the probes kept in flight. */
  preload?: number | null;
  /** Report "no answer yet" before each send (-O). */
  outstanding?: boolean;
  /** Write every packet sent and received here (pcap). */
  pcapOut?: string | null;
  /**
   * Send through this interface only (-I IFNAME: SO_BINDTODEVICE); the source address is then the
   * one the route through it gives, unless `source` is given too.
   */
  device?: string | null;
  /** Allow a broadcast target (-b: SO_BROADCAST); replies from every host that answers count. */
  broadcast?: boolean;
  /** Bind the socket to the source address chosen at the start (-B), as when one is given. */
  strictSource?: boolean;
  /** connect() the socket to the target (-C): it then hears only the target itself. */
  connect?: boolean;
  /** Set SO_DEBUG on the socket (-d; needs CAP_NET_ADMIN). */
  debug?: boolean;
  /** Firewall mark of the probes (-m: SO_MARK), 0..2^32-1. */
  mark?: number | null;
  /** Bypass the routing table: directly attached hosts only (-r: SO_DONTROUTE). */
  dontRoute?: boolean;
  /** The socket's send buffer, bytes (-S: SO_SNDBUF; Linux doubles it). */
  sendBuffer?: number | null;
  /** Do not loop our own broadcast and multicast probes back to this machine (-L). */
  noLoop?: boolean;
  /** Record Route (-R) or a timestamp option (-T) on every probe. */
  ipOption?: PingIpOption | null;
  /** Adaptive interval (-A): the next probe as soon as the smoothed round trip allows. */
  adaptive?: boolean;
  /** User-to-user latency (-U): a reply's time is when rawprobe reads it, not the kernel's receive time. */
  userLatency?: boolean;
  /** Time round trips with the interface's own clock where it has one (--hw-timestamps). */
  hardwareTimestamps?: boolean;
}

/** The defaults, filled in and checked. */
export interface PingConfig {
  targets: ResolvedTarget[];
  /** The targets' IP version's table. */
  family: ProbeFamily;
  flowLabel: number;
  /** Probes may be cut into fragments (-M want, dont): for IPv6, at the MTU a Packet Too Big tells too. */
  fragment: boolean;
  count: number | null;
  intervalMs: number;
  flood: boolean;
  size: number;
  ttl: number;
  tos: number;
  timeoutMs: number;
  deadlineMs: number | null;
  pattern: Buffer | null;
  source: string;
  sourceGiven: boolean;
  /** DF on every probe: false when the probes are fragmented (fragmentMtu). */
  df: boolean;
  /** The smallest route MTU of the targets (null: no route known), what a local EMSGSIZE means. */
  routeMtu: number | null;
  /** The MTU the probes are cut for (routeMtu), or null when they fit or -M do forbids it. */
  fragmentMtu: number | null;
  identifier: number;
  preload: number;
  outstanding: boolean;
  pcapOut: string | null;
  /** -I IFNAME, or null. */
  device: string | null;
  /**
   * Replies from any host count (iputils' rts->multicast): -b was given, or the target is a
   * multicast address; `broadcastTarget`: the target is a broadcast address (iputils warns).
   */
  anySource: boolean;
  broadcastTarget: boolean;
  /** -B, or a source given: the socket is bound to `source`. */
  bindSource: boolean;
  connect: boolean;
  debug: boolean;
  mark: number | null;
  dontRoute: boolean;
  sendBuffer: number | null;
  noLoop: boolean;
  /** -R / -T: what was asked, the option every probe carries (first slot ours, as Linux fills it), where its time goes. */
  ipOption: PingIpOption | null;
  ipOptions: Ipv4OptionInit[];
  stampAt: number;
  adaptive: boolean;
  userLatency: boolean;
  hardwareTimestamps: boolean;
}

/** Probes a flood keeps in flight unless -l says otherwise (see bench/ping-flood.ts). */
export const FLOOD_WINDOW = 64;

/** iputils' defaults. */
export const PING_DEFAULTS = { intervalMs: 1000, size: 56, ttl: 64, tos: 0, timeoutMs: 10_000 } as const;

let sessionsOpened = 0;

/** iputils' identifier for raw sockets (pid & 0xffff), moved on for each session of this process. */
export function defaultIdentifier(): number {
  return (process.pid + sessionsOpened++) & 0xffff;
}

/** Checks the options that need no system call; throws ProbeError naming the option. */
export function checkPingOptions(options: PingOptions): void {
  const hosts = typeof options.host === 'string' ? [options.host] : [...options.host];
  if (hosts.length === 0) throw optionError('host', 'give a host to ping');
  const flood = options.flood ?? false;
  if (options.count != null && (!Number.isInteger(options.count) || options.count < 1)) {
    throw optionError('count', `count ${String(options.count)} is not a whole number of probes, 1 or more`);
  }
  if (options.intervalMs != null) {
    if (!Number.isFinite(options.intervalMs) || options.intervalMs < 0) {
      throw optionError('intervalMs', `interval ${String(options.intervalMs / 1000)} s is not a time in seconds`);
    }
    if (options.intervalMs < 1 && !flood) {
      throw optionError('intervalMs', `interval ${options.intervalMs / 1000} s is below 1 ms: use -f (flood) to send faster`);
    }
  }
  if (options.size != null) {
    // Before the names are resolved: the version asked for, else an IPv6 address's own.
    const v6 = options.version === 6 || (options.version == null && hosts[0]!.includes(':'));
    const [max, packet] = v6 ? [MAX_ECHO_DATA6, 'an IPv6'] : [MAX_ECHO_DATA, 'an IPv4'];
    if (Number.isInteger(options.size) && options.size > max && (options.version != null || options.size > MAX_ECHO_DATA6)) {
      throw optionError('size', `packet size ${options.size} is too large: at most ${max} data bytes fit ${packet} packet`);
    }
    wholeIn('size', 'packet size', options.size, 0, MAX_ECHO_DATA6);
  }
  if (options.flowLabel != null) wholeIn('flowLabel', 'flow label', options.flowLabel, 0, 0xfffff);
  if (options.ttl != null) wholeIn('ttl', 'ttl', options.ttl, 1, 255);
  if (options.tos != null) wholeIn('tos', 'TOS', options.tos, 0, 255);
  if (options.timeoutMs != null && !(Number.isFinite(options.timeoutMs) && options.timeoutMs >= 1)) {
    throw optionError('timeoutMs', `timeout ${String(options.timeoutMs / 1000)} s is too short: at least 0.001 s`);
  }
  if (options.deadlineMs != null && !(Number.isFinite(options.deadlineMs) && options.deadlineMs > 0)) {
    throw optionError('deadlineMs', `deadline ${String(options.deadlineMs / 1000)} s is not a positive time in seconds`);
  }
  if (options.pattern != null && (options.pattern.length < 1 || options.pattern.length > 16)) {
    throw optionError('pattern', `a pattern is 1 to 16 bytes (got ${options.pattern.length})`);
  }
  checkSourceOption(options.source, false);
  if (options.identifier != null) wholeIn('identifier', 'identifier', options.identifier, 0, 0xffff);
  if (options.preload != null) wholeIn('preload', 'preload', options.preload, 1, 65536);
  if (options.mark != null) wholeIn('mark', 'mark', options.mark, 0, 0xffffffff);
  if (options.sendBuffer != null) wholeIn('sendBuffer', 'send buffer', options.sendBuffer, 1, 0x7fffffff);
  checkDeviceOption(options.device);
  checkIpOption(options.ipOption ?? null);
  if ((options.connect ?? false) && hosts.length > 1) throw optionError('connect', 'connect (-C) takes one target');
}

/** tsprespec takes 1 to 4 addresses; the other kinds none. */
function checkIpOption(option: PingIpOption | null): void {
  if (option === null || option.kind !== 'timestamp') return;
  const hops = option.hops ?? [];
  if (option.type === 'tsprespec' && (hops.length < 1 || hops.length > MAX_PRESPECIFIED)) {
    throw optionError('ipOption', `-T tsprespec takes 1 to ${MAX_PRESPECIFIED} addresses before the destination (got ${hops.length})`);
  }
  if (option.type !== 'tsprespec' && hops.length > 0) throw optionError('ipOption', `-T ${option.type} takes no addresses; only tsprespec does`);
}
