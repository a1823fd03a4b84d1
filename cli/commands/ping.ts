// `rawprobe ping HOST`: iputils ping's options and output, on IPv4 headers built by lib/
// (IP_HDRINCL). This file is the command's definition only (options and help), so that
// `rawprobe --help` and the other commands never load the probe engine: cli/run/ping.ts parses
// and prints, lib/probe/ping.ts probes, cli/format/ping.ts has the words.
import type { Argv } from 'yargs';
import { runLater } from './lazy.js';
import { HOST, NUMERIC, PCAP_OUT, SIZE, SOURCE, TOS_DESCRIBE, TTL_DESCRIBE, flag, value, type Value } from './options.js';

export type { Value };

export interface PingArgs {
  host: string;
  count?: Value;
  interval?: Value;
  size?: Value;
  ttl?: Value;
  tos?: Value;
  timeout?: Value;
  deadline?: Value;
  pattern?: Value;
  source?: Value;
  pmtudisc?: Value;
  id?: Value;
  preload?: Value;
  flood: boolean;
  quiet: boolean;
  numeric: boolean;
  timestamp: boolean;
  outstanding: boolean;
  json: boolean;
  'pcap-out'?: Value;
}

export const command = 'ping <host>';
export const describe = 'Send ICMP echo requests with IPv4 headers built by rawprobe (iputils ping options and output)';

export function builder(y: Argv): Argv<PingArgs> {
  return y
    .positional('host', HOST)
    .option('c', value('count', 'stop after COUNT replies'))
    .option('i', value('interval', 'seconds between probes (default 1; below 0.001 only with -f)'))
    .option('s', SIZE)
    .option('t', value('ttl', TTL_DESCRIBE))
    .option('Q', value('tos', TOS_DESCRIBE))
    .option('W', value('timeout', 'seconds to wait for each reply; later ones are reported as late (default 10)'))
    .option('w', value('deadline', 'stop after this many seconds'))
    .option('p', value('pattern', 'fill the data with this hex pattern (up to 16 bytes)'))
    .option('I', SOURCE)
    .option('M', value('pmtudisc', 'want (default): Don\'t Fragment, and a probe larger than the route MTU is sent in fragments; do: DF, never fragment; dont: no DF'))
    .option('id', value(null, 'ICMP identifier, 0-65535 (default: process id)'))
    .option('l', value('preload', 'probes sent at once before pacing; with -f, probes kept in flight (default 64)'))
    .option('f', flag('flood', 'flood: probes as fast as replies come back; prints . per probe, a backspace per reply'))
    .option('q', flag('quiet', 'print only the header and the summary'))
    .option('n', NUMERIC)
    .option('D', flag('timestamp', 'print the time before each line'))
    .option('O', flag('outstanding', 'report a probe still unanswered when the next goes out'))
    .option('json', flag(null, 'one JSON object per event, then the summary (with -f or -q: start and summary only)'))
    .option('pcap-out', PCAP_OUT)
    .example('$0 ping -c 3 127.0.0.1', 'three probes')
    .example('$0 ping -t 1 -c 1 203.0.113.6', 'Time to live exceeded from the first router')
    .example('$0 ping -f -c 100000 127.0.0.1', 'flood') as unknown as Argv<PingArgs>;
}

export const handler = runLater<PingArgs>(() => import('../run/ping.js'));
