// `rawprobe trace HOST [PACKETLEN]`: traceroute's options and output, on IPv4 headers built by
// lib/ (IP_HDRINCL), with what the path did to our header at the end of each hop line. This file
// is the command's definition only (options and help), so that `rawprobe --help` and the other
// commands never load the probe engine: cli/run/trace.ts parses and prints, lib/probe/trace.ts
// probes, cli/format/trace.ts has the words.
import type { Argv } from 'yargs';
import { runLater } from './lazy.js';
import { HOST, ICMP, NUMERIC, PCAP_OUT, PORT, PROTOCOL, SIM_QUERIES, SOURCE, TOS_DESCRIBE, flag, value, type Value } from './options.js';

export type { Value };

export interface TraceArgs {
  host: string;
  packetlen?: Value;
  protocol?: Value;
  icmp: boolean;
  udp: boolean;
  tcp: boolean;
  port?: Value;
  first?: Value;
  'max-hops'?: Value;
  queries?: Value;
  wait?: Value;
  'sim-queries'?: Value;
  tos?: Value;
  'dont-fragment': boolean;
  source?: Value;
  'ip-option'?: Value;
  numeric: boolean;
  json: boolean;
  'pcap-out'?: Value;
}

export const command = 'trace <host> [packetlen]';
export const describe = 'Trace the path with TTL probes (traceroute options and output), and show what the path did to our header';

export function builder(y: Argv): Argv<TraceArgs> {
  return y
    .positional('host', HOST)
    .positional('packetlen', { type: 'string', describe: 'bytes per probe, headers included (default 60)' })
    .option('P', PROTOCOL)
    .option('I', ICMP)
    .option('U', flag('udp', 'UDP probes to port 33434 and up (-P udp)'))
    .option('T', flag('tcp', 'TCP SYN probes to port 80 (-P tcp)'))
    .option('p', PORT)
    .option('f', value('first', 'first TTL (default 1)'))
    .option('m', value('max-hops', 'max TTL (default 30)'))
    .option('q', value('queries', 'probes per hop, 1-10 (default 3)'))
    .option('w', value('wait', 'MAX[,HERE,NEAR]: wait at most MAX s; HERE x the time of an answer from the same hop, NEAR x that of a farther hop (default 5,3,10)'))
    .option('N', SIM_QUERIES)
    .option('Q', value(['tos', 't'], TOS_DESCRIBE))
    .option('F', flag('dont-fragment', 'set Don\'t Fragment (a router with a smaller MTU answers !F-<mtu>)'))
    .option('s', SOURCE)
    .option('ip-option', value(null, 'IPv4 option on every probe, repeatable: nop, rr[:N], ts[:N], ra[:V], raw:HEX...'))
    .option('n', NUMERIC)
    .option('json', flag(null, 'one JSON object per hop, then {"type":"done"}'))
    .option('pcap-out', PCAP_OUT)
    .example('$0 trace -n 203.0.113.6', 'ICMP echo probes, addresses only')
    .example('$0 trace -n -T -p 443 203.0.113.6', 'TCP SYN probes to port 443')
    .example('$0 trace -n -Q 0xb8 203.0.113.6', 'where is EF re-marked? (see [tos ...] on the hop lines)')
    .example('$0 trace -n -F 203.0.113.6 1500', 'find an MTU bottleneck (!F-<mtu>)') as unknown as Argv<TraceArgs>;
}

export const handler = runLater<TraceArgs>(() => import('../run/trace.js'));
