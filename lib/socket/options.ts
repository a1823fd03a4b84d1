// The socket option table: every option rawprobe can set or read, what it means in one line,
// the shape of its value, and where Linux allows it. `rawprobe sockopt` prints this table;
// RawSocket.setOption/getOption look options up here. The numbers (level, name) come from
// the addon (constants.ts); only names live here.
//
// "on" lists the socket kinds where Linux lets you SET the option (read-only options: where
// you can read it), as measured on Linux 6.x by test/socket/options.test.ts. Elsewhere the
// kernel refuses with ENOPROTOOPT or EOPNOTSUPP, and that error reaches you unchanged.
import type { ConstantName } from './constants.js';
import type { SocketKind } from './kinds.js';

/** The value shape of an option: what setOption takes and getOption returns. */
export type OptionKind = 'int' | 'bool' | 'u32' | 'linger' | 'timeval' | 'bytes';

/** struct linger: on close(), wait up to `seconds` for unsent data when `enabled`. */
export interface Linger {
  enabled: boolean;
  seconds: number;
}

/** struct timeval. */
export interface Timeval {
  seconds: number;
  microseconds: number;
}

export interface KindValue {
  int: number;
  bool: boolean;
  u32: number;
  linger: Linger;
  timeval: Timeval;
  bytes: Buffer;
}

/** What setOption accepts for a kind (any Uint8Array for bytes). */
export interface KindInput {
  int: number;
  bool: boolean;
  u32: number;
  linger: Linger;
  timeval: Timeval;
  bytes: Uint8Array;
}

export type OptionLevel = 'SOL_SOCKET' | 'IPPROTO_IP' | 'IPPROTO_IPV6' | 'IPPROTO_TCP' | 'SOL_RAW' | 'IPPROTO_ICMPV6';

/**
 * How the kernel treats writes:
 *   read-write  set it, read back what you set (see note for kernels that adjust values)
 *   read-only   the kernel reports it; setting fails with ENOPROTOOPT
 *   fixed       readable, but Linux refuses to change it (ENOPROTOOPT)
 *   ignored     Linux accepts a write and ignores it; setOption refuses to pretend (ERR_OPTION_IGNORED)
 */
export type OptionAccess = 'read-write' | 'read-only' | 'fixed' | 'ignored';

export interface OptionSpec {
  readonly level: OptionLevel;
  readonly kind: OptionKind;
  readonly access: OptionAccess;
  readonly meaning: string;
  readonly on: readonly SocketKind[];
  /** Buffer size getOption reads with, for kind 'bytes'; null otherwise. */
  readonly size: number | null;
  /** What surprises people: kernel adjustments, capabilities needed. null when nothing does. */
  readonly note: string | null;
}

const ALL: readonly SocketKind[] = [
  'inet raw', 'inet dgram', 'inet stream',
  'inet6 raw', 'inet6 dgram', 'inet6 stream',
  'unix stream', 'unix dgram', 'unix seqpacket',
];
const IPV4_LEVEL: readonly SocketKind[] = ['inet raw', 'inet dgram', 'inet stream', 'inet6 dgram', 'inet6 stream'];
const IPV6_LEVEL: readonly SocketKind[] = ['inet6 raw', 'inet6 dgram', 'inet6 stream'];
const TCP: readonly SocketKind[] = ['inet stream', 'inet6 stream'];

// Notes two options each share.
const bufferNote = (maxSysctl: string, least: number): string =>
  'Linux doubles the value you set (room for its own bookkeeping, socket(7)) and reads back the doubled ' +
  `value: set 65536, read 131072; capped at net.core.${maxSysctl} before doubling, at least ${least}`;
const TIMEOUT_NOTE =
  'rawprobe sockets never block, so it changes nothing here; the kernel keeps it in ticks, so microseconds ' +
  'read back rounded up to a multiple of 1/HZ s';

