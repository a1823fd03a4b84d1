// `rawprobe trace HOST [PACKETLEN]`, declared once: its help and options (traceroute's letters).
// cli/commands/trace.ts gives them to yargs, cli/run/trace.ts reads their values as TraceArgs.
import { HOST, IP_VERSION, NUMERIC, PCAP_OUT, SIM_QUERIES, TOS_DESCRIBE, probeKindOptions, source } from './common.js';
import { flag, GROUP, inGroup, optional, value, values, type ArgsOf, type CommandHelp } from './define.js';

export const help: CommandHelp = {
  command: 'trace <host> [packetlen]',
  describe: 'Trace the path with TTL probes (traceroute options and output), and show what the path did to our header',
  examples: [
    ['$0 trace -n 203.0.113.6', 'ICMP echo probes, addresses only'],
    ['$0 trace -n -T -p 443 203.0.113.6', 'TCP SYN probes to port 443'],
    ['$0 trace -n -Q 0xb8 203.0.113.6', 'where is EF re-marked? (see [tos ...] on the hop lines)'],
    ['$0 trace -n -F 203.0.113.6 1500', 'find an MTU bottleneck (!F-<mtu>)'],
  ],
};

export const positionals = {
  host: HOST,
  packetlen: optional('bytes per probe, headers included (default 60)'),
};

// In traceroute's order (its help), then rawprobe's own.
const kind = probeKindOptions('UDP probes to port 33434 and up (-P udp)', 'TCP SYN probes to port 80 (-P tcp)');
export const options = {
  ...inGroup(GROUP.options, {
    ...IP_VERSION,
    'dont-fragment': flag('F', 'set Don\'t Fragment (a router with a smaller MTU answers !F-<mtu>)'),
    first: value('f', 'first TTL (default 1)'),
    icmp: kind.icmp,
    tcp: kind.tcp,
    'max-hops': value('m', 'max TTL (default 30)'),
    'sim-queries': SIM_QUERIES,
    numeric: NUMERIC,
    port: kind.port,
    tos: value(['Q', 't'], TOS_DESCRIBE),
    wait: value('w', 'MAX[,HERE,NEAR]: wait at most MAX s; HERE x the time of an answer from the same hop, NEAR x that of a farther hop (default 5,3,10)'),
    queries: value('q', 'probes per hop, 1-10 (default 3)'),
    source: source('s'),
    udp: kind.udp,
  }),
  ...inGroup(GROUP.rawprobe, {
    protocol: kind.protocol,
    'ip-option': values(null, 'IPv4 option on every probe, repeatable: nop, rr[:N], ts[:N], ra[:V], raw:HEX...'),
    json: flag(null, 'one JSON object per hop, then {"type":"done"}'),
    'pcap-out': PCAP_OUT,
  }),
};

export type TraceArgs = ArgsOf<typeof positionals, typeof options>;
