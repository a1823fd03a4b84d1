// `rawprobe trace HOST [PACKETLEN]`: traceroute's options and output, on IPv4 headers built by
// lib/ (IP_HDRINCL), with what the path did to our header at the end of each hop line. This file
// is the command's definition only (options and help), so that `rawprobe --help` and the other
// commands never load the probe engine: cli/run/trace.ts parses and prints, lib/probe/trace.ts
// probes, cli/format/trace.ts has the words.
import type { ArgumentsCamelCase, Argv } from 'yargs';

export type Value = string | string[] | undefined;

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
    .positional('host', { type: 'string', demandOption: true, describe: 'host name or IPv4 address' })
    .positional('packetlen', { type: 'string', describe: 'bytes per probe, headers included (default 60)' })
    .option('P', { alias: 'protocol', type: 'string', requiresArg: true, describe: 'probe kind: icmp (default), udp or tcp' })
    .option('I', { alias: 'icmp', type: 'boolean', default: false, describe: 'ICMP echo probes (-P icmp)' })
    .option('U', { alias: 'udp', type: 'boolean', default: false, describe: 'UDP probes to port 33434 and up (-P udp)' })
    .option('T', { alias: 'tcp', type: 'boolean', default: false, describe: 'TCP SYN probes to port 80 (-P tcp)' })
    .option('p', { alias: 'port', type: 'string', requiresArg: true, describe: 'udp: first destination port (default 33434); tcp: destination port (default 80)' })
    .option('f', { alias: 'first', type: 'string', requiresArg: true, describe: 'first TTL (default 1)' })
    .option('m', { alias: 'max-hops', type: 'string', requiresArg: true, describe: 'max TTL (default 30)' })
    .option('q', { alias: 'queries', type: 'string', requiresArg: true, describe: 'probes per hop, 1-10 (default 3)' })
    .option('w', { alias: 'wait', type: 'string', requiresArg: true, describe: 'MAX[,HERE,NEAR]: wait at most MAX s; HERE x the time of an answer from the same hop, NEAR x that of a farther hop (default 5,3,10)' })
    .option('N', { alias: 'sim-queries', type: 'string', requiresArg: true, describe: 'probes in flight at once (default 16)' })
    .option('Q', { alias: ['tos', 't'], type: 'string', requiresArg: true, describe: 'IPv4 TOS byte: 0-255, 0x00-0xff or a DSCP name (EF, AF41, CS1...)' })
    .option('F', { alias: 'dont-fragment', type: 'boolean', default: false, describe: 'set Don\'t Fragment (a router with a smaller MTU answers !F-<mtu>)' })
    .option('s', { alias: 'source', type: 'string', requiresArg: true, describe: 'source address' })
    .option('ip-option', { type: 'string', requiresArg: true, describe: 'IPv4 option on every probe, repeatable: nop, rr[:N], ts[:N], ra[:V], raw:HEX...' })
    .option('n', { alias: 'numeric', type: 'boolean', default: false, describe: 'no reverse name lookups' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per hop, then {"type":"done"}' })
    .option('pcap-out', { type: 'string', requiresArg: true, describe: 'write every packet sent and received to FILE (pcap)' })
    .example('$0 trace -n 203.0.113.6', 'ICMP echo probes, addresses only')
    .example('$0 trace -n -T -p 443 203.0.113.6', 'TCP SYN probes to port 443')
    .example('$0 trace -n -Q 0xb8 203.0.113.6', 'where is EF re-marked? (see [tos ...] on the hop lines)')
    .example('$0 trace -n -F 203.0.113.6 1500', 'find an MTU bottleneck (!F-<mtu>)') as unknown as Argv<TraceArgs>;
}

export async function handler(args: ArgumentsCamelCase): Promise<void> {
  const { run } = await import('../run/trace.js');
  await run(args as unknown as TraceArgs);
}