export const OPTIONS = {
  // --- SOL_SOCKET: every socket -------------------------------------------------------
  SO_REUSEADDR: {
    level: 'SOL_SOCKET', kind: 'bool', access: 'read-write', on: ALL, size: null,
    meaning: 'let bind() reuse a local address that is still in use (TCP TIME_WAIT)',
    note: 'raw sockets report it on from the start',
  },
  SO_KEEPALIVE: {
    level: 'SOL_SOCKET', kind: 'bool', access: 'read-write', on: ALL, size: null,
    meaning: 'send keepalive probes on an idle TCP connection to detect a dead peer',
    note: 'every socket accepts it; only TCP acts on it',
  },
  SO_LINGER: {
    level: 'SOL_SOCKET', kind: 'linger', access: 'read-write', on: ALL, size: null,
    meaning: 'on close(), wait up to `seconds` for unsent data to leave (when enabled)',
    note: 'turning it off keeps the old time: {enabled: false, seconds: 0} after {true, 7} reads {false, 7}',
  },
  SO_BROADCAST: {
    level: 'SOL_SOCKET', kind: 'bool', access: 'read-write', on: ALL, size: null,
    meaning: 'allow sending to a broadcast address (without it sendto fails with EACCES)',
    note: null,
  },
  SO_DONTROUTE: {
    level: 'SOL_SOCKET', kind: 'bool', access: 'read-write', on: ALL, size: null,
    meaning: 'bypass the routing table: send only to hosts on a directly attached network (ping -r)',
    note: 'a destination that is not on a link of this machine fails with ENETUNREACH',
  },
  SO_OOBINLINE: {
    level: 'SOL_SOCKET', kind: 'bool', access: 'read-write', on: ALL, size: null,
    meaning: 'deliver TCP urgent (out-of-band) data inline with the normal data',
    note: null,
  },
  SO_SNDBUF: {
    level: 'SOL_SOCKET', kind: 'int', access: 'read-write', on: ALL, size: null,
    meaning: 'the send buffer size in bytes',
    note: bufferNote('wmem_max', 4608),
  },
  SO_RCVBUF: {
    level: 'SOL_SOCKET', kind: 'int', access: 'read-write', on: ALL, size: null,
    meaning: 'the receive buffer size in bytes: how much can wait unread before the kernel drops',
    note: bufferNote('rmem_max', 2304),
  },
  SO_TYPE: {
    level: 'SOL_SOCKET', kind: 'int', access: 'read-only', on: ALL, size: null,
    meaning: 'the socket type (constants.SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET)',
    note: 'a unix SOCK_RAW socket is silently a SOCK_DGRAM socket and reads as one',
  },
  SO_ERROR: {
    level: 'SOL_SOCKET', kind: 'int', access: 'read-only', on: ALL, size: null,
    meaning: 'the pending socket error (an errno, e.g. ECONNREFUSED after ICMP port unreachable); reading clears it',
    note: null,
  },
  SO_DEBUG: {
    level: 'SOL_SOCKET', kind: 'bool', access: 'read-write', on: ALL, size: null,
    meaning: 'turn on kernel socket debugging (a flag almost nothing in Linux acts on)',
    note: 'setting it on needs CAP_NET_ADMIN',
  },
  SO_RCVLOWAT: {
    level: 'SOL_SOCKET', kind: 'int', access: 'read-write', on: ALL, size: null,
    meaning: 'the minimum number of bytes a read waits for before the socket counts as readable',
    note: 'setting 0 reads back 1',
  },
  SO_SNDLOWAT: {
    level: 'SOL_SOCKET', kind: 'int', access: 'fixed', on: ALL, size: null,
    meaning: 'the free send-buffer space needed before a write is allowed',
    note: 'fixed at 1 on Linux: reading works, setting fails with ENOPROTOOPT (socket(7))',
  },
  SO_RCVTIMEO: {
    level: 'SOL_SOCKET', kind: 'timeval', access: 'read-write', on: ALL, size: null,
    meaning: 'how long a blocking receive waits before failing with EAGAIN ({0, 0} = forever)',
    note: TIMEOUT_NOTE,
  },
  SO_SNDTIMEO: {
    level: 'SOL_SOCKET', kind: 'timeval', access: 'read-write', on: ALL, size: null,
    meaning: 'how long a blocking send waits for buffer space before failing ({0, 0} = forever)',
    note: TIMEOUT_NOTE,
  },
  SO_BSDCOMPAT: {
    level: 'SOL_SOCKET', kind: 'bool', access: 'ignored', on: [], size: null,
    meaning: 'once: BSD-style handling of ICMP errors on UDP; removed in Linux 2.6',
    note:
      'Linux accepts setsockopt(SO_BSDCOMPAT) silently, ignores it and always reads 0; setOption refuses ' +
      'to set it true (ERR_OPTION_IGNORED) rather than pretend it worked',
  },
  SO_PRIORITY: {
    level: 'SOL_SOCKET', kind: 'int', access: 'read-write', on: ALL, size: null,
    meaning: 'the queueing priority of outgoing packets (0..6 without CAP_NET_ADMIN), used by traffic control',
    note: null,
  },
  SO_MARK: {
    level: 'SOL_SOCKET', kind: 'u32', access: 'read-write', on: ALL, size: null,
    meaning: 'the firewall mark of outgoing packets (policy routing and nftables `meta mark` see it; ping -m)',
    note: 'setting it needs CAP_NET_RAW or CAP_NET_ADMIN (EPERM otherwise)',
  },
  SO_BINDTODEVICE: {
    level: 'SOL_SOCKET', kind: 'bytes', access: 'read-write', on: ALL, size: 16,
    meaning: 'send and receive through this interface only: its name, or empty to unbind (ping -I IFNAME)',
    note: 'reads back the name with its NUL byte; changing a binding once made needs CAP_NET_RAW (EPERM otherwise)',
  },
  SO_TIMESTAMPNS: {
    level: 'SOL_SOCKET', kind: 'bool', access: 'read-write', on: ALL, size: null,
    meaning: 'stamp each received datagram with the kernel receive time in nanoseconds',
    note: 'rawprobe turns it on when receiving starts: every message carries the kernel timestamp',
  },
  SO_PROTOCOL: {
    level: 'SOL_SOCKET', kind: 'int', access: 'read-only', on: ALL, size: null,
    meaning: 'the protocol number the socket was opened with (IPPROTO_ICMP, ...)',
    note: null,
  },
  SO_DOMAIN: {
    level: 'SOL_SOCKET', kind: 'int', access: 'read-only', on: ALL, size: null,
    meaning: 'the address family the socket was opened with (AF_INET, AF_INET6, AF_UNIX)',
    note: null,
  },

  // --- IPPROTO_IP: IPv4 -----------------------------------------------------------------
  IP_HDRINCL: {
    level: 'IPPROTO_IP', kind: 'bool', access: 'read-write', on: ['inet raw'], size: null,
    meaning: 'the data you send starts with your own IPv4 header',
    note:
      'raw IPv4 sockets only; Linux still fills in the total length and the header checksum, and the ' +
      'identification and source address when you leave them 0 (raw(7)); IPPROTO_RAW sockets have it on',
  },
  IP_OPTIONS: {
    level: 'IPPROTO_IP', kind: 'bytes', access: 'read-write', on: IPV4_LEVEL, size: 40,
    meaning: 'IPv4 options added to every packet this socket sends (at most 40 bytes)',
    note: 'the kernel pads them to a multiple of 4 bytes; read back with a 40-byte buffer',
  },
  IP_TOS: {
    level: 'IPPROTO_IP', kind: 'int', access: 'read-write', on: IPV4_LEVEL, size: null,
    meaning: 'the TOS byte of outgoing packets: DSCP (6 high bits) and ECN (2 low bits)',
    note: 'on TCP sockets the kernel keeps the two ECN bits for itself: set 0xbb, read 0xb8',
  },
  IP_TTL: {
    level: 'IPPROTO_IP', kind: 'int', access: 'read-write', on: IPV4_LEVEL, size: null,
    meaning: 'the time to live of outgoing unicast packets (1..255)',
    note: '-1 restores the default (net.ipv4.ip_default_ttl); 0 fails with EINVAL',
  },
  IP_MULTICAST_LOOP: {
    level: 'IPPROTO_IP', kind: 'bool', access: 'read-write', on: IPV4_LEVEL, size: null,
    meaning: 'deliver a copy of our own multicast and broadcast packets to this machine too (default on; ping -L turns it off)',
    note: null,
  },
  IP_RECVERR: {
    level: 'IPPROTO_IP', kind: 'bool', access: 'read-write', on: IPV4_LEVEL, size: null,
    meaning: 'keep ICMP and local errors about sent packets in an error queue, with full details',
    note: "each entry arrives as an 'errqueue' event (ICMP type and code, who sent it, the packet quoted)",
  },
  IP_MTU_DISCOVER: {
    level: 'IPPROTO_IP', kind: 'int', access: 'read-write', on: IPV4_LEVEL, size: null,
    meaning:
      'path MTU discovery: IP_PMTUDISC_DONT (never set DF), WANT (default), DO (always DF, never fragment), PROBE',
    note: null,
  },
  IP_RECVTTL: {
    level: 'IPPROTO_IP', kind: 'bool', access: 'read-write', on: IPV4_LEVEL, size: null,
    meaning: "report each received packet's TTL (message info.hopLimit)",
    note: null,
  },
  IP_RECVTOS: {
    level: 'IPPROTO_IP', kind: 'bool', access: 'read-write', on: IPV4_LEVEL, size: null,
    meaning: "report each received packet's TOS byte (message info.tos)",
    note: null,
  },

  // --- IPPROTO_TCP ------------------------------------------------------------------------
  TCP_MAXSEG: {
    level: 'IPPROTO_TCP', kind: 'int', access: 'read-write', on: TCP, size: null,
    meaning: 'the largest TCP segment this socket sends and announces (MSS), in bytes',
    note: 'before connect it reads back what you set; below 88 fails with EINVAL',
  },
  TCP_NODELAY: {
    level: 'IPPROTO_TCP', kind: 'bool', access: 'read-write', on: TCP, size: null,
    meaning: "send small segments at once instead of coalescing them (turns off Nagle's algorithm)",
    note: null,
  },

  // --- IPPROTO_IPV6 -----------------------------------------------------------------------
  IPV6_HDRINCL: {
    level: 'IPPROTO_IPV6', kind: 'bool', access: 'read-write', on: ['inet6 raw'], size: null,
    meaning: 'the data you send starts with your own IPv6 header (Linux 4.5 and later)',
    note:
      'raw IPv6 sockets only; IPPROTO_RAW sockets have it on. Unlike IP_HDRINCL, Linux leaves the header as ' +
      'written (the payload length and a :: source included: see the README); a packet over the route MTU is EMSGSIZE',
  },
  IPV6_UNICAST_HOPS: {
    level: 'IPPROTO_IPV6', kind: 'int', access: 'read-write', on: IPV6_LEVEL, size: null,
    meaning: 'the hop limit of outgoing unicast IPv6 packets (1..255)',
    note: '-1 restores the default (net.ipv6.conf.*.hop_limit)',
  },
  IPV6_TCLASS: {
    level: 'IPPROTO_IPV6', kind: 'int', access: 'read-write', on: IPV6_LEVEL, size: null,
    meaning: 'the traffic class byte of outgoing IPv6 packets: DSCP (6 high bits) and ECN (2 low bits)',
    note: '-1 restores 0',
  },
  IPV6_V6ONLY: {
    level: 'IPPROTO_IPV6', kind: 'bool', access: 'read-write', on: ['inet6 dgram', 'inet6 stream'], size: null,
    meaning: 'carry IPv6 only, no IPv4-mapped traffic; set it before bind()',
    note: 'raw IPv6 sockets refuse it with EINVAL',
  },
  IPV6_RECVERR: {
    level: 'IPPROTO_IPV6', kind: 'bool', access: 'read-write', on: IPV6_LEVEL, size: null,
    meaning: 'keep ICMPv6 and local errors about sent packets in an error queue, with full details',
    note: "each entry arrives as an 'errqueue' event",
  },
  IPV6_MTU_DISCOVER: {
    level: 'IPPROTO_IPV6', kind: 'int', access: 'read-write', on: IPV6_LEVEL, size: null,
    meaning: 'path MTU discovery for IPv6 (same values as IP_MTU_DISCOVER)',
    note: null,
  },
  IPV6_RECVHOPLIMIT: {
    level: 'IPPROTO_IPV6', kind: 'bool', access: 'read-write', on: IPV6_LEVEL, size: null,
    meaning: "report each received packet's hop limit (message info.hopLimit)",
    note: null,
  },
  IPV6_RECVTCLASS: {
    level: 'IPPROTO_IPV6', kind: 'bool', access: 'read-write', on: IPV6_LEVEL, size: null,
    meaning: "report each received packet's traffic class (message info.tos)",
    note: null,
  },

  // --- ICMP type filters on raw sockets ---------------------------------------------------
  ICMP_FILTER: {
    level: 'SOL_RAW', kind: 'u32', access: 'read-write', on: ['inet raw'], size: null,
    meaning: 'ICMP types (0..31) the kernel drops before this raw socket sees them: bit n set = type n dropped',
    note: 'raw IPv4 sockets opened for ICMP only; icmpFilterMask() builds the mask',
  },
  ICMPV6_FILTER: {
    level: 'IPPROTO_ICMPV6', kind: 'bytes', access: 'read-write', on: ['inet6 raw'], size: 32,
    meaning: 'ICMPv6 types (0..255) the kernel drops before this raw socket sees them: bit n set = type n dropped',
    note: 'raw IPv6 ICMPv6 sockets only; 32 bytes = eight 32-bit words in host order',
  },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS & ConstantName;
export type OptionKindOf<N extends OptionName> = (typeof OPTIONS)[N]['kind'];
/** What getOption(name) returns. */
export type OptionValue<N extends OptionName> = KindValue[OptionKindOf<N>];
/** What setOption(name, value) takes. */
export type OptionInput<N extends OptionName> = KindInput[OptionKindOf<N>];

export const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];

