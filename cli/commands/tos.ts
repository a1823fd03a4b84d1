// `rawprobe tos HOST`: which TOS values get through, how they come back, and (with --path) where
// on the path each one is rewritten. This file is the command's definition only (options and
// help), so that other commands never load the probe engine: cli/run/tos.ts parses and prints,
// lib/probe/tos.ts probes (on trace's machinery), cli/format/tos.ts has the table.
import type { ArgumentsCamelCase, Argv } from 'yargs';

export type Value = string | string[] | undefined;

export interface TosArgs {
  host: string;
  values?: Value;
  dscp?: Value;
  ecn: boolean;
  protocol?: Value;
  icmp: boolean;
  udp: boolean;
  tcp: boolean;
  port?: Value;
  queries?: Value;
  wait?: Value;
  'sim-queries'?: Value;
  path: boolean;
  first?: Value;
  'max-hops'?: Value;
  source?: Value;
  json: boolean;
  'pcap-out'?: Value;
}

export const command = 'tos <host>';
export const describe = 'Probe with a list of TOS values: answered or not, the TOS that comes back, RTT, and (--path) the hop that rewrote it';

export function builder(y: Argv): Argv<TosArgs> {
  return y
    .positional('host', { type: 'string', demandOption: true, describe: 'host name or IPv4 address' })
    .option('values', { type: 'string', requiresArg: true, describe: 'TOS bytes, comma-separated: 0-255, 0x00-0xff or DSCP names (e.g. 0,0x10,0xb8,AF41)' })
    .option('dscp', { type: 'string', requiresArg: true, describe: 'all: the 64 DSCP code points; or a comma-separated list of DSCP values or names (ECN 0)' })
    .option('ecn', { type: 'boolean', default: false, describe: 'the four ECN codepoints (Not-ECT, ECT(1), ECT(0), CE) of each value (alone: of DSCP 0)' })
    .option('P', { alias: 'protocol', type: 'string', requiresArg: true, describe: 'probe kind: icmp (default), udp or tcp' })
    .option('I', { alias: 'icmp', type: 'boolean', default: false, describe: 'ICMP echo probes (-P icmp)' })
    .option('U', { alias: 'udp', type: 'boolean', default: false, describe: 'UDP probes; the target\'s port unreachable tells the TOS it received (-P udp)' })
    .option('T', { alias: 'tcp', type: 'boolean', default: false, describe: 'TCP SYN probes (-P tcp)' })
    .option('p', { alias: 'port', type: 'string', requiresArg: true, describe: 'udp: first destination port (default 33434); tcp: destination port (default 80)' })
    .option('q', { alias: 'queries', type: 'string', requiresArg: true, describe: 'probes per value (per hop with --path), 1-10 (default 1)' })
    .option('w', { alias: 'wait', type: 'string', requiresArg: true, describe: 'MAX[,HERE,NEAR]: seconds to wait for an answer, as trace -w (default 2,3,10)' })
    .option('N', { alias: 'sim-queries', type: 'string', requiresArg: true, describe: 'probes in flight at once (default 16)' })
    .option('path', { type: 'boolean', default: false, describe: 'also sweep the TTL per value and name the hop after which the value was rewritten' })
    .option('f', { alias: 'first', type: 'string', requiresArg: true, describe: 'with --path: first TTL (default 1)' })
    .option('m', { alias: 'max-hops', type: 'string', requiresArg: true, describe: 'with --path: max TTL (default 30)' })
    .option('s', { alias: 'source', type: 'string', requiresArg: true, describe: 'source address' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per value (the table\'s rows)' })
    .option('pcap-out', { type: 'string', requiresArg: true, describe: 'write every packet sent and received to FILE (pcap)' })
    .example('$0 tos --values 0,0x10,0xb8 203.0.113.6', 'three TOS values')
    .example('$0 tos --dscp all -U 203.0.113.6', 'every DSCP code point, with what the target received')
    .example('$0 tos --values EF --path 203.0.113.6', 'where is EF re-marked?') as unknown as Argv<TosArgs>;
}

export async function handler(args: ArgumentsCamelCase): Promise<void> {
  const { run } = await import('../run/tos.js');
  await run(args as unknown as TosArgs);
}
