// `rawprobe sweep TARGET...`: ICMP echo to many targets at once, with fping's options and
// output. This file is the command's definition only (options and help), so that other commands
// never load the probe engine: cli/run/sweep.ts parses and prints, lib/probe/sweep.ts probes,
// cli/format/sweep.ts has the words.
import type { ArgumentsCamelCase, Argv } from 'yargs';

export type Value = string | string[] | undefined;

export interface SweepArgs {
  targets?: string[];
  file?: Value;
  count?: Value;
  retries?: Value;
  timeout?: Value;
  backoff?: Value;
  period?: Value;
  rate?: Value;
  tos?: Value;
  ttl?: Value;
  size?: Value;
  source?: Value;
  alive: boolean;
  unreachable: boolean;
  quiet: boolean;
  json: boolean;
}

export const command = 'sweep [targets..]';
export const describe = 'Ping many targets at once: addresses, names, CIDR blocks, ranges, files (fping options and output)';

export function builder(y: Argv): Argv<SweepArgs> {
  return y
    .positional('targets', {
      type: 'string',
      array: true,
      describe: 'IPv4 address, host name, CIDR block (198.51.100.0/24) or range (198.51.100.10-198.51.100.20, or 198.51.100.10-20)',
    })
    .option('f', { alias: 'file', type: 'string', requiresArg: true, describe: 'read targets from FILE, one per line (# comments, blank lines); - for stdin; may repeat' })
    .option('c', { alias: 'count', type: 'string', requiresArg: true, describe: 'send COUNT probes to each target and report each reply and xmt/rcv/%loss (default: 1, alive mode)' })
    .option('r', { alias: 'retries', type: 'string', requiresArg: true, describe: 'alive mode: tries after the first (default 3)' })
    .option('t', { alias: 'timeout', type: 'string', requiresArg: true, describe: 'ms to wait for a reply to each probe (default 500; with -c: the period, at most 2000)' })
    .option('B', { alias: 'backoff', type: 'string', requiresArg: true, describe: 'each retry waits this many times longer, 1.0-5.0 (default 1.5)' })
    .option('p', { alias: 'period', type: 'string', requiresArg: true, describe: 'with -c: ms between two probes to one target (default 1000)' })
    .option('rate', { type: 'string', requiresArg: true, describe: 'probes per second over all targets, or max: as fast as the socket takes them (default 1000)' })
    .option('Q', { alias: 'tos', type: 'string', requiresArg: true, describe: 'IPv4 TOS byte: 0-255, 0x00-0xff or a DSCP name (EF, AF41, CS1...)' })
    .option('ttl', { type: 'string', requiresArg: true, describe: 'IPv4 time to live, 1-255 (default 64)' })
    .option('s', { alias: 'size', type: 'string', requiresArg: true, describe: 'data bytes per probe, 0-65507 (default 56)' })
    .option('S', { alias: 'source', type: 'string', requiresArg: true, describe: 'source address (default: the one each route gives)' })
    .option('a', { alias: 'alive', type: 'boolean', default: false, describe: 'print only the targets that answered, one per line' })
    .option('u', { alias: 'unreachable', type: 'boolean', default: false, describe: 'print only the targets that did not, one per line' })
    .option('q', { alias: 'quiet', type: 'boolean', default: false, describe: 'with -c: no line per reply, only each target\'s summary' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per target (and per reply with -c), then the summary' })
    .example('$0 sweep 127.0.0.0/24', 'which loopback addresses answer (all do)')
    .example('$0 sweep --rate max -a 127.0.0.1-127.0.0.20', 'as fast as possible; print the live ones only')
    .example('$0 sweep -c 3 -p 100 -f hosts.txt', 'three probes to each target listed in hosts.txt') as unknown as Argv<SweepArgs>;
}

export async function handler(args: ArgumentsCamelCase): Promise<void> {
  const { run } = await import('../run/sweep.js');
  await run(args as unknown as SweepArgs);
}
