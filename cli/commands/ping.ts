// `rawprobe ping HOST`: iputils ping's options and output, on IPv4 headers built by lib/
// (IP_HDRINCL). This file is the command's definition only (options and help), so that
// `rawprobe --help` and the other commands never load the probe engine: cli/run/ping.ts parses
// and prints, lib/probe/ping.ts probes, cli/format/ping.ts has the words.
import type { ArgumentsCamelCase, Argv } from 'yargs';

export type Value = string | string[] | undefined;

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
    .positional('host', { type: 'string', demandOption: true, describe: 'host name or IPv4 address' })
    .option('c', { alias: 'count', type: 'string', requiresArg: true, describe: 'stop after COUNT replies' })
    .option('i', { alias: 'interval', type: 'string', requiresArg: true, describe: 'seconds between probes (default 1; below 0.001 only with -f)' })
    .option('s', { alias: 'size', type: 'string', requiresArg: true, describe: 'data bytes per probe, 0-65507 (default 56)' })
    .option('t', { alias: 'ttl', type: 'string', requiresArg: true, describe: 'IPv4 time to live, 1-255 (default 64)' })
    .option('Q', { alias: 'tos', type: 'string', requiresArg: true, describe: 'IPv4 TOS byte: 0-255, 0x00-0xff or a DSCP name (EF, AF41, CS1...)' })
    .option('W', { alias: 'timeout', type: 'string', requiresArg: true, describe: 'seconds to wait for each reply; later ones are reported as late (default 10)' })
    .option('w', { alias: 'deadline', type: 'string', requiresArg: true, describe: 'stop after this many seconds' })
    .option('p', { alias: 'pattern', type: 'string', requiresArg: true, describe: 'fill the data with this hex pattern (up to 16 bytes)' })
    .option('I', { alias: 'source', type: 'string', requiresArg: true, describe: 'source address' })
    .option('M', { alias: 'pmtudisc', type: 'string', requiresArg: true, describe: 'do | want: set Don\'t Fragment (default); dont: clear it' })
    .option('id', { type: 'string', requiresArg: true, describe: 'ICMP identifier, 0-65535 (default: process id)' })
    .option('l', { alias: 'preload', type: 'string', requiresArg: true, describe: 'probes sent at once before pacing; with -f, probes kept in flight (default 64)' })
    .option('f', { alias: 'flood', type: 'boolean', default: false, describe: 'flood: probes as fast as replies come back; prints . per probe, a backspace per reply' })
    .option('q', { alias: 'quiet', type: 'boolean', default: false, describe: 'print only the header and the summary' })
    .option('n', { alias: 'numeric', type: 'boolean', default: false, describe: 'no reverse name lookups' })
    .option('D', { alias: 'timestamp', type: 'boolean', default: false, describe: 'print the time before each line' })
    .option('O', { alias: 'outstanding', type: 'boolean', default: false, describe: 'report a probe still unanswered when the next goes out' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per event, then the summary (with -f or -q: start and summary only)' })
    .option('pcap-out', { type: 'string', requiresArg: true, describe: 'write every packet sent and received to FILE (pcap)' })
    .example('$0 ping -c 3 127.0.0.1', 'three probes')
    .example('$0 ping -t 1 -c 1 203.0.113.6', 'Time to live exceeded from the first router')
    .example('$0 ping -f -c 100000 127.0.0.1', 'flood') as unknown as Argv<PingArgs>;
}

export async function handler(args: ArgumentsCamelCase): Promise<void> {
  const { run } = await import('../run/ping.js');
  await run(args as unknown as PingArgs);
}
