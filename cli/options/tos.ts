// `rawprobe tos HOST`, declared once: its help and options (the probe options are trace's).
// cli/commands/tos.ts gives them to yargs, cli/run/tos.ts reads their values as TosArgs.
import { HOST, IP_VERSION, PCAP_OUT, SIM_QUERIES, probeKindOptions, source } from './common.js';
import { flag, inGroup, value, type ArgsOf, type CommandHelp } from './define.js';

export const help: CommandHelp = {
  command: 'tos <host>',
  describe: 'Probe with a list of TOS values: answered or not, the TOS that comes back, RTT, and (--path) the hop that rewrote it',
  examples: [
    ['$0 tos --values 0,0x10,0xb8 203.0.113.6', 'three TOS values'],
    ['$0 tos --dscp all -U 203.0.113.6', 'every DSCP code point, with what the target received'],
    ['$0 tos --values EF --path 203.0.113.6', 'where is EF re-marked?'],
  ],
};

export const positionals = { host: HOST };

// No peer tool: grouped by what each option decides.
export const options = {
  ...inGroup('Values:', {
    ...IP_VERSION,
    values: value(null, 'TOS bytes, comma-separated: 0-255, 0x00-0xff or DSCP names (e.g. 0,0x10,0xb8,AF41)'),
    dscp: value(null, 'all: the 64 DSCP code points; or a comma-separated list of DSCP values or names (ECN 0)'),
    ecn: flag(null, 'the four ECN codepoints (Not-ECT, ECT(1), ECT(0), CE) of each value (alone: of DSCP 0)'),
  }),
  ...inGroup('Probes (as trace):', {
    ...probeKindOptions('UDP probes; the target\'s port unreachable tells the TOS it received (-P udp)', 'TCP SYN probes (-P tcp)'),
    queries: value('q', 'probes per value (per hop with --path), 1-10 (default 1)'),
    wait: value('w', 'MAX[,HERE,NEAR]: seconds to wait for an answer, as trace -w (default 2,3,10)'),
    'sim-queries': SIM_QUERIES,
    source: source('s'),
  }),
  ...inGroup('Path:', {
    path: flag(null, 'also sweep the TTL per value and name the hop after which the value was rewritten'),
    first: value('f', 'with --path: first TTL (default 1)'),
    'max-hops': value('m', 'with --path: max TTL (default 30)'),
  }),
  ...inGroup('Output:', {
    json: flag(null, 'one JSON object per value (the table\'s rows)'),
    'pcap-out': PCAP_OUT,
  }),
};

export type TosArgs = ArgsOf<typeof positionals, typeof options>;
