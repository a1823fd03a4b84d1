// `rawprobe ping HOST`, declared once: its help and options (iputils ping's letters).
// cli/commands/ping.ts gives them to yargs, cli/run/ping.ts reads their values as PingArgs.
import { HOST, IP_VERSION, IPV4_GROUP, IPV6_GROUP, NUMERIC, PCAP_OUT, SIZE, TOS_DESCRIBE, TTL_DESCRIBE } from './common.js';
import { flag, GROUP, inGroup, value, type ArgsOf, type CommandHelp } from './define.js';

export const help: CommandHelp = {
  command: 'ping <host> [hops..]',
  describe: 'Send ICMP (ICMPv6) echo requests with IPv4 (IPv6) headers built by rawprobe (iputils ping options and output)',
  examples: [
    ['$0 ping -c 3 127.0.0.1', 'three probes'],
    ['$0 ping -t 1 -c 1 203.0.113.6', 'Time to live exceeded from the first router'],
    ['$0 ping -R -c 2 203.0.113.6', 'the route there and back (Record Route), as iputils prints it'],
    ['$0 ping -T tsprespec 203.0.113.2 203.0.113.6', 'a timestamp from 203.0.113.2 only'],
    ['$0 ping -f -c 100000 127.0.0.1', 'flood'],
    ['$0 ping -6 -c 3 ::1', 'IPv6'],
    ['$0 ping --watch 203.0.113.6', 'the live view (q quits)'],
  ],
};

export const positionals = {
  host: HOST,
  hops: {
    type: 'string',
    array: true,
    describe: 'with -T tsprespec: the addresses to timestamp come first and the host last, as iputils takes them',
  },
} as const;

// In iputils ping's order (its help: one letter after another, -H as iputils 2024 has it), then
// its IPv4 and IPv6 options, then rawprobe's own.
export const options = {
  ...inGroup(GROUP.options, {
    audible: flag('a', 'audible ping: a bell (\\a) with each reply'),
    adaptive: flag('A', 'adaptive ping: the interval follows the round trip (at least 200 ms unless root)'),
    'strict-source': flag('B', 'sticky source address: bind to the source chosen at the start'),
    count: value('c', 'stop after COUNT replies'),
    connect: flag('C', 'call connect() on the socket (it then hears the target only: routers\' errors are not seen)'),
    timestamp: flag('D', 'print the time before each line'),
    debug: flag('d', 'set SO_DEBUG on the socket (needs CAP_NET_ADMIN)'),
    id: value(['e'], 'ICMP identifier, 0-65535 (default: process id)'),
    flood: flag('f', 'flood: probes as fast as replies come back; prints . per probe, a backspace per reply'),
    'reverse-dns': flag('H', 'look up names even for a numeric host (-n wins when both are given)'),
    source: value('I', 'source address, or an interface name (SO_BINDTODEVICE: the source is then its address)'),
    interval: value('i', 'seconds between probes (default 1; below 0.001 only with -f)'),
    'suppress-loopback': flag('L', 'do not loop our own multicast and broadcast probes back to this machine'),
    preload: value('l', 'probes sent at once before pacing; with -f, probes kept in flight (default 64)'),
    mark: value('m', 'firewall mark of the probes (SO_MARK), as policy routing and nftables see it'),
    pmtudisc: value('M', 'want (default): Don\'t Fragment, and a probe larger than the route MTU is sent in fragments; do: DF, never fragment; dont: no DF'),
    numeric: NUMERIC,
    outstanding: flag('O', 'report a probe still unanswered when the next goes out'),
    pattern: value('p', 'fill the data with this hex pattern (up to 16 bytes)'),
    quiet: flag('q', 'print only the header and the summary'),
    tos: value('Q', TOS_DESCRIBE),
    'dont-route': flag('r', 'bypass the routing table (SO_DONTROUTE): only hosts on an attached network'),
    size: SIZE,
    sndbuf: value('S', 'the socket\'s send buffer in bytes (SO_SNDBUF)'),
    ttl: value('t', TTL_DESCRIBE),
    'user-latency': flag('U', 'user-to-user latency: a reply\'s time is when rawprobe reads it, not the kernel\'s receive time'),
    verbose: flag('v', 'verbose: the identifier on each reply (ident=), every DUP! of a broadcast, and where the times come from (kernel stamps at both ends, or why not)'),
    version: flag('V', 'print the version and exit'),
    deadline: value('w', 'stop after this many seconds'),
    timeout: value('W', 'seconds to wait for each reply; later ones are reported as late (default 10)'),
  }),
  ...inGroup(IPV4_GROUP, {
    ipv4: IP_VERSION.ipv4,
    broadcast: flag('b', 'allow a broadcast host (SO_BROADCAST); every host\'s reply counts'),
    'record-route': flag('R', 'record route: the route there and back, as iputils prints it (RR: lines)'),
    'ip-timestamp': value('T', 'IP timestamp option: tsonly, tsandaddr, or tsprespec (with the addresses to timestamp before the host)'),
  }),
  ...inGroup(IPV6_GROUP, { ipv6: IP_VERSION.ipv6, flow: value('F', 'flow label, 0-0xfffff') }),
  ...inGroup(GROUP.rawprobe, {
    watch: flag(null, 'the live view: round trips as a sparkline with the running summary; keys q quit, p pause, r reset (without a terminal: the usual lines)'),
    json: flag(null, 'one JSON object per event, then the summary (with -f or -q: start and summary only)'),
    'hw-timestamps': flag(null, "time round trips with the interface's own clock where it has one (hardware timestamps; needs CAP_NET_ADMIN)"),
    'pcap-out': PCAP_OUT,
  }),
};

/**
 * What yargs is given: every option but -V, which is yargs' own --version (a declared `version`
 * would shadow it), aliased in cli/commands/ping.ts. `options` lists it for the man page and the
 * completion.
 */
export const { version: versionOption, ...yargsOptions } = options;

export type PingArgs = ArgsOf<typeof positionals, typeof yargsOptions>;
