// `rawprobe ping HOST`, declared once: its help and options (iputils ping's letters).
// cli/commands/ping.ts gives them to yargs, cli/run/ping.ts reads their values as PingArgs.
import { HOST, NUMERIC, PCAP_OUT, SIZE, TOS_DESCRIBE, TTL_DESCRIBE, source } from './common.js';
import { flag, value, type ArgsOf, type CommandHelp } from './define.js';

export const help: CommandHelp = {
  command: 'ping <host>',
  describe: 'Send ICMP echo requests with IPv4 headers built by rawprobe (iputils ping options and output)',
  examples: [
    ['$0 ping -c 3 127.0.0.1', 'three probes'],
    ['$0 ping -t 1 -c 1 203.0.113.6', 'Time to live exceeded from the first router'],
    ['$0 ping -f -c 100000 127.0.0.1', 'flood'],
  ],
};

export const positionals = { host: HOST };

export const options = {
  count: value('c', 'stop after COUNT replies'),
  interval: value('i', 'seconds between probes (default 1; below 0.001 only with -f)'),
  size: SIZE,
  ttl: value('t', TTL_DESCRIBE),
  tos: value('Q', TOS_DESCRIBE),
  timeout: value('W', 'seconds to wait for each reply; later ones are reported as late (default 10)'),
  deadline: value('w', 'stop after this many seconds'),
  pattern: value('p', 'fill the data with this hex pattern (up to 16 bytes)'),
  source: source('I'),
  pmtudisc: value('M', 'want (default): Don\'t Fragment, and a probe larger than the route MTU is sent in fragments; do: DF, never fragment; dont: no DF'),
  id: value(null, 'ICMP identifier, 0-65535 (default: process id)'),
  preload: value('l', 'probes sent at once before pacing; with -f, probes kept in flight (default 64)'),
  flood: flag('f', 'flood: probes as fast as replies come back; prints . per probe, a backspace per reply'),
  quiet: flag('q', 'print only the header and the summary'),
  numeric: NUMERIC,
  timestamp: flag('D', 'print the time before each line'),
  outstanding: flag('O', 'report a probe still unanswered when the next goes out'),
  json: flag(null, 'one JSON object per event, then the summary (with -f or -q: start and summary only)'),
  verbose: flag('v', 'also say where the times come from (kernel stamps at both ends, or why not) and how the replies were timed'),
  'hw-timestamps': flag(null, "time round trips with the interface's own clock where it has one (hardware timestamps; needs CAP_NET_ADMIN)"),
  'pcap-out': PCAP_OUT,
};

export type PingArgs = ArgsOf<typeof positionals, typeof options>;
