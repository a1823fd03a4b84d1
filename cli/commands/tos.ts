// `rawprobe tos HOST`: which TOS values get through, how they come back, and (with --path) where
// on the path each one is rewritten. This file is the command's definition only (options and
// help), so that other commands never load the probe engine: cli/run/tos.ts parses and prints,
// lib/probe/tos.ts probes (on trace's machinery), cli/format/tos.ts has the table.
import type { Argv } from 'yargs';
import { runLater } from './lazy.js';
import { HOST, ICMP, PCAP_OUT, PORT, PROTOCOL, SIM_QUERIES, SOURCE, flag, value, type Value } from './options.js';

export type { Value };

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
    .positional('host', HOST)
    .option('values', value(null, 'TOS bytes, comma-separated: 0-255, 0x00-0xff or DSCP names (e.g. 0,0x10,0xb8,AF41)'))
    .option('dscp', value(null, 'all: the 64 DSCP code points; or a comma-separated list of DSCP values or names (ECN 0)'))
    .option('ecn', flag(null, 'the four ECN codepoints (Not-ECT, ECT(1), ECT(0), CE) of each value (alone: of DSCP 0)'))
    .option('P', PROTOCOL)
    .option('I', ICMP)
    .option('U', flag('udp', 'UDP probes; the target\'s port unreachable tells the TOS it received (-P udp)'))
    .option('T', flag('tcp', 'TCP SYN probes (-P tcp)'))
    .option('p', PORT)
    .option('q', value('queries', 'probes per value (per hop with --path), 1-10 (default 1)'))
    .option('w', value('wait', 'MAX[,HERE,NEAR]: seconds to wait for an answer, as trace -w (default 2,3,10)'))
    .option('N', SIM_QUERIES)
    .option('path', flag(null, 'also sweep the TTL per value and name the hop after which the value was rewritten'))
    .option('f', value('first', 'with --path: first TTL (default 1)'))
    .option('m', value('max-hops', 'with --path: max TTL (default 30)'))
    .option('s', SOURCE)
    .option('json', flag(null, 'one JSON object per value (the table\'s rows)'))
    .option('pcap-out', PCAP_OUT)
    .example('$0 tos --values 0,0x10,0xb8 203.0.113.6', 'three TOS values')
    .example('$0 tos --dscp all -U 203.0.113.6', 'every DSCP code point, with what the target received')
    .example('$0 tos --values EF --path 203.0.113.6', 'where is EF re-marked?') as unknown as Argv<TosArgs>;
}

export const handler = runLater<TosArgs>(() => import('../run/tos.js'));