export function isOptionName(value: unknown): value is OptionName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(OPTIONS, value);
}

/** One row per option, in table order, for listing (rawprobe sockopt). */
export interface OptionRow extends OptionSpec {
  readonly name: OptionName;
}

export function optionTable(): OptionRow[] {
  return OPTION_NAMES.map((name) => ({ name, ...OPTIONS[name] }));
}

/**
 * The ICMP_FILTER mask that lets only `passTypes` through to a raw ICMP socket (bit n set =
 * type n dropped). Types above 31 cannot be filtered and always pass.
 */
export function icmpFilterMask(passTypes: readonly number[]): number {
  let mask = 0xffffffff;
  for (const type of passTypes) {
    if (Number.isInteger(type) && type >= 0 && type <= 31) mask &= ~(1 << type);
  }
  return mask >>> 0;
}

/** The ICMPV6_FILTER value that lets only `passTypes` (0..255) through. */
export function icmpv6FilterBytes(passTypes: readonly number[]): Buffer {
  const words = new Uint32Array(8).fill(0xffffffff);
  for (const type of passTypes) {
    if (Number.isInteger(type) && type >= 0 && type <= 255) {
      words[type >>> 5] = ((words[type >>> 5] as number) & ~(1 << (type & 31))) >>> 0;
    }
  }
  return Buffer.from(words.buffer);
}
