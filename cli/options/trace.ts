// `rawprobe trace HOST [PACKETLEN]`, declared once: its help and options (traceroute's letters).
// cli/commands/trace.ts gives them to yargs, cli/run/trace.ts reads their values as TraceArgs.
import { HOST, IP_VERSION, NUMERIC, PCAP_OUT, SIM_QUERIES, TOS_DESCRIBE, source } from './common.js';
import { flag, GROUP, inGroup, optional, text, value, values, type ArgsOf, type CommandHelp } from './define.js';

export const help: CommandHelp = {
  command: 'trace <host> [packetlen]',
  describe: 'Trace the path with TTL probes (traceroute options and output), and show what the path did to our header',
  examples: [
    ['$0 trace -n 203.0.113.6', 'ICMP echo probes, addresses only'],
    ['$0 trace -n -T -p 443 203.0.113.6', 'TCP SYN probes to port 443'],
    ['$0 trace -n -U 203.0.113.6', 'UDP probes to port 53 (traceroute -U); -M default: to 33434 and up'],
    ['$0 trace -n -Q 0xb8 203.0.113.6', 'where is EF re-marked? (see [tos ...] on the hop lines)'],
    ['$0 trace -n -F 203.0.113.6 1500', 'find an MTU bottleneck (!F-<mtu>)'],
    ['$0 trace -n --report -c 10 203.0.113.6', "mtr's report: loss, times and jitter per hop over 10 rounds"],
    ['$0 trace --watch 203.0.113.6', 'the live view (q quits)'],
    ['$0 trace -n -M default --multipath=8 203.0.113.6', 'every router of a load-balanced path, with the flows through each'],
    ['$0 trace -n --mtu 203.0.113.6', 'the path MTU, and the hop where it drops'],
    ['$0 trace -n -T --ecn 203.0.113.6', 'middleboxes: which hop clamps the MSS, strips an option, bleaches ECN'],
  ],
};

export const positionals = {
  host: HOST,
  packetlen: optional('bytes per probe, headers included (default 60)'),
};

/**
 * traceroute's two-letter option: getopt would read `-UL` as -U -L, so cli/start.ts rewrites the
 * word before parsing (cli/quick-parse.ts, respelled()).
 */
export const spellings = { '-UL': '--udplite' } as const;

// In traceroute's order (its help), then rawprobe's own.
export const options = {
  ...inGroup(GROUP.options, {
    ...IP_VERSION,
    'dont-fragment': flag('F', 'set Don\'t Fragment (a router with a smaller MTU answers !F-<mtu>)'),
    first: value('f', 'first TTL (default 1)'),
    icmp: flag('I', 'ICMP echo probes (-M icmp; the default)'),
    tcp: flag('T', 'TCP SYN probes to port 80 (-M tcp)'),
    interface: value('i', 'send and receive through this interface only (SO_BINDTODEVICE)'),
    'max-hops': value('m', 'max TTL (default 30)'),
    'sim-queries': SIM_QUERIES,
    numeric: NUMERIC,
    port: value('p', '-M default: first destination port (default 33434); -U, -UL: the destination port (default 53); -T: destination port (default 80)'),
    tos: value(['Q', 't'], TOS_DESCRIBE),
    wait: value('w', 'MAX[,HERE,NEAR]: wait at most MAX s; HERE x the time of an answer from the same hop, NEAR x that of a farther hop (default 5,3,10)'),
    queries: value('q', 'probes per hop, 1-10 (default 3; --report: per hop and round, default 1)'),
    source: source('s'),
    extensions: flag('e', 'show ICMP extensions: MPLS label stacks <MPLS:L=...,E=...,S=...,T=...>, interface information'),
    method: value(['M', 'module'], 'probe method, as traceroute -M names them: icmp (the default here), default (traceroute\'s: UDP to 33434 and up), udp (-U), udplite (-UL), tcp (-T), raw (-P)'),
    sport: value(null, 'source port (UDP, -U, -UL: of every probe; TCP: of the first, or of the first flow); default random'),
    udp: flag('U', 'UDP probes to one port, 53 unless -p (-M udp; the source port tells them apart)'),
    udplite: flag(null, '-UL: UDP-Lite probes (RFC 3828, protocol 136) to port 53 unless -p; the checksum covers the header (-M udplite)'),
    protocol: value('P', 'raw IPv4 probes of this protocol number, 0-255 (-M raw: 253 unless given); the destination answers !P'),
    mtu: flag(null, 'discover the path MTU (tracepath, traceroute --mtu): DF probes, shrunk at Fragmentation Needed or when a hop only answers smaller ones'),
  }),
  ...inGroup(GROUP.rawprobe, {
    report: flag(null, "mtr's report: rounds of probes (-c, default 10), then per hop Loss%, Snt, Last, Avg, Best, Wrst, StDev, Javg, Jmax"),
    watch: flag(null, 'the live view (mtr): the hop table redrawn each round; keys q quit, p pause, r reset, d RTT history'),
    count: value('c', 'rounds for --report and --watch (default 10; --watch: until q; --multipath: one per flow)'),
    interval: value(null, 'seconds between the starts of rounds (default: --report 0, each round once the one before is settled; --watch 1)'),
    paris: flag(null, 'Paris traceroute: one flow for every probe (ports, or ICMP checksum), so a load-balanced path shows one route'),
    multipath: text('[=K] spread the probes over K flows (default 16), each kept: every address at each hop, and the flows through it (write --multipath=K, or put --multipath after the host)'),
    'tcp-options': value(null, 'the SYN\'s TCP options (-T): none, or a comma list of mss[=N], sack, ts, wscale[=N] (default mss,sack,ts,wscale: a real client\'s SYN)'),
    ecn: flag(null, 'ECN-capable probes: ECT(0) on IP, ECE+CWR on a SYN; names the hop that bleaches ECN or clears the flags'),
    'ip-option': values(null, 'IPv4 option on every probe, repeatable: nop, rr[:N], ts[:N], ra[:V], raw:HEX...'),
    json: flag(null, 'one JSON object per hop, then {"type":"done"}; with --report, --multipath or --mtu one document (README)'),
    'pcap-out': PCAP_OUT,
  }),
};

export type TraceArgs = ArgsOf<typeof positionals, typeof options>;
