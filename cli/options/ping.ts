// `rawprobe ping HOST`, declared once: its help and options (iputils ping's letters).
// cli/commands/ping.ts gives them to yargs, cli/run/ping.ts reads their values as PingArgs.
import { HOST, IP_VERSION, IPV4_GROUP, IPV6_GROUP, NUMERIC, PCAP_OUT, SIZE, TOS_DESCRIBE, TTL_DESCRIBE, source } from './common.js';
import { flag, GROUP, inGroup, value, type ArgsOf, type CommandHelp } from './define.js';

export const help: CommandHelp = {
  command: 'ping <host>',
  describe: 'Send ICMP (ICMPv6) echo requests with IPv4 (IPv6) headers built by rawprobe (iputils ping options and output)',
  examples: [
    ['$0 ping -c 3 127.0.0.1', 'three probes'],
    ['$0 ping -t 1 -c 1 203.0.113.6', 'Time to live exceeded from the first router'],
    ['$0 ping -f -c 100000 127.0.0.1', 'flood'],
    ['$0 ping -6 -c 3 ::1', 'IPv6'],
    ['$0 ping --watch 203.0.113.6', 'the live view (q quits)'],
  ],
};

export const positionals = { host: HOST };

// In iputils ping's order (its help: one letter after another), then rawprobe's own.
export const options = {
  ...inGroup(GROUP.options, {
    count: value('c', 'stop after COUNT replies'),
    timestamp: flag('D', 'print the time before each line'),
    flood: flag('f', 'flood: probes as fast as replies come back; prints . per probe, a backspace per reply'),
    source: source('I'),
    interval: value('i', 'seconds between probes (default 1; below 0.001 only with -f)'),
    preload: value('l', 'probes sent at once before pacing; with -f, probes kept in flight (default 64)'),
    pmtudisc: value('M', 'want (default): Don\'t Fragment, and a probe larger than the route MTU is sent in fragments; do: DF, never fragment; dont: no DF'),
    numeric: NUMERIC,
    outstanding: flag('O', 'report a probe still unanswered when the next goes out'),
    pattern: value('p', 'fill the data with this hex pattern (up to 16 bytes)'),
    quiet: flag('q', 'print only the header and the summary'),
    tos: value('Q', TOS_DESCRIBE),
    size: SIZE,
    ttl: value('t', TTL_DESCRIBE),
    verbose: flag('v', 'also say where the times come from (kernel stamps at both ends, or why not) and how the replies were timed'),
    deadline: value('w', 'stop after this many seconds'),
    timeout: value('W', 'seconds to wait for each reply; later ones are reported as late (default 10)'),
  }),
  ...inGroup(IPV4_GROUP, { ipv4: IP_VERSION.ipv4 }),
  ...inGroup(IPV6_GROUP, { ipv6: IP_VERSION.ipv6, flow: value('F', 'flow label, 0-0xfffff') }),
  ...inGroup(GROUP.rawprobe, {
    id: value(null, 'ICMP identifier, 0-65535 (default: process id)'),
    watch: flag(null, 'the live view: round trips as a sparkline with the running summary; keys q quit, p pause, r reset (without a terminal: the usual lines)'),
    json: flag(null, 'one JSON object per event, then the summary (with -f or -q: start and summary only)'),
    'hw-timestamps': flag(null, "time round trips with the interface's own clock where it has one (hardware timestamps; needs CAP_NET_ADMIN)"),
    'pcap-out': PCAP_OUT,
  }),
};

export type PingArgs = ArgsOf<typeof positionals, typeof options>;
